"""Whether each read replica may serve reads: answering, and not too far behind.

Checked at most every DATABASE_REPLICA_CHECK_SECONDS per server process (two small
queries: the primary's WAL position, then the replica's replay position and the age of
its last replayed transaction), so routing costs no query per request.

Lag: the time the replica takes to replay the position the primary had reached when
asked. Already replayed: 0. Replayed within a few short polls (POLLS x POLL_SECONDS, at
most ~50 ms of one request every few seconds): the time that took, an upper bound.
Still not: the age of its last replayed transaction, which after a long quiet spell on
the primary overstates the lag (reads then stay on the primary until the next check:
cautious, never stale); the polls are what keep the primary's own housekeeping records
(written with no transaction, every 15 s) from looking like minutes of lag. A server
that is not in recovery (a test mirror of the primary, or a promoted standby) is current.
"""

import contextlib
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

_REPLICA_SQL = (
    "SELECT pg_is_in_recovery(), "
    "COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, false), "
    "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
)


@dataclass
class Status:
    alias: str
    ok: bool
    lag_ms: float | None
    error: str
    checked: float

    @property
    def serving(self):
        return (
            self.ok
            and self.lag_ms is not None
            and self.lag_ms <= settings.DATABASE_REPLICA_MAX_LAG_MS
        )

    def as_dict(self):
        lag = None if self.lag_ms is None else round(self.lag_ms, 1)
        return {"ok": self.ok, "lag_ms": lag, "serving_reads": self.serving, "error": self.error}


def _primary_lsn():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def measure(alias):
    """A fresh Status of `alias`; any database error makes it not ok."""
    connection = connections[alias]
    try:
        if connection.vendor != "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return Status(alias, True, 0.0, "", time.monotonic())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            in_recovery = cursor.fetchone()[0]
        if not in_recovery:
            return Status(alias, True, 0.0, "", time.monotonic())
        lag_ms = _replay_lag_ms(connection)
    except DatabaseError as exc:
        # Closed so that the next check connects afresh (the replica may be back).
        with contextlib.suppress(DatabaseError):
            connection.close()
        return Status(alias, False, None, f"{type(exc).__name__}: {exc}".strip(), time.monotonic())
    return Status(alias, True, lag_ms, "", time.monotonic())


POLLS = 5
POLL_SECONDS = 0.01


def _replay_lag_ms(connection):
    position = _primary_lsn()
    asked = time.monotonic()
    with connection.cursor() as cursor:
        for poll in range(POLLS + 1):
            cursor.execute(_REPLICA_SQL, [position])
            _recovering, caught_up, age = cursor.fetchone()
            if caught_up:
                return 0.0 if poll == 0 else (time.monotonic() - asked) * 1000
            if poll < POLLS:
                time.sleep(POLL_SECONDS)
    return float(age) * 1000 if age is not None else None


class Health:
    def __init__(self):
        self._status = {}

    def status(self, alias, *, fresh=False):
        known = self._status.get(alias)
        if (
            fresh
            or known is None
            or (time.monotonic() - known.checked >= settings.DATABASE_REPLICA_CHECK_SECONDS)
        ):
            known = self._status[alias] = measure(alias)
        return known

    def choose(self):
        """A replica to read from (spread at random), or None: read the primary."""
        serving = [a for a in settings.DATABASE_REPLICAS if self.status(a).serving]
        return random.choice(serving) if serving else None  # noqa: S311 - not security

    def mark_down(self, alias, reason):
        self._status[alias] = Status(alias, False, None, reason, time.monotonic())

    def forget(self):
        self._status.clear()


health = Health()
