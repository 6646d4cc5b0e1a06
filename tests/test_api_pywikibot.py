"""pywikibot against a live wiki: a site built from the api.php address alone (no user-config
file, the family made in code), reading a page, all pages and recent changes; logging in with
the user name and password file a user-config names, and saving: edits attributed to the
account, an edit made meanwhile merged or reported as pywikibot's EditConflictError, and
{{nobots}} honoured (pywikibot asks for a page's templates before it saves).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from test_accounts import PASSWORD
from wikitest import create, serve

from wiki import accounts, pages
from wiki.titles import parse_title

ARTICLE = "Azerbaijan–Kosovo relations"


@pytest.fixture(scope="module")
def pywikibot(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """pywikibot, configured in code: its files under a temporary folder, no throttling."""
    os.environ["PYWIKIBOT_NO_USER_CONFIG"] = "1"
    folder = str(tmp_path_factory.mktemp("pywikibot"))
    os.environ["PYWIKIBOT_DIR"] = folder
    module = pytest.importorskip("pywikibot")
    config = module.config
    config.base_dir = folder  # its API cache and throttle file (PYWIKIBOT_DIR needs a config)
    config.put_throttle = 0
    config.minthrottle = 0
    config.maxthrottle = 0
    config.maxlag = 0
    config.max_retries = 0
    config.retry_wait = 0
    config.socket_timeout = 30
    return module


@pytest.fixture
def site(pywikibot: ModuleType, app: Flask) -> Iterator[Any]:
    """A pywikibot site of a live wiki, known only by its api.php address."""
    from pywikibot.family import AutoFamily

    with serve(app) as live:
        family = AutoFamily(f"wiki{live.port}", live.url + "/w/api.php")
        yield pywikibot.Site(family.name, family)


def test_site_finds_the_wiki(site: Any) -> None:
    assert str(site.version()) == "1.39.0"
    assert site.siteinfo["mainpage"] == "Main Page"
    assert site.namespaces[14].custom_name == "Category"


def test_reads_a_page(pywikibot: ModuleType, site: Any) -> None:
    page = pywikibot.Page(site, ARTICLE)
    assert page.exists()
    assert page.text.startswith("{{Infobox bilateral relations")
    assert page.latest_revision_id > 0
    assert not pywikibot.Page(site, "Does not exist yet").exists()


def test_iterates_all_pages(pywikibot: ModuleType, site: Any, app: Flask,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(7):
        create(app, f"Pywikibot page {n}", "text")
    monkeypatch.setattr(pywikibot.config, "step", 3)  # three pages a request: continuation
    titles = [page.title() for page in site.allpages(prefix="Pywikibot page")]
    assert titles == [f"Pywikibot page {n}" for n in range(7)]
    every = [page.title() for page in site.allpages()]
    assert ARTICLE in every and every == sorted(every)


def test_iterates_recent_changes(site: Any, app: Flask) -> None:
    create(app, "Fresh change", "new text")
    changes = list(site.recentchanges(total=5))
    assert changes[0]["title"] == "Fresh change"
    assert changes[0]["type"] == "new"
    assert len(changes) == 5


USER = "Pywikibot user"


@pytest.fixture
def bot(pywikibot: ModuleType, site: Any, app: Flask, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Any:
    """The site logged in the way a user-config sets it up: the user name in
    config.usernames, the password in a password file."""
    with app.app_context():
        accounts.create_account(USER, PASSWORD, PASSWORD)
    monkeypatch.setitem(pywikibot.config.usernames[site.family.name], site.code, USER)
    passwords = tmp_path / "passwords"
    passwords.write_text(f"({USER!r}, {PASSWORD!r})\n", encoding="utf-8")
    passwords.chmod(0o600)  # pywikibot warns about (and tightens) any other mode
    monkeypatch.setattr(pywikibot.config, "password_file", str(passwords))
    site.login()
    return site


def test_logs_in(bot: Any) -> None:
    assert bot.logged_in()
    assert bot.userinfo["name"] == USER
    assert "anon" not in bot.userinfo


def change(app: Flask, title: str, text: str) -> None:
    """Someone else saves a new text of the page, from its latest revision."""
    with app.app_context():
        name = parse_title(title)
        pages.save_edit(name, text, author=pages.Author("Someone else"),
                        base_revision_id=pages.get_page(name).latest_revision_id,
                        summary="meanwhile")


def latest_author(app: Flask, title: str) -> tuple[str, str, str]:
    """The author, summary and text of the page's latest revision, over HTTP."""
    answer = app.test_client().get("/w/api.php", query_string={
        "action": "query", "prop": "revisions", "titles": title, "rvprop": "user|comment|content",
        "rvslots": "main", "format": "json", "formatversion": "2"}).get_json()
    revision = answer["query"]["pages"][0]["revisions"][0]
    return revision["user"], revision["comment"], revision["slots"]["main"]["content"]


def test_saves_an_edit_as_the_account(pywikibot: ModuleType, bot: Any, app: Flask) -> None:
    page = pywikibot.Page(bot, "Saved by pywikibot")
    page.text = "First words."
    page.save(summary="start the page")
    assert latest_author(app, "Saved by pywikibot") == (USER, "start the page", "First words.")
    page = pywikibot.Page(bot, ARTICLE)
    page.text = page.text + "\n\nOne more paragraph."
    page.save(summary="add a paragraph")
    author, summary, text = latest_author(app, ARTICLE)
    assert (author, summary) == (USER, "add a paragraph")
    assert text.endswith("\n\nOne more paragraph.")
    assert page.latest_revision.user == USER


def test_an_edit_made_meanwhile_elsewhere_is_merged(pywikibot: ModuleType, bot: Any,
                                                     app: Flask) -> None:
    create(app, "Merged page", "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.")
    page = pywikibot.Page(bot, "Merged page")
    text = page.text
    change(app, "Merged page",
           "First paragraph, changed.\n\nSecond paragraph.\n\nThird paragraph.")
    page.text = text.replace("Third paragraph.", "Third paragraph, also changed.")
    page.save(summary="change the third")
    assert latest_author(app, "Merged page") == (
        USER, "change the third",
        "First paragraph, changed.\n\nSecond paragraph.\n\nThird paragraph, also changed.")


def test_an_overlapping_edit_made_meanwhile_is_a_conflict(pywikibot: ModuleType, bot: Any,
                                                           app: Flask) -> None:
    create(app, "Conflict page", "One line.")
    page = pywikibot.Page(bot, "Conflict page")
    assert page.text == "One line."
    change(app, "Conflict page", "One line, as someone else wrote it.")
    page.text = "One line, as the bot wrote it."
    with pytest.raises(pywikibot.exceptions.EditConflictError):
        page.save(summary="rewrite the line")
    assert latest_author(app, "Conflict page") == (
        "Someone else", "meanwhile", "One line, as someone else wrote it.")


def test_a_page_that_calls_nobots_is_left_alone(pywikibot: ModuleType, bot: Any,
                                                app: Flask) -> None:
    create(app, "Not for bots", "{{nobots}}\n\nHands off.")
    page = pywikibot.Page(bot, "Not for bots")
    assert [template.title() for template in page.templates()] == ["Template:Nobots"]
    page.text = "Changed by a bot."
    with pytest.raises(pywikibot.exceptions.OtherPageSaveError):
        page.save(summary="ignore the request")
    assert latest_author(app, "Not for bots")[2] == "{{nobots}}\n\nHands off."
