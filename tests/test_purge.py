"""Purges: after a write commits, the wiki sends HTTP PURGE for every URL whose page changed to
each cache server in WIKI_PURGE_URLS, in the background, with retries; a cache server that is
down or hangs never slows or fails a save; only URLs a purge reaches carry s-maxage."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_files import logged_in, png, upload
from wikitest import WikiClient, create, custom_app, free_port

from wiki import clock, moderation, pages, purge
from wiki.db import write_transaction
from wiki.paths import PROJECT_ROOT
from wiki.titles import Title, parse_title

ARTICLE = parse_title("Azerbaijan–Kosovo relations")
ADMIN = pages.Author("Admin", role="admin")


class CacheServer:
    """A stand-in cache server that records the PURGEs it gets. `statuses` are answered in turn
    (then 200); while `hold` is clear, requests wait (a server that does not answer)."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.received: list[tuple[str, str]] = []  # (path, Host header)
        self.statuses = list(statuses or [])
        self.hold = threading.Event()
        self.hold.set()
        self.waiting = threading.Event()  # a request is being held
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(self) -> None:  # noqa: N802 (the method's name is the HTTP verb)
                if not owner.hold.is_set():
                    owner.waiting.set()
                    owner.hold.wait(10)
                with owner.lock:
                    owner.received.append((self.path, self.headers.get("Host", "")))
                    status = owner.statuses.pop(0) if owner.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def paths(self) -> list[str]:
        with self.lock:
            return [path for path, _ in self.received]

    def close(self) -> None:
        self.hold.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def cache() -> Iterator[CacheServer]:
    server = CacheServer()
    yield server
    server.close()


@pytest.fixture
def purging_app(tmp_path: Path, database_url: str, cache: CacheServer) -> Iterator[Flask]:
    yield from custom_app(tmp_path, database_url, WIKI_PURGE_URLS=cache.url,
                          WIKI_PURGE_TIMEOUT=0.5, WIKI_PURGE_ATTEMPTS=3,
                          WIKI_CACHE_SMAXAGE=600)


def purger(app: Flask) -> purge.Purger:
    found: purge.Purger = app.extensions[purge.EXTENSION_KEY]
    return found


def settle(app: Flask) -> None:
    assert purger(app).idle(15), "purges still pending after 15 s"


def page_paths(title: Title) -> set[str]:
    return set(purge.purged_paths(title))


# the URLs


def test_purged_paths_are_the_urls_the_wiki_links_to(client: FlaskClient) -> None:
    history = client.get(f"{ARTICLE.path}?action=history").get_data(as_text=True)
    paths = purge.purged_paths(ARTICLE)
    assert paths[0] == "/wiki/Azerbaijan%E2%80%93Kosovo_relations"
    assert f'href="{paths[3].replace("&", "&amp;")}"' in history  # the history feed link
    assert f'href="{paths[0]}?action=history"' in client.get(paths[0]).get_data(as_text=True)
    changes = client.get("/wiki/Special:RecentChanges").get_data(as_text=True)
    linked = purge.RECENT_CHANGES_FEEDS[1].replace("&", "&amp;")
    assert f'href="{linked}"' in changes


# what an edit purges


def test_an_edit_purges_the_page_its_history_raw_feeds(purging_app: Flask,
                                                        cache: CacheServer) -> None:
    wiki = WikiClient(purging_app.test_client())
    _, _, text = wiki.edit_form(ARTICLE.url_part)
    assert wiki.edit(ARTICLE.url_part, text + "\n\nOne more sentence.\n").status_code == 303
    settle(purging_app)
    received = set(cache.paths())
    assert page_paths(ARTICLE) | set(purge.RECENT_CHANGES_FEEDS) <= received
    host = cache.url.removeprefix("http://")
    assert {header for _, header in cache.received} == {host}


def test_nothing_is_purged_without_a_commit(purging_app: Flask, cache: CacheServer) -> None:
    with purging_app.app_context(), pytest.raises(RuntimeError), write_transaction():
        purge.schedule([ARTICLE])
        raise RuntimeError("the write fails")
    with purging_app.app_context(), write_transaction():
        purge.schedule([parse_title("Kosovo")])
    settle(purging_app)
    assert ARTICLE.path not in cache.paths()
    assert parse_title("Kosovo").path in cache.paths()


def test_a_refused_edit_purges_nothing(purging_app: Flask, cache: CacheServer) -> None:
    wiki = WikiClient(purging_app.test_client())
    response = wiki.edit(ARTICLE.url_part, "x" * (3 * 1024 * 1024))
    assert response.status_code == 413
    settle(purging_app)
    assert cache.paths() == []


