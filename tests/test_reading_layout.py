"""The reading layout through HTTP: what the page template promises besides the text (the
favicon, the blocking appearance script before the style sheet, the Tools menu's addresses, the
last-edited line, Create on a missing page, separated categories, the two tables of contents)
and that anonymous readers all get the same page, whatever cookie they send."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wikitest import create

from wiki import clock

ARTICLE_PATH = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"


def html_of(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def test_favicon_is_linked_and_answers(client: FlaskClient) -> None:
    html = html_of(client, "/wiki/Main_Page")
    assert re.search(r'<link rel="icon" href="/static/favicon\.svg\?v=[0-9a-f]{12}" '
                     r'type="image/svg\+xml">', html)
    assert client.get("/static/favicon.svg").status_code == 200
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.mimetype in {"image/vnd.microsoft.icon", "image/x-icon"}
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age=86400" in icon.headers["Cache-Control"]


def test_appearance_script_blocks_before_the_style_sheet(client: FlaskClient) -> None:
    head = html_of(client, ARTICLE_PATH).split("</head>")[0]
    found = re.search(r'<script src="/static/js/appearance\.js\?v=[0-9a-f]{12}"></script>', head)
    assert found is not None
    script = found.start()
    assert script < head.index('rel="stylesheet"')
    assert "<script>" not in head and " style=" not in head  # the CSP forbids inline ones
    assert '<meta name="color-scheme" content="light dark">' in head


def test_tools_menu_links(app: Flask, client: FlaskClient) -> None:
    latest = create(app, "Tool test", "Some text.")
    html = html_of(client, "/wiki/Tool_test")
    menu = re.search(r'<details class="tools-menu dropdown">(.*?)</details>', html, re.S)
    assert menu
    links = {text_of(label): unescape(href)
             for href, label in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', menu.group(1))}
    assert links == {
        "What links here": "/wiki/Special:WhatLinksHere/Tool_test",
        "Related changes": "/wiki/Special:RecentChangesLinked/Tool_test",
        "Permanent link": f"/wiki/Tool_test?oldid={latest}",
        "Page information": "/wiki/Tool_test?action=info",
        "Cite this page": "/wiki/Special:CiteThisPage?page=Tool+test",
        "Purge cache": "/wiki/Tool_test?action=purge",
    }
    assert 'aria-label="Tools"' in menu.group(1)
    # History and diffs have it too; missing pages and special pages do not.
    assert "tools-menu" in html_of(client, "/wiki/Tool_test?action=history")
    assert "tools-menu" not in html_of(client, "/wiki/No_such_page", status=404)
    assert "tools-menu" not in html_of(client, "/wiki/Special:RecentChanges")


def test_footer_says_when_the_page_was_last_edited(app: Flask, client: FlaskClient,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 11, 28, 1, 15, 9))
    latest = create(app, "Dated", "Some text.")
    footer = html_of(client, "/wiki/Dated").split('<footer class="site-footer">')[1]
    assert "This page was last edited on 28 November 2026, at 01:15 (UTC)." in text_of(footer)
    old = html_of(client, f"/wiki/Dated?oldid={latest}").split('<footer class="site-footer">')[1]
    assert "last edited" not in old  # an old revision's page says so in its banner instead
    assert "last edited" not in html_of(client, "/wiki/Special:RecentChanges")


def test_missing_page_tab_says_create(client: FlaskClient) -> None:
    html = html_of(client, "/wiki/No_such_page", status=404)
    tabs = re.search(r'<ul class="tabs-right">(.*?)</ul>', html, re.S)
    assert tabs
    labels = [text_of(label) for label in re.findall(r"<a [^>]*>(.*?)</a>", tabs.group(1))]
    assert labels == ["Read", "Create"]
    assert 'href="/wiki/No_such_page?action=edit">Create</a>' in tabs.group(1)
    edit = html_of(client, "/wiki/No_such_page?action=edit")
    tabs = re.search(r'<ul class="tabs-right">(.*?)</ul>', edit, re.S)
    assert tabs and ">Create</a>" in tabs.group(1) and ">Edit</a>" not in tabs.group(1)
    article = re.search(r'<ul class="tabs-right">(.*?)</ul>', html_of(client, ARTICLE_PATH), re.S)
    assert article and ">Edit</a>" in article.group(1) and ">View history</a>" in article.group(1)


def test_categories_are_separated(client: FlaskClient) -> None:
    html = html_of(client, ARTICLE_PATH)
    catlinks = html.split('<div class="catlinks">', 1)[1].split("</div>", 1)[0]
    assert "Categories: Bilateral relations of Azerbaijan · Bilateral relations of Kosovo" in (
        text_of(catlinks))


def test_contents_beside_the_article_and_after_the_lead(app: Flask, client: FlaskClient
                                                       ) -> None:
    sections = "".join(f"## {name}\n\nText.\n\n" for name in ("History", "B", "C", "D"))
    create(app, "Four sections", "Lead.\n\n" + sections)
    html = html_of(client, "/wiki/Four_sections")
    assert re.search(r'<body class="has-toc-sidebar">', html)
    start = html.index('<div class="column-start">')
    sidebar = html.index('<nav class="toc" id="toc-sidebar"')
    assert start < sidebar < html.index("<main")
    lead = html.index('<div class="wiki-content">')
    inline = html.index('<details class="toc-inline">')
    assert lead < inline < html.index('<h2 id="History"')
    # The title is a compact label, not one of the article's section headings.
    assert '<h2 id="toc-sidebar-heading" class="toc-title">Contents</h2>' in html
    assert '<summary class="toc-title" id="toc-inline-heading">Contents</summary>' in html
    # The seeded article, with three sections, has the sidebar but not the block in the text
    # (as does a stub with its one See also); a page without sections has neither.
    article = html_of(client, ARTICLE_PATH)
    assert "toc-sidebar" in article and "toc-inline" not in article
    create(app, "No sections", "Only a lead.")
    plain = html_of(client, "/wiki/No_sections")
    assert "toc-sidebar" not in plain and "toc-inline" not in plain


def test_anonymous_readers_get_the_same_page_whatever_their_cookies(
        client: FlaskClient) -> None:
    first = html_of(client, ARTICLE_PATH)
    client.set_cookie("wiki-theme", "dark")
    client.set_cookie("wiki-width", "wide")
    assert html_of(client, ARTICLE_PATH) == first
    assert "theme-dark" not in first and "width-wide" not in first
