"""The pages the Tools menu links to: page information (?action=info), Special:CiteThisPage
and Special:RecentChangesLinked (related changes), through the client as a reader uses them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_moderation import admin, logged_in, protect  # noqa: F401  (fixture)
from wikitest import WikiClient, create, custom_app

ARTICLE = "Azerbaijan–Kosovo relations"
ARTICLE_PATH = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def row(html: str, label: str) -> str:
    """The text of the info table's row headed `label`."""
    match = re.search(rf'<th scope="row">{re.escape(label)}</th><td>(.*?)</td>', html, re.S)
    assert match, f"no row {label}"
    return text_of(match.group(1))


# ---------------------------------------------------------------------------------------------
# ?action=info


def test_info_of_a_page(app: Flask, wiki: WikiClient, client: FlaskClient) -> None:
    first = create(app, "Informed", "One. [[Category:Examples]]", author="Alice")
    assert wiki.edit("Informed", "Two, longer. [[Category:Examples]] [[Category:Zeta]]",
                     summary="x").status_code == 303
    wiki.edit("Informed", "Two, longer! [[Category:Examples]] [[Category:Zeta]]")
    create(app, "Linker one", "See [[Informed]].")
    create(app, "Linker two", "See [[Informed]] again.")
    create(app, "Informed again", "#REDIRECT [[Informed]]")
    response = client.get("/wiki/Informed?action=info")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<h1 class="page-title">Information for "Informed"</h1>' in html
    assert row(html, "Display title") == "Informed"
    assert row(html, "Page ID").isdigit()
    text = "Two, longer! [[Category:Examples]] [[Category:Zeta]]"
    assert row(html, "Page length (in bytes)") == str(len(text.encode()))
    assert row(html, "Total number of edits") == "3"
    assert row(html, "Total number of distinct authors") == "2"  # Alice and 127.0.0.1
    assert row(html, "Page creator") == "Alice"
    assert row(html, "Latest editor") == "127.0.0.1"
    assert f'href="/wiki/Informed?oldid={first}"' in html
    assert row(html, "Redirects to this page") == "1"
    assert row(html, "Number of pages linking here") == "3"
    assert 'href="/wiki/Special:WhatLinksHere/Informed"' in html
    assert row(html, "Categories") == "Examples , Zeta"
    assert row(html, "Is a redirect") == "No"
    assert row(html, "Edit") == "Allow all users"


def test_info_of_a_redirect_and_a_protected_page(app: Flask, admin: FlaskClient) -> None:  # noqa: F811
    create(app, "Guarded", "Text.")
    create(app, "Guarded alias", "#REDIRECT [[Guarded]]")
    assert protect(admin, "Guarded", "admin", expiry="1 week").status_code == 303
    html = admin.get("/wiki/Guarded?action=info").get_data(as_text=True)
    assert "admin" in row(html, "Edit").lower()
    assert "UTC" in row(html, "Expiry")
    redirect = admin.get("/wiki/Guarded_alias?action=info").get_data(as_text=True)
    assert row(redirect, "Is a redirect") == "Yes, to Guarded"


def test_info_of_a_missing_page_is_404(client: FlaskClient) -> None:
    assert client.get("/wiki/No_such_page?action=info").status_code == 404


def test_info_of_the_seeded_article(client: FlaskClient) -> None:
    html = client.get(f"{ARTICLE_PATH}?action=info").get_data(as_text=True)
    assert "Bilateral relations of Azerbaijan" in row(html, "Categories")
    assert int(row(html, "Number of pages linking here")) > 1


# ---------------------------------------------------------------------------------------------
# Special:CiteThisPage


@pytest.fixture
def based_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    yield from custom_app(tmp_path, database_url, WIKI_BASE_URL="https://wiki.example.org",
                          WIKI_SITE_NAME="Example Wiki")


def test_cite_this_page(based_app: Flask) -> None:
    client = based_app.test_client()
    response = client.get("/wiki/Special:CiteThisPage?page=" + quote(ARTICLE))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    raw = client.get(f"{ARTICLE_PATH}?action=info").get_data(as_text=True)
    revision = re.search(r"oldid=(\d+)", raw)
    assert revision
    permanent = f"https://wiki.example.org{ARTICLE_PATH}?oldid={revision.group(1)}"
    text = text_of(html)
    assert f"Page name: {ARTICLE}" in text
    assert "Author: Example Wiki contributors" in text
    assert "Publisher: Example Wiki" in text
    assert f"Permanent link: {permanent}" in text
    assert f"Page version ID: {revision.group(1)}" in text
    assert "localhost" not in html
    assert re.search(rf"{re.escape(ARTICLE)}\. \(\d{{4}}, [A-Z][a-z]+ \d{{1,2}}\)\. In Example "
                     rf"Wiki \. {re.escape(permanent)}", text)  # APA
    assert re.search(rf'"{re.escape(ARTICLE)}\." Example Wiki , \d{{1,2}} [A-Z][a-z]+\.? '
                     r"\d{4}, " + re.escape(permanent) + r"\. Accessed ", text)  # MLA
    assert f'Example Wiki contributors, "{ARTICLE}," Example Wiki , {permanent} (accessed' \
        in text  # Chicago
    wikitext = re.search(r'<textarea id="cite-web-text"[^>]*>(.*?)</textarea>', html, re.S)
    assert wikitext
    assert unescape(wikitext.group(1)).startswith(
        f"{{{{Cite web |url={permanent} |title={ARTICLE} |author=Example Wiki contributors "
        "|website=Example Wiki |date=")


