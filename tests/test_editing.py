"""Editing through the edit form as a person does: the form, preview, show changes, saving,
creating pages, red links turning blue, edit conflicts and merges, restoring old revisions, and
the bad requests an edit can make."""

from __future__ import annotations

import hashlib
import re
from html import unescape
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from wikitest import WikiClient, create, div_block

from wiki.db import db
from wiki.models import Page, Revision
from wiki.titles import parse_title

ARTICLE = "Azerbaijan–Kosovo_relations"  # as it appears in URLs
ARTICLE_PATH = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"
PARAGRAPHS = "\n\n".join(f"Paragraph {n} says something about topic {n}." for n in range(1, 6))


# ---------------------------------------------------------------------------------------------
# helpers




def revisions(app: Flask, title: str) -> list[tuple]:
    """Every stored revision of a page, oldest first, with all its columns."""
    with app.app_context():
        name = parse_title(title)
        page = db.session.scalar(sa.select(Page).where(Page.namespace == name.namespace,
                                                       Page.title == name.text))
        if page is None:
            return []
        rows = db.session.scalars(
            sa.select(Revision).where(Revision.page_id == page.id).order_by(Revision.id))
        return [(r.id, r.parent_id, r.timestamp, r.author, r.summary, r.minor, r.text, r.size,
                 r.sha1) for r in rows]


def revision_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Revision)) or 0


def raw(client: FlaskClient, path: str) -> str:
    response = client.get(path + ("&" if "?" in path else "?") + "action=raw")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def textareas(html: str) -> dict[str, str]:
    """name (or id) -> unescaped content of every textarea."""
    found = {}
    for attrs, content in re.findall(r"<textarea\b([^>]*)>(.*?)</textarea>", html, re.S):
        name = re.search(r'name="([^"]*)"', attrs) or re.search(r'id="([^"]*)"', attrs)
        found[name.group(1) if name else ""] = unescape(content)
    return found


def plain_text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def error_message(html: str) -> str:
    match = re.search(r'<div class="error-box" role="alert">(.*?)</div>', html, re.S)
    assert match, "the page has no error message"
    return plain_text(match.group(1))




def wiki_content(html: str) -> str:
    return div_block(html, '<div class="wiki-content">').strip()


def history_html(client: FlaskClient, path: str) -> str:
    response = client.get(path + "?action=history")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def token_of(client: FlaskClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(True))
    assert match
    return match.group(1)


# ---------------------------------------------------------------------------------------------
# the form


def test_edit_form_has_every_field(app: Flask, client: FlaskClient) -> None:
    latest = revisions(app, ARTICLE)[-1][0]
    response = client.get(ARTICLE_PATH + "?action=edit")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', html, re.S)
    assert form, "no post form"
    assert urlsplit(unescape(form.group(1))).query == "action=submit"
    body = form.group(2)
    assert textareas(body)["text"] == raw(client, ARTICLE_PATH)
    assert re.search(r'<input\b[^>]*type="text"[^>]*name="summary"', body)
    assert re.search(r'<input\b[^>]*type="checkbox"[^>]*name="minor"[^>]*value="1"', body)
    assert re.search(rf'<input type="hidden" name="base_revision" value="{latest}">', body)
    assert re.search(r'<input type="hidden" name="csrf_token" value="[^"]+">', body)
    buttons = re.findall(r'<button\b[^>]*type="submit"[^>]*name="(\w+)"[^>]*>(.*?)</button>',
                         body)
    assert [name for name, _ in buttons] == ["save", "preview", "diff"]
    labels = [label.lower() for _, label in buttons]
    assert "save" in labels[0] and "preview" in labels[1] and "changes" in labels[2]


def test_edit_form_of_a_new_page(client: FlaskClient) -> None:
    response = client.get("/wiki/Brand_new_page?action=edit")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Creating Brand new page" in html
    assert '<input type="hidden" name="base_revision" value="">' in html
    assert textareas(html)["text"] == ""


# ---------------------------------------------------------------------------------------------
# preview and show changes


