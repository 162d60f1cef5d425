"""Read replicas (portal/dbrouter.py, portal/replicas.py) and a cache that may be away
(portal/cache.py): where each read goes, and that nothing 500s when a replica or Redis
is down.

The replica here is the test database through a second connection (the "replica" alias,
a TEST MIRROR declared in conftest.py): which connection ran a statement is what these
tests look at. Tests that write use transaction=True, so that the second connection
sees committed rows and SQLite's shared in-memory database takes no long locks.
"""

import csv
import io
import json
import socket
import time
from contextlib import contextmanager

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from portal import dbrouter, replicas
from portal.replicas import Status, health
from practices.models import Practice, Theme

BOTH = ["default", "replica"]


@pytest.fixture
def replica(settings):
    settings.DATABASE_REPLICAS = ["replica"]
    health.forget()
    return "replica"


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def replica_down(replica):
    """The replica, unreachable: PostgreSQL at a closed port, SQLite at a path that cannot
    exist (what DATABASE_REPLICA_URLS naming a dead server gives)."""
    connection = connections[replica]
    saved = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    else:
        connection.settings_dict["NAME"] = "/nonexistent-directory/replica.sqlite3"
    # After the change: SQLite keeps an in-memory database's connection open on close().
    connection.close()
    yield replica
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@contextmanager
def both_captured():
    """(the primary's queries, the replica's) of what runs inside."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as copy,
    ):
        yield primary, copy


def sql_on(captured):
    return " ".join(query["sql"] for query in captured.captured_queries)


@pytest.mark.django_db(databases=BOTH)
def test_an_anonymous_page_reads_from_the_replica(client, replica):
    with both_captured() as (primary, copy):
        response = client.get("/practices/")
    assert response.status_code == 200
    assert response["X-Portal-Database"] == "replica"
    assert "practices_practice" in sql_on(copy)
    assert "practices_practice" not in sql_on(primary)


@pytest.mark.django_db(databases=BOTH)
def test_without_replicas_every_read_is_the_primarys(client):
    with CaptureQueriesContext(connections["replica"]) as copy:
        response = client.get("/practices/")
    assert response.status_code == 200
    assert response["X-Portal-Database"] == "default"
    assert copy.captured_queries == []


@pytest.mark.django_db(databases=BOTH, transaction=True)
@pytest.mark.urls("tests.replica_views")
def test_a_write_sends_the_rest_of_the_request_to_the_primary(client, replica):
    with both_captured() as (primary, copy):
        response = client.get("/read-write-read/")
    assert response.status_code == 200
    body = response.json()
    assert body["practices"] == Practice.objects.count()
    assert body["themes"] == Theme.objects.count()
    # Before the write: the replica. After it: the content version, the facet index and
    # the count all on the primary, none on the replica.
    assert "practices_practice" in sql_on(copy)
    for table in ("sources_contentversion", "practices_facetvalue", "practices_theme"):
        assert table in sql_on(primary)
        assert table not in sql_on(copy)
    # And the client reads from the primary for a while (read-your-writes).
    assert response.cookies[dbrouter.PIN_COOKIE]["max-age"] > 0
    again = client.get("/practices/")
    assert again["X-Portal-Database"] == "default"


@pytest.mark.django_db(databases=BOTH, transaction=True)
@pytest.mark.urls("tests.replica_views")
def test_an_object_read_from_the_replica_is_saved_on_the_primary(client, replica):
    with CaptureQueriesContext(connections["replica"]) as copy:
        response = client.get("/read-then-save/")
    assert response.status_code == 200
    assert response.json()["read_from"] == "replica"
    assert "UPDATE" not in sql_on(copy)
    theme = Theme.objects.get(pk=response.json()["pk"])
    assert theme.description == "Saved in a GET."


@pytest.mark.django_db(databases=BOTH)
@pytest.mark.parametrize(
    "path",
    [
        "/admin/login/",
        "/accounts/login/",
        "/benchmarks/assess/vantaa/values-theme-a/",
        "/fr/accounts/login/",
        "/de/benchmarks/assess/vantaa/values-theme-a/",
    ],
)
def test_curation_sign_in_and_assessments_read_the_primary(client, replica, path):
    with CaptureQueriesContext(connections["replica"]) as copy:
        response = client.get(path)
    assert response.status_code in {200, 302}
    assert copy.captured_queries == []


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_signed_in_users_read_the_primary(client, replica, superuser):
    client.force_login(superuser)
    with CaptureQueriesContext(connections["replica"]) as copy:
        response = client.get("/practices/")
    assert response.status_code == 200
    assert response["X-Portal-Database"] == "default"
    assert copy.captured_queries == []


@pytest.mark.django_db(databases=BOTH)
def test_commands_and_code_outside_a_request_read_the_primary(replica):
    assert Practice.objects.all().db == "default"


@pytest.mark.django_db(databases=BOTH, transaction=True)
@pytest.mark.parametrize("path", ["/practices/", "/api/v1/practices/", "/practices/export.csv"])
def test_a_replica_that_is_down_means_primary_reads_and_no_error(client, replica_down, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Portal-Database"] == "default"
    status = health.status(replica_down)
    assert not status.ok and not status.serving
    assert status.error


@pytest.mark.django_db(databases=BOTH, transaction=True)
@pytest.mark.parametrize("path", ["/practices/", "/practices/export.csv"])
def test_a_replica_failing_during_a_request_is_answered_from_the_primary(
    client, replica_down, path
):
    # Believed healthy (checked a moment before it died): the request reads from it, fails,
    # and is answered again from the primary; a streamed export too, whose rows are read
    # after the view has returned.
    health._status[replica_down] = Status(replica_down, True, 0.0, "", time.monotonic())
    # The test client would re-raise the first attempt's error, answered or not.
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Portal-Database"] == "default"
    if response.streaming:
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) - 1 == int(response["X-Row-Count"]) > 0
    assert not health.status(replica_down).serving


@pytest.mark.django_db(databases=BOTH)
def test_a_replica_too_far_behind_serves_no_reads(client, replica, settings):
    health._status["replica"] = Status("replica", True, 5000.0, "", time.monotonic())
    settings.DATABASE_REPLICA_MAX_LAG_MS = 1000
    assert client.get("/practices/")["X-Portal-Database"] == "default"
    settings.DATABASE_REPLICA_MAX_LAG_MS = 10000
    assert client.get("/practices/")["X-Portal-Database"] == "replica"


@pytest.mark.django_db(databases=BOTH)
def test_healthz_full_reports_each_dependency(client, replica):
    response = client.get("/healthz?full")
    assert response.status_code == 200
    report = json.loads(response.content)
    assert report["primary"]["ok"] is True
    assert report["replicas"]["replica"]["ok"] is True
    assert report["replicas"]["replica"]["lag_ms"] == 0.0
    assert report["cache"]["ok"] is True
    assert report["status"] == "ok"


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_healthz_full_says_degraded_when_the_replica_is_down(client, replica_down):
    response = client.get("/healthz?full")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "degraded"
    assert report["replicas"][replica_down]["ok"] is False
    # The load balancer's check still passes: the primary answers.
    assert client.get("/healthz").status_code == 200


class FakeReplica:
    """A replica connection answering the replay query with `answers`, in turn."""

    def __init__(self, answers):
        self.answers = list(answers)

    def cursor(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params):
        self.row = self.answers.pop(0)

    def fetchone(self):
        return self.row


@pytest.mark.parametrize(
    "answers, low, high",
    [
        ([(True, True, 900.0)], 0.0, 0.0),  # already replayed: 0, whatever the age
        ([(True, False, 900.0), (True, False, 900.0), (True, True, 900.0)], 0.001, 1000),
        ([(True, False, 2.5)] * 6, 2500.0, 2500.0),  # never within the polls: the age
    ],
)
def test_lag_is_the_time_the_replica_takes_to_replay_the_primarys_position(
    monkeypatch, answers, low, high
):
    monkeypatch.setattr(replicas, "_primary_lsn", lambda: "0/16B3748")
    lag = replicas._replay_lag_ms(FakeReplica(answers))
    assert low <= lag <= high
