"""What administrators do to pages, through the web: protection (with its lock icon, expiry and
log), undo, rollback, delete and undelete; and what everyone else is refused."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from wikitest import CSRF_FIELD, WikiClient, create

from wiki import accounts, clock, moderation, pages
from wiki.db import db
from wiki.models import Page, Protection, Revision
from wiki.titles import parse_title

PASSWORD = "moderation password"
TEXT = "\n\n".join(f"Line {word}." for word in ("one", "two", "three", "four", "five"))


# ---------------------------------------------------------------------------------------------
# helpers


def token(client: FlaskClient, path: str = "/wiki/Special:UserLogin") -> str:
    match = CSRF_FIELD.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def make_account(app: Flask, name: str, role: str = "editor") -> None:
    with app.app_context():
        accounts.create_account(name, PASSWORD, PASSWORD, role=role)


def logged_in(app: Flask, name: str, role: str = "editor") -> FlaskClient:
    """A client of a new account that has logged in through the form."""
    make_account(app, name, role)
    client = app.test_client()
    response = client.post("/wiki/Special:UserLogin", data={
        "csrf_token": token(client), "name": name, "password": PASSWORD})
    assert response.status_code == 303
    return client


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    return logged_in(app, "Sysop", "admin")


@pytest.fixture
def editor(app: Flask) -> FlaskClient:
    return logged_in(app, "Bob")


@pytest.fixture
def anon(app: Flask) -> FlaskClient:
    return app.test_client()




def revision_ids(app: Flask, title: str) -> list[int]:
    """Every revision of the page, oldest first, deleted or not."""
    with app.app_context():
        name = parse_title(title)
        page = db.session.scalar(sa.select(Page).where(Page.namespace == name.namespace,
                                                       Page.title == name.text))
        if page is None:
            return []
        return list(db.session.scalars(
            sa.select(Revision.id).where(Revision.page_id == page.id).order_by(Revision.id)))


def edit(client: FlaskClient, title: str, text: str, summary: str = ""):  # type: ignore[no-untyped-def]
    return WikiClient(client).edit(title, text, summary=summary)


def post(client: FlaskClient, title: str, action: str, **data: str):  # type: ignore[no-untyped-def]
    return client.post(f"/wiki/{title}?action={action}", data={"csrf_token": token(client), **data})


def protect(client: FlaskClient, title: str, level: str, reason: str = "",
            expiry: str = "infinite"):  # type: ignore[no-untyped-def]
    return post(client, title, "protect", level=level, reason=reason, expiry=expiry)


def raw(client: FlaskClient, title: str) -> str:
    response = client.get(f"/wiki/{title}?action=raw")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def textareas(html: str) -> dict[str, tuple[str, str]]:
    """name or id -> (attributes, unescaped content) of every textarea."""
    found = {}
    for attrs, content in re.findall(r"<textarea\b([^>]*)>(.*?)</textarea>", html, re.S):
        name = re.search(r'name="([^"]*)"', attrs) or re.search(r'id="([^"]*)"', attrs)
        found[name.group(1) if name else ""] = (attrs, unescape(content))
    return found


def error_box(html: str) -> str:
    match = re.search(r'<div class="error-box" role="alert">(.*?)</div>', html, re.S)
    assert match, "the page shows no error"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def lock_icon(html: str) -> str | None:
    """The label of the lock icon next to the page title, if there is one."""
    heading = re.search(r'<h1 class="page-title">(.*?)</h1>', html, re.S)
    assert heading
    lock = re.search(r'<span class="lock"[^>]*aria-label="([^"]*)"', heading.group(1))
    return unescape(lock.group(1)) if lock else None


def log_entries(client: FlaskClient, query: str = "") -> list[str]:
    html = client.get(f"/wiki/Special:Log{query}").get_data(as_text=True)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split())
            for item in re.findall(r'<li class="log-\w+">(.*?)</li>', html, re.S)]


def page_log(client: FlaskClient, title: str) -> list[str]:
    """The entries of the log section on the page's history."""
    html = client.get(f"/wiki/{title}?action=history").get_data(as_text=True)
    section = re.search(r'<section class="page-log"[^>]*>(.*?)</section>', html, re.S)
    if section is None:
        return []
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split())
            for item in re.findall(r"<li[^>]*>(.*?)</li>", section.group(1), re.S)]


