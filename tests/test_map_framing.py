"""World maps are centred so that the highlighted countries stay whole (Pacific-centred for
Russia-United States and Chile-New Zealand), and cutting rings at the map's edge leaves no
streaks across the map."""

from __future__ import annotations

import pytest

from wiki.relations import maps
from wiki.relations.mapworld import GREENWICH, PACIFIC, world_centre


def _xs(first: str, second: str, places: list[tuple[float, float]]) -> list[float]:
    return [maps.map_point(first, second, lon, lat)[0] for lon, lat in places]


def test_russia_united_states_is_pacific_centred_and_whole() -> None:
    assert maps.map_scene("RUS", "USA").kind == "world"
    assert world_centre({"RUS": "first", "USA": "second"}) == PACIFIC
    # west to east along each country's main part: Kaliningrad, Moscow, Yakutsk, Anadyr, Cape
    # Dezhnev; Attu, Anchorage, Los Angeles, New York
    russia = _xs("RUS", "USA", [(20.5, 54.7), (37.6, 55.75), (129.7, 62.0), (177.5, 64.7),
                                (-169.7, 66.1)])
    america = _xs("RUS", "USA", [(173.2, 52.9), (-149.9, 61.2), (-118.2, 34.1), (-74.0, 40.7)])
    assert russia == sorted(russia) and america == sorted(america)
    assert russia[-1] < america[1]  # Chukotka faces Alaska across the Bering Strait


def test_chile_new_zealand_is_pacific_centred_and_compact() -> None:
    assert maps.map_scene("CHL", "NZL").kind == "world"
    assert world_centre({"CHL": "first", "NZL": "second"}) == PACIFIC
    chile = _xs("CHL", "NZL", [(-70.6, -33.4), (-72.9, -41.5)])
    new_zealand = _xs("CHL", "NZL", [(172.7, -34.4), (167.9, -46.9), (-176.5, -44.0)])
    assert max(new_zealand) < min(chile)  # the Chathams stay with New Zealand
    assert min(chile) - max(new_zealand) < 0.5 * maps.WIDTH


@pytest.mark.parametrize(("first", "second"), [("CHN", "USA"), ("ARG", "JPN"),
                                                ("BRA", "PRT"), ("BRA", "FRA")])
def test_other_world_maps_stay_greenwich_centred(first: str, second: str) -> None:
    assert maps.map_scene(first, second).kind == "world"
    assert world_centre({first: "first", second: "second"}) == GREENWICH


def test_hub_maps_with_partners_everywhere_stay_greenwich_centred() -> None:
    roles = {"FRA": "first"} | {a3: "second" for a3 in ("USA", "CHN", "BRA", "AUS", "ZAF")}
    assert world_centre(roles) == GREENWICH
    assert world_centre({"FJI": "first", "TON": "second", "USA": "second"}) == PACIFIC


@pytest.mark.parametrize("highlighted", [
    {"RUS": "first", "USA": "second"},
    {"CHL": "first", "NZL": "second"},
    {"FJI": "first", "KIR": "second", "RUS": "second"},
    {"ATA": "first", "NZL": "second"},
    {"GRL": "first", "RUS": "second"},
], ids=lambda roles: "-".join(roles))
def test_no_ring_streaks_across_the_map(highlighted: dict[str, str]) -> None:
    scene = maps.world_map_scene(highlighted)
    for shape in scene.shapes:
        if shape.a3 == "ATA":
            continue  # Antarctica does span the whole width
        for ring, _ in shape.rings:
            xs = [x for x, _ in ring]
            assert max(xs) - min(xs) < scene.width * 10 * 0.6, shape.a3
            assert min(xs) >= -30 and max(xs) <= scene.width * 10 + 30, shape.a3
    for overlay in scene.overlays:
        for ring, _ in overlay.rings:
            xs = [x for x, _ in ring]
            assert max(xs) - min(xs) < scene.width * 10 * 0.6, overlay.area
    svg = maps.render_world_svg(highlighted, "World")
    assert svg.startswith("<svg") and svg.endswith("</svg>")


def test_antarctica_is_closed_along_the_pole_on_a_pacific_map() -> None:
    assert world_centre({"ATA": "first", "NZL": "second", "CHL": "second"}) == PACIFIC
    scene = maps.world_map_scene({"ATA": "first", "NZL": "second", "CHL": "second"})
    antarctica = next(shape for shape in scene.shapes if shape.a3 == "ATA")
    widest = max(antarctica.rings, key=lambda item: len(item[0]))[0]
    assert max(y for _, y in widest) >= scene.height * 10 - 20  # reaches the bottom edge
