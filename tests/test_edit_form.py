"""The edit form as an editor meets it: the notice that an anonymous edit shows the IP address,
the licence line above Save, and restoring an old revision through the form."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from test_accounts import PASSWORD, sign_up
from test_editing import raw, restore_via_form, revisions, textareas
from wikitest import CSRF_FIELD, WikiClient, create

LICENCE = "https://creativecommons.org/licenses/by-sa/4.0/"


def field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    assert match, f"no {name} field"
    return unescape(match.group(1))


def test_anonymous_editor_is_told_the_ip_address_is_published(client: FlaskClient) -> None:
    html = client.get("/wiki/Kosovo?action=edit").get_data(as_text=True)
    assert "Your IP address will be publicly visible if you make any edits." in html
    back = "returnto=%2Fwiki%2FKosovo%3Faction%3Dedit"
    assert f'href="/wiki/Special:UserLogin?{back}"' in html
    assert f'href="/wiki/Special:CreateAccount?{back}"' in html


def test_logging_in_from_the_notice_returns_to_the_edit_form(client: FlaskClient) -> None:
    assert sign_up(client, "Notice Reader").status_code in (302, 303)
    client.get("/wiki/Special:UserLogout")
    html = client.get("/wiki/Special:UserLogin?returnto=%2Fwiki%2FKosovo%3Faction%3Dedit"
                      ).get_data(as_text=True)
    assert 'value="/wiki/Kosovo?action=edit"' in html
    token = CSRF_FIELD.search(html)
    assert token
    response = client.post("/wiki/Special:UserLogin", data={
        "csrf_token": token.group(1), "name": "Notice Reader", "password": PASSWORD,
        "returnto": "/wiki/Kosovo?action=edit"})
    assert response.headers["Location"].endswith("/wiki/Kosovo?action=edit")


def test_logged_in_editor_sees_no_ip_notice(client: FlaskClient) -> None:
    sign_up(client, "Named Editor")
    html = client.get("/wiki/Kosovo?action=edit").get_data(as_text=True)
    assert "Your IP address will be publicly visible" not in html
    assert "By publishing changes" in html


def test_licence_line_stands_above_save(client: FlaskClient) -> None:
    html = client.get("/wiki/Kosovo?action=edit").get_data(as_text=True)
    licence = html.index('class="edit-licence"')
    assert licence < html.index('name="save"')
    line = html[licence:html.index("</p>", licence)]
    assert "By publishing changes, you irrevocably agree to release your contribution" in line
    assert f'<a href="{LICENCE}" rel="license">CC BY-SA 4.0 License</a>' in line
    assert "Terms of Use" not in line


def test_restore_opens_the_form_with_the_old_text_and_a_summary(
        app: Flask, wiki: WikiClient, client: FlaskClient) -> None:
    first = create(app, "Restorable", "Version one.", author="Alice")
    assert wiki.edit("Restorable", "Version two.").status_code == 303
    before = len(revisions(app, "Restorable"))
    html = client.get(f"/wiki/Restorable?action=edit&oldid={first}&restore=1"
                      ).get_data(as_text=True)
    assert textareas(html)["text"] == "Version one."
    assert field(html, "summary") == f"Restored revision {first} by Alice"
    assert f"You are restoring an old revision ({first})" in html
    assert len(revisions(app, "Restorable")) == before  # opening the form saves nothing
    # the base is the current revision, so saving is no conflict
    assert field(html, "base_revision") == str(revisions(app, "Restorable")[-1][0])


def test_restore_through_the_form_saves_with_the_summary(
        app: Flask, wiki: WikiClient, client: FlaskClient) -> None:
    first = create(app, "Restorable", "Version one.", author="Alice")
    assert wiki.edit("Restorable", "Version two.").status_code == 303
    assert restore_via_form(client, "/wiki/Restorable", first).status_code == 303
    assert raw(client, "/wiki/Restorable") == "Version one."
    assert revisions(app, "Restorable")[-1][4] == f"Restored revision {first} by Alice"


def test_editing_an_old_revision_without_restore_has_no_summary(
        app: Flask, wiki: WikiClient, client: FlaskClient) -> None:
    first = create(app, "Restorable", "Version one.", author="Alice")
    wiki.edit("Restorable", "Version two.")
    html = client.get(f"/wiki/Restorable?action=edit&oldid={first}").get_data(as_text=True)
    assert field(html, "summary") == ""
    assert "You are editing an old revision" in html


def test_restore_needs_a_revision_and_a_flag_of_0_or_1(app: Flask, client: FlaskClient) -> None:
    first = create(app, "Restorable", "Version one.")
    for query in ("action=edit&restore=1", f"action=edit&oldid={first}&restore=yes",
                  "action=edit&oldid=999999&restore=1"):
        response = client.get(f"/wiki/Restorable?{query}")
        assert response.status_code in (400, 404), query
        assert "Version one." not in textareas(response.get_data(as_text=True)).get("text", "")


def test_a_posted_restore_still_works_for_old_clients(
        app: Flask, wiki: WikiClient, client: FlaskClient) -> None:
    first = create(app, "Restorable", "Version one.", author="Alice")
    wiki.edit("Restorable", "Version two.")
    token = CSRF_FIELD.search(client.get("/wiki/Restorable?action=edit").get_data(as_text=True))
    assert token
    response = client.post("/wiki/Restorable?action=restore",
                           data={"csrf_token": token.group(1), "oldid": str(first)})
    assert response.status_code == 303
    assert raw(client, "/wiki/Restorable") == "Version one."
