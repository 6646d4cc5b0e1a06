"""Accounts through the web as people use them: signing up, logging in and out, throttled login
failures, session cookies, hashed passwords, attribution of edits to accounts and IP addresses,
anonymous editing switched off, the create-admin command, contributions and the log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from wikitest import CSRF_FIELD, WikiClient, custom_app

from wiki import pages
from wiki.db import db
from wiki.models import User
from wiki.titles import parse_title

PASSWORD = "correct horse battery"


# ---------------------------------------------------------------------------------------------
# helpers


class FormFields(HTMLParser):
    """Collects the value of every <input> by name and the text of every <textarea> by name."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, str] = {}
        self.textareas: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "input" and "name" in values:
            self.inputs[values["name"]] = values.get("value", "")
        elif tag == "textarea":
            self._textarea = values.get("name") or values.get("id") or ""
            self.textareas[self._textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.textareas[self._textarea] += data


def fields(html: str) -> FormFields:
    parser = FormFields()
    parser.feed(html)
    parser.close()
    return parser


def token(client: FlaskClient, path: str = "/wiki/Special:UserLogin") -> str:
    match = CSRF_FIELD.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_up(client: FlaskClient, name: str, password: str = PASSWORD,
            confirm: str | None = None):  # type: ignore[no-untyped-def]
    data = {"csrf_token": token(client, "/wiki/Special:CreateAccount"), "name": name,
            "password": password, "confirm": password if confirm is None else confirm}
    return client.post("/wiki/Special:CreateAccount", data=data)


def log_in(client: FlaskClient, name: str, password: str = PASSWORD,
           **kwargs):  # type: ignore[no-untyped-def]
    data = {"csrf_token": token(client), "name": name, "password": password}
    return client.post("/wiki/Special:UserLogin", data=data, **kwargs)


def log_out(client: FlaskClient):  # type: ignore[no-untyped-def]
    return client.post("/wiki/Special:UserLogout",
                       data={"csrf_token": token(client, "/wiki/Special:UserLogout")})


def personal_tools(client: FlaskClient) -> str:
    html = client.get("/wiki/Main_Page").get_data(as_text=True)
    match = re.search(r'<nav class="personal"[^>]*>(.*?)</nav>', html, re.S)
    assert match, "no personal tools"
    return match.group(1)


def logged_in_as(client: FlaskClient) -> str | None:
    """The name the personal tools show, or None when they say "Not logged in"."""
    tools = personal_tools(client)
    if "Not logged in" in tools:
        return None
    match = re.search(r'<a href="/wiki/User:([^"]+)">([^<]+)</a>', tools)
    assert match, tools
    return unescape(match.group(2))


def error_box(html: str) -> str:
    match = re.search(r'<div class="error-box" role="alert">(.*?)</div>', html, re.S)
    assert match, "the page shows no error"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    assert match, f"no error at the {field} field"
    return unescape(match.group(1)).strip()


def raw_text(client: FlaskClient, title: str) -> str:
    response = client.get(f"/wiki/{title}?action=raw")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def history_authors(client: FlaskClient, title: str) -> list[tuple[str, str]]:
    """(href, name) of each history row's author link, newest first."""
    html = client.get(f"/wiki/{title}?action=history").get_data(as_text=True)
    return [(unescape(href), unescape(name)) for href, name in re.findall(
        r'<span class="history-user">\s*<a class="author" href="([^"]+)">([^<]+)</a>', html)]


def create_page(app: Flask, title: str, text: str, author: str = "Setup") -> int:
    with app.app_context():
        result = pages.save_edit(parse_title(title), text, author=pages.Author(author),
                                 base_revision_id=None, summary="setup")
        return result.revision.id


def user_row(app: Flask, name: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.name == name))
        if user is not None:
            db.session.expunge(user)
        return user


def contribution_titles(html: str) -> list[str]:
    block = re.search(r'<ul class="history contributions">(.*?)</ul>', html, re.S)
    if block is None:
        return []
    return [unescape(t) for t in re.findall(
        r'</a>\)\s*<a href="[^"]+">([^<]+)</a>', block.group(1))]


