"""Diffs computed once and kept, history and diff pages kept for anonymous readers, and a
history page whose cost does not grow with the page's number of revisions.

Everything goes through HTTP; pages built with every cache off (a second app on the same
database) are the reference a kept page must equal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from wikitest import custom_app

from wiki import diff, moderation, pages
from wiki.db import db
from wiki.titles import parse_title
from wiki.views import kept_diffs, revision_pages

ADMIN = pages.Author("Sysop", role="admin")


@pytest.fixture
def uncached(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """A second app on the same database that keeps nothing."""
    yield from custom_app(tmp_path, database_url, WIKI_PAGE_CACHE_BYTES=0,
                          WIKI_DIFF_CACHE_BYTES=0)


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every comparison of two texts made from now on."""
    calls: list[tuple[str, str]] = []
    original = diff.diff_texts

    def counting(old: str, new: str, context: int = 2) -> list[diff.DiffRow]:
        calls.append((old, new))
        return original(old, new, context)

    monkeypatch.setattr(diff, "diff_texts", counting)
    return calls


def edits(app: Flask, name: str, count: int) -> list[int]:
    """Create a page with `count` revisions (one line more each time); their ids, oldest first."""
    title = parse_title(name)
    ids: list[int] = []
    with app.app_context():
        for number in range(count):
            text = "".join(f"Line {k} of {name}.\n" for k in range(number + 1))
            result = pages.save_edit(title, text, author=ADMIN,
                                     base_revision_id=ids[-1] if ids else None,
                                     summary=f"edit {number}")
            ids.append(result.revision.id)
    return ids


