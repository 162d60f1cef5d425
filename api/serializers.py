"""How records read as JSON: practices here, places and the VALUES content beside.

Every serializer reads only what its list's queryset selects or prefetches (see the
views), so a page costs the same number of queries whatever its size.
"""

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from practices.models import Practice


class Ref(serializers.Serializer):
    """A record named by another: its stable slug and its name."""

    slug = serializers.SlugField()
    name = serializers.CharField()


class CountryRef(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 3166-1 alpha-2")
    name = serializers.CharField()


class Citation(serializers.Serializer):
    document = serializers.CharField(source="document.key", help_text="Source document key")
    title = serializers.CharField(source="document.title")
    section = serializers.CharField()
    page = serializers.CharField()


@extend_schema_field(OpenApiTypes.URI)
class PageLink(serializers.Field):
    """The absolute address of the record's page on the portal."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "The record's page on the portal")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


@extend_schema_field(OpenApiTypes.URI)
class PracticesLink(serializers.Field):
    """The API's practice list filtered to this record: `/api/v1/practices/?city=...`."""

    def __init__(self, param, key="slug", **kwargs):
        self.param, self.key = param, key
        kwargs.setdefault("help_text", f"The practice list filtered by {param}")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        query = urlencode({self.param: getattr(value, self.key)})
        url = f"{reverse('api:practices')}?{query}"
        return self.context["request"].build_absolute_uri(url)


class PracticeSerializer(serializers.ModelSerializer):
    """A practice in a list: what the browser's result list shows, and more."""

    url = serializers.HyperlinkedIdentityField(view_name="api:practice", lookup_field="slug")
    page = PageLink()
    city = Ref(allow_null=True)
    country = CountryRef(source="city.country", allow_null=True)
    lead_organisation = Ref(allow_null=True)
    themes = Ref(many=True)
    published = serializers.BooleanField(source="is_published")

    class Meta:
        model = Practice
        fields = [
            "id",
            "slug",
            "url",
            "page",
            "title",
            "kind",
            "city",
            "country",
            "lead_organisation",
            "themes",
            "start_year",
            "end_year",
            "status",
            "summary",
            "published",
            "created",
            "updated",
        ]


class Contact(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()


class FactorLink(serializers.Serializer):
    """A VALUES factor the practice illustrates, and how."""

    code = serializers.CharField(source="factor.code")
    title = serializers.CharField(source="factor.title")
    benchmark = serializers.SlugField(source="factor.benchmark.slug")
    note = serializers.CharField()


class PracticeDetailSerializer(PracticeSerializer):
    target_groups = Ref(many=True)
    funding_sources = Ref(many=True)
    tags = Ref(many=True)
    partners = Ref(many=True)
    contacts = Contact(many=True, help_text="Public contacts only")
    links = serializers.ListField(
        child=serializers.URLField(), source="link_list", help_text="http(s) and mailto only"
    )
    factors = FactorLink(many=True, source="illustrations")
    citations = Citation(many=True)

    class Meta(PracticeSerializer.Meta):
        fields = [
            *PracticeSerializer.Meta.fields,
            "context",
            "how_it_works",
            "results",
            "beneficiaries",
            "funding",
            "transferability",
            "target_groups",
            "funding_sources",
            "tags",
            "partners",
            "contacts",
            "links",
            "factors",
            "citations",
        ]


class FacetValue(serializers.Serializer):
    value = serializers.CharField(help_text="What to pass in the facet's parameter")
    label = serializers.CharField()
    count = serializers.IntegerField(help_text="Matches if this value were ticked (OR)")
    selected = serializers.BooleanField()


class Facet(serializers.Serializer):
    name = serializers.CharField(help_text="The query parameter")
    label = serializers.CharField()
    values = FacetValue(many=True)


class PracticePage(serializers.Serializer):
    """The practice list: one page of results, with the browser's counts and notices."""

    total = serializers.IntegerField(help_text="Practices matching the filters")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    sort = serializers.CharField(help_text="The order in force")
    filters = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Filters applied, unknown values dropped, defaults included",
    )
    notices = serializers.ListField(
        child=serializers.CharField(), help_text="What was ignored, and why"
    )
    facets = Facet(many=True, required=False, help_text="Left out with facets=0")
    results = PracticeSerializer(many=True)
