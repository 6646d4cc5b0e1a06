"""The rows a save writes besides the revision: a page's links and categories are written as
the difference from what was stored, its search title is updated in place, and its new
revision follows the one the save was planned from. Whatever the sequence of edits, the rows
must be exactly what the latest text's render says."""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Iterator
from datetime import datetime
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wikitest import (
    BASE_FIELD,
    CSRF_FIELD,
    TEXTAREA,
    HttpSession,
    create,
    custom_app,
    serve,
    statements_sent,
)

from wiki import clock, pages, rendering
from wiki.db import db, write_transaction
from wiki.models import CategoryLink, Link, Revision
from wiki.search.text import fold
from wiki.titles import Title, parse_title

TITLE = "Rows page"
TARGETS = ["Kosovo", "Azerbaijan", "Baku", "Pristina", "Talk:Kosovo", "No such page"]
CATEGORIES = ["Countries", "Bilateral relations", "Azerbaijan–Kosovo relations"]
LINK_TABLES = re.compile(r"\b(?:INTO|FROM|UPDATE)\s+(?:links|category_links)\b", re.I)
titles_table = sa.table("search_titles", sa.column("page_id", sa.Integer),
                        sa.column("title_key", sa.String))


@pytest.fixture
def rows_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """One app per test function (Hypothesis runs many examples on it), with an edit limit no
    test reaches."""
    yield from custom_app(tmp_path, database_url, WIKI_EDIT_RATE_LIMIT="1000000/minute")


def text_with(links: list[str], categories: list[str], words: str) -> str:
    """A page text linking to these titles (in this order, repeats kept) in these categories."""
    body = " ".join(f"[[{target}]]" for target in links)
    tags = "\n".join(f"[[Category:{name}]]" for name in categories)
    return f"{words} {body}\n\n{tags}\n"


def stored_rows(app: Flask, title: str) -> tuple[set[Title], list[str]]:
    """The page's links (a set: the table's key) and category rows (a list: repeats show)."""
    with app.app_context():
        page = pages.get_page(parse_title(title))
        links = {Title(ns, text) for ns, text in db.session.execute(
            sa.select(Link.to_namespace, Link.to_title).where(Link.from_page_id == page.id))}
        categories = list(db.session.scalars(
            sa.select(CategoryLink.category).where(CategoryLink.from_page_id == page.id)))
        return links, categories


def rendered_rows(app: Flask, title: str) -> tuple[set[Title], list[str]]:
    """What a fresh render of the page's latest text says its rows should be."""
    with app.app_context():
        page_title = parse_title(title)
        revision = pages.latest_revision(pages.get_page(page_title))
        rendered = rendering.render_text(revision.text, page_title).rendered
        return set(rendered.links), sorted({name[:255] for name in rendered.categories})


def save(app: Flask, title: str, text: str) -> str:
    """Save over the latest revision through the one writer; the outcome."""
    with app.app_context():
        page_title = parse_title(title)
        page = pages.find_page(page_title)
        base = page.latest_revision_id if page is not None else None
        return pages.save_edit(page_title, text, author=pages.Author("Rows"),
                               base_revision_id=base).status


steps = st.lists(
    st.tuples(st.lists(st.sampled_from(TARGETS), max_size=8),
              st.lists(st.sampled_from(CATEGORIES), max_size=4)),
    min_size=1, max_size=6)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=steps)
def test_after_any_sequence_of_edits_the_rows_are_the_renders(rows_app: Flask,
                                                              steps: list[tuple[list[str],
                                                                                list[str]]]
                                                              ) -> None:
    title = f"{TITLE} {abs(hash(repr(steps))) % 10**9}"
    for number, (links, categories) in enumerate(steps):
        save(rows_app, title, text_with(links, categories, f"Step {number}."))
        links_now, categories_now = stored_rows(rows_app, title)
        expected_links, expected_categories = rendered_rows(rows_app, title)
        assert links_now == expected_links
        assert sorted(categories_now) == expected_categories  # no repeats, nothing left over


def test_an_edit_that_keeps_the_links_rewrites_no_row(rows_app: Flask) -> None:
    save(rows_app, TITLE, text_with(["Kosovo", "Baku"], ["Countries"], "First."))
    with statements_sent(rows_app) as sent:
        save(rows_app, TITLE, text_with(["Kosovo", "Baku"], ["Countries"], "Second."))
    written = [statement for statement in sent if LINK_TABLES.search(statement)]
    assert written and all(s.lstrip().upper().startswith("SELECT") for s in written), written
    assert stored_rows(rows_app, TITLE) == ({Title(0, "Kosovo"), Title(0, "Baku")},
                                            ["Countries"])


