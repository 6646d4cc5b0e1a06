"""The render pipeline under threads, as `make run` serves it: thousands of distinct documents
rendered from eight threads at once, through the pipeline and through previews on gunicorn
with threaded workers, each compared with the same document rendered alone. One thread must
never see another thread's text (bleach's Cleaner and mistune's parsers keep per-document
state)."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask, render_template
from wikitest import HttpSession, div_block, gunicorn

from wiki.markup import Lookups, Rendered, render
from wiki.titles import parse_title

THREADS = 8
DOCUMENTS = 5000
EXISTING = frozenset({parse_title("Kosovo"), parse_title("Azerbaijan"), parse_title("Serbia")})
WORDS = ("treaty", "embassy", "recognition", "summit", "minister", "accord", "border", "trade",
         "visit", "envoy", "council", "charter")


def document(number: int) -> str:
    """A distinct document that exercises links (blue and red), a template, raw HTML (allowed
    and not) and a footnote, and some headings, tables, lists and contents; its number is in
    every part."""
    pick = random.Random(number)

    def words(count: int) -> str:
        return " ".join(pick.choice(WORDS) for _ in range(count))

    linked = pick.choice(sorted(EXISTING, key=str)).text
    parts = [
        f"Document {number}: {words(3)} [[{linked}]], [[Missing page {number}|red {number}]] "
        f"<sup>{number}</sup> <b>bold {number}</b> <script>alert({number})</script>"
        f"[^n{number}]",
        f"{{{{Main|{linked}}}}}",
        f"[^n{number}]: Note {number}.",
    ]
    if number % 4 == 0:
        parts.insert(2, f"## Part {number}\n\n| Year | {words(1)} |\n|---|---|\n| {number} | x |")
    if number % 9 == 0:  # a few get a table of contents
        parts += [f"## Extra {number} {k}\n\n- {words(2)} {number}" for k in range(4)]
    return "\n\n".join(parts)


def alone_lookups() -> Lookups:
    """What the seeded wiki answers for the titles the documents link to."""
    return Lookups(exists=lambda title: title in EXISTING)


def render_all(numbers: range, render_one: Callable[[int], str], threads: int) -> dict[int, str]:
    """Render each document from `threads` threads at once, all starting together."""
    start = threading.Barrier(threads)

    def work(chunk: list[int]) -> dict[int, str]:
        start.wait()
        return {number: render_one(number) for number in chunk}

    chunks = [list(numbers[i::threads]) for i in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        results: dict[int, str] = {}
        for part in pool.map(work, chunks):
            results.update(part)
    return results


@pytest.fixture(scope="module")
def alone() -> dict[int, Rendered]:
    """Every document rendered alone, one after the other."""
    lookups = alone_lookups()
    return {number: render(document(number), lookups) for number in range(DOCUMENTS)}


def test_documents_rendered_by_eight_threads_equal_their_render_alone(
        alone: dict[int, Rendered]) -> None:
    together = render_all(range(DOCUMENTS),
                          lambda n: str(render(document(n), alone_lookups()).html), THREADS)
    mismatches = [n for n in range(DOCUMENTS) if together[n] != str(alone[n].html)]
    assert not mismatches, f"{len(mismatches)} of {DOCUMENTS} renders differ, e.g. {mismatches[:5]}"


def expected_preview(app: Flask, rendered: Rendered) -> str:
    """The preview's article block for a document rendered alone."""
    with app.test_request_context():
        html = render_template("articles/_rendered.html", rendered=rendered)
    return div_block(html, '<div class="wiki-content">')


def test_previews_from_eight_threads_on_gunicorn_show_their_own_text(
        app: Flask, tmp_path: Path, database_url: str, alone: dict[int, Rendered]) -> None:
    """Served as `make run` serves it: gunicorn, two workers of four threads each."""
    statuses: list[int] = []
    sessions: dict[int, tuple[HttpSession, str]] = {}
    (tmp_path / "served").mkdir()

    with gunicorn(tmp_path / "served", database_url) as server:
        def preview(number: int) -> str:
            worker = threading.get_ident()
            if worker not in sessions:
                session = HttpSession(server.port)
                sessions[worker] = (session, session.csrf_token())
            session, token = sessions[worker]
            status, _, page = session.request(
                "POST", f"/wiki/Sandbox_{number % THREADS}?action=submit",
                {"csrf_token": token, "text": document(number), "base_revision": "",
                 "summary": "", "preview": "1"})
            statuses.append(status)
            return div_block(page, '<div class="wiki-content">') if status == 200 else page

        shown = render_all(range(DOCUMENTS), preview, THREADS)

    assert statuses.count(200) == DOCUMENTS, sorted(set(statuses))
    mismatches = [n for n in range(DOCUMENTS) if shown[n] != expected_preview(app, alone[n])]
    assert not mismatches, f"{len(mismatches)} of {DOCUMENTS} previews differ: {mismatches[:5]}"
