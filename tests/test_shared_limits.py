"""Limits shared by several servers: with WIKI_RATELIMIT_STORAGE naming a Redis server, two wiki
servers (each gunicorn with two workers, as `make run` serves it) over one database enforce one
failed-login throttle and one edit allowance, wherever the requests land. The CI run starts
Debian's redis-server for these tests."""

from __future__ import annotations

import itertools
from pathlib import Path

from flask import Flask
from test_accounts import PASSWORD
from test_login_throttle import redis_url  # noqa: F401  (the Redis server fixture)
from wikitest import BASE_FIELD, CSRF_FIELD, Endpoint, HttpSession, gunicorn

from wiki import accounts


def _login(server: Endpoint, name: str, password: str) -> int:
    session = HttpSession(server.port)
    token = session.csrf_token("/wiki/Special:UserLogin")
    status, _, _ = session.request("POST", "/wiki/Special:UserLogin", {
        "csrf_token": token, "name": name, "password": password})
    return status


def _edit(server: Endpoint, title: str, text: str) -> int:
    session = HttpSession(server.port)
    status, _, page = session.get(f"/wiki/{title}?action=edit")
    token, base = CSRF_FIELD.search(page), BASE_FIELD.search(page)
    assert status == 200 and token and base
    status, _, _ = session.request("POST", f"/wiki/{title}?action=submit", {
        "csrf_token": token.group(1), "base_revision": base.group(1), "text": text,
        "summary": "", "save": "1"})
    return status


def test_two_servers_share_the_login_throttle(app: Flask, tmp_path: Path, database_url: str,
                                              redis_url: str) -> None:  # noqa: F811
    with app.app_context():
        accounts.create_account("Admin", PASSWORD, PASSWORD, role="admin")
    settings = {"WIKI_LOGIN_RATE_LIMIT": "5/5minutes", "WIKI_LOGIN_IP_RATE_LIMIT": "100/5minutes",
                "WIKI_RATELIMIT_STORAGE": redis_url}
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    with gunicorn(tmp_path / "one", database_url, **settings) as one, \
            gunicorn(tmp_path / "two", database_url, **settings) as two:
        servers = itertools.cycle([one, two])
        statuses = [_login(next(servers), "Admin", f"guess {n}") for n in range(8)]
        assert statuses == [401] * 5 + [429] * 3
        assert _login(one, "Admin", PASSWORD) == 429
        assert _login(two, "Admin", PASSWORD) == 429


def test_two_servers_share_the_edit_allowance(tmp_path: Path, database_url: str,
                                              redis_url: str) -> None:  # noqa: F811
    settings = {"WIKI_EDIT_RATE_LIMIT": "3/minute", "WIKI_RATELIMIT_STORAGE": redis_url}
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    with gunicorn(tmp_path / "one", database_url, **settings) as one, \
            gunicorn(tmp_path / "two", database_url, **settings) as two:
        servers = itertools.cycle([one, two])
        statuses = [_edit(next(servers), "Shared_allowance", f"Text {n}.") for n in range(5)]
        assert statuses == [303] * 3 + [429] * 2