def summaries(client: FlaskClient, title: str) -> list[str]:
    html = client.get(f"/wiki/{title}?action=history").get_data(as_text=True)
    return [unescape(s) for s in re.findall(r'<span class="summary">\(([^<]*)\)</span>', html)]


def summary_field(html: str) -> str:
    match = re.search(r'<input id="wpSummary"[^>]*value="([^"]*)"', html)
    assert match
    return unescape(match.group(1))


# ---------------------------------------------------------------------------------------------
# protection


@pytest.mark.parametrize("who", ["editor", "anon"])
def test_only_admins_may_protect(app: Flask, who: str, request: pytest.FixtureRequest) -> None:
    client: FlaskClient = request.getfixturevalue(who)
    create(app, "Open_page", TEXT)
    assert client.get("/wiki/Open_page?action=protect").status_code == 403
    response = protect(client, "Open_page", "editor", "mine now")
    assert response.status_code == 403
    assert "Only administrators" in error_box(response.get_data(as_text=True))
    response = protect(client, "Open_page", "admin")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Protection)) == 0
    assert edit(app.test_client(), "Open_page", TEXT + "\n\nStill open.").status_code == 303
    assert log_entries(client, "?type=protect") == []


def test_protect_form_for_admins(admin: FlaskClient, app: Flask) -> None:
    create(app, "Guarded", TEXT)
    response = admin.get("/wiki/Guarded?action=protect")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="level" value="editor"' in html and 'name="level" value="admin"' in html
    assert 'name="expiry"' in html and 'name="reason"' in html
    assert admin.get("/wiki/Does_not_exist?action=protect").status_code == 404


def test_editors_only_protection(app: Flask, admin: FlaskClient, editor: FlaskClient,
                                 anon: FlaskClient) -> None:
    create(app, "Semi", TEXT)
    assert lock_icon(anon.get("/wiki/Semi").get_data(as_text=True)) is None
    response = protect(admin, "Semi", "editor", "Persistent vandalism")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/wiki/Semi"

    page = anon.get("/wiki/Semi")
    assert page.status_code == 200
    assert lock_icon(page.get_data(as_text=True)) == "Protected: editors only"

    form = anon.get("/wiki/Semi?action=edit")
    assert form.status_code == 403
    html = form.get_data(as_text=True)
    message = error_box(html)
    assert "protected" in message and "logged-in editors" in message
    assert "Persistent vandalism" in message
    attrs, source = textareas(html)["source"]
    assert "readonly" in attrs and source == TEXT
    assert 'name="save"' not in html

    typed = TEXT + "\n\nAn anonymous addition."
    base = str(revision_ids(app, "Semi")[-1])
    response = anon.post("/wiki/Semi?action=submit", data={
        "csrf_token": token(anon), "text": typed, "base_revision": base, "save": "1"})
    assert response.status_code == 403
    assert typed in [content for _, content in textareas(response.get_data(as_text=True)).values()]
    assert raw(anon, "Semi") == TEXT

    assert edit(editor, "Semi", typed.replace("anonymous", "editor's")).status_code == 303
    assert edit(admin, "Semi", TEXT).status_code == 303
    assert raw(anon, "Semi") == TEXT
    assert len(revision_ids(app, "Semi")) == 3


