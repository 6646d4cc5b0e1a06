"""Account names that could pass for another: invisible and formatting characters, look-alikes of
existing accounts (Unicode TR39 confusable skeletons), IP addresses and their look-alikes, and
the names the wiki itself signs maintenance edits with. Every spelling of one name is one
account."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from test_accounts import PASSWORD, field_error, fields, log_in, logged_in_as, sign_up, user_row
from werkzeug.security import generate_password_hash
from wikitest import make_app

from wiki import clock, pages, usernames
from wiki.cli import MIGRATIONS
from wiki.db import db
from wiki.models import User
from wiki.usernames import NameRefused

INVISIBLE = [
    "Admin\u200d",       # zero width joiner
    "Ad\u200cmin",       # zero width non-joiner
    "Adm\u200bin",       # zero width space
    "\ufeffAdmin",       # byte order mark
    "Admin\u00ad",       # soft hyphen
    "\u202eAdmin",       # right-to-left override
    "Admin\u2066",       # left-to-right isolate
    "Admin\u3164",       # Hangul filler
    "Admin\uffa0",       # halfwidth Hangul filler
    "Admin\u115f",       # Hangul choseong filler
    "Admin\u1160",       # Hangul jungseong filler
    "Admin\u2800",       # braille pattern blank
    "Admin\ufe0f",       # variation selector
    "Admin\u034f",       # combining grapheme joiner
    "Admin\u180e",       # Mongolian vowel separator
    "Admin\U000e0041",   # tag letter A
    "Admin\ue000",       # private use
    "127.0.0.1\u200d",
]
LOOK_ALIKES = [
    "\u0410dmin",        # Cyrillic capital A
    "Adm\u0456n",        # Cyrillic small i
    "\u13aadmin",        # Cherokee A
    "\u0391dmin",        # Greek capital alpha
    "Admi\u0578",        # Armenian vo for n
]
SAME_NAME = [
    "Admin", "admin", "Admin_", "_Admin", "Admin__", " Admin ", "Admin____",
    "\uff21dmin",        # fullwidth A: NFKC makes it the same name
    "\uff41\uff44\uff4d\uff49\uff4e",
]
ADDRESSES = [
    "127.0.0.1", "10.1.2.3", "2001:db8::7", "l27.0.0.1", "127.O.O.1", "I27.0.0.I",
    "127.1", "0x7f.0.0.1", "1.2.3.xxx", "2001\u2236db8\u2236\u22361",
]
RESERVED = [
    "Wikipedia importer", "Wikipedia_importer", "wikipedia importer", "Wikipedia  importer",
    "Wik\u0456pedia importer", "MediaWiki default", "Maintenance script", "Conversion script",
    "Template namespace initialisation script", "Maintenance_script",
]
ACCEPTED = [
    "Ångström", "José Martí", "Müller", "Дмитрий", "李小龍", "O'Brien", "Anne-Marie",
    "Admin2", "Administrator", "Ådmin", "Zoë",
]


def count_users(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0)


@pytest.fixture
def with_admin(app: Flask, client: FlaskClient) -> FlaskClient:
    """A wiki with an account "Admin", and a client that is not logged in."""
    assert sign_up(client, "Admin").status_code == 303
    client.delete_cookie("session")
    return client


def refused(client: FlaskClient, name: str, message: str) -> None:
    response = sign_up(client, name)
    assert response.status_code == 400, name
    html = response.get_data(as_text=True)
    assert message in field_error(html, "name")
    assert fields(html).inputs["name"] == name[:100]
    assert logged_in_as(client) is None


@pytest.mark.parametrize("name", INVISIBLE, ids=ascii)
def test_invisible_characters_are_refused(app: Flask, with_admin: FlaskClient,
                                          name: str) -> None:
    refused(with_admin, name, "invisible or formatting characters")
    assert count_users(app) == 1


def test_control_characters_never_reach_the_name_rules(app: Flask,
                                                      with_admin: FlaskClient) -> None:
    """C0 and C1 controls are stopped by the input gate, before any form is read."""
    response = sign_up(with_admin, "Admin\u0085")
    assert response.status_code == 400
    assert "control character" in response.get_data(as_text=True)
    assert count_users(app) == 1


def test_the_message_names_the_invisible_character(with_admin: FlaskClient) -> None:
    html = sign_up(with_admin, "Admin\u200d").get_data(as_text=True)
    assert "U+200D ZERO WIDTH JOINER" in field_error(html, "name")


@pytest.mark.parametrize("name", LOOK_ALIKES, ids=ascii)
def test_look_alikes_of_an_account_are_refused(app: Flask, with_admin: FlaskClient,
                                               name: str) -> None:
    refused(with_admin, name, 'looks too much like the existing account "Admin"')
    assert count_users(app) == 1


@pytest.mark.parametrize("name", SAME_NAME, ids=ascii)
def test_every_spelling_of_a_name_is_that_name(app: Flask, with_admin: FlaskClient,
                                               name: str) -> None:
    refused(with_admin, name, 'The name "Admin" is taken.')
    assert count_users(app) == 1
    assert log_in(with_admin, name).status_code == 303
    assert logged_in_as(with_admin) == "Admin"


@pytest.mark.parametrize("name", ADDRESSES, ids=ascii)
def test_addresses_and_their_look_alikes_are_refused(app: Flask, client: FlaskClient,
                                                     name: str) -> None:
    response = sign_up(client, name)
    assert response.status_code == 400
    error = field_error(response.get_data(as_text=True), "name")
    # an IPv6 address with real colons is refused for its colons before anything else
    assert "An IP address cannot be a user name." in error or "cannot contain" in error
    assert count_users(app) == 0


@pytest.mark.parametrize("name", RESERVED, ids=ascii)
def test_reserved_names_are_refused(app: Flask, client: FlaskClient, name: str) -> None:
    refused(client, name, "is reserved for the wiki's own maintenance edits")
    assert count_users(app) == 0


def test_the_seed_author_cannot_be_registered(app: Flask, client: FlaskClient) -> None:
    refused(client, pages.SYSTEM_USER, "reserved")
    assert client.get("/wiki/User:" + pages.SYSTEM_USER.replace(" ", "_")).status_code == 404


@pytest.mark.parametrize("name", ACCEPTED)
def test_ordinary_names_in_any_script_are_accepted(app: Flask, with_admin: FlaskClient,
                                                   name: str) -> None:
    assert sign_up(with_admin, name).status_code == 303
    assert logged_in_as(with_admin) == usernames.canonical(name)


def test_the_look_alike_key_is_stored_with_the_account(app: Flask,
                                                       with_admin: FlaskClient) -> None:
    user = user_row(app, "Admin")
    assert user is not None and user.name_skeleton == usernames.skeleton("Admin")
    assert usernames.skeleton("\u0410dmin") == user.name_skeleton


@pytest.mark.parametrize(("raw", "expected"), [
    ("admin", "Admin"), ("  Admin__  ", "Admin"), ("John_Q__Public", "John Q Public"),
    ("\uff2aohn", "John"), ("\u00e9mile", "\u00c9mile"), ("e\u0301mile", "\u00c9mile"),
])
def test_canonical_names(raw: str, expected: str) -> None:
    assert usernames.canonical(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "___", "Bad<name>", "A/B", "x" * 86, "Talk:Page"])
def test_names_that_cannot_be_names(raw: str) -> None:
    with pytest.raises(NameRefused):
        usernames.canonical(raw)


def test_the_migration_gives_existing_accounts_their_key(tmp_path: Path,
                                                         empty_database_url: str) -> None:
    app = make_app(tmp_path, WIKI_DATABASE_URL=empty_database_url)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="9b1f4c2d7e60")
        db.session.execute(sa.text(
            "INSERT INTO users (name, password_hash, role, created_at) "
            "VALUES ('Early bird', 'x', 'editor', '2026-01-01 00:00:00')"))
        db.session.commit()
        upgrade(directory=str(MIGRATIONS))
        user = db.session.scalar(sa.select(User).where(User.name == "Early bird"))
        assert user is not None
        assert user.name_skeleton == usernames.skeleton("Early bird")
        assert user.session_version == 0
        db.session.remove()
        db.engine.dispose()
    client = app.test_client()
    assert sign_up(client, "Early_b\u0456rd", PASSWORD).status_code == 400


@pytest.mark.parametrize("stored", ["Zero\u200dwidth", "\uff26ullwidth"], ids=ascii)
def test_accounts_made_before_the_rules_can_still_log_in(app: Flask, client: FlaskClient,
                                                         stored: str) -> None:
    with app.app_context():
        db.session.add(User(name=stored, name_skeleton=usernames.skeleton(stored),
                            password_hash=generate_password_hash(PASSWORD), role="editor",
                            created_at=clock.utcnow()))
        db.session.commit()
    assert log_in(client, stored).status_code == 303
    assert logged_in_as(client) == stored
