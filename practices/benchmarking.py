"""Shared by the bench_* commands: time requests through Django's test client, and say
how fast the machine was while they ran."""

import statistics
import time

from django.test import Client


def client():
    # The test client skips the network: what is timed is Django, the ORM and the database.
    return Client(HTTP_HOST="localhost", SERVER_NAME="localhost")


def consume(response):
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def machine_speed():
    """Milliseconds for a fixed pure-Python loop, median of five: the same code has
    measured 1.5x apart on this development machine from one session to the next, and
    figures are only comparable beside this one."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def speed_line():
    return f"machine: a 1,000,000-step Python loop takes {machine_speed():.0f} ms"
