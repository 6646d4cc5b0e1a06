"""Lay out a locator map: choose the frame for a pair of countries and turn outlines into pixel
rings (tenths of a pixel) ready to be written as SVG or drawn with Pillow."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from wiki.relations.projection import (
    RADIANS,
    Azimuthal,
    Point,
    Vector,
    angular_distance,
    clip_ring,
    cut_antimeridian,
    equal_earth,
    unit_vector,
    unwrap,
    vector_lon_lat,
    wrap_longitude,
)
from wiki.relations.topojson import load_world

WIDTH = 360
REGIONAL_HEIGHT = 270
PADDING = 0.30  # added to the span of the two countries' main parts
MIN_SPAN = 0.30  # radians on the unit sphere, about 1,900 km
WORLD_DISTANCE = 50 * RADIANS  # centres farther apart than this get a world map
WORLD_SPAN = 1.6  # and so do main parts spanning more than this (radians)
WORLD_NORTH, WORLD_SOUTH = 84.0, -57.0
ANTARCTICA = "ATA"
SIMPLIFY = 0.5  # pixels between kept points
CLIP_MARGIN = 2.0  # pixels beyond the frame, so borders on the edge stay out of sight
# Besides the largest polygon and those near it, polygons with at least this share of its area
# set the crop (Peninsular Malaysia, Sumatra, Hokkaido, Mindanao); Alaska (18 %) does not.
BIG_PART = 0.25
BIG_PART_DISTANCE = 30 * RADIANS
MARKER_BELOW = 60  # tenths of a pixel: smaller highlighted countries get a ring marker

TenthsRing = list[tuple[int, int]]


@dataclass(slots=True)
class _Polygon:
    rings: tuple[tuple[int, ...], ...]
    lon_low: float
    lon_high: float
    lat_low: float
    lat_high: float
    centre: Point
    vector: Vector
    radius: float
    area: float


@dataclass(slots=True)
class _Country:
    a3: str
    polygons: list[_Polygon]
    largest: _Polygon
    main: list[_Polygon]
    vector: Vector  # centre of the main parts' box
    reach: float  # radius of a cap around ``vector`` holding every polygon


@dataclass(slots=True)
class _Prepared:
    lams: list[list[float]]
    sins: list[list[float]]
    coss: list[list[float]]
    countries: dict[str, _Country]


@dataclass(slots=True)
class Shape:
    """One country as drawn: rings in tenths of a pixel, each flagged as hole or not."""

    a3: str
    role: str | None
    rings: list[tuple[TenthsRing, bool]] = field(default_factory=list)


@dataclass(slots=True)
class Scene:
    """Everything needed to draw a map: frame size, sea outline, shapes in order, markers."""

    kind: str
    width: int
    height: int
    sea: list[TenthsRing] | None
    shapes: list[Shape]
    markers: list[tuple[float, float, str]]


def _polygon(rings_arcs: tuple[tuple[int, ...], ...], exterior: tuple[Point, ...]) -> _Polygon:
    points = list(exterior)
    lons = [p[0] for p in points]
    if max(lons) - min(lons) > 180.0:
        points = unwrap(points)
        lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    lon_low, lon_high, lat_low, lat_high = min(lons), max(lons), min(lats), max(lats)
    mid_lat = (lat_low + lat_high) / 2
    twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False))
    area = abs(twice) / 2 * math.cos(mid_lat * RADIANS)
    centre = (wrap_longitude((lon_low + lon_high) / 2), mid_lat)
    vector = unit_vector(*centre)
    if lon_high - lon_low > 300.0:
        radius = math.pi
    else:
        radius = max(
            angular_distance(vector, unit_vector(lon, lat))
            for lon in (lon_low, lon_high)
            for lat in (lat_low, lat_high)
        )
    return _Polygon(rings_arcs, lon_low, lon_high, lat_low, lat_high, centre, vector, radius, area)


def _relative_box(polygons: list[_Polygon], lon_ref: float) -> tuple[float, float, float, float]:
    """Lon/lat box of polygons with longitudes measured from ``lon_ref``."""
    lows, highs = [], []
    for poly in polygons:
        low = wrap_longitude(poly.lon_low - lon_ref)
        lows.append(low)
        highs.append(low + poly.lon_high - poly.lon_low)
    return (min(lows), max(highs), min(p.lat_low for p in polygons),
            max(p.lat_high for p in polygons))


def _country(a3: str, polygons: list[_Polygon]) -> _Country:
    largest = max(polygons, key=lambda p: p.area)
    limit = max(5 * RADIANS, largest.radius)
    main = [
        p for p in polygons
        if angular_distance(largest.vector, p.vector) <= limit
        or (p.area >= BIG_PART * largest.area
            and angular_distance(largest.vector, p.vector) <= BIG_PART_DISTANCE)
    ]
    low, high, south, north = _relative_box(main, largest.centre[0])
    vector = unit_vector(largest.centre[0] + (low + high) / 2, (south + north) / 2)
    reach = max(angular_distance(vector, p.vector) + p.radius for p in polygons)
    return _Country(a3, polygons, largest, main, vector, reach)


@functools.cache
def prepared() -> _Prepared:
    """Per-process geometry: arcs in radians and each country's polygons, caps and main parts."""
    world = load_world()
    lams, sins, coss = [], [], []
    sin, cos = math.sin, math.cos
    for arc in world.arcs:
        lams.append([p[0] * RADIANS for p in arc])
        phis = [p[1] * RADIANS for p in arc]
        sins.append([sin(phi) for phi in phis])
        coss.append([cos(phi) for phi in phis])
    countries = {}
    for a3, feature in world.features.items():
        polygons = [
            _polygon(arc_rings, rings[0])
            for arc_rings, rings in zip(feature.arc_polygons, feature.polygons, strict=True)
            if rings and rings[0]
        ]
        if polygons:
            countries[a3] = _country(a3, polygons)
    return _Prepared(lams, sins, coss, countries)


