"""The REST API's reads through HTTP: pages (source, bare, HTML), history and its paging, revisions,
compare, search, redirects, conditional requests (ETag, Last-Modified, 304), routing errors, and
the OpenAPI document covering every route."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.http import parse_date
from werkzeug.test import TestResponse
from wikitest import create

from wiki import clock, moderation, pages, rendering
from wiki.db import db, write_transaction
from wiki.models import RenderedRevision
from wiki.titles import parse_title

API = "/w/rest.php/v1"
ARTICLE = "Azerbaijan–Kosovo relations"
ARTICLE_PATH = f"{API}/page/{quote(ARTICLE.replace(' ', '_'))}"
ERROR_KEYS = {"httpCode", "httpReason", "errorKey", "messageTranslations"}


def assert_error(response: TestResponse, status: int, key: str) -> None:
    """A JSON error body of MediaWiki's shape with this status and key."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) >= ERROR_KEYS
    assert body["httpCode"] == status
    assert body["errorKey"] == key
    assert body["messageTranslations"]["en"]


def edit(app: Flask, title: str, text: str, *, author: str = "Editor", minor: bool = False,
         ip: bool = False, summary: str = "") -> int:
    """Save a revision through the page service; returns its id."""
    with app.app_context():
        parsed = parse_title(title)
        page = pages.find_page(parsed)
        who = pages.Author.anonymous(author) if ip else pages.Author(author)
        result = pages.save_edit(parsed, text, author=who, minor=minor, summary=summary,
                                 base_revision_id=page.latest_revision_id if page else None)
        return result.revision.id


# ---------------------------------------------------------------------------------------------
# pages


