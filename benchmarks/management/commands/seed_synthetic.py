"""A realistic synthetic data set for benchmarks: never loaded by `make run`.

Everything it makes is marked synthetic: slugs start with "synthetic-", titles with
"[Synthetic]", and practices cite the source document "synthetic-data". Proportions
follow the real knowledge base: about 1 city per 40 practices, 1 organisation per 15,
1-3 themes, 0-3 target groups, 0-2 funding sources, 0-3 tags, 0-2 partners, a lead
organisation for half of them, and a VALUES factor for one in ten.
"""

import datetime
import random
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from taggit.models import Tag, TaggedItem

from benchmarks.assessments.models import Assessment, FactorRating, Rating
from benchmarks.models import Benchmark, Factor, Illustration
from cities.models import City, Country, Organisation
from portal.text import sort_key
from practices import facet_index, list_cells, search_lexemes
from practices.models import (
    FundingSource,
    Practice,
    Status,
    TargetGroup,
    Theme,
)
from practices.search_documents import search_document_for, store_search_vectors
from sources.models import Citation, SourceDocument
from sources.versioning import bulk_write, bump

WORDS = [
    "language",
    "café",
    "mentoring",
    "welcome",
    "desk",
    "refugee",
    "youth",
    "employment",
    "volunteer",
    "neighbourhood",
    "women",
    "digital",
    "housing",
    "health",
    "school",
    "parents",
    "sport",
    "festival",
    "anti-rumour",
    "dialogue",
    "buddy",
    "orientation",
    "training",
    "apprenticeship",
    "library",
    "counselling",
    "choir",
    "garden",
    "kitchen",
    "football",
    "theatre",
    "coaching",
    "network",
    "council",
    "forum",
    "campaign",
    "helpdesk",
    "outreach",
    "shelter",
    "childcare",
]
PREFIX = "synthetic-"
BATCH = 2000


