"""Maps cannot fill the disk or the CPU: the map of a pair with a relations page (under any
title naming the pair, redirects included) is stored on disk; any other pair's map is drawn,
kept only in each process's memory (bounded in bytes), and drawing those is limited per
address (WIKI_MAP_RATE_LIMIT, 429 with Retry-After), while maps already drawn are always
served. ETags work for both kinds. The store belongs to the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wikitest import WikiClient, create, custom_app

from wiki.relations.mapstore import data_version
from wiki.views.maps import Maps

# Pairs with no relations page in the seeded wiki.
NO_PAGE = ["FRA-DEU", "NOR-SWE", "USA-CAN", "USA-MEX", "ITA-SMR", "SGP-MYS", "IND-PAK",
           "CYP-TUR", "GMB-SEN", "BRA-PRT", "EGY-SDN", "KOR-PRK", "ARG-CHL", "AUS-NZL"]


def maps_of(app: Flask) -> Maps:
    state: Maps = app.extensions["wiki_maps"]
    return state


def stored_files(app: Flask) -> list[str]:
    return [path.name for path in maps_of(app).store.stored_files()]


def get_map(client: FlaskClient, path: str, address: str = "192.0.2.1", **headers: str):  # type: ignore[no-untyped-def]
    return client.get(path, headers=headers, environ_base={"REMOTE_ADDR": address})


def test_maps_of_pairs_without_a_page_are_never_written(app: Flask, client: FlaskClient) -> None:
    for pair in NO_PAGE:
        for extension, mimetype in (("svg", "image/svg+xml"), ("png", "image/png")):
            response = get_map(client, f"/map/{pair}.{extension}")
            assert response.status_code == 200, (pair, response.status_code)
            assert response.mimetype == mimetype and response.data
    assert stored_files(app) == []
    assert not Path(app.config["WIKI_MAP_CACHE_DIR"]).exists() or not any(
        path.is_file() for path in Path(app.config["WIKI_MAP_CACHE_DIR"]).rglob("*"))


def test_maps_of_pairs_with_a_page_are_stored(app: Flask, client: FlaskClient) -> None:
    assert get_map(client, "/map/AZE-XKX.svg").status_code == 200  # the seeded article
    assert get_map(client, "/map/AZE-XKX.png").status_code == 200
    assert stored_files(app) == ["AZE-XKX.png", "AZE-XKX.svg"]


def test_any_title_naming_the_pair_counts(app: Flask, client: FlaskClient) -> None:
    assert get_map(client, "/map/TUR-SRB.svg").status_code == 200
    assert stored_files(app) == []
    create(app, "Serbia-Turkey relations", "#REDIRECT [[Serbia–Turkey relations]]")
    response = get_map(client, "/map/SRB-TUR.svg")
    assert response.status_code == 200
    assert stored_files(app) == ["SRB-TUR.svg"]


def test_a_new_relations_page_stores_its_map(app: Flask, client: FlaskClient,
                                             wiki: WikiClient) -> None:
    text = "{{Infobox bilateral relations|France–Germany|France|Germany}}\n\nText."
    assert wiki.edit("France–Germany_relations", text).status_code == 303
    html = client.get("/wiki/France%E2%80%93Germany_relations").get_data(as_text=True)
    assert f'src="/map/FRA-DEU.svg?v={data_version()}"' in html
    assert get_map(client, "/map/FRA-DEU.svg").status_code == 200
    assert stored_files(app) == ["FRA-DEU.svg"]


@pytest.mark.parametrize("pair", ["AZE-XKX", "NOR-SWE"], ids=["stored", "unstored"])
def test_etags_work_for_both_kinds(client: FlaskClient, pair: str) -> None:
    first = get_map(client, f"/map/{pair}.svg?v={data_version()}")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and "immutable" in first.headers["Cache-Control"]
    again = get_map(client, f"/map/{pair}.svg", **{"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    assert again.headers["ETag"] == etag
    stale = get_map(client, f"/map/{pair}.svg", **{"If-None-Match": '"other"'})
    assert stale.status_code == 200 and stale.data == first.data
    # Last-Modified: the map data's time; If-Modified-Since alone decides when no ETag is sent.
    modified = first.headers["Last-Modified"]
    assert get_map(client, f"/map/{pair}.svg", **{"If-Modified-Since": modified}
                   ).status_code == 304
    older = get_map(client, f"/map/{pair}.svg",
                    **{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert older.status_code == 200 and older.data == first.data
    # A validator that is not a date is ignored, never an error.
    assert get_map(client, f"/map/{pair}.svg", **{"If-Modified-Since": "yesterday"}
                   ).status_code == 200


@pytest.fixture
def limited(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    yield from custom_app(tmp_path, database_url, WIKI_MAP_RATE_LIMIT="3/minute")


def test_drawing_unstored_maps_is_rate_limited_per_address(limited: Flask) -> None:
    client = limited.test_client()
    for pair in NO_PAGE[:3]:
        assert get_map(client, f"/map/{pair}.svg").status_code == 200
    refused = get_map(client, f"/map/{NO_PAGE[3]}.svg")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "Too many maps" in refused.get_data(as_text=True)
    # what was drawn is served again without counting; stored maps are never limited
    for _ in range(5):
        assert get_map(client, f"/map/{NO_PAGE[0]}.svg").status_code == 200
        assert get_map(client, "/map/AZE-XKX.svg").status_code == 200
        assert get_map(client, "/map/world/XKX.svg").status_code == 200
    # another address has its own allowance
    assert get_map(client, f"/map/{NO_PAGE[3]}.svg", address="192.0.2.2").status_code == 200
    pair_files = [name for name in stored_files(limited) if not name.startswith("world-")]
    assert pair_files == ["AZE-XKX.svg"]


@pytest.fixture
def small_memory(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    yield from custom_app(tmp_path, database_url, WIKI_MAP_MEMORY_BYTES=60_000)


def test_maps_in_memory_stay_within_their_byte_bound(small_memory: Flask) -> None:
    client = small_memory.test_client()
    store = maps_of(small_memory).store
    for pair in NO_PAGE:
        assert get_map(client, f"/map/{pair}.png").status_code == 200
        assert store.memory_used <= 60_000
    assert store.memory_used > 0
    assert stored_files(small_memory) == []


def test_each_app_has_its_own_store(app: Flask, tmp_path: Path, database_url: str) -> None:
    for other in custom_app(tmp_path, database_url, WIKI_MAP_CACHE_DIR=str(tmp_path / "other")):
        assert maps_of(other) is not maps_of(app)
        assert maps_of(other).store.folder == tmp_path / "other"
        assert get_map(other.test_client(), "/map/AZE-XKX.svg").status_code == 200
        assert stored_files(other) == ["AZE-XKX.svg"]
        assert stored_files(app) == []


def test_the_map_folder_changes_with_the_map_data(app: Flask, client: FlaskClient) -> None:
    import dataclasses
    import hashlib

    from wiki.relations.dependencies import DEPENDENCIES, OVERSEAS_PARTS
    from wiki.relations.disputed import AREAS
    from wiki.relations.mapstore import DATA_FILE, map_names, version_of
    from wiki.relations.mapstyle import DRAWING_VERSION

    outlines = DATA_FILE.read_bytes()
    names = map_names()
    current = version_of(outlines, AREAS, DEPENDENCIES, OVERSEAS_PARTS, DRAWING_VERSION, names)
    assert data_version() == current
    # the folder of maps drawn before disputed areas and dependencies were drawn
    assert current != hashlib.sha256(outlines).hexdigest()[:12]
    moved = dataclasses.replace(AREAS[0], name="Golan")
    assert version_of(outlines, (moved, *AREAS[1:]), DEPENDENCIES, OVERSEAS_PARTS,
                      DRAWING_VERSION, names) != current
    assert version_of(outlines, AREAS, DEPENDENCIES[1:], OVERSEAS_PARTS,
                      DRAWING_VERSION, names) != current
    assert version_of(outlines, AREAS, DEPENDENCIES, OVERSEAS_PARTS, "next", names) != current
    renamed = ((names[0][0], names[0][1] + " Republic"), *names[1:])
    assert version_of(outlines, AREAS, DEPENDENCIES, OVERSEAS_PARTS, DRAWING_VERSION,
                      renamed) != current
    assert get_map(client, "/map/AZE-XKX.svg").status_code == 200
    (stored,) = maps_of(app).store.stored_files()
    assert stored.parent.name == current