def _simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Keep the ends and every point at least ``tolerance`` from the last kept one."""
    if len(points) < 3:
        return points
    limit = tolerance * tolerance
    kept = [points[0]]
    last_x, last_y = points[0]
    for x, y in points[1:-1]:
        dx, dy = x - last_x, y - last_y
        if dx * dx + dy * dy >= limit:
            kept.append((x, y))
            last_x, last_y = x, y
    kept.append(points[-1])
    return kept


def _stitch(arcs: dict[int, list[Point]], indices: tuple[int, ...]) -> list[Point]:
    points: list[Point] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def _tenths(points: list[Point]) -> TenthsRing:
    """Round to tenths of a pixel, dropping repeated points and the closing duplicate."""
    out: TenthsRing = []
    last = None
    for x, y in points:
        point = (round(x * 10), round(y * 10))
        if point != last:
            out.append(point)
            last = point
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def _extent(ring: TenthsRing) -> int:
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def _finish_ring(points: list[Point], width: int, height: int, keep_small: bool
                 ) -> TenthsRing | None:
    """Clip a pixel ring to the frame and round it; None when nothing worth drawing is left."""
    if len(points) < 2:
        return None
    points = clip_ring(points, -CLIP_MARGIN, -CLIP_MARGIN, width + CLIP_MARGIN,
                       height + CLIP_MARGIN)
    if not points:
        return None
    ring = _tenths(points)
    if len(ring) < (1 if keep_small else 3):
        return None
    if not keep_small and _extent(ring) < 10:
        return None
    return ring


def _markers(shapes: list[Shape], centres: dict[str, Point]) -> list[tuple[float, float, str]]:
    """Ring markers for highlighted countries drawn smaller than a few pixels."""
    markers = []
    for shape in shapes:
        if shape.role is None:
            continue
        size = max((_extent(ring) for ring, _ in shape.rings), default=0)
        if size < MARKER_BELOW and shape.a3 in centres:
            x, y = centres[shape.a3]
            markers.append((round(x, 1), round(y, 1), shape.role))
    return markers


def _order(shapes: list[Shape], roles: dict[str, str]) -> list[Shape]:
    plain = [s for s in shapes if s.role is None]
    rank = {a3: i for i, a3 in enumerate(roles)}
    marked = sorted((s for s in shapes if s.role is not None), key=lambda s: rank[s.a3])
    return plain + marked


def pair_layout(first: str, second: str) -> tuple[Azimuthal, tuple[float, ...]] | None:
    """The projection and frame (x0, y0, x1, y1) of a regional map, or None for a world map."""
    data = prepared()
    one, two = data.countries[first], data.countries[second]
    if angular_distance(one.vector, two.vector) > WORLD_DISTANCE:
        return None
    (ax, ay, az), (bx, by, bz) = one.vector, two.vector
    mean = (ax + bx, ay + by, az + bz)
    lon_ref = vector_lon_lat(mean)[0]
    low, high, south, north = _relative_box(one.main + two.main, lon_ref)
    if high - low > 180.0:
        return None
    projection = Azimuthal(lon_ref + (low + high) / 2, (south + north) / 2)
    xs: list[float] = []
    ys: list[float] = []
    for poly in one.main + two.main:
        for index in poly.rings[0]:
            arc = index if index >= 0 else ~index
            points = projection.project(data.lams[arc], data.sins[arc], data.coss[arc])
            xs.extend(p[0] for p in points)
            ys.extend(p[1] for p in points)
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    if max(x1 - x0, y1 - y0) > WORLD_SPAN:
        return None
    span_x = max((x1 - x0) * (1 + PADDING), MIN_SPAN)
    span_y = (y1 - y0) * (1 + PADDING)
    ratio = WIDTH / REGIONAL_HEIGHT
    span_x, span_y = max(span_x, span_y * ratio), max(span_y, span_x / ratio)
    mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
    frame = (mid_x - span_x / 2, mid_y - span_y / 2, mid_x + span_x / 2, mid_y + span_y / 2)
    return projection, frame


def regional_scene(projection: Azimuthal, frame: tuple[float, ...], roles: dict[str, str],
                   width: int = WIDTH) -> Scene:
    """Draw every country near the frame in an azimuthal projection."""
    data = prepared()
    fx0, fy0, fx1, fy1 = frame
    scale = width / (fx1 - fx0)
    height = round((fy1 - fy0) * scale)
    corner = max(math.hypot(x, y) for x in (fx0, fx1) for y in (fy0, fy1))
    reach = 2 * math.asin(min(1.0, corner / 2)) + 0.01
    centre = unit_vector(math.degrees(projection.lam0),
                         math.degrees(math.atan2(projection.sin0, projection.cos0)))
    arcs: dict[int, list[Point]] = {}
    near: dict[int, bool] = {}  # arc has a point closer than the cutoff circle
    limit = (0.999 * projection.cutoff_radius) ** 2
    shapes, centres = [], {}
    for a3, country in data.countries.items():
        highlighted = a3 in roles
        if angular_distance(centre, country.vector) - country.reach > reach and not highlighted:
            continue
        shape = Shape(a3, roles.get(a3))
        for poly in country.polygons:
            if angular_distance(centre, poly.vector) - poly.radius > reach:
                continue
            for ring_index, indices in enumerate(poly.rings):
                for index in indices:
                    arc = index if index >= 0 else ~index
                    if arc not in arcs:
                        points = projection.project(data.lams[arc], data.sins[arc],
                                                    data.coss[arc])
                        pixels = [((x - fx0) * scale, (fy1 - y) * scale) for x, y in points]
                        arcs[arc] = _simplify(pixels, SIMPLIFY)
                        near[arc] = any(x * x + y * y < limit for x, y in points)
                # A ring entirely beyond the cutoff would be drawn as the cutoff circle and
                # fill the map (Antarctica seen from the Arctic): leave it out.
                if not any(near[i if i >= 0 else ~i] for i in indices):
                    continue
                ring = _finish_ring(_stitch(arcs, indices), width, height, highlighted)
                if ring:
                    shape.rings.append((ring, ring_index > 0))
        if highlighted:
            x, y = projection.project_point(*country.largest.centre)
            centres[a3] = ((x - fx0) * scale, (fy1 - y) * scale)
        if shape.rings or highlighted:
            shapes.append(shape)
    return Scene("regional", width, height, None, _order(shapes, roles),
                 _markers(shapes, centres))


def _world_frame(with_antarctica: bool) -> tuple[float, float, float, int]:
    """Scale, left x, top y and pixel height of the Greenwich-centred world frame."""
    x_max = equal_earth(180.0, 0.0)[0]
    top = equal_earth(0.0, WORLD_NORTH)[1]
    bottom = equal_earth(0.0, -90.0 if with_antarctica else WORLD_SOUTH)[1]
    scale = WIDTH / (2 * x_max)
    return scale, -x_max, top, round((top - bottom) * scale)


@functools.cache
def world_base(with_antarctica: bool) -> tuple[dict[str, list[tuple[TenthsRing, bool, bool]]],
                                                 dict[str, Point], list[TenthsRing], int]:
    """World rings per country (ring, is hole, is sub-pixel), marker centres, sea and height."""
    data = prepared()
    world = load_world()
    scale, left, top, height = _world_frame(with_antarctica)

    def pixel(lon: float, lat: float) -> Point:
        x, y = equal_earth(lon, lat)
        return ((x - left) * scale, (top - y) * scale)

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
    rings: dict[str, list[tuple[TenthsRing, bool, bool]]] = {}
    centres: dict[str, Point] = {}
    for a3, country in data.countries.items():
        if a3 == ANTARCTICA and not with_antarctica:
            continue
        out = rings.setdefault(a3, [])
        for poly in country.polygons:
            for ring_index, indices in enumerate(poly.rings):
                for piece in cut_antimeridian(_stitch(arcs, indices)):
                    ring = _finish_ring([pixel(*p) for p in piece], WIDTH, height, True)
                    if ring and len(ring) >= 2:
                        out.append((ring, ring_index > 0, _extent(ring) < 10 or len(ring) < 3))
        centres[a3] = pixel(*country.largest.centre)
    outline = [(180.0, lat) for lat in range(-90, 91, 2)]
    outline += [(-180.0, lat) for lat in range(90, -91, -2)]
    sea = _finish_ring([pixel(*p) for p in outline], WIDTH, height, True)
    return rings, centres, [sea] if sea else [], height


def world_scene(roles: dict[str, str]) -> Scene:
    """Draw the whole world in Equal Earth with the given countries highlighted."""
    rings, centres, sea, height = world_base(ANTARCTICA in roles)
    shapes = []
    for a3, country_rings in rings.items():
        role = roles.get(a3)
        kept = [(ring, hole) for ring, hole, small in country_rings if role or not small]
        if kept or role:
            shapes.append(Shape(a3, role, kept))
    return Scene("world", WIDTH, height, sea, _order(shapes, roles), _markers(shapes, centres))
