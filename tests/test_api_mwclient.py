"""mwclient 0.11, unmodified, against the wiki served on a live threaded server: site start-up,
logins, saves (new pages, append, sections), attribution, assert=user enforced by the server, and
protection refused both by mwclient's own check and by the server. Reading text goes through
prop=revisions; the tests that need it are in test_api_mwclient_read.py."""

from __future__ import annotations

from collections.abc import Iterator

import mwclient
import mwclient.errors
import pytest
from flask import Flask
from test_accounts import PASSWORD
from test_api_write import latest, make_account, page_text
from wikitest import LiveServer, create, serve

from wiki import moderation, pages
from wiki.titles import parse_title

ARTICLE = "Intro.\n\n## History\n\nOld line.\n\n## Later\n\nLater line."


@pytest.fixture
def live(app: Flask) -> Iterator[LiveServer]:
    """The wiki on a live server, with a page "Alpha" and an account "Writer"."""
    create(app, "Alpha", ARTICLE)
    make_account(app, "Writer")
    with serve(app) as server:
        yield server


def site_of(server: LiveServer, **options: object) -> mwclient.Site:
    """An mwclient site for the live wiki; it fails at once instead of retrying for minutes."""
    return mwclient.Site(f"127.0.0.1:{server.port}", path="/w/", scheme="http",
                         max_retries=0, retry_timeout=0, **options)


def test_site_init(live: LiveServer) -> None:
    site = site_of(live)
    assert site.version[:2] == (1, 39)
    assert site.namespaces[0] == "" and site.namespaces[1] == "Talk"
    assert not site.logged_in and "edit" in site.rights
    assert site.site["sitename"] and site.site["generator"].startswith("MediaWiki ")


def test_page_info(live: LiveServer) -> None:
    site = site_of(live)
    page = site.pages["alpha"]
    assert page.name == "Alpha" and page.exists and page.revision > 0
    missing = site.pages["does not exist yet"]
    assert not missing.exists and missing.name == "Does not exist yet"
    assert missing.text() == ""  # mwclient asks nothing for a missing page


def test_save_a_page(app: Flask, live: LiveServer) -> None:
    site = site_of(live, force_login=False)
    page = site.pages["Alpha"]
    result = page.edit("Replaced through mwclient.", summary="mwclient save")
    assert result["result"] == "Success" and result["title"] == "Alpha"
    assert result["newrevid"] == latest(app, "Alpha")[0]
    assert page_text(app, "Alpha") == "Replaced through mwclient."
    assert latest(app, "Alpha")[2] == "127.0.0.1"
    new = site.pages["Created by mwclient"]
    assert new.edit("Fresh.", summary="new")["new"] == ""
    assert page_text(app, "Created by mwclient") == "Fresh."


def test_append_prepend_and_sections(app: Flask, live: LiveServer) -> None:
    site = site_of(live, force_login=False)
    page = site.pages["Alpha"]
    page.append("\n\nAppended.", summary="append")
    page.prepend("Prepended.\n\n", summary="prepend")
    page.edit("## History\n\nRewritten history.", section=1, summary="section")
    page.edit("Talk about it.", section="new", summary="A new topic")
    assert page_text(app, "Alpha") == ("Prepended.\n\nIntro.\n\n## History\n\nRewritten "
                                       "history.\n\n## Later\n\nLater line.\n\nAppended.\n\n"
                                       "## A new topic\n\nTalk about it.")
    with pytest.raises(mwclient.errors.APIError) as raised:
        page.edit("x", section=9)
    assert raised.value.code == "nosuchsection"


def test_nochange(app: Flask, live: LiveServer) -> None:
    site = site_of(live, force_login=False)
    result = site.pages["Alpha"].edit(ARTICLE, summary="same")
    assert "nochange" in result and "newtimestamp" not in result


def test_login_and_an_attributed_save(app: Flask, live: LiveServer) -> None:
    site = site_of(live)
    site.login("Writer", PASSWORD)
    assert site.logged_in and site.username == "Writer"
    result = site.pages["Alpha"].edit("Written by an account.", summary="signed")
    assert result["result"] == "Success"
    assert latest(app, "Alpha")[2] == "Writer"
    with app.app_context():
        revision = pages.latest_revision(pages.get_page(parse_title("Alpha")))
        assert not revision.author_is_ip and revision.summary == "signed"