def test_admins_only_protection(app: Flask, admin: FlaskClient, editor: FlaskClient,
                                anon: FlaskClient) -> None:
    create(app, "Full", TEXT)
    assert protect(admin, "Full", "admin", "Edit warring").status_code == 303
    assert lock_icon(anon.get("/wiki/Full").get_data(as_text=True)) == "Protected: admins only"
    for client in (editor, anon):
        form = client.get("/wiki/Full?action=edit")
        assert form.status_code == 403
        assert "only administrators" in error_box(form.get_data(as_text=True))
    typed = TEXT + "\n\nAn editor's addition."
    base = str(revision_ids(app, "Full")[-1])
    response = editor.post("/wiki/Full?action=submit", data={
        "csrf_token": token(editor), "text": typed, "base_revision": base, "save": "1"})
    assert response.status_code == 403
    assert typed in [content for _, content in textareas(response.get_data(as_text=True)).values()]
    assert raw(anon, "Full") == TEXT
    assert edit(admin, "Full", typed).status_code == 303
    assert raw(anon, "Full") == typed


def test_protection_with_an_expiry_ends(app: Flask, anon: FlaskClient) -> None:
    create(app, "Temporary", TEXT)
    with app.app_context():
        moderation.protect(parse_title("Temporary"), "editor", "Cooling off",
                           clock.utcnow() + timedelta(hours=1), pages.Author("Sysop", role="admin"))
    assert anon.get("/wiki/Temporary?action=edit").status_code == 403
    assert lock_icon(anon.get("/wiki/Temporary").get_data(as_text=True)) is not None

    with app.app_context():  # an hour and a minute later
        row = db.session.scalar(sa.select(Protection))
        assert row is not None
        row.expires_at = clock.utcnow() - timedelta(minutes=1)
        db.session.commit()

    assert lock_icon(anon.get("/wiki/Temporary").get_data(as_text=True)) is None
    assert anon.get("/wiki/Temporary?action=edit").status_code == 200
    assert edit(anon, "Temporary", TEXT + "\n\nAfter the expiry.").status_code == 303
    assert raw(anon, "Temporary").endswith("After the expiry.")


def test_protection_expiry_from_the_form(app: Flask, admin: FlaskClient,
                                         anon: FlaskClient) -> None:
    create(app, "For_a_day", TEXT)
    assert protect(admin, "For_a_day", "editor", "A day", "1 day").status_code == 303
    html = anon.get("/wiki/For_a_day?action=edit").get_data(as_text=True)
    assert re.search(r"until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", error_box(html))
    with app.app_context():
        row = db.session.scalar(sa.select(Protection))
        assert row is not None and row.expires_at is not None
        assert timedelta(hours=23) < row.expires_at - clock.utcnow() <= timedelta(days=1)
    assert "expires" in log_entries(anon, "?type=protect")[0]


@pytest.mark.parametrize(("field", "value"), [("level", "superuser"), ("expiry", "forever"),
                                              ("reason", "x" * 501)])
def test_bad_protect_forms_are_400(app: Flask, admin: FlaskClient, field: str,
                                   value: str) -> None:
    create(app, "Odd", TEXT)
    data = {"level": "editor", "reason": "", "expiry": "infinite", field: value}
    response = post(admin, "Odd", "protect", **data)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Protection)) == 0


def test_unprotect_and_both_are_logged(app: Flask, admin: FlaskClient, anon: FlaskClient) -> None:
    create(app, "Logged", TEXT)
    assert protect(admin, "Logged", "admin", "High-risk page").status_code == 303
    assert anon.get("/wiki/Logged?action=edit").status_code == 403
    assert protect(admin, "Logged", "", "Calm again").status_code == 303
    assert lock_icon(anon.get("/wiki/Logged").get_data(as_text=True)) is None
    assert anon.get("/wiki/Logged?action=edit").status_code == 200

    protections = log_entries(anon, "?type=protect")
    assert len(protections) == 1
    assert "Sysop protected Logged" in protections[0]
    assert "admins only" in protections[0] and "High-risk page" in protections[0]
    removals = log_entries(anon, "?type=unprotect")
    assert len(removals) == 1 and "Calm again" in removals[0]
    everything = log_entries(anon)
    assert everything.index(removals[0]) < everything.index(protections[0])  # newest first

    history_log = page_log(anon, "Logged")
    assert len(history_log) == 2
    assert "unprotect" in history_log[0] and "Calm again" in history_log[0]
    assert "protect" in history_log[1] and "High-risk page" in history_log[1]
    assert "admins only" in history_log[1]
    assert page_log(anon, "Main_Page") == []


