"""The load test: eight threads edit one page at the same time through real HTTP on loopback,
each changing only its own line, with the edit form's CSRF token and base revision as a browser
sends them. Afterwards nothing answered "saved" or "merged" is missing, nothing answered
"conflict" left a trace, the revision chain has no gaps, and no request failed."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from wikitest import BASE_FIELD, CSRF_FIELD, HttpSession, make_app, serve

from wiki import accounts, pages
from wiki.db import db
from wiki.models import Revision
from wiki.titles import parse_title

THREADS = 8
EDITS_PER_THREAD = 25
TIME_CAP_SECONDS = 50.0  # no thread starts an edit after this; it bounds the run, not a check
TITLE = "Load_test_page"
PASSWORD = "a long load-test passphrase"
TEXTAREA = re.compile(r'<textarea\b[^>]*name="text"[^>]*>(.*?)</textarea>', re.S)


def line_prefix(thread: int) -> str:
    return f"Line {thread}:"


def initial_text() -> str:
    """A heading line, then each thread's line followed by a spacer line nobody edits, so that
    no two threads ever change adjacent lines."""
    lines = ["Load test page."]
    for thread in range(THREADS):
        lines += [line_prefix(thread), f"Spacer {thread}."]
    return "\n".join(lines)


@pytest.fixture
def served(tmp_path: Path, database_url: str) -> Iterator[tuple[Flask, int]]:
    """The wiki on a copy of the seeded database, served by a threaded server on loopback."""
    (tmp_path / "load").mkdir()
    app = make_app(tmp_path / "load", WIKI_DATABASE_URL=database_url,
                   WIKI_EDIT_RATE_LIMIT="100000/minute")
    with app.app_context():
        pages.save_edit(parse_title(TITLE), initial_text(), author=pages.Author("Setup"),
                        base_revision_id=None, summary="setup")
    with serve(app) as server:
        yield app, server.port


@dataclass
class Outcome:
    """What one thread saw."""

    saved: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)  # saved or merged, in order
    failures: list[str] = field(default_factory=list)
    locked: int = 0
    attempted: int = 0


def log_in(browser: HttpSession, name: str) -> None:
    """Log the session in through the form."""
    token = browser.csrf_token("/wiki/Special:UserLogin")
    status, _, _ = browser.request("POST", "/wiki/Special:UserLogin", {
        "csrf_token": token, "name": name, "password": PASSWORD})
    assert status == 303, f"logging in as {name} answered {status}"


_LOGINS = threading.Lock()  # one at a time: the login throttle refuses a burst of attempts


def edit_loop(port: int, thread: int, start: threading.Barrier, deadline: float,
              outcome: Outcome, line: int | None = None, edits: int = EDITS_PER_THREAD,
              account: str | None = None) -> None:
    """Make `edits` edits of this thread's line (or of the given line), each through the edit
    form; as an account if one is named (else from the address, as a visitor)."""
    browser = HttpSession(port)
    try:
        if account is not None:
            with _LOGINS:
                log_in(browser, account)
    finally:
        start.wait(timeout=120)  # a thread that failed must not leave the others waiting
    target = line_prefix(thread if line is None else line)
    for attempt in range(edits):
        if time.monotonic() > deadline:
            break
        marker = f"t{thread}e{attempt:02d}"  # unique per attempt; appears only if saved
        outcome.attempted += 1
        try:
            status, _, page = browser.request("GET", f"/wiki/{TITLE}?action=edit")
        except OSError as error:
            outcome.failures.append(f"{marker}: edit form: {error!r}")
            continue
        outcome.locked += "database is locked" in page
        token, base, text = CSRF_FIELD.search(page), BASE_FIELD.search(page), TEXTAREA.search(page)
        if status != 200 or not (token and base and text):
            outcome.failures.append(f"{marker}: edit form answered {status}")
            continue
        lines = unescape(text.group(1)).split("\n")
        mine = [n for n, text_line in enumerate(lines) if text_line.startswith(target)]
        if len(mine) != 1:
            outcome.failures.append(f"{marker}: the thread's line is not in the form")
            continue
        lines[mine[0]] += " " + marker
        form = {"csrf_token": token.group(1), "base_revision": base.group(1),
                "text": "\n".join(lines), "summary": marker, "save": "1"}
        try:
            status, headers, answer = browser.request("POST", f"/wiki/{TITLE}?action=submit",
                                                      form)
        except OSError as error:
            outcome.failures.append(f"{marker}: save: {error!r}")
            continue
        outcome.locked += "database is locked" in answer
        location = urlsplit(headers.get("location", ""))
        if status == 303 and location.path == f"/wiki/{TITLE}" and "diff=" in location.query:
            outcome.merged.append(marker)
            outcome.accepted.append(marker)
        elif status == 303 and location.path == f"/wiki/{TITLE}" and not location.query:
            outcome.saved.append(marker)
            outcome.accepted.append(marker)
        elif status == 409:
            outcome.conflicts.append(marker)
        else:
            outcome.failures.append(f"{marker}: save answered {status} {headers.get('location')}")


def run_editors(port: int, threads: int, **options: int | str) -> tuple[list[Outcome], float]:
    """Start the editing threads together and wait for all of them."""
    outcomes = [Outcome() for _ in range(threads)]
    start = threading.Barrier(threads)
    began = time.monotonic()
    deadline = began + TIME_CAP_SECONDS
    workers = [threading.Thread(target=edit_loop, args=(port, n, start, deadline, outcomes[n]),
                                kwargs=options, name=f"editor-{n}") for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcomes, time.monotonic() - began


def page_revisions(app: Flask) -> tuple[int | None, list[Revision]]:
    """The page's latest revision id and all its revisions, oldest first."""
    with app.app_context():
        page = pages.get_page(parse_title(TITLE))
        revisions = list(db.session.scalars(
            sa.select(Revision).where(Revision.page_id == page.id).order_by(Revision.id)))
        for revision in revisions:
            db.session.expunge(revision)
        return page.latest_revision_id, revisions


