"""Lay out world maps (Equal Earth): choose the central meridian that keeps the highlighted
countries whole, cut every ring at the map's edge, and add the disputed areas and rings.

Only two central meridians are used, Greenwich and 150°E (Pacific-centred, the edge running
down the Atlantic), so the per-process layers stay few: the Pacific-centred map is chosen when
the Greenwich edge (the antimeridian) would split a highlighted country's main part, or when it
lays the highlighted countries out much more compactly (Chile and New Zealand).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from wiki.relations.mapareas import feature_tones, marked_parts
from wiki.relations.mapscene import (
    MARKER_BELOW,
    SIMPLIFY,
    WIDTH,
    WORLD_AREA_AT_LEAST,
    Scene,
    Shape,
    TenthsRing,
    finish_ring,
    order,
    overlay,
    overseas_shape,
    prepared,
    ring_markers,
    stitch,
)
from wiki.relations.projection import Point, cut_antimeridian, equal_earth, wrap_longitude
from wiki.relations.topojson import load_world

WORLD_NORTH, WORLD_SOUTH = 84.0, -57.0
ANTARCTICA = "ATA"
GREENWICH, PACIFIC = 0.0, 150.0
# Degrees of longitude the Pacific-centred map must save on the highlighted countries' spread
# before it is preferred to the familiar Greenwich-centred one.
PACIFIC_GAIN = 60.0

WorldRings = dict[str, list[tuple[TenthsRing, bool, bool, bool]]]


def _spread(centre: float, roles: dict[str, str]) -> tuple[int, float]:
    """How many highlighted main parts the map edge splits, and how many degrees of longitude
    the highlighted main parts spread over, on a map centred on ``centre`` (a part around a
    pole, Antarctica, is split by any edge and left out)."""
    edge = centre + 180.0
    countries = prepared().countries
    splits, lows, highs = 0, [], []
    for a3 in roles:
        if countries[a3].largest.lon_high - countries[a3].largest.lon_low > 300.0:
            continue
        for poly in countries[a3].main:
            low = (poly.lon_low - edge) % 360.0
            high = low + poly.lon_high - poly.lon_low
            splits += high > 360.0
            lows.append(low)
            highs.append(high)
    return splits, (max(highs) - min(lows)) if lows else 0.0


def world_centre(roles: dict[str, str]) -> float:
    """The central meridian of a world map highlighting these countries."""
    greenwich_splits, greenwich_spread = _spread(GREENWICH, roles)
    pacific_splits, pacific_spread = _spread(PACIFIC, roles)
    greenwich = (greenwich_splits, greenwich_spread - PACIFIC_GAIN)
    return PACIFIC if (pacific_splits, pacific_spread) < greenwich else GREENWICH


def world_frame(with_antarctica: bool) -> tuple[float, float, float, int]:
    """Scale, left x, top y and pixel height of the world frame (any central meridian)."""
    x_max = equal_earth(180.0, 0.0)[0]
    top = equal_earth(0.0, WORLD_NORTH)[1]
    bottom = equal_earth(0.0, -90.0 if with_antarctica else WORLD_SOUTH)[1]
    scale = WIDTH / (2 * x_max)
    return scale, -x_max, top, round((top - bottom) * scale)


def world_height(with_antarctica: bool) -> int:
    """The pixel height of a world map."""
    return world_frame(with_antarctica)[3]


def _pixeller(with_antarctica: bool) -> Callable[[float, float], Point]:
    """The function from (longitude, latitude) on the map's own meridians to pixels."""
    scale, left, top, _ = world_frame(with_antarctica)

    def pixel(lon: float, lat: float) -> Point:
        x, y = equal_earth(lon, lat)
        return ((x - left) * scale, (top - y) * scale)

    return pixel


def world_point(roles: dict[str, str], point: Point) -> Point:
    """Where a lon/lat point falls on the world map highlighting these countries, in pixels."""
    pixel = _pixeller(ANTARCTICA in roles)
    return pixel(wrap_longitude(point[0] - world_centre(roles)), point[1])


