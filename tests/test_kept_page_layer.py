"""The kept-page layer answers anonymous GETs of kept pages before Flask is reached, exactly as
the app would: the same status, body and headers (every encoding, 304s by ETag and by date,
malformed validators), never a stale page after any change, and never a request that carries a
session, credentials or a body, a HEAD, or a page whose headers depend on the time."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from test_accounts import log_in, sign_up
from test_page_cache import CAUSES, save
from werkzeug.test import Client, TestResponse
from wikitest import create, custom_app, running, wait_for

from wiki import clock, moderation, pages
from wiki.titles import parse_title
from wiki.views import kept_page_layer

ARTICLE = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"
ADMIN = pages.Author("Sysop", role="admin")


@pytest.fixture
def served(app: Flask) -> Iterator[list[str]]:
    """The paths of the requests Flask itself handled (the layer answered the others)."""
    seen: list[str] = []

    @app.before_request
    def note() -> None:
        from flask import request

        seen.append(request.full_path)

    yield seen


def answered(app: Flask) -> int:
    return kept_page_layer.layer(app).answered


def by_app(app: Flask) -> Client:
    """A client of the app behind the layer (what the app answers on its own)."""
    return Client(kept_page_layer.layer(app).wsgi_app, TestResponse)


def warm(client: FlaskClient, path: str) -> None:
    """Views until the page is kept and offered: a first view may render, the next keeps it."""
    for _ in range(2):
        assert client.get(path).status_code == 200


def same(ours: Any, theirs: Any) -> None:
    """The same answer: status, body and headers (in any order; Date is the server's)."""
    assert ours.status == theirs.status
    assert ours.get_data() == theirs.get_data()
    assert sorted(ours.headers.items()) == sorted(theirs.headers.items())


@pytest.fixture
def pair(app: Flask, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """Two revisions of one page, its render stored. The first is saved a minute ago: two
    saves in one second stamp the second ahead of the clock, and until the clock catches up a
    page's Last-Modified is the time of the answer, which the kept copy cannot repeat."""
    with monkeypatch.context() as patch:
        earlier = clock.utcnow() - timedelta(minutes=1)
        patch.setattr(clock, "utcnow", lambda: earlier)
        first = create(app, "Layered", "First text, with a link to [[Kosovo]].")
    with app.app_context():
        second = pages.save_edit(parse_title("Layered"), "Second text, linking [[Serbia]].",
                                 author=ADMIN, base_revision_id=first, summary="more").revision.id
    return first, second


def urls(pair: tuple[int, int]) -> list[str]:
    first, second = pair
    return [ARTICLE, "/wiki/Layered", "/wiki/Layered?action=history",
            "/wiki/Layered?action=history&limit=1", f"/wiki/Layered?diff={second}&oldid={first}",
            f"/wiki/Layered?diff={second}", "/wiki/Layered?diff=prev&oldid=" + str(second)]


REQUEST_HEADERS: dict[str, dict[str, str]] = {
    "plain": {},
    "gzip": {"Accept-Encoding": "gzip"},
    "br": {"Accept-Encoding": "gzip, br"},
    "br refused": {"Accept-Encoding": "br;q=0, gzip;q=0.5"},
    "malformed INM": {"If-None-Match": '"unterminated'},
    "INM elsewhere": {"If-None-Match": '"0123", W/"abc"'},
    "INM star": {"If-None-Match": "*"},
    "IMS malformed": {"If-Modified-Since": "yesterday at noon"},
    "IMS early": {"If-Modified-Since": "Mon, 01 Jan 1990 00:00:00 GMT"},
    "IMS late": {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"},
    "IMS huge": {"If-Modified-Since": "Fri, 01 Jan 99999 00:00:00 GMT"},
}


@pytest.mark.parametrize("kind", list(REQUEST_HEADERS))
def test_the_layer_answers_as_the_app_would(kind: str, app: Flask, client: FlaskClient,
                                            pair: tuple[int, int], served: list[str]) -> None:
    headers = REQUEST_HEADERS[kind]
    for path in urls(pair):
        warm(client, path)
        before, handled = answered(app), len(served)
        ours = client.get(path, headers=headers)
        assert answered(app) == before + 1, path
        assert len(served) == handled, f"{path} reached Flask"
        same(ours, by_app(app).get(path, headers=headers))


def test_a_304_for_each_etag_variant_is_the_apps(app: Flask, client: FlaskClient,
                                                 pair: tuple[int, int]) -> None:
    for path in urls(pair)[:5]:  # the ones with validators
        warm(client, path)
        for encoding in (None, "gzip", "br"):
            sent = client.get(path, headers={"Accept-Encoding": encoding or "identity"})
            tag = sent.headers["ETag"]
            assert tag.endswith(f':{encoding}"') if encoding else ":" not in tag
            before = answered(app)
            ours = client.get(path, headers={"If-None-Match": tag})
            assert ours.status_code == 304 and ours.headers["ETag"] == tag
            assert answered(app) == before + 1
            same(ours, by_app(app).get(path, headers={"If-None-Match": tag}))
            dated = {"If-Modified-Since": sent.headers["Last-Modified"]}
            same(client.get(path, headers=dated), by_app(app).get(path, headers=dated))


@pytest.mark.parametrize("cause", list(CAUSES))
def test_no_change_leaves_a_stale_page(cause: str, app: Flask, client: FlaskClient,
                                       served: list[str]) -> None:
    save(app, "Cache subject", "Cache subject links to [[Cache target]].")
    path = "/wiki/Cache_subject"
    history = f"{path}?action=history"
    setup, change, shown = CAUSES[cause]
    setup(app)
    kept = {}
    for url in (path, history):
        warm(client, url)
        before = answered(app)
        kept[url] = client.get(url).get_data()
        assert answered(app) == before + 1, url
    change(app)
    before = answered(app)
    fresh = client.get(path)
    assert answered(app) == before, "the changed page came from the layer"
    assert shown in fresh.get_data(as_text=True) and fresh.get_data() != kept[path]
    for _ in range(3):  # rendered again, kept, then offered again
        assert client.get(path).get_data() == fresh.get_data()
    assert answered(app) > before
    if cause in ("edit", "protect", "unprotect"):  # they change the history or its log
        handled = len(served)
        assert client.get(history).get_data() != kept[history]
        assert len(served) == handled + 1


def test_a_diff_follows_the_latest_revision(app: Flask, client: FlaskClient,
                                            pair: tuple[int, int]) -> None:
    first, second = pair
    path = f"/wiki/Layered?diff={second}&oldid={first}"
    warm(client, path)
    kept = client.get(path).get_data(as_text=True)
    assert "Next edit" not in kept and "Latest revision" in kept
    with app.app_context():
        pages.save_edit(parse_title("Layered"), "Third text.", author=ADMIN,
                        base_revision_id=second, summary="third")
    before = answered(app)
    fresh = client.get(path).get_data(as_text=True)
    assert answered(app) == before
    assert "Next edit" in fresh and "Latest revision" not in fresh


def test_deleting_the_page_ends_its_answers(app: Flask, client: FlaskClient,
                                            pair: tuple[int, int]) -> None:
    paths = urls(pair)[1:]
    for path in paths:
        warm(client, path)
    with app.app_context():
        moderation.delete(parse_title("Layered"), "gone", ADMIN)
    before = answered(app)
    for path in paths:
        assert client.get(path).status_code == 404, path
    assert answered(app) == before


def test_sessions_credentials_bodies_and_heads_go_to_the_app(
        app: Flask, client: FlaskClient, served: list[str]) -> None:
    warm(client, ARTICLE)
    before = answered(app)
    assert client.head(ARTICLE).status_code == 200
    assert client.get(ARTICLE, headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 200
    assert client.get(ARTICLE, data="x=1", content_type="application/x-www-form-urlencoded"
                      ).status_code == 200
    assert answered(app) == before
    user = app.test_client()
    sign_up(user, "Layer reader")
    log_in(user, "Layer reader")
    page = user.get(ARTICLE)
    assert "Layer reader" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-cache"
    assert answered(app) == before
    assert client.get(ARTICLE).status_code == 200
    assert answered(app) == before + 1


def test_a_page_whose_headers_follow_the_clock_is_left_to_the_app(
        app: Flask, client: FlaskClient) -> None:
    save(app, "Expiring", "Protected for a while.")
    with app.app_context():
        moderation.protect(parse_title("Expiring"), "admin", "for now",
                           clock.utcnow() + timedelta(hours=1), ADMIN)
    warm(client, "/wiki/Expiring")
    before = answered(app)
    assert client.get("/wiki/Expiring").status_code == 200
    assert answered(app) == before


def test_a_redirectedfrom_is_checked_by_the_app_each_time(app: Flask, client: FlaskClient
                                                          ) -> None:
    save(app, "Target page", "The target.")
    save(app, "Old name", "#REDIRECT [[Target page]]")
    path = "/wiki/Target_page?redirectedfrom=Old_name"
    warm(client, path)
    before = answered(app)
    assert client.get(path).status_code == 200
    save(app, "Old name", "Not a redirect any more.")
    assert client.get(path).status_code == 301
    assert answered(app) == before


def test_a_database_error_leaves_the_answer_to_the_app(app: Flask, client: FlaskClient,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    warm(client, ARTICLE)
    layer = kept_page_layer.layer(app)

    class Broken:
        def connect(self) -> None:
            raise sa.exc.OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(layer, "engine", Broken())
    before = answered(app)
    response = client.get(ARTICLE)
    assert response.status_code == 200 and answered(app) == before


def test_the_remembered_addresses_are_bounded(tmp_path: Path, database_url: str) -> None:
    for small in custom_app(tmp_path, database_url, WIKI_PAGE_CACHE_BYTES=80_000):
        client = small.test_client()
        titles = ["Kosovo", "Serbia", "Azerbaijan", "Baku", "Turkey", "Secession"]
        for title in titles:
            for query in ("", "?action=history", "?action=history&limit=5",
                          "?action=history&limit=6", "?action=history&limit=7"):
                warm(client, f"/wiki/{title}{query}")
        known = kept_page_layer.layer(small).known
        assert 0 < known.size <= 80_000 // 8
        assert len(known) < len(titles) * 5


def test_no_store_no_layer(tmp_path: Path, database_url: str) -> None:
    for uncached in custom_app(tmp_path, database_url, WIKI_PAGE_CACHE_BYTES=0):
        client = uncached.test_client()
        for _ in range(3):
            assert client.get(ARTICLE).status_code == 200
        assert answered(uncached) == 0


def test_readers_in_threads_never_see_a_page_older_than_the_last_save(
        app: Flask, client: FlaskClient) -> None:
    """Eight readers through the layer while edits are saved: every answer is whole, and once
    a save has returned no reader is answered with the text before it."""
    save(app, "Busy page", "Version 0.")
    warm(client, "/wiki/Busy_page")
    saved = [0]
    failures: list[str] = []
    stop = threading.Event()

    checked = [0] * 8  # per reader: the save its last finished read had to show

    def read(number: int) -> None:
        reader = app.test_client()
        encoding = "gzip" if threading.get_ident() % 2 else "identity"
        while not stop.is_set():
            floor = saved[0]
            response = reader.get("/wiki/Busy_page", headers={"Accept-Encoding": encoding})
            body = response.get_data()
            if response.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            text = body.decode("utf-8")
            if response.status_code != 200 or "</html>" not in text:
                failures.append(f"{response.status_code}: {text[-200:]}")
                return
            shown = int(text.split("Version ", 1)[1].split(".", 1)[0])
            if shown < floor:
                failures.append(f"version {shown} after version {floor} was saved")
                return
            checked[number] = floor

    with running(read, 8, stop):
        for number in range(1, 16):
            save(app, "Busy page", f"Version {number}.")
            saved[0] = number
            # However slow the machine, every reader reads each version before the next save.
            wait_for(lambda number=number: min(checked) >= number or bool(failures),
                     f"a reader stalled after save {number}")
    assert not failures, failures[:3]
    assert answered(app) > 0