def test_cite_this_page_by_subpage_and_its_citation_renders(
        based_app: Flask) -> None:
    client = based_app.test_client()
    html = client.get(f"/wiki/Special:CiteThisPage/{quote(ARTICLE)}").get_data(as_text=True)
    wikitext = unescape(re.search(r'<textarea id="cite-web-text"[^>]*>(.*?)</textarea>',
                                  html, re.S).group(1))  # type: ignore[union-attr]
    create(based_app, "Citing page", f"Fact.[^1]\n\n[^1]: {wikitext}")
    cited = client.get("/wiki/Citing_page").get_data(as_text=True)
    assert '<cite class="citation web">' in cited
    assert "Example Wiki contributors" in cited


def test_cite_this_page_form_and_missing_page(client: FlaskClient) -> None:
    form = client.get("/wiki/Special:CiteThisPage")
    assert form.status_code == 200
    assert 'name="page"' in form.get_data(as_text=True)
    assert client.get("/wiki/Special:CiteThisPage?page=No_such_page").status_code == 404
    assert client.get("/wiki/Special:CiteThisPage?page=Bad%5Btitle").status_code == 400


# ---------------------------------------------------------------------------------------------
# Special:RecentChangesLinked


def change_titles(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'<a class="change-title" href="[^"]*">([^<]*)</a>',
                                            html)]


@pytest.fixture
def linked(app: Flask, wiki: WikiClient) -> None:
    create(app, "Hub", "Links to [[Spoke one]] and [[Spoke two]] and [[Nowhere yet]].")
    create(app, "Spoke one", "One.")
    create(app, "Spoke two", "Two.")
    create(app, "Elsewhere", "Not linked.")
    create(app, "Fan", "I link to [[Hub]].")
    wiki.edit("Spoke_one", "One, edited.", summary="spoke edit", minor=True)
    wiki.edit("Elsewhere", "Still not linked.")


def test_related_changes_of_linked_pages(client: FlaskClient, linked: None) -> None:
    response = client.get("/wiki/Special:RecentChangesLinked/Hub")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    titles = change_titles(html)
    assert titles == ["Spoke one", "Spoke two", "Spoke one"]
    assert "Elsewhere" not in titles and "Hub" not in titles and "Fan" not in titles
    assert '<h1 class="page-title">Related changes: Hub</h1>' in html
    assert "spoke edit" in html


def test_related_changes_filters(client: FlaskClient, linked: None) -> None:
    hidden = client.get("/wiki/Special:RecentChangesLinked/Hub?hideminor=1")
    assert change_titles(hidden.get_data(as_text=True)) == ["Spoke two", "Spoke one"]
    limited = client.get("/wiki/Special:RecentChangesLinked/Hub?limit=1").get_data(as_text=True)
    assert change_titles(limited) == ["Spoke one"]
    assert 'href="/wiki/Special:RecentChangesLinked/Hub?offset=1&amp;limit=1"' in limited
    talk = client.get("/wiki/Special:RecentChangesLinked/Hub?namespace=Talk")
    assert change_titles(talk.get_data(as_text=True)) == []
    for bad in ("hideminor=2", "target_links_to=yes", "limit=0", "namespace=Nope"):
        assert client.get(f"/wiki/Special:RecentChangesLinked/Hub?{bad}").status_code == 400


def test_related_changes_of_pages_linking_here(client: FlaskClient, linked: None) -> None:
    html = client.get("/wiki/Special:RecentChangesLinked?target=Hub&target_links_to=1"
                      ).get_data(as_text=True)
    assert change_titles(html) == ["Fan"]
    assert "that link to" in html


def test_related_changes_form_and_missing_target(client: FlaskClient) -> None:
    form = client.get("/wiki/Special:RecentChangesLinked").get_data(as_text=True)
    assert 'name="target"' in form and change_titles(form) == []
    missing = client.get("/wiki/Special:RecentChangesLinked/No_such_page")
    assert missing.status_code == 200
    assert "There is no page by this title." in missing.get_data(as_text=True)


def test_related_changes_of_the_seeded_article(client: FlaskClient) -> None:
    html = client.get(f"/wiki/Special:RecentChangesLinked/{quote(ARTICLE)}"
                      ).get_data(as_text=True)
    assert "Foreign relations of Azerbaijan" in change_titles(html)
    assert ARTICLE not in change_titles(html)


def test_logged_in_helpers_are_imported() -> None:
    assert callable(logged_in)
