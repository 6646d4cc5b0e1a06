"""Atom feed entries made once per revision and kept: a feed built again makes no entry, a feed
that gained an edit makes one, and a kept feed is byte for byte the feed an app that keeps
nothing builds from the same database."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wikitest import custom_app, serve

from wiki import feed_diff, moderation, pages
from wiki.titles import parse_title
from wiki.views import feeds, kept_feed_entries

ADMIN = pages.Author("Sysop", role="admin")
FEEDS = ["/wiki/Special:RecentChanges?feed=atom", "/wiki/Special:RecentChanges?feed=atom&limit=3",
         "/wiki/Fed_page?action=history&feed=atom"]


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of the new text of every entry diff made from now on."""
    calls: list[int] = []
    original = feed_diff.feed_diff

    def counting(old: str, new: str, budget: int) -> feed_diff.CutDiff:
        calls.append(len(new))
        return original(old, new, budget)

    monkeypatch.setattr(feeds, "feed_diff", counting)
    return calls


@pytest.fixture
def uncached(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """A second app on the same database that keeps no entries."""
    yield from custom_app(tmp_path, database_url, WIKI_FEED_CACHE_BYTES=0)


def edit(app: Flask, name: str, text: str, summary: str = "") -> None:
    with app.app_context():
        title = parse_title(name)
        page = pages.find_page(title)
        pages.save_edit(title, text, author=ADMIN, summary=summary,
                        base_revision_id=page.latest_revision_id if page else None)


def fed_page(app: Flask) -> None:
    edit(app, "Fed page", "First line.\n")
    edit(app, "Fed page", "First line.\nSecond line, with <b>markup</b> & an ampersand.\n",
         "Added a line")
    # A change larger than the feed's diff budget: its entry is cut.
    edit(app, "Fed page", "First line.\n" + "".join(f"Long line {n} " * 40 + "\n"
                                                    for n in range(200)), "Grew a lot")


def test_a_feed_makes_each_entry_once(app: Flask, client: FlaskClient, made: list[int]) -> None:
    fed_page(app)
    path = "/wiki/Special:RecentChanges?feed=atom"
    first = client.get(path)
    assert first.status_code == 200
    entries = first.get_data(as_text=True).count("<entry>")
    assert len(made) == entries > 3
    made.clear()
    again = client.get(path)
    assert again.get_data() == first.get_data()
    assert made == []  # every entry kept
    # The page's history feed shows the same revisions: nothing to make.
    assert client.get("/wiki/Fed_page?action=history&feed=atom").status_code == 200
    assert made == []
    edit(app, "Fed page", "First line, reworded.\n", "Shortened")
    after = client.get(path)
    assert "Shortened" in after.get_data(as_text=True)
    assert len(made) == 1  # only the new edit's entry


def test_kept_entries_equal_entries_made_afresh(app: Flask, client: FlaskClient,
                                                uncached: Flask) -> None:
    fed_page(app)
    fresh = uncached.test_client()
    for _round in range(2):  # the first round fills the store, the second reads it
        for path in FEEDS:
            kept = client.get(path)
            assert kept.status_code == 200, path
            assert kept.get_data() == fresh.get(path).get_data(), path
    with app.app_context():
        assert len(kept_feed_entries.store()) >= 3
    with uncached.app_context():
        assert len(kept_feed_entries.store()) == 0
    # Deleted and restored: the same revisions, the same entries.
    with app.app_context():
        moderation.delete(parse_title("Fed page"), "test", ADMIN)
        moderation.undelete(parse_title("Fed page"), "test", ADMIN)
    for path in FEEDS:
        assert client.get(path).get_data() == fresh.get(path).get_data(), path


def test_the_store_stays_within_its_bytes(tmp_path: Path, database_url: str,
                                          made: list[int]) -> None:
    for small in custom_app(tmp_path, database_url, WIKI_FEED_CACHE_BYTES=4096):
        fed_page(small)
        client = small.test_client()
        client.get("/wiki/Special:RecentChanges?feed=atom")
        with small.app_context():
            store = kept_feed_entries.store()
            assert 0 < store.size <= 4096
            assert len(store) < len(made)  # the cut entry alone is larger than the store


def fetch_at_once(port: int, readers: int, rounds: int) -> list[tuple[str, bytes]]:
    """Each feed fetched `rounds` times by each of `readers` threads at once: (path, body)."""
    copies: list[tuple[str, bytes]] = []
    failures: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(rounds):
                for path in FEEDS:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}",
                                                timeout=30) as answer:
                        copies.append((path, answer.read()))
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=read) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert len(copies) == readers * rounds * len(FEEDS)
    return copies


def test_readers_of_a_threaded_server_share_the_entries_rightly(app: Flask,
                                                                uncached: Flask) -> None:
    """Served as `make run` serves it: six readers fetch the feeds at once, from an empty store
    and again after an edit; every copy is the feed an app keeping nothing builds."""
    fed_page(app)
    fresh = uncached.test_client()
    with serve(app) as server:
        for round_ in range(2):
            if round_:
                edit(app, "Fed page", "First line.\nA second round.\n", "Second round")
            expected = {path: fresh.get(path).get_data() for path in FEEDS}
            for path, body in fetch_at_once(server.port, readers=6, rounds=3):
                assert body == expected[path], path
            assert b"Second round" in expected[FEEDS[0]] or not round_