# ---------------------------------------------------------------------------------------------
# undo


def undo_links(client: FlaskClient, title: str) -> dict[int, str]:
    """undo revision id -> the history's undo link."""
    html = client.get(f"/wiki/{title}?action=history").get_data(as_text=True)
    links = {}
    for href in re.findall(r'href="([^"]*action=edit[^"]*undo=[^"]*)"', html):
        href = unescape(href)
        links[int(parse_qs(urlsplit(href).query)["undo"][0])] = href
    return links


def test_undo_proposes_the_text_without_that_change(app: Flask, editor: FlaskClient,
                                                    anon: FlaskClient) -> None:
    first = create(app, "Undoable", TEXT)
    assert edit(editor, "Undoable", TEXT.replace("Line two.", "Line two, by Bob.")).status_code \
        == 303
    later = TEXT.replace("Line two.", "Line two, by Bob.").replace("Line five.", "Line 5!")
    assert edit(anon, "Undoable", later).status_code == 303
    _, bobs, anons = revision_ids(app, "Undoable")

    link = undo_links(anon, "Undoable")[bobs]
    assert parse_qs(urlsplit(link).query)["undoafter"] == [str(first)]
    before = revision_ids(app, "Undoable")
    response = anon.get(link)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    expected = TEXT.replace("Line five.", "Line 5!")
    assert textareas(html)["text"][1] == expected
    assert summary_field(html) == f"Undid revision {bobs} by Bob"
    assert re.search(rf'name="base_revision" value="{anons}"', html)
    assert revision_ids(app, "Undoable") == before  # proposing saves nothing
    assert raw(anon, "Undoable") == later

    response = anon.post("/wiki/Undoable?action=submit", data={
        "csrf_token": token(anon), "text": expected, "base_revision": str(anons),
        "summary": summary_field(html), "save": "1"})
    assert response.status_code == 303
    assert raw(anon, "Undoable") == expected
    assert summaries(anon, "Undoable")[0] == f"Undid revision {bobs} by Bob"


def test_undo_without_undoafter_uses_the_parent(app: Flask, anon: FlaskClient) -> None:
    create(app, "Undo_parent", TEXT)
    assert edit(anon, "Undo_parent", TEXT + "\n\nLine six.").status_code == 303
    latest = revision_ids(app, "Undo_parent")[-1]
    response = anon.get(f"/wiki/Undo_parent?action=edit&undo={latest}")
    assert response.status_code == 200
    assert textareas(response.get_data(as_text=True))["text"][1] == TEXT


def test_undo_that_cannot_apply_says_so_and_loses_nothing(app: Flask, editor: FlaskClient,
                                                          anon: FlaskClient) -> None:
    first = create(app, "Contested", TEXT)
    assert edit(editor, "Contested", TEXT.replace("Line two.", "Line two, by Bob.")).status_code \
        == 303
    current = TEXT.replace("Line two.", "Line two, rewritten later.")
    assert edit(anon, "Contested", current).status_code == 303
    bobs = revision_ids(app, "Contested")[1]
    before = revision_ids(app, "Contested")

    response = anon.get(f"/wiki/Contested?action=edit&undo={bobs}&undoafter={first}")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "could not be undone" in error_box(html)
    assert textareas(html)["text"][1] == current  # the current text, to change by hand
    assert revision_ids(app, "Contested") == before
    assert raw(anon, "Contested") == current


