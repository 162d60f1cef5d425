from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from practices.admin import PracticeAdmin
from practices.models import Practice
from sources.admin_base import CitationInline, CuratedAdmin, TranslatedCuratedAdmin

from .assessments.models import (
    Assessment,
    CityEditor,
    ContextNote,
    FactorRating,
    QuestionAnswer,
)
from .models import (
    Benchmark,
    ContextualFactor,
    Factor,
    GuidedQuestion,
    Illustration,
)


class FactorInline(admin.StackedInline):
    model = Factor
    extra = 0
    fields = ["code", "title", "order"]
    show_change_link = True


@admin.register(Benchmark)
class BenchmarkAdmin(TranslatedCuratedAdmin):
    list_display = ["title", "code", "order"]
    search_fields = ["title", "code", "standard"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [FactorInline, CitationInline]


class GuidedQuestionInline(admin.TabularInline):
    model = GuidedQuestion
    extra = 0


class IllustrationInline(admin.TabularInline):
    model = Illustration
    extra = 0
    autocomplete_fields = ["practice"]


@admin.register(Factor)
class FactorAdmin(TranslatedCuratedAdmin):
    list_display = ["code", "title", "benchmark", "order"]
    list_filter = ["benchmark"]
    list_select_related = ["benchmark"]
    search_fields = ["code", "title", "statement"]
    autocomplete_fields = ["benchmark"]
    inlines = [GuidedQuestionInline, IllustrationInline, CitationInline]


@admin.register(GuidedQuestion)
class GuidedQuestionAdmin(CuratedAdmin):
    list_display = ["text", "factor", "order"]
    list_filter = ["factor__benchmark"]
    list_select_related = ["factor"]
    search_fields = ["text"]
    autocomplete_fields = ["factor"]


@admin.register(ContextualFactor)
class ContextualFactorAdmin(TranslatedCuratedAdmin):
    list_display = ["title", "order"]
    search_fields = ["title", "description", "examples"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CitationInline]


@admin.register(Illustration)
class IllustrationAdmin(CuratedAdmin):
    list_display = ["practice", "factor"]
    list_filter = ["factor"]
    list_select_related = ["practice", "factor"]
    search_fields = ["practice__title", "factor__code", "note"]
    autocomplete_fields = ["practice", "factor"]


@admin.register(CityEditor)
class CityEditorAdmin(CuratedAdmin):
    """Who may write a city's assessments. Superusers only: it grants a user rights."""

    list_display = ["user", "city"]
    list_filter = ["city__country"]
    list_select_related = ["user", "city__country"]
    search_fields = ["user__username", "user__email", "city__name"]
    autocomplete_fields = ["user", "city"]


class FactorRatingInline(admin.StackedInline):
    model = FactorRating
    extra = 0
    autocomplete_fields = ["factor", "practices"]


class QuestionAnswerInline(admin.TabularInline):
    model = QuestionAnswer
    extra = 0
    autocomplete_fields = ["question"]


class ContextNoteInline(admin.TabularInline):
    model = ContextNote
    extra = 0
    autocomplete_fields = ["contextual_factor"]


@admin.register(Assessment)
class AssessmentAdmin(CuratedAdmin):
    """Admins may correct assessments here; city editors use the portal's form."""

    list_display = ["city", "benchmark", "date", "author", "is_synthetic"]
    list_filter = ["benchmark", "is_synthetic", "city__country"]
    list_select_related = ["city__country", "benchmark", "author"]
    search_fields = ["city__name", "author__username"]
    autocomplete_fields = ["city", "author"]
    date_hierarchy = "date"
    inlines = [FactorRatingInline, QuestionAnswerInline, ContextNoteInline]


class IllustrationInline(admin.TabularInline):
    model = Illustration
    extra = 0
    autocomplete_fields = ["factor"]
    verbose_name = _("VALUES factor illustrated")
    verbose_name_plural = _("VALUES factors illustrated")


# Practices sit below benchmarks and know nothing of factors, so the factors a practice
# illustrates join its admin page from here (admin.py files load in INSTALLED_APPS order).
admin.site.unregister(Practice)


@admin.register(Practice)
class PracticeWithFactorsAdmin(PracticeAdmin):
    inlines = [*PracticeAdmin.inlines, IllustrationInline]
