"""Tests for the vendored world outlines, the TopoJSON decoder and the locator maps."""

from __future__ import annotations

import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from wiki.relations import maps
from wiki.relations.projection import cut_antimeridian
from wiki.relations.topojson import WORLD_PATH, decode, load_world

SVG = "{http://www.w3.org/2000/svg}"
WORLD_SHA256 = "c6bfb7fae7b5056ca6483c6d89e9993f9df11ce27bbdb20eac4d481519d15d07"


def _paths(svg: str) -> dict[str, str]:
    """Map each country class (c-xxx) to its path data."""
    root = ET.fromstring(svg)
    out = {}
    for path in root.iter(f"{SVG}path"):
        classes = path.get("class", "").split()
        if classes and classes[0].startswith("c-"):
            out[classes[0][2:].upper()] = path.get("d")
    return out


def _rings(data: str) -> list[list[tuple[int, int]]]:
    """Parse relative path data back into absolute rings in tenths of a pixel."""
    rings: list[list[tuple[int, int]]] = []
    start = (0, 0)
    for chunk in re.findall(r"m([^mz]*)z", data):
        numbers = [round(float(n) * 10) for n in re.findall(r"-?\d*\.?\d+", chunk)]
        x, y = start[0] + numbers[0], start[1] + numbers[1]
        ring = [(x, y)]
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
            x, y = x + dx, y + dy
            ring.append((x, y))
        rings.append(ring)
        start = ring[0]
    return rings


def test_vendored_world_is_the_published_file():
    assert hashlib.sha256(WORLD_PATH.read_bytes()).hexdigest() == WORLD_SHA256
    assert (WORLD_PATH.parent / "NOTICE").is_file()


def test_world_features_are_keyed_by_alpha3():
    world = load_world()
    assert len(world.features) == 242
    assert "XKX" in world.features
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in world.features)
    assert "036" not in world.features and "-2" not in world.features
    assert load_world() is world


def test_australia_is_decoded_once_with_all_its_parts():
    raw = json.loads(WORLD_PATH.read_text(encoding="utf-8"))
    geometries = raw["objects"]["countries"]["geometries"]
    sharing_id = [g for g in geometries if g.get("id") == "036"]
    assert len(sharing_id) == 2  # Australia and Ashmore and Cartier Islands
    source = next(g for g in sharing_id if g["properties"]["a3"] == "AUS")
    australia = load_world().features["AUS"]
    assert len(australia.polygons) == len(source["arcs"]) > 1
    assert "ATC" in load_world().features


def test_decoder_applies_deltas_transform_and_reversed_arcs():
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 2.0], "translate": [10.0, -5.0]},
        "arcs": [[[0, 0], [2, 0], [0, 1]], [[0, 0], [0, 1]]],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, ~1]], "id": "1", "properties": {"a3": "AAA"}},
        ]}},
    }
    world = decode(topology)
    assert world.arcs[0] == ((10.0, -5.0), (11.0, -5.0), (11.0, -3.0))
    ring = world.features["AAA"].polygons[0][0]
    assert ring == ((10.0, -5.0), (11.0, -5.0), (11.0, -3.0), (10.0, -5.0))


def test_cut_antimeridian_keeps_pieces_inside_the_world():
    ring = [(179.0, 0.0), (-179.0, 0.0), (-179.0, 1.0), (179.0, 1.0), (179.0, 0.0)]
    pieces = cut_antimeridian(ring)
    assert len(pieces) == 2
    for piece in pieces:
        assert all(-180.0 <= lon <= 180.0 for lon, _ in piece)


def test_pair_svg_is_well_formed_and_titled():
    svg = maps.render_map_svg("AZE", "XKX", "Azerbaijan", "Kosovo")
    root = ET.fromstring(svg)
    assert not svg.startswith("<?xml")
    assert root.get("role") == "img"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.find(f"{SVG}title").text == "Map indicating locations of Azerbaijan and Kosovo"
    assert maps.FIRST_COLOUR in svg and maps.SECOND_COLOUR in svg
    assert "id=" not in svg
    assert len(svg.encode()) < 100 * 1024


def test_nakhchivan_exclave_is_drawn():
    rings = _rings(_paths(maps.render_map_svg("AZE", "SRB", "Azerbaijan", "Serbia"))["AZE"])
    assert len(rings) > 1
    scene = maps.map_scene("AZE", "XKX")
    azerbaijan = next(shape for shape in scene.shapes if shape.a3 == "AZE")
    assert sum(1 for _, hole in azerbaijan.rings if not hole) >= 2