def _cut(ring: list[Point] | tuple[Point, ...], centre: float) -> list[list[Point]]:
    """Shift a lon/lat ring to the map's central meridian and cut it at the map's edge."""
    return cut_antimeridian([(wrap_longitude(lon - centre), lat) for lon, lat in ring])


@functools.lru_cache(maxsize=4)
def world_base(with_antarctica: bool, centre: float = GREENWICH
               ) -> tuple[WorldRings, dict[str, Point], list[TenthsRing], int]:
    """World rings per country (ring, is hole, is sub-pixel, is an overseas part), marker
    centres, sea and height."""
    data = prepared()
    world = load_world()
    height = world_height(with_antarctica)
    pixel = _pixeller(with_antarctica)

    arcs: dict[int, list[Point]] = {}
    for arc_index, arc in enumerate(world.arcs):
        kept = [arc[0]]
        last_x, last_y = pixel(*arc[0])
        for lon, lat in arc[1:-1]:
            x, y = pixel(lon, lat)
            if (x - last_x) ** 2 + (y - last_y) ** 2 >= SIMPLIFY * SIMPLIFY:
                kept.append((lon, lat))
                last_x, last_y = x, y
        if len(arc) > 1:
            kept.append(arc[-1])
        arcs[arc_index] = kept
    rings: WorldRings = {}
    centres: dict[str, Point] = {}
    for a3, country in data.countries.items():
        if a3 == ANTARCTICA and not with_antarctica:
            continue
        out = rings.setdefault(a3, [])
        for poly in country.polygons:
            for ring_index, indices in enumerate(poly.rings):
                for piece in _cut(stitch(arcs, indices), centre):
                    ring = finish_ring([pixel(*p) for p in piece], WIDTH, height, True)
                    if ring and len(ring) >= 2:
                        out.append((ring, ring_index > 0, _small(ring), poly.overseas))
        lon, lat = country.largest.centre
        centres[a3] = pixel(wrap_longitude(lon - centre), lat)
    outline = [(180.0, lat) for lat in range(-90, 91, 2)]
    outline += [(-180.0, lat) for lat in range(90, -91, -2)]
    sea = finish_ring([pixel(*p) for p in outline], WIDTH, height, True)
    return rings, centres, [sea] if sea else [], height


def _small(ring: TenthsRing) -> bool:
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys)) < 10 or len(ring) < 3


def world_scene(roles: dict[str, str]) -> Scene:
    """Draw the whole world in Equal Earth with the given countries highlighted, centred so
    that they stay whole, with their dependencies, disputed areas and rings."""
    with_antarctica = ANTARCTICA in roles
    centre = world_centre(roles)
    rings, centres, sea, height = world_base(with_antarctica, centre)
    scale = world_frame(with_antarctica)[0]
    pixel = _pixeller(with_antarctica)

    tones = feature_tones(roles)
    shapes = []
    for a3, country_rings in rings.items():
        role, light = tones.get(a3, (None, False))
        if role is None:
            kept = [(ring, hole) for ring, hole, small, _ in country_rings if not small]
            if kept:
                shapes.append(Shape(a3, None, kept))
            continue
        shape = Shape(a3, role, light=light, dependent=a3 not in roles)
        overseas = overseas_shape(a3, role)
        for outline, hole, _, far in country_rings:
            (overseas if far else shape).rings.append((outline, hole))
        shapes.append(shape)
        if overseas.rings:
            shapes.append(overseas)
    overlays = []
    for marked in marked_parts(roles):
        drawn_rings = []
        for lonlat, hole in marked.part.rings:
            for piece in _cut(lonlat, centre):
                ring = finish_ring([pixel(*p) for p in piece], WIDTH, height, False)
                if ring:
                    drawn_rings.append((ring, hole))
        drawn = overlay(marked, drawn_rings, 1.0, WORLD_AREA_AT_LEAST)
        if drawn is not None:
            overlays.append(drawn)

    def place(point: Point) -> Point | None:
        return pixel(wrap_longitude(point[0] - centre), point[1])

    ordered = order(shapes, roles)
    marks = ring_markers(ordered, centres, roles, place, scale, (WIDTH, height), MARKER_BELOW)
    return Scene("world", WIDTH, height, sea, ordered, marks, overlays)
