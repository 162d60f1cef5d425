"""Django's Redis cache backend, with Redis away counted as a miss rather than an error.

Everything the portal caches (facet counts, fair-use counters) can be recomputed or
skipped, so a Redis that is down or restarting must make pages slower, never a 500:
Django's own backend raises redis.ConnectionError from every call. Here each call that
fails answers as a miss (get: the default; add/set/delete/touch: False; incr: None, which
django-ratelimit reads as "cannot count" and, with RATELIMIT_FAIL_OPEN, lets through).

After a failure the process leaves Redis alone for OPTIONS["retry_after"] seconds: with
Redis gone, a page costs no connection attempts (each a refused connect, or a
socket_connect_timeout when the host is unreachable) until then.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("retry_after", 2))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0
        self.last_error = ""

    def _call(self, name, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except RedisError as exc:
            self._down_until = time.monotonic() + self.retry_after
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.warning("Cache unavailable, served without it: %s", self.last_error)
            return fallback

    def ping(self):
        """(ok, detail) from a fresh round trip, whatever the back-off says (/healthz)."""
        try:
            self._cache.get_client(write=False).ping()
        except RedisError as exc:
            return False, f"{type(exc).__name__}: {exc}"
        self._down_until = 0.0
        return True, ""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", None, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)
