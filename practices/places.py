"""The practice browser's map: the cities of the current results, with their counts.

The counts are the city facet's (Browse.facets()), so the map costs no count of its
own: one query fetches the coordinates of the cities the facet names, whatever their
number. Facet counts follow every filter but the facet's own; so while cities are
ticked, the results are theirs alone, and the map shows those, each with the count the
results hold for it.
"""

from django.template.defaulttags import querystring
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cities.map import Place, city_map
from cities.models import City
from portal.translated import Translated

TITLE = _("Map of the cities of these results")
# The cities with the most results, at most: past a hundred circles a map shows a
# cloud, and at 100,000 practices drawing all 2,500 cities made the unfiltered page
# 0.4 s slower. The City facet lists them all.
MAP_CITIES = 100


def results_map(facets, query):
    """A CityMap of the results' cities, or None when the results have no city. Each
    city links to these results narrowed to it (`query`: the page's parameters), a link
    built once here with {% querystring %}'s own function: the template draws it twice
    (marker and list), and building it there cost 30 ms a page at 100 cities."""
    facet = next((f for f in facets if f.name == "city"), None)
    if facet is None:
        return None
    shown = facet.selected or [v for v in facet.top_of(MAP_CITIES) if v.count]
    if not shown:
        return None
    counts = {v.value: v.count for v in shown}
    # Values, not City objects: 100 cities and their countries as model instances (five
    # profiles and five names each) cost 6 ms of the page, their five values 3.
    cities = City.objects.filter(slug__in=list(counts)).values_list(
        "slug", "name", Translated("country__name"), "latitude", "longitude"
    )
    base = reverse("practices:list")
    places = [
        Place(
            slug=slug,
            name=name,
            country=country,
            count=counts[slug],
            url=base + querystring(None, query, city=slug, page=None, partial=None),
            latitude=latitude,
            longitude=longitude,
        )
        for slug, name, country, latitude, longitude in cities
    ]
    omitted = 0 if facet.selected else facet.size - len(shown)
    return city_map(places, TITLE, zoom=True, omitted=omitted)
