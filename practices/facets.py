"""The practice browser's facets, each declared once.

A facet is one query parameter (`?theme=a&theme=b`) with everything the portal does
with it: its label, how its values narrow the practices (OR within the facet), which
values name something real and how they read, and how its values are counted. The
FilterSet (filters.py), the browser page and the export (browse.py), and anything
else that takes the browser's parameters read this one registry. Adding a facet is
one entry in FACETS below, plus its test.

Counts are SQL aggregates over the ids of the practices that match every *other*
active filter (browse.py decides the ids). Plain COUNT, not COUNT(DISTINCT): each row
counted is already one practice per value. Practices are unique rows; every link table
has a unique (practice, value) constraint (M2M through tables, taggit's items,
illustration_unique), and a city belongs to a network once
(membership_one_per_city_and_network). COUNT(DISTINCT) made PostgreSQL sort every
group and was most of the facets' time.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q
from taggit.models import Tag, TaggedItem

from cities.models import City, Country, Membership, Network, Organisation
from sources.models import Citation, SourceDocument

from .models import FundingSource, Practice, PracticeKind, Status, TargetGroup, Theme


@dataclass(frozen=True)
class Facet:
    param: str
    label: str
    # (queryset, [known values]) -> queryset narrowed to practices with any of them.
    apply: Callable
    # ([values], practices the visitor may see) -> {value: label} for the values that
    # name something real and visible to them.
    labels: Callable
    # (ids: a list or a subquery of practice ids) -> [(value, label, count)]; None for a
    # filter the page offers as a link but does not count (the source document).
    count: Callable | None = None
    # Display order among the facets; another app slots its own in between.
    order: int = 0
    # Values in force when the parameter names none: the browser, its counts and the
    # export all narrow to them, and the page says so (browse.py).
    default: tuple = ()


# ----- labels ---------------------------------------------------------------------


def model_labels(model, key="slug", field="name", fmt=None):
    """Labels of values that are public records in their own right (a city, a theme)."""

    def labels(values, practices=None):
        rows = model._default_manager.filter(**{f"{key}__in": values}).values_list(key, field)
        return {k: fmt(k, v) if fmt else v for k, v in rows}

    return labels


def _choice_labels(choices):
    def labels(values, practices=None):
        names = dict(choices)
        return {v: str(names[v]) for v in values if v in names}

    return labels


# ----- filters: OR within a facet -------------------------------------------------


def _column(field):
    def apply(qs, values):
        return qs.filter(**{f"{field}__in": values})

    return apply


def linked(model, value_lookup, practice_column, **extra):
    """`pk IN (SELECT practice FROM link WHERE value IN (...))`. Selecting from the link
    table alone, not joined back to practices, keeps it to one index lookup per value."""

    def apply(qs, values):
        ids = model.objects.filter(**{f"{value_lookup}__in": values}, **extra)
        return qs.filter(pk__in=ids.values(practice_column))

    return apply


def _through(field, target):
    through = Practice._meta.get_field(field).remote_field.through
    return linked(through, f"{target}__slug", "practice_id")


def _practice_type():
    return {"content_type": ContentType.objects.get_for_model(Practice)}


def _tag_labels(values, practices):
    """A tag exists only through the practices that carry it: one carried by drafts
    alone is unknown to a visitor who may not see drafts (its name would leak)."""
    links = TaggedItem.objects.filter(
        object_id__in=practices.values("pk"), **_practice_type()
    ).values("tag_id")
    rows = Tag.objects.filter(slug__in=values, pk__in=links).values_list("slug", "name")
    return dict(rows)


def _tag(qs, values):
    return linked(TaggedItem, "tag__slug", "object_id", **_practice_type())(qs, values)


def _cited_in(qs, keys):
    return linked(Citation, "document__key", "object_id", **_practice_type())(qs, keys)


def _network(qs, values):
    cities = Membership.objects.filter(network__slug__in=values, city__isnull=False)
    return qs.filter(city_id__in=cities.values("city_id"))


def _organisation(qs, values):
    partners = Practice.partners.through.objects.filter(organisation__slug__in=values)
    return qs.filter(
        Q(lead_organisation__slug__in=values) | Q(pk__in=partners.values("practice_id"))
    )


CONTACT_CHOICES = (("yes", "Has a public contact"), ("no", "No public contact"))


def _has_public_contact():
    links = Practice.contacts.through.objects.filter(
        practice_id=OuterRef("pk"), contact__is_public=True
    )
    return Exists(links)


def _contact(qs, values):
    if set(values) >= {"yes", "no"}:
        return qs
    return qs.filter(_has_public_contact() if "yes" in values else ~_has_public_contact())


# ----- counts ---------------------------------------------------------------------


def _rows(value, label, **extra):
    def count(ids):
        rows = Practice.objects.filter(pk__in=ids, **extra).values_list(value, label)
        return list(rows.annotate(n=Count("pk")).order_by())

    return count


def link_rows(model, practice_column, value, label, extra=dict):
    """Counts over a link table. `extra()` gives more filters at count time (a content
    type needs the database, so it cannot be read when the registry is built)."""

    def count(ids):
        rows = model.objects.filter(**{f"{practice_column}__in": ids}, **extra())
        return list(rows.values_list(value, label).annotate(n=Count(practice_column)).order_by())

    return count


def _m2m_rows(field, target):
    through = Practice._meta.get_field(field).remote_field.through
    return link_rows(through, "practice_id", f"{target}__slug", f"{target}__name")


def _contact_counts(ids):
    """Practices with and without a public contact: one GROUP BY over an EXISTS."""
    rows = (
        Practice.objects.filter(pk__in=ids)
        .annotate(has=_has_public_contact())
        .values_list("has")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels = dict(CONTACT_CHOICES)
    return [("yes" if has else "no", labels["yes" if has else "no"], n) for has, n in rows]


def _relabel(count, labels):
    """Counts whose value is its own label (a choice) read with the choice's label."""

    def relabelled(ids):
        names = dict(labels)
        return [(value, str(names.get(value, value)), n) for value, _same, n in count(ids)]

    return relabelled


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