def test_preview_renders_as_the_page_will_and_saves_nothing(app: Flask, wiki: WikiClient,
                                                              client: FlaskClient) -> None:
    before = revision_count(app)
    original = raw(client, ARTICLE_PATH)
    text = original + "\n\nA **bold** addition linking [[Baku]] and [[Nowhere yet]]."
    response = wiki.edit(ARTICLE, text, summary="try", button="preview")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    preview = re.search(r'<section class="preview"[^>]*>(.*?)</section>\s*<form method="post"',
                        html, re.S)
    assert preview, "no preview section"
    assert "<strong>bold</strong>" in preview.group(1)
    assert textareas(html)["text"] == text  # the text stays in the form
    assert 'value="try"' in html  # and the summary too
    assert revision_count(app) == before
    assert raw(client, ARTICLE_PATH) == original

    # after saving, the page looks exactly like the preview
    assert wiki.edit(ARTICLE, text, summary="now").status_code == 303
    preview_content = wiki_content(preview.group(1))
    page_content = wiki_content(client.get(ARTICLE_PATH).get_data(as_text=True))
    assert preview_content == page_content


def test_preview_of_a_new_page_creates_nothing(client: FlaskClient, wiki: WikiClient) -> None:
    response = wiki.edit("Preview_only", "Just *looking*.", button="preview")
    assert response.status_code == 200
    assert "<em>looking</em>" in response.get_data(as_text=True)
    assert client.get("/wiki/Preview_only").status_code == 404


def test_show_changes_shows_a_diff_and_saves_nothing(app: Flask, wiki: WikiClient,
                                                     client: FlaskClient) -> None:
    create(app, "Changes", PARAGRAPHS)
    before = revision_count(app)
    text = PARAGRAPHS.replace("topic 3", "subject 3")
    response = wiki.edit("Changes", text, button="diff")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<table class="diff">' in html
    assert re.search(r'<del class="diffchange">[^<]*topic[^<]*</del>', html)
    assert re.search(r'<ins class="diffchange">[^<]*subject[^<]*</ins>', html)
    assert textareas(html)["text"] == text
    assert revision_count(app) == before
    assert raw(client, "/wiki/Changes") == PARAGRAPHS


# ---------------------------------------------------------------------------------------------
# saving


def test_save_with_summary(app: Flask, wiki: WikiClient, client: FlaskClient) -> None:
    before = revisions(app, ARTICLE)
    text = raw(client, ARTICLE_PATH) + "\n\nAn added sentence about Baku."
    response = wiki.edit(ARTICLE, text, summary="Add a sentence")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == ARTICLE_PATH
    page = client.get(ARTICLE_PATH).get_data(as_text=True)
    assert "An added sentence about Baku." in page
    assert raw(client, ARTICLE_PATH) == text
    after = revisions(app, ARTICLE)
    assert len(after) == len(before) + 1
    assert after[-1][1] == before[-1][0]  # its parent is the revision the edit started from
    history = history_html(client, ARTICLE_PATH)
    assert "Add a sentence" in history
    assert history.index("Add a sentence") < history.index("Imported from Wikipedia")


def test_save_normalizes_line_endings(app: Flask, wiki: WikiClient, client: FlaskClient) -> None:
    assert wiki.edit("Line_endings", "one\r\ntwo\r\n\r\n").status_code == 303
    assert raw(client, "/wiki/Line_endings") == "one\ntwo"


def test_create_a_new_page(app: Flask, wiki: WikiClient, client: FlaskClient) -> None:
    assert client.get("/wiki/Fresh_page").status_code == 404
    response = wiki.edit("Fresh_page", "A fresh page about [[Kosovo]].", summary="Create it")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/wiki/Fresh_page"
    page = client.get("/wiki/Fresh_page")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'A fresh page about <a href="/wiki/Kosovo"' in html
    rows = revisions(app, "Fresh page")
    assert len(rows) == 1 and rows[0][1] is None and rows[0][4] == "Create it"
    assert "Create it" in history_html(client, "/wiki/Fresh_page")


def test_new_page_needs_text(client: FlaskClient, wiki: WikiClient) -> None:
    response = wiki.edit("Empty_page", "   \n")
    assert response.status_code == 400
    assert client.get("/wiki/Empty_page").status_code == 404


def test_creating_a_page_turns_red_links_blue(wiki: WikiClient, client: FlaskClient) -> None:
    assert wiki.edit("Alpha", "Alpha links to [[Beta]].").status_code == 303
    red = client.get("/wiki/Alpha").get_data(as_text=True)
    link = re.search(r'<a href="([^"]*)"([^>]*)>Beta</a>', red)
    assert link and 'class="new"' in link.group(2)
    assert unescape(link.group(1)).startswith("/wiki/Beta?action=edit")

    assert wiki.edit("Beta", "Beta exists now.").status_code == 303
    blue = client.get("/wiki/Alpha").get_data(as_text=True)
    link = re.search(r'<a href="([^"]*)"([^>]*)>Beta</a>', blue)
    assert link and link.group(1) == "/wiki/Beta"
    assert 'class="new"' not in link.group(2)


