"""The curator's dashboard at the top of the admin index: what needs a curator now,
each count a link to the admin list it counts."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from cities.models import Contact, Organisation
from portal.verification import stale_q

from ..duplicates import likely_pairs
from ..models import LinkCheck, Practice, ReviewState

register = template.Library()


def _link(name, **params):
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def _rows():
    practices = "admin:practices_practice_changelist"
    return [
        (
            _("Drafts awaiting review"),
            Practice.objects.filter(review_state=ReviewState.IN_REVIEW).count(),
            _link(practices, review_state__exact=ReviewState.IN_REVIEW),
        ),
        (
            _("Practices that may be out of date"),
            Practice.objects.filter(stale_q()).count(),
            _link(practices, stale="yes"),
        ),
        (
            _("Organisations that may be out of date"),
            Organisation.objects.filter(stale_q()).count(),
            _link("admin:cities_organisation_changelist", stale="yes"),
        ),
        (
            _("Contacts that may be out of date"),
            Contact.objects.filter(stale_q()).count(),
            _link("admin:cities_contact_changelist", stale="yes"),
        ),
        (
            _("Broken links"),
            LinkCheck.objects.broken().count(),
            _link("admin:practices_linkcheck_changelist", ok__exact="0"),
        ),
        (
            _("Likely duplicate practices (pairs)"),
            len(likely_pairs()),
            _link(practices, duplicate="yes"),
        ),
    ]


@register.inclusion_tag("admin/curation_dashboard.html", takes_context=True)
def curation_dashboard(context):
    request = context.get("request")
    if request is None or not request.user.has_perm("practices.view_practice"):
        return {"rows": []}
    return {"rows": _rows()}