@pytest.mark.parametrize(("query", "status"), [
    ("undo={first}", 400),  # the first revision has nothing before it
    ("undo={second}&undoafter={second}", 400),
    ("undo={first}&undoafter={second}", 400),
    ("undo=999999", 404),
    ("undo={other}", 404),
    ("undo=abc", 400),
])
def test_bad_undo_parameters(app: Flask, anon: FlaskClient, query: str, status: int) -> None:
    first = create(app, "Undo_bad", TEXT)
    assert edit(anon, "Undo_bad", TEXT + "\n\nMore.").status_code == 303
    second = revision_ids(app, "Undo_bad")[-1]
    other = create(app, "Elsewhere", "Another page.")
    url = "/wiki/Undo_bad?action=edit&" + query.format(first=first, second=second, other=other)
    assert anon.get(url).status_code == status


# ---------------------------------------------------------------------------------------------
# rollback


def test_rollback_reverts_the_last_editors_run_of_edits(app: Flask, admin: FlaskClient,
                                                        editor: FlaskClient,
                                                        anon: FlaskClient) -> None:
    create(app, "Target", TEXT, author="Alice")
    assert edit(anon, "Target", TEXT + "\n\nAn anonymous line.").status_code == 303
    good = raw(anon, "Target")
    for n in range(3):
        assert edit(editor, "Target", f"Vandalism number {n}.").status_code == 303
    before = revision_ids(app, "Target")

    html = admin.get("/wiki/Target?action=history").get_data(as_text=True)
    form = re.search(r'<form id="rollback-form"[^>]*action="([^"]+)"[^>]*>(.*?)</form>', html,
                     re.S)
    assert form, "no rollback form for the admin"
    assert re.search(r'name="from" value="Bob"', form.group(2))
    assert "rollback edits by Bob" in html
    action = unescape(form.group(1))
    response = admin.post(action, data={"csrf_token": token(admin), "from": "Bob"})
    assert response.status_code == 303
    assert "diff=" in response.headers["Location"]

    after = revision_ids(app, "Target")
    assert after[:-1] == before and len(after) == len(before) + 1  # one new revision
    assert raw(anon, "Target") == good
    assert summaries(anon, "Target")[0] == "Reverted edits by Bob to last revision by 127.0.0.1"
    rollbacks = log_entries(anon, "?type=rollback")
    assert len(rollbacks) == 1 and "Target" in rollbacks[0]
    assert any("rollback" in entry for entry in page_log(anon, "Target"))
    # the old revisions are all still there
    for revision in before:
        assert anon.get(f"/wiki/Target?oldid={revision}").status_code == 200


def test_rollback_is_for_admins_only(app: Flask, editor: FlaskClient, anon: FlaskClient) -> None:
    create(app, "Kept", TEXT, author="Alice")
    assert edit(anon, "Kept", "Changed by an address.").status_code == 303
    html = editor.get("/wiki/Kept?action=history").get_data(as_text=True)
    assert "rollback-form" not in html
    for client in (editor, anon):
        response = post(client, "Kept", "rollback", **{"from": "127.0.0.1"})
        assert response.status_code == 403
    assert raw(anon, "Kept") == "Changed by an address."


def test_rollback_when_someone_else_edited_last(app: Flask, admin: FlaskClient,
                                                editor: FlaskClient, anon: FlaskClient) -> None:
    create(app, "Moved_on", TEXT, author="Alice")
    assert edit(editor, "Moved_on", "Bob's version.").status_code == 303
    assert edit(anon, "Moved_on", "A later version.").status_code == 303
    before = revision_ids(app, "Moved_on")
    response = post(admin, "Moved_on", "rollback", **{"from": "Bob"})
    assert response.status_code == 409
    assert "The last edit is by 127.0.0.1, not Bob" in error_box(response.get_data(as_text=True))
    assert revision_ids(app, "Moved_on") == before
    assert raw(anon, "Moved_on") == "A later version."


