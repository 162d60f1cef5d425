"""Whole pages kept in the shared cache for anonymous visitors, per content version.

A warm page then costs the content-version query and one cache read instead of its
facet counts, page query and template rendering (~40-140 ms at 100,000 practices).
The key holds the ETag (content token, code version, day), the language, the host and
the full path with its query string, so an edit, a deploy, a new day or another filter
never meets an old page; nothing needs deleting.

Only what is the same for every anonymous visitor is kept: a GET with no
session or messages cookie, answered 200 with a complete body that sets no cookie and
renders no CSRF token. Streams (the exports) are never kept: they are large, and
each one must pass fair use. Bodies are zlib-compressed (level 1, about a millisecond
for a 150 kB page, a fifth of the size), so a local-memory cache of PAGE_CACHE
entries stays small.
"""

import zlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Robots-Tag", "Link")


def key_parts(request):
    """What the page depends on besides the content version and the ETag, or None
    when it is not the same for every anonymous visitor."""
    # GET only: a HEAD may be answered differently (an export's HEAD reads no rows) and
    # must not be kept as the page.
    if request.method != "GET" or not settings.PAGE_CACHE_SECONDS:
        return None
    # A signed-in session, or a notice waiting to be shown (Django's message cookie).
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return None
    return ("page", get_language(), request.get_host(), request.get_full_path())


def _keepable(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_USED")
    )


def cached(view, page_key):
    """`view` served from the cache under page_key(request) (None: not kept)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        key = page_key(request)
        if key is not None:
            kept = cache.get(key)
            if kept is not None:
                return _restore(kept)
        response = view(request, *args, **kwargs)
        if key is not None and _keepable(request, response):
            cache.set(key, _keep(response), settings.PAGE_CACHE_SECONDS)
        return response

    return wrapped


def _keep(response):
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    return zlib.compress(response.content, 1), headers


def _restore(kept):
    body, headers = kept
    response = HttpResponse(zlib.decompress(body))
    for name, value in headers.items():
        response[name] = value
    return response
