"""Reads to a streaming replica when that is safe; everything else to the primary.

The rule, decided once per request by ReplicaRoutingMiddleware:
- Only GET and HEAD of anonymous visitors may read from a replica: no session cookie (a
  signed-in user has one, and the session row was written on the primary a moment ago),
  no read-your-writes cookie, and not the admin, the accounts pages or assessments.
- Within such a request, the first write pins the rest of it to the primary: later reads
  (the content version, the facet index) see what it wrote. So does an open transaction.
- Outside a request (management commands, the loader, the shell, tests) every read goes
  to the primary: nothing is read from a replica unless a request asked for it.
- A replica is used only while healthy (portal/replicas.py: answering, and behind the
  primary by at most DATABASE_REPLICA_MAX_LAG_MS); otherwise reads go to the primary.
- If a replica fails during a request, the request is answered again from the primary
  (it was a read: nothing to undo) and the replica is left alone until it is checked
  again. That includes the first megabyte of a streamed export; a failure after it
  cannot be taken back, and ends the download early, as any broken connection does.

After a request that wrote, the client gets a cookie keeping its reads on the primary for
DATABASE_PIN_SECONDS: it sees its own write even if the replica has not replayed it yet.

Why not django-multidb-router, which has this cookie pattern: its pin is a thread-local
set only by the cookie or the method (a write inside a GET does not pin), it knows
nothing of a replica's health or lag, and it caches its replica list module-wide at first
use. Every method would be overridden; the pattern is what is reused.
"""

import contextvars
import itertools
import sys
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from .languages import split_language
from .replicas import health

PIN_COOKIE = "portal_primary"
SAFE_METHODS = frozenset({"GET", "HEAD"})
# Pages that write, or must see the latest: curation, sign-in, assessments.
PRIMARY_PATHS = ("/admin/", "/accounts/", "/benchmarks/assess/", "/benchmarks/assessments/")
# Rows written on every sign-in and session: never read from a copy that may lag.
PRIMARY_APPS = frozenset({"auth", "sessions", "axes", "admin", "reversion"})


@dataclass
class Route:
    replica_allowed: bool
    wrote: bool = False
    used: str = ""
    replica_failed: bool = False


_route = contextvars.ContextVar("portal_db_route", default=None)


class PrimaryReplicaRouter:
    # The primary is named, never left to Django (None): its fallback is the database an
    # instance was read from, which would send a replica-read object's save, and its
    # related reads after a write, to the replica.
    def db_for_read(self, model, **hints):
        route = _route.get()
        if route is None or not route.replica_allowed or route.wrote:
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_APPS or _in_transaction():
            return DEFAULT_DB_ALIAS
        alias = route.used or health.choose()
        if alias is None:
            return DEFAULT_DB_ALIAS
        route.used = alias
        return alias

    def db_for_write(self, model, **hints):
        route = _route.get()
        if route is not None:
            route.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # A replica holds the primary's rows: objects read from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replicas replay the primary's schema; they are never migrated themselves.
        return db == DEFAULT_DB_ALIAS


def _in_transaction():
    """Whether code opened a transaction on the primary, which must read what it has not
    committed yet. A test case's own wrapping transaction does not count (Django marks
    it, for the same reason, in its durable-atomic check)."""
    blocks = connections[DEFAULT_DB_ALIAS].atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


def replica_allowed(request):
    if not settings.DATABASE_REPLICAS or request.method not in SAFE_METHODS:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or PIN_COOKIE in request.COOKIES:
        return False
    # In every language: /fr/admin/ is the admin too.
    _language, bare = split_language(request.path_info)
    return not bare.startswith(PRIMARY_PATHS)


def _note_failure(sender, request=None, **kwargs):
    route = _route.get()
    if route is not None and route.used and isinstance(sys.exc_info()[1], DatabaseError):
        route.replica_failed = True


got_request_exception.connect(_note_failure, dispatch_uid="portal-dbrouter-replica-failure")


class ReplicaRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        route = Route(replica_allowed(request))
        response = self._respond(request, route)
        if route.replica_failed and not route.wrote:
            health.mark_down(route.used, "failed during a request")
            route = Route(replica_allowed=False)
            response = self._respond(request, route)
        if route.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        response["X-Portal-Database"] = route.used or DEFAULT_DB_ALIAS
        return response

    def _respond(self, request, route):
        token = _route.set(route)
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        if response.streaming and route.replica_allowed:
            # The rows of a streamed export are read after this returns: read its first
            # PREFETCH_BYTES here, where a replica failing can still be answered from the
            # primary (all of most exports; a bigger one is cut off if the replica fails
            # later, as by any broken connection). Memory stays bounded by that much.
            chunks = _within(route, response.streaming_content)
            try:
                head = _prefetch(chunks)
            except DatabaseError:
                if not route.used:
                    raise
                route.replica_failed = True
                response.close()
                return response
            response.streaming_content = itertools.chain(head, chunks)
        return response


PREFETCH_BYTES = 1024 * 1024


def _prefetch(chunks):
    head, size = [], 0
    for chunk in chunks:
        head.append(chunk)
        size += len(chunk)
        if size >= PREFETCH_BYTES:
            break
    return head


def _within(route, stream):
    chunks = iter(stream)
    while True:
        token = _route.set(route)
        try:
            chunk = next(chunks)
        except StopIteration:
            return
        finally:
            _route.reset(token)
        yield chunk
