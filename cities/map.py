"""The portal's map of Europe: one projection for the basemap and for the markers.

Lambert azimuthal equal-area centred on 52°N 10°E: the parameters of ETRS89-LAEA
(EPSG:3035), the projection Eurostat and the EU's statistical maps use for Europe. Equal
area, so no country looks bigger than it is and the density of markers compares fairly
from north to south; near its centre shapes stay close to true, which a plain
longitude-latitude grid does not give at Scandinavian latitudes. It is a handful of
trigonometric calls per point: cheap enough to project a page's cities per request. The
sphere stands in for the ellipsoid; at this scale the difference is below a pixel.

The basemap (static/map/europe.svg) was projected once with `project()` and `FRAME`
below by `manage.py build_basemap`; each page projects its cities with the same two,
so a marker lands where its city is drawn.
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext

from portal.text import per_language

LAT0, LON0 = 52.0, 10.0
# (longitude, latitude) points the map must show: Ireland's west coast and Cabo da Roca,
# the North Cape, Crete, and the Black Sea coast. The frame is their projected bounding
# box, widened a little.
_EXTREMES = ((-10.6, 52.1), (-9.6, 38.7), (25.8, 71.2), (24.8, 34.8), (33.0, 44.5), (31.0, 52.0))
_MARGIN = 0.03
WIDTH = 1000.0
# Marker radii in map units (the map is WIDTH units wide, however wide it is shown).
R_MIN, R_MAX = 6.0, 22.0
# A zoomed map (the browser's, a network's): the margin around its circles, its least
# width (about Germany's), and its shape, wider than high so that it leaves room for
# the page below it.
ZOOM_PAD, ZOOM_MIN, ZOOM_ASPECT = 40.0, 320.0, 0.75

_phi0, _lam0 = math.radians(LAT0), math.radians(LON0)


def _laea(lon, lat):
    """Spherical Lambert azimuthal equal-area, unit sphere: (x east, y north)."""
    phi, lam = math.radians(lat), math.radians(lon) - _lam0
    cos_c = math.sin(_phi0) * math.sin(phi) + math.cos(_phi0) * math.cos(phi) * math.cos(lam)
    k = math.sqrt(2 / (1 + cos_c))
    x = k * math.cos(phi) * math.sin(lam)
    y = k * (math.cos(_phi0) * math.sin(phi) - math.sin(_phi0) * math.cos(phi) * math.cos(lam))
    return x, y


def _frame():
    xs, ys = zip(*(_laea(lon, lat) for lon, lat in _EXTREMES), strict=True)
    dx, dy = (max(xs) - min(xs)) * _MARGIN, (max(ys) - min(ys)) * _MARGIN
    x0, x1, y0, y1 = min(xs) - dx, max(xs) + dx, min(ys) - dy, max(ys) + dy
    scale = WIDTH / (x1 - x0)
    return x0, y1, scale, round((y1 - y0) * scale, 1)


# Left edge, top edge (projected units), map units per projected unit, and the height.
FRAME_X0, FRAME_Y1, SCALE, HEIGHT = _frame()


def project(lon, lat):
    """(x, y) in map units: x from the left edge, y down from the top, as SVG draws."""
    x, y = _laea(lon, lat)
    return (x - FRAME_X0) * SCALE, (FRAME_Y1 - y) * SCALE


def inside(x, y):
    return 0 <= x <= WIDTH and 0 <= y <= HEIGHT


# ----- a page's map ---------------------------------------------------------------


@per_language
def _label(count):
    return ngettext(
        "%(city)s, %(country)s: %(count)s practice",
        "%(city)s, %(country)s: %(count)s practices",
        count,
    )


@dataclass
class Place:
    """One city on a map, or in its list when it cannot be drawn."""

    slug: str
    name: str
    country: str
    count: int
    url: str = ""
    latitude: float | None = None
    longitude: float | None = None
    current: bool = False
    x: str = ""
    y: str = ""
    r: str = ""

    @property
    def label(self):
        return _label(self.count) % {
            "city": self.name,
            "country": self.country,
            "count": self.count,
        }

    @property
    def on_map(self):
        return bool(self.x)

    @property
    def label_x(self):
        # The name beside the circle, on the side with room for it.
        offset = float(self.r) + 6
        x = float(self.x)
        return f"{x - offset:.1f}" if x > WIDTH * 0.7 else f"{x + offset:.1f}"

    @property
    def label_anchor(self):
        return "end" if float(self.x) > WIDTH * 0.7 else "start"

    @property
    def why_not_on_map(self):
        if self.latitude is None or self.longitude is None:
            return gettext("no coordinates")
        return gettext("outside the map")


@dataclass
class CityMap:
    """What templates/includes/map.html draws: markers largest first (so that a small
    one is never hidden under a big one), and every place in the list below the map."""

    title: str
    places: list = field(default_factory=list)
    # The part of the frame shown (x, y, width, height): all of it, or around the markers.
    view: tuple = (0.0, 0.0, WIDTH, HEIGHT)
    # Cities left off a map that shows only the ones with the most results.
    omitted: int = 0

    @property
    def viewbox(self):
        return " ".join(f"{round(v, 1):g}" for v in self.view)

    @property
    def image_width(self):
        return f"{WIDTH:g}"

    @property
    def image_height(self):
        return f"{HEIGHT:g}"

    @property
    def markers(self):
        drawn = [p for p in self.places if p.on_map]
        return sorted(drawn, key=lambda p: (-float(p.r), p.name.lower(), p.slug))

    @property
    def unplaced(self):
        return [p for p in self.places if not p.on_map]

    @property
    def largest(self):
        return max((p.count for p in self.places), default=0)

    @property
    def current(self):
        return next((p for p in self.places if p.current), None)


def radius(count, largest):
    """Circle radius on a square-root scale: a circle's area grows with its count, so a
    city with four times the practices looks four times as big, not sixteen."""
    if largest <= 0:
        return R_MIN
    return R_MIN + (R_MAX - R_MIN) * math.sqrt(max(count, 0) / largest)


def zoomed_view(circles):
    """The part of the frame around circles [(x, y, r)]: padded, at least ZOOM_MIN
    wide, ZOOM_ASPECT as high as wide where the frame allows."""
    x0 = min(x - r for x, _y, r in circles) - ZOOM_PAD
    x1 = max(x + r for x, _y, r in circles) + ZOOM_PAD
    y0 = min(y - r for _x, y, r in circles) - ZOOM_PAD
    y1 = max(y + r for _x, y, r in circles) + ZOOM_PAD
    width = min(max(x1 - x0, (y1 - y0) / ZOOM_ASPECT, ZOOM_MIN), WIDTH)
    height = min(max(y1 - y0, width * ZOOM_ASPECT), HEIGHT)
    # Centred on the circles, shifted back inside the frame where it overhangs.
    left = min(max((x0 + x1 - width) / 2, 0.0), WIDTH - width)
    top = min(max((y0 + y1 - height) / 2, 0.0), HEIGHT - height)
    return (left, top, width, height)


def city_map(places, title, zoom=False, omitted=0):
    """A map of `places` (Place objects): projects and sizes each one that has
    coordinates inside the frame; the others stay in the list. With `zoom`, the map
    shows the part of Europe its cities are in. No query."""
    places = sorted(places, key=lambda p: (p.name.lower(), p.country, p.slug))
    largest = max((p.count for p in places), default=0)
    circles = {}
    for place in places:
        if place.latitude is None or place.longitude is None:
            continue
        x, y = project(float(place.longitude), float(place.latitude))
        if inside(x, y):
            circles[place.slug] = (x, y, radius(place.count, largest))
    view = zoomed_view(circles.values()) if zoom and circles else (0.0, 0.0, WIDTH, HEIGHT)
    # Zoomed in, circles grow less than the map does, so that neighbours come apart.
    shrink = math.sqrt(view[2] / WIDTH)
    for place in places:
        if place.slug in circles:
            x, y, r = circles[place.slug]
            place.x, place.y, place.r = f"{x:.1f}", f"{y:.1f}", f"{r * shrink:.1f}"
    return CityMap(title, places, view=view, omitted=omitted)


def place_of(city, count, current=False):
    """A Place for a City (its country selected with it)."""
    return Place(
        slug=city.slug,
        name=city.name,
        country=city.country.name,
        count=count,
        url=city.get_absolute_url(),
        latitude=city.latitude,
        longitude=city.longitude,
        current=current,
    )


def cities_map(cities, title, current=None, zoom=False):
    """A map of City objects annotated with practice_count (CityQuerySet.for_list())."""
    slug = current.slug if current is not None else None
    places = [place_of(c, c.practice_count, c.slug == slug) for c in cities]
    return city_map(places, title, zoom=zoom)
