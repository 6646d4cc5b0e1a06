"""Fixtures: a fresh app on its own temporary database per test, a client that posts forms the
way a browser does (with the CSRF token from the page), and a CLI runner.

Migrating and seeding take a moment, so the seeded database is built once per session and each
test gets its own copy: of the SQLite file, or, when WIKI_TEST_DATABASE_URL names a PostgreSQL
server, a new database made from a seeded template database.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from wiki import create_app

TEST_DATABASE_URL = os.environ.get("WIKI_TEST_DATABASE_URL", "")

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
BASE_FIELD = re.compile(r'name="base_revision" value="([^"]*)"')


def pytest_report_header(config: pytest.Config) -> str:
    """Say which databases the run used."""
    server = sa.engine.make_url(TEST_DATABASE_URL).render_as_string(hide_password=True) \
        if TEST_DATABASE_URL else "SQLite files"
    return f"sqlite: {sqlite3.sqlite_version}; app fixtures on: {server}"


class PostgresServer:
    """Creates and drops throwaway databases on the server WIKI_TEST_DATABASE_URL names."""

    def __init__(self, url: str) -> None:
        self.url = sa.engine.make_url(url)
        self.admin = sa.create_engine(self.url.set(database="postgres"),
                                      isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)

    def database_url(self, name: str) -> str:
        """The URL of a database on this server."""
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        """Create a database (as a copy of template, if given) and return its URL."""
        copy = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
        return self.database_url(name)

    def drop(self, name: str) -> None:
        """Drop a database, closing what still connects to it."""
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | None]:
    """The PostgreSQL server under test, or None for the SQLite run."""
    if not TEST_DATABASE_URL.startswith("postgresql"):
        yield None
        return
    server = PostgresServer(TEST_DATABASE_URL)
    yield server
    server.admin.dispose()


@pytest.fixture(scope="session")
def seeded_postgres(postgres: PostgresServer | None,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    """Name of a migrated, seeded template database on the PostgreSQL server (if any)."""
    if postgres is None:
        yield None
        return
    name = f"wiki_seed_{uuid.uuid4().hex[:12]}"
    url = postgres.create(name)
    app = make_app(tmp_path_factory.mktemp("pg-seeded"), WIKI_DATABASE_URL=url)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from wiki.db import db

        db.engine.dispose()
    yield name
    postgres.drop(name)


@pytest.fixture
def database_url(tmp_path: Path, seeded_database: Path, postgres: PostgresServer | None,
                 seeded_postgres: str | None) -> Iterator[str]:
    """A fresh seeded database for one test: a copied SQLite file or a PostgreSQL copy."""
    if postgres is None or seeded_postgres is None:
        instance = tmp_path / "instance"
        instance.mkdir(exist_ok=True)
        shutil.copy(seeded_database, instance / "wiki.sqlite3")
        yield f"sqlite:///{instance / 'wiki.sqlite3'}"
        return
    name = f"wiki_test_{uuid.uuid4().hex[:12]}"
    url = postgres.create(name, template=seeded_postgres)
    yield url
    postgres.drop(name)


def make_app(instance: Path, **overrides: Any) -> Flask:
    """An app on instance/wiki.sqlite3 with test settings and any overrides."""
    settings = {
        "TESTING": True,
        "WIKI_DATABASE_URL": f"sqlite:///{instance / 'wiki.sqlite3'}",
        "WIKI_SECRET_KEY": "test secret",
    }
    settings.update(overrides)
    return create_app(settings, instance_path=str(instance))


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded database file built once for the session; tests copy it."""
    instance = tmp_path_factory.mktemp("seeded")
    app = make_app(instance)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from wiki.db import db

        db.engine.dispose()
    return instance / "wiki.sqlite3"


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """A fresh app on its own copy of the seeded database."""
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    application = make_app(instance, WIKI_DATABASE_URL=database_url)
    yield application
    with application.app_context():
        from wiki.db import db

        db.engine.dispose()


@pytest.fixture
def empty_database_url(tmp_path: Path, postgres: PostgresServer | None) -> Iterator[str]:
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL database."""
    if postgres is None:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"wiki_empty_{uuid.uuid4().hex[:12]}"
    yield postgres.create(name)
    postgres.drop(name)


@pytest.fixture
def empty_app(tmp_path: Path, empty_database_url: str) -> Iterator[Flask]:
    """A fresh app whose database has the schema but no pages."""
    instance = tmp_path / "empty"
    instance.mkdir()
    application = make_app(instance, WIKI_DATABASE_URL=empty_database_url)
    with application.app_context():
        from flask_migrate import upgrade

        from wiki.cli import MIGRATIONS

        upgrade(directory=str(MIGRATIONS))
    yield application
    with application.app_context():
        from wiki.db import db

        db.engine.dispose()


class WikiClient:
    """Performs what a person does with forms: open the edit page, change the text, press a
    button. Token and base revision come from the page, as in a browser."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def edit_form(self, title: str) -> tuple[str, str, str]:
        """(csrf token, base revision, current text) from the title's edit form."""
        page = self.client.get(f"/wiki/{title}?action=edit").get_data(as_text=True)
        token = CSRF_FIELD.search(page)
        base = BASE_FIELD.search(page)
        assert token and base, "the edit form has no token or base revision"
        text = re.search(r"<textarea[^>]*name=\"text\"[^>]*>(.*?)</textarea>", page, re.S)
        from html import unescape

        return token.group(1), base.group(1), unescape(text.group(1)) if text else ""

    def edit(self, title: str, text: str, *, summary: str = "", minor: bool = False,
             button: str = "save", base: str | None = None, follow: bool = False):  # type: ignore[no-untyped-def]
        """Submit the edit form of a title (base revision as the form had it unless given)."""
        token, form_base, _ = self.edit_form(title)
        data = {"csrf_token": token, "text": text, "summary": summary,
                "base_revision": form_base if base is None else base, button: "1"}
        if minor:
            data["minor"] = "1"
        return self.client.post(f"/wiki/{title}?action=submit", data=data,
                                follow_redirects=follow)

    def token(self, path: str = "/wiki/Main_Page?action=edit") -> str:
        """A CSRF token for this client's session."""
        match = CSRF_FIELD.search(self.client.get(path).get_data(as_text=True))
        assert match
        return match.group(1)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the seeded app."""
    return app.test_client()


@pytest.fixture
def wiki(client: FlaskClient) -> WikiClient:
    """Form helper bound to the client."""
    return WikiClient(client)


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    """The app's CLI runner."""
    return app.test_cli_runner()