@pytest.fixture
def throttled_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """Three failed logins per account and five per address, per minute."""
    yield from custom_app(tmp_path, database_url, WIKI_LOGIN_RATE_LIMIT="3/minute",
                          WIKI_LOGIN_IP_RATE_LIMIT="5/minute")


@pytest.fixture
def closed_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """A wiki where only logged-in editors may edit."""
    yield from custom_app(tmp_path, database_url, WIKI_ANONYMOUS_EDITS=False)


# ---------------------------------------------------------------------------------------------
# signing up


def test_sign_up_logs_in_and_creates_the_user_page(app: Flask, client: FlaskClient) -> None:
    form = client.get("/wiki/Special:CreateAccount")
    assert form.status_code == 200
    assert set(fields(form.get_data(as_text=True)).inputs) >= {"csrf_token", "name", "password",
                                                                "confirm"}
    assert client.get("/wiki/User:Alice").status_code == 404

    response = sign_up(client, "alice")
    assert response.status_code == 303
    assert logged_in_as(client) == "Alice"  # stored with a capital first letter, as titles
    page = client.get("/wiki/User:Alice")
    assert page.status_code == 200
    assert "This is the user page of Alice." in page.get_data(as_text=True)
    assert user_row(app, "Alice") is not None
    assert history_authors(client, "User:Alice")[0] == ("/wiki/User:Alice", "Alice")


def test_sign_up_returns_to_the_page_it_came_from(client: FlaskClient) -> None:
    data = {"csrf_token": token(client, "/wiki/Special:CreateAccount"), "name": "Returner",
            "password": PASSWORD, "confirm": PASSWORD}
    response = client.post("/wiki/Special:CreateAccount?returnto=/wiki/Kosovo", data=data)
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/wiki/Kosovo"
    offsite = {**data, "csrf_token": token(client, "/wiki/Special:CreateAccount"),
               "name": "Offsite"}
    response = client.post("/wiki/Special:CreateAccount?returnto=//evil.example/x", data=offsite)
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).netloc in {"", "localhost"}


def test_edits_are_attributed_to_the_account(client: FlaskClient, wiki: WikiClient) -> None:
    assert sign_up(client, "Writer").status_code == 303
    assert wiki.edit("Sandbox", "Written by an account.").status_code == 303
    assert history_authors(client, "Sandbox") == [("/wiki/User:Writer", "Writer")]
    html = client.get("/wiki/Sandbox?action=history").get_data(as_text=True)
    assert 'href="/wiki/Special:Contributions/Writer"' in html


BAD_SIGN_UPS = [
    # (name, password, confirm, field, message)
    ("", PASSWORD, PASSWORD, "name", "Choose a user name."),
    ("   ", PASSWORD, PASSWORD, "name", "Choose a user name."),
    ("192.168.0.1", PASSWORD, PASSWORD, "name", "An IP address cannot be a user name."),
    ("10.1.2.3", PASSWORD, PASSWORD, "name", "An IP address cannot be a user name."),
    ("Bad<name>", PASSWORD, PASSWORD, "name", "User names cannot contain"),
    ("Slash/name", PASSWORD, PASSWORD, "name", "User names cannot contain"),
    ("Mail@example", PASSWORD, PASSWORD, "name", "User names cannot contain"),
    ("Pipe|name", PASSWORD, PASSWORD, "name", "User names cannot contain"),
    ("Braces{x}", PASSWORD, PASSWORD, "name", "User names cannot contain"),
    ("Hash#tag", PASSWORD, PASSWORD, "name", "User names cannot contain"),
    ("Colon:name", PASSWORD, PASSWORD, "name", "User names cannot contain"),
    ("Short Pass", "short", "short", "password", "Passwords need at least 8 characters."),
    ("Mismatch", PASSWORD, PASSWORD + "!", "confirm", "The two passwords differ."),
]


@pytest.mark.parametrize(("name", "password", "confirm", "field", "message"), BAD_SIGN_UPS)
def test_bad_sign_up_is_400_with_the_reason_and_the_name_kept(
    app: Flask, client: FlaskClient, name: str, password: str, confirm: str, field: str,
    message: str,
) -> None:
    response = sign_up(client, name, password, confirm)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in field_error(html, field)
    assert "The account was not created" in error_box(html)
    assert fields(html).inputs["name"] == name  # the name as typed, ready to correct
    assert "password" not in fields(html).inputs or fields(html).inputs["password"] == ""
    assert logged_in_as(client) is None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@pytest.mark.parametrize("again", ["Taken", "taken", "  Taken ", "Taken_"])
