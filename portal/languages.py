"""Languages in the URL: which address a page has in each language, the first-visit
choice from Accept-Language, and the switcher's view.

Paths are the same in every language (nothing in a route is translated): French is the
English path behind /fr/. So a page's address in another language is string work on its
path, with no URL resolving per link and no query: a 404 page gets its alternates too.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

# Routes outside i18n_patterns (portal/urls.py): machine-read or language-free. A request
# for one of them is never redirected to a language, and its pages have no alternates.
UNPREFIXED = (
    "/api/",
    "/healthz",
    "/robots.txt",
    "/sitemap.xml",
    "/favicon.ico",
    "/language/",
    "/static/",
)
# The API's documentation page is a page for people: it has a French address too.
PREFIXED_UNDER_API = ("/api/v1/docs",)


def codes():
    return [code for code, _name in settings.LANGUAGES]


def split_language(path):
    """("fr", "/practices/") for "/fr/practices/"; (None, path) when unprefixed."""
    for code in codes():
        prefix = f"/{code}/"
        if path.startswith(prefix) and code != settings.LANGUAGE_CODE:
            return code, path[len(prefix) - 1 :]
        if path == f"/{code}" and code != settings.LANGUAGE_CODE:
            return code, "/"
    return None, path


def has_languages(bare_path):
    """Whether the page at this (unprefixed) path exists in every language."""
    if bare_path.startswith(PREFIXED_UNDER_API):
        return True
    return not bare_path.startswith(UNPREFIXED)


def path_in(bare_path, code):
    """The page at `bare_path` in language `code`: English stays unprefixed."""
    if code == settings.LANGUAGE_CODE:
        return bare_path
    return f"/{code}{bare_path}"


def alternates(request):
    """[(code, name, url with the query string)] for the current page, every language."""
    _code, bare = split_language(request.path_info)
    if not has_languages(bare):
        return []
    query = request.META.get("QUERY_STRING", "")
    suffix = f"?{query}" if query else ""
    script = request.META.get("SCRIPT_NAME", "").rstrip("/")
    return [
        (code, name, f"{script}{path_in(bare, code)}{suffix}") for code, name in settings.LANGUAGES
    ]


def preferred_language(request):
    """The supported language the browser prefers (Accept-Language only), or None."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for accepted, _quality in translation.trans_real.parse_accept_lang_header(header):
        if accepted == "*":
            break
        try:
            return translation.get_supported_language_variant(accepted)
        except LookupError:
            continue
    return None


def first_visit_language(get_response):
    """Accept-Language chooses the language once: a first visit (no language cookie) to
    an unprefixed page from a browser preferring French goes to the French page, and the
    cookie remembers it. From then on the URL alone decides; the switcher sets the cookie.
    Costs nothing per request beyond reading two headers."""

    def middleware(request):
        redirect = _first_visit_redirect(request)
        if redirect is not None:
            return redirect
        response = get_response(request)
        _code, bare = split_language(request.path_info)
        if _code is None and has_languages(bare):
            # The same unprefixed address answers differently with or without the cookie.
            patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response

    return middleware


def _first_visit_redirect(request):
    if request.method not in ("GET", "HEAD"):
        return None
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return None
    code, bare = split_language(request.path_info)
    if code is not None or not has_languages(bare) or bare.startswith(("/admin/", "/accounts/")):
        return None
    preferred = preferred_language(request)
    if preferred is None or preferred == settings.LANGUAGE_CODE:
        return None
    target = {c: url for c, _name, url in alternates(request)}[preferred]
    response = HttpResponseRedirect(target)
    _set_cookie(response, preferred)
    response["Vary"] = "Accept-Language, Cookie"
    return response


def _set_cookie(response, code):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_safe
def switch_language(request, code):
    """The switcher's links: remember the choice (the cookie stops the first-visit
    redirect) and go to the same page, query string and all, in that language. A plain
    link, not Django's POST set_language: no form, so no CSRF cookie on every page."""
    if code not in codes():
        code = settings.LANGUAGE_CODE
    next_url = request.GET.get("next", "/")
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    path, _sep, query = next_url.partition("?")
    _old, bare = split_language(path)
    target = path_in(bare, code) if has_languages(bare) else bare
    response = HttpResponseRedirect(f"{target}?{query}" if query else target)
    _set_cookie(response, code)
    return response