def test_page_has_source_and_metadata(client: FlaskClient) -> None:
    response = client.get(ARTICLE_PATH)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"id", "key", "title", "latest", "content_model", "license", "source"}
    assert body["title"] == ARTICLE
    assert body["key"] == "Azerbaijan–Kosovo_relations"
    assert body["content_model"] == "markdown"
    assert body["license"]["url"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert "Azerbaijan" in body["source"]
    assert set(body["latest"]) == {"id", "timestamp"}
    datetime.strptime(body["latest"]["timestamp"], "%Y-%m-%dT%H:%M:%SZ")
    raw = client.get(f"/wiki/{quote(body['key'])}?action=raw").get_data(as_text=True)
    assert body["source"] == raw
    assert response.headers["ETag"] == f'"{body["latest"]["id"]}"'
    assert response.headers["Last-Modified"].endswith("GMT")


@pytest.mark.parametrize("spelling", ["Azerbaijan–Kosovo relations",
                                      "azerbaijan–Kosovo_relations"])
def test_page_accepts_spaces_and_underscores(client: FlaskClient, spelling: str) -> None:
    body = client.get(f"{API}/page/{quote(spelling)}").get_json()
    assert body["title"] == ARTICLE


def test_bare_page_links_to_html(client: FlaskClient) -> None:
    body = client.get(f"{ARTICLE_PATH}/bare").get_json()
    assert "source" not in body
    assert body["html_url"] == f"http://localhost:5000{ARTICLE_PATH}/html"
    assert body["title"] == ARTICLE


def test_html_is_the_stored_render(client: FlaskClient) -> None:
    response = client.get(f"{ARTICLE_PATH}/html")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    html = response.get_data(as_text=True)
    assert 'class="infobox' in html
    assert "<html" not in html  # the article, not a page around it
    etag = response.headers["ETag"]
    assert client.get(f"{ARTICLE_PATH}/html", headers={"If-None-Match": etag}).status_code == 304


def test_html_etag_changes_when_the_render_does(app: Flask, client: FlaskClient) -> None:
    create(app, "Linker", "See [[Not yet written]].")
    first = client.get(f"{API}/page/Linker/html")
    assert 'class="new"' in first.get_data(as_text=True) or "redlink" in \
        first.get_data(as_text=True)
    create(app, "Not yet written", "Now it is.")
    second = client.get(f"{API}/page/Linker/html", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert second.headers["ETag"] != first.headers["ETag"]
    assert client.get(f"{API}/page/Linker").headers["ETag"] == f'"{_latest(client, "Linker")}"'


def _latest(client: FlaskClient, title: str) -> int:
    latest: int = client.get(f"{API}/page/{title}").get_json()["latest"]["id"]
    return latest


def test_title_with_a_slash_is_read_whole_when_encoded(app: Flask, client: FlaskClient) -> None:
    create(app, "Guide/history", "A subpage named history.")
    body = client.get(f"{API}/page/Guide%2Fhistory").get_json()
    assert body["title"] == "Guide/history"
    create(app, "Guide", "The guide.")
    history = client.get(f"{API}/page/Guide/history").get_json()
    assert "revisions" in history


def test_unknown_and_invalid_pages(client: FlaskClient) -> None:
    assert_error(client.get(f"{API}/page/No_such_page"), 404, "rest-nonexistent-title")
    assert_error(client.get(f"{API}/page/No_such_page/bare"), 404, "rest-nonexistent-title")
    assert_error(client.get(f"{API}/page/No_such_page/html"), 404, "rest-nonexistent-title")
    assert_error(client.get(f"{API}/page/A%7Cb"), 400, "rest-invalid-title")
    assert_error(client.get(f"{API}/page/a%00b"), 400, "rest-invalid-title")
    assert_error(client.get(f"{ARTICLE_PATH}?redirect=%00"), 400, "rest-bad-parameter")


def test_deleted_page_is_not_found(app: Flask, client: FlaskClient) -> None:
    revision = create(app, "Doomed", "Text.")
    with app.app_context():
        moderation.delete(parse_title("Doomed"), "test", pages.SYSTEM)
    assert_error(client.get(f"{API}/page/Doomed"), 404, "rest-nonexistent-title")
    assert_error(client.get(f"{API}/page/Doomed/history"), 404, "rest-nonexistent-title")
    assert_error(client.get(f"{API}/revision/{revision}"), 404, "rest-nonexistent-revision")


# ---------------------------------------------------------------------------------------------
# conditional requests


def test_conditional_page_requests(app: Flask, client: FlaskClient) -> None:
    first = client.get(ARTICLE_PATH)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    unchanged = client.get(ARTICLE_PATH, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == etag
    assert client.get(ARTICLE_PATH, headers={"If-Modified-Since": modified}).status_code == 304
    edit(app, ARTICLE, first.get_json()["source"] + "\n\nMore.")
    changed = client.get(ARTICLE_PATH, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    older = (datetime.now(UTC) - timedelta(days=400)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert client.get(ARTICLE_PATH, headers={"If-Modified-Since": older}).status_code == 200


def test_last_modified_is_never_ahead_of_the_clock(app: Flask, client: FlaskClient,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Three saves in one second stamp the last revision two seconds ahead of the clock. Its
    render, made stale and then purged a second later, is a change the old copy's date must
    not hide."""
    now = [clock.utcnow()]
    monkeypatch.setattr(clock, "utcnow", lambda: now[0])
    start = now[0]
    for number in range(3):
        edit(app, "Rapid", f"Edit {number}.")
    path = f"{API}/page/Rapid/html"
    with app.app_context(), write_transaction():
        latest = pages.find_page(parse_title("Rapid"))
        assert latest is not None and latest.latest_revision_id is not None
        db.session.execute(sa.update(RenderedRevision).where(
            RenderedRevision.revision_id == latest.latest_revision_id).values(
            html="<p>A stale render.</p>"))
    stale = client.get(path)
    assert "A stale render." in stale.get_data(as_text=True)
    assert parse_date(stale.headers["Last-Modified"]) == start.replace(tzinfo=UTC)
    now[0] = start + timedelta(seconds=1)
    with app.app_context():
        rendering.purge_pages([parse_title("Rapid")])
    assert "Edit 2." in client.get(path).get_data(as_text=True)  # rendered afresh and stored
    again = client.get(path, headers={"If-Modified-Since": stale.headers["Last-Modified"]})
    assert again.status_code == 200
    assert "Edit 2." in again.get_data(as_text=True)


def test_conditional_history_revision_and_compare(app: Flask, client: FlaskClient) -> None:
    old = create(app, "Cond", "one")
    new = edit(app, "Cond", "two")
    for path in (f"{API}/page/Cond/history", f"{API}/revision/{old}",
                 f"{API}/revision/{old}/bare", f"{API}/revision/{old}/compare/{new}"):
        response = client.get(path)
        assert response.status_code == 200, path
        again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, path
    history = client.get(f"{API}/page/Cond/history")
    edit(app, "Cond", "three")
    assert client.get(f"{API}/page/Cond/history",
                      headers={"If-None-Match": history.headers["ETag"]}).status_code == 200


# ---------------------------------------------------------------------------------------------
# history


def test_history_pages_by_twenty(app: Flask, client: FlaskClient) -> None:
    ids = [create(app, "Busy", "version 0")]
    ids += [edit(app, "Busy", f"version {n}") for n in range(1, 45)]
    first = client.get(f"{API}/page/Busy/history").get_json()
    assert [r["id"] for r in first["revisions"]] == ids[::-1][:20]
    assert "newer" not in first
    assert first["latest"] == f"http://localhost:5000{API}/page/Busy/history"
    assert first["older"] == f"http://localhost:5000{API}/page/Busy/history?older_than={ids[25]}"
    second = client.get(first["older"].removeprefix("http://localhost:5000")).get_json()
    assert [r["id"] for r in second["revisions"]] == ids[::-1][20:40]
    third = client.get(second["older"].removeprefix("http://localhost:5000")).get_json()
    assert [r["id"] for r in third["revisions"]] == ids[::-1][40:]
    assert "older" not in third
    back = client.get(third["newer"].removeprefix("http://localhost:5000")).get_json()
    assert [r["id"] for r in back["revisions"]] == ids[::-1][20:40]
    assert back["newer"].endswith(f"newer_than={ids[24]}")
    top = client.get(back["newer"].removeprefix("http://localhost:5000")).get_json()
    assert [r["id"] for r in top["revisions"]] == ids[::-1][:20]
    assert "newer" not in top


def test_history_entries(app: Flask, client: FlaskClient) -> None:
    first = create(app, "Entries", "12345")
    second = edit(app, "Entries", "123", ip=True, author="192.0.2.7", minor=True,
                  summary="shorter")
    revisions = client.get(f"{API}/page/Entries/history").get_json()["revisions"]
    newest, oldest = revisions
    assert set(newest) == {"id", "timestamp", "minor", "size", "comment", "user", "delta"}
    assert newest == {**newest, "id": second, "minor": True, "size": 3, "delta": -2,
                      "comment": "shorter", "user": {"id": None, "name": "192.0.2.7"}}
    assert oldest["id"] == first and oldest["delta"] == 5 and oldest["minor"] is False
    assert oldest["user"] == {"id": None, "name": "Setup"}  # a name without an account


def test_history_user_id_for_accounts(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        from wiki import accounts

        user = accounts.create_account("Rester", "correct horse battery", "correct horse battery")
        user_id = user.id
    edit(app, "Owned", "text", author="Rester")
    revision = client.get(f"{API}/page/Owned/history").get_json()["revisions"][0]
    assert revision["user"] == {"id": user_id, "name": "Rester"}


def test_history_filters(app: Flask, client: FlaskClient) -> None:
    create(app, "Filtered", "a")
    minor = edit(app, "Filtered", "b", minor=True)
    anonymous = edit(app, "Filtered", "c", ip=True, author="198.51.100.1")
    edit(app, "Filtered", "d")
    by_minor = client.get(f"{API}/page/Filtered/history?filter=minor").get_json()
    assert [r["id"] for r in by_minor["revisions"]] == [minor]
    assert by_minor["latest"].endswith("/history?filter=minor")
    by_ip = client.get(f"{API}/page/Filtered/history?filter=anonymous").get_json()
    assert [r["id"] for r in by_ip["revisions"]] == [anonymous]
    assert_error(client.get(f"{API}/page/Filtered/history?filter=bot"), 400,
                 "rest-bad-parameter")


@pytest.mark.parametrize("query", ["older_than=5&newer_than=3", "older_than=x", "newer_than=0",
                                   "older_than=99999999999"])
def test_history_bad_parameters(client: FlaskClient, query: str) -> None:
    response = client.get(f"{ARTICLE_PATH}/history?{query}")
    key = "rest-pagehistory-incompatible-params" if "&" in query else "rest-bad-parameter"
    assert_error(response, 400, key)


def test_history_of_unknown_page(client: FlaskClient) -> None:
    assert_error(client.get(f"{API}/page/Nothing_here/history"), 404, "rest-nonexistent-title")


# ---------------------------------------------------------------------------------------------
# revisions and compare


def test_revision(app: Flask, client: FlaskClient) -> None:
    create(app, "Revised", "hello")
    second = edit(app, "Revised", "hello world", minor=True, summary="more")
    response = client.get(f"{API}/revision/{second}")
    body = response.get_json()
    assert set(body) == {"id", "size", "minor", "timestamp", "content_model", "page", "license",
                         "user", "comment", "delta", "source"}
    assert body["id"] == second and body["minor"] is True and body["source"] == "hello world"
    assert body["delta"] == 6 and body["size"] == 11 and body["comment"] == "more"
    assert body["page"]["title"] == "Revised" and body["page"]["key"] == "Revised"
    assert body["user"] == {"id": None, "name": "Editor"}
    assert response.headers["ETag"] == f'"{second}"'
    bare = client.get(f"{API}/revision/{second}/bare").get_json()
    assert "source" not in bare
    assert bare["html_url"] == f"http://localhost:5000{API}/revision/{second}/html"
    html = client.get(bare["html_url"].removeprefix("http://localhost:5000"))
    assert html.mimetype == "text/html" and "hello world" in html.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/revision/999999", "/revision/999999/bare",
                                  "/revision/999999/html", "/revision/2/compare/999999"])
def test_unknown_revisions(client: FlaskClient, path: str) -> None:
    assert_error(client.get(API + path), 404, "rest-nonexistent-revision")


@pytest.mark.parametrize("path", ["/revision/0", "/revision/-1", "/revision/x",
                                  "/revision/99999999999"])
def test_impossible_revision_ids_match_nothing(client: FlaskClient, path: str) -> None:
    assert_error(client.get(API + path), 404, "rest-no-match")


def test_compare(app: Flask, client: FlaskClient) -> None:
    old = create(app, "Compared", "# Title\n\nkeep\nThe quick brown fox\ngone\n\n## Part\n")
    new = edit(app, "Compared", "# Title\n\nkeep\nThe slow brown fox\n\n## Part\n\nadded")
    body = client.get(f"{API}/revision/{old}/compare/{new}").get_json()
    assert body["from"] == {"id": old, "slot_role": "main", "sections": [
        {"level": 1, "heading": "Title", "offset": 0},
        {"level": 2, "heading": "Part", "offset": 40}]}
    assert body["to"]["sections"][1] == {"level": 2, "heading": "Part", "offset": 34}
    by_type: dict[int, list[dict[str, Any]]] = {}
    for line in body["diff"]:
        by_type.setdefault(line["type"], []).append(line)
    assert set(by_type) == {0, 1, 2, 3}
    changed = by_type[3][0]
    assert changed["text"] == "The quickslow brown fox"
    assert changed["lineNumber"] == 4
    assert changed["offset"] == {"from": 14, "to": 14}
    assert changed["highlightRanges"] == [{"start": 4, "length": 5, "type": 1},
                                          {"start": 9, "length": 4, "type": 0}]
    assert by_type[2][0]["text"] == "gone" and by_type[2][0]["offset"]["to"] is None
    assert by_type[1][-1]["text"] == "added" and by_type[1][-1]["offset"]["from"] is None
    same = client.get(f"{API}/revision/{new}/compare/{new}").get_json()
    assert same["diff"] == []


def test_compare_across_pages_is_refused(app: Flask, client: FlaskClient) -> None:
    one, two = create(app, "One", "1"), create(app, "Two", "2")
    assert_error(client.get(f"{API}/revision/{one}/compare/{two}"), 400,
                 "rest-revision-page-mismatch")


# ---------------------------------------------------------------------------------------------
# search


def test_search_pages(client: FlaskClient) -> None:
    body = client.get(f"{API}/search/page?q=Kosovo&limit=3").get_json()
    assert 1 <= len(body["pages"]) <= 3
    hit = body["pages"][0]
    assert set(hit) == {"id", "key", "title", "excerpt", "matched_title", "description",
                        "thumbnail"}
    assert '<span class="searchmatch">' in hit["excerpt"]
    assert hit["description"] is None and hit["thumbnail"] is None
    assert len(client.get(f"{API}/search/page?q=Kosovo").get_json()["pages"]) > 3


def test_search_titles(client: FlaskClient) -> None:
    body = client.get(f"{API}/search/title?q=azerb&limit=10").get_json()
    titles = [hit["title"] for hit in body["pages"]]
    assert "Azerbaijan" in titles and ARTICLE in titles
    assert all(title.lower().startswith("azerb") for title in titles)
    assert body["pages"][0]["excerpt"] == body["pages"][0]["title"]


@pytest.mark.parametrize("endpoint", ["page", "title"])
@pytest.mark.parametrize(("query", "key"), [
    ("", "rest-missing-param"), ("q=", "rest-missing-param"), ("q=%20", "rest-missing-param"),
    ("q=x&limit=0", "rest-bad-parameter"), ("q=x&limit=101", "rest-bad-parameter"),
    ("q=x&limit=ten", "rest-bad-parameter"),
])
def test_search_parameters(client: FlaskClient, endpoint: str, query: str, key: str) -> None:
    assert_error(client.get(f"{API}/search/{endpoint}?{query}"), 400, key)


# ---------------------------------------------------------------------------------------------
# redirects


def test_redirect_page_answers_307(app: Flask, client: FlaskClient) -> None:
    create(app, "AKR", f"#REDIRECT [[{ARTICLE}]]")
    for suffix in ("", "/bare", "/html"):
        response = client.get(f"{API}/page/AKR{suffix}")
        assert response.status_code == 307
        assert response.headers["Location"] == ARTICLE_PATH + suffix
    followed = client.get(f"{API}/page/AKR", follow_redirects=True)
    assert followed.get_json()["title"] == ARTICLE
    itself = client.get(f"{API}/page/AKR?redirect=no").get_json()
    assert itself["title"] == "AKR" and itself["source"].startswith("#REDIRECT")
    history = client.get(f"{API}/page/AKR/history")
    assert history.status_code == 200  # history is the redirect page's own


def test_redirects_not_followed(app: Flask, client: FlaskClient) -> None:
    create(app, "To nowhere", "#REDIRECT [[Missing target]]")
    create(app, "Loop A", "#REDIRECT [[Loop B]]")
    create(app, "Loop B", "#REDIRECT [[Loop A]]")
    assert client.get(f"{API}/page/To_nowhere").status_code == 200
    assert client.get(f"{API}/page/Loop_A").status_code == 200  # the target is a redirect


# ---------------------------------------------------------------------------------------------
# routing and the document


@pytest.mark.parametrize("path", ["/w/rest.php", "/w/rest.php/", "/w/rest.php/v2/page/X",
                                  f"{API}/nothing", f"{API}/page/",
                                  f"{API}/search/page/"])
def test_unknown_paths_are_json_404s(client: FlaskClient, path: str) -> None:
    assert_error(client.get(path), 404, "rest-no-match")


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("DELETE", f"{API}/page/Kosovo", {"GET", "PUT"}),
    ("POST", f"{API}/page/Kosovo", {"GET", "PUT"}),
    ("PUT", f"{API}/page/Kosovo/history", {"GET"}),
    ("PUT", f"{API}/page/Kosovo/html", {"GET"}),
    ("POST", f"{API}/revision/2", {"GET"}),
    ("GET", f"{API}/page", {"POST"}),
])
def test_wrong_methods_are_json_405s(client: FlaskClient, method: str, path: str,
                                     allowed: set[str]) -> None:
    response = client.open(path, method=method)
    assert_error(response, 405, "rest-wrong-method")
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_openapi_describes_every_route(app: Flask, client: FlaskClient) -> None:
    document = client.get(f"{API}/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": API}]
    described = {(path, method.upper()) for path, methods in document["paths"].items()
                 for method in methods}
    routed = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.rule.startswith(API) for method in rule.methods or ()
              if method in {"GET", "PUT", "POST"}}
    endpoints = {"rest.page_resource": {"/page/{title}", "/page/{title}/bare",
                                        "/page/{title}/html", "/page/{title}/history"},
                 "rest.create_page": {"/page"},
                 "rest.get_revision": {"/revision/{id}"},
                 "rest.get_revision_bare": {"/revision/{id}/bare"},
                 "rest.get_revision_html": {"/revision/{id}/html"},
                 "rest.compare_revisions": {"/revision/{from}/compare/{to}"},
                 "rest.search_pages": {"/search/page"},
                 "rest.search_titles": {"/search/title"},
                 "rest.openapi_document": {"/openapi.json"}}
    assert {endpoint for endpoint, _ in routed} == set(endpoints)
    for endpoint, method in routed:
        assert any((path, method) in described for path in endpoints[endpoint]), endpoint
    for path, method in described:
        assert any(path in paths and (endpoint, method) in routed
                   for endpoint, paths in endpoints.items()), (path, method)
