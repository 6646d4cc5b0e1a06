"""Reading pages through HTTP as a reader does: the Main Page, the seeded article with its infobox,
table of contents and See also list, red links, missing pages, canonical URLs, bad titles and bad
parameters, raw Markdown, security headers and the licence credit."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wikitest import create, div_block

from wiki.seed import SEED_DIR

ARTICLE = "Azerbaijan–Kosovo relations"
ARTICLE_PATH = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"
SOURCE = SEED_DIR / "source" / "azerbaijan-kosovo-relations.txt"


# ---------------------------------------------------------------------------------------------
# helpers




def html_of(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def plain_text(html: str) -> str:
    """The text a reader sees: tags removed, entities unescaped, whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def normalized(text: str) -> str:
    return " ".join(text.split())




def content_of(html: str) -> str:
    """The rendered article (the wiki-content block)."""
    return div_block(html, '<div class="wiki-content">')


def anchors(html: str) -> list[dict[str, str]]:
    """Every <a> with its attributes and its text."""
    found = []
    for match in re.finditer(r"<a\b([^>]*)>(.*?)</a>", html, re.S):
        attrs = {k: unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', match.group(1))}
        attrs["_text"] = plain_text(match.group(2))
        found.append(attrs)
    return found


def source_sections() -> dict[str, list[str]]:
    """The source article's paragraphs by section ("" is the lead), headings left out."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            sections[current].append(" ".join(paragraph))
            paragraph.clear()

    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        heading = re.fullmatch(r"(=+)\s*(.*?)\s*\1", line.strip())
        if heading:
            flush()
            current = heading.group(2) if heading.group(1) != "=" else ""
            sections.setdefault(current, [])
        elif not line.strip():
            flush()
        else:
            paragraph.append(line.strip())
    flush()
    return sections


def seed_text(title: str) -> str:
    """The Markdown a seed file gives a title."""
    for path in sorted(Path(SEED_DIR).glob("*.md")):
        header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        if header.removeprefix("Title: ").strip() == title:
            return body
    raise AssertionError(f"no seed file for {title}")


def error_message(html: str) -> str:
    match = re.search(r'<div class="error-box" role="alert">(.*?)</div>', html, re.S)
    assert match, "the error page has no message box"
    return plain_text(match.group(1))


# ---------------------------------------------------------------------------------------------
# Main Page and the seeded article


def test_root_redirects_to_main_page(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code in {301, 302, 303, 307, 308}
    assert urlsplit(response.headers["Location"]).path == "/wiki/Main_Page"
    page = client.get("/", follow_redirects=True)
    assert page.status_code == 200
    assert '<h1 class="page-title">Main Page</h1>' in page.get_data(as_text=True)


def test_main_page_links_to_the_article(client: FlaskClient) -> None:
    html = html_of(client, "/wiki/Main_Page")
    links = anchors(content_of(html))
    article_links = [a for a in links if a.get("href") == ARTICLE_PATH]
    assert article_links, "the Main Page does not link to the article"
    assert all("new" not in a.get("class", "").split() for a in article_links)


def test_seeded_article_has_title_and_infobox(client: FlaskClient) -> None:
    html = html_of(client, ARTICLE_PATH)
    assert f'<h1 class="page-title">{ARTICLE}</h1>' in html
    infobox = re.search(r'<table class="infobox[^"]*">(.*?)</table>', html, re.S)
    assert infobox, "the article has no infobox"
    box = infobox.group(1)
    assert re.search(r'<caption[^>]*>\s*Azerbaijan–Kosovo relations\s*</caption>', box)
    # an image slot (image or placeholder) with a caption naming both countries
    assert "<img" in box or "image-slot" in box
    caption = re.search(r'class="infobox-caption">(.*?)</div>', box, re.S)
    assert caption and "Azerbaijan" in caption.group(1) and "Kosovo" in caption.group(1)
    hrefs = {a.get("href") for a in anchors(box)}
    assert {"/wiki/Azerbaijan", "/wiki/Kosovo"} <= hrefs
    # the infobox comes before the lead paragraph, as on Wikipedia
    assert html.index('<table class="infobox') < html.index("Azerbaijani–Kosovan relations are")


def test_infobox_named_rows_render(app: Flask, client: FlaskClient) -> None:
    create(app, "Testland–Otherland relations", (
        "{{Infobox bilateral relations|Testland–Otherland|Testland|Otherland|filetype=png\n"
        "| mission1 = Embassy of Testland in Capital City\n"
        "| mission2 = Embassy of Otherland in Metro\n"
        "| envoy1 = Ambassador Jane Roe\n"
        "| envoy2 = Ambassador [[John Doe]]\n}}\n\nLead text.\n"
    ))
    html = html_of(client, "/wiki/Testland%E2%80%93Otherland_relations")
    box = re.search(r'<table class="infobox[^"]*">(.*?)</table>', html, re.S)
    assert box
    text = plain_text(box.group(1))
    for expected in ("Testland–Otherland relations", "Embassy of Testland in Capital City",
                     "Embassy of Otherland in Metro", "Ambassador Jane Roe", "John Doe"):
        assert expected in text
    john = [a for a in anchors(box.group(1)) if a["_text"] == "John Doe"]
    assert john and "new" in john[0].get("class", "").split()


def test_unknown_template_shows_a_notice(app: Flask, client: FlaskClient) -> None:
    create(app, "Template user", "Before.\n\n{{No such template here|x=1}}\n\nAfter.")
    html = html_of(client, "/wiki/Template_user")
    text = plain_text(content_of(html))
    assert "No such template here" in text  # the notice names it
    assert "{{" not in text and "x=1" not in text  # not left as raw wikitext
    assert re.search(r"template", text.replace("No such template here", ""), re.I)
    assert "Before." in text and "After." in text


def test_article_text_is_word_for_word(client: FlaskClient) -> None:
    text = plain_text(content_of(html_of(client, ARTICLE_PATH)))
    text = re.sub(r" ?\[(?:\d+|citation needed)\]", "", text)  # the references added here
    sections = source_sections()
    lead = sections[""]
    lead = [p for p in lead if p.startswith("Azerbaijani–Kosovan relations")]
    assert len(lead) == 1
    history = sections["History"]
    assert len(history) == 3
    for paragraph in lead + history:
        assert normalized(paragraph) in text, paragraph[:60]


def test_article_links_the_people_states_and_places(client: FlaskClient) -> None:
    links = anchors(content_of(html_of(client, ARTICLE_PATH)))
    targets = {unquote(a["href"]) for a in links if a.get("href", "").startswith("/wiki/")}
    for title in ("Azerbaijan", "Kosovo", "Serbia", "Turkey", "Organisation of Islamic Cooperation",
                  "International Court of Justice", "Ilham Aliyev", "Boris Tadić", "Baku",
                  "Khazar Ibrahim", "Zahid Oruj"):
        assert "/wiki/" + title.replace(" ", "_") in targets, title


def test_no_red_link_in_the_seeded_article(client: FlaskClient) -> None:
    html = html_of(client, ARTICLE_PATH)
    content = content_of(html)
    assert 'class="new"' not in content
    assert "redlink=1" not in content
    internal = {a["href"].split("#")[0] for a in anchors(content)
                if a.get("href", "").startswith("/wiki/")}
    assert len(internal) >= 20
    for href in sorted(internal):
        assert client.get(href).status_code == 200, href


def test_see_also_links_are_blue_and_lead_to_stubs(client: FlaskClient) -> None:
    html = html_of(client, ARTICLE_PATH)
    assert '<h2 id="See_also">See also</h2>' in html
    see_also = re.search(r'id="See_also">See also</h2>\s*<ul[^>]*>(.*?)</ul>', html, re.S)
    assert see_also, "no See also list after the heading"
    links = anchors(see_also.group(1))
    assert [a["_text"] for a in links] == [
        "Foreign relations of Azerbaijan", "Foreign relations of Kosovo",
        "Azerbaijan–Serbia relations",
    ]
    for link in links:
        assert "new" not in link.get("class", "").split()
        assert "action=edit" not in link["href"]
        stub = html_of(client, link["href"])
        stub_links = {a.get("href") for a in anchors(content_of(stub))}
        assert ARTICLE_PATH in stub_links, link["href"]


def test_stub_pages_show_the_stub_notice(client: FlaskClient) -> None:
    for path in ("/wiki/Khazar_Ibrahim", "/wiki/Foreign_relations_of_Kosovo"):
        html = html_of(client, path)
        content = content_of(html)
        assert "<p>" in content
        assert "stub" in plain_text(content).lower()


# ---------------------------------------------------------------------------------------------
# table of contents


def toc_of(html: str) -> str | None:
    match = re.search(r'<nav class="toc"[^>]*>(.*?)</nav>', html, re.S)
    return match.group(1) if match else None


def test_article_has_a_toc_whose_links_reach_headings(client: FlaskClient) -> None:
    html = html_of(client, ARTICLE_PATH)
    headings = re.findall(r'<h2 id="([^"]+)"', content_of(html))
    assert headings == ["History", "See_also", "References"]
    # as in Vector 2022 the contents stand beside any article with sections; the block inside
    # the text (for narrow screens) needs four headings, as Wikipedia's did
    toc = toc_of(html)
    assert toc is not None
    assert sorted(a["href"] for a in anchors(toc)) == sorted(f"#{h}" for h in headings)
    assert "toc-inline" not in html


def test_main_page_has_no_toc(client: FlaskClient) -> None:
    """It says __NOTOC__, as Wikipedia's Main Page does."""
    html = html_of(client, "/wiki/Main_Page")
    assert re.findall(r"<h[2-6] id=", content_of(html))
    assert toc_of(html) is None
    assert "__NOTOC__" not in html


def test_notoc_hides_the_contents_but_keeps_the_anchors(app: Flask, client: FlaskClient
                                                       ) -> None:
    text = "Lead.\n\n__NOTOC__\n\n" + "".join(f"## Part {n}\n\nText.\n\n" for n in range(5))
    create(app, "No contents", text)
    html = html_of(client, "/wiki/No_contents")
    assert toc_of(html) is None and "toc-inline" not in html
    assert '<h2 id="Part_3">' in html and "__NOTOC__" not in html


def test_toc_appears_from_four_headings(app: Flask, client: FlaskClient) -> None:
    three = "Lead.\n\n## One\n\nA.\n\n## Two\n\nB.\n\n## Three\n\nC.\n"
    create(app, "Three headings", three)
    create(app, "Four headings", three + "\n## Four\n\nD.\n")
    assert "toc-inline" not in html_of(client, "/wiki/Three_headings")
    assert "toc-inline" in html_of(client, "/wiki/Four_headings")
    toc = toc_of(html_of(client, "/wiki/Four_headings"))
    assert toc is not None
    assert [a["href"] for a in anchors(toc)] == ["#One", "#Two", "#Three", "#Four"]


# ---------------------------------------------------------------------------------------------
# red links and missing pages


def test_red_link_points_to_the_edit_url(app: Flask, client: FlaskClient) -> None:
    create(app, "Linker", "See [[Nowhere page]] and [[Kosovo]].")
    links = anchors(content_of(html_of(client, "/wiki/Linker")))
    red = [a for a in links if a["_text"] == "Nowhere page"]
    blue = [a for a in links if a["_text"] == "Kosovo"]
    assert red and "new" in red[0].get("class", "").split()
    url = urlsplit(red[0]["href"])
    assert url.path == "/wiki/Nowhere_page"
    assert "action=edit" in url.query
    assert blue and blue[0]["href"] == "/wiki/Kosovo" and "class" not in blue[0]
    form = html_of(client, red[0]["href"])
    assert 'name="text"' in form and "Creating Nowhere page" in form


def test_missing_page_is_404_with_a_create_link(client: FlaskClient) -> None:
    html = html_of(client, "/wiki/No_such_article", status=404)
    creates = [a for a in anchors(html) if a.get("href") == "/wiki/No_such_article?action=edit"
               and "Create" in a["_text"]]
    assert creates, "no create link on the missing page"
    assert client.get(creates[0]["href"]).status_code == 200


def test_missing_page_history_and_raw_are_404(client: FlaskClient) -> None:
    for query in ("action=history", "action=raw", "oldid=1"):
        assert client.get(f"/wiki/No_such_article?{query}").status_code == 404, query


# ---------------------------------------------------------------------------------------------
# canonical URLs


@pytest.mark.parametrize("path", [
    "/wiki/azerbaijan–Kosovo relations",
    "/wiki/Azerbaijan–Kosovo relations",
    "/wiki/azerbaijan%E2%80%93Kosovo%20relations",
    "/wiki/Azerbaijan%E2%80%93Kosovo%20relations",
    "/wiki/azerbaijan%e2%80%93Kosovo_relations",
    "/wiki/Azerbaijan–Kosovo__relations",
    "/wiki/_Azerbaijan–Kosovo_relations_",
])
def test_non_canonical_urls_redirect_permanently(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 301
    assert response.headers["Location"] == ARTICLE_PATH
    assert client.get(response.headers["Location"]).status_code == 200


def test_canonical_url_reads_without_redirect(client: FlaskClient) -> None:
    for path in (ARTICLE_PATH, "/wiki/Azerbaijan–Kosovo_relations"):
        assert client.get(path).status_code == 200


def test_nfc_redirect(client: FlaskClient) -> None:
    response = client.get("/wiki/Boris_Tadic%CC%81")  # c + combining acute accent
    assert response.status_code == 301
    assert response.headers["Location"] == "/wiki/Boris_Tadi%C4%87"


def test_redirect_keeps_the_query(client: FlaskClient) -> None:
    response = client.get("/wiki/Main Page?action=history")
    assert response.status_code == 301
    location = urlsplit(response.headers["Location"])
    assert location.path == "/wiki/Main_Page" and location.query == "action=history"


# ---------------------------------------------------------------------------------------------
# invalid titles


@pytest.mark.parametrize(("path", "shown"), [
    ("/wiki/A%23B", "#"),
    ("/wiki/A%3CB", "<"),
    ("/wiki/A%3EB", ">"),
    ("/wiki/A%5BB", "["),
    ("/wiki/A%5DB", "]"),
    ("/wiki/A%7CB", "|"),
    ("/wiki/A%7BB", "{"),
    ("/wiki/A%7DB", "}"),
])
def test_forbidden_characters_are_400_with_the_reason(client: FlaskClient, path: str,
                                                      shown: str) -> None:
    html = html_of(client, path, status=400)
    message = error_message(html)
    assert "contain" in message.lower()
    assert shown in message


@pytest.mark.parametrize("path", [
    "/wiki/A%00B", "/wiki/A%01B", "/wiki/A%09B", "/wiki/A%0AB", "/wiki/A%1FB", "/wiki/A%7FB",
    "/wiki/A%C2%9FB",
])
def test_control_characters_are_400(client: FlaskClient, path: str) -> None:
    html = html_of(client, path, status=400)
    assert "control character" in error_message(html).lower()


def test_titles_over_255_bytes_are_400(client: FlaskClient) -> None:
    html = html_of(client, "/wiki/" + "A" * 256, status=400)
    assert "255" in error_message(html)
    # 128 two-byte letters: 128 characters but 256 bytes
    html = html_of(client, "/wiki/" + "%C3%A9" * 128, status=400)
    assert "255" in error_message(html)
    # exactly 255 bytes is a valid (missing) title
    assert client.get("/wiki/" + "A" * 255).status_code == 404


@pytest.mark.parametrize("path", [
    "/wiki/.", "/wiki/..", "/wiki/Foo/../Bar", "/wiki/Foo/./Bar", "/wiki/Foo/..", "/wiki/./Foo",
])
def test_dot_segments_are_400(client: FlaskClient, path: str) -> None:
    html = html_of(client, path, status=400)
    message = error_message(html)
    assert '"."' in message or '".."' in message


def test_dots_inside_a_segment_are_fine(client: FlaskClient) -> None:
    assert client.get("/wiki/Foo..Bar").status_code == 404
    assert client.get("/wiki/Foo/...").status_code == 404


def test_empty_title_is_400(client: FlaskClient) -> None:
    html = html_of(client, "/wiki/_", status=400)
    assert "empty" in error_message(html).lower()


def test_invalid_title_in_other_actions_is_400(client: FlaskClient) -> None:
    for query in ("action=edit", "action=history", "action=raw"):
        assert client.get(f"/wiki/A%5BB?{query}").status_code == 400, query


# ---------------------------------------------------------------------------------------------
# raw, actions and parameters


def test_raw_returns_the_markdown(client: FlaskClient) -> None:
    response = client.get(ARTICLE_PATH + "?action=raw")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.get_data(as_text=True) == seed_text(ARTICLE).rstrip()
    assert response.get_data(as_text=True).startswith(
        "{{Infobox bilateral relations|Azerbaijan–Kosovo|Azerbaijan|Kosovo|filetype=png}}")


def test_raw_of_an_edited_page_is_byte_exact(app: Flask, client: FlaskClient) -> None:
    text = "Line with <b>tags</b> & ampersands, “quotes” and – dashes.\n\n* item [[Kosovo]]"
    create(app, "Raw test", text)
    response = client.get("/wiki/Raw_test?action=raw")
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.data == text.encode("utf-8")


@pytest.mark.parametrize("action", ["frobnicate", "EDIT", "raw%00", "view2", "histories"])
def test_unknown_action_is_400(client: FlaskClient, action: str) -> None:
    html = html_of(client, f"{ARTICLE_PATH}?action={action}", status=400)
    assert "action" in error_message(html).lower()


def test_write_actions_by_get_are_400(client: FlaskClient) -> None:
    for action in ("submit", "restore"):
        assert client.get(f"{ARTICLE_PATH}?action={action}").status_code == 400


@pytest.mark.parametrize(("query", "name"), [
    ("oldid=abc", "oldid"), ("oldid=-1", "oldid"), ("oldid=0", "oldid"), ("oldid=1.5", "oldid"),
    ("oldid=%EF%BC%91", "oldid"), ("oldid=1e3", "oldid"), ("action=raw&oldid=x", "oldid"),
    ("action=history&limit=abc", "limit"), ("action=history&limit=0", "limit"),
    ("action=history&limit=-5", "limit"), ("action=history&limit=99999999", "limit"),
    ("action=history&offset=x", "offset"), ("action=history&offset=-1", "offset"),
    ("action=history&older=x", "older"), ("action=history&older=-2", "older"),
    ("diff=abc", "diff"), ("diff=1.0", "diff"), ("diff=2&oldid=zz", "oldid"),
])
def test_malformed_parameters_are_400(client: FlaskClient, query: str, name: str) -> None:
    response = client.get(f"{ARTICLE_PATH}?{query}")
    assert response.status_code == 400, query
    assert f'"{name}"' in error_message(response.get_data(as_text=True))


def test_invalid_utf8_in_the_query_is_400(client: FlaskClient) -> None:
    html = html_of(client, ARTICLE_PATH + "?action=%FF%FE", status=400)
    assert "UTF-8" in error_message(html)


def test_invalid_utf8_in_the_path_is_400(client: FlaskClient) -> None:
    # What a WSGI server passes for /wiki/%FF: the raw byte as a latin-1 character
    response = client.get("/wiki/X", environ_overrides={
        "PATH_INFO": "/wiki/\xff", "REQUEST_URI": "/wiki/%FF", "RAW_URI": "/wiki/%FF",
    })
    assert response.status_code == 400
    assert "UTF-8" in error_message(response.get_data(as_text=True))


# ---------------------------------------------------------------------------------------------
# headers and footer


@pytest.mark.parametrize("path", [
    ARTICLE_PATH, ARTICLE_PATH + "?action=raw", ARTICLE_PATH + "?action=edit",
    "/wiki/No_such_article", "/wiki/A%5BB",
])
def test_security_headers(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers.get("X-Content-Type-Options") == "nosniff"
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp or headers.get("X-Frame-Options") == "DENY"
    assert headers.get("Referrer-Policy")


def test_footer_credits_the_licence(client: FlaskClient) -> None:
    for path in (ARTICLE_PATH, "/wiki/Main_Page", "/wiki/Baku"):
        html = html_of(client, path)
        footer = re.search(r"<footer\b.*?</footer>", html, re.S)
        assert footer, path
        links = anchors(footer.group(0))
        assert any(a.get("href", "").startswith("https://creativecommons.org/licenses/by-sa/4.0")
                   for a in links)
        text = plain_text(footer.group(0))
        assert "Creative Commons Attribution-ShareAlike 4.0" in text or "CC BY-SA 4.0" in text
        assert "Wikipedia" in text


def test_double_redirects_and_loops_are_shown_not_followed(wiki, client: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    assert wiki.edit("Hop_one", "#REDIRECT [[Hop two]]").status_code == 303
    assert wiki.edit("Hop_two", "#REDIRECT [[Azerbaijan–Kosovo relations]]").status_code == 303
    first = client.get("/wiki/Hop_one")
    assert first.status_code == 302 and "redirectedfrom=Hop+one" in first.headers["Location"]
    shown = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "double redirect" in shown and "Redirected from" in shown

    assert wiki.edit("Loop_a", "#REDIRECT [[Loop b]]").status_code == 303
    assert wiki.edit("Loop_b", "#REDIRECT [[Loop a]]").status_code == 303
    hop = client.get("/wiki/Loop_a")
    assert hop.status_code == 302
    landing = client.get(hop.headers["Location"])
    assert landing.status_code == 200
    assert "redirect loop" in landing.get_data(as_text=True)
    itself = client.get("/wiki/Loop_a?redirect=no").get_data(as_text=True)
    assert "Redirect page to" in itself
