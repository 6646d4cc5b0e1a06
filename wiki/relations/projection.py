"""Projections and plane geometry for locator maps: Lambert azimuthal equal-area, Equal Earth,
great-circle distances, ring clipping and cutting rings at the antimeridian."""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float]
Vector = tuple[float, float, float]

RADIANS = math.pi / 180
# Points farther than this from the centre of an azimuthal map are pulled onto this circle:
# beyond it the projection stretches towards the antipode and small shapes would cover the map.
AZIMUTHAL_CUTOFF = 107 * RADIANS

# Equal Earth (Šavrič, Patterson and Jenny, 2018).
_EE_A1, _EE_A2, _EE_A3, _EE_A4 = 1.340264, -0.081106, 0.000893, 0.003796
_EE_M = math.sqrt(3) / 2


def unit_vector(lon: float, lat: float) -> Vector:
    """Return the unit vector of a point given in degrees."""
    lam, phi = lon * RADIANS, lat * RADIANS
    cos_phi = math.cos(phi)
    return (cos_phi * math.cos(lam), cos_phi * math.sin(lam), math.sin(phi))


def vector_lon_lat(vector: Vector) -> Point:
    """Return the (longitude, latitude) in degrees of a non-zero vector."""
    x, y, z = vector
    return (math.atan2(y, x) / RADIANS, math.atan2(z, math.hypot(x, y)) / RADIANS)


def angular_distance(u: Vector, v: Vector) -> float:
    """Return the great-circle angle in radians between two unit vectors."""
    cx = u[1] * v[2] - u[2] * v[1]
    cy = u[2] * v[0] - u[0] * v[2]
    cz = u[0] * v[1] - u[1] * v[0]
    dot = u[0] * v[0] + u[1] * v[1] + u[2] * v[2]
    return math.atan2(math.sqrt(cx * cx + cy * cy + cz * cz), dot)


def wrap_longitude(lon: float) -> float:
    """Bring a longitude in degrees into [-180, 180)."""
    return (lon + 180.0) % 360.0 - 180.0


def unwrap(ring: Sequence[Point]) -> list[Point]:
    """Make longitudes continuous along a ring by adding multiples of 360 degrees."""
    if not ring:
        return []
    out = [ring[0]]
    offset = 0.0
    previous = ring[0][0]
    for lon, lat in ring[1:]:
        step = lon - previous
        if step > 180.0:
            offset -= 360.0
        elif step < -180.0:
            offset += 360.0
        previous = lon
        out.append((lon + offset, lat))
    return out


class Azimuthal:
    """Lambert azimuthal equal-area projection on a unit sphere centred on (lon0, lat0)."""

    def __init__(self, lon0: float, lat0: float) -> None:
        self.lam0 = lon0 * RADIANS
        phi0 = lat0 * RADIANS
        self.sin0 = math.sin(phi0)
        self.cos0 = math.cos(phi0)
        self.cos_cutoff = math.cos(AZIMUTHAL_CUTOFF)
        self.cutoff_radius = 2 * math.sin(AZIMUTHAL_CUTOFF / 2)

    def project(self, lams: Sequence[float], sins: Sequence[float], coss: Sequence[float]
                ) -> list[Point]:
        """Project points given as longitudes (radians) and sines and cosines of latitudes."""
        lam0, sin0, cos0 = self.lam0, self.sin0, self.cos0
        cos_cutoff, radius = self.cos_cutoff, self.cutoff_radius
        cos, sin, sqrt = math.cos, math.sin, math.sqrt
        out: list[Point] = []
        append = out.append
        for lam, sin_phi, cos_phi in zip(lams, sins, coss, strict=True):
            delta = lam - lam0
            cos_delta = cos(delta)
            x = cos_phi * sin(delta)
            y = cos0 * sin_phi - sin0 * cos_phi * cos_delta
            cos_c = sin0 * sin_phi + cos0 * cos_phi * cos_delta
            if cos_c > cos_cutoff:
                k = sqrt(2.0 / (1.0 + cos_c))
                append((k * x, k * y))
            else:
                norm = sqrt(x * x + y * y)
                if norm < 1e-12:
                    append((radius, 0.0))
                else:
                    append((radius * x / norm, radius * y / norm))
        return out

    def project_point(self, lon: float, lat: float) -> Point:
        """Project one point given in degrees."""
        phi = lat * RADIANS
        return self.project([lon * RADIANS], [math.sin(phi)], [math.cos(phi)])[0]


