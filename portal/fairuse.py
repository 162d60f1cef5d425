"""Fair use: anonymous exports and API calls are counted per client address, and
exports share a few slots per server process.

Counting is django-ratelimit's (fixed windows in the cache `RATELIMIT_USE_CACHE` names);
this module decides who is counted (everyone but active staff), from which address, and
how a refusal reads. The API asks `over_limit()` (api/throttling.py); every export view
is wrapped in `@fair_export`, which also holds one of `export_slots` while it streams.
"""

import ipaddress
import threading
from functools import wraps

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext, gettext_lazy
from django_ratelimit.core import get_usage

from .export import wants_json

# A refused export says when to come back; a slot frees when some export ends, which
# a client cannot know, so it is told a short wait.
BUSY_RETRY_AFTER = 30
_PERIOD_WORDS = {
    "s": gettext_lazy("%(count)s a second"),
    "m": gettext_lazy("%(count)s a minute"),
    "h": gettext_lazy("%(count)s an hour"),
    "d": gettext_lazy("%(count)s a day"),
}


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
    words = _PERIOD_WORDS.get(period[-1:])
    return str(words) % {"count": count} if words else f"{count} per {period}"


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


def refusal(request, message, retry_after):
    """429 Too Many Requests, in the format the export was asked in."""
    if wants_json(request):
        response = JsonResponse({"status": 429, "detail": message}, status=429)
    else:
        response = HttpResponse(
            message + "\n", status=429, content_type="text/plain; charset=utf-8"
        )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def _admit_export(request):
    """(refusal or None, release or None): counted per address, then a slot for a GET."""
    rate = settings.FAIR_USE_EXPORT_RATE
    wait = over_limit(request, "export", rate)
    if wait is not None:
        message = gettext(
            "Too many exports from your address: the portal allows %(rate)s. "
            "Try again in %(wait)s seconds."
        ) % {"rate": describe(rate), "wait": wait}
        return refusal(request, message, wait), None
    if request.method == "HEAD" or is_exempt(request):
        return None, None
    release = export_slots.take()
    if release is None:
        message = gettext(
            "The portal is already streaming as many exports as it runs at once. "
            "Try again in %(wait)s seconds."
        ) % {"wait": BUSY_RETRY_AFTER}
        return refusal(request, message, BUSY_RETRY_AFTER), None
    return None, release


def fair_export(view):
    """An export view under fair use: refused before it counts a row when over the
    limit or when every slot is busy; its stream holds a slot until it ends or closes."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        refused, release = _admit_export(request)
        if refused is not None:
            return refused
        if release is None:
            return view(request, *args, **kwargs)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            release()
            raise
        if response.streaming:
            response.streaming_content = HeldStream(response.streaming_content, release)
        else:
            release()
        return response

    return wrapped
