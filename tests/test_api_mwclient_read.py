"""mwclient 0.11 against a live server, for what needs the Action API's read modules
(prop=revisions, the lists and generators): page and section text, the edit conflicts that text()
makes possible (its timestamp becomes the base of the next save), history with continuation,
search, all pages, recent changes, backlinks and categories."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.util import find_spec

import mwclient
import mwclient.errors
import pytest
from flask import Flask
from test_accounts import PASSWORD
from test_api_mwclient import site_of
from test_api_write import latest, make_account, page_text, revision_count
from wikitest import LiveServer, create, serve

# Until the read modules are in the tree these cannot run; once they are, they always do.
pytestmark = pytest.mark.skipif(find_spec("wiki.api.action.revisions") is None,
                                reason="needs the Action API's read modules (prop=revisions)")
ARTICLE = ("Intro line.\n\n## History\n\nFirst history line.\n\nSecond history line.\n\n"
           "### Early\n\nEarly days.\n\n## Later\n\nLater days.")


@pytest.fixture
def live(app: Flask) -> Iterator[LiveServer]:
    """The wiki on a live server, with a page "Alpha" and an account "Writer"."""
    create(app, "Alpha", ARTICLE)
    make_account(app, "Writer")
    with serve(app) as server:
        yield server


def test_page_and_section_text(live: LiveServer) -> None:
    site = site_of(live, force_login=False)
    page = site.pages["Alpha"]
    assert page.text() == ARTICLE
    assert page.text(section=0) == "Intro line."
    assert page.text(section=1) == ("## History\n\nFirst history line.\n\nSecond history line."
                                    "\n\n### Early\n\nEarly days.")
    assert page.text(section=2) == "### Early\n\nEarly days."
    with pytest.raises(mwclient.errors.APIError) as raised:
        page.text(section=9)
    assert raised.value.code == "nosuchsection"


def test_an_edit_conflict_merged(app: Flask, live: LiveServer) -> None:
    """Two Page objects read the same revision and change different lines: both saves
    succeed and both changes are in the final text."""
    site = site_of(live, force_login=False)
    first, second = site.pages["Alpha"], site.pages["Alpha"]
    one, two = first.text(), second.text()
    first.edit(one.replace("Intro line.", "Intro line, first client."), summary="first")
    result = second.edit(two.replace("Later days.", "Later days, second client."),
                         summary="second")
    assert result["result"] == "Success"
    text = page_text(app, "Alpha")
    assert "Intro line, first client." in text and "Later days, second client." in text


def test_an_edit_conflict_refused(app: Flask, live: LiveServer) -> None:
    """Overlapping changes: the second save raises EditError and is not saved; the first
    stays intact."""
    site = site_of(live, force_login=False)
    first, second = site.pages["Alpha"], site.pages["Alpha"]
    one, two = first.text(), second.text()
    first.edit(one.replace("Early days.", "Early days, first client."), summary="first")
    saved = page_text(app, "Alpha")
    with pytest.raises(mwclient.errors.EditError):
        second.edit(two.replace("Early days.", "Early days, second client."), summary="second")
    assert page_text(app, "Alpha") == saved
    assert "second client" not in page_text(app, "Alpha")
    assert revision_count(app, "Alpha") == 2


def test_consecutive_saves_from_one_page_object(app: Flask, live: LiveServer) -> None:
    """newtimestamp becomes the base of the next save: no conflict with oneself."""
    site = site_of(live, force_login=False)
    page = site.pages["Alpha"]
    text = page.text()
    page.edit(text.replace("Intro line.", "One."), summary="one")
    page.edit(text.replace("Intro line.", "Two."), summary="two")
    assert page_text(app, "Alpha").startswith("Two.")


def test_a_logged_in_account_resolves_its_own_overlap(app: Flask, live: LiveServer) -> None:
    site = site_of(live)
    site.login("Writer", PASSWORD)
    first, second = site.pages["Alpha"], site.pages["Alpha"]
    one, two = first.text(), second.text()
    first.edit(one.replace("Early days.", "Mine, first."), summary="first")
    second.edit(two.replace("Early days.", "Mine, second."), summary="second")
    assert "Mine, second." in page_text(app, "Alpha")
    assert latest(app, "Alpha")[2] == "Writer"


def test_revisions_with_continuation(app: Flask, live: LiveServer) -> None:
    site = site_of(live, force_login=False)
    page = site.pages["Alpha"]
    for n in range(6):
        page.edit(f"{ARTICLE}\n\nEdit {n}.", summary=f"edit {n}")
    revisions = list(page.revisions(prop="ids|timestamp|user|comment|size", api_chunk_size=2))
    assert [r["comment"] for r in revisions] == [f"edit {n}" for n in range(5, -1, -1)] + \
        ["setup"]
    assert len({r["revid"] for r in revisions}) == 7


def test_search_allpages_recentchanges(app: Flask, live: LiveServer) -> None:
    create(app, "Apples", "Apples are fruit.")
    site = site_of(live, force_login=False)
    assert "Apples" in [hit["title"] for hit in site.search("apples")]
    titles = [page.name for page in site.allpages()]
    assert "Alpha" in titles and "Apples" in titles and titles == sorted(titles)
    site.pages["Alpha"].edit("Changed.", summary="recent")
    changes = list(site.recentchanges())
    assert changes[0]["title"] == "Alpha"


def test_backlinks(app: Flask, live: LiveServer) -> None:
    create(app, "Linker", "See [[Alpha]].")
    site = site_of(live, force_login=False)
    assert [page.name for page in site.pages["Alpha"].backlinks()] == ["Linker"]
    assert list(site.pages["Alpha"].backlinks(generator=False)) == ["Linker"]


def test_categories(app: Flask, live: LiveServer) -> None:
    create(app, "Linker", "See [[Alpha]].\n\n[[Category:Examples]]")
    site = site_of(live, force_login=False)
    assert [category.name for category in site.pages["Linker"].categories()] == \
        ["Category:Examples"]
    assert [member.name for member in site.categories["Examples"]] == ["Linker"]
