"""Conditional GET: every cheap page kind carries an ETag and Last-Modified, answers 304 to a
matching If-None-Match or a late enough If-Modified-Since after at most one query and without
rendering, changes its ETag when what it shows changes, and stays private when it depends on the
session or holds its CSRF token (a form). Malformed validators are ignored."""

from __future__ import annotations

import threading
from datetime import UTC, timedelta

import pytest
from flask import Flask, Response, make_response
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from test_accounts import log_in, sign_up
from werkzeug.http import parse_date
from wikitest import (
    CSRF_FIELD,
    HttpSession,
    LiveServer,
    check_conditional_answers,
    create,
    serve,
)

from wiki import clock, moderation, pages, rendering
from wiki.titles import Title, parse_title
from wiki.views import articles, kept_page_layer, page_cache


def save(app: Flask, title: str, text: str) -> int:
    """A new revision of a page (created when missing); its id."""
    with app.app_context():
        name = parse_title(title)
        page = pages.find_page(name)
        return pages.save_edit(name, text, author=pages.Author("Setup"),
                               base_revision_id=page.latest_revision_id if page else None
                               ).revision.id


@pytest.fixture
def revisions(app: Flask, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """Two revisions of one page that links to a missing page. The first is saved a minute ago:
    two saves in one second stamp the second ahead of the clock, and until the clock catches up
    the pages' Last-Modified is the time of each answer (see the last test)."""
    with monkeypatch.context() as patch:
        earlier = clock.utcnow() - timedelta(minutes=1)
        patch.setattr(clock, "utcnow", lambda: earlier)
        first = create(app, "Cond", "First text, see [[Cond target]].")
    second = save(app, "Cond", "Second text, see [[Cond target]].")
    return first, second


def kinds(revisions: tuple[int, int]) -> list[str]:
    first, second = revisions
    return ["/wiki/Cond", f"/wiki/Cond?oldid={first}", f"/wiki/Cond?diff={second}&oldid={first}",
            "/wiki/Cond?action=history", "/wiki/Cond?action=raw"]


def validators(client: FlaskClient, path: str) -> tuple[str, str]:
    client.get(path)  # a dropped render is rendered (and stored) by the first view
    response = client.get(path)
    assert response.status_code == 200, path
    etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
    assert etag and modified, path
    return etag, modified


def test_each_kind_has_validators_and_answers_304(
        app: Flask, client: FlaskClient, revisions: tuple[int, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    for path in kinds(revisions):
        etag, modified = validators(client, path)
        assert "must-revalidate" in client.get(path).headers["Cache-Control"]
        check_conditional_answers(
            app, client, path, etag, modified,
            [(rendering, "render_text"), (rendering, "cached_render")], monkeypatch)


def test_an_edit_changes_the_etags(app: Flask, client: FlaskClient,
                                   revisions: tuple[int, int]) -> None:
    paths = kinds(revisions)
    before = {path: validators(client, path)[0] for path in paths}
    save(app, "Cond", "Third text.")
    for path in paths:
        response = client.get(path, headers={"If-None-Match": before[path]})
        assert response.status_code == 200, path
        assert validators(client, path)[0] != before[path], path


def test_a_blue_link_changes_the_article_etag(app: Flask, client: FlaskClient,
                                              revisions: tuple[int, int]) -> None:
    etag, _ = validators(client, "/wiki/Cond")
    create(app, "Cond target", "Now it exists.")
    response = client.get("/wiki/Cond", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert validators(client, "/wiki/Cond")[0] != etag


def test_shared_cache_lifetime_setting(app: Flask, client: FlaskClient,
                                       revisions: tuple[int, int]) -> None:
    assert client.get("/wiki/Cond").headers["Cache-Control"] == \
        "public, max-age=0, must-revalidate"
    app.config["WIKI_CACHE_SMAXAGE"] = 60
    # Settings are read when a server starts: the kept-page layer answers with the headers the
    # app gave, so a setting changed in a running app needs what a restart does.
    kept_page_layer.layer(app).known.clear()
    assert client.get("/wiki/Cond").headers["Cache-Control"] == \
        "s-maxage=60, max-age=0, must-revalidate"


def test_logged_in_pages_are_private(app: Flask, client: FlaskClient,
                                     revisions: tuple[int, int]) -> None:
    sign_up(client, "Reader")
    log_in(client, "Reader")
    for path in kinds(revisions):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "private" in response.headers["Cache-Control"], path
        assert "s-maxage" not in response.headers["Cache-Control"]
        assert "ETag" not in response.headers, path


def test_pages_with_flash_messages_are_private(client: FlaskClient,
                                               revisions: tuple[int, int]) -> None:
    etag, _ = validators(client, "/wiki/Cond")
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Saved.")]
    response = client.get("/wiki/Cond", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Saved." in response.get_data(as_text=True)
    assert "private" in response.headers["Cache-Control"]
    assert "ETag" not in response.headers


@pytest.mark.parametrize("path", ["/wiki/Cond?action=edit", "/wiki/Special:UserLogin",
                                  "/wiki/Special:CreateAccount"])
def test_forms_are_private(client: FlaskClient, revisions: tuple[int, int], path: str) -> None:
    """A form holds the session's CSRF token: even an anonymous visitor's is theirs alone."""
    response = client.get(path)
    assert response.status_code == 200 and CSRF_FIELD.search(response.get_data(as_text=True))
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in response.headers and "Last-Modified" not in response.headers


@pytest.fixture
def article_with_a_form(revisions: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """Article views that carry a form (with the session's CSRF token) at their end."""
    built = articles.build_page

    def with_a_form(title: Title) -> Response:
        response = make_response(built(title))
        field = f'<input type="hidden" name="csrf_token" value="{generate_csrf()}">'
        response.set_data(response.get_data() + field.encode())
        return response

    monkeypatch.setattr(articles, "build_page", with_a_form)


@pytest.mark.usefixtures("article_with_a_form")
def test_a_page_holding_a_token_is_neither_shared_nor_kept(app: Flask) -> None:
    """Should an article view ever carry a form, each visitor still gets their own token: the
    page is private, has no validators, and neither the page cache nor the kept-page layer
    keeps it."""
    tokens = set()
    for _ in range(3):
        response = app.test_client().get("/wiki/Cond")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-cache"
        assert "ETag" not in response.headers and "Last-Modified" not in response.headers
        held = CSRF_FIELD.search(response.get_data(as_text=True))
        assert held
        tokens.add(held.group(1))
    assert len(tokens) == 3, "a visitor was sent another visitor's token"
    assert not page_cache.store(app).pages
    assert not kept_page_layer.layer(app).known


@pytest.mark.usefixtures("article_with_a_form")
def test_token_pages_stay_private_on_a_threaded_server(app: Flask) -> None:
    """The same, served as `make run` serves it: eight visitors at once, four views each, every
    one new to the wiki (no cookie, so the kept-page layer could answer them). Each view gets a
    token of its own, and nothing is kept."""
    start = threading.Barrier(8)
    answers: list[tuple[int, dict[str, str], str]] = []
    lock = threading.Lock()

    def visit(server: LiveServer) -> None:
        start.wait(timeout=60)
        for _ in range(4):
            answer = HttpSession(server.port).get("/wiki/Cond")
            with lock:
                answers.append(answer)

    with serve(app) as server:
        threads = [threading.Thread(target=visit, args=(server,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert len(answers) == 32
    tokens = set()
    for status, headers, body in answers:
        assert status == 200
        assert headers["cache-control"] == "private, no-cache"
        assert "etag" not in headers and "last-modified" not in headers
        held = CSRF_FIELD.search(body)
        assert held
        tokens.add(held.group(1))
    assert len(tokens) == 32, "a visitor was sent another visitor's token"
    assert not page_cache.store(app).pages
    assert not kept_page_layer.layer(app).known


# Validators no server could have sent, or dates that cannot be read: each must be ignored.
MALFORMED_VALIDATORS = [
    {"If-None-Match": "garbage, \"unterminated"},
    {"If-None-Match": "W/"},
    {"If-None-Match": ",,,"},
    {"If-None-Match": "\"" + "x" * 100_000 + "\""},
    {"If-Modified-Since": "yesterday"},
    {"If-Modified-Since": "Sat, 01 Jan 99999 00:00:00 GMT"},
    {"If-Modified-Since": "Mon, 32 Foo 2020 25:61:61 GMT"},
    {"If-Modified-Since": "Thu, 01 Jan 0000 00:00:00 GMT"},
    {"If-Modified-Since": "9" * 10_000},
    {"If-Modified-Since": "-1"},
    {"If-Modified-Since": "Sun, 06 Nov 1994 08:49:37 +9999"},
]


@pytest.mark.parametrize("headers", MALFORMED_VALIDATORS)
def test_malformed_validators_are_ignored(client: FlaskClient, revisions: tuple[int, int],
                                          headers: dict[str, str]) -> None:
    for path in kinds(revisions):
        assert client.get(path, headers=headers).status_code == 200, (path, headers)


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_compressed_copies_are_revalidated_too(client: FlaskClient, revisions: tuple[int, int],
                                              encoding: str) -> None:
    """A browser that got a compressed page sends back that copy's ETag ("<etag>:br"); it is
    the current page, so the answer is 304, whether the page came from the page cache or not."""
    for path in ["/wiki/Azerbaijan%E2%80%93Kosovo_relations", *kinds(revisions)[:4]]:
        headers = {"Accept-Encoding": encoding}
        client.get(path, headers=headers)  # stored renders and cached pages made
        for _attempt in range(2):  # built, then (for article views) from the page cache
            response = client.get(path, headers=headers)
            assert response.status_code == 200, path
            etag = response.headers["ETag"]
            if response.headers.get("Content-Encoding") == encoding:
                assert etag.endswith(f':{encoding}"'), (path, etag)
            again = client.get(path, headers={**headers, "If-None-Match": etag})
            assert again.status_code == 304, (path, etag)
            assert again.headers["ETag"] == etag


def test_last_modified_is_never_ahead_of_the_clock(app: Flask, client: FlaskClient,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    now = [clock.utcnow()]
    monkeypatch.setattr(clock, "utcnow", lambda: now[0])
    start = now[0]
    create(app, "Rapid", "Edit 0.")
    for number in (1, 2):  # in the same second: stamped a second apart, ahead of the clock
        save(app, "Rapid", f"Edit {number}.")
    etag, modified = validators(client, "/wiki/Rapid?action=history")
    assert parse_date(modified) == start.replace(tzinfo=UTC)
    now[0] = start + timedelta(seconds=1)
    with app.app_context():
        moderation.protect(parse_title("Rapid"), "admin", "busy", None,
                           pages.Author("Sysop", role="admin"))
    # The protection is logged before the clock reaches the last edit's time; a client that
    # had been given that time would be told its copy is current.
    response = client.get("/wiki/Rapid?action=history", headers={"If-Modified-Since": modified})
    assert response.status_code == 200
    assert 'class="log-protect"' in response.get_data(as_text=True)
    assert client.get("/wiki/Rapid?action=history",
                      headers={"If-None-Match": etag}).status_code == 200
