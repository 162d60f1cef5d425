"""What /healthz?full reports: each dependency of this server process, as it sees it."""

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS

from .replicas import health


def cache_status():
    cache = caches["default"]
    if not hasattr(cache, "ping"):
        return {"ok": True, "backend": type(cache).__name__, "shared": False}
    ok, error = cache.ping()
    return {"ok": ok, "backend": type(cache).__name__, "shared": True, "error": error}


def report(primary_error):
    """(status code, report), given the primary's check ("" when it answered). 503 only
    when the primary does not answer; a replica or the cache being away degrades the
    service (slower), it does not stop it."""
    primary_ok = not primary_error
    replicas = {
        alias: health.status(alias, fresh=True).as_dict() for alias in settings.DATABASE_REPLICAS
    }
    cache = cache_status()
    degraded = not cache["ok"] or any(not r["serving_reads"] for r in replicas.values())
    body = {
        "status": "down" if not primary_ok else "degraded" if degraded else "ok",
        "primary": {"alias": DEFAULT_DB_ALIAS, "ok": primary_ok, "error": primary_error},
        "replicas": replicas,
        "cache": cache,
    }
    return (200 if primary_ok else 503), body
