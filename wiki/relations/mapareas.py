"""What a map shows besides the highlighted states: which disputed areas it marks and in which
tones, which dependencies it shades, and which overseas parts of a state's outline it shades in
the lighter tone and rings.

Outlines of disputed areas are prepared once per process, in longitude/latitude, from the
reviewed table in ``disputed``: a whole atlas feature, or a country's outline clipped to the
triangles of a hand-drawn polygon. Each piece is counter-clockwise and each hole clockwise, so
the pieces fill seamlessly with the non-zero rule.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from wiki.relations.dependencies import DEPENDENCIES, OVERSEAS_PARTS
from wiki.relations.disputed import AREAS, DisputedArea, Part
from wiki.relations.polygons import clip_to_convex, signed_area, triangulate
from wiki.relations.projection import Point, Vector, angular_distance, unit_vector
from wiki.relations.topojson import load_world

EARTH_RADIUS_KM = 6371.0

LonLatRing = list[Point]


@dataclass(frozen=True, slots=True)
class AreaPart:
    """One part of a disputed area, ready to project: lon/lat rings flagged as hole or not, and
    a cap (centre vector, radius in radians) holding them, for cheap culling."""

    area: DisputedArea
    part: Part
    rings: tuple[tuple[tuple[Point, ...], bool], ...]
    vector: Vector
    radius: float


@dataclass(frozen=True, slots=True)
class Marked:
    """A disputed-area part as one map draws it: fill in the light tone of ``base`` (plain land
    when None), stripes in the colour of ``stripe`` (grey when None)."""

    part: AreaPart
    base: str | None
    stripe: str | None


def _oriented(ring: list[Point], hole: bool) -> tuple[Point, ...]:
    """Counter-clockwise for pieces, clockwise for holes."""
    if (signed_area(ring) < 0) != hole:
        ring = ring[::-1]
    return tuple(ring)


def _cap(rings: list[tuple[tuple[Point, ...], bool]]) -> tuple[Vector, float]:
    points = [p for ring, _ in rings for p in ring]
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    centre = unit_vector((min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2)
    radius = max(angular_distance(centre, unit_vector(lon, lat)) for lon, lat in points)
    return centre, radius


def _clipped(feature: str, within: tuple[Point, ...]) -> list[tuple[tuple[Point, ...], bool]]:
    """The feature's rings cut to the polygon ``within``, triangle by triangle."""
    polygons = load_world().features[feature].polygons
    out = []
    for triangle in triangulate(within):
        t_lons = [p[0] for p in triangle]
        t_lats = [p[1] for p in triangle]
        for polygon in polygons:
            exterior = polygon[0]
            lons = [p[0] for p in exterior]
            lats = [p[1] for p in exterior]
            if (max(lons) - min(lons) > 180.0 or max(lons) < min(t_lons)
                    or min(lons) > max(t_lons) or max(lats) < min(t_lats)
                    or min(lats) > max(t_lats)):
                continue
            for index, ring in enumerate(polygon):
                piece = clip_to_convex(list(ring[:-1]), triangle)
                if len(piece) >= 3 and abs(signed_area(piece)) > 1e-12:
                    out.append((_oriented(piece, index > 0), index > 0))
    return out


def _whole(feature: str) -> list[tuple[tuple[Point, ...], bool]]:
    return [(_oriented(list(ring[:-1]), index > 0), index > 0)
            for polygon in load_world().features[feature].polygons
            for index, ring in enumerate(polygon) if len(ring) > 3]


@functools.cache
def area_parts() -> tuple[AreaPart, ...]:
    """Every part of every reviewed disputed area, in table order (once per process)."""
    parts = []
    for area in AREAS:
        for part in area.parts:
            rings = _clipped(part.feature, part.within) if part.within else _whole(part.feature)
            if rings:
                parts.append(AreaPart(area, part, tuple(rings), *_cap(rings)))
    return tuple(parts)


def marked_parts(roles: dict[str, str]) -> list[Marked]:
    """The disputed-area parts a map with these highlighted codes marks, and their tones. An
    area is marked when the map highlights a state it involves; a part that is a whole atlas
    feature is not marked when that feature is itself highlighted (Kosovo on its own maps)."""
    marked = []
    for prepared in area_parts():
        area, part = prepared.area, prepared.part
        if not any(code in roles for code in area.states):
            continue
        if not part.within and part.feature in roles:
            continue
        stripe = roles.get(part.striped_by) if part.striped_by else None
        marked.append(Marked(prepared, roles.get(part.shown_as), stripe))
    return marked


def feature_tones(roles: dict[str, str]) -> dict[str, tuple[str, bool]]:
    """Role and lightness of every feature a map colours: highlighted features in full, and the
    dependencies of highlighted states (light, or full for integral parts) unless highlighted
    themselves."""
    tones = {a3: (role, False) for a3, role in roles.items()}
    for entry in DEPENDENCIES:
        if entry.sovereign in roles and entry.a3 not in roles:
            tones[entry.a3] = (roles[entry.sovereign], not entry.integral)
    return tones


def overseas_rings(roles: dict[str, str]) -> list[tuple[Point, float, str]]:
    """Overseas parts of highlighted states: (lon, lat), radius in radians, role."""
    return [((part.lon, part.lat), part.radius_km / EARTH_RADIUS_KM, roles[part.sovereign])
            for part in OVERSEAS_PARTS if part.sovereign in roles]


def is_overseas(a3: str, vector: Vector) -> bool:
    """Whether a polygon of a state's outline centred at ``vector`` lies within one of the
    state's overseas parts (within the part's radius of its location)."""
    return any(angular_distance(vector, unit_vector(part.lon, part.lat))
               <= part.radius_km / EARTH_RADIUS_KM
               for part in OVERSEAS_PARTS if part.sovereign == a3)


def cap_in_reach(centre: Vector, reach: float, vector: Vector, radius: float) -> bool:
    """Whether a cap (vector, radius) comes within ``reach`` radians of ``centre``."""
    return angular_distance(centre, vector) - radius <= reach