def get(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def settled(client: FlaskClient, path: str) -> str:
    """Ask twice: the first request may store the newer revision's render, the second keeps
    the page."""
    get(client, path)
    return get(client, path)


def test_a_diff_is_compared_once_and_its_page_kept(app: Flask, client: FlaskClient,
                                                   uncached: Flask,
                                                   compared: list[tuple[str, str]]) -> None:
    ids = edits(app, "Kept diff", 3)
    path = f"/wiki/Kept_diff?diff={ids[1]}&oldid={ids[0]}"
    first = settled(client, path)
    assert len(compared) == 1
    kept = revision_pages.store(app)
    hits = kept.hits
    again = get(client, path)
    assert again == first
    assert kept.hits == hits + 1
    assert len(compared) == 1
    assert get(uncached.test_client(), path) == first  # equal to a page built without caches
    assert "Line 1 of Kept diff." in first


def test_each_pair_is_its_own_entry(app: Flask, client: FlaskClient,
                                    compared: list[tuple[str, str]]) -> None:
    ids = edits(app, "Pairs", 3)
    one = settled(client, f"/wiki/Pairs?diff={ids[1]}&oldid={ids[0]}")
    two = settled(client, f"/wiki/Pairs?diff={ids[2]}&oldid={ids[1]}")
    assert len(compared) == 2
    assert one != two
    tables = kept_diffs.store(app)
    first, second = tables.get((ids[0], ids[1])), tables.get((ids[1], ids[2]))
    assert first is not None and second is not None and first != second
    # Another URL of a pair already compared (prev of the newer one) compares nothing again.
    assert "Line 1 of Pairs." in get(client, f"/wiki/Pairs?diff=prev&oldid={ids[1]}")
    assert len(compared) == 2


def test_a_new_revision_rebuilds_the_page_but_not_the_diff(
        app: Flask, client: FlaskClient, uncached: Flask,
        compared: list[tuple[str, str]]) -> None:
    ids = edits(app, "Moving on", 2)
    path = f"/wiki/Moving_on?diff={ids[1]}&oldid={ids[0]}"
    before = settled(client, path)
    assert "Latest revision as of" in before and "Next edit" not in before
    later = edits_after(app, "Moving on", ids[-1])
    after = get(client, path)
    assert "Latest revision as of" not in after
    assert f"diff={later}&amp;oldid={ids[1]}" in after  # the next edit's link
    assert len(compared) == 1  # the pair's table was kept; only the page around it changed
    assert after == get(uncached.test_client(), path)
    cur = get(client, f"/wiki/Moving_on?diff=cur&oldid={ids[0]}")
    assert f"Revision {later}" in cur  # diff=cur names the new latest revision


def edits_after(app: Flask, name: str, base: int) -> int:
    """One more revision of a page; its id."""
    with app.app_context():
        result = pages.save_edit(parse_title(name), f"Replaced text of {name}.\n",
                                 author=ADMIN, base_revision_id=base, summary="replace")
        return result.revision.id


def test_a_deleted_pages_kept_diff_is_not_shown(app: Flask, client: FlaskClient) -> None:
    ids = edits(app, "Hidden diff", 2)
    paths = [f"/wiki/Hidden_diff?diff={ids[1]}&oldid={ids[0]}",
             f"/wiki/Hidden_diff?diff=prev&oldid={ids[1]}", "/wiki/Hidden_diff?diff=prev",
             "/wiki/Hidden_diff?action=history"]
    shown = [settled(client, path) for path in paths]
    assert all(get(client, path) == page for path, page in zip(paths, shown, strict=True))
    with app.app_context():
        moderation.delete(parse_title("Hidden diff"), "test", ADMIN)
    for path in paths:
        body = get(client, path, 404)
        assert "Line 1 of Hidden diff." not in body
    with app.app_context():
        moderation.undelete(parse_title("Hidden diff"), "test", ADMIN)
    for path, page in zip(paths[:3], shown, strict=False):
        assert get(client, path) == page


@pytest.mark.parametrize("query", [
    "diff=abc", "diff=1x&oldid=2", "diff=prev&oldid=abc", "diff=-1", "diff=0",
    "diff=99999999999999999999999", "diff=999999", "diff={new}&oldid=999999",
    "diff=next&oldid=999999", "diff=cur&oldid=0", "diff={new}&oldid={other}",
])
def test_malformed_diff_parameters_are_refused(app: Flask, client: FlaskClient,
                                              query: str) -> None:
    ids = edits(app, "Bad params", 2)
    other = edits(app, "Other page", 1)
    settled(client, f"/wiki/Bad_params?diff={ids[1]}&oldid={ids[0]}")
    path = "/wiki/Bad_params?" + query.format(new=ids[1], other=other[0])
    for _ in range(2):
        assert client.get(path).status_code in {400, 404}, path


def history_path(name: str) -> str:
    return f"/wiki/{name.replace(' ', '_')}?action=history"


def test_a_history_page_is_kept_until_the_page_changes(app: Flask, client: FlaskClient,
                                                       uncached: Flask) -> None:
    ids = edits(app, "Kept history", 3)
    path = history_path("Kept history")
    first = settled(client, path)
    kept = revision_pages.store(app)
    hits = kept.hits
    assert get(client, path) == first and kept.hits == hits + 1
    newest = edits_after(app, "Kept history", ids[-1])
    fresh = get(client, path)
    assert f"oldid={newest}" in fresh and fresh == get(uncached.test_client(), path)
    with app.app_context():
        moderation.protect(parse_title("Kept history"), "admin", "vandals", None, ADMIN)
    logged = get(client, path)
    assert "vandals" in logged and logged == get(uncached.test_client(), path)


def test_kept_pages_follow_the_talk_tab(app: Flask, client: FlaskClient,
                                        uncached: Flask) -> None:
    ids = edits(app, "Talked about", 2)
    paths = [history_path("Talked about"), f"/wiki/Talked_about?diff={ids[1]}&oldid={ids[0]}",
             f"/wiki/Talked_about?diff=prev&oldid={ids[1]}"]
    for step in ("create", "delete"):
        before = [settled(client, path) for path in paths]
        with app.app_context():
            if step == "create":
                pages.save_edit(parse_title("Talk:Talked about"), "Hello.", author=ADMIN,
                                base_revision_id=None)
            else:
                moderation.delete(parse_title("Talk:Talked about"), "test", ADMIN)
        for path, old in zip(paths, before, strict=True):
            fresh = get(uncached.test_client(), path)
            assert fresh != old, (step, path)
            assert get(client, path) == fresh, (step, path)
            assert get(client, path) == fresh, (step, path)


class Statements:
    """The SQL statements an app's engine runs while listening, with their parameters."""

    def __init__(self, app: Flask) -> None:
        with app.app_context():
            self.engine = db.engine
        self.seen: list[tuple[str, Any]] = []

    def note(self, _conn: Any, _cursor: Any, statement: str, parameters: Any,
             _context: Any, _executemany: bool) -> None:
        self.seen.append((statement, parameters))

    def during(self, client: FlaskClient, path: str) -> list[tuple[str, Any]]:
        self.seen = []
        sa.event.listen(self.engine, "before_cursor_execute", self.note)
        try:
            get(client, path)
        finally:
            sa.event.remove(self.engine, "before_cursor_execute", self.note)
        return self.seen


def test_history_costs_the_same_at_20_and_200_revisions(app: Flask, uncached: Flask) -> None:
    edits(app, "Short history", 20)
    edits(app, "Long history", 200)
    client = uncached.test_client()  # every request builds the page
    statements = Statements(uncached)
    for name in ("Short history", "Long history"):
        get(client, history_path(name))  # first requests may store renders
    short = statements.during(client, history_path("Short history"))
    long = statements.during(client, history_path("Long history"))
    assert len(short) == len(long)
    assert [sql for sql, _ in short] == [sql for sql, _ in long]
    for sql, _ in long:
        assert "revisions.text" not in sql, sql
        assert "count(" not in sql.lower(), sql
    listing = [(sql, parameters) for sql, parameters in long
               if "FROM revisions" in sql and "ORDER BY revisions.id DESC" in sql]
    assert len(listing) == 1
    if uncached.config["WIKI_DATABASE_URL"].startswith("sqlite"):
        with uncached.app_context():
            plan = " ".join(str(row[-1]) for row in db.session.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + listing[0][0], listing[0][1]))
        assert "ix_revisions_page_id_id" in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # the index gives the order: no sort


def test_kept_history_and_diff_hits_read_one_query(app: Flask, client: FlaskClient) -> None:
    ids = edits(app, "One statement", 3)
    statements = Statements(app)
    for path in (history_path("One statement"), f"/wiki/One_statement?diff=prev&oldid={ids[2]}"):
        settled(client, path)
        queries = [sql for sql, _ in statements.during(client, path)
                   if sql.lstrip().upper().startswith("SELECT")]
        assert len(queries) == 1, (path, queries)
