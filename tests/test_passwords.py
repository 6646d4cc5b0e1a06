"""Weak passwords are refused wherever a password is chosen (signing up, changing it, the
create-admin command): too short, only spaces, the user name, or one of the 100,000 most common
passwords. The form says why and keeps everything but the password."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from test_accounts import PASSWORD, error_box, field_error, fields, logged_in_as, sign_up

from wiki import passwords
from wiki.db import db
from wiki.models import User
from wiki.passwords import PasswordRefused

WEAK = [
    # (password, what the form says)
    ("password", "100,000 most common passwords"),
    ("12345678", "100,000 most common passwords"),
    ("PASSWORD", "100,000 most common passwords"),
    ("Password1", "100,000 most common passwords"),
    ("iloveyou", "100,000 most common passwords"),
    ("qwertyuiop", "100,000 most common passwords"),
    (" password1 ", "100,000 most common passwords"),
    ("        ", "cannot be only spaces"),
    ("\t\t\t\t\t\t\t\t", "cannot be only spaces"),
    ("short", "at least 8 characters"),
    ("Strong Name", "cannot be your user name"),
    ("strong_name", "cannot be your user name"),
    ("STRONGNAME", "cannot be your user name"),
    ("x" * 257, "at most 256 characters"),
]


def count_users(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0)


@pytest.mark.parametrize(("password", "message"), WEAK, ids=lambda v: ascii(v)[:20])
def test_weak_passwords_are_refused_on_sign_up(app: Flask, client: FlaskClient, password: str,
                                               message: str) -> None:
    response = sign_up(client, "Strong Name", password)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in field_error(html, "password")
    assert "The account was not created" in error_box(html)
    form = fields(html)
    assert form.inputs["name"] == "Strong Name"
    assert form.inputs.get("password", "") == "" and form.inputs.get("confirm", "") == ""
    assert logged_in_as(client) is None
    assert count_users(app) == 0


@pytest.mark.parametrize("password", [PASSWORD, "Tr0ub4dor&3 horse", "passwordpassword7!x",
                                      "\u043f\u0430\u0440\u043e\u043b\u044c-\u043a\u043e\u0442"])
def test_good_passwords_are_accepted(client: FlaskClient, password: str) -> None:
    assert sign_up(client, "Careful", password).status_code == 303
    assert logged_in_as(client) == "Careful"


def test_a_weak_password_is_refused_by_create_admin(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["create-admin", "Root", "--password", "12345678"])
    assert result.exit_code != 0
    assert "100,000 most common passwords" in result.output
    assert count_users(app) == 0


@pytest.mark.parametrize(("password", "message"), [
    ("password", "100,000 most common passwords"),
    ("        ", "cannot be only spaces"),
    ("CHECKERS", "cannot be your user name"),
    ("short", "at least 8 characters"),
])
def test_the_rules_apply_to_passwords_as_written(password: str, message: str) -> None:
    with pytest.raises(PasswordRefused, match=message):
        passwords.check(password, "Checkers")


def test_the_common_list_is_compact_and_complete() -> None:
    digests = passwords._common_digests()
    # only the entries the length rule does not refuse anyway, as 8-byte digests
    assert 30_000 < len(digests) < 100_000
    assert digests.nbytes < 1_000_000
    assert list(digests) == sorted(digests)
    assert passwords.is_common("1q2w3e4r5t") and passwords.is_common("sunshine")
    assert not passwords.is_common(PASSWORD)


def test_the_common_list_is_loaded_only_when_first_needed() -> None:
    script = ("import wiki.passwords as p, wiki; wiki.create_app({'TESTING': True, "
              "'WIKI_DATABASE_URL': 'sqlite://', 'WIKI_SECRET_KEY': 'x'}); "
              "assert p._common_digests.cache_info().currsize == 0; "
              "p.is_common('password'); assert p._common_digests.cache_info().currsize == 1")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