def test_path_data_round_trips_to_the_scene():
    scene = maps.map_scene("XKX", "SRB")
    paths = _paths(maps.render_map_svg("XKX", "SRB", "Kosovo", "Serbia"))
    for shape in scene.shapes:
        if shape.rings:
            assert _rings(paths[shape.a3]) == [ring for ring, _ in shape.rings]


def test_kosovo_serbia_shows_neighbours():
    svg = maps.render_map_svg("XKX", "SRB", "Kosovo", "Serbia")
    assert 'class="locator-map regional"' in svg
    paths = _paths(svg)
    assert {"XKX", "SRB", "MKD", "ALB", "MNE", "BGR"} <= set(paths)
    order = list(paths)
    assert order[-2:] == ["XKX", "SRB"]  # highlighted countries are drawn last


def test_china_united_states_is_a_world_map():
    root = ET.fromstring(maps.render_map_svg("CHN", "USA", "China", "United States"))
    assert root.get("class") == "locator-map world"
    assert int(root.get("width")) > 2 * int(root.get("height"))


def test_world_map_does_not_wrap_across_the_frame():
    scene = maps.map_scene("RUS", "USA")
    assert scene.kind == "world"
    assert "ATA" not in {shape.a3 for shape in scene.shapes}
    for shape in scene.shapes:
        for ring, _ in shape.rings:
            xs = [x for x, _ in ring]
            assert max(xs) - min(xs) < scene.width * 10 * 0.6, shape.a3


def test_regional_map_near_the_arctic_has_no_antipodal_fill():
    scene = maps.map_scene("GRL", "DNK")
    assert scene.kind == "regional"
    assert "ATA" not in {shape.a3 for shape in scene.shapes}


def test_micro_states_get_ring_markers():
    svg = maps.render_map_svg("VAT", "MCO", "Holy See", "Monaco")
    root = ET.fromstring(svg)
    markers = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "marker"]
    assert {c.get("stroke") for c in markers} == {maps.FIRST_COLOUR, maps.SECOND_COLOUR}


@pytest.mark.parametrize("code", ["ZZZ", "KOS", "", "US"])
def test_unknown_code_raises(code):
    with pytest.raises(maps.UnknownCountryCode):
        maps.render_map_svg(code, "SRB", code, "Serbia")
    assert issubclass(maps.UnknownCountryCode, ValueError)


def test_identical_codes_raise():
    with pytest.raises(maps.SameCountryError):
        maps.render_map_svg("SRB", "srb", "Serbia", "Serbia")
    assert issubclass(maps.SameCountryError, ValueError)


def test_png_is_a_360_pixel_image():
    data = maps.render_map_png("XKX", "SRB")
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (360, 270)
        colours = {colour for _, colour in image.convert("RGB").getcolors(360 * 270)}
    assert (0x2F, 0x8F, 0x46) in colours and (0xF0, 0x8A, 0x24) in colours


def test_names_are_escaped_in_the_title():
    svg = maps.render_map_svg("AZE", "XKX", "<script>alert(1)</script>", "A & B")
    assert "<script>" not in svg
    title = ET.fromstring(svg).find(f"{SVG}title").text
    assert title == "Map indicating locations of <script>alert(1)</script> and A & B"


def test_world_hub_map_shades_the_country_and_its_partners():
    svg = maps.render_world_svg({"FRA": "first", "DEU": "second", "VAT": "second"},
                                "Foreign relations of France")
    root = ET.fromstring(svg)
    assert root.get("class") == "locator-map world"
    assert root.find(f"{SVG}title").text == "Foreign relations of France"
    countries = [path.get("class", "") for path in root.iter(f"{SVG}path")
                 if path.get("class", "").startswith("c-")]
    assert countries[-1] == "c-fra first"  # on top, after its overseas parts ("c-fra overseas")
    assert "c-fra overseas" in countries
    assert maps.FIRST_COLOUR in svg and maps.SECOND_COLOUR in svg
    assert len(svg.encode()) < 100 * 1024
    assert ET.fromstring(maps.render_world_svg({"SRB"}, "Serbia")) is not None
    with pytest.raises(maps.UnknownCountryCode):
        maps.render_world_svg({"XXX": "first"}, "Nowhere")