def test_a_taken_name_is_refused(app: Flask, client: FlaskClient, again: str) -> None:
    assert sign_up(client, "Taken").status_code == 303
    assert log_out(client).status_code == 303
    response = sign_up(client, again, "another password", "another password")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'The name "Taken" is taken.' in field_error(html, "name")
    assert fields(html).inputs["name"] == again
    assert logged_in_as(client) is None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_sign_up_without_a_token_is_400(client: FlaskClient) -> None:
    response = client.post("/wiki/Special:CreateAccount",
                           data={"name": "Tokenless", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 400
    assert client.get("/wiki/User:Tokenless").status_code == 404


# ---------------------------------------------------------------------------------------------
# logging in and out


def test_log_in_and_out(client: FlaskClient) -> None:
    assert sign_up(client, "Member").status_code == 303
    assert log_out(client).status_code == 303
    assert logged_in_as(client) is None

    form = client.get("/wiki/Special:UserLogin")
    assert form.status_code == 200
    response = log_in(client, "member")  # names are matched as titles are
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/wiki/Main_Page"
    assert logged_in_as(client) == "Member"

    # the log-out link shows a button; only pressing it (POST with the token) logs out
    assert client.get("/wiki/Special:UserLogout").status_code == 200
    assert logged_in_as(client) == "Member"
    refused = client.post("/wiki/Special:UserLogout", data={})
    assert refused.status_code == 400
    assert logged_in_as(client) == "Member"
    response = log_out(client)
    assert response.status_code == 303
    assert logged_in_as(client) is None


def test_log_in_returns_to_the_page_but_never_off_site(client: FlaskClient) -> None:
    assert sign_up(client, "Traveller").status_code == 303
    log_out(client)
    data = {"csrf_token": token(client), "name": "Traveller", "password": PASSWORD,
            "returnto": "/wiki/Kosovo?action=history"}
    response = client.post("/wiki/Special:UserLogin", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/wiki/Kosovo?action=history")
    log_out(client)
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        data = {"csrf_token": token(client), "name": "Traveller", "password": PASSWORD,
                "returnto": target}
        response = client.post("/wiki/Special:UserLogin", data=data)
        assert response.status_code == 303
        assert "evil.example" not in response.headers["Location"]
        log_out(client)


def test_log_in_gives_a_new_session(client: FlaskClient) -> None:
    assert sign_up(client, "Fixated").status_code == 303
    log_out(client)
    before = token(client)
    assert log_in(client, "Fixated").status_code == 303
    assert token(client) != before  # a token planted before logging in is worthless after


@pytest.mark.parametrize(("name", "password"), [
    ("Known", "wrong password"),
    ("Nobody here", PASSWORD),
    ("", ""),
    ("Known", ""),
])
def test_failed_log_in_is_401_with_a_generic_message(client: FlaskClient, name: str,
                                                     password: str) -> None:
    assert sign_up(client, "Known").status_code == 303
    log_out(client)
    response = log_in(client, name, password)
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert error_box(html) == "Incorrect user name or password. Please try again."
    assert fields(html).inputs["name"] == name
    assert password == "" or password not in html
    assert logged_in_as(client) is None


def test_session_cookie_flags_over_http(client: FlaskClient) -> None:
    response = client.get("/wiki/Special:UserLogin")
    cookie = session_cookie(response.headers.getlist("Set-Cookie"))
    assert "httponly" in cookie
    assert cookie.get("samesite") == "lax"
    assert "secure" not in cookie


def test_session_cookie_flags_over_https(app: Flask) -> None:
    client = app.test_client()
    base = "https://localhost"
    response = client.get("/wiki/Special:UserLogin", base_url=base)
    cookie = session_cookie(response.headers.getlist("Set-Cookie"))
    assert {"httponly", "secure"} <= set(cookie)
    assert cookie.get("samesite") == "lax"

    page = client.get("/wiki/Special:CreateAccount", base_url=base).get_data(as_text=True)
    match = CSRF_FIELD.search(page)
    assert match
    # over HTTPS the CSRF check also wants the same-origin Referer a browser sends
    response = client.post("/wiki/Special:CreateAccount", base_url=base, data={
        "csrf_token": match.group(1), "name": "Secure", "password": PASSWORD,
        "confirm": PASSWORD}, headers={"Referer": f"{base}/wiki/Special:CreateAccount"})
    assert response.status_code == 303
    cookie = session_cookie(response.headers.getlist("Set-Cookie"))
    assert {"httponly", "secure"} <= set(cookie)
    assert cookie.get("samesite") == "lax"


def session_cookie(headers: list[str]) -> dict[str, str]:
    """The attributes (lower-cased) of the session's Set-Cookie header."""
    found = [h for h in headers if h.startswith("session=")]
    assert found, f"no session cookie in {headers}"
    attributes: dict[str, str] = {}
    for part in found[-1].split(";")[1:]:
        key, _, value = part.strip().partition("=")
        attributes[key.lower()] = value.lower()
    return attributes


def test_passwords_are_stored_hashed(app: Flask, client: FlaskClient) -> None:
    secret = "a very particular secret 7731"
    assert sign_up(client, "Hashed", secret).status_code == 303
    user = user_row(app, "Hashed")
    assert user is not None
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert secret not in user.password_hash
    url = sa.engine.make_url(app.config["WIKI_DATABASE_URL"])
    if url.get_backend_name() == "sqlite" and url.database:  # nor anywhere in the file
        with app.app_context():
            db.engine.dispose()
        database = Path(url.database)
        for path in database.parent.glob(database.name + "*"):
            assert secret.encode() not in path.read_bytes(), path.name


# ---------------------------------------------------------------------------------------------
# throttling failed logins


def test_failed_logins_are_throttled_per_account(throttled_app: Flask) -> None:
    client = throttled_app.test_client()
    assert sign_up(client, "Victim").status_code == 303
    log_out(client)
    for _ in range(3):
        assert log_in(client, "Victim", "guess").status_code == 401
    response = log_in(client, "Victim", "guess")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many failed logins" in error_box(response.get_data(as_text=True))
    # while throttled even the right password is not tried
    response = log_in(client, "victim", PASSWORD)
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert logged_in_as(client) is None

    # from another address the account stays throttled: the count belongs to the account
    elsewhere = {"REMOTE_ADDR": "192.0.2.44"}
    response = log_in(client, "Victim", PASSWORD, environ_base=elsewhere)
    assert response.status_code == 429
    # other accounts are not affected
    other = throttled_app.test_client()
    assert sign_up(other, "Bystander").status_code == 303
    log_out(other)
    assert log_in(other, "Bystander").status_code == 303


def test_failures_from_several_addresses_count_for_the_account(throttled_app: Flask) -> None:
    client = throttled_app.test_client()
    assert sign_up(client, "Target").status_code == 303
    log_out(client)
    for n in range(3):
        address = {"REMOTE_ADDR": f"198.51.100.{n}"}
        response = log_in(client, "Target", "guess", environ_base=address)
        assert response.status_code == 401
    response = log_in(client, "Target", PASSWORD, environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_failed_logins_are_throttled_per_address(throttled_app: Flask) -> None:
    client = throttled_app.test_client()
    assert sign_up(client, "Sprayed").status_code == 303
    log_out(client)
    for n in range(5):  # one guess at each of five accounts
        assert log_in(client, f"Account {n}", "guess").status_code == 401
    response = log_in(client, "Sprayed", PASSWORD)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert logged_in_as(client) is None
    # someone at another address can still log in to that account
    other = throttled_app.test_client()
    response = log_in(other, "Sprayed", PASSWORD, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 303


def test_successful_logins_are_not_throttled(throttled_app: Flask) -> None:
    client = throttled_app.test_client()
    assert sign_up(client, "Regular").status_code == 303
    log_out(client)
    for _ in range(8):
        assert log_in(client, "Regular").status_code == 303
        assert log_out(client).status_code == 303


# ---------------------------------------------------------------------------------------------
# anonymous editors


def test_anonymous_edits_are_attributed_to_the_address(client: FlaskClient,
                                                       wiki: WikiClient) -> None:
    assert wiki.edit("Sandbox", "Written without an account.").status_code == 303
    assert history_authors(client, "Sandbox") == [
        ("/wiki/Special:Contributions/127.0.0.1", "127.0.0.1")]
    html = client.get("/wiki/Special:Contributions/127.0.0.1").get_data(as_text=True)
    assert contribution_titles(html) == ["Sandbox"]


def test_edits_from_another_address_carry_that_address(client: FlaskClient) -> None:
    environ = {"REMOTE_ADDR": "2001:db8::7"}
    page = client.get("/wiki/Sandbox?action=edit", environ_base=environ).get_data(as_text=True)
    match = CSRF_FIELD.search(page)
    assert match
    response = client.post("/wiki/Sandbox?action=submit", environ_base=environ, data={
        "csrf_token": match.group(1), "text": "From IPv6.", "base_revision": "", "save": "1"})
    assert response.status_code == 303
    assert history_authors(client, "Sandbox") == [
        ("/wiki/Special:Contributions/2001:db8::7", "2001:db8::7")]


def test_anonymous_editing_can_be_switched_off(closed_app: Flask) -> None:
    create_page(closed_app, "Closed", "The text as it is.")
    client = closed_app.test_client()
    form = client.get("/wiki/Closed?action=edit")
    assert form.status_code == 403
    html = form.get_data(as_text=True)
    assert "log in" in error_box(html).lower()
    source = re.search(r"<textarea\b([^>]*)>(.*?)</textarea>", html, re.S)
    assert source and "readonly" in source.group(1)
    assert unescape(source.group(2)) == "The text as it is."
    assert 'name="save"' not in html

    typed = "An anonymous visitor's careful paragraph."
    response = client.post("/wiki/Closed?action=submit", data={
        "csrf_token": token(client), "text": typed, "base_revision": "", "save": "1"})
    assert response.status_code == 403
    assert typed in fields(response.get_data(as_text=True)).textareas.values()
    assert raw_text(client, "Closed") == "The text as it is."
    new_page = client.get("/wiki/Brand_new?action=edit")
    assert new_page.status_code == 403

    # logged in, the same person can edit
    assert sign_up(client, "Insider").status_code == 303
    wiki = WikiClient(client)
    assert wiki.edit("Closed", typed).status_code == 303
    assert raw_text(client, "Closed") == typed


def test_anonymous_reading_still_works_when_editing_is_off(closed_app: Flask) -> None:
    client = closed_app.test_client()
    assert client.get("/wiki/Main_Page").status_code == 200
    assert client.get("/wiki/Main_Page?action=history").status_code == 200


# ---------------------------------------------------------------------------------------------
# the create-admin command


def test_create_admin_creates_an_administrator(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["create-admin", "Root", "--password", "root password 1"])
    assert result.exit_code == 0, result.output
    assert "Root" in result.output
    user = user_row(app, "Root")
    assert user is not None and user.role == "admin"

    client = app.test_client()
    assert log_in(client, "Root", "root password 1").status_code == 303
    assert "(admin)" in personal_tools(client)
    assert client.get("/wiki/Main_Page?action=protect").status_code == 200
    assert client.get("/wiki/User:Root").status_code == 200
    log = client.get("/wiki/Special:Log?type=newusers").get_data(as_text=True)
    assert "User:Root" in log


def test_create_admin_promotes_an_existing_account(app: Flask, client: FlaskClient,
                                                   runner) -> None:  # type: ignore[no-untyped-def]
    assert sign_up(client, "Promoted").status_code == 303
    assert client.get("/wiki/Main_Page?action=protect").status_code == 403
    result = runner.invoke(args=["create-admin", "promoted", "--password", "ignored pw"])
    assert result.exit_code == 0, result.output
    assert "Promoted is now an administrator" in result.output
    user = user_row(app, "Promoted")
    assert user is not None and user.role == "admin"
    # the password did not change, and the role applies from the next request on
    assert client.get("/wiki/Main_Page?action=protect").status_code == 200
    log_out(client)
    assert log_in(client, "Promoted").status_code == 303
    assert log_in(app.test_client(), "Promoted", "ignored pw").status_code == 401


@pytest.mark.parametrize(("name", "password"), [("1.2.3.4", "long enough pw"),
                                                ("Bad/Name", "long enough pw"),
                                                ("Shorty", "short")])
def test_create_admin_refuses_bad_input(app: Flask, runner, name: str,  # type: ignore[no-untyped-def]
                                        password: str) -> None:
    result = runner.invoke(args=["create-admin", name, "--password", password])
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


# ---------------------------------------------------------------------------------------------
# contributions and the log


def test_contributions_of_an_account_newest_first_with_paging(client: FlaskClient,
                                                              wiki: WikiClient) -> None:
    assert sign_up(client, "Prolific").status_code == 303
    for title in ("First_page", "Second_page", "Third_page"):
        assert wiki.edit(title, f"Text of {title}.").status_code == 303
    html = client.get("/wiki/Special:Contributions/Prolific").get_data(as_text=True)
    assert contribution_titles(html) == ["Third page", "Second page", "First page",
                                         "User:Prolific"]
    assert 'href="/wiki/User:Prolific"' in html

    first = client.get("/wiki/Special:Contributions/Prolific?limit=2").get_data(as_text=True)
    assert contribution_titles(first) == ["Third page", "Second page"]
    older = re.search(r'<a href="([^"]+)">older 2</a>', first)
    assert older, "no link to older contributions"
    second = client.get(unescape(older.group(1))).get_data(as_text=True)
    assert contribution_titles(second) == ["First page", "User:Prolific"]
    assert "older 2" not in second or not re.search(r'<a href="[^"]+">older 2</a>', second)
    newer = re.search(r'<a href="([^"]+)">newer 2</a>', second)
    assert newer, "no link back to newer contributions"
    assert contribution_titles(client.get(unescape(newer.group(1))).get_data(as_text=True)) == [
        "Third page", "Second page"]

    # the name may be given in any of the ways a title can be
    for spelling in ("prolific", "Prolific?limit=50"):
        other = client.get(f"/wiki/Special:Contributions/{spelling}").get_data(as_text=True)
        assert contribution_titles(other)[0] == "Third page"
    by_form = client.get("/wiki/Special:Contributions?target=Prolific").get_data(as_text=True)
    assert len(contribution_titles(by_form)) == 4


def test_contributions_of_an_address(client: FlaskClient, wiki: WikiClient) -> None:
    for title in ("Anon_one", "Anon_two"):
        assert wiki.edit(title, f"Text of {title}.").status_code == 303
    assert wiki.edit("Anon_one", "Text of Anon_one, improved.").status_code == 303
    html = client.get("/wiki/Special:Contributions/127.0.0.1").get_data(as_text=True)
    assert contribution_titles(html) == ["Anon one", "Anon two", "Anon one"]
    assert 'href="/wiki/User:127.0.0.1"' not in html
    paged = client.get("/wiki/Special:Contributions/127.0.0.1?limit=1&offset=1")
    assert contribution_titles(paged.get_data(as_text=True)) == ["Anon two"]


def test_contributions_of_someone_without_edits(client: FlaskClient) -> None:
    response = client.get("/wiki/Special:Contributions/203.0.113.99")
    assert response.status_code == 200
    assert "No edits by 203.0.113.99." in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "offset=-1", "limit=100000"])
def test_contributions_reject_bad_paging(client: FlaskClient, query: str) -> None:
    assert client.get(f"/wiki/Special:Contributions/127.0.0.1?{query}").status_code == 400


def test_log_lists_new_accounts(client: FlaskClient) -> None:
    for name in ("Newcomer", "Latecomer"):
        assert sign_up(client, name).status_code == 303
        log_out(client)
    html = client.get("/wiki/Special:Log?type=newusers").get_data(as_text=True)
    entries = re.findall(r'<li class="log-newusers">(.*?)</li>', html, re.S)
    assert len(entries) == 2
    assert "User:Latecomer" in entries[0] and "User:Newcomer" in entries[1]
    assert 'href="/wiki/User:Newcomer"' in entries[1]
    everything = client.get("/wiki/Special:Log").get_data(as_text=True)
    assert "User:Newcomer" in everything
    assert client.get("/wiki/Special:Log?type=nonsense").status_code == 400
