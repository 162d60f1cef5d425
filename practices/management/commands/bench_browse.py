"""Time the practice browser: median and p95 server time and query count per scenario.

python manage.py seed_synthetic --practices 100000
python manage.py bench_browse --runs 30
"""

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.http import QueryDict

from cities.models import Country
from practices.benchmarking import client, consume, measure
from practices.browse import Browse
from practices.models import Practice, TargetGroup, Theme


def most_used(model, relation):
    row = model.objects.annotate(n=Count(relation)).order_by("-n").first()
    return row


class Command(BaseCommand):
    help = "Benchmark /practices/ with no filter, two facets, and a search plus three facets."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30)

    def handle(self, *args, runs, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        total = Practice.objects.count()
        if not total:
            raise CommandError("No practices: load fixtures or run seed_synthetic first.")
        theme = most_used(Theme, "practices")
        second = Theme.objects.exclude(pk=theme.pk).annotate(n=Count("practices")).order_by("-n")[0]
        country = Country.objects.annotate(n=Count("cities__practices")).order_by("-n").first()
        group = most_used(TargetGroup, "practices")
        scenarios = {
            "no filter": {},
            "two facets": {"theme": theme.slug, "country": country.code},
            "search + three facets": {
                "q": "language",
                "theme": [theme.slug, second.slug],
                "country": country.code,
                "target_group": group.slug,
            },
        }
        browser = client()
        self.stdout.write(
            f"{connection.vendor}, {total} practices, {runs} runs per scenario (server time)"
        )
        self.stdout.write(
            f"{'scenario':<24}{'median ms':>10}{'p95 ms':>10}{'queries':>9}{'results':>9}"
        )
        for name, params in scenarios.items():
            query = QueryDict(mutable=True)
            for key, value in params.items():
                query.setlist(key, value if isinstance(value, list) else [value])
            results = Browse(query, AnonymousUser()).count()

            def fetch(params=params):
                response = browser.get("/practices/", params)
                assert response.status_code == 200, response.status_code
                consume(response)

            median, p95, queries = measure(fetch, runs)
            self.stdout.write(f"{name:<24}{median:>10.1f}{p95:>10.1f}{queries:>9}{results:>9}")
