"""Fair use: anonymous exports and API calls are rate-limited per client address, staff
are not, and only so many exports stream at once."""

import datetime

import pytest
import time_machine
from django.core.cache import caches
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import reverse

from portal.fairuse import client_address, export_slots

from .test_http import url_patterns
from .test_settings import run_check

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2026, 5, 4, 12, 0, tzinfo=datetime.UTC)
API = reverse("api:practices")
EXPORT = reverse("practices:export")


@pytest.fixture
def fair_use(settings):
    """Fair use on (conftest turns it off for every other test), with small limits."""
    settings.RATELIMIT_ENABLE = True
    settings.FAIR_USE_API_RATE = "5/m"
    settings.FAIR_USE_EXPORT_RATE = "3/h"
    settings.FAIR_USE_EXPORT_CONCURRENCY = 1
    caches[settings.RATELIMIT_USE_CACHE].clear()
    export_slots.reset()
    # Limits count in fixed windows: a clock that moved on between two requests could
    # open a new window mid-test. It stands still unless a test moves it.
    with time_machine.travel(NOON, tick=False):
        yield settings


def read(response):
    return b"".join(response.streaming_content)


def close(response):
    """What the server does when a download ends or breaks off. Done as the test client
    does it: closing fires request_finished, whose close_old_connections would otherwise
    close the test's own database connection (on PostgreSQL, mid-transaction)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_api_calls_over_the_limit_get_a_json_429_with_retry_after(client, fair_use):
    for _ in range(5):
        assert client.get(API, {"facets": "0"}).status_code == 200
    refused = client.get(reverse("api:cities"))  # one budget for the whole API
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    body = refused.json()
    assert body["status"] == 429
    assert body["detail"].startswith("Too many API requests from your address")
    assert "5 a minute" in body["detail"]
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 60
    assert f"{wait} second" in body["detail"]
    # A script on another site can read the refusal and when to come back.
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert "Retry-After" in refused["Access-Control-Expose-Headers"]
    # Another address has its own budget.
    assert client.get(API, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_limit_lifts_after_retry_after(client, fair_use):
    with time_machine.travel(NOON, tick=False) as clock:
        for _ in range(5):
            client.get(reverse("api:themes"))
        refused = client.get(reverse("api:themes"))
        assert refused.status_code == 429
        clock.shift(int(refused["Retry-After"]) + 1)
        assert client.get(reverse("api:themes")).status_code == 200


def test_staff_are_not_limited(client, fair_use, editor):
    client.force_login(editor)
    for _ in range(8):
        assert client.get(reverse("api:countries")).status_code == 200
    for _ in range(5):
        response = client.get(EXPORT, {"theme": "volunteering"})
        assert response.status_code == 200
        read(response)


def test_exports_over_the_limit_get_a_429_in_the_format_asked(client, fair_use):
    for url in (EXPORT, reverse("cities:export"), reverse("cities:organisations_export")):
        response = client.get(url)
        assert response.status_code == 200
        read(response)
    refused = client.get(EXPORT, {"theme": "volunteering"})
    assert refused.status_code == 429
    assert refused["Content-Type"] == "text/plain; charset=utf-8"
    text = refused.content.decode()
    assert text.startswith("Too many exports from your address: the portal allows 3 an hour.")
    assert f"Try again in {refused['Retry-After']} seconds." in text
    assert 1 <= int(refused["Retry-After"]) <= 3600
    as_json = client.get(EXPORT, {"format": "json"})
    assert as_json.status_code == 429
    assert as_json.json()["status"] == 429
    assert "Too many exports" in as_json.json()["detail"]


def test_every_export_is_under_fair_use(client, fair_use):
    exports = [
        reverse(name, kwargs={"slug": "values-theme-a"} if pattern.pattern.converters else None)
        for name, pattern in url_patterns()
        if name.endswith("export")
    ]
    assert len(exports) >= 5
    for url in exports:
        fair_use.FAIR_USE_EXPORT_RATE = "1/h"
        caches[fair_use.RATELIMIT_USE_CACHE].clear()
        first = client.get(url)
        assert first.status_code == 200, url
        read(first)
        assert client.get(url).status_code == 429, url


def test_the_api_and_exports_have_separate_budgets(client, fair_use):
    for _ in range(5):
        assert client.get(API, {"facets": "0"}).status_code == 200
    assert client.get(API).status_code == 429
    response = client.get(EXPORT)
    assert response.status_code == 200
    read(response)


def test_only_so_many_exports_stream_at_once(client, fair_use):
    fair_use.FAIR_USE_EXPORT_RATE = "100/h"
    first = client.get(EXPORT)  # streaming, not yet read: it holds the one slot
    assert first.status_code == 200
    busy = client.get(EXPORT, {"theme": "volunteering"}, REMOTE_ADDR="192.0.2.8")
    assert busy.status_code == 429
    assert busy["Retry-After"] == "30"
    assert "already streaming as many exports as it runs at once" in busy.content.decode()
    # HEAD reads no rows and needs no slot.
    assert client.head(EXPORT)["X-Row-Count"] == first["X-Row-Count"]
    read(first)  # the download ends: the slot is free again
    second = client.get(reverse("cities:export"))
    assert second.status_code == 200
    close(second)  # a download broken off also gives its slot back
    third = client.get(EXPORT, {"format": "json"})
    assert third.status_code == 200
    assert read(third).startswith(b"[")


def test_staff_exports_do_not_wait_for_a_slot(client, fair_use, editor):
    held = client.get(EXPORT)
    assert held.status_code == 200
    client.force_login(editor)
    assert client.get(EXPORT).status_code == 200
    read(held)


def test_a_slot_is_given_back_once_however_the_stream_ends(client, fair_use):
    response = client.get(EXPORT)
    read(response)
    close(response)  # the server closes after the last chunk too: no second release
    fair_use.FAIR_USE_EXPORT_CONCURRENCY = 1
    held = client.get(EXPORT)
    assert client.get(EXPORT).status_code == 429  # still one slot, not two
    close(held)


@pytest.mark.parametrize(
    "behind_proxy, forwarded, remote, counted",
    [
        (False, "203.0.113.9", "192.0.2.1", "192.0.2.1"),  # no proxy: the header is ignored
        (True, "203.0.113.9", "10.0.0.1", "203.0.113.9"),
        # The client sent its own header; the proxy appended the address it saw.
        (True, "198.51.100.1, 203.0.113.9", "10.0.0.1", "203.0.113.9"),
        (True, "not-an-address", "10.0.0.1", "10.0.0.1"),
        (True, "", "", "0.0.0.0"),  # noqa: S104 - the bucket of clients with no address
        (False, "", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_requests_are_counted_by_the_address_the_proxy_saw(
    settings, behind_proxy, forwarded, remote, counted
):
    settings.FAIR_USE_BEHIND_PROXY = behind_proxy
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_address(request) == counted


def test_a_malformed_rate_stops_the_portal_with_a_clear_error():
    result = run_check(
        DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="example.eu", DJANGO_API_RATE_LIMIT="lots"
    )
    assert result.returncode != 0
    assert "DJANGO_API_RATE_LIMIT must be like 30/h" in result.stderr
