"""The practice browser's filters: one FilterSet shared by the page, its facets and exports.

Facet parameters repeat (`?theme=a&theme=b`): values within one facet combine with OR,
facets with AND. A value that names nothing is ignored (and reported by `unknown_values`),
a malformed number is ignored (and reported by `form.errors`): bad input narrows nothing
and never raises.
"""

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from taggit.models import Tag

from benchmarks.models import Factor
from cities.models import City, Country, Network, Organisation
from portal.text import clean_param

from .models import FundingSource, Practice, SourceDocument, Status, TargetGroup, Theme

MAX_VALUES_PER_FACET = 50
MAX_VALUE_LENGTH = 100
MAX_QUERY_LENGTH = 200


class MultiValueField(forms.Field):
    """Repeated query parameters as a clean list: trimmed, de-duplicated, bounded."""

    widget = forms.SelectMultiple

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        seen = []
        for item in value:
            item = clean_param(item, MAX_VALUE_LENGTH)
            if item and item not in seen:
                seen.append(item)
        return seen[:MAX_VALUES_PER_FACET]


class MultiValueFilter(django_filters.Filter):
    field_class = MultiValueField

    def __init__(self, *args, label_model=None, key="slug", apply=None, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_model = label_model
        self.key = key
        self.apply = apply
        self.allowed = allowed

    def filter(self, qs, value):
        if not value:
            return qs
        if self.apply is not None:
            return self.apply(qs, value)
        return qs.filter(**{f"{self.field_name}__in": value})


class SearchField(forms.CharField):
    """A search box value; a pasted essay is cut rather than refused."""

    def to_python(self, value):
        return clean_param(super().to_python(value), MAX_QUERY_LENGTH)


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField

    def filter(self, qs, value):
        return qs.search(value) if value else qs


def _linked(model, value_lookup, practice_column, **extra):
    """OR within a facet over a to-many link: `pk IN (SELECT practice FROM link WHERE
    value IN (...))`. Selecting from the link table alone, not joined back to practices,
    keeps the subquery to one index lookup per value."""

    def apply(qs, values):
        ids = model.objects.filter(**{f"{value_lookup}__in": values}, **extra).values(
            practice_column
        )
        return qs.filter(pk__in=ids)

    return apply


def _through(field, target):
    through = Practice._meta.get_field(field).remote_field.through
    return _linked(through, f"{target}__slug", "practice_id")


def _network(qs, values):
    from cities.models import Membership

    cities = Membership.objects.filter(network__slug__in=values, city__isnull=False)
    return qs.filter(city_id__in=cities.values("city_id"))


def _factor(qs, values):
    from benchmarks.models import Illustration

    return _linked(Illustration, "factor__code", "practice_id")(qs, values)


def _tag(qs, values):
    from taggit.models import TaggedItem

    return _linked(
        TaggedItem,
        "tag__slug",
        "object_id",
        content_type=ContentType.objects.get_for_model(Practice),
    )(qs, values)


def _organisation(qs, values):
    partners = Practice.partners.through.objects.filter(organisation__slug__in=values).values(
        "practice_id"
    )
    return qs.filter(Q(lead_organisation__slug__in=values) | Q(pk__in=partners))


def _cited_in(qs, keys):
    from .models import Citation

    cited = Citation.objects.filter(
        document__key__in=keys, content_type=ContentType.objects.get_for_model(Practice)
    ).values("object_id")
    return qs.filter(pk__in=cited)


SORTS = {
    "relevance": "Relevance",
    "title": "Title",
    "newest": "Newest start year",
    "city": "City",
}


class PracticeFilter(django_filters.FilterSet):
    q = SearchFilter(label="Search")
    theme = MultiValueFilter(label="Theme", label_model=Theme, apply=_through("themes", "theme"))
    country = MultiValueFilter(
        label="Country", field_name="city__country__code", label_model=Country, key="code"
    )
    city = MultiValueFilter(label="City", field_name="city__slug", label_model=City)
    org_kind = MultiValueFilter(
        label="Led by (kind of organisation)",
        field_name="lead_organisation__kind",
        allowed=Organisation.Kind.values,
    )
    organisation = MultiValueFilter(
        label="Organisation", label_model=Organisation, apply=_organisation
    )
    target_group = MultiValueFilter(
        label="Target group",
        label_model=TargetGroup,
        apply=_through("target_groups", "targetgroup"),
    )
    funding = MultiValueFilter(
        label="Funding",
        label_model=FundingSource,
        apply=_through("funding_sources", "fundingsource"),
    )
    network = MultiValueFilter(
        label="City's network",
        label_model=Network,
        apply=_network,
    )
    factor = MultiValueFilter(
        label="VALUES factor",
        label_model=Factor,
        key="code",
        apply=_factor,
    )
    tag = MultiValueFilter(label="Tag", label_model=Tag, apply=_tag)
    status = MultiValueFilter(label="Status", field_name="status", allowed=Status.values)
    source = MultiValueFilter(
        label="Source", label_model=SourceDocument, key="key", apply=_cited_in
    )
    year_from = django_filters.NumberFilter(
        label="Started from",
        field_name="start_year",
        lookup_expr="gte",
        min_value=1900,
        max_value=2100,
    )
    year_to = django_filters.NumberFilter(
        label="Started until",
        field_name="start_year",
        lookup_expr="lte",
        min_value=1900,
        max_value=2100,
    )

    # Facets whose values the page lists with counts, in display order.
    FACETS = (
        "theme",
        "country",
        "city",
        "target_group",
        "funding",
        "org_kind",
        "organisation",
        "network",
        "factor",
        "tag",
        "status",
    )
    # Everything a link or export may carry; anything else in the query string is ignored.
    PARAMS = (*FACETS, "source", "q", "year_from", "year_to")

    class Meta:
        model = Practice
        fields = []

    def filter_queryset(self, queryset, exclude=None):
        for name, value in self.form.cleaned_data.items():
            if name != exclude:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def excluding(self, name):
        """The results as if facet `name` were not ticked: the base of its counts."""
        self.errors  # noqa: B018 - validates the form, as FilterSet.qs does
        return self.filter_queryset(self.queryset.all(), exclude=name)

    def active(self):
        """{param: cleaned value} for every filter that narrows the results."""
        self.errors  # noqa: B018
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "", [])}
