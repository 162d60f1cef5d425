"""Which city, organisation and network fields curators translate (modeltranslation).

Registered with the edit history here, after modeltranslation added the per-language
columns: see practices/translation.py for why not in models.py.
"""

import reversion
from modeltranslation.translator import TranslationOptions, register

from .models import City, Country, Network, Organisation


# Country names are the vocabulary every city, map and country facet shows: "Cesena,
# Italy" on a French page read as a page half in English.
@register(Country)
class CountryOptions(TranslationOptions):
    fields = ("name",)
    required_languages = {"en": ("name",)}


@register(City)
class CityOptions(TranslationOptions):
    fields = ("profile",)


@register(Organisation)
class OrganisationOptions(TranslationOptions):
    fields = ("description",)


# A network's name only where it has an official one in that language (the fixtures
# say which); its English name stands in everywhere else.
@register(Network)
class NetworkOptions(TranslationOptions):
    fields = ("name", "description")
    # The English name is required, as the field is; translations never are.
    required_languages = {"en": ("name",)}


reversion.register(Country)
reversion.register(City, follow=("citations",))
reversion.register(Organisation, follow=("citations",))
reversion.register(Network, follow=("citations", "memberships"))
