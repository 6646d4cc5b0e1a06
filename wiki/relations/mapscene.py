"""Lay out a locator map: choose the frame for a pair of countries and turn outlines into pixel
rings (tenths of a pixel) ready to be written as SVG or drawn with Pillow: the countries, the
disputed areas the map marks (with their stripes) and ring markers for what is too small to see.
Regional maps are laid out here; world maps in ``mapworld``."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from wiki.relations.mapareas import (
    Marked,
    cap_in_reach,
    feature_tones,
    is_overseas,
    marked_parts,
    overseas_rings,
)
from wiki.relations.polygons import hatch
from wiki.relations.projection import (
    RADIANS,
    Azimuthal,
    Point,
    Vector,
    angular_distance,
    clip_ring,
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
SIMPLIFY = 0.5  # pixels between kept points
CLIP_MARGIN = 2.0  # pixels beyond the frame, so borders on the edge stay out of sight
# Besides the largest polygon and those near it, polygons with at least this share of its area
# set the crop (Peninsular Malaysia, Sumatra, Hokkaido, Mindanao); Alaska (18 %) does not.
BIG_PART = 0.25
BIG_PART_DISTANCE = 30 * RADIANS
# Tenths of a pixel at the standard width: highlighted countries drawn smaller get a ring. A pair
# map shades two states, so the larger limit rings a small one beside a large one (Denmark next
# to Canada); a world map may shade dozens, so only the really small ones are ringed there.
MARKER_BELOW = 60
REGIONAL_MARKER_BELOW = 120
MARKER_RADIUS = 6.0  # pixels at the standard width
# Tenths of a pixel at the standard width: disputed areas drawn smaller are not marked (nor named
# in the legend); a world map, which may shade dozens of states, marks only those one can see.
AREA_AT_LEAST = 20
WORLD_AREA_AT_LEAST = 40
STRIPE_SPACING = 3.5  # pixels between the stripes of a disputed area, at the standard width

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
    overseas: bool = False  # within one of the state's overseas parts (``dependencies``)


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
    """One country as drawn: rings in tenths of a pixel, each flagged as hole or not. A
    ``dependent`` shape takes its role from the state it belongs to, in the lighter tone when
    ``light``; an ``overseas`` one holds the overseas parts of a highlighted state's outline
    (French Guiana, the Caribbean Netherlands), drawn as its dependencies are."""

    a3: str
    role: str | None
    rings: list[tuple[TenthsRing, bool]] = field(default_factory=list)
    light: bool = False
    dependent: bool = False
    overseas: bool = False


def overseas_shape(a3: str, role: str) -> Shape:
    """The shape of a highlighted state's overseas parts: its lighter tone, as a dependency."""
    return Shape(a3, role, light=True, dependent=True, overseas=True)


@dataclass(slots=True)
class Overlay:
    """A disputed-area part as drawn over the countries: its rings (tenths of a pixel, hole
    flag), fill tone (the light tone of ``base``'s colour, or plain land when None) and stripes
    (pixel segments, in ``stripe``'s colour or grey when None)."""

    area: str
    name: str
    base: str | None
    stripe: str | None
    rings: list[tuple[TenthsRing, bool]]
    stripes: list[tuple[Point, Point]]
    striped: bool = True


@dataclass(frozen=True, slots=True)
class Marker:
    """A ring around something too small to see: centre in pixels, role, lighter tone or not."""

    x: float
    y: float
    role: str
    light: bool = False


@dataclass(slots=True)
class Scene:
    """Everything needed to draw a map: frame size, sea outline, shapes in order, disputed
    areas over them, markers."""

    kind: str
    width: int
    height: int
    sea: list[TenthsRing] | None
    shapes: list[Shape]
    markers: list[Marker]
    overlays: list[Overlay] = field(default_factory=list)

    @property
    def unit(self) -> float:
        """Pixels of this scene per pixel of a map of the standard width (legend, rings)."""
        return self.width / WIDTH

    def legend(self) -> list[Overlay]:
        """The first drawn part of each marked area, in order: what the legend names."""
        seen: dict[str, Overlay] = {}
        for overlay in self.overlays:
            seen.setdefault(overlay.area, overlay)
        return list(seen.values())


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
    for poly in polygons:
        poly.overseas = not any(poly is p for p in main) and is_overseas(a3, poly.vector)
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


def stitch(arcs: dict[int, list[Point]], indices: tuple[int, ...]) -> list[Point]:
    """Join prepared arcs into one ring (``~i`` is arc ``i`` reversed)."""
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


def finish_ring(points: list[Point], width: int, height: int, keep_small: bool
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


def extent(rings: list[tuple[TenthsRing, bool]]) -> int:
    """The larger side of the box holding some rings, in tenths of a pixel."""
    xs = [p[0] for ring, _ in rings for p in ring]
    ys = [p[1] for ring, _ in rings for p in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys)) if xs else 0


def ring_markers(shapes: list[Shape], centres: dict[str, Point], roles: dict[str, str],
                 place: Callable[[Point], Point | None], scale: float, size: tuple[int, int],
                 below: int) -> list[Marker]:
    """Rings for coloured countries drawn smaller than ``below`` tenths of a pixel (at the
    standard width) and for small overseas parts of highlighted states, in the lighter tone
    (``place`` gives a lon/lat point's pixel position or None off the map; ``scale`` is pixels
    per radian), inside the frame; rings of one colour that would overlap are merged, full tones
    first."""
    width, height = size
    unit = width / WIDTH
    limit = below * unit
    found = []
    for shape in shapes:
        if shape.role is None or shape.overseas or shape.a3 not in centres:
            continue
        drawn = max((_extent(ring) for ring, _ in shape.rings), default=0)
        x, y = centres[shape.a3]
        if drawn < limit and 0 <= x <= width and 0 <= y <= height:
            found.append(Marker(round(x, 1), round(y, 1), shape.role, shape.light))
    for point, radius, role in overseas_rings(roles):
        where = place(point)
        if where is not None and 20 * radius * scale < limit:
            found.append(Marker(round(where[0], 1), round(where[1], 1), role, light=True))
    kept: list[Marker] = []
    apart = (MARKER_RADIUS * unit) ** 2
    for marker in sorted(found, key=lambda m: m.light):
        if all(other.role != marker.role or (other.x - marker.x) ** 2
               + (other.y - marker.y) ** 2 >= apart for other in kept):
            kept.append(marker)
    return kept


