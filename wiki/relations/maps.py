"""Locator maps of countries as SVG and PNG, drawn from the vendored world outlines.

A pair gets a regional map (Lambert azimuthal equal-area around both countries) or, when the two
are far apart or large, a world map (Equal Earth, Pacific-centred when that keeps the pair
whole). Hub pages get a world map with several countries shaded. Dependencies, and overseas
parts far from a state's main part (French Guiana), take a lighter tone of their state's colour;
disputed areas (see ``disputed``) a lighter tone with stripes and a legend line; anything too
small to see gets a ring marker.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from wiki.relations.mappng import png
from wiki.relations.mapscene import (
    REGIONAL_HEIGHT,
    WIDTH,
    Scene,
    pair_layout,
    prepared,
    regional_point,
    regional_scene,
)
from wiki.relations.mapstyle import (
    BORDER_COLOUR,
    FIRST_COLOUR,
    LAND_COLOUR,
    SEA_COLOUR,
    SECOND_COLOUR,
    colour,
    lighter,
)
from wiki.relations.mapsvg import svg
from wiki.relations.mapworld import ANTARCTICA, world_height, world_point, world_scene

__all__ = [
    "BORDER_COLOUR", "FIRST_COLOUR", "LAND_COLOUR", "SEA_COLOUR", "SECOND_COLOUR",
    "SameCountryError", "UnknownCountryCode", "lighter", "map_height", "map_point", "map_scene",
    "render_map_png", "render_map_svg", "render_world_png", "render_world_svg", "world_map_scene",
]


class UnknownCountryCode(ValueError):
    """The code is not an ISO alpha-3 code present in the map data."""


class SameCountryError(ValueError):
    """Both countries of a pair are the same."""


def _check(code: str) -> str:
    normal = code.strip().upper() if isinstance(code, str) else ""
    if normal not in prepared().countries:
        raise UnknownCountryCode(f"no map outline for country code {code!r}")
    return normal


def _pair(first_a3: str, second_a3: str) -> tuple[str, str]:
    first, second = _check(first_a3), _check(second_a3)
    if first == second:
        raise SameCountryError(f"a pair needs two different countries, got {first} twice")
    return first, second


def map_scene(first_a3: str, second_a3: str, width: int = WIDTH) -> Scene:
    """Lay out the locator map of a pair: regional when they are close, world otherwise."""
    first, second = _pair(first_a3, second_a3)
    roles = {first: "first", second: "second"}
    layout = pair_layout(first, second)
    if layout is None:
        return world_scene(roles)
    return regional_scene(*layout, roles, width=width)


def map_height(first_a3: str, second_a3: str) -> int:
    """The height in pixels of a pair's locator map at the standard width, without drawing it
    (pages give it to the image so that nothing moves when the map arrives)."""
    first, second = _pair(first_a3, second_a3)
    if pair_layout(first, second) is None:
        return world_height(ANTARCTICA in (first, second))
    return REGIONAL_HEIGHT


def map_point(first_a3: str, second_a3: str, lon: float, lat: float) -> tuple[float, float]:
    """Where a place (degrees) falls on a pair's locator map at the standard width, in pixels
    of the SVG (outside 0..width or 0..height when it is off the map)."""
    first, second = _pair(first_a3, second_a3)
    layout = pair_layout(first, second)
    if layout is None:
        return world_point({first: "first", second: "second"}, (lon, lat))
    return regional_point(*layout, WIDTH, (lon, lat))


def render_map_svg(first_a3: str, second_a3: str, first_name: str, second_name: str) -> str:
    """Return the SVG locator map of a pair, titled with the two display names."""
    scene = map_scene(first_a3, second_a3)
    return svg(scene, f"Map indicating locations of {first_name} and {second_name}")


def render_map_png(first_a3: str, second_a3: str, width: int = WIDTH) -> bytes:
    """Return the PNG locator map of a pair, ``width`` pixels wide."""
    if not 32 <= width <= 4096:
        raise ValueError(f"width out of range: {width}")
    return png(map_scene(first_a3, second_a3, width=width), width)


def _world_roles(highlighted: Mapping[str, str] | Iterable[str]) -> dict[str, str]:
    """Roles of shaded countries: a mapping gives each a role or colour, a set shades in first."""
    if isinstance(highlighted, Mapping):
        roles = {_check(a3): role for a3, role in highlighted.items()}
    else:
        roles = {_check(a3): "first" for a3 in sorted(highlighted)}
    for role in roles.values():
        colour(role)
    ordered = sorted(roles, key=lambda a3: roles[a3] == "first")
    return {a3: roles[a3] for a3 in ordered}


def world_map_scene(highlighted: Mapping[str, str] | set[str]) -> Scene:
    """Lay out a world map with countries shaded ("first", "second" or "#rrggbb" per code)."""
    return world_scene(_world_roles(highlighted))


def render_world_svg(highlighted: Mapping[str, str] | set[str], title: str) -> str:
    """Return a world map with countries shaded ("first", "second" or "#rrggbb" per code)."""
    return svg(world_map_scene(highlighted), title)


def render_world_png(highlighted: Mapping[str, str] | set[str], width: int = WIDTH) -> bytes:
    """Return the PNG counterpart of ``render_world_svg``."""
    if not 32 <= width <= 4096:
        raise ValueError(f"width out of range: {width}")
    return png(world_map_scene(highlighted), width)
