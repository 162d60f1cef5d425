"""A translated field in SQL, in the active language with the English original standing in.

modeltranslation rewrites `title` in filters, orderings and F() to the active language's
column (title_fr), with no fallback: in French, every untranslated title would be empty
in an export and sort as NULL (django-modeltranslation #286). `Translated("title")` is
COALESCE(NULLIF(title_fr, ''), title_en) instead, and plain title_en in English. The
language is read when the query is compiled, so a module-level column list (the export)
follows each request's language.
"""

from django.conf import settings
from django.db.models import F, Func, TextField, Value
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from modeltranslation.manager import get_translatable_fields_for_model


def _language():
    language = (get_language() or "").split("-")[0]
    return language if language in settings.MODELTRANSLATION_LANGUAGES else None


def active_language():
    """The content language a query made now is in: the active one, else the original."""
    return _language() or settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def localized(path, language=None):
    """The expression for `path` ("title", "themes__name") in `language` (the active one
    if None)."""
    original = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    language = language or _language() or original
    if language == original:
        return F(f"{path}_{original}")
    # Each language's column is a field class of its own (modeltranslation): the type
    # is named, or Django refuses to mix them.
    text = TextField()
    translated = NullIf(F(f"{path}_{language}"), Value(""), output_field=text)
    return Coalesce(translated, F(f"{path}_{original}"), output_field=text)


def _is_translated(model, path):
    *relations, name = path.split(LOOKUP_SEP)
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return name in (get_translatable_fields_for_model(model) or ())


class Translated(Func):
    """localized(path), decided at compile time; the plain field where its model does not
    translate it. Usable in values(), annotate(), order_by() and Meta.ordering."""

    def __init__(self, path, **extra):
        self.path = path
        super().__init__(**extra)

    def resolve_expression(self, query=None, *args, **kwargs):
        model = query.model if query is not None else None
        if model is not None and not _is_translated(model, self.path):
            # A field nobody translates (an organisation's name): itself.
            return F(self.path).resolve_expression(query, *args, **kwargs)
        return localized(self.path).resolve_expression(query, *args, **kwargs)

    def __repr__(self):
        return f"Translated({self.path!r})"
