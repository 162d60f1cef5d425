"""The cities app's choice lists and fixed sentences, kept apart so that models.py stays
within its size."""

from django.db import models
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

# Said by Membership.clean() and by its check constraint alike.
MEMBERSHIP_RULE = _("A membership is for a city or an organisation, not both.")

# What the fixtures call members and how they qualify a total: the interface says them
# in the page's language; a word not listed here shows as stored.
MEMBER_NOUNS = {"members": _("members"), "cities": _("cities"), "signatories": _("signatories")}
QUALIFIERS = {"more than": _("more than"), "over": _("over")}


class OrganisationKind(models.TextChoices):
    """What an organisation is (Organisation.Kind); the browser's "Led by" facet."""

    MUNICIPAL = "municipal", _("Municipal department or city council")
    REGIONAL = "regional-government", _("Regional government")
    NATIONAL = "national-government", _("National government")
    PUBLIC_AGENCY = "public-agency", _("Public agency")
    NGO = "ngo", _("NGO or association")
    FOUNDATION = "foundation", _("Foundation")
    INTERNATIONAL = "international", _("International organisation")
    CITY_NETWORK = "city-network", _("City network")
    RESEARCH = "research", _("Research institute or university")
    EDUCATION = "education", _("School or education provider")
    COMPANY = "company", _("Company")
    MIGRANT_ORGANISATION = "migrant-organisation", _("Migrant or community organisation")
    RELIGIOUS = "religious", _("Faith-based organisation")
    OTHER = "other", _("Other")


def coverage(named, stated_total, qualifier, noun):
    """How many members the sources name against the total they state, as a sentence."""
    noun = str(MEMBER_NOUNS.get(noun, noun))
    if stated_total is None:
        return gettext_now("%(named)s %(noun)s named in the sources; they state no total") % {
            "named": named,
            "noun": noun,
        }
    qualifier = str(QUALIFIERS.get(qualifier, qualifier))
    total = f"{qualifier} {stated_total}".strip()
    return gettext_now("%(named)s of %(total)s %(noun)s named in the sources") % {
        "named": named,
        "total": total,
        "noun": noun,
    }
