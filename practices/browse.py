"""The practice browser: cleaned parameters, results, and disjunctive facet counts.

Every facet's counts follow all the *other* active filters, so each value shows what
ticking it would add. Each facet is one SQL aggregate (GROUP BY over the facet's
column or link table, restricted to the ids of the matching practices); nothing loops
over practices in Python. The page also reads the same parameters the export uses, so
`/practices/export.csv?<same query>` gives the same rows in the same order.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, F
from django.http import QueryDict
from taggit.models import TaggedItem

from benchmarks.models import Illustration
from cities.models import Organisation
from portal.text import clean_param

from .filters import SORTS, PracticeFilter
from .models import Practice, Status
from .search import query_words

TOP_VALUES = 8
# Above this many values a facet renders collapsed (top values, selected ones, and a
# "show all" link): the city and organisation facets reach thousands of values, and
# rendering them all tripled the unfiltered page's time for a list nobody scrolls.
INLINE_LIMIT = 60
# Below SQLite's default limit of 32,766 parameters per statement, with room to spare.
SHARED_IDS_CAP = 2000


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    """A facet's values, in display order. A long facet (more than INLINE_LIMIT values)
    shows its top values and a link that expands it; ticked values always show."""

    name: str
    label: str
    values: list = field(default_factory=list)
    expanded: bool = False

    @property
    def selected(self):
        return [v for v in self.values if v.selected]

    @property
    def top(self):
        return self.values[:TOP_VALUES]

    @property
    def collapsed(self):
        return len(self.values) > INLINE_LIMIT and not self.expanded

    @property
    def rest(self):
        if not self.collapsed:
            return self.values[TOP_VALUES:]
        return [v for v in self.values[TOP_VALUES:] if v.selected]


@dataclass
class Chip:
    param: str
    label: str
    value_label: str
    query: QueryDict


def _labels(name, values):
    """{value: label} for the values of facet `name` that name something real."""
    spec = PracticeFilter.base_filters[name]
    if name == "org_kind":
        return {v: str(Organisation.Kind(v).label) for v in values if v in spec.allowed}
    if name == "status":
        return {v: str(Status(v).label) for v in values if v in spec.allowed}
    label_field = {"country": "name", "factor": "title", "source": "title"}.get(name, "name")
    rows = spec.label_model._default_manager.filter(**{f"{spec.key}__in": values})
    found = dict(rows.values_list(spec.key, label_field))
    if name == "factor":
        found = {code: f"{code}. {title}" for code, title in found.items()}
    return {v: found[v] for v in values if v in found}


class Browse:
    """One request's view of the knowledge base. Costs a bounded number of queries."""

    def __init__(self, params, user):
        self.params = params
        self.notices = []
        self.labels = {}
        data = QueryDict(mutable=True)
        for name in PracticeFilter.PARAMS:
            values = [v for v in params.getlist(name) if clean_param(v)]
            if not values:
                continue
            if name in PracticeFilter.FACETS or name == "source":
                values = PracticeFilter.base_filters[name].field.to_python(values)
                labels = _labels(name, values)
                unknown = [v for v in values if v not in labels]
                if unknown:
                    label = PracticeFilter.base_filters[name].label.lower()
                    self.notices.append(
                        f"Ignored {label} {', '.join(repr(v[:40]) for v in unknown)}: "
                        "not in the knowledge base."
                    )
                values = [v for v in values if v in labels]
                self.labels[name] = labels
            data.setlist(name, values)
        self.filterset = PracticeFilter(data, queryset=Practice.objects.visible_to(user))
        for name, errors in self.filterset.errors.items():
            label = self.filterset.filters[name].label
            self.notices.append(f"Ignored {label.lower()} {params.get(name)[:40]!r}: {errors[0]}")
        self.query = self.filterset.form.cleaned_data.get("q", "")
        if self.query and not query_words(self.query):
            self.notices.append(
                "Your search has no letters or digits to look for, so it was ignored."
            )
        sort = params.get("sort", "")
        self.sort = (
            sort
            if sort in SORTS and (sort != "relevance" or self.query)
            else ("relevance" if self.query else "title")
        )
        self.data = data

    # ----- results ----------------------------------------------------------------

    def results(self):
        """The matching practices in the page's order (the export uses the same)."""
        return self.filterset.qs.sorted_by(self.sort)

    def count(self):
        return self.filterset.qs.count()

    # ----- facets -----------------------------------------------------------------

    def _shared_ids(self):
        """The ids of all matching practices, if few: one query instead of re-running the
        filters (search, themes, country...) inside each of the facets' aggregates.
        Inactive facets all count over exactly this set. Above the cap, the facets use
        a subquery, as a long literal list would cost more than it saves."""
        ids = list(self.filterset.qs.order_by().values_list("pk", flat=True)[: SHARED_IDS_CAP + 1])
        return ids if len(ids) <= SHARED_IDS_CAP else None

    def facets(self, order="count", expand=""):
        facets = []
        active = self.filterset.active()
        shared = self._shared_ids() if active else None
        for name in PracticeFilter.FACETS:
            if shared is not None and name not in active:
                ids = shared
            else:
                ids = self.filterset.excluding(name).values("pk")
            # Nothing matches: nothing to count (and an empty IN () cannot go in a UNION).
            rows = [] if isinstance(ids, list) and not ids else COUNTERS[name](ids)
            selected = set(self.data.getlist(name))
            values = [FacetValue(v, label or v, n, v in selected) for v, label, n in rows if v]
            present = {v.value for v in values}
            for value in selected - present:
                values.append(FacetValue(value, self.labels[name][value], 0, True))
            if order == "alpha":
                values.sort(key=lambda v: v.label.lower())
            else:
                values.sort(key=lambda v: (-v.count, v.label.lower()))
            label = PracticeFilter.base_filters[name].label
            facets.append(Facet(name, label, values, expanded=name == expand))
        return facets

    # ----- chips and suggestions ---------------------------------------------------

    def chips(self):
        """One removable chip per active value, each with the query string without it."""
        chips = []
        for name in PracticeFilter.PARAMS:
            for value in self.data.getlist(name):
                query = self._without(name, value)
                label = self.filterset.filters[name].label
                shown = self.labels.get(name, {}).get(value, value)
                chips.append(Chip(name, label, shown, query))
        return chips

    def without_last_filter(self):
        """The query string without the filter most recently added (last in the URL)."""
        for name, value in reversed(list(self._pairs())):
            return self._without(name, value)
        return None

    def _pairs(self):
        for name, values in self.params.lists():
            if name in self.data:
                for value in values:
                    if value in self.data.getlist(name):
                        yield name, value

    def _without(self, name, value):
        query = self.params.copy()
        remaining = [v for v in query.getlist(name) if v != value]
        query.setlist(name, remaining)
        if not remaining:
            del query[name]
        query.pop("page", None)
        query.pop("partial", None)
        return query


