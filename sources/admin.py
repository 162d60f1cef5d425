from django.contrib import admin

from .admin_base import CuratedAdmin
from .models import Citation, SourceDocument


@admin.register(SourceDocument)
class SourceDocumentAdmin(CuratedAdmin):
    list_display = ["title", "key", "kind", "date", "date_text", "place"]
    list_filter = ["kind"]
    search_fields = ["title", "key", "publisher", "place"]
    prepopulated_fields = {"key": ["title"]}


@admin.register(Citation)
class CitationAdmin(CuratedAdmin):
    list_display = ["document", "section", "page", "content_type", "object_id"]
    list_filter = ["document", "content_type"]
    list_select_related = ["document", "content_type"]
    search_fields = ["section", "document__title"]
    autocomplete_fields = ["document"]
