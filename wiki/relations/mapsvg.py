"""Write a laid-out locator map as a compact SVG document: classes and attributes only (no ids,
no patterns, no clip paths), so that it can be inlined in a page more than once."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from wiki.relations.mapscene import MARKER_RADIUS, STRIPE_SPACING, Overlay, Scene, TenthsRing
from wiki.relations.mapstyle import (
    BORDER_COLOUR,
    LAND_COLOUR,
    LEGEND_FONT_SIZE,
    LEGEND_LINE,
    LEGEND_MARGIN,
    LEGEND_SWATCH,
    ROLE_COLOURS,
    SEA_COLOUR,
    STRIPE_WIDTH,
    area_fill,
    legend_text,
    legend_top,
    marker_colour,
    shape_fill,
    stripe_colour,
)
from wiki.relations.polygons import Segment, hatch

TEXT_WIDTH = 0.52  # average glyph width of the sans-serif legend font, in ems (with slack)


def _number(tenths: int) -> str:
    """Format tenths of a pixel as short SVG path numbers: 12, 1.5, -.5."""
    whole, part = divmod(abs(tenths), 10)
    sign = "-" if tenths < 0 else ""
    if part == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole if whole else ''}.{part}"


_NUMBERS: dict[int, str] = {}


def path_data(rings: Iterable[TenthsRing]) -> str:
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


def _segments_data(segments: Iterable[Segment]) -> str:
    """Absolute move/line commands for stripe segments, to a tenth of a pixel."""
    return "".join(f"M{x0:.1f} {y0:.1f}L{x1:.1f} {y1:.1f}" for (x0, y0), (x1, y1) in segments)


def _stripes(overlay: Overlay, segments: list[Segment], unit: float) -> str:
    return (f'<path class="stripes" data-area="{overlay.area}" fill="none"'
            f' stroke="{stripe_colour(overlay)}" stroke-width="{STRIPE_WIDTH * unit:.2g}"'
            f' d="{_segments_data(segments)}"/>')


def _legend(scene: Scene) -> list[str]:
    items = scene.legend()
    if not items:
        return []
    texts = [escape(legend_text(item), quote=False) for item in items]
    text_width = max(len(text) for text in texts) * LEGEND_FONT_SIZE * TEXT_WIDTH
    top = legend_top(round(scene.height / scene.unit), len(items))
    box_width = round(LEGEND_SWATCH + 10 + text_width)
    scaled = f' transform="scale({scene.unit:g})"' if scene.unit != 1 else ""
    parts = [
        f'<g class="legend" font-family="sans-serif" font-size="{LEGEND_FONT_SIZE}"'
        f' fill="#202122"{scaled}>',
        f'<rect class="legend-box" x="{LEGEND_MARGIN}" y="{top:g}" width="{box_width}"'
        f' height="{len(items) * LEGEND_LINE + 4}" fill="#ffffff" fill-opacity=".85"/>',
    ]
    for index, (item, text) in enumerate(zip(items, texts, strict=True)):
        x = LEGEND_MARGIN + 3
        y = top + 2 + index * LEGEND_LINE + (LEGEND_LINE - LEGEND_SWATCH) / 2
        square = [(x, y), (x + LEGEND_SWATCH, y), (x + LEGEND_SWATCH, y + LEGEND_SWATCH),
                  (x, y + LEGEND_SWATCH)]
        parts.append(f'<g class="legend-item" data-area="{item.area}">')
        parts.append(f'<rect x="{x:g}" y="{y:g}" width="{LEGEND_SWATCH}"'
                     f' height="{LEGEND_SWATCH}" fill="{area_fill(item)}"/>')
        if item.striped:
            parts.append(_stripes(item, hatch([square], STRIPE_SPACING), 1.0))
        baseline = top + 2 + (index + 1) * LEGEND_LINE - 3
        parts.append(f'<text x="{x + LEGEND_SWATCH + 4:g}" y="{baseline:g}">{text}</text>')
        parts.append("</g>")
    parts.append("</g>")
    return parts


def svg(scene: Scene, title: str) -> str:
    """Write a scene as an inline-safe SVG document (no XML prolog)."""
    width, height = scene.width, scene.height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="locator-map {scene.kind}" role="img"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(title, quote=False)}</title>",
    ]
    if scene.sea is None:
        parts.append(f'<rect class="sea" width="{width}" height="{height}" fill="{SEA_COLOUR}"/>')
    elif scene.sea:
        parts.append(f'<path class="sea" fill="{SEA_COLOUR}" d="{path_data(scene.sea)}"/>')
    parts.append(
        f'<g class="land" fill="{LAND_COLOUR}" fill-rule="evenodd" stroke="{BORDER_COLOUR}"'
        ' stroke-width=".5" stroke-linejoin="round">'
    )
    for shape in scene.shapes:
        if not shape.rings:
            continue
        data = path_data(ring for ring, _ in shape.rings)
        css = f"c-{shape.a3.lower()}"
        if shape.role is None:
            parts.append(f'<path class="{css}" d="{data}"/>')
            continue
        if shape.overseas:
            css += " overseas"
        elif shape.dependent:
            css += " dependency"
        else:
            css += " " + (shape.role if shape.role in ROLE_COLOURS else "highlight")
        parts.append(f'<path class="{css}" fill="{shape_fill(shape)}" d="{data}"/>')
    parts.append("</g>")
    if scene.overlays:
        parts.append('<g class="disputed-areas" fill-rule="nonzero">')
        for overlay in scene.overlays:
            data = path_data(ring for ring, _ in overlay.rings)
            parts.append(f'<path class="disputed {overlay.area}" data-area="{overlay.area}"'
                         f' fill="{area_fill(overlay)}" d="{data}"/>')
            if overlay.stripes:
                parts.append(_stripes(overlay, overlay.stripes, scene.unit))
        parts.append("</g>")
    if scene.markers:
        parts.append('<g class="markers" fill="none">')
        unit = scene.unit
        for marker in scene.markers:
            where = f'cx="{marker.x:g}" cy="{marker.y:g}" r="{MARKER_RADIUS * unit:g}"'
            parts.append(f'<circle {where} stroke="{BORDER_COLOUR}" stroke-width="{3 * unit:g}"/>')
            parts.append(f'<circle class="marker" {where} stroke="{marker_colour(marker)}"'
                         f' stroke-width="{1.5 * unit:g}"/>')
        parts.append("</g>")
    parts.extend(_legend(scene))
    parts.append("</svg>")
    return "\n".join(parts)
