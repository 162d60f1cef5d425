"""Fair use: anonymous exports and API calls are counted per client address, and full
exports share a few slots per server process.

Counting is django-ratelimit's (fixed windows in the cache `RATELIMIT_USE_CACHE` names);
this module decides who is counted (everyone but active staff), from which address, and
how a refusal reads. The API (api/throttling.py) and every export (portal/export.py)
ask `over_limit()`; exports also take an `export_slot()` while they stream.
"""

import ipaddress
import threading

from django.conf import settings
from django_ratelimit.core import get_usage

# A refused export says when to come back; a slot frees when some export ends, which
# a client cannot know, so it is told a short wait.
BUSY_RETRY_AFTER = 30
_PERIOD_WORDS = {"s": "a second", "m": "a minute", "h": "an hour", "d": "a day"}


def client_address(request):
    """The address requests are counted by (settings.RATELIMIT_IP_META_KEY).

    Behind the TLS proxy it is the last X-Forwarded-For entry, the one the proxy itself
    appended: earlier entries come from the client and would let it pick its own bucket.
    Anything that is not an address falls back to the connection's.
    """
    candidates = []
    if settings.FAIR_USE_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        candidates.append(forwarded.split(",")[-1].strip())
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return "0.0.0.0"  # noqa: S104 - a bucket for clients with no readable address


def is_exempt(request):
    """Staff curate the portal and are not rate-limited."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_staff)


def describe(rate):
    """'30/h' -> '30 an hour', for messages and the README."""
    count, _, period = rate.partition("/")
    return f"{count} {_PERIOD_WORDS.get(period[-1:], 'per ' + period)}"


def over_limit(request, group, rate):
    """Count this request against `group`; the seconds to wait if it is over `rate`,
    else None. Staff, and a cache that cannot count (RATELIMIT_FAIL_OPEN), pass."""
    if is_exempt(request):
        return None
    usage = get_usage(request, group=group, key="ip", rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, usage["time_left"])


class ExportSlots:
    """At most settings.FAIR_USE_EXPORT_CONCURRENCY exports stream at once in this
    process (0: no cap). A slot is taken before the rows are counted and held until the
    response is closed, which every WSGI server does when the download ends or breaks."""

    def __init__(self):
        self._lock = threading.Lock()
        self._size = None
        self._semaphore = None

    def _current(self):
        size = settings.FAIR_USE_EXPORT_CONCURRENCY
        with self._lock:
            if size != self._size:
                # Slots still held release into the semaphore they came from.
                self._size = size
                self._semaphore = threading.BoundedSemaphore(size) if size > 0 else None
            return self._semaphore

    def take(self):
        """A release() callable, or None when every slot is busy."""
        semaphore = self._current()
        if semaphore is None:
            return lambda: None
        if not semaphore.acquire(blocking=False):
            return None
        held = [True]

        def release():
            # Once only, whoever calls first: the stream's end or the response's close
            # (list.pop is atomic, so two threads cannot both get the slot's token).
            try:
                held.pop()
            except IndexError:
                return
            semaphore.release()

        return release

    def reset(self):
        """Forget every held slot (tests leave streams unread, so never closed)."""
        with self._lock:
            self._size = None


export_slots = ExportSlots()


class HeldStream:
    """An export's stream that gives its slot back once, when it ends or is closed.
    Django registers close() with the response, which the server calls."""

    def __init__(self, stream, release):
        self._stream = iter(stream)
        self._release = release

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self._stream)
        except StopIteration:
            self.close()
            raise

    def close(self):
        release, self._release = self._release, None
        if release is not None:
            release()
        if hasattr(self._stream, "close"):
            self._stream.close()