def test_a_wrong_password(live: LiveServer) -> None:
    site = site_of(live)
    with pytest.raises(mwclient.errors.LoginError) as raised:
        site.login("Writer", "not the password")
    assert raised.value.code == "Failed" and raised.value.info
    site.login("Writer", PASSWORD)  # the cached login token still works
    assert site.logged_in


def test_clientlogin(app: Flask, live: LiveServer) -> None:
    site = site_of(live)
    assert site.clientlogin(username="Writer", password=PASSWORD) is True
    site.site_init()
    assert site.logged_in and site.username == "Writer"
    with pytest.raises(mwclient.errors.LoginError) as raised:
        site_of(live).clientlogin(username="Writer", password="wrong")
    assert raised.value.code == "FAIL" and isinstance(raised.value.info, str)


def test_the_server_enforces_assert_user(app: Flask, live: LiveServer) -> None:
    site = site_of(live)  # force_login: every edit carries assert=user
    page = site.pages["Alpha"]
    with pytest.raises(mwclient.errors.AssertUserFailedError):
        page.edit("Anonymous.", summary="x")  # refused by mwclient itself
    site.get_token("csrf")  # an answer without userinfo: mwclient now believes it logged in
    assert site.logged_in
    with pytest.raises(mwclient.errors.AssertUserFailedError):
        page.edit("Anonymous.", summary="x")  # refused by the server
    assert page_text(app, "Alpha") == ARTICLE


def test_protected_pages(app: Flask, live: LiveServer) -> None:
    site = site_of(live, force_login=False)
    stale = site.pages["Alpha"]  # read before the protection
    with app.app_context():
        moderation.protect(parse_title("Alpha"), "admin", "edit war", None, pages.SYSTEM)
    fresh = site.pages["Alpha"]
    assert fresh.protection["edit"][0] == "sysop"
    with pytest.raises(mwclient.errors.ProtectedPageError):
        fresh.edit("Refused by mwclient.", summary="x")
    with pytest.raises(mwclient.errors.ProtectedPageError) as raised:
        stale.edit("Refused by the server.", summary="x")
    assert raised.value.code == "protectedpage"
    assert page_text(app, "Alpha") == ARTICLE


def test_editors_may_edit_pages_protected_for_editors(app: Flask, live: LiveServer) -> None:
    with app.app_context():
        moderation.protect(parse_title("Alpha"), "editor", "vandalism", None, pages.SYSTEM)
    anonymous = site_of(live, force_login=False)
    with pytest.raises(mwclient.errors.ProtectedPageError):
        anonymous.pages["Alpha"].edit("Anonymous.", summary="x")
    site = site_of(live)
    site.login("Writer", PASSWORD)
    assert site.pages["Alpha"].can("edit")
    assert site.pages["Alpha"].edit("By an editor.", summary="x")["result"] == "Success"


def test_errors_come_back_as_api_errors(app: Flask, live: LiveServer) -> None:
    site = site_of(live, force_login=False)
    with pytest.raises(mwclient.errors.APIError) as raised:
        site.pages["Alpha"].edit("x", createonly=True)
    assert raised.value.code == "articleexists"
    with pytest.raises(mwclient.errors.APIError) as raised:
        site.pages["Nowhere"].edit("x", nocreate=True)
    assert raised.value.code == "missingtitle"
    with pytest.raises(mwclient.errors.APIError) as raised:
        site.api("edit", "GET", title="Alpha", text="x", token=site.get_token("csrf"))
    assert raised.value.code == "mustbeposted"


def test_a_stale_csrf_token_is_fetched_again(app: Flask, live: LiveServer) -> None:
    site = site_of(live, force_login=False)
    site.tokens["csrf"] = "stale+\\"
    assert site.pages["Alpha"].edit("After a retry.", summary="x")["result"] == "Success"
    assert page_text(app, "Alpha") == "After a retry."


def test_delete_and_protect_as_an_administrator(app: Flask, live: LiveServer) -> None:
    make_account(app, "Boss", role="admin")
    site = site_of(live)
    site.login("Boss", PASSWORD)
    result = site.api("protect", title="Alpha", protections="edit=sysop|move=sysop",
                      expiry="infinite|infinite", reason="war", token=site.get_token("csrf"))
    assert result["protect"]["protections"][0] == {"edit": "sysop", "expiry": "infinite"}
    page = site.pages["Alpha"]
    assert page.protection["edit"][0] == "sysop" and page.can("edit")
    assert page.delete(reason="gone")["title"] == "Alpha"
    assert not site.pages["Alpha"].exists
