"""Sessions end when they should: a session cookie captured before logging out, before a
password change, or before an administrator ends the account's sessions gets the anonymous view
afterwards, and a form it sends is refused with what was typed handed back."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_accounts import (
    PASSWORD,
    error_box,
    field_error,
    log_in,
    log_out,
    logged_in_as,
    raw_text,
    sign_up,
    token,
)
from wikitest import WikiClient

from wiki import accounts

NEW_PASSWORD = "a brand new secret"


def captured(client: FlaskClient) -> str:
    """The session cookie as an eavesdropper would copy it."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(app: Flask, cookie: str) -> FlaskClient:
    """Another browser sending a copied session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def change_password(client: FlaskClient, current: str, new: str, confirm: str | None = None):  # type: ignore[no-untyped-def]
    return client.post("/wiki/Special:ChangePassword", data={
        "csrf_token": token(client, "/wiki/Special:ChangePassword"), "current": current,
        "password": new, "confirm": new if confirm is None else confirm})


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    """A logged-in administrator."""
    with app.app_context():
        accounts.create_account("Sysop", PASSWORD, PASSWORD, role="admin")
    client = app.test_client()
    assert log_in(client, "Sysop").status_code == 303
    return client


def test_a_cookie_captured_before_logging_out_is_anonymous_afterwards(app: Flask,
                                                                       client: FlaskClient) -> None:
    assert sign_up(client, "Member").status_code == 303
    cookie = captured(client)
    assert logged_in_as(replay(app, cookie)) == "Member"  # the copy works while logged in
    assert log_out(client).status_code == 303
    thief = replay(app, cookie)
    assert logged_in_as(thief) is None
    assert thief.get_cookie("session") is None or "user_id" not in str(
        thief.get_cookie("session"))


def test_logging_out_ends_every_session_of_the_account(app: Flask) -> None:
    laptop, phone = app.test_client(), app.test_client()
    assert sign_up(laptop, "Traveller").status_code == 303
    assert log_in(phone, "Traveller").status_code == 303
    assert logged_in_as(phone) == "Traveller"
    assert log_out(laptop).status_code == 303
    assert logged_in_as(phone) is None
    assert logged_in_as(laptop) is None
    assert "every session" in app.test_client().get(
        "/wiki/Special:UserLogout").get_data(as_text=True)


def test_a_form_from_an_ended_session_is_refused_with_the_text_kept(app: Flask) -> None:
    laptop, phone = app.test_client(), app.test_client()
    assert sign_up(laptop, "Writer").status_code == 303
    assert log_in(phone, "Writer").status_code == 303
    edit_token = WikiClient(phone).token("/wiki/Sandbox?action=edit")
    assert log_out(laptop).status_code == 303
    typed = "A careful paragraph written before the logout."
    response = phone.post("/wiki/Sandbox?action=submit", data={
        "csrf_token": edit_token, "text": typed, "base_revision": "", "save": "1"})
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "You were logged out" in error_box(html)
    assert typed in html
    assert phone.get("/wiki/Sandbox").status_code == 404  # nothing saved, not even anonymously
    # logging in again works from the same browser
    assert log_in(phone, "Writer").status_code == 303
    assert logged_in_as(phone) == "Writer"


def test_sessions_from_before_session_versions_are_over(app: Flask, client: FlaskClient) -> None:
    assert sign_up(client, "Veteran").status_code == 303
    with client.session_transaction() as session:
        del session["session_version"]
    assert logged_in_as(client) is None


def test_changing_the_password_ends_the_other_sessions(app: Flask) -> None:
    laptop, phone = app.test_client(), app.test_client()
    assert sign_up(laptop, "Changer").status_code == 303
    assert log_in(phone, "Changer").status_code == 303
    cookie = captured(laptop)
    response = change_password(laptop, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 303
    assert logged_in_as(laptop) == "Changer"  # the session that changed it goes on
    assert logged_in_as(phone) is None
    assert logged_in_as(replay(app, cookie)) is None
    assert log_in(app.test_client(), "Changer", PASSWORD).status_code == 401
    assert log_in(app.test_client(), "Changer", NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize(("current", "new", "confirm", "field", "message"), [
    ("wrong password", NEW_PASSWORD, NEW_PASSWORD, "current", "current password is not right"),
    (PASSWORD, "password", "password", "password", "100,000 most common passwords"),
    (PASSWORD, "        ", "        ", "password", "cannot be only spaces"),
    (PASSWORD, "short", "short", "password", "at least 8 characters"),
    (PASSWORD, "Re_Namer", "Re_Namer", "password", "cannot be your user name"),
    (PASSWORD, "Renamer", "Renamer", "password", "at least 8 characters"),
    (PASSWORD, "re_namer ", "re_namer ", "password", "cannot be your user name"),
    (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", "confirm", "The two passwords differ."),
    (PASSWORD, PASSWORD, PASSWORD, "password", "the one you have now"),
])
def test_a_refused_password_change_says_why(app: Flask, client: FlaskClient, current: str,
                                            new: str, confirm: str, field: str,
                                            message: str) -> None:
    assert sign_up(client, "Re namer").status_code == 303
    response = change_password(client, current, new, confirm)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in field_error(html, field)
    assert "The password was not changed" in error_box(html)
    assert logged_in_as(client) == "Re namer"
    assert log_in(app.test_client(), "Re namer", PASSWORD).status_code == 303


def test_changing_the_password_needs_a_login(client: FlaskClient) -> None:
    response = client.get("/wiki/Special:ChangePassword")
    assert response.status_code == 302
    assert "Special:UserLogin" in response.headers["Location"]
    assert "returnto=Special%3AChangePassword" in response.headers["Location"]


def test_an_administrator_can_end_every_session_of_an_account(app: Flask,
                                                              admin: FlaskClient) -> None:
    victim = app.test_client()
    assert sign_up(victim, "Compromised").status_code == 303
    cookie = captured(victim)
    contributions = admin.get("/wiki/Special:Contributions/Compromised").get_data(as_text=True)
    assert 'href="/wiki/Special:EndSessions/Compromised"' in contributions
    form = admin.get("/wiki/Special:EndSessions/Compromised")
    assert form.status_code == 200
    response = admin.post("/wiki/Special:EndSessions/Compromised", data={
        "csrf_token": token(admin, "/wiki/Special:EndSessions/Compromised"),
        "reason": "password seen on a public paste"})
    assert response.status_code == 303
    assert logged_in_as(victim) is None
    assert logged_in_as(replay(app, cookie)) is None
    assert logged_in_as(admin) == "Sysop"
    log = admin.get("/wiki/Special:Log?type=endsessions").get_data(as_text=True)
    entry = re.search(r'<li class="log-endsessions">(.*?)</li>', log, re.S)
    assert entry and "Sysop" in entry.group(1) and "User:Compromised" in entry.group(1)
    assert "password seen on a public paste" in entry.group(1)
    # the password still works
    assert log_in(victim, "Compromised").status_code == 303


def test_only_administrators_can_end_sessions(app: Flask, client: FlaskClient,
                                              admin: FlaskClient) -> None:
    assert sign_up(client, "Ordinary").status_code == 303
    assert client.get("/wiki/Special:EndSessions/Sysop").status_code == 403
    response = client.post("/wiki/Special:EndSessions/Sysop",
                           data={"csrf_token": token(client), "reason": "mischief"})
    assert response.status_code == 403
    assert logged_in_as(admin) == "Sysop"
    anonymous = app.test_client()
    assert anonymous.get("/wiki/Special:EndSessions/Sysop").status_code == 403
    contributions = client.get("/wiki/Special:Contributions/Sysop").get_data(as_text=True)
    assert "Special:EndSessions" not in contributions


def test_ending_sessions_needs_the_token_and_an_account(app: Flask, admin: FlaskClient) -> None:
    target = app.test_client()
    assert sign_up(target, "Kept").status_code == 303
    response = admin.post("/wiki/Special:EndSessions/Kept", data={"reason": "no token"})
    assert response.status_code == 400
    assert logged_in_as(target) == "Kept"
    assert admin.get("/wiki/Special:EndSessions/Nobody_here").status_code == 404
    assert admin.get("/wiki/Special:EndSessions").status_code == 200
    response = admin.post("/wiki/Special:EndSessions/Kept", data={
        "csrf_token": token(admin), "reason": "x" * 501})
    assert response.status_code == 400
    assert logged_in_as(target) == "Kept"


def test_edits_after_logging_in_again_are_the_account_s(app: Flask, client: FlaskClient) -> None:
    assert sign_up(client, "Returning").status_code == 303
    assert log_out(client).status_code == 303
    assert log_in(client, "Returning").status_code == 303
    wiki = WikiClient(client)
    assert wiki.edit("Sandbox", "Back again.").status_code == 303
    assert raw_text(client, "Sandbox") == "Back again."
    assert log_out(client).status_code == 303
