"""Draw a laid-out locator map as a PNG with Pillow: at a few times the size, then downsampled
for smooth edges, with the same tones, stripes, rings and legend as the SVG."""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageDraw, ImageFont

from wiki.relations.mapscene import MARKER_RADIUS, STRIPE_SPACING, Scene, TenthsRing
from wiki.relations.mapstyle import (
    BORDER_COLOUR,
    LEGEND_FONT_SIZE,
    LEGEND_LINE,
    LEGEND_MARGIN,
    LEGEND_SWATCH,
    SEA_COLOUR,
    STRIPE_WIDTH,
    area_fill,
    legend_text,
    legend_top,
    marker_colour,
    shape_fill,
    stripe_colour,
)
from wiki.relations.polygons import Point, hatch

SUPERSAMPLE = 3

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.cache
def _font(size: int) -> Font:
    """Pillow's bundled font at a pixel size (a bitmap font when FreeType is missing)."""
    return ImageFont.load_default(size=size)


def _fill_rings(image: Image.Image, rings: list[tuple[list[Point], bool]], fill: str) -> None:
    """Fill rings on the image, holes left out."""
    if any(hole for _, hole in rings):
        mask = Image.new("L", image.size, 0)
        pen = ImageDraw.Draw(mask)
        for points, hole in rings:
            pen.polygon(points, fill=0 if hole else 255)
        image.paste(fill, (0, 0), mask)
    else:
        draw = ImageDraw.Draw(image)
        for points, _ in rings:
            draw.polygon(points, fill=fill)


def _legend(image: Image.Image, scene: Scene, zoom: float) -> None:
    items = scene.legend()
    if not items:
        return
    draw = ImageDraw.Draw(image, "RGBA")
    font = _font(max(6, round(LEGEND_FONT_SIZE * zoom)))
    texts = [legend_text(item) for item in items]
    text_width = max(draw.textlength(text, font=font) for text in texts) / zoom
    top = legend_top(round(scene.height / scene.unit), len(items))
    box = (LEGEND_MARGIN, top, LEGEND_MARGIN + LEGEND_SWATCH + 10 + text_width,
           top + len(items) * LEGEND_LINE + 4)
    draw.rectangle([v * zoom for v in box], fill=(255, 255, 255, 217))
    for index, (item, text) in enumerate(zip(items, texts, strict=True)):
        x = LEGEND_MARGIN + 3
        y = top + 2 + index * LEGEND_LINE + (LEGEND_LINE - LEGEND_SWATCH) / 2
        square = [(x, y), (x + LEGEND_SWATCH, y), (x + LEGEND_SWATCH, y + LEGEND_SWATCH),
                  (x, y + LEGEND_SWATCH)]
        draw.rectangle([x * zoom, y * zoom, (x + LEGEND_SWATCH) * zoom,
                        (y + LEGEND_SWATCH) * zoom], fill=area_fill(item))
        for (x0, y0), (x1, y1) in hatch([square], STRIPE_SPACING) if item.striped else []:
            draw.line([(x0 * zoom, y0 * zoom), (x1 * zoom, y1 * zoom)],
                      fill=stripe_colour(item), width=max(1, round(STRIPE_WIDTH * zoom)))
        baseline = top + 2 + (index + 1) * LEGEND_LINE - 3
        draw.text(((x + LEGEND_SWATCH + 4) * zoom, baseline * zoom), text, font=font,
                  fill="#202122", anchor="ls")


def png(scene: Scene, width: int) -> bytes:
    """Draw a scene ``width`` pixels wide."""
    factor = width / scene.width
    height = max(1, round(scene.height * factor))
    big = (width * SUPERSAMPLE, height * SUPERSAMPLE)
    zoom = factor * SUPERSAMPLE
    scale = zoom / 10

    def scaled(ring: TenthsRing) -> list[Point]:
        return [(x * scale, y * scale) for x, y in ring]

    image = Image.new("RGB", big, SEA_COLOUR if scene.sea is None else "#ffffff")
    draw = ImageDraw.Draw(image)
    for ring in scene.sea or []:
        if len(ring) >= 3:
            draw.polygon(scaled(ring), fill=SEA_COLOUR)
    border = max(1, round(0.5 * zoom))
    for shape in scene.shapes:
        rings = [(scaled(ring), hole) for ring, hole in shape.rings if len(ring) >= 3]
        _fill_rings(image, rings, shape_fill(shape))
        for points, _ in rings:
            draw.line(points + points[:1], fill=BORDER_COLOUR, width=border)
    stripe = max(1, round(STRIPE_WIDTH * zoom * scene.unit))
    for overlay in scene.overlays:
        rings = [(scaled(ring), hole) for ring, hole in overlay.rings if len(ring) >= 3]
        _fill_rings(image, rings, area_fill(overlay))
        for (x0, y0), (x1, y1) in overlay.stripes:
            draw.line([(x0 * zoom, y0 * zoom), (x1 * zoom, y1 * zoom)],
                      fill=stripe_colour(overlay), width=stripe)
    ring_zoom = zoom * scene.unit
    radius = MARKER_RADIUS * ring_zoom
    for marker in scene.markers:
        cx, cy = marker.x * zoom, marker.y * zoom
        box = (cx - radius, cy - radius, cx + radius, cy + radius)
        draw.ellipse(box, outline=BORDER_COLOUR, width=round(3 * ring_zoom))
        draw.ellipse(box, outline=marker_colour(marker), width=round(1.5 * ring_zoom))
    _legend(image, scene, zoom * scene.unit)
    small = image.resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG")
    return buffer.getvalue()
