from django.http import Http404
from django.utils.translation import gettext_lazy as _

# One sentence per kind of record: a noun slotted into a sentence cannot take its
# gender and article in French, German, Spanish or Italian.
NOT_FOUND = {
    "city": _("No city has the address %(value)s."),
    "organisation": _("No organisation has the address %(value)s."),
    "network": _("No network has the address %(value)s."),
    "benchmark": _("No benchmark has the address %(value)s."),
    "practice": _("No practice has the address %(value)s."),
    "source document": _("No source document has the address %(value)s."),
    "assessment": _("No assessment has the address %(value)s."),
}


class NotFound(Http404):
    """A 404 whose message is written for visitors (the 404 page shows it); Django's own
    Http404s (resolver, get_object_or_404) name internals and are not shown."""


def get_or_404(queryset, noun, **lookup):
    """The one record `lookup` finds in `queryset`, or a 404 page that says what was not
    found ("No city has the address 'atlantis'."), in the portal's style."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        value = next(iter(lookup.values()), "")
        template = NOT_FOUND.get(noun)
        if template is None:
            raise NotFound(f"No {noun} has the address {value!r}.") from None
        raise NotFound(template % {"value": repr(value)}) from None
