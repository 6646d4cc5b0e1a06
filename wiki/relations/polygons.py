"""Plane polygon helpers for map overlays: cutting a simple polygon into triangles, clipping a
ring to a convex polygon, telling whether a point is inside rings, and hatching rings with
parallel lines. Pure functions on (x, y) tuples; no projection involved."""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float]
Segment = tuple[Point, Point]


def signed_area(ring: Sequence[Point]) -> float:
    """Twice the signed area of a ring (positive when counter-clockwise with y up)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]],
                                                                 strict=True))


def _cross(o: Point, a: Point, b: Point) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def is_simple(ring: Sequence[Point]) -> bool:
    """True when no two non-adjacent edges of the ring touch or cross."""
    count = len(ring)
    edges = [(ring[i], ring[(i + 1) % count]) for i in range(count)]
    for i in range(count):
        for j in range(i + 1, count):
            if j == i + 1 or (i == 0 and j == count - 1):
                continue
            (a, b), (c, d) = edges[i], edges[j]
            if (_cross(a, b, c) * _cross(a, b, d) <= 0
                    and _cross(c, d, a) * _cross(c, d, b) <= 0):
                return False
    return True


def triangulate(ring: Sequence[Point]) -> list[tuple[Point, Point, Point]]:
    """Cut a simple polygon (either winding, no closing duplicate) into triangles by clipping
    ears; each triangle is counter-clockwise."""
    points = list(ring)
    if signed_area(points) < 0:
        points.reverse()
    triangles = []
    while len(points) > 3:
        count = len(points)
        for index in range(count):
            a, b, c = points[index - 1], points[index], points[(index + 1) % count]
            if _cross(a, b, c) <= 0:
                continue  # reflex or flat corner: not an ear
            others = (p for p in points if p not in (a, b, c))
            if any(_cross(a, b, p) >= 0 and _cross(b, c, p) >= 0 and _cross(c, a, p) >= 0
                   for p in others):
                continue
            triangles.append((a, b, c))
            del points[index]
            break
        else:
            raise ValueError("not a simple polygon")
    triangles.append((points[0], points[1], points[2]))
    return triangles


def _clip_half_plane(points: list[Point], a: Point, b: Point) -> list[Point]:
    """Keep the part of a ring left of the directed line a -> b (Sutherland-Hodgman pass)."""
    out: list[Point] = []
    if not points:
        return out
    previous = points[-1]
    prev_side = _cross(a, b, previous)
    for point in points:
        side = _cross(a, b, point)
        if (side >= 0) != (prev_side >= 0):
            t = prev_side / (prev_side - side)
            out.append((previous[0] + t * (point[0] - previous[0]),
                        previous[1] + t * (point[1] - previous[1])))
        if side >= 0:
            out.append(point)
        previous, prev_side = point, side
    return out


def clip_to_convex(ring: Sequence[Point], convex: Sequence[Point]) -> list[Point]:
    """The part of a ring inside a counter-clockwise convex polygon. A concave ring may come back
    with zero-width bridges along the clip edges: right for filling, not for stroking."""
    points = list(ring)
    for index, a in enumerate(convex):
        points = _clip_half_plane(points, a, convex[(index + 1) % len(convex)])
        if not points:
            break
    return points


def contains(rings: Sequence[Sequence[Point]], x: float, y: float) -> bool:
    """Even-odd test: is the point inside the rings (holes being rings inside rings)?"""
    inside = False
    for ring in rings:
        count = len(ring)
        for index in range(count):
            x0, y0 = ring[index]
            x1, y1 = ring[index - 1]
            if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / (y1 - y0) + x0:
                inside = not inside
    return inside


def hatch(rings: Sequence[Sequence[Point]], spacing: float, angle: float = 45.0
          ) -> list[Segment]:
    """Segments of parallel lines ``spacing`` apart, at ``angle`` degrees, inside the rings
    (even-odd), for drawing stripes without a clip path or pattern."""
    if spacing <= 0:
        raise ValueError("spacing must be positive")
    theta = math.radians(angle)
    dx, dy = math.cos(theta), math.sin(theta)  # along the lines
    nx, ny = -dy, dx  # across them
    edges: list[tuple[Point, Point, float, float]] = []
    offsets: list[float] = []
    for ring in rings:
        count = len(ring)
        for index in range(count):
            p, q = ring[index - 1], ring[index]
            op, oq = p[0] * nx + p[1] * ny, q[0] * nx + q[1] * ny
            if op != oq:
                edges.append((p, q, op, oq))
            offsets.extend((op, oq))
    if not edges:
        return []
    low, high = min(offsets), max(offsets)
    segments: list[Segment] = []
    offset = (math.floor(low / spacing) + 0.5) * spacing
    while offset < high:
        hits = []
        for p, q, op, oq in edges:
            if (op > offset) != (oq > offset):
                t = (offset - op) / (oq - op)
                x, y = p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])
                hits.append((x * dx + y * dy, x, y))
        hits.sort()
        for (_, x0, y0), (_, x1, y1) in zip(hits[::2], hits[1::2], strict=False):
            if (x1 - x0) ** 2 + (y1 - y0) ** 2 > 0.01:
                segments.append(((x0, y0), (x1, y1)))
        offset += spacing
    return segments
