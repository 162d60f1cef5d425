"""How places, vocabularies and the VALUES content read as JSON."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from benchmarks.assessments.models import Assessment
from benchmarks.models import Benchmark, ContextualFactor, Factor
from cities.models import City, Country, Network, Organisation
from practices.models import Theme
from sources.models import SourceDocument

from .serializers import Citation, CountryRef, PageLink, PracticesLink, Ref


class CountrySerializer(serializers.ModelSerializer):
    practices = PracticesLink("country", key="code")

    class Meta:
        model = Country
        fields = ["code", "name", "practices"]


class CitySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:city", lookup_field="slug")
    page = PageLink()
    country = CountryRef()
    practice_count = serializers.IntegerField(help_text="Published practices in the city")
    networks = serializers.SerializerMethodField()
    practices = PracticesLink("city")
    citations = Citation(many=True)

    class Meta:
        model = City
        fields = [
            "id",
            "slug",
            "url",
            "page",
            "name",
            "country",
            "region",
            "population",
            "population_year",
            "latitude",
            "longitude",
            "profile",
            "practice_count",
            "networks",
            "practices",
            "citations",
        ]

    @extend_schema_field(Ref(many=True))
    def get_networks(self, city):
        # Prefetched memberships (with their network), so no query per city.
        return [{"slug": m.network.slug, "name": m.network.name} for m in city.memberships.all()]


class OrganisationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:organisation", lookup_field="slug")
    page = PageLink()
    city = Ref(allow_null=True)
    country = serializers.SerializerMethodField(help_text="ISO 3166-1 alpha-2")
    led_practices = serializers.IntegerField(source="led_count")
    partner_practices = serializers.IntegerField(source="partner_count")
    practices = PracticesLink("organisation")
    citations = Citation(many=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "slug",
            "url",
            "page",
            "name",
            "kind",
            "city",
            "country",
            "website",
            "description",
            "led_practices",
            "partner_practices",
            "practices",
            "citations",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_country(self, organisation):
        # Where it is based: its own country, else its city's (as the CSV export says).
        if organisation.country_id:
            return organisation.country_id
        return organisation.city.country_id if organisation.city_id else None


class Member(serializers.Serializer):
    kind = serializers.SerializerMethodField()
    slug = serializers.SlugField(source="member.slug")
    name = serializers.CharField(source="member.name")
    role = serializers.CharField()
    since = serializers.IntegerField(allow_null=True)
    citations = Citation(many=True)

    @extend_schema_field(serializers.ChoiceField(["city", "organisation"]))
    def get_kind(self, membership):
        return "city" if membership.city_id else "organisation"


class NetworkSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:network", lookup_field="slug")
    page = PageLink()
    coverage = serializers.CharField(source="coverage_text")
    practices = PracticesLink("network")

    class Meta:
        model = Network
        fields = [
            "id",
            "slug",
            "url",
            "page",
            "name",
            "description",
            "website",
            "stated_total",
            "coverage",
            "practices",
        ]


class NetworkDetailSerializer(NetworkSerializer):
    members = Member(many=True, source="memberships")
    citations = Citation(many=True)

    class Meta(NetworkSerializer.Meta):
        fields = [*NetworkSerializer.Meta.fields, "members", "citations"]


def vocabulary_serializer(model, param):
    """A controlled list (themes, target groups, funding sources) and its link."""

    class VocabularySerializer(serializers.ModelSerializer):
        practice_count = serializers.IntegerField(
            help_text="Published initiatives and strategies (what the browser shows)"
        )
        practices = PracticesLink(param)

        class Meta:
            fields = ["slug", "name", "description", "practice_count", "practices"]

    VocabularySerializer.Meta.model = model
    VocabularySerializer.__name__ = f"{model.__name__}Serializer"
    return VocabularySerializer


ThemeSerializer = vocabulary_serializer(Theme, "theme")


class SourceSerializer(serializers.ModelSerializer):
    page = PageLink()
    date = serializers.CharField(source="when", help_text="ISO date, or as approximate text")
    practices = PracticesLink("source", key="key")

    class Meta:
        model = SourceDocument
        fields = ["key", "page", "title", "publisher", "date", "place", "kind", "url", "practices"]


class Illustration(serializers.Serializer):
    slug = serializers.SlugField(source="practice.slug")
    title = serializers.CharField(source="practice.title")
    note = serializers.CharField()


class FactorSerializer(serializers.ModelSerializer):
    questions = serializers.SlugRelatedField(many=True, read_only=True, slug_field="text")
    practices = Illustration(
        many=True, source="illustrations", help_text="Published practices that illustrate it"
    )

    class Meta:
        model = Factor
        fields = ["code", "title", "statement", "rationale", "questions", "practices"]


class BenchmarkSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:benchmark", lookup_field="slug")
    page = PageLink()
    factors = FactorSerializer(many=True)
    citations = Citation(many=True)

    class Meta:
        model = Benchmark
        fields = [
            "slug",
            "url",
            "page",
            "code",
            "title",
            "standard",
            "description",
            "factors",
            "citations",
        ]


class ContextualFactorSerializer(serializers.ModelSerializer):
    page = PageLink()
    examples = serializers.ListField(child=serializers.CharField(), source="example_list")
    citations = Citation(many=True)

    class Meta:
        model = ContextualFactor
        fields = ["slug", "page", "title", "description", "examples", "citations"]


class PracticeRef(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class Rating(serializers.Serializer):
    factor = serializers.CharField(source="factor.code")
    rating = serializers.IntegerField(allow_null=True, help_text="0 to 3, null if not rated")
    label = serializers.CharField(source="get_rating_display", allow_null=True)
    evidence = serializers.CharField()
    practices = PracticeRef(many=True, help_text="Supporting practices (published ones)")


class Answer(serializers.Serializer):
    question = serializers.CharField(source="question.text")
    answer = serializers.CharField(help_text="Empty: skipped")


class ContextNote(serializers.Serializer):
    contextual_factor = serializers.SlugField(source="contextual_factor.slug")
    effect = serializers.CharField()
    note = serializers.CharField()


class AssessmentSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:assessment")
    page = PageLink()
    city = Ref()
    benchmark = serializers.SlugField(source="benchmark.slug")
    synthetic = serializers.BooleanField(
        source="is_synthetic", help_text="Made-up demonstration data"
    )
    author = serializers.CharField(source="author_label", help_text="Who recorded it, if known")
    ratings = Rating(many=True)
    answers = Answer(many=True)
    context_notes = ContextNote(many=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "url",
            "page",
            "city",
            "benchmark",
            "date",
            "synthetic",
            "author",
            "ratings",
            "answers",
            "context_notes",
        ]
