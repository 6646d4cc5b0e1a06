"""Conditional GET for the lists of changes: Special:RecentChanges, Special:RecentChangesLinked,
the recent-changes feed and a page's history feed carry an ETag and Last-Modified, answer 304
after one small query without reading the list, and move on whenever what they show changes: an
edit, a deletion or restoration, an import, and an edit leaving a "last N days" window. So does
Special:Log, which changes only when an action is logged."""

from __future__ import annotations

import http.client
import io
import threading
import time
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_accounts import log_in, sign_up
from test_import import Rev, dump, page_xml
from wikitest import check_conditional_answers, conditional_get_cost, running, serve, wait_for

from wiki import actionlog, clock, lists, moderation, pages
from wiki.dumps import importer
from wiki.titles import parse_title

ADMIN = pages.Author("Admin", role="admin")
LISTS = ["/wiki/Special:RecentChanges", "/wiki/Special:RecentChanges?feed=atom",
         "/wiki/Special:RecentChanges?days=7&hideminor=1",
         "/wiki/Special:RecentChangesLinked/Listed_hub",
         "/wiki/Listed_page?action=history&feed=atom"]


def save(app: Flask, title: str, text: str) -> None:
    with app.app_context():
        name = parse_title(title)
        page = pages.find_page(name)
        pages.save_edit(name, text, author=pages.Author("Tester"),
                        base_revision_id=page.latest_revision_id if page else None)


@pytest.fixture
def listed(app: Flask) -> None:
    """A page, and a hub page linking to it (so the related changes list it)."""
    save(app, "Listed page", "First text.")
    save(app, "Listed hub", "See [[Listed page]].")


def validators(client: FlaskClient, path: str) -> tuple[str, str, bytes]:
    response = client.get(path)
    assert response.status_code == 200, path
    etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
    assert etag and modified, path
    assert response.headers["Cache-Control"] == "public, max-age=0, must-revalidate", path
    return etag, modified, response.get_data()