# Plain COUNT, not COUNT(DISTINCT): each row counted is already one practice per value.
# Practices are unique rows; every link table has a unique (practice, value) constraint
# (M2M through tables, taggit's items, illustration_unique), and a city belongs to a
# network once (membership_one_per_city_and_network). COUNT(DISTINCT) made PostgreSQL
# sort every group and was most of the facets' time.


def _rows(queryset, value, label):
    return list(queryset.values_list(value, label).annotate(n=Count("pk")).order_by())


def _through(model, practice_field, value, label, ids, **extra):
    rows = (
        model.objects.filter(**{f"{practice_field}__in": ids}, **extra)
        .values_list(value, label)
        .annotate(n=Count(practice_field))
        .order_by()
    )
    return list(rows)


def _organisation_counts(ids):
    """Practices per organisation, as lead or partner, counted once each: one query.

    The ORM cannot group over a UNION, so the union of (practice, organisation) pairs is
    compiled by the ORM and wrapped in a GROUP BY here. UNION (not UNION ALL) removes
    a pair that is both lead and partner, so no practice is counted twice.
    """
    lead = (
        Practice.objects.filter(pk__in=ids, lead_organisation__isnull=False)
        .annotate(p=F("pk"), o=F("lead_organisation_id"))
        .values_list("p", "o")
        .order_by()
    )
    partners = (
        Practice.partners.through.objects.filter(practice_id__in=ids)
        .annotate(p=F("practice_id"), o=F("organisation_id"))
        .values_list("p", "o")
        .order_by()
    )
    pairs_sql, params = lead.union(partners).query.sql_with_params()
    q = connection.ops.quote_name
    table = q(Organisation._meta.db_table)
    # Only quoted identifiers and ORM-compiled SQL are interpolated; values stay in params.
    sql = (
        f"SELECT org.{q('slug')}, org.{q('name')}, COUNT(*) FROM ({pairs_sql}) pairs "  # noqa: S608
        f"INNER JOIN {table} org ON org.{q('id')} = pairs.{q('o')} "
        f"GROUP BY org.{q('slug')}, org.{q('name')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _status_counts(ids):
    labels = dict(Status.choices)
    rows = _rows(Practice.objects.filter(pk__in=ids), "status", "status")
    return [(value, str(labels.get(value, value)), n) for value, _same, n in rows]


def _org_kind_counts(ids):
    labels = dict(Organisation.Kind.choices)
    rows = _rows(
        Practice.objects.filter(pk__in=ids, lead_organisation__isnull=False),
        "lead_organisation__kind",
        "lead_organisation__kind",
    )
    return [(value, str(labels.get(value, value)), n) for value, _same, n in rows]


def _factor_counts(ids):
    rows = _through(Illustration, "practice_id", "factor__code", "factor__title", ids)
    return [(code, f"{code}. {title}", n) for code, title, n in rows]


COUNTERS = {
    "theme": lambda ids: _through(
        Practice.themes.through, "practice_id", "theme__slug", "theme__name", ids
    ),
    "country": lambda ids: _rows(
        Practice.objects.filter(pk__in=ids), "city__country__code", "city__country__name"
    ),
    "city": lambda ids: _rows(Practice.objects.filter(pk__in=ids), "city__slug", "city__name"),
    "target_group": lambda ids: _through(
        Practice.target_groups.through,
        "practice_id",
        "targetgroup__slug",
        "targetgroup__name",
        ids,
    ),
    "funding": lambda ids: _through(
        Practice.funding_sources.through,
        "practice_id",
        "fundingsource__slug",
        "fundingsource__name",
        ids,
    ),
    "org_kind": _org_kind_counts,
    "organisation": _organisation_counts,
    "network": lambda ids: _rows(
        Practice.objects.filter(pk__in=ids),
        "city__memberships__network__slug",
        "city__memberships__network__name",
    ),
    "factor": _factor_counts,
    "tag": lambda ids: _through(
        TaggedItem,
        "object_id",
        "tag__slug",
        "tag__name",
        ids,
        content_type=ContentType.objects.get_for_model(Practice),
    ),
    "status": _status_counts,
}
