"""?action=purge and the Action API's action=purge: a page's stored render is dropped so that its
next view renders it afresh (the page caches and validators move on with it), nothing else
changes, and purges are limited."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import mwclient
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from wikitest import CSRF_FIELD, HttpSession, custom_app, running, serve, wait_for

from wiki import moderation, pages
from wiki.db import db, write_transaction
from wiki.models import Page, RenderedRevision, Revision
from wiki.titles import Title, parse_title

ARTICLE = parse_title("Azerbaijan–Kosovo relations")
STALE = "<p>A render made before the renderer changed.</p>"
ADMIN = pages.Author("Admin", role="admin")


def stored_render(app: Flask, title: Title) -> RenderedRevision | None:
    """The stored render of the page's current revision, if any."""
    with app.app_context():
        page = pages.find_page(title)
        assert page is not None and page.latest_revision_id is not None
        row = db.session.get(RenderedRevision, page.latest_revision_id)
        if row is not None:
            db.session.expunge(row)
        return row


def make_stale(app: Flask, title: Title) -> None:
    """Replace the page's stored render with one older code could have made."""
    with app.app_context(), write_transaction():
        page = pages.find_page(title)
        assert page is not None
        db.session.execute(sa.update(RenderedRevision).where(
            RenderedRevision.revision_id == page.latest_revision_id).values(html=STALE))


def revision_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Revision)) or 0


def purge_token(client: FlaskClient, title: Title) -> str:
    """The token of the page's purge confirmation, as a browser would submit it."""
    page = client.get(f"{title.path}?action=purge")
    assert page.status_code == 200
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    assert match
    return match.group(1)


