"""action=parse and action=compare: pages, revisions and given texts rendered as the wiki renders
them, in MediaWiki's shapes for formatversion 1 and 2; diffs as the rows of MediaWiki's table."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_api_write import Api, error_code
from wikitest import create

ARTICLE = ("Intro with [[Beta]] and [[Missing page]] and [https://example.org/x a link].\n\n"
           "## History\n\nOld line.\n\n### Early\n\nEarly days.\n\n## Später\n\nText[^1].\n\n"
           "[[Category:Examples]]\n\n[^1]: A note.")


@pytest.fixture
def api(client: FlaskClient) -> Api:
    """An anonymous API client."""
    return Api(client)


@pytest.fixture
def pages(app: Flask) -> dict[str, int]:
    """Alpha (with sections, links and a category), Beta, and a redirect to Alpha."""
    return {"alpha": create(app, "Alpha", ARTICLE), "beta": create(app, "Beta", "Beta text."),
            "alias": create(app, "Alias", "#REDIRECT [[Alpha]]")}


def test_parse_a_page(api: Api, pages: dict[str, int]) -> None:
    parsed = api.get(action="parse", page="Alpha")["parse"]
    assert parsed["title"] == "Alpha" and parsed["revid"] == pages["alpha"]
    html = parsed["text"]["*"]
    assert html.startswith('<div class="mw-parser-output">') and html.endswith("</div>")
    assert '<h2 id="History">History</h2>' in html
    assert parsed["displaytitle"] == "Alpha"
    links = {link["*"]: link for link in parsed["links"]}
    assert links["Beta"] == {"ns": 0, "exists": "", "*": "Beta"}
    assert links["Missing page"] == {"ns": 0, "*": "Missing page"}
    assert parsed["categories"] == [{"sortkey": "", "missing": "", "*": "Examples"}]
    assert parsed["externallinks"] == ["https://example.org/x"]
    for empty in ("langlinks", "images", "iwlinks", "properties", "parsewarnings"):
        assert parsed[empty] == []


def test_parse_sections(api: Api, pages: dict[str, int]) -> None:
    sections = api.get(action="parse", page="Alpha", prop="sections")["parse"]["sections"]
    assert [(s["line"], s["level"], s["toclevel"], s["number"], s["index"]) for s in sections] == [
        ("History", "2", 1, "1", "1"), ("Early", "3", 2, "1.1", "2"),
        ("Später", "2", 1, "2", "3"), ("References", "2", 1, "3", "")]
    history = sections[0]
    assert history["fromtitle"] == "Alpha" and history["anchor"] == "History"
    assert ARTICLE.encode()[history["byteoffset"]:].startswith(b"## History")
    assert ARTICLE.encode()[sections[2]["byteoffset"]:].startswith("## Später".encode())
    assert "byteoffset" not in sections[3] and "fromtitle" not in sections[3]


def test_parse_one_section(api: Api, pages: dict[str, int]) -> None:
    parsed = api.get(action="parse", page="Alpha", section="2", prop="wikitext|text")["parse"]
    assert parsed["wikitext"]["*"] == "### Early\n\nEarly days."
    assert "Early days." in parsed["text"]["*"] and "Old line." not in parsed["text"]["*"]
    assert error_code(api.get(action="parse", page="Alpha", section="9")) == "nosuchsection"
    assert error_code(api.get(action="parse", page="Alpha", section="x")) == "invalidsection"


def test_parse_formatversion_2(api: Api, pages: dict[str, int]) -> None:
    parsed = api.get(action="parse", page="Alpha", formatversion="2",
                     prop="text|links|categories|wikitext|properties")["parse"]
    assert isinstance(parsed["text"], str) and parsed["wikitext"] == ARTICLE
    assert {"ns": 0, "title": "Beta", "exists": True} in parsed["links"]
    assert {"ns": 0, "title": "Missing page", "exists": False} in parsed["links"]
    assert parsed["categories"] == [{"sortkey": "", "category": "Examples", "missing": True}]
    assert parsed["properties"] == {}


def test_parse_text_old_revisions_and_page_ids(app: Flask, api: Api,
                                               pages: dict[str, int]) -> None:
    parsed = api.post(action="parse", text="Hello [[Beta]] ~~~~", title="Sandbox", pst="1",
                      prop="text|wikitext|revid")["parse"]
    assert parsed["title"] == "Sandbox" and parsed["pageid"] == 0
    assert "~~~~" not in parsed["wikitext"]["*"] and "127.0.0.1" in parsed["wikitext"]["*"]
    assert "/wiki/Beta" in parsed["text"]["*"]
    assert api.get(action="parse", text="x")["parse"]["title"] == "API"
    only = api.get(action="parse", text="~~~", onlypst="1")["parse"]
    assert only["text"]["*"] != "~~~" and "revid" not in only
    old = api.get(action="parse", oldid=str(pages["beta"]), prop="wikitext")["parse"]
    assert old["wikitext"]["*"] == "Beta text." and old["title"] == "Beta"
    by_id = api.get(action="parse", pageid=str(old["pageid"]), prop="revid")["parse"]
    assert by_id["revid"] == pages["beta"]


def test_parse_follows_redirects_on_request(api: Api, pages: dict[str, int]) -> None:
    plain = api.get(action="parse", page="Alias", prop="wikitext")["parse"]
    assert plain["title"] == "Alias"
    followed = api.get(action="parse", page="Alias", redirects="1", prop="wikitext")["parse"]
    assert followed["title"] == "Alpha" and followed["redirects"] == [
        {"from": "Alias", "to": "Alpha"}]


def test_parse_errors(api: Api, pages: dict[str, int]) -> None:
    assert error_code(api.get(action="parse", page="Nothing here")) == "missingtitle"
    assert error_code(api.get(action="parse", pageid="999999")) == "nosuchpageid"
    assert error_code(api.get(action="parse", oldid="999999")) == "nosuchrevid"
    assert error_code(api.get(action="parse", page="Foo|bar")) == "invalidtitle"
    assert error_code(api.get(action="parse", page="Alpha", text="x")) == "invalidparammix"
    assert error_code(api.get(action="parse", page="Alpha", oldid="1")) == "invalidparammix"
    assert error_code(api.get(action="parse", page="Alpha", prop="parsetree")) == "notwikitext"


def test_parse_a_summary(api: Api) -> None:
    parsed = api.get(action="parse", summary="See [[Beta]] <b>")["parse"]
    html = parsed["parsedsummary"]["*"]
    assert '<a href="/wiki/Beta">Beta</a>' in html and "&lt;b&gt;" in html


def test_parsed_html_is_the_wikis_render(app: Flask, api: Api) -> None:
    parsed = api.post(action="parse", text="**bold** <script>alert(1)</script>",
                      prop="text")["parse"]
    html = parsed["text"]["*"]
    assert "<script>" not in html and "<strong>bold</strong>" in html


# ---------------------------------------------------------------------------------------------
# compare


def _cells(html: str) -> list[str]:
    return re.findall(r'<td class="(diff-[a-z]+ diff-side-[a-z]+|diff-lineno)"', html)


def test_compare_two_revisions(app: Flask, api: Api, pages: dict[str, int]) -> None:
    second = api.edit(title="Alpha", text=ARTICLE.replace("Old line.", "New line."))["edit"]
    compared = api.get(action="compare", fromrev=str(pages["alpha"]),
                       torev=str(second["newrevid"]))["compare"]
    assert list(compared) == ["fromid", "fromrevid", "fromns", "fromtitle", "toid", "torevid",
                              "tons", "totitle", "*"]
    assert compared["fromrevid"] == pages["alpha"] and compared["torevid"] == second["newrevid"]
    html = compared["*"]
    assert html.lstrip().startswith("<tr>") and "<table" not in html
    assert '<td class="diff-marker" data-marker="−"></td>' in html
    assert '<del class="diffchange diffchange-inline">Old</del>' in html
    assert '<ins class="diffchange diffchange-inline">New</ins>' in html
    assert "diff-lineno" in html and "diff-context" in html


def test_compare_relative(app: Flask, api: Api, pages: dict[str, int]) -> None:
    second = api.edit(title="Alpha", text=ARTICLE + "\n\nMore.")["edit"]["newrevid"]
    previous = api.get(action="compare", fromrev=str(second), torelative="prev")["compare"]
    assert previous["fromrevid"] == pages["alpha"] and previous["torevid"] == second
    assert "More." in previous["*"]
    following = api.get(action="compare", fromrev=str(pages["alpha"]),
                        torelative="next")["compare"]
    assert following["torevid"] == second
    current = api.get(action="compare", fromtitle="Alpha", torelative="cur")["compare"]
    assert current["fromrevid"] == current["torevid"] == second and current["*"] == ""
    first = api.get(action="compare", fromrev=str(pages["beta"]), torelative="prev")
    assert "fromrevid" not in first["compare"] and "Beta text." in first["compare"]["*"]
    assert "compare" in first["warnings"]
    assert error_code(api.get(action="compare", fromtext="x", torelative="prev")) == \
        "compare-relative-to-nothing"


def test_compare_pages_and_texts(api: Api, pages: dict[str, int]) -> None:
    compared = api.post(action="compare", fromtitle="Beta", totext="Beta text, changed.",
                        prop="diff|ids|title|size|user|comment|timestamp|rel|diffsize",
                        formatversion="2")["compare"]
    assert compared["fromtitle"] == "Beta" and "totitle" not in compared
    assert compared["fromsize"] == len("Beta text.") and compared["fromuser"] == "Setup"
    assert compared["fromcomment"] == "setup" and compared["fromtimestamp"].endswith("Z")
    assert "changed" in compared["body"] and compared["diffsize"] == len(compared["body"])
    texts = api.post(action="compare", fromtext="one\ntwo", totext="one\nthree")["compare"]
    assert set(texts) == {"*"} and "three" in texts["*"]
    by_id = api.get(action="compare", fromid=str(_page_id(api, "Alpha")), totitle="Beta")
    assert by_id["compare"]["totitle"] == "Beta"


def test_compare_sections(api: Api, pages: dict[str, int]) -> None:
    compared = api.post(action="compare", fromtitle="Alpha", fromsection="1",
                        totext="## History\n\nChanged line.")["compare"]
    assert "Changed" in compared["*"] and "Intro" not in compared["*"]
    answer = api.post(action="compare", fromtitle="Alpha", fromsection="7", totext="x")
    assert error_code(answer) == "nosuchfromsection"


def test_compare_errors(api: Api, pages: dict[str, int]) -> None:
    assert error_code(api.get(action="compare", fromrev="999999", torev="1")) == "nosuchrevid"
    assert error_code(api.get(action="compare", fromtitle="Nothing here", totitle="Beta")) == \
        "missingtitle"
    assert error_code(api.get(action="compare", fromid="999999", totitle="Beta")) == \
        "nosuchpageid"
    assert error_code(api.get(action="compare", fromtitle="A|b", totitle="Beta")) == \
        "invalidtitle"
    assert error_code(api.get(action="compare", totitle="Beta")) == "missingparam"
    assert error_code(api.get(action="compare", fromtitle="Beta")) == "missingparam"
    assert error_code(api.get(action="compare", fromtitle="Beta", fromrev="1",
                              totitle="Beta")) == "invalidparammix"


def test_compare_escapes_text(api: Api) -> None:
    compared = api.post(action="compare", fromtext="<b>x</b>", totext="<i>y</i>")["compare"]
    html = compared["*"]
    assert "<b>" not in html and "<i>" not in html and "&lt;" in html


def _page_id(api: Api, title: str) -> int:
    found: int = api.get(action="query", prop="info", titles=title)["query"]["pages"].popitem()[
        1]["pageid"]
    return found
