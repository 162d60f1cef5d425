from django.contrib import admin

from sources.admin_base import CitationInline, CuratedAdmin, TranslatedCuratedAdmin
from sources.admin_verify import StaleFilter, VerifiedAdminMixin

from .models import City, Contact, Country, Membership, Network, Organisation


@admin.register(Country)
class CountryAdmin(TranslatedCuratedAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["network", "city", "organisation"]


class ContactInline(admin.StackedInline):
    model = Contact
    extra = 0
    autocomplete_fields = ["organisation", "city"]
    fields = ["key", "name", "role", "email", "phone", "address", "is_public"]
    prepopulated_fields = {"key": ["name"]}


@admin.register(City)
class CityAdmin(TranslatedCuratedAdmin):
    list_display = ["name", "country", "population", "population_year"]
    list_filter = ["country"]
    list_select_related = ["country"]
    search_fields = ["name", "slug", "region"]
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, CitationInline]


@admin.register(Organisation)
class OrganisationAdmin(VerifiedAdminMixin, TranslatedCuratedAdmin):
    list_display = ["name", "kind", "city", "country", "last_verified_on"]
    list_filter = ["kind", "country", StaleFilter]
    actions = ["mark_verified"]
    list_select_related = ["city__country", "country"]
    search_fields = ["name", "slug", "description"]
    autocomplete_fields = ["city", "country"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ContactInline, MembershipInline, CitationInline]


@admin.register(Network)
class NetworkAdmin(TranslatedCuratedAdmin):
    list_display = ["name", "slug", "website"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, CitationInline]


@admin.register(Membership)
class MembershipAdmin(CuratedAdmin):
    list_display = ["network", "city", "organisation", "role", "since"]
    list_filter = ["network"]
    list_select_related = ["network", "city__country", "organisation"]
    search_fields = ["network__name", "city__name", "organisation__name", "role"]
    autocomplete_fields = ["network", "city", "organisation"]
    inlines = [CitationInline]


@admin.register(Contact)
class ContactAdmin(VerifiedAdminMixin, CuratedAdmin):
    list_display = [
        "name",
        "role",
        "organisation",
        "city",
        "email",
        "is_public",
        "last_verified_on",
    ]
    list_filter = ["is_public", "city__country", StaleFilter]
    actions = ["mark_verified"]
    list_select_related = ["organisation", "city__country"]
    search_fields = ["name", "role", "email", "organisation__name", "city__name"]
    autocomplete_fields = ["organisation", "city"]
    prepopulated_fields = {"key": ["name"]}
    inlines = [CitationInline]
