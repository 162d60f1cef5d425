"""With Redis down (REDIS_URL at a closed port) every page still renders: the cache
backend (portal/cache.py) answers misses, and fair use lets requests through."""

import socket

import pytest
import redis
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_cache(backend):
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def redis_down(settings):
    settings.CACHES = redis_cache("portal.cache.ResilientRedisCache")
    # Fair use counts in the cache: on, to show it fails open rather than with a 500.
    settings.RATELIMIT_ENABLE = True


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/practices/",
        "/practices/?theme=language-learning",
        "/practices/export.csv",
        "/api/v1/practices/",
        "/cities/",
        "/benchmarks/values-theme-a/compare/",
        "/healthz",
    ],
)
def test_pages_render_with_redis_down(client, redis_down, path):
    response = client.get(path)
    assert response.status_code == 200


def test_the_practice_list_still_counts_its_facets_with_redis_down(client, redis_down):
    text = client.get("/practices/").content.decode()
    assert "Language learning" in text


def test_a_failure_leaves_redis_alone_for_a_while(redis_down):
    assert cache.get("anything", "missing") == "missing"
    assert cache.add("anything", 1) is False
    assert cache.incr("anything") is None
    assert cache.last_error.startswith("ConnectionError")
    # Within retry_after, nothing is attempted: the miss costs no connection.
    cache.last_error = ""
    assert cache.get("anything") is None
    assert cache.last_error == ""


def test_healthz_full_reports_the_cache_down(client, redis_down):
    response = client.get("/healthz?full")
    assert response.status_code == 200
    report = response.json()
    assert report["cache"]["ok"] is False
    assert report["status"] == "degraded"


def test_djangos_own_redis_backend_would_fail_the_page(client, settings):
    # Why portal/cache.py exists: the built-in backend raises when Redis is away.
    settings.CACHES = redis_cache("django.core.cache.backends.redis.RedisCache")
    with pytest.raises(redis.exceptions.ConnectionError):
        client.get("/practices/")
