"""Admin pieces every curated model shares: edit history and source citations."""

from django.contrib.contenttypes.admin import GenericTabularInline
from reversion.admin import VersionAdmin

from .models import Citation


class CitationInline(GenericTabularInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["document"]
    fields = ["document", "section", "page"]


class CuratedAdmin(VersionAdmin):
    """History (who, when, what) and revert for every change, via django-reversion."""

    history_latest_first = True
    list_per_page = 50