# ----- the registry -------------------------------------------------------------

_registry = {}


def register(facet):
    """Add a facet. Apps above this one (benchmarks) add theirs in AppConfig.ready(), so
    practices never imports them; the FilterSet is built after every app is ready."""
    _registry[facet.param] = facet


def all_facets():
    """Every facet, in display order."""
    return sorted(_registry.values(), key=lambda facet: facet.order)


def get(param):
    return _registry.get(param)


for _facet in (
    Facet(
        "kind",
        "Kind of record",
        apply=_column("kind"),
        labels=_choice_labels(PracticeKind.choices),
        count=_relabel(_rows("kind", "kind"), PracticeKind.choices),
        order=5,
        # Publications, tools and statements stay findable, but the counts officials see
        # first are of things cities did.
        default=PracticeKind.browser_default(),
    ),
    Facet(
        "theme",
        "Theme",
        apply=_through("themes", "theme"),
        labels=model_labels(Theme),
        count=_m2m_rows("themes", "theme"),
        order=10,
    ),
    Facet(
        "country",
        "Country",
        apply=_column("city__country__code"),
        labels=model_labels(Country, key="code"),
        count=_rows("city__country__code", "city__country__name"),
        order=20,
    ),
    Facet(
        "city",
        "City",
        apply=_column("city__slug"),
        labels=model_labels(City),
        count=_rows("city__slug", "city__name"),
        order=30,
    ),
    Facet(
        "target_group",
        "Target group",
        apply=_through("target_groups", "targetgroup"),
        labels=model_labels(TargetGroup),
        count=_m2m_rows("target_groups", "targetgroup"),
        order=40,
    ),
    Facet(
        "funding",
        "Funding",
        apply=_through("funding_sources", "fundingsource"),
        labels=model_labels(FundingSource),
        count=_m2m_rows("funding_sources", "fundingsource"),
        order=50,
    ),
    Facet(
        "org_kind",
        "Led by (kind of organisation)",
        apply=_column("lead_organisation__kind"),
        labels=_choice_labels(Organisation.Kind.choices),
        count=_relabel(
            _rows(
                "lead_organisation__kind",
                "lead_organisation__kind",
                lead_organisation__isnull=False,
            ),
            Organisation.Kind.choices,
        ),
        order=60,
    ),
    Facet(
        "organisation",
        "Organisation",
        apply=_organisation,
        labels=model_labels(Organisation),
        count=_organisation_counts,
        order=70,
    ),
    Facet(
        "network",
        "City's network",
        apply=_network,
        labels=model_labels(Network),
        count=_rows("city__memberships__network__slug", "city__memberships__network__name"),
        order=80,
    ),
    Facet(
        "tag",
        "Tag",
        apply=_tag,
        labels=_tag_labels,
        count=link_rows(TaggedItem, "object_id", "tag__slug", "tag__name", _practice_type),
        order=90,
    ),
    Facet(
        "status",
        "Status",
        apply=_column("status"),
        labels=_choice_labels(Status.choices),
        count=_relabel(_rows("status", "status"), Status.choices),
        order=100,
    ),
    Facet(
        "contact",
        "Public contact",
        apply=_contact,
        labels=_choice_labels(CONTACT_CHOICES),
        count=_contact_counts,
        order=105,
    ),
    Facet(
        "source",
        "Source",
        apply=_cited_in,
        labels=model_labels(SourceDocument, key="key", field="title"),
        order=110,
    ),
):
    register(_facet)