def test_creating_a_linked_page_purges_the_pages_linking_to_it(purging_app: Flask,
                                                               cache: CacheServer) -> None:
    create(purging_app, "Linking page", "See [[Brand new topic]].")
    client = purging_app.test_client()
    assert "Brand new topic" in client.get("/wiki/Linking_page").get_data(as_text=True)
    settle(purging_app)
    cache.received.clear()
    create(purging_app, "Brand new topic", "Now it exists.")
    settle(purging_app)
    received = set(cache.paths())
    assert "/wiki/Linking_page" in received  # its link turned from red to blue
    assert "/wiki/Brand_new_topic" in received
    assert "/wiki/Talk:Brand_new_topic" in received  # its tab for the subject page turned blue


def test_editing_a_page_leaves_unrelated_pages_alone(purging_app: Flask,
                                                     cache: CacheServer) -> None:
    create(purging_app, "Quiet page", "Nothing links here.")
    settle(purging_app)
    cache.received.clear()
    create(purging_app, "Other page", "Edited.")
    settle(purging_app)
    assert "/wiki/Quiet_page" not in cache.paths()


def test_protection_deletion_and_undeletion_purge_the_page(purging_app: Flask,
                                                           cache: CacheServer) -> None:
    title = parse_title("Kosovo")
    with purging_app.app_context():
        moderation.protect(title, "editor", "vandalism", None, actor=ADMIN)
    settle(purging_app)
    assert page_paths(title) <= set(cache.paths())
    cache.received.clear()
    with purging_app.app_context():
        moderation.delete(title, "test", actor=ADMIN)
    settle(purging_app)
    assert page_paths(title) <= set(cache.paths())
    cache.received.clear()
    with purging_app.app_context():
        moderation.undelete(title, "restored", actor=ADMIN)
    settle(purging_app)
    assert page_paths(title) <= set(cache.paths())


def test_a_purge_asked_for_by_a_reader_reaches_the_cache_servers(purging_app: Flask,
                                                                  cache: CacheServer) -> None:
    client = purging_app.test_client()
    token = WikiClient(client).token(f"{ARTICLE.path}?action=purge")
    settle(purging_app)
    assert not page_paths(ARTICLE) & set(cache.paths())  # asking purges nothing
    assert client.post(f"{ARTICLE.path}?action=purge",
                       data={"csrf_token": token}).status_code == 303
    settle(purging_app)
    assert page_paths(ARTICLE) <= set(cache.paths())
    cache.received.clear()
    title = parse_title("Kosovo")
    answer = client.post("/w/api.php", data={"action": "purge", "titles": "Kosovo|Nowhere",
                                             "format": "json"}).get_json()
    assert [entry.get("purged") for entry in answer["purge"]] == [None, ""]
    settle(purging_app)
    sent = set(cache.paths()) - set(purge.RECENT_CHANGES_FEEDS)
    assert sent == page_paths(title)  # nothing for the page that does not exist


def test_a_new_version_of_a_file_purges_the_pages_showing_it(purging_app: Flask,
                                                              cache: CacheServer) -> None:
    editor = logged_in(purging_app)
    assert upload(editor, "Harbour.png", png((400, 300), 10)).status_code == 303
    create(purging_app, "Port", "[[File:Harbour.png|thumb|220px|The harbour]]")
    assert purging_app.test_client().get("/wiki/Port").status_code == 200
    settle(purging_app)
    cache.received.clear()
    response = upload(editor, "Harbour.png", png((400, 300), 200), wpForReUpload="1",
                      summary="brighter")
    assert response.status_code == 303
    settle(purging_app)
    received = set(cache.paths())
    assert "/wiki/Port" in received
    assert "/wiki/File:Harbour.png" in received


# a cache server that is down, slow or refusing


def test_a_cache_server_that_does_not_answer_never_holds_up_a_save(
        purging_app: Flask, cache: CacheServer) -> None:
    cache.hold.clear()
    wiki = WikiClient(purging_app.test_client())
    _, _, text = wiki.edit_form(ARTICLE.url_part)
    assert wiki.edit(ARTICLE.url_part, text + "\n\nSaved while the cache hangs.\n"
                     ).status_code == 303
    # The save has answered while the cache server still holds the first PURGE.
    assert cache.waiting.wait(10)
    assert not purger(purging_app).idle(0.1)
    cache.hold.set()
    settle(purging_app)
    assert ARTICLE.path in cache.paths()


