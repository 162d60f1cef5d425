"""Which practice and vocabulary fields curators translate (django-modeltranslation).

modeltranslation adds a column per language (title_en, title_fr...) when this module is
imported by its AppConfig.ready(). The edit history is registered here, after that: a
registration made in models.py would list the fields as they were before, so a version
would hold no title_fr and a revert would set it to NULL (django-reversion #684).
"""

import reversion
from modeltranslation.translator import TranslationOptions, register

from .models import FundingSource, Practice, TargetGroup, Theme

PRACTICE_TEXT = (
    "title",
    "summary",
    "context",
    "how_it_works",
    "results",
    "beneficiaries",
    "funding",
    "transferability",
)


class VocabularyOptions(TranslationOptions):
    fields = ("name", "description")
    # The English original is required where the field is; translations never are.
    required_languages = {"en": ("name",)}


@register(Theme)
class ThemeOptions(VocabularyOptions):
    pass


@register(TargetGroup)
class TargetGroupOptions(VocabularyOptions):
    pass


@register(FundingSource)
class FundingSourceOptions(VocabularyOptions):
    pass


@register(Practice)
class PracticeOptions(TranslationOptions):
    fields = PRACTICE_TEXT
    required_languages = {"en": ("title", "summary")}


reversion.register(Theme)
reversion.register(TargetGroup)
reversion.register(FundingSource)
# A practice's version holds its M2M links (themes, partners, contacts...), tags through
# taggit's items, its citations and the factors it illustrates, and every language's text.
# The search documents are derived, never curated: a revert leaves them out, and the save
# signal rebuilds them from the reverted text (an old, empty one would hide the practice).
reversion.register(
    Practice,
    follow=("citations", "illustrations", "tagged_items"),
    exclude=(
        "search_document",
        "search_stems",
    ),
)
