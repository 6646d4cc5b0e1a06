"""Export the seeded wiki (with a few more edits by an account and an anonymous editor), import
the dump into an empty wiki, and find the two identical: titles, and every revision's text,
author, timestamp, summary and minor flag."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from wikitest import make_app

from wiki import pages
from wiki.cli import MIGRATIONS
from wiki.db import db
from wiki.models import Page, Revision
from wiki.titles import Title, parse_title

Snapshot = dict[str, list[tuple[str, str, bool, object, str, bool]]]


def _snapshot(app: Flask) -> Snapshot:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Page.namespace, Page.title, Revision.text, Revision.author,
                      Revision.author_is_ip, Revision.timestamp, Revision.summary,
                      Revision.minor)
            .join(Revision, Revision.page_id == Page.id)
            .where(Page.is_deleted.is_(False))
            .order_by(Page.namespace, Page.title, Revision.timestamp)).all()
    found: Snapshot = {}
    for namespace, title, text, author, is_ip, timestamp, summary, minor in rows:
        found.setdefault(Title(namespace, title).full, []).append(
            (text, author, is_ip, timestamp, summary, minor))
    return found


def test_an_exported_wiki_imports_into_an_empty_one_identical(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        title = parse_title("Kosovo")
        latest = pages.current_page(title)
        assert latest is not None
        first = pages.save_edit(title, latest.revision.text + "\n\nA sentence.",
                                author=pages.Author("Editor One"),
                                base_revision_id=latest.revision.id, summary="add a sentence",
                                minor=True)
        pages.save_edit(title, first.revision.text + "\n\nAnother.",
                        author=pages.Author.anonymous("192.0.2.7"),
                        base_revision_id=first.revision.id, summary="")
    dump = tmp_path / "wiki.xml"
    result = app.test_cli_runner().invoke(args=["export", "--full", "-o", str(dump)])
    assert result.exit_code == 0, result.output

    instance = tmp_path / "empty"
    instance.mkdir()
    empty = make_app(instance)
    with empty.app_context():
        upgrade(directory=str(MIGRATIONS))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Page)) == 0
    result = empty.test_cli_runner().invoke(args=["import", str(dump)])
    assert result.exit_code == 0, result.output

    source, copy = _snapshot(app), _snapshot(empty)
    assert sorted(copy) == sorted(source)
    assert copy == source
    assert sum(len(revisions) for revisions in copy.values()) >= len(copy) + 2
    with empty.app_context():
        db.engine.dispose()
