import reversion
from django.contrib import admin, messages

from portal.export import export_rows
from sources.admin_base import CitationInline, CuratedAdmin

from .exports import PRACTICE_COLUMNS
from .models import FundingSource, Practice, TargetGroup, Theme


class VocabularyAdmin(CuratedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(Theme, VocabularyAdmin)
admin.site.register(TargetGroup, VocabularyAdmin)
admin.site.register(FundingSource, VocabularyAdmin)


@admin.register(Practice)
class PracticeAdmin(CuratedAdmin):
    list_display = [
        "title",
        "city",
        "lead_organisation",
        "kind",
        "status",
        "start_year",
        "is_published",
    ]
    list_filter = ["is_published", "kind", "status", "themes", "city__country"]
    list_select_related = ["city__country", "lead_organisation"]
    search_fields = ["title", "slug", "summary", "city__name", "lead_organisation__name"]
    autocomplete_fields = [
        "city",
        "lead_organisation",
        "partners",
        "contacts",
        "themes",
        "target_groups",
        "funding_sources",
    ]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CitationInline]
    actions = ["publish", "unpublish", "export_csv"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "is_published", "city", "lead_organisation", "partners"]},
        ),
        (
            "The practice",
            {
                "fields": [
                    "summary",
                    "context",
                    "how_it_works",
                    "results",
                    "beneficiaries",
                    "funding",
                    "transferability",
                ]
            },
        ),
        ("When", {"fields": ["start_year", "end_year", "status"]}),
        (
            "Classification",
            {"fields": ["kind", "themes", "target_groups", "funding_sources", "tags"]},
        ),
        ("Links and contacts", {"fields": ["links", "contacts"]}),
    ]

    def _set_published(self, request, queryset, published):
        # Saved one by one inside a revision, not with update(), so that each change is
        # in the history with who made it and can be reverted like any other edit.
        # A revision per practice, so that reverting one never reverts the others.
        changed = 0
        for practice in queryset.filter(is_published=not published):
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment("Published" if published else "Unpublished")
                practice.is_published = published
                practice.save(update_fields=["is_published", "updated"])
            changed += 1
        verb = "published" if published else "unpublished"
        self.message_user(request, f"{changed} practice(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Publish the selected practices", permissions=["change"])
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description="Export the selected practices as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        # The same columns and code as the public export, drafts included.
        return export_rows(
            request,
            queryset=queryset.order_by("title", "pk"),
            columns=PRACTICE_COLUMNS,
            name="practices-selection",
            filters={"admin_selection": "1"},
        )

    @admin.action(description="Unpublish the selected practices", permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)