def test_each_list_answers_304_after_one_query_without_reading_the_list(
        app: Flask, client: FlaskClient, listed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in LISTS:
        etag, modified, _ = validators(client, path)
        check_conditional_answers(
            app, client, path, etag, modified,
            [(lists, "recent_changes"), (lists, "page_changes")], monkeypatch)


def test_filters_are_part_of_the_etag(client: FlaskClient, listed: None) -> None:
    etags = {validators(client, path)[0] for path in LISTS}
    assert len(etags) == len(LISTS)


def test_an_edit_changes_every_list(app: Flask, client: FlaskClient, listed: None) -> None:
    before = {path: validators(client, path) for path in LISTS}
    save(app, "Listed page", "Second text, newly worded.")
    for path, (etag, _, body) in before.items():
        response = client.get(path, headers={"If-None-Match": etag})
        assert response.status_code == 200, path
        assert response.get_data() != body, path
        if "feed=atom" in path:  # the new edit's diff is in the feed
            assert "newly worded" in response.get_data(as_text=True), path


def test_an_edit_elsewhere_changes_the_wiki_lists_not_the_page_feed(
        app: Flask, client: FlaskClient, listed: None) -> None:
    before = {path: validators(client, path)[0] for path in LISTS}
    save(app, "Unrelated page", "Text.")
    for path, etag in before.items():
        status = client.get(path, headers={"If-None-Match": etag}).status_code
        assert status == (304 if "action=history" in path else 200), path


def test_deleting_and_restoring_a_page_changes_the_lists(app: Flask, client: FlaskClient,
                                                          listed: None) -> None:
    path = "/wiki/Special:RecentChanges"
    etag, _, body = validators(client, path)
    assert b"Listed page" in body
    with app.app_context():
        moderation.delete(parse_title("Listed page"), "test", ADMIN)
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert b"Listed page" not in response.get_data()
    deleted_etag = response.headers["ETag"]
    assert client.get("/wiki/Listed_page?action=history&feed=atom").status_code == 404
    with app.app_context():
        moderation.undelete(parse_title("Listed page"), "test", ADMIN)
    response = client.get(path, headers={"If-None-Match": deleted_etag})
    assert response.status_code == 200
    assert b"Listed page" in response.get_data()


def test_the_log_answers_304_until_an_action_is_logged(
        app: Flask, client: FlaskClient, listed: None, frozen: list[datetime],
        monkeypatch: pytest.MonkeyPatch) -> None:
    with app.app_context():
        moderation.protect(parse_title("Listed hub"), "admin", "first", None, ADMIN)
    for path in ("/wiki/Special:Log", "/wiki/Special:Log?type=protect&limit=5"):
        etag, modified, body = validators(client, path)
        assert "Listed hub" in body.decode()
        response, statements = conditional_get_cost(
            app, client, path, {"If-None-Match": etag}, [(actionlog, "entries")], monkeypatch)
        assert response.status_code == 304, path
        assert len(statements) <= 1, (path, statements)
    path = "/wiki/Special:Log"
    etag, modified, _ = validators(client, path)
    save(app, "Listed page", "An edit is not logged.")
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    frozen[0] += timedelta(seconds=1)
    with app.app_context():
        moderation.protect(parse_title("Listed page"), "admin", "second", None, ADMIN)
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, headers
        assert "Listed page" in response.get_data(as_text=True)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The wiki's clock, held at a moment the test moves by hand."""
    now = [clock.utcnow()]
    monkeypatch.setattr(clock, "utcnow", lambda: now[0])
    return now


def test_an_edit_leaving_the_window_changes_the_list(app: Flask, client: FlaskClient,
                                                     frozen: list[datetime]) -> None:
    start = frozen[0]
    save(app, "Windowed page", "Text.")
    path = "/wiki/Special:RecentChanges?days=1"
    frozen[0] = start + timedelta(days=1)  # the last second it is listed
    etag, modified, body = validators(client, path)
    assert b"Windowed page" in body
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    frozen[0] = start + timedelta(days=1, seconds=1)
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert b"Windowed page" not in response.get_data()
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 200
    # It changed when the edit left: that is the list's time now, not the edit's.
    assert response.last_modified is not None
    assert response.last_modified.replace(tzinfo=None) == frozen[0]


def test_an_empty_feed_is_the_same_document_each_time(client: FlaskClient,
                                                      frozen: list[datetime]) -> None:
    frozen[0] += timedelta(days=3650)
    path = "/wiki/Special:RecentChanges?feed=atom&days=1"
    etag, _, body = validators(client, path)
    assert b"<entry>" not in body
    frozen[0] += timedelta(seconds=5)
    response = client.get(path)
    assert response.headers["ETag"] == etag
    assert response.get_data() == body


def test_an_import_changes_the_lists_although_its_edits_are_old(
        app: Flask, client: FlaskClient, frozen: list[datetime]) -> None:
    path = "/wiki/Special:RecentChanges"
    etag, modified, _ = validators(client, path)
    old = [Rev(901, "2015-05-05T10:00:00Z", "Imported long ago.")]
    with app.app_context():
        report = importer.import_dump(io.BytesIO(dump(page_xml("Imported page", old))),
                                      "dump.xml", by=ADMIN, max_xml_bytes=1 << 20)
    assert report.revisions == 1
    # Its edit is dated 2015 and its log entry now, the second the list was read: only the
    # ETag can tell a reader the list changed, so no Last-Modified is given while the newest
    # revision is an imported one.
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, headers
        assert b"Imported page" in response.get_data()
        assert "Last-Modified" not in response.headers
    assert client.get(path, headers={"If-None-Match": response.headers["ETag"]}
                      ).status_code == 304
    save(app, "Edited after the import", "Text.")
    assert "Last-Modified" in client.get(path).headers


def test_logged_in_lists_are_private(client: FlaskClient, listed: None) -> None:
    sign_up(client, "Lister")
    log_in(client, "Lister")
    for path in [*LISTS, "/wiki/Special:Log"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "private" in response.headers["Cache-Control"], path
        assert "ETag" not in response.headers, path


class FeedReader:
    """A feed reader polling over HTTP as feed readers do: it sends back the ETag of the copy it
    holds and keeps that copy on a 304."""

    def __init__(self, port: int, path: str) -> None:
        self.port, self.path = port, path
        self.etag, self.held = "", ""

    def poll(self) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request("GET", self.path,
                               headers={"If-None-Match": self.etag} if self.etag else {})
            response = connection.getresponse()
            body = response.read().decode("utf-8")
            if response.status == 200:
                self.etag, self.held = response.getheader("ETag") or "", body
            return response.status
        finally:
            connection.close()


@pytest.mark.parametrize("path", ["/wiki/Special:RecentChanges?feed=atom",
                                  "/wiki/Special:AllPages?from=Polled"])
def test_feed_readers_polling_a_threaded_server_never_keep_a_stale_copy(app: Flask,
                                                                        path: str) -> None:
    """Served as `make run` serves it: four feed readers poll the recent-changes feed (or a list
    of pages) with their ETags while pages are created one after another. Every answer is a 200
    or a 304, and every poll that starts after a save has committed leaves its reader holding a
    copy with it."""
    polls: list[tuple[float, int, str]] = []  # (started, status, the copy held afterwards)
    stop = threading.Event()
    saved_at: list[float] = []

    def read(_number: int) -> None:
        reader = FeedReader(server.port, path)
        while not stop.is_set():
            started = time.monotonic()
            status = reader.poll()
            polls.append((started, status, reader.held))

    with serve(app) as server, running(read, 4, stop):
        wait_for(lambda: any(status == 304 for _, status, _ in polls), "no poll was a 304")
        for number in range(6):
            save(app, f"Polled page {number}", "Text.")
            saved_at.append(time.monotonic())
            before = len(polls)
            wait_for(lambda before=before: len(polls) >= before + 8, "the readers stopped")
    assert {status for _, status, _ in polls} <= {200, 304}
    assert sum(status == 304 for _, status, _ in polls) > len(saved_at)
    for number, moment in enumerate(saved_at):
        late = [held for started, _, held in polls if started > moment]
        assert late, number
        stale = [held for held in late if f"Polled page {number}" not in held]
        assert not stale, f"a poll after save {number} kept a copy without it"
