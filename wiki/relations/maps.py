"""Locator maps of countries as SVG and PNG, drawn from the vendored world outlines.

A pair gets a regional map (Lambert azimuthal equal-area around both countries) or, when the two
are far apart or large, a world map (Equal Earth). Hub pages get a world map with several
countries shaded. Tiny highlighted countries get a ring marker.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from html import escape

from PIL import Image, ImageDraw

from wiki.relations.mapscene import (
    ANTARCTICA,
    REGIONAL_HEIGHT,
    WIDTH,
    Scene,
    TenthsRing,
    pair_layout,
    prepared,
    regional_scene,
    world_base,
    world_scene,
)

SEA_COLOUR = "#dbeaf6"
LAND_COLOUR = "#d4d4d4"
BORDER_COLOUR = "#ffffff"
FIRST_COLOUR = "#2f8f46"
SECOND_COLOUR = "#f08a24"
ROLE_COLOURS = {"first": FIRST_COLOUR, "second": SECOND_COLOUR}
MARKER_RADIUS = 6.0
SUPERSAMPLE = 3
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


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


def _colour(role: str) -> str:
    if role in ROLE_COLOURS:
        return ROLE_COLOURS[role]
    if _HEX_COLOUR.fullmatch(role):
        return role
    raise ValueError(f"not a role or #rrggbb colour: {role!r}")


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
        return world_base(ANTARCTICA in (first, second))[3]
    return REGIONAL_HEIGHT


def _number(tenths: int) -> str:
    """Format tenths of a pixel as short SVG path numbers: 12, 1.5, -.5."""
    whole, part = divmod(abs(tenths), 10)
    sign = "-" if tenths < 0 else ""
    if part == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole if whole else ''}.{part}"


_NUMBERS: dict[int, str] = {}


def _path_data(rings: Iterable[TenthsRing]) -> str:
    """Relative path commands for closed rings, with numbers in tenths of a pixel."""
    numbers = _NUMBERS
    out: list[str] = []
    cur_x = cur_y = 0
    for ring in rings:
        start_x, start_y = ring[0]
        out.append("m")  # a leading relative moveto is absolute
        dx, dy = start_x - cur_x, start_y - cur_y
        previous = ""
        last_x, last_y = start_x, start_y
        for index, (x, y) in enumerate(ring):
            if index:
                dx, dy = x - last_x, y - last_y
                last_x, last_y = x, y
            for value in (dx, dy):
                text = numbers.get(value)
                if text is None:
                    text = numbers[value] = _number(value)
                if previous and text[0] != "-" and not (text[0] == "." and "." in previous):
                    out.append(" ")
                out.append(text)
                previous = text
        out.append("z")
        cur_x, cur_y = start_x, start_y
    return "".join(out)


def _svg(scene: Scene, title: str) -> str:
    """Write a scene as an inline-safe SVG document (classes only, no XML prolog)."""
    width, height = scene.width, scene.height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="locator-map {scene.kind}" role="img"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(title, quote=False)}</title>",
    ]
    if scene.sea is None:
        parts.append(f'<rect class="sea" width="{width}" height="{height}" fill="{SEA_COLOUR}"/>')
    elif scene.sea:
        parts.append(f'<path class="sea" fill="{SEA_COLOUR}" d="{_path_data(scene.sea)}"/>')
    parts.append(
        f'<g class="land" fill="{LAND_COLOUR}" fill-rule="evenodd" stroke="{BORDER_COLOUR}"'
        ' stroke-width=".5" stroke-linejoin="round">'
    )
    for shape in scene.shapes:
        if not shape.rings:
            continue
        data = _path_data(ring for ring, _ in shape.rings)
        css = f"c-{shape.a3.lower()}"
        if shape.role is None:
            parts.append(f'<path class="{css}" d="{data}"/>')
        else:
            role = shape.role if shape.role in ROLE_COLOURS else "highlight"
            parts.append(
                f'<path class="{css} {role}" fill="{_colour(shape.role)}" d="{data}"/>'
            )
    parts.append("</g>")
    if scene.markers:
        parts.append('<g class="markers" fill="none">')
        for x, y, role in scene.markers:
            where = f'cx="{x:g}" cy="{y:g}" r="{MARKER_RADIUS:g}"'
            parts.append(f'<circle {where} stroke="{BORDER_COLOUR}" stroke-width="3"/>')
            parts.append(
                f'<circle class="marker" {where} stroke="{_colour(role)}" stroke-width="1.5"/>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _png(scene: Scene, width: int) -> bytes:
    """Draw a scene with Pillow at a few times the size and downsample for smooth edges."""
    factor = width / scene.width
    height = max(1, round(scene.height * factor))
    big = (width * SUPERSAMPLE, height * SUPERSAMPLE)
    scale = factor * SUPERSAMPLE / 10

    def scaled(ring: TenthsRing) -> list[tuple[float, float]]:
        return [(x * scale, y * scale) for x, y in ring]

    image = Image.new("RGB", big, SEA_COLOUR if scene.sea is None else "#ffffff")
    draw = ImageDraw.Draw(image)
    for ring in scene.sea or []:
        if len(ring) >= 3:
            draw.polygon(scaled(ring), fill=SEA_COLOUR)
    border = max(1, round(0.5 * factor * SUPERSAMPLE))
    for shape in scene.shapes:
        colour = LAND_COLOUR if shape.role is None else _colour(shape.role)
        rings = [(scaled(ring), hole) for ring, hole in shape.rings if len(ring) >= 3]
        if any(hole for _, hole in rings):
            mask = Image.new("L", big, 0)
            pen = ImageDraw.Draw(mask)
            for points, hole in rings:
                pen.polygon(points, fill=0 if hole else 255)
            image.paste(colour, (0, 0), mask)
        else:
            for points, _ in rings:
                draw.polygon(points, fill=colour)
        for points, _ in rings:
            draw.line(points + points[:1], fill=BORDER_COLOUR, width=border)
    radius = MARKER_RADIUS * factor * SUPERSAMPLE
    for x, y, role in scene.markers:
        cx, cy = x * factor * SUPERSAMPLE, y * factor * SUPERSAMPLE
        box = (cx - radius, cy - radius, cx + radius, cy + radius)
        draw.ellipse(box, outline=BORDER_COLOUR, width=round(3 * factor * SUPERSAMPLE))
        draw.ellipse(box, outline=_colour(role), width=round(1.5 * factor * SUPERSAMPLE))
    small = image.resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG")
    return buffer.getvalue()


def render_map_svg(first_a3: str, second_a3: str, first_name: str, second_name: str) -> str:
    """Return the SVG locator map of a pair, titled with the two display names."""
    scene = map_scene(first_a3, second_a3)
    return _svg(scene, f"Map indicating locations of {first_name} and {second_name}")


def render_map_png(first_a3: str, second_a3: str, width: int = WIDTH) -> bytes:
    """Return the PNG locator map of a pair, ``width`` pixels wide."""
    if not 32 <= width <= 4096:
        raise ValueError(f"width out of range: {width}")
    return _png(map_scene(first_a3, second_a3, width=width), width)


def _world_roles(highlighted: Mapping[str, str] | Iterable[str]) -> dict[str, str]:
    """Roles of shaded countries: a mapping gives each a role or colour, a set shades in first."""
    if isinstance(highlighted, Mapping):
        roles = {_check(a3): role for a3, role in highlighted.items()}
    else:
        roles = {_check(a3): "first" for a3 in sorted(highlighted)}
    for role in roles.values():
        _colour(role)
    ordered = sorted(roles, key=lambda a3: roles[a3] == "first")
    return {a3: roles[a3] for a3 in ordered}


def render_world_svg(highlighted: Mapping[str, str] | set[str], title: str) -> str:
    """Return a world map with countries shaded ("first", "second" or "#rrggbb" per code)."""
    return _svg(world_scene(_world_roles(highlighted)), title)


def render_world_png(highlighted: Mapping[str, str] | set[str], width: int = WIDTH) -> bytes:
    """Return the PNG counterpart of ``render_world_svg``."""
    if not 32 <= width <= 4096:
        raise ValueError(f"width out of range: {width}")
    return _png(world_scene(_world_roles(highlighted)), width)
