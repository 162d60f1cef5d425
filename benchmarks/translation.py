"""Which VALUES benchmark, factor and contextual-factor fields curators translate.

Registered with the edit history here, after modeltranslation added the per-language
columns: see practices/translation.py for why not in models.py.
"""

import reversion
from modeltranslation.translator import TranslationOptions, register

from .models import Benchmark, ContextualFactor, Factor


@register(Benchmark)
class BenchmarkOptions(TranslationOptions):
    fields = ("title", "standard", "description")
    # The English title is required, as the field is; translations never are.
    required_languages = {"en": ("title",)}


@register(Factor)
class FactorOptions(TranslationOptions):
    fields = ("title", "statement", "rationale")
    required_languages = {"en": ("title",)}


@register(ContextualFactor)
class ContextualFactorOptions(TranslationOptions):
    fields = ("title", "description", "examples")
    required_languages = {"en": ("title",)}


reversion.register(Benchmark, follow=("citations",))
reversion.register(Factor, follow=("citations", "questions"))
reversion.register(ContextualFactor, follow=("citations",))
