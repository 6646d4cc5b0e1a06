"""action=delete, action=undelete, action=protect and action=rollback: administrators only, each
through wiki.moderation (logged, text changed only by the one writer)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_api_write import Api, error_code, latest, make_account, page_text
from wikitest import WikiClient, create

from wiki import actionlog, pages, permissions
from wiki.titles import parse_title


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> Api:
    """A logged-in administrator, with a page "Alpha"."""
    create(app, "Alpha", "First text.")
    make_account(app, "Boss", role="admin")
    api = Api(client)
    assert api.login("Boss")["login"]["result"] == "Success"
    return api


def protection(app: Flask, title: str) -> permissions.ActiveProtection | None:
    """The page's protection in force."""
    with app.app_context():
        return permissions.active_protection(pages.find_page(parse_title(title)))


@pytest.mark.parametrize(("action", "params"), [
    ("delete", {"title": "Alpha"}), ("undelete", {"title": "Alpha"}),
    ("protect", {"title": "Alpha", "protections": "edit=sysop"}),
    ("rollback", {"title": "Alpha", "user": "Setup"})])
def test_only_administrators(app: Flask, client: FlaskClient, action: str,
                             params: dict[str, str]) -> None:
    create(app, "Alpha", "First text.")
    make_account(app, "Writer")
    for api in (Api(client), Api(app.test_client())):
        if api.client is client:
            api.login("Writer")
        answer = api.post(action=action, token=api.token(), **params)
        assert error_code(answer) == "permissiondenied"
    assert page_text(app, "Alpha") == "First text." and protection(app, "Alpha") is None


def test_delete_and_undelete(app: Flask, admin: Api) -> None:
    answer = admin.post(action="delete", title="Alpha", reason="  test  run ",
                        token=admin.token())
    delete = answer["delete"]
    assert delete["title"] == "Alpha" and delete["reason"] == "test run"
    with app.app_context():
        entries, _ = actionlog.entries(action="delete", title=parse_title("Alpha"))
        assert delete["logid"] == entries[0].id
        page = pages.find_page(parse_title("Alpha"))
        assert page is not None and page.is_deleted
    assert error_code(admin.post(action="delete", title="Alpha", token=admin.token())) == \
        "missingtitle"
    restored = admin.post(action="undelete", title="Alpha", reason="back",
                          token=admin.token())["undelete"]
    assert restored == {"title": "Alpha", "revisions": 1, "fileversions": 0, "reason": "back"}
    assert page_text(app, "Alpha") == "First text."
    assert error_code(admin.post(action="undelete", title="Alpha", token=admin.token())) == \
        "cantundelete"


def test_protect(app: Flask, admin: Api) -> None:
    answer = admin.post(action="protect", title="Alpha", protections="edit=sysop|move=sysop",
                        expiry="infinite", reason="war", token=admin.token())["protect"]
    assert answer == {"title": "Alpha", "reason": "war", "protections": [
        {"edit": "sysop", "expiry": "infinite"}, {"move": "sysop", "expiry": "infinite"}]}
    found = protection(app, "Alpha")
    assert found is not None and found.level == "admin" and found.expires_at is None
    info = admin.get(action="query", prop="info", inprop="protection", titles="Alpha")
    entry = next(iter(info["query"]["pages"].values()))
    assert {"type": "edit", "level": "sysop", "expiry": "infinity"} in entry["protection"]
    semi = admin.post(action="protect", title="Alpha", protections="edit=autoconfirmed",
                      expiry="1 week", token=admin.token())["protect"]
    assert semi["protections"][0]["edit"] == "autoconfirmed"
    assert semi["protections"][0]["expiry"].endswith("Z")
    found = protection(app, "Alpha")
    assert found is not None and found.level == "editor" and found.expires_at is not None
    admin.post(action="protect", title="Alpha", protections="edit=all", token=admin.token())
    assert protection(app, "Alpha") is None


@pytest.mark.parametrize(("params", "code"), [
    ({"protections": "delete=sysop"}, "protect-invalidaction"),
    ({"protections": "edit=bureaucrat"}, "protect-invalidlevel"),
    ({"protections": "edit=sysop", "expiry": "someday"}, "invalidexpiry"),
    ({"protections": "edit=sysop", "expiry": "2001-01-01T00:00:00Z"}, "pastexpiry"),
    ({"protections": "edit=sysop|move=sysop", "expiry": "1 day|2 days|3 days"},
     "toofewexpiries"),
    ({"protections": ""}, "missingparam"),
])
def test_protect_errors(app: Flask, admin: Api, params: dict[str, str], code: str) -> None:
    assert error_code(admin.post(action="protect", title="Alpha", token=admin.token(),
                                 **params)) == code
    assert protection(app, "Alpha") is None


def test_protecting_a_missing_page(admin: Api) -> None:
    answer = admin.post(action="protect", title="Nothing", protections="edit=sysop",
                        token=admin.token())
    assert error_code(answer) == "missingtitle"


def test_rollback(app: Flask, admin: Api) -> None:
    vandal = Api(app.test_client(), address="198.51.100.4")
    vandal.edit(title="Alpha", text="Vandalism one.")
    vandal.edit(title="Alpha", text="Vandalism two.")
    vandal_revision = latest(app, "Alpha")[0]
    answer = admin.post(action="rollback", title="Alpha", user="198.51.100.4",
                        token=admin.token("rollback"))["rollback"]
    assert page_text(app, "Alpha") == "First text."
    assert answer["title"] == "Alpha" and answer["old_revid"] == vandal_revision
    assert answer["revid"] == latest(app, "Alpha")[0]
    assert answer["summary"].startswith("Reverted edits by 198.51.100.4")
    assert answer["last_revid"] < vandal_revision
    assert error_code(admin.post(action="rollback", title="Alpha", user="198.51.100.4",
                                 token=admin.token())) == "alreadyrolled"


def test_rollback_of_the_only_author(app: Flask, admin: Api) -> None:
    assert error_code(admin.post(action="rollback", title="Alpha", user="Setup",
                                 token=admin.token())) == "onlyauthor"
    WikiClient(app.test_client()).edit("Alpha", "Anonymous change.")
    assert error_code(admin.post(action="rollback", title="Alpha", user="Someone else",
                                 token=admin.token())) == "alreadyrolled"
    assert error_code(admin.post(action="rollback", title="Alpha",
                                 token=admin.token())) == "missingparam"
