"""Every map stays well formed, whatever the pair: a sweep over every country paired with a few
others (Serbia for Kosovo, Russia for its neighbours' disputed areas, a far-away state for world
maps) and a fixed random sample of pairs. The legend names exactly the disputed areas drawn, and
only areas that involve a highlighted state."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET

import pytest

from wiki.relations import maps
from wiki.relations.countries import COUNTRIES
from wiki.relations.disputed import AREAS

SVG = "{http://www.w3.org/2000/svg}"
CODES = [country.alpha3 for country in COUNTRIES]
STATES = {area.id: set(area.states) for area in AREAS}
NAMES = {area.id: area.name for area in AREAS}


def _check(first: str, second: str) -> None:
    svg = maps.render_map_svg(first, second, first, second)
    root = ET.fromstring(svg)
    assert "id=" not in svg and not svg.startswith("<?xml")
    width, height = int(root.get("width", "0")), int(root.get("height", "0"))
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert height == maps.map_height(first, second)
    drawn = {path.get("data-area") for path in root.iter(f"{SVG}path")
             if "disputed" in path.get("class", "").split()}
    legend = {item.get("data-area"): "".join(item.find(f"{SVG}text").itertext())
              for item in root.iter(f"{SVG}g") if item.get("class") == "legend-item"}
    assert set(legend) == drawn, (first, second)
    for area, text in legend.items():
        assert text == f"Disputed: {NAMES[str(area)]}"
        assert STATES[str(area)] & {first, second}, (first, second, area)
    for path in root.iter(f"{SVG}path"):
        assert path.get("d"), (first, second, path.get("class"))


@pytest.mark.parametrize("partner", ["SRB", "RUS", "NZL"])
def test_every_country_with_one_partner(partner: str) -> None:
    for code in CODES:
        if code != partner:
            _check(code, partner)


def test_a_random_sample_of_pairs() -> None:
    chooser = random.Random(20240611)
    for _ in range(80):
        first, second = chooser.sample(CODES, 2)
        _check(first, second)


def test_pngs_of_pairs_with_disputed_areas_decode() -> None:
    import io

    from PIL import Image

    for first, second in [("IND", "PAK"), ("GEO", "RUS"), ("RUS", "USA"), ("HUN", "SRB")]:
        with Image.open(io.BytesIO(maps.render_map_png(first, second))) as image:
            assert image.size == (maps.WIDTH, maps.map_height(first, second))
