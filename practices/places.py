"""The practice browser's map: the cities of the current results, with their counts.

The counts are the city facet's (Browse.facets()), so the map costs no count of its
own: one query fetches the coordinates of the cities the facet names, whatever their
number. Facet counts follow every filter but the facet's own; so while cities are
ticked, the results are theirs alone, and the map shows those, each with the count the
results hold for it.
"""

from django.utils.translation import gettext_lazy as _

from cities.map import city_map, place_of
from cities.models import City

TITLE = _("Map of the cities of these results")
# The cities with the most results, at most: past a hundred circles a map shows a
# cloud, and at 100,000 practices drawing all 2,500 cities (each link a query string
# built twice, marker and list) made the unfiltered page 0.4 s slower. The City facet
# lists them all.
MAP_CITIES = 100


def results_map(facets):
    """A CityMap of the results' cities, or None when the results have no city."""
    facet = next((f for f in facets if f.name == "city"), None)
    if facet is None:
        return None
    shown = facet.selected or [v for v in facet.top_of(MAP_CITIES) if v.count]
    if not shown:
        return None
    counts = {v.value: v.count for v in shown}
    cities = City.objects.filter(slug__in=list(counts)).select_related("country")
    places = [place_of(city, counts[city.slug]) for city in cities]
    omitted = 0 if facet.selected else facet.size - len(shown)
    return city_map(places, TITLE, filter_links=True, zoom=True, omitted=omitted)
