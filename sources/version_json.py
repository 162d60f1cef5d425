"""Django's JSON serialisation, reading versions saved before content translations.

django-reversion stores each version as JSON and reverts by deserialising it. A version
saved before the translation migration holds `title` but no `title_en` or `title_fr`;
read as is, every missing column would be saved empty, and a revert to it would wipe
the English text and every translation made since. Here, before Django builds the
object, a missing English column takes the version's own `title` (the English original
then), and a missing other language keeps the record's current text. Only old versions
miss columns, so current ones cost nothing; an old one costs one query to read them.

Installed as the "json" format (settings.SERIALIZATION_MODULES), so that the versions
already stored, whose format says "json", are read through it.
"""

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import Deserializer as JSONDeserializer
from django.core.serializers.json import Serializer  # noqa: F401  (the format's writer)
from modeltranslation.manager import get_translatable_fields_for_model
from modeltranslation.utils import build_localized_fieldname


def complete_translations(obj):
    """Fill the per-language fields a serialised object lacks (see the module's doc)."""
    try:
        model = apps.get_model(obj["model"])
    except (KeyError, LookupError, ValueError):
        return
    fields = obj.get("fields", {})
    current = []
    for name in get_translatable_fields_for_model(model) or ():
        if name not in fields:
            continue
        for lang in settings.MODELTRANSLATION_LANGUAGES:
            column = build_localized_fieldname(name, lang)
            if column in fields:
                continue
            if lang == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
                fields[column] = fields[name]
            else:
                current.append(column)
    if current:
        now = model._default_manager.filter(pk=obj.get("pk")).values(*current).first() or {}
        fields.update({column: now.get(column) for column in current})


class Deserializer(JSONDeserializer):
    def _handle_object(self, obj):
        complete_translations(obj)
        yield from super()._handle_object(obj)