def test_rows_lost_outside_a_save_do_not_come_back_wrong(rows_app: Flask) -> None:
    """A save trusts the rows it reads in its own transaction, not what it rendered before."""
    save(rows_app, TITLE, text_with(["Kosovo"], ["Countries"], "First."))
    with rows_app.app_context(), write_transaction():
        page = pages.get_page(parse_title(TITLE))
        rendering.forget_links(page)
    save(rows_app, TITLE, text_with(["Kosovo", "Baku"], ["Countries"], "Second."))
    assert stored_rows(rows_app, TITLE) == ({Title(0, "Kosovo"), Title(0, "Baku")},
                                            ["Countries"])


def title_keys(app: Flask, title: str) -> list[str]:
    with app.app_context():
        page = pages.get_page(parse_title(title))
        return list(db.session.scalars(
            sa.select(titles_table.c.title_key).where(titles_table.c.page_id == page.id)))


def test_the_search_title_is_kept_once_and_restored_when_missing(rows_app: Flask) -> None:
    create(rows_app, TITLE, "First.")
    save(rows_app, TITLE, "Second.")
    assert title_keys(rows_app, TITLE) == [fold(TITLE)]
    with rows_app.app_context(), write_transaction():
        page = pages.get_page(parse_title(TITLE))
        db.session.execute(sa.delete(titles_table).where(titles_table.c.page_id == page.id))
    assert title_keys(rows_app, TITLE) == []
    save(rows_app, TITLE, "Third.")
    assert title_keys(rows_app, TITLE) == [fold(TITLE)]


def test_a_save_in_the_same_second_follows_its_parent(rows_app: Flask,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The new revision's parent and timestamp come from the revision the save was planned
    from: a second later than it when the clock has not moved on."""
    frozen = datetime(2026, 1, 2, 3, 4, 5)
    monkeypatch.setattr(clock, "utcnow", lambda: frozen)
    create(rows_app, TITLE, "First.")
    for number in range(3):
        assert save(rows_app, TITLE, f"Edit {number}.") == "saved"
    with rows_app.app_context():
        page = pages.get_page(parse_title(TITLE))
        history = db.session.execute(
            sa.select(Revision.id, Revision.parent_id, Revision.timestamp)
            .where(Revision.page_id == page.id).order_by(Revision.id)).all()
    assert [row.parent_id for row in history] == [None] + [row.id for row in history[:-1]]
    assert [row.timestamp.second for row in history] == [5, 6, 7, 8]


EDITORS = 4
SAVES_EACH = 6


def paragraphs(lines: list[str]) -> str:
    return "\n\n".join(lines) + "\n"


def test_editors_saving_at_once_over_http_leave_the_rows_of_the_merged_text(
        rows_app: Flask) -> None:
    """Four editors of one page on a threaded server, each rewording the links of their own
    paragraph: saves merge with each other's, and the rows end as the final text's render."""
    create(rows_app, TITLE, paragraphs([f"Editor {n}: [[Kosovo]]." for n in range(EDITORS)]))
    path = "/wiki/" + TITLE.replace(" ", "_")
    outcomes: list[int] = []
    merged: list[bool] = []
    errors: list[BaseException] = []

    def edit(number: int, port: int) -> None:
        chooser = random.Random(number)
        session = HttpSession(port)
        try:
            for _ in range(SAVES_EACH):
                status, _, form = session.get(f"{path}?action=edit")
                token, base = CSRF_FIELD.search(form), BASE_FIELD.search(form)
                text = TEXTAREA.search(form)
                assert status == 200 and token and base and text
                lines = unescape(text.group(1)).strip().split("\n\n")
                links = " ".join(f"[[{t}]]" for t in chooser.sample(TARGETS, 3))
                lines[number] = f"Editor {number}: {links}."
                status, headers, _ = session.request("POST", f"{path}?action=submit", {
                    "csrf_token": token.group(1), "base_revision": base.group(1),
                    "text": paragraphs(lines), "summary": "links", "save": "1"})
                outcomes.append(status)
                merged.append("diff=" in headers.get("location", ""))
        except BaseException as error:  # noqa: BLE001  (reported by the test thread)
            errors.append(error)

    with serve(rows_app) as server:
        threads = [threading.Thread(target=edit, args=(n, server.port))
                   for n in range(EDITORS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert not errors, errors
    assert len(outcomes) == EDITORS * SAVES_EACH
    assert set(outcomes) <= {303, 409}, outcomes
    assert outcomes.count(303) >= EDITORS * SAVES_EACH // 2, outcomes
    assert any(merged), "no save overlapped another: the test proved nothing"
    assert stored_rows(rows_app, TITLE) == rendered_rows(rows_app, TITLE)
