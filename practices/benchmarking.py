"""Shared by the bench_* commands: time requests through Django's test client."""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def client():
    # The test client skips the network: what is timed is Django, the ORM and the database.
    return Client(HTTP_HOST="localhost", SERVER_NAME="localhost")


def consume(response):
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def measure(fetch, runs):
    """Median and 95th percentile in ms over `runs` calls, and one call's query count."""
    fetch()  # warm caches, as a running server would have them
    with CaptureQueriesContext(connection) as queries:
        fetch()
    # Read now: the captured list is a view of the connection's log, which the next
    # request empties.
    query_count = len(queries)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, query_count