def test_a_cache_server_that_is_down_is_retried_then_logged(
        tmp_path: Path, database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()  # nothing listens there
    for app in custom_app(tmp_path, database_url, WIKI_PURGE_URLS=f"http://127.0.0.1:{port}",
                          WIKI_PURGE_TIMEOUT=0.2, WIKI_PURGE_ATTEMPTS=2):
        caplog.set_level(logging.INFO, logger=app.logger.name)
        create(app, "Saved anyway", "The cache is down.")
        settle(app)
        assert purger(app).sent == 0
        # The new page, its talk page (whose tab turned blue) and the two feed URLs.
        assert purger(app).failed == 2 * len(page_paths(parse_title("Saved anyway"))) + 2
        given_up = [r for r in caplog.records if "given up" in r.getMessage()]
        assert any("/wiki/Saved_anyway" in r.getMessage() and "2 times" in r.getMessage()
                   for r in given_up)


def test_a_failed_purge_is_sent_again(tmp_path: Path, database_url: str) -> None:
    server = CacheServer(statuses=[503, 503])
    try:
        for app in custom_app(tmp_path, database_url, WIKI_PURGE_URLS=server.url,
                              WIKI_PURGE_ATTEMPTS=4):
            with app.app_context(), write_transaction():
                purge.schedule([parse_title("Kosovo")])
            settle(app)
            assert purger(app).failed == 0
            paths = server.paths()
            # Two answers of 503, then every URL purged once more.
            assert len(paths) == len(set(paths)) + 2
            assert set(paths) == page_paths(parse_title("Kosovo")) | set(purge.RECENT_CHANGES_FEEDS)
    finally:
        server.close()


def test_two_cache_servers_each_get_every_purge(tmp_path: Path, database_url: str) -> None:
    first, second = CacheServer(), CacheServer()
    try:
        for app in custom_app(tmp_path, database_url,
                              WIKI_PURGE_URLS=f"{first.url}, {second.url}"):
            create(app, "Purged twice", "Changed.")
            settle(app)
            assert set(first.paths()) == set(second.paths())
            assert parse_title("Purged twice").path in first.paths()
    finally:
        first.close()
        second.close()


def test_without_cache_servers_nothing_is_queued(app: Flask) -> None:
    assert purge.EXTENSION_KEY not in app.extensions
    create(app, "No cache here", "Saved without any cache server.")


# PURGE sent to the wiki itself


def test_purge_from_an_address_not_allowed_is_forbidden(client: FlaskClient) -> None:
    response = client.open(ARTICLE.path, method="PURGE",
                           environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


def test_purge_from_an_allowed_address_is_acknowledged(client: FlaskClient) -> None:
    response = client.open(ARTICLE.path, method="PURGE",
                           environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.status_code == 200
    assert response.get_json()["purged"] == ARTICLE.path


# which answers a shared cache may keep


def test_only_urls_a_purge_reaches_carry_s_maxage(purging_app: Flask) -> None:
    client = purging_app.test_client()
    shared = "s-maxage=600, max-age=0, must-revalidate"
    for path in [*purge.purged_paths(ARTICLE), *purge.RECENT_CHANGES_FEEDS]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == shared, path
    with purging_app.app_context():
        revision = pages.latest_revision(pages.get_page(ARTICLE)).id
    for path in [f"{ARTICLE.path}?action=history&offset=0",
                 f"{ARTICLE.path}?action=history&limit=5",
                 f"{ARTICLE.path}?oldid={revision}"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "s-maxage" not in response.headers["Cache-Control"], path
    # The same page asked for with its title not percent-encoded: a cache keys it apart.
    unencoded = "/wiki/Azerbaijan–Kosovo_relations?action=raw".encode().decode("latin-1")
    response = client.get(ARTICLE.path + "?action=raw", environ_overrides={"RAW_URI": unencoded})
    assert response.status_code == 200
    assert "s-maxage" not in response.headers["Cache-Control"]


def test_an_expiring_protection_bounds_s_maxage(purging_app: Flask) -> None:
    with purging_app.app_context():
        moderation.protect(ARTICLE, "editor", "edit war",
                           clock.utcnow() + timedelta(seconds=120), actor=ADMIN)
    control = purging_app.test_client().get(ARTICLE.path).headers["Cache-Control"]
    seconds = int(control.split("s-maxage=")[1].split(",")[0])
    assert 0 < seconds <= 120


def test_a_command_that_ends_right_after_a_write_still_purges(
        tmp_path: Path, database_url: str, cache: CacheServer) -> None:
    """A process that saves and exits at once (a CLI import, say) sends its purges first."""
    script = (
        "from wiki import create_app, pages\n"
        "from wiki.titles import parse_title\n"
        f"app = create_app({{'WIKI_DATABASE_URL': {database_url!r}, 'WIKI_SECRET_KEY': 'x',"
        f" 'WIKI_PURGE_URLS': {cache.url!r}}}, instance_path={str(tmp_path)!r})\n"
        "with app.app_context():\n"
        "    pages.save_edit(parse_title('Saved from a command'), 'Text.',"
        " author=pages.Author('Script'), base_revision_id=None)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, timeout=120,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "/wiki/Saved_from_a_command" in cache.paths()
