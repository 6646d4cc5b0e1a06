"""action=login, action=clientlogin and action=logout (the wire reference §3): NeedToken always
carries a token that works, login tokens are reusable until the session changes, every answer
has its reason or message, failures count against the web form's throttle (per account in every
spelling, and per address), and success starts a session as the login form does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_accounts import PASSWORD, log_in, logged_in_as
from test_api_write import Api, error_code, latest, make_account
from wikitest import create, custom_app


@pytest.fixture
def admin(app: Flask) -> str:
    """An administrator account "Admin"."""
    make_account(app, "Admin", role="admin")
    return "Admin"


def userinfo(api: Api) -> dict[str, object]:
    """Who the session is."""
    found: dict[str, object] = api.get(action="query", meta="userinfo", uiprop="groups|rights")[
        "query"]["userinfo"]
    return found


def test_login_with_a_token_succeeds(client: FlaskClient, admin: str) -> None:
    api = Api(client)
    anonymous_token = api.token()
    answer = api.login("Admin")
    assert answer == {"login": {"result": "Success", "lguserid": answer["login"]["lguserid"],
                                "lgusername": "Admin"}}
    info = userinfo(api)
    assert info["name"] == "Admin" and "anon" not in info
    groups = info["groups"]
    assert isinstance(groups, list) and "sysop" in groups
    # a new session on login: the anonymous session's csrf token is no longer valid
    assert error_code(api.edit(title="X", text="x", token=anonymous_token)) == "badtoken"
    assert logged_in_as(client) == "Admin"  # the web sees the same session


def test_login_without_a_token_answers_needtoken_with_a_usable_token(client: FlaskClient,
                                                                   admin: str) -> None:
    api = Api(client)
    answer = api.post(action="login", lgname="Admin", lgpassword=PASSWORD)["login"]
    assert answer["result"] == "NeedToken" and answer["reason"]
    assert answer["token"].endswith("+\\")
    again = api.post(action="login", lgname="Admin", lgpassword=PASSWORD,
                     lgtoken=answer["token"])
    assert again["login"]["result"] == "Success"


def test_a_stale_login_token_answers_needtoken(app: Flask, client: FlaskClient,
                                               admin: str) -> None:
    api = Api(client)
    stale = Api(app.test_client()).token("login")  # another session's
    answer = api.post(action="login", lgname="Admin", lgpassword=PASSWORD, lgtoken=stale)
    assert answer["login"]["result"] == "NeedToken"
    assert api.post(action="login", lgname="Admin", lgpassword=PASSWORD,
                    lgtoken=answer["login"]["token"])["login"]["result"] == "Success"


def test_login_tokens_are_reusable_until_the_session_changes(client: FlaskClient,
                                                             admin: str) -> None:
    api = Api(client)
    token = api.token("login")
    for _ in range(3):  # a cached token after wrong passwords still works
        answer = api.post(action="login", lgname="Admin", lgpassword="wrong password",
                          lgtoken=token)
        assert answer == {"login": {"result": "Failed", "reason": answer["login"]["reason"]}}
        assert isinstance(answer["login"]["reason"], str) and answer["login"]["reason"]
    assert api.post(action="login", lgname="Admin", lgpassword=PASSWORD,
                    lgtoken=token)["login"]["result"] == "Success"
    # the logged-in session is a new one: the old token asks for a new one
    answer = api.post(action="login", lgname="Admin", lgpassword=PASSWORD, lgtoken=token)
    assert answer["login"]["result"] == "NeedToken"


@pytest.mark.parametrize(("name", "password"), [("Admin", "wrong password"),
                                                ("Nobody", PASSWORD), ("", PASSWORD),
                                                ("Admin", ""), ("Bad|name", PASSWORD),
                                                ("Admin", "x" * 1000)])
def test_failed_logins_always_give_a_reason(client: FlaskClient, admin: str, name: str,
                                            password: str) -> None:
    api = Api(client)
    answer = api.post(action="login", lgname=name, lgpassword=password,
                      lgtoken=api.token("login"))["login"]
    assert answer["result"] == "Failed" and isinstance(answer["reason"], str)
    assert "anon" in userinfo(api)


def test_every_spelling_of_the_name_logs_in(client: FlaskClient, admin: str) -> None:
    api = Api(client)
    answer = api.login("admin_")["login"]
    assert answer["result"] == "Success" and answer["lgusername"] == "Admin"


def test_clientlogin(client: FlaskClient, admin: str) -> None:
    api = Api(client)
    token = api.token("login")
    wrong = api.post(action="clientlogin", username="Admin", password="wrong password",
                     logintoken=token, loginreturnurl="http://localhost/")["clientlogin"]
    assert wrong["status"] == "FAIL" and isinstance(wrong["message"], str)
    assert wrong["messagecode"] == "wrongpassword"
    right = api.post(action="clientlogin", username="Admin", password=PASSWORD,
                     logintoken=token, loginreturnurl="http://localhost/")
    assert right == {"clientlogin": {"status": "PASS", "username": "Admin"}}
    assert userinfo(api)["name"] == "Admin"
    assert "warnings" not in right  # username and password are known parameters


def test_clientlogin_needs_its_token_and_a_return_url(client: FlaskClient, admin: str) -> None:
    api = Api(client)
    base = {"action": "clientlogin", "username": "Admin", "password": PASSWORD}
    missing = api.post(**base, loginreturnurl="http://localhost/")
    assert error_code(missing) == "missingparam" and "logintoken" in missing["error"]["info"]
    assert error_code(api.post(**base, logintoken="nonsense+\\",
                               loginreturnurl="http://localhost/")) == "badtoken"
    assert error_code(api.post(**base, logintoken=api.token("login"))) == "missingparam"
    continued = api.post(**base, logintoken=api.token("login"), logincontinue="1")
    assert continued["clientlogin"]["status"] == "FAIL"
    assert "anon" in userinfo(api)


def test_logout_ends_the_session_everywhere(app: Flask, admin: str) -> None:
    first, second = Api(app.test_client()), Api(app.test_client())
    first.login("Admin")
    second.login("Admin")
    assert first.post(action="logout", token=first.token()) == {}
    assert "anon" in userinfo(first)
    assert "anon" in userinfo(second)  # as the web's logout: every session of the account


def test_logout_needs_post_and_a_token(client: FlaskClient, admin: str) -> None:
    api = Api(client)
    api.login("Admin")
    assert error_code(api.get(action="logout", token=api.token())) == "mustbeposted"
    assert error_code(api.post(action="logout")) == "missingparam"
    assert error_code(api.post(action="logout", token="x+\\")) == "badtoken"
    assert userinfo(api)["name"] == "Admin"


def test_assert_user(app: Flask, client: FlaskClient, admin: str) -> None:
    create(app, "Alpha", "Text.")
    api = Api(client)
    answer = api.edit(title="Alpha", text="Anonymous.", **{"assert": "user"})
    assert error_code(answer) == "assertuserfailed"
    api.login("Admin")
    assert api.edit(title="Alpha", text="Logged in.", **{"assert": "user"})["edit"][
        "result"] == "Success"
    assert latest(app, "Alpha")[2] == "Admin"
    assert error_code(api.get(action="query", meta="userinfo", **{"assert": "anon"})) == \
        "assertanonfailed"


# ---------------------------------------------------------------------------------------------
# the throttle


@pytest.fixture
def throttled(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """Five failed logins per account and ten per address, with an account "Admin"."""
    for application in custom_app(tmp_path, database_url, WIKI_LOGIN_RATE_LIMIT="5/5minutes",
                                  WIKI_LOGIN_IP_RATE_LIMIT="10/5minutes"):
        make_account(application, "Admin", role="admin")
        yield application


def test_api_logins_are_throttled_per_account_in_every_spelling(throttled: Flask) -> None:
    api = Api(throttled.test_client())
    token = api.token("login")
    for spelling in ("Admin", "admin", "Admin_", " Admin ", "\uff21dmin"):
        answer = api.post(action="login", lgname=spelling, lgpassword="wrong guess",
                          lgtoken=token)
        assert answer["login"]["result"] == "Failed", spelling
    answer = api.post(action="login", lgname="Admin", lgpassword=PASSWORD, lgtoken=token)
    assert answer["login"]["result"] == "Throttled"
    assert isinstance(answer["login"]["wait"], int) and answer["login"]["wait"] > 0
    assert "Too many failed logins" in answer["login"]["reason"]
    client_answer = api.post(action="clientlogin", username="admin", password=PASSWORD,
                             logintoken=token, loginreturnurl="http://localhost/")
    assert client_answer["clientlogin"]["status"] == "FAIL"
    assert client_answer["clientlogin"]["messagecode"] == "login-throttled"
    assert "Too many failed logins" in client_answer["clientlogin"]["message"]
    assert "anon" in userinfo(api)
    # the web form counts the same failures
    assert log_in(throttled.test_client(), "Admin", PASSWORD).status_code == 429


def test_web_failures_count_for_the_api(throttled: Flask) -> None:
    web = throttled.test_client()
    for _ in range(5):
        assert log_in(web, "Admin", "wrong guess").status_code == 401
    api = Api(throttled.test_client())
    assert api.login("admin")["login"]["result"] == "Throttled"


def test_api_logins_are_throttled_per_address(throttled: Flask) -> None:
    api = Api(throttled.test_client())
    token = api.token("login")
    for n in range(10):
        answer = api.post(action="login", lgname=f"Nobody {n}", lgpassword="guess",
                          lgtoken=token)
        assert answer["login"]["result"] == "Failed"
    assert api.post(action="login", lgname="Admin", lgpassword=PASSWORD,
                    lgtoken=token)["login"]["result"] == "Throttled"
    elsewhere = Api(throttled.test_client(), address="203.0.113.9")
    assert elsewhere.login("Admin")["login"]["result"] == "Success"


def test_a_successful_api_login_does_not_count(throttled: Flask) -> None:
    for _ in range(4):
        api = Api(throttled.test_client())
        assert api.login("Admin", "wrong guess")["login"]["result"] == "Failed"
    for _ in range(3):
        api = Api(throttled.test_client())
        assert api.login("Admin")["login"]["result"] == "Success"
    assert Api(throttled.test_client()).login("Admin", "wrong")["login"]["result"] == "Failed"
    assert Api(throttled.test_client()).login("Admin")["login"]["result"] == "Throttled"


def test_a_session_ended_elsewhere(app: Flask, admin: str) -> None:
    create(app, "Alpha", "Text.")
    first, second = Api(app.test_client()), Api(app.test_client())
    cached_login_token = second.token("login")
    second.login("Admin")
    token = second.token()
    first.login("Admin")
    first.post(action="logout", token=first.token())
    # a write from the ended session is refused, never done anonymously
    answer = second.post(action="edit", title="Alpha", text="Late.", token=token,
                         **{"assert": "user"})
    assert error_code(answer) == "assertuserfailed"
    second.login("Admin")
    token = second.token()
    first.login("Admin")
    first.post(action="logout", token=first.token())
    assert error_code(second.post(action="edit", title="Alpha", text="Late.", token=token)) == \
        "sessionended"
    assert latest(app, "Alpha")[2] == "Setup"
    # logging in again works from the ended session, even with a token cached before
    second.login("Admin")
    first.login("Admin")
    first.post(action="logout", token=first.token())
    answer = second.post(action="login", lgname="Admin", lgpassword=PASSWORD,
                         lgtoken=cached_login_token)
    assert answer["login"]["result"] == "NeedToken"
    assert second.post(action="login", lgname="Admin", lgpassword=PASSWORD,
                       lgtoken=answer["login"]["token"])["login"]["result"] == "Success"
