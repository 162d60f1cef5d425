// Progressive enhancement for the practice browser: apply a facet as soon as it is
// ticked and swap the results in place. Without JavaScript the form's buttons do the same.
(function () {
  "use strict";
  var region = document.getElementById("browser-region");
  if (!region || !window.fetch) return;

  // Wide screens show the filters open; CSS does it where a closed <details> can be
  // styled open (::details-content), this does it elsewhere.
  var panel = document.getElementById("filters-panel");
  if (panel && window.matchMedia("(min-width: 48.01rem)").matches) panel.open = true;

  function load(url, focusId) {
    var partialUrl = new URL(url, window.location.href);
    partialUrl.searchParams.set("partial", "1");
    region.setAttribute("aria-busy", "true");
    return fetch(partialUrl, { headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        // The filters panel (folded on a phone) stays as the visitor left it.
        var panel = document.getElementById("filters-panel");
        var open = panel && panel.open;
        region.innerHTML = html;
        panel = document.getElementById("filters-panel");
        if (panel && open) panel.open = true;
        region.removeAttribute("aria-busy");
        // The page's feed link follows the filters, as the one in the results does.
        var follow = document.getElementById("follow-feed");
        var alternate = document.querySelector('link[rel="alternate"][type="application/atom+xml"]');
        if (follow && alternate) alternate.href = follow.href;
        syncLanguageLinks();
        var target = focusId && document.getElementById(focusId);
        if (target) target.focus();
      })
      .catch(function () { window.location.href = url; });
  }

  // The language switcher and the hreflang alternates carry the page's query string:
  // after filters change in place they follow the new one, so switching language keeps
  // the filters.
  function syncLanguageLinks() {
    var search = window.location.search;
    document.querySelectorAll(".language-switcher a").forEach(function (link) {
      var switchUrl = new URL(link.href);
      var next = new URL(switchUrl.searchParams.get("next") || "/", window.location.origin);
      next.search = search;
      switchUrl.searchParams.set("next", next.pathname + next.search);
      link.href = switchUrl.pathname + switchUrl.search;
    });
    document.querySelectorAll('link[rel="alternate"][hreflang]').forEach(function (link) {
      var alternate = new URL(link.href);
      alternate.search = search;
      link.href = alternate.href;
    });
  }

  function formUrl(form) {
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (key) {
      if (params.get(key) === "") params.delete(key);
    });
    var query = params.toString();
    return form.action + (query ? "?" + query : "");
  }

  region.addEventListener("change", function (event) {
    var form = event.target.form;
    if (!form || form.id !== "facet-form") return;
    if (event.target.type === "number" || event.target.type === "search") return;
    var url = formUrl(form);
    history.pushState({}, "", url);
    load(url, event.target.id);
  });

  region.addEventListener("submit", function (event) {
    if (event.target.id !== "facet-form") return;
    event.preventDefault();
    var url = formUrl(event.target);
    history.pushState({}, "", url);
    load(url, "results-h");
  });

  window.addEventListener("popstate", function () { load(window.location.href); });
})();
