"""How a facet names the values each practice is counted under (its keys) and what
they are called (its vocabulary). facet_index.py writes both into its tables.

A facet's `keys(ids)` is a query of (practice id, ref) pairs for the practices in
`ids` (a subquery, or None for all): ref is the value's primary key as text, or the
choice itself. `vocabulary(refs)` names them: [(ref, value, label)].
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import CharField, F
from django.db.models.functions import Cast
from django.utils import translation

from .models import Practice

TEXT = CharField()


def practice_rows():
    """Practices for key queries. modeltranslation's values_list() selects its columns in
    set order (it adds fallback columns), and these pairs are read by position in raw SQL
    (INSERT ... SELECT, UNION): its rewriting is off here, where nothing is translated."""
    return Practice.objects.rewrite(False)


def of_ids(queryset, column, ids):
    return queryset.filter(**{f"{column}__in": ids}) if ids is not None else queryset


def column_keys(column):
    """A practice's own column (kind, status) or one reached through a foreign key."""

    def keys(ids):
        rows = of_ids(practice_rows().filter(**{f"{column}__isnull": False}), "pk", ids)
        return rows.annotate(pid=F("pk"), ref=Cast(column, TEXT)).values_list("pid", "ref")

    return keys


def link_keys(model, practice_column, ref_column, **extra):
    """A link table's rows: M2M through tables, taggit's items, illustrations. `extra`
    may be callables, called at key time (a content type needs the database)."""

    def keys(ids):
        fixed = {k: v() if callable(v) else v for k, v in extra.items()}
        rows = of_ids(model.objects.filter(**fixed), practice_column, ids)
        rows = rows.annotate(pid=F(practice_column), ref=Cast(ref_column, TEXT))
        return rows.values_list("pid", "ref")

    return keys


@dataclass(frozen=True)
class ModelVocabulary:
    """Values that are records (themes, cities): ref is the primary key."""

    model: type
    key: str = "slug"
    field: str = "name"
    fmt: Callable | None = None

    def __call__(self, refs=None):
        rows = self.model._default_manager.all()
        if refs is not None:
            rows = rows.filter(pk__in=list(refs))
        fmt = self.fmt or (lambda key, label: label)
        # Stored labels are the English originals, whoever's request wrote them; pages
        # show them in their own language (browse.py relabels translated vocabularies).
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            return [
                (str(pk), key, fmt(key, label))
                for pk, key, label in rows.values_list("pk", self.key, self.field).order_by()
            ]


@dataclass(frozen=True)
class ChoiceVocabulary:
    choices: tuple
    model = None

    def __call__(self, refs=None):
        # Stored in the source language whatever the request's: the page relabels.
        with translation.override(settings.LANGUAGE_CODE):
            return [(v, v, str(label)) for v, label in self.choices if refs is None or v in refs]

    def relabel(self, value, stored):
        """The choice's label in the active language (the stored one is English)."""
        return str(dict(self.choices).get(value, stored))
