// Starts Swagger UI (drf-spectacular-sidecar's copy, served from static) on the API's
// schema. A file rather than an inline script: the Content-Security-Policy allows only
// the portal's own scripts. validatorUrl: null keeps Swagger UI from asking an outside
// validator about the schema: the page makes no request to another host.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || !window.SwaggerUIBundle) return;
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-schema-url"),
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
