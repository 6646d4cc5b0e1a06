"""Disputed areas and dependencies on the locator maps, checked where it shows: each place is
projected with its map's own projection and the topmost filled path of the SVG under it says
how it is drawn (class, area and fill). Also the reviewed tables: every entry has a source."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest

from wiki.relations import maps
from wiki.relations.dependencies import DEPENDENCIES, OVERSEAS_PARTS, dependency_problems
from wiki.relations.disputed import AREAS, area_problems
from wiki.relations.mapscene import prepared
from wiki.relations.mapworld import world_point
from wiki.relations.sources import Source
from wiki.relations.topojson import load_world

SVG = "{http://www.w3.org/2000/svg}"
FIRST, SECOND = maps.FIRST_COLOUR, maps.SECOND_COLOUR


@dataclass
class Drawn:
    """A filled path of a map: its classes, data-area and fill, and its rings in pixels."""

    classes: list[str]
    area: str | None
    fill: str
    rings: list[list[tuple[float, float]]]
    stripes: str | None = None


def _rings(data: str) -> list[list[tuple[float, float]]]:
    """Relative path data ("m...z" rings) back into absolute rings in pixels."""
    rings: list[list[tuple[float, float]]] = []
    start = (0.0, 0.0)
    for chunk in re.findall(r"m([^mz]*)z", data):
        numbers = [float(n) for n in re.findall(r"-?\d*\.?\d+", chunk)]
        x, y = start[0] + numbers[0], start[1] + numbers[1]
        ring = [(x, y)]
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
            x, y = x + dx, y + dy
            ring.append((x, y))
        rings.append(ring)
        start = ring[0]
    return rings


def _inside(rings: list[list[tuple[float, float]]], x: float, y: float) -> bool:
    inside = False
    for ring in rings:
        for index in range(len(ring)):
            x0, y0 = ring[index]
            x1, y1 = ring[index - 1]
            if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / (y1 - y0) + x0:
                inside = not inside
    return inside


def drawn_paths(svg: str) -> list[Drawn]:
    """Every filled land or disputed-area path, in drawing order, with its effective fill."""
    root = ET.fromstring(svg)
    out = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") not in ("land", "disputed-areas"):
            continue
        for path in group.iter(f"{SVG}path"):
            classes = path.get("class", "").split()
            if "stripes" in classes:
                out[-1].stripes = path.get("stroke")
                continue
            fill = path.get("fill") or group.get("fill") or ""
            out.append(Drawn(classes, path.get("data-area"), fill, _rings(path.get("d", ""))))
    return out


def at(first: str, second: str, lon: float, lat: float) -> tuple[Drawn, str]:
    """The topmost filled path under a place on a pair's map, and the map's SVG."""
    svg = maps.render_map_svg(first, second, first, second)
    x, y = maps.map_point(first, second, lon, lat)
    hits = [drawn for drawn in drawn_paths(svg) if _inside(drawn.rings, x, y)]
    assert hits, f"nothing drawn at ({lon}, {lat}) on {first}-{second}"
    return hits[-1], svg


def stripes_of(svg: str, area: str) -> set[str]:
    """The stroke colours of an area's stripes."""
    root = ET.fromstring(svg)
    return {path.get("stroke", "") for path in root.iter(f"{SVG}path")
            if "stripes" in path.get("class", "").split() and path.get("data-area") == area
            and path.get("d", "").startswith("M")}


def legend_of(svg: str) -> dict[str, str]:
    """Legend lines by data-area."""
    root = ET.fromstring(svg)
    return {item.get("data-area", ""): "".join(item.find(f"{SVG}text").itertext())
            for item in root.iter(f"{SVG}g") if item.get("class") == "legend-item"}


def light(colour: str) -> str:
    return maps.lighter(colour)


