"""Time the full practice export: rows per second and peak memory.

    python manage.py seed_synthetic --practices 100000
    python manage.py bench_export

Two passes: one timed, and one under tracemalloc for the peak Python memory, which
also counts the records received (tracing every allocation slows Python several times
over, so it must not be in the timing).
"""

import csv
import io
import resource
import time
import tracemalloc

from django.core.management.base import BaseCommand
from django.db import connection

from practices.benchmarking import client, consume, speed_line


def export(browser, params, count=False):
    """Fetch the export; with `count`, also count the records it holds (CSV: each
    chunk is whole rows; JSON: one record a line)."""
    started = time.perf_counter()
    first_byte = None
    response = browser.get("/practices/export.csv", params)
    records = size = 0
    for chunk in response.streaming_content:
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
        if count:
            text = chunk.decode()
            if params.get("format") == "json":
                records += text.count("\n{")
            else:
                records += sum(1 for _row in csv.reader(io.StringIO(text)))
    if count and params.get("format") != "json":
        records -= 1  # the header
    return response, records, size, time.perf_counter() - started, first_byte


class Command(BaseCommand):
    help = "Benchmark /practices/export.csv over every practice."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, format, **options):
        browser = client()
        params = {"format": "json"} if format == "json" else {}
        consume(browser.get("/practices/export.csv", {"year_to": "1900"}))  # warm-up
        response, _none, size, elapsed, first_byte = export(browser, params)
        tracemalloc.start()
        _response, rows, _size, _elapsed, _first = export(browser, params, count=True)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rate = int(response["X-Row-Count"]) / elapsed
        max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"{connection.vendor}: {rows} rows ({response['X-Row-Count']} in the header), "
            f"{size / 1e6:.1f} MB {format} in {elapsed:.1f} s = {rate:,.0f} rows/s; "
            f"first bytes after {first_byte * 1000:.0f} ms; "
            f"peak Python memory {peak / 1e6:.1f} MB (tracemalloc), max RSS {max_rss:.0f} MB; "
            + speed_line()
        )
