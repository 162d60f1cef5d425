"""Which language a record's text is shown in, for the `lang` attribute and the note.

A translated field (modeltranslation) shows the page language's text, or the English
original where no curator translated it. Readers and screen readers must know which:
`{% lang_attr practice "summary" %}` writes ` lang="en"` on a block shown in English
on a page in another language, and `{% translation_note practice %}` says so in words.
Reads the fields already loaded: no query.
"""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language
from modeltranslation.manager import get_translatable_fields_for_model
from modeltranslation.utils import build_localized_fieldname

register = template.Library()


def _page_language():
    language = (get_language() or "").split("-")[0]
    return language if language in settings.MODELTRANSLATION_LANGUAGES else None


def fallback_language(record, fields=()):
    """The original's language if any of `fields` (all translated ones if none given)
    shows the original's text on this page, else None."""
    original = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    page = _page_language()
    if record is None or page in (None, original):
        return None
    names = fields or get_translatable_fields_for_model(type(record)) or ()
    for name in names:
        if getattr(record, build_localized_fieldname(name, original), None) and not getattr(
            record, build_localized_fieldname(name, page), None
        ):
            return original
    return None


@register.simple_tag
def lang_attr(record, *fields):
    """` lang="en"` where these fields show the English original on another language's
    page; nothing where they are in the page's language."""
    language = fallback_language(record, fields)
    return format_html(' lang="{}"', language) if language else ""


@register.inclusion_tag("includes/translation_note.html")
def translation_note(record, *fields):
    return {"untranslated": fallback_language(record, fields) is not None}
