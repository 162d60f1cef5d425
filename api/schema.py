"""The practice list's parameters in the OpenAPI schema, read off the browser's FilterSet
(practices/filters.py) so that the documentation cannot drift from the filters."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from practices.filters import SORTS, FacetFilter, PracticeFilter

from .pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE


def _filter_parameter(name, spec):
    if isinstance(spec, FacetFilter):
        default = f" Without it: {', '.join(spec.facet.default)}." if spec.facet.default else ""
        return OpenApiParameter(
            name,
            OpenApiTypes.STR,
            many=True,
            explode=True,
            description=f"{spec.label}. Repeat for several values (OR); facets combine "
            f"with AND. Unknown values are ignored and reported in `notices`.{default}",
        )
    if name == "q":
        return OpenApiParameter(
            name,
            OpenApiTypes.STR,
            description="Search: every word must begin a word of the practice's text "
            "(accents and case do not count).",
        )
    return OpenApiParameter(
        name,
        OpenApiTypes.INT,
        description=f"{spec.label} (a year, 1900 to 2100); a malformed year is ignored "
        "and reported in `notices`.",
    )


def browse_parameters():
    parameters = [_filter_parameter(n, f) for n, f in PracticeFilter.base_filters.items()]
    return [
        *parameters,
        OpenApiParameter(
            "sort",
            OpenApiTypes.STR,
            enum=list(SORTS),
            description="The browser's orders; relevance needs q. Default: relevance with "
            "q, else title. Every order ends with the id, so pages never overlap.",
        ),
        OpenApiParameter(
            "facets",
            OpenApiTypes.BOOL,
            description="0 leaves out the facet counts (cheaper when paging through).",
        ),
        OpenApiParameter(
            "cursor",
            OpenApiTypes.STR,
            description="Where a page starts: copy it from a page's next or previous link.",
        ),
        OpenApiParameter(
            "page_size",
            OpenApiTypes.INT,
            description=f"Practices per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
        ),
        OpenApiParameter(
            "facet_sort",
            OpenApiTypes.STR,
            enum=["count", "alpha"],
            description="Order of each facet's values: by count (default) or A-Z.",
        ),
    ]