# (first, second) as relations titles order them; place; area; fill; stripes (None: grey,
# "": none)
DISPUTED_PLACES = [
    ("ISR", "SYR", "Katzrin", (35.69, 32.99), "golan-heights", light(SECOND), FIRST),
    ("CYP", "TUR", "Kyrenia", (33.32, 35.31), "northern-cyprus", light(FIRST), SECOND),
    ("ETH", "SOM", "Hargeisa", (44.06, 9.56), "somaliland", light(SECOND), None),
    ("RUS", "UKR", "Simferopol", (34.10, 44.95), "crimea", light(SECOND), FIRST),
    ("IND", "PAK", "Srinagar", (74.80, 34.08), "kashmir", light(FIRST), SECOND),
    ("IND", "PAK", "Muzaffarabad", (73.47, 34.37), "kashmir", light(SECOND), FIRST),
    ("IND", "PAK", "Leh", (77.58, 34.16), "kashmir", light(FIRST), SECOND),
    ("IND", "PAK", "Gilgit", (74.31, 35.92), "kashmir", light(SECOND), FIRST),
    ("CHN", "IND", "Aksai Chin", (79.4, 35.2), "aksai-chin", light(FIRST), SECOND),
    ("CHN", "IND", "Itanagar", (93.62, 27.08), "arunachal-pradesh", light(SECOND), FIRST),
    ("CHN", "IND", "Tawang", (91.86, 27.59), "arunachal-pradesh", light(SECOND), FIRST),
    ("SSD", "SDN", "Abyei", (28.43, 9.60), "abyei", light(SECOND), FIRST),
    ("MRT", "MAR", "Laayoune", (-13.20, 27.15), "western-sahara", maps.LAND_COLOUR, SECOND),
    ("DZA", "MAR", "Laayoune", (-13.20, 27.15), "western-sahara", maps.LAND_COLOUR, SECOND),
    ("MDA", "UKR", "Tiraspol", (29.64, 46.84), "transnistria", light(FIRST), None),
    ("GEO", "RUS", "Sukhumi", (41.02, 43.0), "abkhazia", light(FIRST), SECOND),
    ("GEO", "RUS", "Tskhinvali", (43.96, 42.23), "south-ossetia", light(FIRST), SECOND),
    ("HUN", "SRB", "Pristina", (21.17, 42.66), "kosovo", light(SECOND), ""),
]


@pytest.mark.parametrize(("first", "second", "place", "point", "area", "fill", "stripe"),
                         DISPUTED_PLACES, ids=[f"{row[2]}-{row[0]}-{row[1]}"
                                               for row in DISPUTED_PLACES])
def test_disputed_place_is_drawn_as_its_area(first: str, second: str, place: str,
                                             point: tuple[float, float], area: str, fill: str,
                                             stripe: str | None) -> None:
    drawn, svg = at(first, second, *point)
    assert "disputed" in drawn.classes and drawn.area == area, (place, drawn.classes)
    assert drawn.fill == fill, place
    if stripe == "":  # Kosovo on Serbia's maps: only a lighter shade of Serbia
        assert drawn.stripes is None and not stripes_of(svg, area)
    else:
        assert drawn.stripes == (stripe or "#6f6f6f"), place
    name = next(entry.name for entry in AREAS if entry.id == area)
    assert legend_of(svg)[area] == f"Disputed: {name}"


@pytest.mark.parametrize(("first", "second", "place", "point", "area"), [
    ("ISR", "SYR", "Tel Aviv", (34.78, 32.08), "golan-heights"),
    ("CYP", "TUR", "Limassol", (33.04, 34.68), "northern-cyprus"),
    ("RUS", "UKR", "Kherson", (32.62, 46.64), "crimea"),
    ("MDA", "UKR", "Chisinau", (28.86, 47.01), "transnistria"),
    ("GEO", "RUS", "Kutaisi", (42.70, 42.27), "abkhazia"),
    ("IND", "PAK", "Islamabad", (73.05, 33.68), "kashmir"),
    ("CHN", "IND", "Guwahati", (91.74, 26.14), "arunachal-pradesh"),
])
def test_recognised_territory_next_to_an_area_keeps_its_colour(
        first: str, second: str, place: str, point: tuple[float, float], area: str) -> None:
    drawn, _ = at(first, second, *point)
    assert "disputed" not in drawn.classes, place
    assert drawn.fill in (FIRST, SECOND), place


def test_kosovo_is_a_state_on_its_own_maps_and_plain_land_on_neutral_ones() -> None:
    drawn, svg = at("ALB", "XKX", 21.17, 42.66)
    assert drawn.classes == ["c-xkx", "second"] and drawn.fill == SECOND
    assert "kosovo" not in legend_of(svg)
    drawn, svg = at("XKX", "SRB", 21.17, 42.66)
    assert drawn.classes == ["c-xkx", "first"] and drawn.fill == FIRST
    assert legend_of(svg) == {}
    drawn, svg = at("ALB", "MKD", 21.17, 42.66)
    assert drawn.classes == ["c-xkx"] and drawn.fill == maps.LAND_COLOUR
    assert 'class="disputed' not in svg and "legend" not in svg


def test_areas_are_plain_land_on_maps_of_uninvolved_states() -> None:
    drawn, svg = at("GRC", "EGY", 33.32, 35.31)  # Kyrenia, neither Cyprus nor Turkey
    assert drawn.classes == ["c-cyn"] and drawn.fill == maps.LAND_COLOUR
    assert "Disputed" not in svg


