"""Time the practice browser, cold and warm: median and p95 server time per scenario,
its queries, and the share of it spent in SQL.

    python manage.py seed_synthetic --practices 100000
    python manage.py bench_browse --runs 30

Cold: the shared cache is emptied before every request, so the facets are counted
afresh each time, from the values' bitmaps this worker read for this content version.
After a write: a practice gains or loses a tag before every request (a new content
version), so the worker also reads again the values that write changed. New worker: it
holds no bitmaps, as after a restart, and reads them all. Warm: the same request again,
counts from the cache.
"""

import statistics
import time

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from taggit.models import Tag

from cities.models import Country
from practices import facet_bitmaps
from practices.benchmarking import client, consume, machine_speed, speed_line
from practices.browse import Browse
from practices.models import Practice, TargetGroup, Theme


def most_used(model, relation, exclude=()):
    return model.objects.exclude(pk__in=exclude).annotate(n=Count(relation)).order_by("-n")[0]


def scenarios():
    theme = most_used(Theme, "practices")
    second = most_used(Theme, "practices", exclude=[theme.pk])
    country = Country.objects.annotate(n=Count("cities__practices")).order_by("-n").first()
    group = most_used(TargetGroup, "practices")
    return {
        "no filter": {},
        "one theme": {"theme": theme.slug},
        "one-word search": {"q": "language"},
        "two facets": {"theme": theme.slug, "country": country.code},
        "search + three facets": {
            "q": "language",
            "theme": [theme.slug, second.slug],
            "country": country.code,
            "target_group": group.slug,
        },
    }


def forget_everything():
    cache.clear()
    facet_bitmaps.forget()


# The tag the "after a write" requests toggle on one practice (and leave off it).
WRITTEN_TAG = "bench-browse-write"


def toggle_a_tag(practice):
    def write():
        if practice.tags.filter(name=WRITTEN_TAG).exists():
            practice.tags.remove(WRITTEN_TAG)
        else:
            practice.tags.add(WRITTEN_TAG)

    return write


def timed(fetch, runs, before=None):
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        fetch()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95


class SqlClock:
    """Counts the statements a request runs and the time spent inside them."""

    def __init__(self):
        self.queries = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def sql_share(fetch):
    """(queries, page time / time inside SQL) of one cold request."""
    cache.clear()
    clock = SqlClock()
    with connection.execute_wrapper(clock):
        started = time.perf_counter()
        fetch()
        total = time.perf_counter() - started
    return clock.queries, total / clock.seconds


class Command(BaseCommand):
    help = "Benchmark /practices/ cold and warm over five scenarios."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30)

    def handle(self, *args, runs, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        total = Practice.objects.count()
        if not total:
            raise CommandError("No practices: load fixtures or run seed_synthetic first.")
        browser = client()
        self.stdout.write(
            f"{connection.vendor}, {total} practices, {runs} runs per scenario (server time); "
            + speed_line()
        )
        self.stdout.write(
            f"{'scenario':<24}{'cold ms':>9}{'p95':>8}{'written':>9}{'new wkr':>9}"
            f"{'warm ms':>9}{'p95':>8}"
            f"{'queries':>9}{'page/SQL':>10}{'results':>9}{'loop ms':>9}"
        )
        written_to = Practice.objects.published().order_by("pk").first()
        try:
            for name, params in scenarios().items():
                self.stdout.write(self.row(browser, name, params, runs, written_to))
        finally:
            written_to.tags.remove(WRITTEN_TAG)
            # The tag itself too, unless something else uses it: taggit keeps it.
            Tag.objects.filter(name=WRITTEN_TAG, taggit_taggeditem_items__isnull=True).delete()

    def row(self, browser, name, params, runs, written_to):
        query = QueryDict(mutable=True)
        for key, value in params.items():
            query.setlist(key, value if isinstance(value, list) else [value])
        results = Browse(query, AnonymousUser()).count()

        def fetch():
            response = browser.get("/practices/", params)
            assert response.status_code == 200, response.status_code
            consume(response)

        fetch()  # templates compiled, connection open: what a running server has
        # The machine's speed just before this row: it drifts by the minute here, and a
        # row is only comparable with rows measured at a similar loop time.
        loop = machine_speed()
        cold, cold_p95 = timed(fetch, runs, before=cache.clear)
        written, _p95 = timed(fetch, runs, before=toggle_a_tag(written_to))
        fresh, _p95 = timed(fetch, runs, before=forget_everything)
        fetch()
        warm, warm_p95 = timed(fetch, runs)
        queries, ratio = sql_share(fetch)
        return (
            f"{name:<24}{cold:>9.1f}{cold_p95:>8.1f}{written:>9.1f}{fresh:>9.1f}"
            f"{warm:>9.1f}{warm_p95:>8.1f}{queries:>9}{ratio:>10.2f}{results:>9}{loop:>9.0f}"
        )
