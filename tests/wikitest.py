"""Helpers the tests share (imported as `wikitest`): an app factory for tests, the form-posting
client, the patterns that find a form's CSRF token and base revision, and the PostgreSQL
server the second CI run uses. Fixtures built on them live in conftest.py."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from wiki import create_app, pages
from wiki.titles import parse_title

TEST_DATABASE_URL = os.environ.get("WIKI_TEST_DATABASE_URL", "")
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
BASE_FIELD = re.compile(r'name="base_revision" value="([^"]*)"')


def make_app(instance: Path, **overrides: Any) -> Flask:
    """An app on instance/wiki.sqlite3 with test settings and any overrides."""
    settings = {
        "TESTING": True,
        "WIKI_DATABASE_URL": f"sqlite:///{instance / 'wiki.sqlite3'}",
        "WIKI_SECRET_KEY": "test secret",
    }
    settings.update(overrides)
    return create_app(settings, instance_path=str(instance))


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


def create(app: Flask, title: str, text: str, author: str = "Setup") -> int:
    """Set up a page quickly through the page service; returns the new revision id."""
    with app.app_context():
        result = pages.save_edit(parse_title(title), text, author=pages.Author(author),
                                 base_revision_id=None, summary="setup")
        return result.revision.id


def div_block(html: str, opening: str) -> str:
    """The inside of the <div> that starts with `opening`, up to its matching </div>."""
    start = html.find(opening)
    assert start >= 0, f"no {opening} on the page"
    position = start + len(opening)
    depth = 1
    for match in re.compile(r"<div\b|</div>").finditer(html, position):
        depth += 1 if match.group(0) == "<div" else -1
        if depth == 0:
            return html[position:match.start()]
    raise AssertionError(f"{opening} is never closed")


def custom_app(tmp_path: Path, database_url: str, **settings: object) -> Iterator[Flask]:
    """An app with its own settings on this test's copy of the seeded database."""
    instance = tmp_path / "custom"
    instance.mkdir()
    application = make_app(instance, WIKI_DATABASE_URL=database_url, **settings)
    yield application
    with application.app_context():
        from wiki.db import db

        db.engine.dispose()
