"""Building the basemap (static/map/europe.svg) from Natural Earth GeoJSON, once.

Run by `manage.py build_basemap` (see `make basemap`), never per request. Land rings and
border lines are cut to a generous box around Europe in degrees (so that nothing near
the projection's antipode is projected), projected with cities.map.project(), clipped
to the map's frame, simplified (Douglas-Peucker) and written with one decimal: the
markers the pages draw use the same projection and frame.
"""

import math
from itertools import pairwise

from .map import HEIGHT, WIDTH, project

# Degrees: everything the frame shows lies well inside this box.
DEGREE_BOX = (-45.0, 20.0, 75.0, 85.0)  # west, south, east, north
# Map units: clipping stops a little outside the frame, so the straight edges a clip
# leaves behind are never seen.
FRAME_PAD = 12.0
# Map units: detail finer than this is dropped (the map is 1000 units wide).
TOLERANCE = 0.7
# Islands smaller than this many square map units are left out.
MIN_AREA = 2.0


# ----- clipping ---------------------------------------------------------------------


def _clip_ring_edge(ring, inside, cross):
    """One Sutherland-Hodgman pass: the part of a closed ring on one side of an edge."""
    out = []
    for i, current in enumerate(ring):
        previous = ring[i - 1]
        if inside(current):
            if not inside(previous):
                out.append(cross(previous, current))
            out.append(current)
        elif inside(previous):
            out.append(cross(previous, current))
    return out


def _at_x(x):
    def cross(a, b):
        t = (x - a[0]) / (b[0] - a[0])
        return (x, a[1] + t * (b[1] - a[1]))

    return cross


def _at_y(y):
    def cross(a, b):
        t = (y - a[1]) / (b[1] - a[1])
        return (a[0] + t * (b[0] - a[0]), y)

    return cross


def clip_ring(ring, box):
    """A closed ring (no repeated last point) cut to the box (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    for inside, cross in (
        (lambda p: p[0] >= x0, _at_x(x0)),
        (lambda p: p[0] <= x1, _at_x(x1)),
        (lambda p: p[1] >= y0, _at_y(y0)),
        (lambda p: p[1] <= y1, _at_y(y1)),
    ):
        if not ring:
            break
        ring = _clip_ring_edge(ring, inside, cross)
    return ring


def _clip_segment(a, b, box):
    """Liang-Barsky: the part of segment a-b inside the box, or None."""
    x0, y0, x1, y1 = box
    dx, dy = b[0] - a[0], b[1] - a[1]
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return (a[0] + t0 * dx, a[1] + t0 * dy), (a[0] + t1 * dx, a[1] + t1 * dy)


def clip_line(line, box):
    """The runs of an open line inside the box: a line that leaves and comes back
    becomes two."""
    runs, run = [], []
    for a, b in pairwise(line):
        piece = _clip_segment(a, b, box)
        if piece is None:
            if len(run) > 1:
                runs.append(run)
            run = []
            continue
        start, end = piece
        if not run or run[-1] != start:
            if len(run) > 1:
                runs.append(run)
            run = [start]
        run.append(end)
    if len(run) > 1:
        runs.append(run)
    return runs


# ----- simplifying -------------------------------------------------------------------


def _distance(p, a, b):
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == dy == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    return abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / math.hypot(dx, dy)


def simplify(points, tolerance=TOLERANCE):
    """Douglas-Peucker, iterative (coastlines are long enough to exhaust recursion)."""
    if len(points) < 3:
        return list(points)
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, None
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep.add(index)
            stack += [(first, index), (index, last)]
    return [points[i] for i in sorted(keep)]


def area(ring):
    """Shoelace area (absolute) of a closed ring."""
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in pairwise([*ring, ring[0]]))) / 2


# ----- the pipeline ------------------------------------------------------------------


def frame_box():
    return (-FRAME_PAD, -FRAME_PAD, WIDTH + FRAME_PAD, HEIGHT + FRAME_PAD)


def _rounded(points):
    """One decimal; a point that rounds onto the one before it is dropped."""
    out = []
    for x, y in points:
        point = (round(x, 1), round(y, 1))
        if not out or out[-1] != point:
            out.append(point)
    return out


def land_rings(multipolygon):
    """[(x, y), ...] rings in map units, from a GeoJSON MultiPolygon's coordinates."""
    rings = []
    for polygon in multipolygon:
        for ring in polygon:
            ring = [tuple(p) for p in ring[:-1]]  # GeoJSON repeats the first point
            ring = clip_ring(ring, DEGREE_BOX)
            ring = clip_ring([project(lon, lat) for lon, lat in ring], frame_box())
            if len(ring) < 3 or area(ring) < MIN_AREA:
                continue
            ring = _rounded(simplify([*ring, ring[0]])[:-1])
            if len(ring) >= 3:
                rings.append(ring)
    return rings


def border_lines(multilinestring):
    """[(x, y), ...] open lines in map units, from a GeoJSON MultiLineString."""
    lines = []
    for line in multilinestring:
        for run in clip_line([tuple(p) for p in line], DEGREE_BOX):
            projected = [project(lon, lat) for lon, lat in run]
            for piece in clip_line(projected, frame_box()):
                piece = _rounded(simplify(piece))
                if len(piece) >= 2:
                    lines.append(piece)
    return lines


def _number(value):
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _pair(x, y):
    # A minus sign separates numbers by itself: "3-2" is 3 then -2.
    ys = _number(y)
    return f"{_number(x)}{'' if ys.startswith('-') else ' '}{ys}"


def path_data(shapes, closed):
    """SVG path data: an absolute move to each shape's start, then relative steps
    between already-rounded points (so rounding errors never add up)."""
    parts = []
    for shape in shapes:
        x, y = shape[0]
        steps = [f"M{_pair(x, y)}l"]
        for nx, ny in shape[1:]:
            step = _pair(round(nx - x, 1), round(ny - y, 1))
            steps.append(step if step.startswith("-") or steps[-1].endswith("l") else " " + step)
            x, y = nx, ny
        parts.append("".join(steps) + ("z" if closed else ""))
    return "".join(parts)


SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" \
width="{width}" height="{height}">
<!-- {note} -->
<rect width="{width}" height="{height}" fill="#dce8f3"/>
<path fill="#f6f3ec" stroke="#7f8b99" stroke-width="0.8" stroke-linejoin="round" d="{land}"/>
<path fill="none" stroke="#a3adb9" stroke-width="0.7" stroke-linejoin="round" d="{borders}"/>
</svg>
"""


def basemap_svg(geojson, note):
    """The basemap: sea, land with its coastline, and the borders between countries."""
    return SVG.format(
        width=_number(WIDTH),
        height=_number(HEIGHT),
        note=note.replace("--", "-"),
        land=path_data(land_rings(geojson["land"]["coordinates"]), closed=True),
        borders=path_data(border_lines(geojson["borders"]["coordinates"]), closed=False),
    )
