"""Infobox images are files of this wiki only: the generic infobox's image= and the relations
infobox's map= show an <img> only for a path under /map/ or /static/; any other address (other
sites, protocol-relative, other schemes, backslashes, spaces, dot segments, quotes) is named in
a plain-text notice and never reaches a src attribute."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from wikitest import WikiClient

from wiki.markup import Lookups, render
from wiki.relations.mapstore import data_version
from wiki.urls import local_image_path

OFF_SITE = [
    "https://evil.example/x.png",
    "http://evil.example/x.png",
    "HTTPS://evil.example/x.png",
    "//evil.example/x.png",
    " //evil.example/x.png",
    "///evil.example/x.png",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:image/png;base64,iVBORw0KGgo=",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "vbscript:msgbox(1)",
    " /x",
    "/x",
    "/wiki/Special:UserLogout",
    "/\\evil.example/x.png",
    "\\\\evil.example\\x.png",
    "/static\\..\\..\\evil.example",
    "/static/../wiki/Special:UserLogout",
    "/static/%2e%2e/wiki/Main_Page",
    "/map/./AZE-XKX.svg",
    "/map/AZE-XKX.svg?x=1",
    "/map/AZE-XKX.svg#x",
    "/map/\tAZE-XKX.svg",
    "/static/x.png\" onerror=\"alert(1)",
    "/static/x.png' onerror='alert(1)",
    "/static/x.png<script>",
    "/static/x png.png",
    "/static/\u00e9.png",
    "evil.example/x.png",
    "mailto:x@evil.example",
]
ON_SITE = ["/map/AZE-XKX.svg", "/map/world/XKX.svg", "/static/docs/infobox-map.png",
           "  /static/docs/infobox-map.png  ", "/static/a%20b.png"]


def html_of(text: str) -> str:
    return str(render(text, Lookups(exists=lambda title: False)).html)


def image_sources(html: str) -> list[str]:
    return re.findall(r"<img\b[^>]*\bsrc=\"([^\"]*)\"", html)


@pytest.mark.parametrize("value", OFF_SITE)
def test_local_image_path_refuses_everything_off_site(value: str) -> None:
    assert local_image_path(value) is None


@pytest.mark.parametrize("value", ON_SITE)
def test_local_image_path_accepts_files_of_this_wiki(value: str) -> None:
    assert local_image_path(value) == value.strip()


@pytest.mark.parametrize("value", OFF_SITE)
def test_the_generic_infobox_names_an_off_site_image_instead_of_showing_it(value: str) -> None:
    html = html_of(f"{{{{Infobox|title=T|image={value}|caption=C|label1=A|data1=B}}}}")
    assert '<table class="infobox">' in html
    assert image_sources(html) == []
    assert "Image not shown: only files of this wiki can be shown here" in html
    assert "<script" not in html
    assert not re.findall(r"<[^>]*\son\w+\s*=", html)  # no event handler in any tag


@pytest.mark.parametrize("value", OFF_SITE)
def test_the_relations_infobox_names_an_off_site_map_instead_of_showing_it(value: str) -> None:
    html = html_of(f"{{{{Infobox bilateral relations|A–B|Azerbaijan|Kosovo|map={value}}}}}")
    assert image_sources(html) == []
    assert "Map not shown: only files of this wiki can be shown here" in html


@pytest.mark.parametrize("value", ON_SITE)
def test_images_of_this_wiki_are_shown(value: str) -> None:
    generic = html_of(f"{{{{Infobox|title=T|image={value}|caption=C}}}}")
    assert image_sources(generic) == [value.strip()]
    relations = html_of(f"{{{{Infobox bilateral relations|A–B|Azerbaijan|Kosovo|map={value}}}}}")
    assert image_sources(relations) == [value.strip()]


def test_the_generated_locator_map_is_still_shown(client: FlaskClient) -> None:
    html = client.get("/wiki/Azerbaijan%E2%80%93Kosovo_relations").get_data(as_text=True)
    assert f'<img class="locator-map" src="/map/AZE-XKX.png?v={data_version()}"' in html


def test_an_off_site_image_saved_on_a_page_is_not_shown(client: FlaskClient,
                                                        wiki: WikiClient) -> None:
    text = ("{{Infobox|title=Evil|image=https://evil.example/x.png|caption=Tracked}}\n\n"
            "{{Infobox bilateral relations|A–B|Azerbaijan|Kosovo|map=//evil.example/m.png}}\n")
    assert wiki.edit("Image_test", text).status_code == 303
    html = client.get("/wiki/Image_test").get_data(as_text=True)
    assert not [src for src in image_sources(html) if "evil" in src]
    assert "Image not shown" in html and "Map not shown" in html
