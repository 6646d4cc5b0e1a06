"""The look of locator maps, shared by the SVG and PNG writers: colours and tones, stripes,
rings and the legend of disputed areas."""

from __future__ import annotations

import re

from wiki.relations.mapscene import Marker, Overlay, Shape

SEA_COLOUR = "#dbeaf6"
LAND_COLOUR = "#d4d4d4"
BORDER_COLOUR = "#ffffff"
FIRST_COLOUR = "#2f8f46"
SECOND_COLOUR = "#f08a24"
ROLE_COLOURS = {"first": FIRST_COLOUR, "second": SECOND_COLOUR}
STRIPE_COLOUR = "#6f6f6f"  # stripes of a disputed area when no state striping it is shaded
STRIPE_WIDTH = 0.9
LIGHT_SHARE = 0.55  # share of white in the lighter tone of dependencies and disputed areas
LEGEND_FONT_SIZE = 9
LEGEND_LINE = 12  # pixels from one legend line to the next
LEGEND_SWATCH = 9
LEGEND_MARGIN = 4
LEGEND_PREFIX = "Disputed: "
# Bump when the drawing changes in a way that stored map files must be redrawn for.
DRAWING_VERSION = "3"

_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def colour(role: str) -> str:
    """The colour of a role ("first", "second") or a #rrggbb colour given as the role."""
    if role in ROLE_COLOURS:
        return ROLE_COLOURS[role]
    if _HEX_COLOUR.fullmatch(role):
        return role
    raise ValueError(f"not a role or #rrggbb colour: {role!r}")


def lighter(hex_colour: str, share: float = LIGHT_SHARE) -> str:
    """Mix a #rrggbb colour with white (``share`` of white): the tone of dependencies and of
    disputed areas."""
    channels = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in channels)


def shape_fill(shape: Shape) -> str:
    """Plain land, a highlighted country's colour, or a dependency's (lighter) tone."""
    if shape.role is None:
        return LAND_COLOUR
    return lighter(colour(shape.role)) if shape.light else colour(shape.role)


def area_fill(overlay: Overlay) -> str:
    """A disputed area's fill: the lighter tone of the state it is shown as part of."""
    return lighter(colour(overlay.base)) if overlay.base else LAND_COLOUR


def stripe_colour(overlay: Overlay) -> str:
    """A disputed area's stripes: the colour of the other party when highlighted, else grey."""
    return colour(overlay.stripe) if overlay.stripe else STRIPE_COLOUR


def marker_colour(marker: Marker) -> str:
    """A ring's colour: its state's, a little lighter for a dependency (a ring as light as the
    dependency's fill would vanish against the sea)."""
    return lighter(colour(marker.role), 0.3) if marker.light else colour(marker.role)


def legend_text(overlay: Overlay) -> str:
    """The legend line of a disputed area."""
    return f"{LEGEND_PREFIX}{overlay.name}"


def legend_top(height: int, lines: int) -> float:
    """The y of the legend box's top edge (the box sits in the bottom-left corner)."""
    return height - LEGEND_MARGIN - lines * LEGEND_LINE - 2