def test_a_purge_asks_first_then_the_page_is_rendered_afresh(app: Flask,
                                                             client: FlaskClient) -> None:
    make_stale(app, ARTICLE)
    reader = app.test_client()  # anonymous, no cookie: served by the page caches
    before = reader.get(ARTICLE.path)
    assert STALE in before.get_data(as_text=True)
    assert STALE in reader.get(ARTICLE.path).get_data(as_text=True)  # kept
    etag = before.headers["ETag"]
    revisions = revision_count(app)

    confirmation = client.get(f"{ARTICLE.path}?action=purge")
    assert confirmation.status_code == 200
    assert "private" in confirmation.headers["Cache-Control"]
    html = confirmation.get_data(as_text=True)
    assert "Purge the cache of this page?" in html
    assert f'action="{ARTICLE.path}?action=purge"' in html
    assert stored_render(app, ARTICLE) is not None  # asking purges nothing

    response = client.post(f"{ARTICLE.path}?action=purge",
                           data={"csrf_token": purge_token(client, ARTICLE)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(ARTICLE.path)
    assert stored_render(app, ARTICLE) is None

    after = reader.get(ARTICLE.path)
    assert after.status_code == 200
    text = after.get_data(as_text=True)
    assert STALE not in text and "Azerbaijan" in text
    assert after.headers["ETag"] != etag
    assert reader.get(ARTICLE.path, headers={"If-None-Match": etag}).status_code == 200
    fresh = stored_render(app, ARTICLE)
    assert fresh is not None and STALE not in fresh.html  # the view stored its render
    assert revision_count(app) == revisions  # a purge is not an edit


def test_the_tools_menu_links_to_the_purge(client: FlaskClient) -> None:
    html = client.get(ARTICLE.path).get_data(as_text=True)
    assert f'href="{ARTICLE.path}?action=purge"' in html


def test_a_purge_needs_a_page_and_a_token(app: Flask, client: FlaskClient) -> None:
    token = purge_token(client, ARTICLE)
    assert client.get("/wiki/No_such_page?action=purge").status_code == 404
    assert client.post("/wiki/No_such_page?action=purge",
                       data={"csrf_token": token}).status_code == 404
    refused = client.post(f"{ARTICLE.path}?action=purge")
    assert refused.status_code == 400
    assert client.post(f"{ARTICLE.path}?action=purge",
                       data={"csrf_token": "forged"}).status_code == 400
    assert stored_render(app, ARTICLE) is not None
    kosovo = parse_title("Kosovo")
    with app.app_context():
        moderation.delete(kosovo, "test", ADMIN)
    assert client.get(f"{kosovo.path}?action=purge").status_code == 404
    assert client.post(f"{kosovo.path}?action=purge",
                       data={"csrf_token": token}).status_code == 404


@pytest.fixture
def busy_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    yield from custom_app(tmp_path, database_url, WIKI_PURGE_RATE_LIMIT="1000/minute")


def test_purges_while_readers_read_on_a_threaded_server(busy_app: Flask) -> None:
    """Served as `make run` serves it: four anonymous readers (answered by the page caches)
    read while someone purges again and again. Every read is a 200 showing the article, and
    no read that starts after the first purge answered shows the stale render."""
    make_stale(busy_app, ARTICLE)
    reads: list[tuple[float, int, bool]] = []  # (started, status, stale)
    stop = threading.Event()
    purged_at: list[float] = []

    def read(_number: int) -> None:
        reader = HttpSession(server.port, timeout=20)
        while not stop.is_set():
            started = time.monotonic()
            status, _, body = reader.get(ARTICLE.path)
            assert status != 200 or "Azerbaijan" in body
            reads.append((started, status, STALE in body))

    with serve(busy_app) as server, running(read, 4, stop):
        wait_for(lambda: any(stale for _, _, stale in reads), "no reader saw the stale page")
        purger = HttpSession(server.port)
        token = purger.csrf_token(f"{ARTICLE.path}?action=purge")
        for _ in range(8):
            status, _, _ = purger.request("POST", f"{ARTICLE.path}?action=purge",
                                          {"csrf_token": token})
            assert status == 303
            purged_at.append(time.monotonic())
            before = len(reads)
            wait_for(lambda before=before: len(reads) >= before + 4,
                     "the readers stopped answering")
    assert {status for _, status, _ in reads} == {200}
    late = [stale for started, _, stale in reads if started > purged_at[0]]
    assert late and not any(late), "a read after the purge showed the stale render"
    fresh = stored_render(busy_app, ARTICLE)
    assert fresh is None or STALE not in fresh.html


@pytest.fixture
def limited_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    yield from custom_app(tmp_path, database_url, WIKI_PURGE_RATE_LIMIT="2/minute")


def test_purges_are_limited(limited_app: Flask) -> None:
    client = limited_app.test_client()
    token = purge_token(client, ARTICLE)
    for _ in range(2):
        assert client.post(f"{ARTICLE.path}?action=purge",
                           data={"csrf_token": token}).status_code == 303
    client.get(ARTICLE.path)  # renders and stores again
    refused = client.post(f"{ARTICLE.path}?action=purge", data={"csrf_token": token})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "purged too many pages" in refused.get_data(as_text=True)
    assert stored_render(limited_app, ARTICLE) is not None  # the refused purge dropped nothing


# the Action API


def api_post(client: FlaskClient, **params: str) -> dict[str, object]:
    response = client.post("/w/api.php", data={"action": "purge", "format": "json", **params})
    assert response.status_code == 200
    answer: dict[str, object] = json.loads(response.get_data(as_text=True))
    return answer


def test_the_api_purges_pages_and_names_those_it_could_not(app: Flask,
                                                           client: FlaskClient) -> None:
    make_stale(app, ARTICLE)
    answer = api_post(client, titles="azerbaijan–Kosovo relations|No such page|Special:Log|A<b")
    entries = answer["purge"]
    assert isinstance(entries, list)
    invalid = next(entry for entry in entries if "invalid" in entry)
    assert invalid["title"] == "A<b" and invalid["invalidreason"]
    assert [entry for entry in entries if entry is not invalid] == [
        {"ns": 0, "title": "No such page", "missing": ""},
        {"ns": -1, "title": "Special:Log", "special": ""},
        {"ns": 0, "title": ARTICLE.full, "purged": ""},
    ]
    assert answer["normalized"] == [{"from": "azerbaijan–Kosovo relations", "to": ARTICLE.full}]
    assert stored_render(app, ARTICLE) is None
    assert STALE not in client.get(ARTICLE.path).get_data(as_text=True)

    with app.app_context():
        page = pages.find_page(ARTICLE)
        assert page is not None
        page_id = page.id
    second = api_post(client, pageids=f"{page_id}|999999", formatversion="2")
    assert second["purge"] == [{"pageid": 999999, "missing": True},
                               {"ns": 0, "title": ARTICLE.full, "purged": True}]


def test_the_api_purge_must_be_posted_and_takes_one_source(client: FlaskClient) -> None:
    answer = client.get("/w/api.php?action=purge&titles=Kosovo&format=json").get_json()
    assert answer["error"]["code"] == "mustbeposted"
    mixed = api_post(client, titles="Kosovo", pageids="1")
    assert mixed["error"]["code"] == "invalidparammix"  # type: ignore[index]
    assert api_post(client) == {"purge": []}


def test_the_api_purge_counts_against_the_limit(limited_app: Flask) -> None:
    client = limited_app.test_client()
    answer = api_post(client, titles="Kosovo|Azerbaijan|Serbia")
    assert [entry.get("purged") for entry in answer["purge"]] == ["", "", None]  # type: ignore[union-attr]
    assert "rate limit" in json.dumps(answer["warnings"])
    assert stored_render(limited_app, parse_title("Kosovo")) is None
    assert stored_render(limited_app, parse_title("Serbia")) is not None
    refused = client.post(f"{ARTICLE.path}?action=purge",  # the form shares the allowance
                          data={"csrf_token": purge_token(client, ARTICLE)})
    assert refused.status_code == 429


def test_mwclient_purges_a_page(app: Flask) -> None:
    make_stale(app, ARTICLE)
    with serve(app) as server:
        site = mwclient.Site(f"127.0.0.1:{server.port}", path="/w/", scheme="http",
                             max_retries=0, retry_timeout=0)
        site.pages[ARTICLE.full].purge()
        assert stored_render(app, ARTICLE) is None
        assert STALE not in server(ARTICLE.path)
    with app.app_context():
        assert db.session.scalar(sa.select(Page.is_deleted).where(
            Page.title == ARTICLE.text)) is False
