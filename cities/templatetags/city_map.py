"""A map's markers and its list of places as HTML (templates/includes/map.html).

A browser page draws 100 cities twice, once as a marker and once in the list: drawn by
the template language (a dozen lookups, escapes and a plural each), they cost 11 ms of
an 80 ms page; here about 2. join_html escapes every part; the sentences are the
msgids the template used ({% blocktranslate %}), so the catalogues keep them.
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from portal.markup import join_html
from portal.text import practice_count

register = template.Library()

MARKER = (
    '<a class="marker{0}" href="{1}" aria-label="{2}"{3}><title>{2}</title>'
    '<circle cx="{4}" cy="{5}" r="{6}"/></a>\n'
)
CURRENT = mark_safe(' aria-current="page"')
NONE = ""


@register.simple_tag
def map_markers(city_map):
    """Each drawn city as a link around its circle, named "City, Country: N practices"."""
    return join_html(
        MARKER,
        (
            (
                " current" if place.current else NONE,
                place.url,
                place.label,
                CURRENT if place.current else NONE,
                place.x,
                place.y,
                place.r,
            )
            for place in city_map.markers
        ),
    )


ITEM = '<li><a href="{0}"{1}>{2}</a>, {3}: {4}{5}</li>\n'


@register.simple_tag
def map_list(city_map):
    """Each place as a list item: its link, country and count, and why it is not drawn
    when it is not."""
    return join_html(ITEM, (_item(place) for place in city_map.places))


def _item(place):
    why = "" if place.on_map else " " + gettext("(not on the map: %(why)s)")
    return (
        place.url,
        CURRENT if place.current else NONE,
        place.name,
        place.country,
        practice_count(place.count),
        why % {"why": place.why_not_on_map} if why else why,
    )
