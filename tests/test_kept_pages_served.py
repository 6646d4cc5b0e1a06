"""Kept pages under gunicorn, as `make run` serves them: two worker processes, each with its own
page stores and kept-page layer, threads in each. Anonymous readers keep reading an article and
its history while an editor saves through the edit form, reaching either process. Once a save
has answered, no reader is shown the page or history from before it, whichever process answers."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from flask import Flask
from wikitest import HttpSession, gunicorn, running, wait_for

from wiki import pages
from wiki.titles import parse_title

READERS = 6
SAVES = 12
PATH = "/wiki/Served_page"
SHOWN = re.compile(r"Version (\d+)\.")
SUMMARY = re.compile(r"summary number (\d+)")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BASE = re.compile(r'name="base_revision" value="([^"]*)"')


def newest(pattern: re.Pattern[str], body: str) -> int:
    """The number the page shows first (the article's text, the history's newest summary)."""
    found = pattern.search(body)
    return int(found.group(1)) if found else 0


def test_no_reader_sees_a_page_older_than_the_last_answered_save(
        app: Flask, tmp_path: Path, database_url: str) -> None:
    with app.app_context():
        pages.save_edit(parse_title("Served page"), "Version 0.", author=pages.Author("Setup"),
                        base_revision_id=None, summary="summary number 0")
    saved = [0]
    failures: list[str] = []
    checked = [0] * READERS  # per reader: the save its last finished read had to show
    stop = threading.Event()
    (tmp_path / "served").mkdir()

    def read(reader: int) -> None:
        session = HttpSession(port, timeout=20)
        path, pattern = (PATH, SHOWN) if reader % 2 else (f"{PATH}?action=history", SUMMARY)
        while not stop.is_set():
            floor = saved[0]
            status, headers, body = session.get(path)
            if status != 200 or "set-cookie" in headers:
                failures.append(f"{path}: {status} {headers.get('set-cookie', '')}")
                return
            if newest(pattern, body) < floor:
                failures.append(f"{path} showed {newest(pattern, body)} after {floor} was saved")
                return
            checked[reader] = floor

    with gunicorn(tmp_path / "served", database_url, workers=2, threads=4) as server:
        port = server.port
        editor = HttpSession(port, timeout=30)
        with running(read, READERS, stop):
            for number in range(1, SAVES + 1):
                status, _, form = editor.get(f"{PATH}?action=edit")
                token, base = CSRF.search(form), BASE.search(form)
                assert status == 200 and token and base
                status, headers, _ = editor.request("POST", f"{PATH}?action=submit", {
                    "csrf_token": token.group(1), "base_revision": base.group(1),
                    "text": f"Version {number}.", "summary": f"summary number {number}",
                    "save": "1"})
                assert status == 303, status
                saved[0] = number
                # Every reader checks every save, however slow the machine: the next save
                # waits until each has finished a read that began after this one answered.
                wait_for(lambda number=number: min(checked) >= number or bool(failures),
                         f"a reader stalled after save {number}")
        assert not failures, failures[:3]
        reader = HttpSession(port)
        for _ in range(20):  # both processes, each with the page kept and offered by now
            assert newest(SHOWN, reader.get(PATH)[2]) == SAVES
            assert newest(SUMMARY, reader.get(f"{PATH}?action=history")[2]) == SAVES