def test_no_change_edit_saves_nothing_and_says_so(app: Flask, wiki: WikiClient,
                                                  client: FlaskClient) -> None:
    before = revisions(app, ARTICLE)
    text = raw(client, ARTICLE_PATH)
    response = wiki.edit(ARTICLE, text + "\n\n", summary="nothing", follow=True)
    assert response.status_code == 200
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert revisions(app, ARTICLE) == before
    assert "nothing" not in re.findall(r'<span class="summary">\((.*?)\)</span>',
                                       history_html(client, ARTICLE_PATH))


def test_minor_flag_is_saved(app: Flask, wiki: WikiClient, client: FlaskClient) -> None:
    create(app, "Minor", PARAGRAPHS)
    assert wiki.edit("Minor", PARAGRAPHS + " Typo.", minor=True).status_code == 303
    assert wiki.edit("Minor", PARAGRAPHS + " Typo fixed.").status_code == 303
    assert [row[5] for row in revisions(app, "Minor")] == [False, True, False]


# ---------------------------------------------------------------------------------------------
# conflicts and merges


def test_edit_conflict_keeps_both_texts_and_saves_nothing(app: Flask, client: FlaskClient
                                                          ) -> None:
    create(app, "Contested", PARAGRAPHS)
    first, second = WikiClient(app.test_client()), WikiClient(app.test_client())
    _, base, text = first.edit_form("Contested")
    _, other_base, _ = second.edit_form("Contested")
    assert base == other_base

    theirs = text.replace("Paragraph 2 says something", "Paragraph 2 claims their thing")
    assert second.edit("Contested", theirs, summary="theirs").status_code == 303
    saved = revisions(app, "Contested")

    mine = text.replace("Paragraph 2 says something", "Paragraph 2 asserts my own view")
    response = first.edit("Contested", mine, summary="my summary", base=base)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    areas = textareas(html)
    assert areas["text"] == theirs  # the current text, editable
    assert any(value == mine for value in areas.values())  # the user's text, kept
    assert '<table class="diff">' in html
    assert "asserts my own view" in html and "claims their thing" in html
    assert 'value="my summary"' in html
    assert revisions(app, "Contested") == saved
    assert raw(client, "/wiki/Contested") == theirs


def test_conflict_page_lets_the_user_save_on_top(app: Flask, client: FlaskClient) -> None:
    create(app, "Contested", PARAGRAPHS)
    first, second = WikiClient(app.test_client()), WikiClient(app.test_client())
    _, base, text = first.edit_form("Contested")
    assert second.edit("Contested", text.replace("topic 1", "theirs 1")).status_code == 303
    response = first.edit("Contested", text.replace("topic 1", "mine 1"), base=base)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    new_base = re.search(r'name="base_revision" value="(\d+)"', html)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert new_base and token
    resolved = text.replace("topic 1", "theirs and mine 1")
    response = first.client.post("/wiki/Contested?action=submit", data={
        "csrf_token": token.group(1), "base_revision": new_base.group(1), "text": resolved,
        "summary": "resolved", "save": "1"})
    assert response.status_code == 303
    assert raw(client, "/wiki/Contested") == resolved


def test_non_overlapping_edits_are_merged(app: Flask, client: FlaskClient) -> None:
    create(app, "Shared", PARAGRAPHS)
    first, second = WikiClient(app.test_client()), WikiClient(app.test_client())
    _, base, text = first.edit_form("Shared")
    theirs = text.replace("about topic 1", "about the first topic")
    assert second.edit("Shared", theirs).status_code == 303

    mine = text.replace("about topic 5", "about the fifth topic")
    response = first.edit("Shared", mine, base=base)
    assert response.status_code == 303
    merged = raw(client, "/wiki/Shared")
    assert "about the first topic" in merged and "about the fifth topic" in merged
    assert "topic 1." not in merged and "topic 5." not in merged
    rows = revisions(app, "Shared")
    assert len(rows) == 3 and rows[-1][6] == merged
    followed = first.client.get(response.headers["Location"])
    assert followed.status_code == 200
    assert "merged" in followed.get_data(as_text=True)


# ---------------------------------------------------------------------------------------------
# restoring and immutability


