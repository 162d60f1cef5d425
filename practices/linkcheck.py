"""Checking the knowledge base's links: run by `manage.py check_links`, never inside a
request (a checker run inline overloads the site and its report times out).

Bounded concurrency (a thread pool of `workers`), a timeout per request, retries with
a short backoff for timeouts, connection errors and 5xx answers, a polite User-Agent,
HEAD first and GET when HEAD is refused or fails. A bad URL is a result, never a crash.
"""

import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from cities.models import Network, Organisation
from sources.models import SourceDocument

from .link_store import LinkCheck
from .links import _lines
from .models import Practice

USER_AGENT = (
    "CityPracticePortal-linkcheck/1.0 (checks the links it publishes, about once a week; "
    "one request per link)"
)


@dataclass(frozen=True)
class Result:
    url: str
    ok: bool
    status_code: int | None = None
    final_url: str = ""
    error: str = ""


def held_urls():
    """Every http(s) URL the practices, organisations, networks and sources hold."""
    urls = set()
    for links in Practice.objects.exclude(links="").values_list("links", flat=True):
        urls.update(_lines(links))
    for model, field in ((Organisation, "website"), (Network, "website"), (SourceDocument, "url")):
        urls.update(model.objects.exclude(**{field: ""}).values_list(field, flat=True))
    return sorted(u for u in urls if u.lower().startswith(("http://", "https://")))


def _request(url, method, timeout):
    # http(s) only: held_urls() keeps no other scheme, and a given one fails here.
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("not an http(s) URL")
    headers = {"User-Agent": USER_AGENT}
    request = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        if method == "GET":
            response.read(1024)  # enough to know the body comes
        return Result(url, 200 <= response.status < 400, response.status, response.url)


def _attempt(url, method, timeout):
    """One request; an answer or an error, as a Result."""
    try:
        return _request(url, method, timeout)
    except urllib.error.HTTPError as error:
        return Result(url, False, error.code, error.url or url, f"HTTP {error.code}")
    except TimeoutError:
        return Result(url, False, error=f"timed out after {timeout} s")
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            return Result(url, False, error=f"timed out after {timeout} s")
        return Result(url, False, error=f"unreachable: {reason}"[:300])
    except Exception as error:
        return Result(url, False, error=f"{type(error).__name__}: {error}"[:300])


def _retryable(result):
    return not result.ok and (result.status_code is None or result.status_code >= 500)


def check_url(url, timeout=10.0, retries=2, backoff=1.0):
    """HEAD, then GET if HEAD did not succeed; the whole retried on a timeout, a dropped
    connection or a server error."""
    for attempt in range(retries + 1):
        result = _attempt(url, "HEAD", timeout)
        if not result.ok:
            result = _attempt(url, "GET", timeout)
        if not _retryable(result) or attempt == retries:
            return result
        time.sleep(backoff * (attempt + 1))
    return result  # pragma: no cover: the loop always returns


def check_urls(urls, workers=8, **options):
    """Results of every URL, checked `workers` at a time."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda url: check_url(url, **options), urls))


def _text(value, length):
    # PostgreSQL refuses NUL in text; a URL carrying one is stored percent-encoded.
    return value.replace("\x00", "%00")[:length]


def store(results):
    """One row per URL, replaced by each run."""
    now = timezone.now()
    rows = [
        LinkCheck(
            url=_text(r.url, 1000),
            ok=r.ok,
            status_code=r.status_code,
            final_url=_text(r.final_url if r.final_url != r.url else "", 1000),
            error=_text(r.error, 300),
            checked_at=now,
        )
        for r in results
    ]
    LinkCheck.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["url"],
        update_fields=["ok", "status_code", "final_url", "error", "checked_at"],
    )
    return rows


def default_workers():
    return getattr(settings, "PORTAL_LINKCHECK_WORKERS", 8)
