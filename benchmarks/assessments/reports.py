"""What the city page and the comparison show of assessments: current ratings, gaps with
suggested practices from other cities, progress over time, and the comparison matrix.

Query counts are bounded by the number of benchmarks and factors (a handful), never by
the number of assessments, ratings or practices.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, Value, When

from practices.models import Practice

from ..models import Benchmark
from .models import Assessment, Rating, can_assess

SUGGESTIONS_PER_GAP = 3


@dataclass
class FactorRow:
    factor: object
    rating: object = None  # FactorRating or None
    suggestions: list = field(default_factory=list)
    history: list = field(default_factory=list)  # [(assessment, rating value, change)]


@dataclass
class BenchmarkReport:
    benchmark: object
    current: object = None  # the latest Assessment, or None: "not assessed"
    assessments: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    @property
    def gaps(self):
        return [row for row in self.rows if row.rating is not None and row.rating.is_gap]


def suggestions_for(city, factor, limit=SUGGESTIONS_PER_GAP):
    """Published practices of *other* cities that illustrate `factor`: same country first,
    then a similar size (half to double the population), then most themes shared with
    the city's own practices."""
    own_themes = Practice.objects.filter(city=city).values("themes")
    population = city.population
    similar = (
        When(city__population__range=(population // 2, population * 2), then=Value(1))
        if population
        else When(pk__isnull=True, then=Value(0))
    )
    return list(
        Practice.objects.published()
        .filter(illustrations__factor=factor)
        .exclude(city=city)
        .exclude(city__isnull=True)
        .annotate(
            same_country=Case(
                When(city__country_id=city.country_id, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            similar_size=Case(similar, default=Value(0), output_field=IntegerField()),
            shared_themes=Count("themes", filter=Q(themes__in=own_themes), distinct=True),
        )
        .order_by("-same_country", "-similar_size", "-shared_themes", "sort_title", "pk")
        .select_related("city__country")[:limit]
    )


def city_reports(city):
    """One report per benchmark that has factors."""
    benchmarks = list(
        Benchmark.objects.prefetch_related("factors").filter(factors__isnull=False).distinct()
    )
    assessments = list(Assessment.objects.filter(city=city).with_ratings().order_by("date", "pk"))
    reports = []
    for benchmark in benchmarks:
        mine = [a for a in assessments if a.benchmark_id == benchmark.pk]
        report = BenchmarkReport(benchmark, mine[-1] if mine else None, mine)
        current = {r.factor_id: r for r in report.current.ratings.all()} if report.current else {}
        for factor in benchmark.factors.all():
            row = FactorRow(factor, current.get(factor.pk))
            previous = None
            for assessment in mine:
                value = next(
                    (r.rating for r in assessment.ratings.all() if r.factor_id == factor.pk), None
                )
                change = None
                if previous is not None and value is not None:
                    change = value - previous
                row.history.append((assessment, value, change))
                previous = value if value is not None else previous
            if row.rating is not None and row.rating.is_gap:
                row.suggestions = suggestions_for(city, factor)
            report.rows.append(row)
        reports.append(report)
    return reports


def city_page_section(request, city):
    """The city page's assessments section (registered in BenchmarksConfig.ready)."""
    return {"reports": city_reports(city), "can_assess": can_assess(request.user, city)}


@dataclass
class MatrixRow:
    city: object
    assessment: object  # latest, or None
    cells: list  # FactorRating or None, one per factor


def comparison(benchmark, cities):
    """Cities against the benchmark's factors, each city's latest assessment."""
    factors = list(benchmark.factors.all())
    assessments = (
        Assessment.objects.filter(benchmark=benchmark, city__in=cities)
        .with_ratings()
        .latest_first()
    )
    latest = {}
    for assessment in assessments:
        latest.setdefault(assessment.city_id, assessment)
    rows = []
    for city in cities:
        assessment = latest.get(city.pk)
        by_factor = {r.factor_id: r for r in assessment.ratings.all()} if assessment else {}
        rows.append(MatrixRow(city, assessment, [by_factor.get(f.pk) for f in factors]))
    return factors, rows


def rating_label(value):
    return Rating(value).label if value is not None else ""
