"""Time the full practice export: rows per second and peak memory.

    python manage.py seed_synthetic --practices 100000
    python manage.py bench_export

Two passes: one timed, and one under tracemalloc for the peak Python memory (tracing
every allocation slows Python several times over, so it must not be in the timing).
"""

import resource
import time
import tracemalloc

from django.core.management.base import BaseCommand
from django.db import connection

from practices.benchmarking import client, consume


def export(browser, params):
    started = time.perf_counter()
    first_byte = None
    response = browser.get("/practices/export.csv", params)
    chunks = size = 0
    for chunk in response.streaming_content:
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
        chunks += 1
    return response, chunks, size, time.perf_counter() - started, first_byte


class Command(BaseCommand):
    help = "Benchmark /practices/export.csv over every practice."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, format, **options):
        browser = client()
        params = {"format": "json"} if format == "json" else {}
        consume(browser.get("/practices/export.csv", {"year_to": "1900"}))  # warm-up
        response, chunks, size, elapsed, first_byte = export(browser, params)
        rows = chunks - (1 if format == "csv" else 2)  # the header row; JSON's brackets
        tracemalloc.start()
        export(browser, params)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"{connection.vendor}: {rows} rows ({response['X-Row-Count']} in the header), "
            f"{size / 1e6:.1f} MB {format} in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s; "
            f"first bytes after {first_byte * 1000:.0f} ms; "
            f"peak Python memory {peak / 1e6:.1f} MB (tracemalloc), max RSS {max_rss:.0f} MB"
        )
