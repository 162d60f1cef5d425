"""The practice browser's map: the cities of the current results, with their counts.

The counts are the city facet's (Browse.facets()), so the map costs no count of its
own: one query fetches the coordinates of the cities the facet names, whatever their
number. Facet counts follow every filter but the facet's own; so while cities are
ticked, the results are theirs alone, and the map shows those, each with the count the
results hold for it.
"""

from cities.map import city_map, place_of
from cities.models import City

TITLE = "Map of the cities of these results"


def results_map(facets):
    """A CityMap of the results' cities, or None when the results have no city."""
    facet = next((f for f in facets if f.name == "city"), None)
    if facet is None:
        return None
    selected = [v for v in facet.values if v.selected]
    counts = {v.value: v.count for v in selected or facet.values if v.count or v.selected}
    if not counts:
        return None
    cities = City.objects.filter(slug__in=list(counts)).select_related("country")
    places = [place_of(city, counts[city.slug]) for city in cities]
    return city_map(places, TITLE, filter_links=True, zoom=True)