def assert_chain_without_gaps(latest: int | None, revisions: list[Revision]) -> None:
    """From the latest revision down to the first, each parent is the revision before."""
    assert latest == revisions[-1].id
    by_id = {r.id: r for r in revisions}
    chain = []
    current: Revision | None = by_id[latest]
    while current is not None:
        chain.append(current.id)
        current = by_id.get(current.parent_id) if current.parent_id else None
    assert chain == [r.id for r in reversed(revisions)]
    assert revisions[0].parent_id is None
    for older, newer in zip(revisions, revisions[1:], strict=False):
        assert newer.parent_id == older.id
        assert newer.timestamp > older.timestamp


def assert_nothing_lost(app: Flask, port: int, outcomes: list[Outcome], elapsed: float,
                        label: str) -> None:
    """Every edit answered "saved" or "merged" is in the final text exactly once, in order on
    its thread's line, with one revision each; a conflict left no trace; no request failed."""
    failures = [f for o in outcomes for f in o.failures]
    attempted = sum(o.attempted for o in outcomes)
    saved = sum(len(o.saved) for o in outcomes)
    merged = sum(len(o.merged) for o in outcomes)
    conflicts = [m for o in outcomes for m in o.conflicts]
    accepted = [m for o in outcomes for m in o.accepted]

    status, _, final = HttpSession(port).request("GET", f"/wiki/{TITLE}?action=raw")
    assert status == 200
    lost = [marker for marker in accepted if final.count(marker) != 1]
    print(f"\n{label}: {len(outcomes)} threads, {attempted} edits attempted, {saved} saved, "
          f"{merged} merged, {len(conflicts)} conflicts, {len(failures)} failed, "
          f"lost: {len(lost)} ({elapsed:.1f} s)")

    assert failures == []  # no 5xx, no other answer, no broken connection
    assert sum(o.locked for o in outcomes) == 0, '"database is locked" in an answer'
    assert attempted > 0
    assert lost == []

    # the final text is the first text with each thread's accepted markers, in order, on its line
    expected = initial_text().split("\n")
    for thread, outcome in enumerate(outcomes):
        index = expected.index(line_prefix(thread))
        expected[index] += "".join(" " + marker for marker in outcome.accepted)
    assert final == "\n".join(expected)

    latest, revisions = page_revisions(app)
    # nothing a conflict answered is anywhere in the history
    for marker in conflicts:
        assert not any(marker in revision.text for revision in revisions), marker
    # one revision per accepted edit, each named by its marker, none for a conflict
    assert sorted(r.summary for r in revisions[1:]) == sorted(accepted)
    assert len(revisions) == 1 + saved + merged
    assert_chain_without_gaps(latest, revisions)
    # every revision's text holds every marker of the revisions before it
    seen: list[str] = []
    for revision in revisions[1:]:
        seen.append(revision.summary)
        assert all(marker in revision.text for marker in seen), revision.id


def test_concurrent_edits_lose_nothing(served: tuple[Flask, int]) -> None:
    app, port = served
    outcomes, elapsed = run_editors(port, THREADS)
    assert_nothing_lost(app, port, outcomes, elapsed, "load test")


def test_concurrent_edits_by_one_account_lose_nothing(served: tuple[Flask, int]) -> None:
    """A bot, or one person in several tabs: eight threads of one account, 30 edits each to
    its own line. Their edits are merged like anyone else's."""
    app, port = served
    with app.app_context():
        accounts.create_account("Load bot", PASSWORD, PASSWORD)
    outcomes, elapsed = run_editors(port, THREADS, edits=30, account="Load bot")
    assert sum(len(o.merged) for o in outcomes) > 0, "no edit needed merging; nothing proved"
    assert_nothing_lost(app, port, outcomes, elapsed, "one-account load test")


def test_concurrent_edits_of_one_line_conflict_without_a_trace(
        served: tuple[Flask, int]) -> None:
    """Four threads all append to the same line: overlapping edits must be refused whole."""
    app, port = served
    outcomes, elapsed = run_editors(port, 4, line=0, edits=10)
    failures = [f for o in outcomes for f in o.failures]
    conflicts = [m for o in outcomes for m in o.conflicts]
    accepted = [m for o in outcomes for m in o.accepted]
    print(f"\none-line load test: {sum(o.attempted for o in outcomes)} edits attempted, "
          f"{len(accepted)} accepted, {len(conflicts)} conflicts ({elapsed:.1f} s)")
    assert failures == []
    assert sum(o.locked for o in outcomes) == 0
    assert sum(len(o.merged) for o in outcomes) == 0  # overlapping edits never merge

    latest, revisions = page_revisions(app)
    assert_chain_without_gaps(latest, revisions)
    order = [r.summary for r in revisions[1:]]
    assert sorted(order) == sorted(accepted)
    expected = initial_text().replace(line_prefix(0),
                                      line_prefix(0) + "".join(" " + m for m in order))
    status, _, final = HttpSession(port).request("GET", f"/wiki/{TITLE}?action=raw")
    assert status == 200 and final == expected
    for marker in conflicts:
        assert not any(marker in revision.text for revision in revisions), marker
