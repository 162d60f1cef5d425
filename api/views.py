"""The practice list and page, the API's index and its documentation page.

The list takes exactly the browser's parameters and goes through the browser's own
`Browse`: the same filters, the same defaults, notices and facet counts, the same order.
"""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ParseError
from rest_framework.generics import RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.http import get_or_404
from practices.browse import Browse
from practices.models import Practice

from .pagination import KeysetPagination
from .schema import browse_parameters
from .serializers import PracticeDetailSerializer, PracticePage, PracticeSerializer

_TRUE, _FALSE = {"", "1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _wants_facets(request):
    raw = request.query_params.get("facets", "").strip().lower()
    if raw not in _TRUE | _FALSE:
        raise ParseError(f"facets must be 1 or 0 (true or false); got {raw[:40]!r}.")
    return raw in _TRUE


def facet_data(facets):
    return [
        {
            "name": facet.name,
            "label": facet.label,
            "values": [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in facet.values
            ],
        }
        for facet in facets
    ]


class PracticeList(APIView):
    """Practices, filtered, counted and ordered exactly as the practice browser does."""

    @extend_schema(
        operation_id="practices_list",
        parameters=browse_parameters(),
        responses=PracticePage,
        description="Takes the browser's parameters (`/practices/?...`) and answers what "
        "its page shows: the total, the facet counts with their selected values, notices "
        "about ignored parameters, and the results in the browser's order, a page at a "
        "time (`next`/`previous`).",
    )
    def get(self, request):
        with_facets = _wants_facets(request)
        browse = Browse(request.query_params, request.user)
        paginator = KeysetPagination()
        # The browser's order, read off its queryset: a cursor belongs to that order.
        page = paginator.paginate_queryset(browse.results().for_list(), request, self)
        data = {
            "total": browse.count(),
            **paginator.links(),
            "sort": browse.sort,
            "filters": browse.filters_in_force(),
            "notices": browse.notices,
        }
        if with_facets:
            order = "alpha" if request.query_params.get("facet_sort") == "alpha" else "count"
            data["facets"] = facet_data(browse.facets(order=order))
        data["results"] = PracticeSerializer(page, many=True, context={"request": request}).data
        return Response(data)


class PracticeDetail(RetrieveAPIView):
    """One practice with everything its page shows: public contacts only."""

    serializer_class = PracticeDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Practice.objects.visible_to(self.request.user).for_detail()

    def get_object(self):
        return get_or_404(self.get_queryset(), "practice", slug=self.kwargs["slug"])


ENDPOINTS = [
    "practices",
    "cities",
    "organisations",
    "networks",
    "countries",
    "themes",
    "target_groups",
    "funding_sources",
    "sources",
    "benchmarks",
    "contextual_factors",
    "assessments",
]


class Index(APIView):
    """Where everything is: each list, the schema and the documentation."""

    @extend_schema(
        tags=["index"],
        responses={200: {"type": "object", "additionalProperties": {"type": "string"}}},
    )
    def get(self, request):
        links = {name: reverse(f"api:{name}") for name in ENDPOINTS}
        links["schema"] = reverse("api:schema")
        links["docs"] = reverse("api:docs")
        return Response({name: request.build_absolute_uri(url) for name, url in links.items()})


@require_safe
def docs(request):
    """Swagger UI from static files (drf-spectacular-sidecar), started by a static script:
    nothing from another host, nothing inline (the Content-Security-Policy forbids it)."""
    return render(request, "api/docs.html", {"schema_url": reverse("api:schema")})