def restore_via_form(client: FlaskClient, path: str, oldid: int):  # type: ignore[no-untyped-def]
    """Open the old revision, press "Restore this version" (which opens the edit form with the
    old text and a summary), and save that form as it comes."""
    html = client.get(f"{path}?oldid={oldid}").get_data(as_text=True)
    form = re.search(r'<form method="get" action="([^"]+)" class="restore-form">(.*?)'
                     r'Restore this version', html, re.S)
    assert form, "no restore form on the old revision"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">',
                             form.group(2)))
    assert fields == {"action": "edit", "oldid": str(oldid), "restore": "1"}
    edit = client.get(unescape(form.group(1)) + "?" + urlencode(fields)).get_data(as_text=True)
    data = {name: unescape(value) for name, value in re.findall(
        r'<input (?:id="\w+" )?type="(?:hidden|text)" name="(\w+)"[^>]*value="([^"]*)"', edit)}
    data["text"] = textareas(edit)["text"]
    data["save"] = "1"
    action = re.search(r'<form method="post" action="([^"]+)" class="edit-form">', edit)
    assert action
    return client.post(unescape(action.group(1)), data=data)


def test_restore_an_old_revision(app: Flask, wiki: WikiClient, client: FlaskClient) -> None:
    first = create(app, "Restorable", "Version one.", author="Alice")
    assert wiki.edit("Restorable", "Version two.").status_code == 303
    assert wiki.edit("Restorable", "Version three.").status_code == 303
    response = restore_via_form(client, "/wiki/Restorable", first)
    assert response.status_code == 303
    assert raw(client, "/wiki/Restorable") == "Version one."
    rows = revisions(app, "Restorable")
    assert [row[6] for row in rows] == ["Version one.", "Version two.", "Version three.",
                                       "Version one."]
    assert rows[-1][4] == f"Restored revision {first} by Alice"
    history = history_html(client, "/wiki/Restorable")
    assert f"Restored revision {first} by Alice" in history
    assert history.count('class="history-row"') == 4


def test_revisions_are_never_modified(app: Flask, wiki: WikiClient, client: FlaskClient) -> None:
    before = revisions(app, ARTICLE)
    seeded_id = before[0][0]
    seeded_raw = client.get(f"{ARTICLE_PATH}?action=raw&oldid={seeded_id}").data
    assert hashlib.sha1(seeded_raw).hexdigest() == before[0][8]

    text = seeded_raw.decode() + "\n\nMore."
    assert wiki.edit(ARTICLE, text, summary="one").status_code == 303
    assert wiki.edit(ARTICLE, text + " Even more.", summary="two").status_code == 303
    assert restore_via_form(client, ARTICLE_PATH, seeded_id).status_code == 303

    after = revisions(app, ARTICLE)
    assert after[: len(before)] == before
    assert len(after) == len(before) + 3
    for row in after:
        old = client.get(f"{ARTICLE_PATH}?action=raw&oldid={row[0]}").data
        assert old == row[6].encode("utf-8")
        assert hashlib.sha1(old).hexdigest() == row[8]
        assert len(old) == row[7]
    assert client.get(f"{ARTICLE_PATH}?action=raw&oldid={seeded_id}").data == seeded_raw


# ---------------------------------------------------------------------------------------------
# bad input


def test_text_over_two_mebibytes_is_413_and_kept(app: Flask, wiki: WikiClient) -> None:
    before = revision_count(app)
    marker = "UNIQUE-MARKER-7c1f"
    text = marker + " " + "x" * (2 * 1024 * 1024)
    response = wiki.edit(ARTICLE, text, summary="huge")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    kept = textareas(html).get("text", "")
    assert kept.startswith(marker) and len(kept) == len(text)
    assert revision_count(app) == before


def test_preview_over_two_mebibytes_is_413_and_kept(wiki: WikiClient) -> None:
    marker = "PREVIEW-MARKER-2b9e"
    text = marker + " " + "y" * (2 * 1024 * 1024)
    response = wiki.edit("Huge_preview", text, button="preview")
    assert response.status_code == 413
    assert textareas(response.get_data(as_text=True)).get("text", "").startswith(marker)


def form_body(client: FlaskClient, path: str, text_bytes: bytes) -> bytes:
    token = token_of(client, path + "?action=edit")
    base = re.search(r'name="base_revision" value="(\d*)"',
                     client.get(path + "?action=edit").get_data(as_text=True))
    assert base
    head = urlencode({"csrf_token": token, "base_revision": base.group(1), "summary": "s",
                      "save": "1"}).encode()
    return head + b"&text=" + text_bytes


