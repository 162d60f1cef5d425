from contextlib import ExitStack

from django.contrib import admin, messages
from django.db import router, transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.export import export_rows
from sources.admin_base import CitationInline, TranslatedCuratedAdmin
from sources.admin_verify import StaleFilter, VerifiedAdminMixin

from . import list_cells
from .admin_review import ReviewAdminMixin
from .duplicates import likely_duplicate_ids, similar_to
from .exports import PRACTICE_COLUMNS
from .models import FundingSource, LinkCheck, Practice, TargetGroup, Theme
from .touched import coalesced


class VocabularyAdmin(TranslatedCuratedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(Theme, VocabularyAdmin)
admin.site.register(TargetGroup, VocabularyAdmin)
admin.site.register(FundingSource, VocabularyAdmin)


class DuplicateFilter(admin.SimpleListFilter):
    title = _("likely duplicate")
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes: a similar title in the same city or organisation"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=likely_duplicate_ids())
        return queryset


@admin.register(Practice)
class PracticeAdmin(ReviewAdminMixin, VerifiedAdminMixin, TranslatedCuratedAdmin):
    # The review queue is this list filtered to "In review": who submitted what, when.
    list_display = [
        "title",
        "city",
        "lead_organisation",
        "kind",
        "status",
        "review_state",
        "submitted_by",
        "submitted_at",
        "is_published",
        "last_verified_on",
    ]
    list_filter = [
        "review_state",
        StaleFilter,
        DuplicateFilter,
        "is_published",
        "scope",
        "kind",
        "status",
        "themes",
        "city__country",
    ]
    list_select_related = ["city__country", "lead_organisation", "submitted_by"]
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
    actions = ["submit_for_review", "publish", "unpublish", "mark_verified", "export_csv"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "city", "lead_organisation", "partners"]},
        ),
        (_("Scope and place"), {"fields": ["scope", "country", "region"]}),
        (_("Review"), {"fields": [*ReviewAdminMixin.review_fields, "review_note"]}),
        (_("Verification"), {"fields": VerifiedAdminMixin.verified_fields}),
        (
            _("The practice"),
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
        (_("When"), {"fields": ["start_year", "end_year", "status"]}),
        (
            _("Classification"),
            {"fields": ["kind", "themes", "target_groups", "funding_sources", "tags"]},
        ),
        (_("Links and contacts"), {"fields": ["links", "contacts"]}),
    ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The practice's row, then each list, tag and inline row, are saved apart.
        with self._coalesced_on_post(request):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        with self._coalesced_on_post(request):
            return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        with self._coalesced_on_post(request):
            return super().recover_view(request, version_id, extra_context)

    def _coalesced_on_post(self, request):
        """A save, revert or recovery writes many rows of one practice: its derived rows
        (facet keys, list cells) are rewritten once, at the end, before the transaction
        commits (an outer one: the form's own would commit first). A GET writes nothing
        (a revision's preview is rolled back with its signals muted)."""
        stack = ExitStack()
        if request.method == "POST":
            stack.enter_context(transaction.atomic(using=router.db_for_write(self.model)))
            stack.enter_context(coalesced())
        return stack

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A warning, not a refusal: two similar titles may be two real programmes.
        for other, score in similar_to(obj):
            url = reverse("admin:practices_practice_change", args=[other.pk])
            messages.warning(
                request,
                format_html(
                    gettext(
                        "Possible duplicate in the same city or organisation: "
                        '<a href="{url}">{title}</a> (title similarity {percent}%).'
                    ),
                    url=url,
                    title=other.title,
                    percent=round(score * 100),
                ),
            )

    @admin.action(description=_("Export the selected practices as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        # The same columns and code as the public export, drafts included.
        return export_rows(
            request,
            queryset=queryset.order_by("sort_title", "pk"),
            columns=PRACTICE_COLUMNS,
            name="practices-selection",
            filters={"admin_selection": "1"},
            lists=list_cells.attach,
        )


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    """What `manage.py check_links` found: this page only reads the stored results."""

    list_display = ["url", "ok", "status_code", "error", "checked_at", "used_by"]
    list_filter = ["ok", "status_code"]
    search_fields = ["url", "final_url", "error"]
    readonly_fields = ["url", "ok", "status_code", "final_url", "error", "checked_at"]
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Used by"))
    def used_by(self, obj):
        return format_html('<a href="{}">{}</a>', obj.practices_url(), gettext("practices with it"))
