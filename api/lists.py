"""Places, vocabularies and the VALUES content: lists (cursor-paginated, in each list's
stated order, see README "Orders") and single records by slug."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import ParseError
from rest_framework.generics import ListAPIView, RetrieveAPIView

from benchmarks.assessments.models import Assessment
from benchmarks.models import Benchmark, ContextualFactor
from cities.models import City, Country, Membership, Network, Organisation
from portal.http import get_or_404
from portal.text import clean_param
from practices.models import FundingSource, TargetGroup, Theme
from sources.models import Citation, SourceDocument

from . import catalogue
from .pagination import KeysetPagination


class KeysetList(ListAPIView):
    """A list a page at a time, with the total: a fixed number of queries per page."""

    pagination_class = KeysetPagination

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        page = self.paginator.paginate_queryset(queryset, request, self)
        data = self.get_serializer(page, many=True).data
        return self.paginator.get_paginated_response(data, total=queryset.count())


class BySlug(RetrieveAPIView):
    """One record by its slug, or a 404 that names what was not found."""

    lookup_field = "slug"
    noun = "record"

    def get_object(self):
        return get_or_404(self.get_queryset(), self.noun, slug=self.kwargs["slug"])


def _citations():
    return Prefetch("citations", queryset=Citation.objects.select_related("document"))


def _name(request):
    return clean_param(request.query_params.get("name", ""))


NAME = OpenApiParameter("name", str, description="Part of the name (any case)")


class CountryList(KeysetList):
    serializer_class = catalogue.CountrySerializer
    queryset = Country.objects.all()


def _cities():
    networks = Prefetch("memberships", queryset=Membership.objects.select_related("network"))
    return City.objects.for_list().prefetch_related(networks, _citations())


@extend_schema_view(get=extend_schema(parameters=[NAME]))
class CityList(KeysetList):
    serializer_class = catalogue.CitySerializer

    def get_queryset(self):
        # The /cities/ page's filter and order.
        return _cities().named(_name(self.request)).order_by("country__name", "name", "pk")


class CityDetail(BySlug):
    serializer_class = catalogue.CitySerializer
    noun = "city"

    def get_queryset(self):
        return _cities()


def _organisations():
    return Organisation.objects.for_list().prefetch_related(_citations())


@extend_schema_view(
    get=extend_schema(
        parameters=[
            NAME,
            OpenApiParameter("kind", str, enum=Organisation.Kind.values, description="Kind"),
        ]
    )
)
class OrganisationList(KeysetList):
    serializer_class = catalogue.OrganisationSerializer

    def get_queryset(self):
        kind = clean_param(self.request.query_params.get("kind", ""))
        if kind and kind not in Organisation.Kind.values:
            raise ParseError(
                f"Unknown kind {kind[:40]!r}: one of {', '.join(Organisation.Kind.values)}."
            )
        return _organisations().matching(_name(self.request), kind).order_by("name", "pk")


class OrganisationDetail(BySlug):
    serializer_class = catalogue.OrganisationSerializer
    noun = "organisation"

    def get_queryset(self):
        return _organisations()


class NetworkList(KeysetList):
    serializer_class = catalogue.NetworkSerializer
    queryset = Network.objects.for_list()


class NetworkDetail(BySlug):
    serializer_class = catalogue.NetworkDetailSerializer
    noun = "network"

    def get_queryset(self):
        members = Membership.objects.select_related("city", "organisation").prefetch_related(
            _citations()
        )
        return Network.objects.prefetch_related(
            Prefetch("memberships", queryset=members), _citations()
        )


def vocabulary_list(model, param):
    class VocabularyList(KeysetList):
        serializer_class = catalogue.vocabulary_serializer(model, param)
        queryset = model.objects.with_practice_counts()

    VocabularyList.__name__ = f"{model.__name__}List"
    return VocabularyList


ThemeList = vocabulary_list(Theme, "theme")
TargetGroupList = vocabulary_list(TargetGroup, "target_group")
FundingSourceList = vocabulary_list(FundingSource, "funding")


class SourceList(KeysetList):
    serializer_class = catalogue.SourceSerializer
    queryset = SourceDocument.objects.all()


def _benchmarks():
    return Benchmark.objects.for_detail()


class BenchmarkList(KeysetList):
    serializer_class = catalogue.BenchmarkSerializer

    def get_queryset(self):
        return _benchmarks()


class BenchmarkDetail(BySlug):
    serializer_class = catalogue.BenchmarkSerializer
    noun = "benchmark"

    def get_queryset(self):
        return _benchmarks()


class ContextualFactorList(KeysetList):
    serializer_class = catalogue.ContextualFactorSerializer
    queryset = ContextualFactor.objects.prefetch_related(_citations())


def _assessments(user):
    # Supporting practices as the caller may see them: drafts only for staff.
    return Assessment.objects.with_ratings(user).prefetch_related(
        "answers__question", "context_notes__contextual_factor"
    )


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter("city", str, description="City slug"),
            OpenApiParameter("benchmark", str, description="Benchmark slug"),
        ]
    )
)
class AssessmentList(KeysetList):
    """Cities' VALUES self-assessments, newest first. They are public, as on the city
    pages; synthetic demonstration data says so."""

    serializer_class = catalogue.AssessmentSerializer

    def get_queryset(self):
        assessments = _assessments(self.request.user)
        for param, field in (("city", "city__slug"), ("benchmark", "benchmark__slug")):
            value = clean_param(self.request.query_params.get(param, ""))
            if value:
                assessments = assessments.filter(**{field: value})
        return assessments.latest_first()


class AssessmentDetail(RetrieveAPIView):
    serializer_class = catalogue.AssessmentSerializer

    def get_object(self):
        return get_or_404(_assessments(self.request.user), "assessment", pk=self.kwargs["pk"])