@pytest.mark.parametrize("text_bytes", [b"%FF%FE", b"ok%C3", b"\xff\xfeabc"])
def test_invalid_utf8_form_is_400(app: Flask, client: FlaskClient, text_bytes: bytes) -> None:
    before = revision_count(app)
    body = form_body(client, ARTICLE_PATH, text_bytes)
    response = client.post(ARTICLE_PATH + "?action=submit", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "UTF-8" in error_message(response.get_data(as_text=True))
    assert revision_count(app) == before


def test_valid_form_body_built_the_same_way_saves(client: FlaskClient) -> None:
    body = form_body(client, ARTICLE_PATH, b"Caf%C3%A9+text")
    response = client.post(ARTICLE_PATH + "?action=submit", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 303
    assert raw(client, ARTICLE_PATH) == "Café text"


def test_edit_without_base_revision_is_400(app: Flask, client: FlaskClient) -> None:
    before = revision_count(app)
    token = token_of(client, ARTICLE_PATH + "?action=edit")
    response = client.post(ARTICLE_PATH + "?action=submit", data={
        "csrf_token": token, "text": "Text without a base", "summary": "", "save": "1"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "base_revision" in error_message(html)
    assert "Text without a base" in textareas(html).values()
    assert revision_count(app) == before


def test_edit_with_a_foreign_base_revision_is_rejected(app: Flask, client: FlaskClient,
                                                       wiki: WikiClient) -> None:
    other = create(app, "Other page", "Other text.")
    before = revision_count(app)
    response = wiki.edit(ARTICLE, "Hijack", base=str(other))
    assert response.status_code in {400, 404, 409}
    assert revision_count(app) == before
    response = wiki.edit(ARTICLE, "Hijack", base="abc")
    assert response.status_code == 400
    assert revision_count(app) == before


def test_post_without_csrf_token_is_400_and_keeps_the_text(app: Flask,
                                                            client: FlaskClient) -> None:
    before = revision_count(app)
    base = revisions(app, ARTICLE)[-1][0]
    typed = "Something I typed <carefully> & long"
    response = client.post(ARTICLE_PATH + "?action=submit", data={
        "text": typed, "base_revision": str(base), "summary": "", "save": "1"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert typed in textareas(html).values()
    assert revision_count(app) == before
    response = client.post(ARTICLE_PATH + "?action=submit", data={
        "csrf_token": "forged", "text": typed, "base_revision": str(base), "save": "1"})
    assert response.status_code == 400
    assert revision_count(app) == before


def test_restore_without_csrf_token_is_400(app: Flask, client: FlaskClient) -> None:
    before = revision_count(app)
    seeded = revisions(app, ARTICLE)[0][0]
    response = client.post(ARTICLE_PATH + "?action=restore", data={"oldid": str(seeded)})
    assert response.status_code == 400
    assert revision_count(app) == before


def test_summary_too_long_is_400_and_keeps_the_text(app: Flask, wiki: WikiClient) -> None:
    before = revision_count(app)
    response = wiki.edit(ARTICLE, "Kept text 123", summary="s" * 501)
    assert response.status_code == 400
    assert "Kept text 123" in textareas(response.get_data(as_text=True)).values()
    assert revision_count(app) == before


def test_post_to_a_read_action_is_400(client: FlaskClient) -> None:
    token = token_of(client, ARTICLE_PATH + "?action=edit")
    for action in ("view", "history", "frobnicate"):
        response = client.post(f"{ARTICLE_PATH}?action={action}", data={"csrf_token": token})
        assert response.status_code == 400, action


def test_saving_a_special_page_is_400(app: Flask, client: FlaskClient) -> None:
    before = revision_count(app)
    token = token_of(client, ARTICLE_PATH + "?action=edit")
    response = client.post("/wiki/Special:SpecialPages?action=submit", data={
        "csrf_token": token, "text": "Replaced", "base_revision": "", "summary": "", "save": "1"})
    assert response.status_code == 400
    assert revision_count(app) == before


def test_edit_form_of_a_special_page_is_400(client: FlaskClient) -> None:
    response = client.get("/wiki/Special:SpecialPages?action=edit")
    assert response.status_code == 400
    assert 'name="text"' not in response.get_data(as_text=True)