def test_the_golan_on_an_israel_map_without_syria_is_striped_in_israel_s_colour() -> None:
    drawn, svg = at("EGY", "ISR", 35.69, 32.99)
    assert drawn.area == "golan-heights" and drawn.fill == maps.LAND_COLOUR
    assert drawn.stripes == SECOND
    assert stripes_of(svg, "golan-heights") == {SECOND}


def test_the_png_shows_the_light_tone_and_stripes() -> None:
    import io

    from PIL import Image

    data = maps.render_map_png("CYP", "TUR")
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
        x, y = maps.map_point("CYP", "TUR", 33.6, 35.3)
        patch = {rgb.getpixel((round(x) + dx, round(y) + dy))
                 for dx in range(-2, 3) for dy in range(-2, 3)}
    tone = tuple(int(light(FIRST)[i:i + 2], 16) for i in (1, 3, 5))

    def near(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
        return all(abs(p - q) <= 40 for p, q in zip(a, b, strict=True))

    assert any(near(pixel, tone) for pixel in patch)  # the light tone of Cyprus
    assert any(near(pixel, (0xF0, 0x8A, 0x24)) for pixel in patch)  # Turkey's stripes


# Dependencies and small states


def test_greenland_takes_the_light_tone_of_denmark() -> None:
    drawn, svg = at("CAN", "DNK", -45.0, 72.0)
    assert drawn.classes == ["c-grl", "dependency"] and drawn.fill == light(SECOND)
    drawn, _ = at("CAN", "DNK", -100.0, 55.0)
    assert drawn.fill == FIRST


def test_denmark_next_to_canada_gets_a_ring() -> None:
    svg = maps.render_map_svg("CAN", "DNK", "Canada", "Denmark")
    x, y = maps.map_point("CAN", "DNK", 9.5, 56.0)
    assert any(abs(cx - x) < 8 and abs(cy - y) < 8 and stroke == SECOND
               for cx, cy, stroke in markers_of(svg))


def markers_of(svg: str) -> list[tuple[float, float, str]]:
    root = ET.fromstring(svg)
    return [(float(c.get("cx", "0")), float(c.get("cy", "0")), c.get("stroke", ""))
            for c in root.iter(f"{SVG}circle") if c.get("class") == "marker"]


def test_the_holy_see_next_to_italy_gets_a_ring() -> None:
    svg = maps.render_map_svg("VAT", "ITA", "Holy See", "Italy")
    x, y = maps.map_point("VAT", "ITA", 12.45, 41.90)
    assert any(abs(cx - x) < 2 and abs(cy - y) < 2 and stroke == FIRST
               for cx, cy, stroke in markers_of(svg))


def test_small_island_states_get_rings_on_world_maps() -> None:
    svg = maps.render_world_svg({"AUS": "first", "TUV": "second", "NRU": "second",
                                 "MDV": "second", "MLT": "second"}, "Partners")
    assert sum(stroke == SECOND for _, _, stroke in markers_of(svg)) == 4
    assert all(stroke != FIRST for _, _, stroke in markers_of(svg))


def light_ring(colour: str) -> str:
    """The stroke of a dependency's ring: a little lighter than the state's colour."""
    return maps.lighter(colour, 0.3)


def test_french_guiana_takes_the_light_tone_of_france_on_brazil_france() -> None:
    drawn, svg = at("BRA", "FRA", -53.0, 4.0)
    assert drawn.classes == ["c-fra", "overseas"] and drawn.fill == light(SECOND)
    x, y = maps.map_point("BRA", "FRA", -53.1, 3.95)
    assert any(abs(cx - x) < 2 and abs(cy - y) < 2 and stroke == light_ring(SECOND)
               for cx, cy, stroke in markers_of(svg))
    drawn, _ = at("BRA", "FRA", 2.5, 46.5)  # metropolitan France
    assert drawn.classes == ["c-fra", "second"] and drawn.fill == SECOND
    drawn, _ = at("BRA", "FRA", -50.0, -10.0)
    assert drawn.fill == FIRST


def test_overseas_departments_are_the_lighter_tone_of_france() -> None:
    scene = maps.world_map_scene({"FRA": "first"})
    france = [shape for shape in scene.shapes if shape.a3 == "FRA"]
    assert [(shape.light, shape.dependent, shape.overseas) for shape in france] == [
        (True, True, True), (False, False, False)]  # the lighter tone is drawn first
    assert france[0].rings and france[1].rings
    svg = maps.render_world_svg({"FRA": "first"}, "France")
    for lon, lat in ((55.53, -21.13), (-53.1, 3.95)):  # Réunion; French Guiana
        x, y = world_point({"FRA": "first"}, (lon, lat))
        assert any(abs(cx - x) < 2 and abs(cy - y) < 2 and stroke == light_ring(FIRST)
                   for cx, cy, stroke in markers_of(svg)), (lon, lat)


def test_every_overseas_polygon_belongs_to_an_overseas_part() -> None:
    countries = prepared().countries
    for code in ("FRA", "NLD"):
        for poly in countries[code].polygons:
            lon, lat = poly.centre
            in_europe = -30 < lon < 30 and lat > 35
            assert poly.overseas != in_europe, (code, poly.centre)
    assert not any(poly.overseas for country in countries.values()
                   if country.a3 not in ("FRA", "NLD") for poly in country.polygons)


def test_french_collectivities_take_the_light_tone_of_france() -> None:
    scene = maps.world_map_scene({"FRA": "first"})
    shapes = {shape.a3: shape for shape in scene.shapes if not shape.overseas}
    for code in ("NCL", "PYF", "SPM", "WLF", "ATF"):
        assert shapes[code].role == "first" and shapes[code].light and shapes[code].dependent
    assert not shapes["FRA"].light


def test_the_caribbean_netherlands_are_lighter_and_ringed_on_netherlands_venezuela() -> None:
    svg = maps.render_map_svg("NLD", "VEN", "Netherlands", "Venezuela")
    rings = markers_of(svg)
    for lon, lat in ((-68.27, 12.18), (-63.1, 17.56)):  # Bonaire; Saba and Sint Eustatius
        x, y = maps.map_point("NLD", "VEN", lon, lat)
        assert any(abs(cx - x) < 2 and abs(cy - y) < 2 and stroke == light_ring(FIRST)
                   for cx, cy, stroke in rings), (lon, lat)
        assert not any(abs(cx - x) < 2 and abs(cy - y) < 2 and stroke == FIRST
                       for cx, cy, stroke in rings), (lon, lat)
        full = [drawn for drawn in drawn_paths(svg) if drawn.fill == FIRST]
        assert not any(_inside(drawn.rings, x, y) for drawn in full), (lon, lat)
    assert 'class="c-cuw dependency" fill="' + light(FIRST) in svg
    drawn, _ = at("NLD", "VEN", 5.3, 52.1)  # the European Netherlands
    assert drawn.classes == ["c-nld", "first"] and drawn.fill == FIRST


def test_dependencies_of_uninvolved_states_are_plain() -> None:
    drawn, _ = at("CAN", "USA", -45.0, 72.0)
    assert drawn.classes == ["c-grl"]


# The reviewed tables


def test_every_area_and_dependency_has_a_source() -> None:
    features = set(load_world().features)
    assert area_problems(AREAS, features) == []
    assert dependency_problems(DEPENDENCIES, OVERSEAS_PARTS, features) == []
    ids = {area.id for area in AREAS}
    assert {"golan-heights", "northern-cyprus", "crimea", "kashmir", "aksai-chin",
            "arunachal-pradesh", "abyei", "western-sahara", "transnistria", "abkhazia",
            "south-ossetia", "somaliland", "kosovo"} <= ids


@pytest.mark.parametrize("source", [None, Source("", ""), Source("https://undocs.org/x", " "),
                                    Source("undocs.org/en/A/RES/68/262", "A citation here")])
def test_validation_rejects_an_entry_without_a_proper_source(source: Source | None) -> None:
    broken_area = dataclasses.replace(AREAS[0], source=source)
    assert area_problems((broken_area, *AREAS[1:]))
    broken_dependency = dataclasses.replace(DEPENDENCIES[0], source=source)
    assert dependency_problems((broken_dependency, *DEPENDENCIES[1:]))
    broken_part = dataclasses.replace(OVERSEAS_PARTS[0], source=source)
    assert dependency_problems(DEPENDENCIES, (broken_part,))


def test_validation_rejects_other_broken_entries() -> None:
    crossed = dataclasses.replace(AREAS[0].parts[0], within=((0, 0), (1, 1), (1, 0), (0, 1)))
    assert area_problems((dataclasses.replace(AREAS[0], parts=(crossed,)),))
    assert area_problems((AREAS[0], AREAS[0]))  # repeated id
    assert area_problems((dataclasses.replace(AREAS[0], states=("ZZZ",)),), {"ISR", "SYR"})
    assert dependency_problems((dataclasses.replace(DEPENDENCIES[0], sovereign="GRL"),))


def test_world_maps_name_only_the_areas_one_can_see() -> None:
    scene = maps.world_map_scene({"ISR": "first", "SYR": "second", "IND": "second"})
    named = {overlay.area for overlay in scene.legend()}
    assert "kashmir" in named
    assert "golan-heights" not in named  # under a pixel across on a world map
    svg = maps.render_world_svg({"ISR": "first", "SYR": "second", "IND": "second"}, "Hub")
    assert set(legend_of(svg)) == named