def equal_earth(lon: float, lat: float) -> Point:
    """Project a point in degrees with Equal Earth on a unit sphere (y points north)."""
    theta = math.asin(_EE_M * math.sin(lat * RADIANS))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = 2 * math.sqrt(3) * lon * RADIANS * math.cos(theta) / (
        3 * (9 * _EE_A4 * t6 * t2 + 7 * _EE_A3 * t6 + 3 * _EE_A2 * t2 + _EE_A1)
    )
    y = theta * (_EE_A4 * t6 * t2 + _EE_A3 * t6 + _EE_A2 * t2 + _EE_A1)
    return (x, y)


def _clip_edge(points: list[Point], axis: int, limit: float, keep_below: bool) -> list[Point]:
    """One Sutherland-Hodgman pass against the line coordinate[axis] == limit."""
    out: list[Point] = []
    if not points:
        return out
    other = 1 - axis
    previous = points[-1]
    prev_in = previous[axis] <= limit if keep_below else previous[axis] >= limit
    for point in points:
        inside = point[axis] <= limit if keep_below else point[axis] >= limit
        if inside != prev_in:
            t = (limit - previous[axis]) / (point[axis] - previous[axis])
            crossing = [0.0, 0.0]
            crossing[axis] = limit
            crossing[other] = previous[other] + t * (point[other] - previous[other])
            out.append((crossing[0], crossing[1]))
        if inside:
            out.append(point)
        previous, prev_in = point, inside
    return out


def clip_ring(points: list[Point], x0: float, y0: float, x1: float, y1: float) -> list[Point]:
    """Clip a ring to the rectangle [x0, x1] x [y0, y1]; edges along the sides are kept."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    low_x, high_x, low_y, high_y = min(xs), max(xs), min(ys), max(ys)
    if low_x >= x0 and high_x <= x1 and low_y >= y0 and high_y <= y1:
        return points
    if high_x < x0 or low_x > x1 or high_y < y0 or low_y > y1:
        return []
    if low_x < x0:
        points = _clip_edge(points, 0, x0, False)
    if high_x > x1:
        points = _clip_edge(points, 0, x1, True)
    if low_y < y0:
        points = _clip_edge(points, 1, y0, False)
    if high_y > y1:
        points = _clip_edge(points, 1, y1, True)
    return points


def _densify_meridians(ring: list[Point], step: float = 2.0) -> list[Point]:
    """Add points along edges that follow the +-180 meridian, which curves in Equal Earth."""
    out: list[Point] = []
    for index, (lon, lat) in enumerate(ring):
        out.append((lon, lat))
        next_lon, next_lat = ring[(index + 1) % len(ring)]
        if abs(lon) == 180.0 and next_lon == lon and abs(next_lat - lat) > step:
            count = int(abs(next_lat - lat) / step)
            for k in range(1, count + 1):
                out.append((lon, lat + (next_lat - lat) * k / (count + 1)))
    return out


def cut_antimeridian(ring: Sequence[Point]) -> list[list[Point]]:
    """Unwrap a lon/lat ring and cut it at +-180 degrees into rings that stay inside [-180, 180].

    A ring that winds once around a pole (Antarctica) is closed along that pole first.
    """
    points = unwrap(ring)
    if len(points) < 3:
        return []
    turn = points[-1][0] - points[0][0]
    if abs(turn) > 180.0:
        pole = -90.0 if sum(p[1] for p in points) < 0 else 90.0
        points.extend([(points[-1][0], pole), (points[0][0], pole)])
    lons = [p[0] for p in points]
    low, high = min(lons), max(lons)
    if low >= -180.0 and high <= 180.0:
        return [points]
    pieces = []
    first_shift = -360.0 * math.ceil((high - 180.0) / 360.0)
    shift = first_shift
    while low + shift < 180.0:
        shifted = [(lon + shift, lat) for lon, lat in points]
        piece = _clip_edge(_clip_edge(shifted, 0, -180.0, False), 0, 180.0, True)
        if len(piece) >= 3:
            pieces.append(_densify_meridians(piece))
        shift += 360.0
    return pieces
