"""Reads never fail because someone is writing: readers on gunicorn (as `make run` serves it)
view pages while a writer keeps creating and deleting the pages they link to, which drops the
readers' stored renders again and again. Every answer is a 200 showing the page."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask
from wikitest import HttpSession, gunicorn, wait_for

from wiki import moderation, pages
from wiki.titles import parse_title

READERS = 6
TARGETS = 6
WRITES = 36
ADMIN = pages.Author("Writer", role="admin")


def linking_text(number: int) -> str:
    links = " ".join(f"[[Flip {k}]]" for k in range(TARGETS))
    return f"Reader page {number} links to {links}.\n\n## Section\n\nMore text {number}."


def test_readers_never_see_a_5xx_while_a_writer_invalidates_what_they_read(
        app: Flask, tmp_path: Path, database_url: str) -> None:
    with app.app_context():
        for number in range(3):
            pages.save_edit(parse_title(f"Reader page {number}"), linking_text(number),
                            author=ADMIN, base_revision_id=None)
    statuses: list[int] = []
    shown_blue = shown_red = 0
    stop = threading.Event()
    (tmp_path / "served").mkdir()

    def read(reader: int) -> None:
        nonlocal shown_blue, shown_red
        session = HttpSession(reader_port, timeout=20)
        while not stop.is_set():
            try:
                status, _, body = session.get(f"/wiki/Reader_page_{reader % 3}")
            except OSError:  # no answer within the timeout counts as a failed read
                status, body = 0, ""
            statuses.append(status)
            if status == 200:
                assert f"Reader page {reader % 3} links to" in body
                shown_red += body.count('class="new"') > 0
                shown_blue += 'href="/wiki/Flip_' in body

    writes = 0
    with gunicorn(tmp_path / "served", database_url) as server:
        reader_port = server.port
        readers = [threading.Thread(target=read, args=(n,)) for n in range(READERS)]
        for thread in readers:
            thread.start()
        with app.app_context():
            for _ in range(WRITES):
                title = parse_title(f"Flip {writes % TARGETS}")
                page = pages.find_page(title)
                if page is None:
                    pages.save_edit(title, "Here now.", author=ADMIN, base_revision_id=None)
                elif page.is_deleted:
                    moderation.undelete(title, "back", ADMIN)
                else:
                    moderation.delete(title, "gone", ADMIN)
                writes += 1
                # However slow the machine, the readers read between every two writes.
                before = len(statuses)
                wait_for(lambda before=before: len(statuses) >= before + 2,
                         f"no reader answered after write {writes}")
        stop.set()
        for thread in readers:
            thread.join(timeout=60)

    failures = [status for status in statuses if status != 200]
    print(f"{len(statuses)} reads during {writes} writes; {len(failures)} failed")
    assert not failures, f"{len(failures)} of {len(statuses)} reads failed: {set(failures)}"
    assert writes == WRITES and len(statuses) >= 2 * WRITES
    assert shown_red and shown_blue, "readers never saw the links change"
