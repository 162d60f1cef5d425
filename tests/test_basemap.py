"""The basemap and the markers share one projection: cities fall on land, north is up,
and the build turns Natural Earth GeoJSON into a small SVG with its licences beside it."""

import io
import json
import math
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from cities import map as citymap
from cities.basemap import clip_line, clip_ring, simplify
from cities.models import City

MAP_DIR = Path(settings.BASE_DIR) / "static" / "map"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def rings(path_data):
    """[[(x, y), ...], ...] from path data of the build's form: M x y l dx dy ... z."""
    shapes = []
    for command, numbers in re.findall(r"([Ml])([^Mlz]*)", path_data):
        values = [float(n) for n in NUMBER.findall(numbers)]
        pairs = list(zip(values[::2], values[1::2], strict=True))
        if command == "M":
            shapes.append([pairs[0]])
        else:
            x, y = shapes[-1][-1]
            for dx, dy in pairs:
                x, y = x + dx, y + dy
                shapes[-1].append((x, y))
    return shapes


def paths(svg):
    """The d attributes of the SVG's paths: land first, then borders."""
    return re.findall(r' d="([^"]*)"', svg)


def on_land(point, land):
    """Even-odd rule over every ring (holes included)."""
    x, y = point
    inside = False
    for ring in land:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def distance_to_coast(point, land):
    best = math.inf
    for ring in land:
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
            dx, dy = b[0] - a[0], b[1] - a[1]
            t = ((point[0] - a[0]) * dx + (point[1] - a[1]) * dy) / ((dx * dx + dy * dy) or 1)
            t = max(0.0, min(1.0, t))
            best = min(best, math.hypot(point[0] - a[0] - t * dx, point[1] - a[1] - t * dy))
    return best


@pytest.fixture(scope="module")
def basemap():
    return (MAP_DIR / "europe.svg").read_text()


@pytest.fixture(scope="module")
def land(basemap):
    return rings(paths(basemap)[0])


def test_the_basemap_is_small_credited_and_framed_as_the_markers_are(basemap):
    assert (MAP_DIR / "europe.svg").stat().st_size < 200 * 1024
    assert "Natural Earth" in basemap and "world-atlas" in basemap
    width, height = citymap.WIDTH, citymap.HEIGHT
    assert f'viewBox="0 0 {width:g} {height:g}"' in basemap
    licence = (MAP_DIR / "LICENSE.md").read_text()
    assert "public domain" in licence
    assert licence.count("Permission to use, copy, modify, and/or distribute") == 2


@pytest.mark.django_db
def test_every_city_lies_on_the_basemaps_land(land):
    """The markers' projection is the basemap's: each city lands on land, or within two
    pixels of a coast (a port, after the coastline's simplification)."""
    located = City.objects.exclude(latitude=None).exclude(longitude=None)
    assert located.count() >= 40
    astray = []
    for city in located:
        point = citymap.project(float(city.longitude), float(city.latitude))
        if not on_land(point, land) and distance_to_coast(point, land) > 2:
            astray.append(city.slug)
    assert astray == []


def test_seas_are_not_land(land):
    for lon, lat in [(3.0, 55.0), (5.0, 40.0), (19.5, 57.5), (-6.0, 46.0), (31.0, 43.5)]:
        point = citymap.project(lon, lat)
        assert citymap.inside(*point)
        assert not on_land(point, land), (lon, lat)


def test_north_is_up_and_east_is_right():
    x, y = citymap.project(10, 52)
    assert citymap.project(10, 60)[1] < y < citymap.project(10, 45)[1]
    assert citymap.project(0, 52)[0] < x < citymap.project(20, 52)[0]
    assert citymap.inside(x, y)
    assert not citymap.inside(*citymap.project(-60, 40))  # the Atlantic's far side


def test_marker_areas_grow_with_counts():
    assert citymap.radius(0, 8) == citymap.R_MIN
    assert citymap.radius(8, 8) == citymap.R_MAX
    # A quarter of the largest count: half the radius span (square-root scale).
    half = citymap.R_MIN + (citymap.R_MAX - citymap.R_MIN) / 2
    assert citymap.radius(2, 8) == pytest.approx(half)
    assert citymap.radius(3, 0) == citymap.R_MIN


def test_clipping_keeps_the_inside_and_splits_lines_that_leave():
    box = (0, 0, 10, 10)
    square = clip_ring([(-5, -5), (5, -5), (5, 5), (-5, 5)], box)
    assert {(round(x), round(y)) for x, y in square} == {(0, 0), (5, 0), (5, 5), (0, 5)}
    runs = clip_line([(2, 2), (20, 2), (20, 8), (2, 8)], box)
    assert runs == [[(2, 2), (10.0, 2.0)], [(10.0, 8.0), (2, 8)]]
    assert clip_ring([(20, 20), (30, 20), (30, 30)], box) == []


def test_simplifying_drops_what_the_eye_cannot_see():
    wiggly = [(x / 10, 0.01 * (-1) ** x) for x in range(100)] + [(10, 5)]
    simple = simplify(wiggly, tolerance=0.5)
    assert simple[0] == wiggly[0] and simple[-1] == wiggly[-1]
    assert len(simple) <= 4


def test_the_build_projects_clips_and_writes_a_basemap(tmp_path):
    """A square around Brussels, an island off Australia, and a border that runs out of
    the frame: the square is drawn where Brussels' marker goes, Australia is not drawn,
    and the border is cut at the frame."""
    square = [[4.0, 50.5], [5.0, 50.5], [5.0, 51.5], [4.0, 51.5], [4.0, 50.5]]
    australia = [[150.0, -30.0], [151.0, -30.0], [151.0, -29.0], [150.0, -30.0]]
    geojson = {
        "land": {"type": "MultiPolygon", "coordinates": [[square], [australia]]},
        "borders": {"type": "MultiLineString", "coordinates": [[[10.0, 50.0], [10.0, 89.0]]]},
    }
    source, output = tmp_path / "world.json", tmp_path / "europe.svg"
    source.write_text(json.dumps(geojson))
    call_command("build_basemap", str(source), output=str(output), stdout=io.StringIO())
    land_data, border_data = paths(output.read_text())
    drawn = rings(land_data)
    assert len(drawn) == 1
    assert on_land(citymap.project(4.35, 50.85), drawn)
    (border,) = rings(border_data)
    assert min(y for _x, y in border) >= -12.0  # cut at the frame (and its pad)
    assert max(y for _x, y in border) == pytest.approx(citymap.project(10.0, 50.0)[1], abs=0.1)
