"""The practice browser's FilterSet: the one filter path of the page, its facets, the
export (and anything else that takes the browser's parameters).

Its facet filters are built from the registry in facets.py, one per facet. Each value
is cleaned once, by the form field: trimmed, control characters dropped, de-duplicated,
bounded. A value that names nothing is ignored (and reported by `unknown`), a malformed
number is ignored (and reported by `form.errors`): bad input narrows nothing and never
raises. A facet with a default (the kind of record) narrows to it when the request names
none of its values; this is the one place that applies it, for the page, its counts and
the export alike.
"""

from functools import cached_property

import django_filters
from django import forms
from django.apps import apps
from django.core.exceptions import AppRegistryNotReady
from django.utils.translation import gettext_lazy as _

from portal.text import clean_param

from . import facets
from .models import Practice

MAX_VALUES_PER_FACET = 50
MAX_VALUE_LENGTH = 100
MAX_QUERY_LENGTH = 200

SORTS = {
    "relevance": _("Relevance"),
    "title": _("Title"),
    "newest": _("Newest start year"),
    "city": _("City"),
}


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


class FacetFilter(django_filters.Filter):
    """One facet of the registry as a filter: OR over its (known) values."""

    field_class = MultiValueField

    def __init__(self, facet, **kwargs):
        super().__init__(label=facet.label, **kwargs)
        self.facet = facet

    def filter(self, qs, value):
        return self.facet.apply(qs, value) if value else qs


class SearchField(forms.CharField):
    """A search box value; a pasted essay is cut rather than refused."""

    def to_python(self, value):
        return clean_param(super().to_python(value), MAX_QUERY_LENGTH)


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField

    def filter(self, qs, value):
        return qs.search(value) if value else qs


class BasePracticeFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    year_from = django_filters.NumberFilter(
        label=_("Started from"),
        field_name="start_year",
        lookup_expr="gte",
        min_value=1900,
        max_value=2100,
    )
    year_to = django_filters.NumberFilter(
        label=_("Started until"),
        field_name="start_year",
        lookup_expr="lte",
        min_value=1900,
        max_value=2100,
    )

    class Meta:
        model = Practice
        fields = []

    @cached_property
    def labels(self):
        """{param: {value: label}} for the ticked values that name something real: one
        query per facet in use. Unknown values are dropped before filtering."""
        self.errors  # noqa: B018 - validates the form, as FilterSet.qs does
        found = {}
        for name, values in self.form.cleaned_data.items():
            if isinstance(self.filters[name], FacetFilter) and values:
                found[name] = self.filters[name].facet.labels(values, self.queryset)
        return found

    def selected(self, name):
        """The known values of facet `name`, in the order given."""
        self.errors  # noqa: B018
        values = self.form.cleaned_data.get(name) or []
        return [v for v in values if v in self.labels.get(name, {})]

    def unknown(self, name):
        self.errors  # noqa: B018
        values = self.form.cleaned_data.get(name) or []
        return [v for v in values if v not in self.labels.get(name, {})]

    def value(self, name):
        """The cleaned value of any filter: known values only for a facet, or the facet's
        default values when none is given."""
        if isinstance(self.filters[name], FacetFilter):
            return self.selected(name) or list(self.filters[name].facet.default)
        self.errors  # noqa: B018
        return self.form.cleaned_data.get(name)

    def defaulted(self):
        """{param: values} of the facets narrowed by their default, not by the request."""
        return {
            name: list(f.facet.default)
            for name, f in self.filters.items()
            if isinstance(f, FacetFilter) and f.facet.default and not self.selected(name)
        }

    def filter_queryset(self, queryset, exclude=None):
        for name in self.form.cleaned_data:
            if name != exclude:
                queryset = self.filters[name].filter(queryset, self.value(name))
        return queryset

    def narrowed_by(self, names, queryset):
        """`queryset` narrowed by these filters only (those the facet bitmaps cannot
        apply: the search, the years, a facet without keys)."""
        self.errors  # noqa: B018
        for name in names:
            queryset = self.filters[name].filter(queryset, self.value(name))
        return queryset

    def excluding(self, name):
        """The results as if facet `name` were not ticked: the set its counts are over.
        The browser computes that set from the facet bitmaps; the tests count from this
        one, as the rule's plain statement."""
        self.errors  # noqa: B018
        return self.filter_queryset(self.queryset.all(), exclude=name)

    def active(self):
        """{param: cleaned value} for every filter that narrows the results."""
        values = {name: self.value(name) for name in self.filters}
        return {k: v for k, v in values.items() if v not in (None, "", [])}


def _build_filterset():
    # Built once every app is ready, so that facets other apps register (benchmarks'
    # VALUES factor) are in; importing this module earlier is a mistake worth a loud error.
    if not apps.ready:
        raise AppRegistryNotReady("practices.filters is imported before every app is ready")
    declared = {f.param: FacetFilter(f) for f in facets.all_facets()}
    return type("PracticeFilter", (BasePracticeFilter,), declared)


PracticeFilter = _build_filterset()
# Everything a link or export may carry; anything else in the query string is ignored.
PARAMS = (*(f.param for f in facets.all_facets()), "q", "year_from", "year_to")