def test_rollback_when_there_is_only_one_author(app: Flask, admin: FlaskClient,
                                                editor: FlaskClient, anon: FlaskClient) -> None:
    assert edit(editor, "Solo", "Bob's page.").status_code == 303
    assert edit(editor, "Solo", "Bob's page, revised.").status_code == 303
    before = revision_ids(app, "Solo")
    response = post(admin, "Solo", "rollback", **{"from": "Bob"})
    assert response.status_code == 409
    assert "only author" in error_box(response.get_data(as_text=True))
    assert revision_ids(app, "Solo") == before
    assert raw(anon, "Solo") == "Bob's page, revised."


def test_rollback_of_a_missing_page_or_without_a_name(admin: FlaskClient, app: Flask) -> None:
    assert post(admin, "No_such_page", "rollback", **{"from": "Bob"}).status_code == 404
    create(app, "Nameless", TEXT)
    assert post(admin, "Nameless", "rollback").status_code == 400


# ---------------------------------------------------------------------------------------------
# delete and undelete


def listed_titles(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def link_classes(client: FlaskClient, title: str, href: str) -> list[str]:
    html = client.get(f"/wiki/{title}").get_data(as_text=True)
    content = html[html.index('<div class="wiki-content">'):]
    found = []
    for tag in re.findall(r"<a\b[^>]*>", content):
        target = re.search(r'href="([^"]*)"', tag)
        if target and unescape(target.group(1)).split("?")[0] == href:
            css = re.search(r'class="([^"]*)"', tag)
            found.append(css.group(1) if css else "")
    return found


def test_delete_and_undelete(app: Flask, admin: FlaskClient, anon: FlaskClient) -> None:
    create(app, "Doomed_page", TEXT)
    assert edit(anon, "Doomed_page", TEXT + "\n\nSecond.").status_code == 303
    assert edit(anon, "Doomed_page", TEXT + "\n\nThird.").status_code == 303
    create(app, "Linker", "See [[Doomed page]] for more.")
    kept = revision_ids(app, "Doomed_page")
    assert len(kept) == 3
    assert link_classes(anon, "Linker", "/wiki/Doomed_page") == [""]
    assert "Doomed page" in listed_titles(anon, "/wiki/Special:AllPages")

    form = admin.get("/wiki/Doomed_page?action=delete")
    assert form.status_code == 200
    response = post(admin, "Doomed_page", "delete", reason="Spam only")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/wiki/Special:Log"

    page = anon.get("/wiki/Doomed_page")
    assert page.status_code == 404
    assert "has been deleted" in page.get_data(as_text=True)
    assert "Second." not in page.get_data(as_text=True)
    for query in ("action=history", "action=raw", f"oldid={kept[0]}"):
        response = anon.get(f"/wiki/Doomed_page?{query}")
        assert response.status_code == 404, query
        assert "Third." not in response.get_data(as_text=True)
    assert "Doomed page" not in listed_titles(anon, "/wiki/Special:AllPages")
    assert "Doomed page" not in listed_titles(anon, "/wiki/Special:RecentChanges")
    assert "Doomed page" not in listed_titles(anon, "/wiki/Special:Contributions/127.0.0.1")
    assert link_classes(anon, "Linker", "/wiki/Doomed_page") == ["new"]
    assert revision_ids(app, "Doomed_page") == kept  # the history is kept for undelete
    deletions = log_entries(anon, "?type=delete")
    assert len(deletions) == 1
    assert "Sysop deleted Doomed page" in deletions[0] and "Spam only" in deletions[0]

    # the admin sees the way back
    assert "Undelete this page" in admin.get("/wiki/Doomed_page").get_data(as_text=True)
    assert "Undelete this page" not in anon.get("/wiki/Doomed_page").get_data(as_text=True)
    assert admin.get("/wiki/Doomed_page?action=undelete").status_code == 200
    response = post(admin, "Doomed_page", "undelete", reason="Was fine")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/wiki/Doomed_page"

    page = anon.get("/wiki/Doomed_page")
    assert page.status_code == 200 and "Third." in page.get_data(as_text=True)
    history = anon.get("/wiki/Doomed_page?action=history").get_data(as_text=True)
    for revision in kept:
        assert f"oldid={revision}" in history
    assert revision_ids(app, "Doomed_page") == kept
    assert raw(anon, "Doomed_page") == TEXT + "\n\nThird."
    assert "Doomed page" in listed_titles(anon, "/wiki/Special:AllPages")
    assert link_classes(anon, "Linker", "/wiki/Doomed_page") == [""]
    restorations = log_entries(anon, "?type=undelete")
    assert len(restorations) == 1 and "Was fine" in restorations[0]
    history_log = page_log(anon, "Doomed_page")
    assert "undelete" in history_log[0] and "delete" in history_log[1]


@pytest.mark.parametrize("query", ["diff={last}&oldid={first}", "diff=next&oldid={first}",
                                   "diff="])
def test_a_deleted_page_cannot_be_read_through_a_diff(app: Flask, admin: FlaskClient,
                                                      anon: FlaskClient, query: str) -> None:
    first = create(app, "Hidden", "The first text.")
    assert edit(anon, "Hidden", "The second, secret text.").status_code == 303
    last = revision_ids(app, "Hidden")[-1]
    assert post(admin, "Hidden", "delete", reason="Private data").status_code == 303
    response = anon.get("/wiki/Hidden?" + query.format(first=first, last=last))
    assert response.status_code == 404
    assert "secret" not in response.get_data(as_text=True)


def test_only_admins_may_delete_and_undelete(app: Flask, admin: FlaskClient,
                                             editor: FlaskClient, anon: FlaskClient) -> None:
    create(app, "Precious", TEXT)
    for client in (editor, anon):
        assert client.get("/wiki/Precious?action=delete").status_code == 403
        response = post(client, "Precious", "delete", reason="mine")
        assert response.status_code == 403
        assert "Only administrators" in error_box(response.get_data(as_text=True))
    assert anon.get("/wiki/Precious").status_code == 200

    assert post(admin, "Precious", "delete").status_code == 303
    for client in (editor, anon):
        assert client.get("/wiki/Precious?action=undelete").status_code == 403
        assert post(client, "Precious", "undelete").status_code == 403
    assert anon.get("/wiki/Precious").status_code == 404
    assert log_entries(anon, "?type=undelete") == []


def test_delete_and_undelete_of_the_wrong_pages(app: Flask, admin: FlaskClient) -> None:
    assert post(admin, "Never_written", "delete").status_code == 404
    create(app, "Alive", TEXT)
    assert post(admin, "Alive", "undelete").status_code == 400
    assert admin.get("/wiki/Alive").status_code == 200


def test_editing_a_deleted_page_keeps_the_text(app: Flask, admin: FlaskClient,
                                               anon: FlaskClient) -> None:
    create(app, "Gone", TEXT)
    base = str(revision_ids(app, "Gone")[-1])
    assert post(admin, "Gone", "delete").status_code == 303
    form = anon.get("/wiki/Gone?action=edit")
    assert form.status_code == 404
    assert "has been deleted" in form.get_data(as_text=True)

    typed = "Text someone was writing when the page was deleted."
    for client, base_revision in ((anon, base), (admin, base), (anon, "")):
        response = client.post("/wiki/Gone?action=submit", data={
            "csrf_token": token(client), "text": typed, "base_revision": base_revision,
            "save": "1"})
        assert response.status_code in {403, 404, 409, 410}
        assert typed in [c for _, c in textareas(response.get_data(as_text=True)).values()]
    assert revision_ids(app, "Gone") == [int(base)]
    assert anon.get("/wiki/Gone").status_code == 404
