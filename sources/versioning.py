"""The knowledge base's content version: bumped by every write, read by caches and ETags.

Every model of the content apps (CONTENT_APPS) bumps it on save, delete and M2M change,
through receivers connected per model in SourcesConfig.ready(): a receiver without a
sender would also fire for sessions and login records, and would stop Django from
fast-deleting anything. Writers that go past signals (the loader, the synthetic seeder)
work inside `bulk_write()`, where per-record receivers stand aside, and bump once at
the end.

The bump is an UPDATE inside the writer's transaction: readers keep seeing the old
version until it commits, so no reader can cache new data under an old version that
would then live on. Each bump draws a random token, which is what caches and ETags
key on: a number alone would come round again after a rolled-back write, with
whatever that transaction cached under it. It costs one statement per write signal,
and serialises writers on one row for the rest of their (short) transactions.
"""

import contextvars
import hashlib
import secrets
from contextlib import contextmanager
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import condition

from . import pages
from .models import ContentVersion

CONTENT_APPS = ("sources", "cities", "practices", "benchmarks", "taggit")
# Derived data a content write maintains itself: bumping for it would bump twice.
DERIVED = {
    "contentversion",
    "facetvalue",
    "facetkey",
    "practicevector",
    "searchlexeme",
    "listcells",
}

_bulk = contextvars.ContextVar("bulk_write", default=False)


@contextmanager
def bulk_write():
    """Writes past per-record signals: the writer refreshes what they would have kept
    (search documents, facet index) and calls bump() itself when it is done."""
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)


def in_bulk_write():
    return _bulk.get()


def new_token():
    return secrets.token_hex(8)


def current():
    """(token, changed) of the content as this transaction sees it: one query."""
    row = ContentVersion.objects.filter(pk=1).values_list("token", "changed").first()
    if row is None:
        return _create()
    return row


def _create():
    with transaction.atomic():
        row, _ = ContentVersion.objects.get_or_create(
            pk=1, defaults={"changed": timezone.now(), "token": new_token()}
        )
    return row.token, row.changed


def bump():
    if _seen.get() is not _OUTSIDE:
        _seen.set(None)
    now = timezone.now()
    updated = ContentVersion.objects.filter(pk=1).update(
        number=F("number") + 1, changed=now, token=new_token()
    )
    if not updated:
        _create()


def _bump(sender, **kwargs):
    if kwargs.get("raw") or in_bulk_write():
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    bump()


def content_models():
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label in CONTENT_APPS and meta.model_name not in DERIVED:
            yield model


def connect():
    for model in content_models():
        post_save.connect(_bump, sender=model, dispatch_uid=f"bump-save-{model._meta.label}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"bump-delete-{model._meta.label}")
        m2m_changed.connect(_bump, sender=model, dispatch_uid=f"bump-m2m-{model._meta.label}")


def cache_key(*parts):
    """A cache key for `parts` as of the content this request sees: a write moves every
    key on, so nothing cached before it is read again."""
    token, _changed = current_for_request()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"portal:{token}:{digest}"


# Outside a request (a command, a test) every read asks the database: a number kept
# there could outlive a rolled-back transaction.
_OUTSIDE = object()
_seen = contextvars.ContextVar("content_version_seen", default=_OUTSIDE)


def current_for_request():
    """current(), read once per request (ContentVersionMiddleware starts each afresh):
    the facets' cache key and the page's ETag agree, for one query."""
    seen = _seen.get()
    if seen is _OUTSIDE:
        return current()
    if seen is None:
        seen = current()
        _seen.set(seen)
    return seen


class ContentVersionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _seen.set(None)
        try:
            return self.get_response(request)
        finally:
            _seen.reset(token)


def _etag(request, *args, **kwargs):
    if request.user.is_authenticated:
        # A curator's pages carry drafts, their name and forms: never reused.
        return None
    token, _changed = current_for_request()
    # The day too: a record turns "may be out of date" as time passes, with no write.
    return f"{token}-{settings.PORTAL_VERSION}-{timezone.localdate().isoformat()}"


def _last_modified(request, *args, **kwargs):
    if request.user.is_authenticated:
        return None
    return current_for_request()[1]


def _page_key(request):
    parts = pages.key_parts(request)
    tag = _etag(request) if parts else None
    return cache_key(*parts, tag) if tag else None


def conditional_on_content(view):
    """ETag and Last-Modified from the content version (and the code's version) for
    anonymous visitors, and a 304 when the client already has this version: a repeated
    download or page view costs one query. Any write changes the ETag. A client without
    the page gets it from the page cache when another anonymous visitor asked for it
    under this version (see pages.py)."""
    conditional = condition(etag_func=_etag, last_modified_func=_last_modified)(
        pages.cached(view, _page_key)
    )

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = conditional(request, *args, **kwargs)
        patch_vary_headers(response, ["Cookie"])
        # Revalidate every time: without it a browser may reuse a page for a while on
        # its own (heuristic freshness, a tenth of the Last-Modified age) and show the
        # content as it was before an edit.
        patch_cache_control(response, no_cache=True)
        return response

    return wrapped
