"""The practice browser's facets, each declared once.

A facet is one query parameter (`?theme=a&theme=b`) with everything the portal does
with it: its label, how its values narrow the practices (OR within the facet), which
values name something real and how they read, and how its values are counted. The
FilterSet (filters.py), the browser page and the export (browse.py), and anything
else that takes the browser's parameters read this one registry. Adding a facet is
one entry in FACETS below, plus its test.

A facet is counted from the facet index (facet_index.py), which holds each practice's
keys: the values it declares here with `keys` and names with `vocabulary`, kept up to
date through what it `follows`. Keys are one per (practice, value): every link table
has a unique (practice, value) constraint (M2M through tables, taggit's items,
illustration_unique), a city belongs to a network once
(membership_one_per_city_and_network), and the organisation keys are a UNION.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag, TaggedItem

from cities.models import City, Contact, Country, Membership, Network, Organisation
from sources.models import Citation, SourceDocument

from .facet_keys import (
    TEXT,
    ChoiceVocabulary,
    ModelVocabulary,
    column_keys,
    link_keys,
    of_ids,
    practice_rows,
)
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
    # (ids: a subquery of practice ids, or None for all) -> query of (practice id, ref)
    # pairs; None for a filter the page offers as a link but does not count (the source
    # document). Counted by facet_index.py, never here.
    keys: Callable | None = None
    # (refs or None) -> [(ref, value, label)]: what the refs are called.
    vocabulary: Callable | None = None
    # Display order among the facets; another app slots its own in between.
    order: int = 0
    # Values in force when the parameter names none: the browser, its counts and the
    # export all narrow to them, and the page says so (browse.py).
    default: tuple = ()
    # ((model, instance -> practice ids), ...): writes to other records that change what
    # practices this facet counts them under (a city moving country).
    follows: tuple = ()


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


def _practice_content_type():
    return ContentType.objects.get_for_model(Practice)


def _practice_type():
    return {"content_type": _practice_content_type()}


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


def _country(qs, values):
    """A practice's city's country, or its own when it has no city (a national law):
    the same rule as its keys (Coalesce), so that the filter and the count agree."""
    # Both sides on the practice's own columns (city_id, country_id), never a join to
    # its city: with the join, both databases scanned every practice for the OR (250 ms
    # at 100,000 practices). SQLite looks each side up by its index within the OR.
    # PostgreSQL cannot, and misjudges the OR twentyfold, which sent the facet counts
    # after it to a full scan of the facet index: there, the ids of each side, found by
    # its own index, then one IN ("two facets" 255 -> 183 ms; on SQLite this form is
    # 10 % slower).
    cities = City.objects.filter(country_id__in=values).values("pk")
    if connections[qs.db].vendor != "postgresql":
        return qs.filter(Q(city_id__in=cities) | Q(city__isnull=True, country_id__in=values))
    placed = Practice.objects.filter(city_id__in=cities).order_by().values("pk")
    national = Practice.objects.filter(city__isnull=True, country_id__in=values)
    return qs.filter(pk__in=placed.union(national.order_by().values("pk"), all=True))


def _organisation(qs, values):
    partners = Practice.partners.through.objects.filter(organisation__slug__in=values)
    return qs.filter(
        Q(lead_organisation__slug__in=values) | Q(pk__in=partners.values("practice_id"))
    )


CONTACT_CHOICES = (("yes", _("Has a public contact")), ("no", _("No public contact")))


def _has_public_contact():
    links = Practice.contacts.through.objects.filter(
        practice_id=OuterRef("pk"), contact__is_public=True
    )
    return Exists(links)


def _contact(qs, values):
    if set(values) >= {"yes", "no"}:
        return qs
    return qs.filter(_has_public_contact() if "yes" in values else ~_has_public_contact())


# ----- keys: which values each practice is counted under (see facet_keys.py) ------


def _through_keys(field):
    through = Practice._meta.get_field(field).remote_field.through
    target = Practice._meta.get_field(field).m2m_reverse_name()
    return link_keys(through, "practice_id", target)


def _organisation_keys(ids):
    """Lead or partner, once each: UNION (not UNION ALL) drops a pair that is both."""
    lead = column_keys("lead_organisation_id")(ids)
    partners = _through_keys("partners")(ids)
    return lead.order_by().union(partners.order_by())


def _country_keys(ids):
    """The effective country: the city's, else the practice's own (Practice.effective_country)."""
    rows = practice_rows().annotate(placed=Coalesce("city__country_id", "country_id"))
    rows = of_ids(rows.filter(placed__isnull=False), "pk", ids)
    return rows.annotate(pid=F("pk"), ref=Cast("placed", TEXT)).values_list("pid", "ref")


def _contact_keys(ids):
    has = Case(When(_has_public_contact(), then=Value("yes")), default=Value("no"))
    rows = of_ids(practice_rows(), "pk", ids).annotate(pid=F("pk"), ref=has)
    return rows.values_list("pid", "ref")


def _practices_of_city(city):
    return Practice.objects.filter(city=city).values_list("pk", flat=True)


def _led_by(organisation):
    return Practice.objects.filter(lead_organisation=organisation).values_list("pk", flat=True)


# ----- the registry -------------------------------------------------------------

_registry = {}
_listeners = []


def register(facet):
    """Add a facet. Apps above this one (benchmarks) add theirs in AppConfig.ready(), so
    practices never imports them; the FilterSet is built after every app is ready."""
    _registry[facet.param] = facet
    for listener in _listeners:
        listener(facet)


def on_register(listener):
    """Call `listener(facet)` for every facet, registered already or later (the facet
    index's receivers are wired this way)."""
    _listeners.append(listener)
    for facet in _registry.values():
        listener(facet)


def all_facets():
    """Every facet, in display order."""
    return sorted(_registry.values(), key=lambda facet: facet.order)


def get(param):
    return _registry.get(param)


for _facet in (
    Facet(
        "kind",
        _("Kind of record"),
        apply=_column("kind"),
        labels=_choice_labels(PracticeKind.choices),
        keys=column_keys("kind"),
        vocabulary=ChoiceVocabulary(tuple(PracticeKind.choices)),
        order=5,
        # Publications, tools and statements stay findable, but the counts officials see
        # first are of things cities did.
        default=PracticeKind.browser_default(),
    ),
    Facet(
        "theme",
        _("Theme"),
        apply=_through("themes", "theme"),
        labels=model_labels(Theme),
        keys=_through_keys("themes"),
        vocabulary=ModelVocabulary(Theme),
        order=10,
    ),
    Facet(
        "country",
        _("Country"),
        apply=_country,
        labels=model_labels(Country, key="code"),
        keys=_country_keys,
        follows=((City, _practices_of_city),),
        vocabulary=ModelVocabulary(Country, key="code"),
        order=20,
    ),
    Facet(
        "city",
        _("City"),
        apply=_column("city__slug"),
        labels=model_labels(City),
        keys=column_keys("city_id"),
        vocabulary=ModelVocabulary(City),
        order=30,
    ),
    Facet(
        "target_group",
        _("Target group"),
        apply=_through("target_groups", "targetgroup"),
        labels=model_labels(TargetGroup),
        keys=_through_keys("target_groups"),
        vocabulary=ModelVocabulary(TargetGroup),
        order=40,
    ),
    Facet(
        "funding",
        _("Funding"),
        apply=_through("funding_sources", "fundingsource"),
        labels=model_labels(FundingSource),
        keys=_through_keys("funding_sources"),
        vocabulary=ModelVocabulary(FundingSource),
        order=50,
    ),
    Facet(
        "org_kind",
        _("Led by (kind of organisation)"),
        apply=_column("lead_organisation__kind"),
        labels=_choice_labels(Organisation.Kind.choices),
        keys=column_keys("lead_organisation__kind"),
        follows=((Organisation, _led_by),),
        vocabulary=ChoiceVocabulary(tuple(Organisation.Kind.choices)),
        order=60,
    ),
    Facet(
        "organisation",
        _("Organisation"),
        apply=_organisation,
        labels=model_labels(Organisation),
        keys=_organisation_keys,
        vocabulary=ModelVocabulary(Organisation),
        order=70,
    ),
    Facet(
        "network",
        _("City's network"),
        apply=_network,
        labels=model_labels(Network),
        keys=column_keys("city__memberships__network_id"),
        follows=((Membership, lambda m: _practices_of_city(m.city) if m.city_id else ()),),
        vocabulary=ModelVocabulary(Network),
        order=80,
    ),
    Facet(
        "tag",
        _("Tag"),
        apply=_tag,
        labels=_tag_labels,
        keys=link_keys(TaggedItem, "object_id", "tag_id", content_type=_practice_content_type),
        follows=((TaggedItem, lambda item: [item.object_id]),),
        vocabulary=ModelVocabulary(Tag),
        order=90,
    ),
    Facet(
        "status",
        _("Status"),
        apply=_column("status"),
        labels=_choice_labels(Status.choices),
        keys=column_keys("status"),
        vocabulary=ChoiceVocabulary(tuple(Status.choices)),
        order=100,
    ),
    Facet(
        "contact",
        _("Public contact"),
        apply=_contact,
        labels=_choice_labels(CONTACT_CHOICES),
        keys=_contact_keys,
        follows=((Contact, lambda contact: contact.practices.values_list("pk", flat=True)),),
        vocabulary=ChoiceVocabulary(CONTACT_CHOICES),
        order=105,
    ),
    Facet(
        "source",
        _("Source"),
        apply=_cited_in,
        labels=model_labels(SourceDocument, key="key", field="title"),
        order=110,
    ),
):
    register(_facet)
