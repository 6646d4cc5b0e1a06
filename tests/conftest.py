"""Fixtures: a fresh app on its own temporary database per test, a client that posts forms the
way a browser does (with the CSRF token from the page), and a CLI runner.

Migrating and seeding take a moment, so the seeded database is built once per session and each
test gets its own copy: of the SQLite file, or, when WIKI_TEST_DATABASE_URL names a PostgreSQL
server, a new database made from a seeded template database.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from wikitest import TEST_DATABASE_URL, PostgresServer, WikiClient, make_app


def pytest_report_header(config: pytest.Config) -> str:
    """Say which databases the run used."""
    server = sa.engine.make_url(TEST_DATABASE_URL).render_as_string(hide_password=True) \
        if TEST_DATABASE_URL else "SQLite files"
    return f"sqlite: {sqlite3.sqlite_version}; app fixtures on: {server}"


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


@pytest.fixture(scope="session")
def working_postgres(postgres: PostgresServer | None,
                     seeded_postgres: str | None) -> Iterator[str | None]:
    """One seeded database on the PostgreSQL server that every test gets back as it was."""
    if postgres is None or seeded_postgres is None:
        yield None
        return
    name = f"wiki_work_{uuid.uuid4().hex[:12]}"
    postgres.create(name, template=seeded_postgres)
    postgres.snapshot(name)
    yield name
    postgres.drop(name)


@pytest.fixture
def database_url(tmp_path: Path, seeded_database: Path, postgres: PostgresServer | None,
                 working_postgres: str | None) -> Iterator[str]:
    """A fresh seeded database for one test: a copied SQLite file, or on PostgreSQL the working
    database restored to its seeded rows (a new database per test costs a quarter second)."""
    if postgres is None or working_postgres is None:
        instance = tmp_path / "instance"
        instance.mkdir(exist_ok=True)
        shutil.copy(seeded_database, instance / "wiki.sqlite3")
        yield f"sqlite:///{instance / 'wiki.sqlite3'}"
        return
    postgres.restore(working_postgres)
    yield postgres.database_url(working_postgres)


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