def overlay(marked: Marked, rings: list[tuple[TenthsRing, bool]], unit: float,
            at_least: int = AREA_AT_LEAST) -> Overlay | None:
    """A marked part's overlay from its pixel rings, with stripes; None when too small to see."""
    if extent(rings) < at_least * unit:
        return None
    pixels = [[(x / 10, y / 10) for x, y in ring] for ring, _ in rings]
    area, striped = marked.part.area, marked.part.part.striped
    stripes = hatch(pixels, STRIPE_SPACING * unit) if striped else []
    return Overlay(area.id, area.name, marked.base, marked.stripe, rings, stripes, striped)


def order(shapes: list[Shape], roles: dict[str, str]) -> list[Shape]:
    """Plain land first, then dependencies (and overseas parts), then highlighted countries in
    the roles' order."""
    plain = [s for s in shapes if s.role is None]
    dependencies = [s for s in shapes if s.role is not None and s.dependent]
    rank = {a3: i for i, a3 in enumerate(roles)}
    marked = sorted((s for s in shapes if s.role is not None and not s.dependent),
                    key=lambda s: rank[s.a3])
    return plain + dependencies + marked


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


@dataclass(frozen=True, slots=True)
class _View:
    """A regional map's projection and frame, to place lon/lat points in pixels."""

    projection: Azimuthal
    left: float
    top: float
    scale: float
    width: int
    height: int
    centre: Vector
    reach: float

    def pixels(self, ring: Sequence[Point]) -> list[Point]:
        """Pixel positions of lon/lat points (degrees)."""
        phis = [p[1] * RADIANS for p in ring]
        points = self.projection.project([p[0] * RADIANS for p in ring],
                                         [math.sin(phi) for phi in phis],
                                         [math.cos(phi) for phi in phis])
        return [((x - self.left) * self.scale, (self.top - y) * self.scale) for x, y in points]

    def place(self, point: Point) -> Point | None:
        """The pixel position of a lon/lat point, None when it is off the map."""
        if angular_distance(self.centre, unit_vector(*point)) > self.reach:
            return None
        ((x, y),) = self.pixels((point,))
        return (x, y) if 0 <= x <= self.width and 0 <= y <= self.height else None


def regional_point(projection: Azimuthal, frame: tuple[float, ...], width: int, point: Point
                   ) -> Point:
    """Where a lon/lat point falls on a regional map, in pixels (maybe off the frame)."""
    fx0, _, fx1, fy1 = frame
    scale = width / (fx1 - fx0)
    x, y = projection.project_point(*point)
    return ((x - fx0) * scale, (fy1 - y) * scale)


def _regional_overlays(view: _View, roles: dict[str, str]) -> list[Overlay]:
    """The disputed-area parts a regional map marks, projected and clipped to its frame."""
    overlays = []
    for marked in marked_parts(roles):
        part = marked.part
        if not cap_in_reach(view.centre, view.reach, part.vector, part.radius):
            continue
        rings = []
        for lonlat, hole in part.rings:
            ring = finish_ring(view.pixels(lonlat), view.width, view.height, False)
            if ring:
                rings.append((ring, hole))
        drawn = overlay(marked, rings, view.width / WIDTH)
        if drawn is not None:
            overlays.append(drawn)
    return overlays


def regional_scene(projection: Azimuthal, frame: tuple[float, ...], roles: dict[str, str],
                   width: int = WIDTH) -> Scene:
    """Draw every country near the frame in an azimuthal projection, the disputed areas the
    map marks over them, and rings for what is too small to see."""
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
    tones = feature_tones(roles)
    shapes, centres = [], {}
    for a3, country in data.countries.items():
        highlighted = a3 in roles
        if angular_distance(centre, country.vector) - country.reach > reach and not highlighted:
            continue
        role, light = tones.get(a3, (None, False))
        shape = Shape(a3, role, light=light, dependent=role is not None and not highlighted)
        overseas = overseas_shape(a3, role) if role is not None else shape
        for poly in country.polygons:
            if angular_distance(centre, poly.vector) - poly.radius > reach:
                continue
            target = overseas if poly.overseas else shape
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
                ring = finish_ring(stitch(arcs, indices), width, height, role is not None)
                if ring:
                    target.rings.append((ring, ring_index > 0))
        if highlighted or (role is not None and shape.rings):
            x, y = projection.project_point(*country.largest.centre)
            centres[a3] = ((x - fx0) * scale, (fy1 - y) * scale)
        if shape.rings or highlighted:
            shapes.append(shape)
        if overseas is not shape and overseas.rings:
            shapes.append(overseas)

    view = _View(projection, fx0, fy1, scale, width, height, centre, reach)
    overlays = _regional_overlays(view, roles)
    ordered = order(shapes, roles)
    marks = ring_markers(ordered, centres, roles, view.place, scale, (width, height),
                         REGIONAL_MARKER_BELOW)
    return Scene("regional", width, height, None, ordered, marks, overlays)
