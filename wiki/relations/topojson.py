"""Decode the vendored TopoJSON world outlines into per-country polygons keyed by ISO alpha-3.

Only what the locator maps need: quantized, delta-encoded arcs and Polygon / MultiPolygon
geometries. Features are keyed by ``properties.a3``; the numeric ``id`` of the source data is not
unique (Australia and Ashmore and Cartier Islands share one) and its ``name`` is abbreviated, so
neither is used.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WORLD_PATH = Path(__file__).resolve().parent / "data" / "world-50m.json"
WORLD_OBJECT = "countries"

Point = tuple[float, float]
Ring = tuple[Point, ...]
ArcRing = tuple[int, ...]


class TopologyError(ValueError):
    """The TopoJSON document does not have the shape this decoder expects."""


@dataclass(frozen=True, slots=True)
class Feature:
    """One country: its polygons as arc indices and as (longitude, latitude) rings in degrees."""

    a3: str
    arc_polygons: tuple[tuple[ArcRing, ...], ...]
    polygons: tuple[tuple[Ring, ...], ...]


@dataclass(frozen=True, slots=True)
class World:
    """A decoded topology: absolute arc coordinates and the features keyed by alpha-3 code."""

    arcs: tuple[tuple[Point, ...], ...]
    features: dict[str, Feature]


def decode_arcs(topology: dict[str, Any]) -> tuple[tuple[Point, ...], ...]:
    """Turn the topology's arcs into absolute (longitude, latitude) points."""
    transform = topology.get("transform")
    decoded = []
    if transform is None:
        for arc in topology["arcs"]:
            decoded.append(tuple((float(p[0]), float(p[1])) for p in arc))
        return tuple(decoded)
    scale_x, scale_y = transform["scale"]
    shift_x, shift_y = transform["translate"]
    for arc in topology["arcs"]:
        qx = qy = 0
        points = []
        for delta in arc:
            qx += delta[0]
            qy += delta[1]
            points.append((qx * scale_x + shift_x, qy * scale_y + shift_y))
        decoded.append(tuple(points))
    return tuple(decoded)


def stitch_ring(arcs: tuple[tuple[Point, ...], ...], indices: ArcRing) -> Ring:
    """Join the arcs of one ring; ``~i`` is arc ``i`` reversed, shared end points appear once."""
    points: list[Point] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return tuple(points)


def _arc_polygons(geometry: dict[str, Any]) -> tuple[tuple[ArcRing, ...], ...]:
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        polygons = geometry["arcs"]
    elif kind is None:
        polygons = []
    else:
        raise TopologyError(f"unsupported geometry type {kind!r}")
    return tuple(tuple(tuple(ring) for ring in polygon) for polygon in polygons)


def decode(topology: dict[str, Any], object_name: str = WORLD_OBJECT) -> World:
    """Decode one GeometryCollection of a topology into features keyed by ``properties.a3``."""
    if topology.get("type") != "Topology":
        raise TopologyError("not a TopoJSON topology")
    collection = topology["objects"][object_name]
    arcs = decode_arcs(topology)
    features: dict[str, Feature] = {}
    for geometry in collection.get("geometries", []):
        code = (geometry.get("properties") or {}).get("a3")
        if not isinstance(code, str) or not code:
            raise TopologyError("a feature has no properties.a3")
        if code in features:
            raise TopologyError(f"duplicate properties.a3 {code!r}")
        arc_polygons = _arc_polygons(geometry)
        polygons = tuple(
            tuple(stitch_ring(arcs, ring) for ring in polygon) for polygon in arc_polygons
        )
        features[code] = Feature(code, arc_polygons, polygons)
    return World(arcs, features)


@functools.cache
def load_world() -> World:
    """Read and decode the vendored world outlines, once per process."""
    with WORLD_PATH.open(encoding="utf-8") as handle:
        return decode(json.load(handle))
