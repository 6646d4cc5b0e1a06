"""The failed-login throttle: every spelling of an account counts for that account, the count is
shared by every worker and server (in the database, or in Redis), a successful login does not
count, and five means five, also on gunicorn with two workers and guesses sent all at once."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from test_accounts import PASSWORD, error_box, log_in, log_out, logged_in_as
from wikitest import CSRF_FIELD, HttpSession, custom_app, free_port, gunicorn

from wiki import accounts, clock
from wiki.db import db, write_transaction
from wiki.models import LoginFailure
from wiki.throttle import account_throttle_key

SPELLINGS = ["Admin", "Admin_", "_Admin", "Admin__", "admin", "Admin____", " Admin ",
             "\uff21dmin"]


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis server of this test's own on a free loopback port."""
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed; .ci/run installs it")
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(params=["database", "redis"])
def storage(request: pytest.FixtureRequest) -> str:
    """Where failed logins are counted: the default (the database) or a Redis server."""
    if request.param == "database":
        return "memory://"
    url: str = request.getfixturevalue("redis_url")
    return url


@pytest.fixture
def throttled(tmp_path: Path, database_url: str, storage: str) -> Iterator[Flask]:
    """Five failed logins per account and ten per address, with an account "Admin"."""
    for application in custom_app(tmp_path, database_url, WIKI_LOGIN_RATE_LIMIT="5/5minutes",
                                  WIKI_LOGIN_IP_RATE_LIMIT="10/5minutes",
                                  WIKI_RATELIMIT_STORAGE=storage):
        with application.app_context():
            accounts.create_account("Admin", PASSWORD, PASSWORD, role="admin")
        yield application


def test_every_spelling_of_the_name_counts_for_the_account(throttled: Flask) -> None:
    client = throttled.test_client()
    for spelling in SPELLINGS[:5]:
        assert log_in(client, spelling, "wrong guess").status_code == 401, spelling
    for spelling in SPELLINGS:
        response = log_in(client, spelling, "wrong guess")
        assert response.status_code == 429, spelling
        assert int(response.headers["Retry-After"]) > 0
        assert "Too many failed logins" in error_box(response.get_data(as_text=True))
    # while the account is locked even the right password, in any spelling, is not tried
    for spelling in SPELLINGS:
        assert log_in(client, spelling, PASSWORD).status_code == 429, spelling
    assert logged_in_as(client) is None


def test_a_successful_login_does_not_count(throttled: Flask) -> None:
    client = throttled.test_client()
    for _ in range(4):
        assert log_in(client, "Admin_", "wrong guess").status_code == 401
    for _ in range(3):
        assert log_in(client, "admin", PASSWORD).status_code == 303
        assert log_out(client).status_code == 303
    assert log_in(client, "Admin", "wrong guess").status_code == 401  # the fifth failure
    assert log_in(client, "Admin", PASSWORD).status_code == 429


def test_the_address_limit_covers_names_that_cannot_exist(throttled: Flask) -> None:
    client = throttled.test_client()
    for n in range(5):
        assert log_in(client, f"Nobody {n}", "guess").status_code == 401
    for n in range(5):  # names no account can have still count for the address
        assert log_in(client, f"Bad<name> {n}", "guess").status_code == 401
    response = log_in(client, "Admin", PASSWORD)
    assert response.status_code == 429
    elsewhere = throttled.test_client()
    assert log_in(elsewhere, "Admin", PASSWORD,
                  environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 303


@pytest.mark.parametrize("storage", ["database"], indirect=True)
def test_failures_are_rows_that_are_pruned(throttled: Flask) -> None:
    client = throttled.test_client()
    admin = account_throttle_key("Admin")
    with throttled.app_context(), write_transaction():
        db.session.add(LoginFailure(throttle_key=admin,
                                    failed_at=clock.precise_utcnow() - timedelta(hours=1)))
    assert log_in(client, "Admin__", "wrong guess").status_code == 401
    with throttled.app_context():
        rows = db.session.execute(
            sa.select(LoginFailure.throttle_key, LoginFailure.failed_at)
            .order_by(LoginFailure.throttle_key)).all()
    assert [key for key, _at in rows] == [admin, "ip:127.0.0.1"]
    assert all(clock.precise_utcnow() - at < timedelta(minutes=1) for _key, at in rows)
    assert "Admin" not in admin  # what was typed as the name is not kept


def test_a_wrong_current_password_counts_as_a_guess(throttled: Flask) -> None:
    client = throttled.test_client()
    assert log_in(client, "Admin", PASSWORD).status_code == 303
    form = client.get("/wiki/Special:ChangePassword").get_data(as_text=True)
    match = CSRF_FIELD.search(form)
    assert match
    for expected in (400,) * 5 + (429,):
        response = client.post("/wiki/Special:ChangePassword", data={
            "csrf_token": match.group(1), "current": "wrong guess",
            "password": "a brand new secret", "confirm": "a brand new secret"})
        assert response.status_code == expected
    other = throttled.test_client()
    assert log_in(other, "Admin", PASSWORD).status_code == 429


# ---------------------------------------------------------------------------------------------
# on gunicorn, as `make run` serves the wiki: two workers with four threads each


def _post_login(port: int, name: str, password: str) -> int:
    session = HttpSession(port)
    token = session.csrf_token("/wiki/Special:UserLogin")
    status, _, _ = session.request("POST", "/wiki/Special:UserLogin", {
        "csrf_token": token, "name": name, "password": password})
    return status


def test_five_means_five_on_gunicorn(app: Flask, tmp_path: Path, database_url: str,
                                     storage: str) -> None:
    with app.app_context():
        accounts.create_account("Admin", PASSWORD, PASSWORD, role="admin")
        accounts.create_account("Burst", PASSWORD, PASSWORD)
    (tmp_path / "served").mkdir()
    with gunicorn(tmp_path / "served", database_url, WIKI_LOGIN_RATE_LIMIT="5/5minutes",
                  WIKI_LOGIN_IP_RATE_LIMIT="100/5minutes",
                  WIKI_RATELIMIT_STORAGE=storage) as server:
        # one guess after another, each on a new connection, in every spelling
        statuses = [_post_login(server.port, SPELLINGS[n % len(SPELLINGS)], f"guess {n}")
                    for n in range(8)]
        assert statuses == [401] * 5 + [429] * 3
        assert _post_login(server.port, "Admin____", PASSWORD) == 429
        assert _post_login(server.port, "Admin", PASSWORD) == 429

        # twelve guesses at once: still exactly five are tried
        sessions = [HttpSession(server.port) for _ in range(12)]
        tokens = [session.csrf_token("/wiki/Special:UserLogin") for session in sessions]
        burst: list[int] = []
        start = threading.Barrier(len(sessions))

        def guess(number: int) -> None:
            start.wait()
            status, _, _ = sessions[number].request("POST", "/wiki/Special:UserLogin", {
                "csrf_token": tokens[number], "name": ["Burst", "burst_", "_Burst"][number % 3],
                "password": f"burst guess {number}"})
            burst.append(status)

        threads = [threading.Thread(target=guess, args=(n,)) for n in range(len(sessions))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert sorted(burst) == [401] * 5 + [429] * 7
        assert _post_login(server.port, "Burst", PASSWORD) == 429