class Command(BaseCommand):
    help = "Add N synthetic practices (and cities, organisations, links) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--clear", action="store_true", help="Remove synthetic data first.")
        parser.add_argument(
            "--assessments",
            type=int,
            default=0,
            help="Also give this many real cities a synthetic VALUES self-assessment, "
            "marked as synthetic demonstration data wherever it is shown.",
        )

    def handle(self, *args, practices, seed, clear, assessments, **options):
        if practices < 0 or practices > 2_000_000:
            raise CommandError("--practices must be between 0 and 2,000,000.")
        if not Theme.objects.exists():
            raise CommandError("Load the vocabularies first: manage.py load_knowledge_base")
        # Past per-record signals: the facet index and the content version are brought
        # up to date once, at the end.
        with bulk_write(), transaction.atomic():
            if clear:
                self.clear()
            rnd = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
            made = self.make(practices, rnd) if practices else 0
            assessed = self.assess(assessments, rnd) if assessments else 0
            facet_index.rebuild()
            list_cells.rebuild()
            search_lexemes.rebuild()
            bump()
        # Fresh planner statistics, as autovacuum would gather soon after a real bulk load:
        # with the stale ones PostgreSQL misjudged the tag facet by 200x and sorted on disk.
        # On PostgreSQL, VACUUM too: it marks the new rows all-visible, without which
        # the facet index's counts cannot be read from the index alone (3x slower).
        with connection.cursor() as cursor:
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Made {made} synthetic practices and {assessed} synthetic assessments."
            )
        )

    def clear(self):
        Assessment.objects.filter(is_synthetic=True).delete()
        ids = list(Practice.objects.filter(slug__startswith=PREFIX).values_list("pk", flat=True))
        ct = ContentType.objects.get_for_model(Practice)
        TaggedItem.objects.filter(content_type=ct, object_id__in=ids).delete()
        Citation.objects.filter(content_type=ct, object_id__in=ids).delete()
        Practice.objects.filter(pk__in=ids).delete()
        Organisation.objects.filter(slug__startswith=PREFIX).delete()
        City.objects.filter(slug__startswith=PREFIX).delete()
        Tag.objects.filter(slug__startswith=PREFIX).delete()

    def assess(self, n, rnd):
        """Two synthetic assessments a year apart for each of n real cities."""
        cities = list(
            City.objects.exclude(slug__startswith=PREFIX)
            .filter(practices__isnull=False)
            .distinct()
            .order_by("name")[:n]
        )
        made = 0
        for benchmark in Benchmark.objects.filter(factors__isnull=False).distinct():
            for city in cities:
                for year in (2025, 2026):
                    assessment = Assessment.objects.create(
                        city=city,
                        benchmark=benchmark,
                        date=datetime.date(year, 3, 1),
                        is_synthetic=True,
                    )
                    FactorRating.objects.bulk_create(
                        FactorRating(
                            assessment=assessment,
                            factor=factor,
                            rating=rnd.choice(Rating.values),
                            evidence="[Synthetic] Made up for a demonstration.",
                        )
                        for factor in benchmark.factors.all()
                    )
                    made += 1
        return made

    def make(self, n, rnd):
        start = Practice.objects.filter(slug__startswith=PREFIX).count()
        countries = list(Country.objects.all())
        themes = list(Theme.objects.all())
        groups = list(TargetGroup.objects.all())
        funders = list(FundingSource.objects.all())
        factors = list(Factor.objects.all())
        document, _ = SourceDocument.objects.get_or_create(
            key="synthetic-data",
            defaults={
                "title": "Synthetic data for benchmarks (not a real source)",
                "kind": "other",
            },
        )
        cities = City.objects.bulk_create(
            City(
                name=f"Synthetic City {start + i:06}",
                slug=f"{PREFIX}city-{start + i}",
                country=rnd.choice(countries),
                latitude=rnd.uniform(36, 68),
                longitude=rnd.uniform(-9, 30),
                population=rnd.randint(5_000, 3_000_000),
            )
            for i in range(max(1, n // 40))
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Synthetic Organisation {start + i:06}",
                slug=f"{PREFIX}org-{start + i}",
                kind=rnd.choice(Organisation.Kind.values),
                city=rnd.choice(cities),
            )
            for i in range(max(1, n // 15))
        )
        tags = Tag.objects.bulk_create(
            Tag(name=f"synthetic {w} {i}", slug=f"{PREFIX}{w}-{i}")
            for i, w in enumerate(rnd.sample(WORDS, len(WORDS)) * 8)
        )
        pools = SimpleNamespace(
            cities=cities,
            organisations=organisations,
            themes=themes,
            groups=groups,
            funders=funders,
            factors=factors,
            tags=tags,
            document=document,
            practice_ct=ContentType.objects.get_for_model(Practice),
        )
        for offset in range(0, n, BATCH):
            self.batch(rnd, start + offset, min(BATCH, n - offset), pools)
        return n

    def batch(self, rnd, first, size, pools):
        """Practices first..first+size-1, drawing their links from `pools`."""
        rows, links = [], []
        for i in range(first, first + size):
            practice, chosen = self.draw(rnd, i, pools)
            rows.append(practice)
            links.append(chosen)
        Practice.objects.bulk_create(rows, batch_size=BATCH)
        store_search_vectors(Practice.objects.filter(pk__in=[p.pk for p in rows]))
        self.link(rows, links, pools)

    def draw(self, rnd, i, pools):
        """One unsaved practice and the links drawn for it."""
        cities, organisations, themes = pools.cities, pools.organisations, pools.themes
        groups, funders, factors, tags = pools.groups, pools.funders, pools.factors, pools.tags
        words = rnd.sample(WORDS, 6)
        start_year = rnd.choice([None, *range(2000, 2025)])
        practice = Practice(
            title=f"[Synthetic] {words[0].capitalize()} {words[1]} {words[2]} {i}",
            slug=f"{PREFIX}{i}",
            city=rnd.choice(cities),
            lead_organisation=rnd.choice(organisations) if rnd.random() < 0.5 else None,
            summary=f"A synthetic practice about {' and '.join(words[2:5])} for {words[5]}.",
            results=f"{rnd.randint(5, 5000)} participants; {rnd.randint(1, 99)}% satisfied.",
            start_year=start_year,
            end_year=start_year + rnd.randint(0, 6) if start_year and rnd.random() < 0.4 else None,
            status=rnd.choice(Status.values),
            is_published=rnd.random() < 0.97,
        )
        # bulk_create skips save(), which keeps the workflow's state with the flag.
        practice.review_state = "published" if practice.is_published else "draft"
        chosen = {
            "themes": rnd.sample(themes, rnd.randint(1, 3)),
            "groups": rnd.sample(groups, rnd.randint(0, 3)),
            "funders": rnd.sample(funders, rnd.randint(0, 2)),
            "tags": rnd.sample(tags, rnd.randint(0, 3)),
            "partners": rnd.sample(organisations, min(len(organisations), rnd.randint(0, 2))),
            "factors": rnd.sample(factors, 1) if factors and rnd.random() < 0.1 else [],
        }
        if practice.lead_organisation in chosen["partners"]:
            chosen["partners"].remove(practice.lead_organisation)
        # bulk_create skips save(), which keeps the sort key: set it as save() would.
        practice.sort_title = sort_key(practice.title)
        practice.search_document = search_document_for(
            practice, themes=chosen["themes"], tags=chosen["tags"], partners=chosen["partners"]
        )
        return practice, chosen

    def link(self, rows, links, pools):
        """Every link of a saved batch, one bulk insert per link table."""
        document, practice_ct = pools.document, pools.practice_ct
        through = Practice.themes.through, Practice.target_groups.through
        through_funding, through_partners = (
            Practice.funding_sources.through,
            Practice.partners.through,
        )
        through[0].objects.bulk_create(
            through[0](practice_id=p.pk, theme_id=t.pk)
            for p, c in zip(rows, links, strict=True)
            for t in c["themes"]
        )
        through[1].objects.bulk_create(
            through[1](practice_id=p.pk, targetgroup_id=g.pk)
            for p, c in zip(rows, links, strict=True)
            for g in c["groups"]
        )
        through_funding.objects.bulk_create(
            through_funding(practice_id=p.pk, fundingsource_id=f.pk)
            for p, c in zip(rows, links, strict=True)
            for f in c["funders"]
        )
        through_partners.objects.bulk_create(
            through_partners(practice_id=p.pk, organisation_id=o.pk)
            for p, c in zip(rows, links, strict=True)
            for o in c["partners"]
        )
        TaggedItem.objects.bulk_create(
            TaggedItem(content_type=practice_ct, object_id=p.pk, tag=t)
            for p, c in zip(rows, links, strict=True)
            for t in c["tags"]
        )
        Illustration.objects.bulk_create(
            Illustration(practice=p, factor=f, note="Synthetic link.")
            for p, c in zip(rows, links, strict=True)
            for f in c["factors"]
        )
        Citation.objects.bulk_create(
            Citation(
                document=document, section="Synthetic", content_type=practice_ct, object_id=p.pk
            )
            for p in rows
        )
