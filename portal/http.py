from django.http import Http404


def get_or_404(queryset, noun, **lookup):
    """The one record `lookup` finds in `queryset`, or a 404 page that says what was not
    found ("No city has the address 'atlantis'."), in the portal's style."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        value = next(iter(lookup.values()), "")
        raise Http404(f"No {noun} has the address {value!r}.") from None
