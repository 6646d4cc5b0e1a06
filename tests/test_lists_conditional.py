"""Conditional GET for the lists of pages: Special:AllPages, WhatLinksHere, WantedPages,
Categories, ListFiles, RelationsMatrix, Contributions and Search carry an ETag and
Last-Modified, answer 304 after one small query without reading the list, and move on whenever
what they show can change: an edit or creation, an upload, a deletion or restoration, and a
change of an account's role (now logged, as on Wikipedia). So do the REST API's searches."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_accounts import log_in
from test_changes_conditional import LISTS as LISTS_OF_CHANGES
from test_changes_conditional import frozen, save, validators
from test_conditional_get import MALFORMED_VALIDATORS
from test_files import png
from test_import import Rev, dump, page_xml
from wikitest import check_conditional_answers

from wiki import accounts, actionlog, lists, moderation, pages, search
from wiki.dumps import importer
from wiki.files import storage
from wiki.relations import catalog
from wiki.titles import parse_title

__all__ = ["frozen"]  # a fixture these tests use

ADMIN = pages.Author("Admin", role="admin")
PASSWORD = "lists test password"
# Each list, and what a conditional GET of it must not call.
LISTS = {
    "/wiki/Special:AllPages": [(lists, "all_pages")],
    "/wiki/Special:AllPages?namespace=2&from=L": [(lists, "all_pages")],
    "/wiki/Special:WhatLinksHere/Listed_page": [(lists, "what_links_here")],
    "/wiki/Special:WhatLinksHere": [(lists, "what_links_here")],
    "/wiki/Special:WantedPages": [(lists, "wanted_pages")],
    "/wiki/Special:Categories": [(lists, "categories")],
    "/wiki/Special:ListFiles": [(storage, "list_files")],
    "/wiki/Special:RelationsMatrix": [(catalog, "relations_pages")],
    "/wiki/Special:Contributions/Lister": [(accounts, "contributions"),
                                           (accounts, "find_user")],
    "/wiki/Special:Search?search=listed&fulltext=1": [(search, "search"),
                                                      (search, "go_target")],
    "/wiki/Special:Search?search=Second+listed": [(search, "search"), (search, "go_target")],
    "/wiki/Special:Search": [(search, "search")],
    "/api/suggest?q=Sec": [(search, "suggest_titles")],
}


@pytest.fixture
def listed(app: Flask) -> None:
    """An account, a page it wrote, a hub linking to that page and to a missing one, in a
    category, and a relations page."""
    with app.app_context():
        accounts.create_account("Lister", PASSWORD, PASSWORD)
        pages.save_edit(parse_title("Listed page"), "First text.",
                        author=pages.Author("Lister"), base_revision_id=None)
    save(app, "Listed hub", "See [[Listed page]] and [[Wanted one]]. [[Category:Hubs]]")
    save(app, "Albania–Kosovo relations", "Text.")


def test_each_list_answers_304_after_one_query_without_reading_the_list(
        app: Flask, client: FlaskClient, listed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    for path, refused in LISTS.items():
        etag, modified, _ = validators(client, path)
        check_conditional_answers(app, client, path, etag, modified, refused, monkeypatch)


@pytest.mark.parametrize("headers", MALFORMED_VALIDATORS)
def test_malformed_validators_are_ignored_by_every_list(client: FlaskClient, listed: None,
                                                        headers: dict[str, str]) -> None:
    """A validator that cannot be read is as if it were not sent, for GET and HEAD alike: the
    whole list with its own validators, never a 304 and never an error."""
    paths = [*LISTS, *LISTS_OF_CHANGES, "/wiki/Special:Log",
             "/w/rest.php/v1/search/page?q=listed", "/w/rest.php/v1/search/title?q=Listed",
             "/w/rest.php/v1/page/Listed_page", "/w/rest.php/v1/page/Listed_page/html",
             "/w/rest.php/v1/page/Listed_page/history"]
    for path in paths:
        plain = client.get(path)
        assert plain.status_code == 200 and plain.headers.get("ETag"), path
        for method in ("GET", "HEAD"):
            answer = client.open(path, method=method, headers=headers)
            assert answer.status_code == 200, (path, method, headers)
            assert answer.headers.get("ETag") == plain.headers["ETag"], (path, method)
            if method == "GET":
                assert answer.get_data() == plain.get_data(), path


def test_each_url_has_its_own_etag(client: FlaskClient, listed: None) -> None:
    etags = {validators(client, path)[0] for path in LISTS}
    assert len(etags) == len(LISTS)


def test_an_edit_changes_what_the_lists_show(app: Flask, client: FlaskClient,
                                             listed: None) -> None:
    before = {path: validators(client, path) for path in LISTS}
    with app.app_context():
        pages.save_edit(parse_title("Second listed"), "See [[Listed page]] and [[Also wanted]]. "
                        "[[Category:Newly made]]", author=pages.Author("Lister"),
                        base_revision_id=None)
    save(app, "Fiji–Tonga relations", "Text.")
    shown = {"/wiki/Special:AllPages": "Second listed",
             "/wiki/Special:WhatLinksHere/Listed_page": "Second listed",
             "/wiki/Special:WantedPages": "Also wanted",
             "/wiki/Special:Categories": "Newly made",
             "/wiki/Special:RelationsMatrix": "Tonga",
             "/wiki/Special:Contributions/Lister": "Second listed",
             "/wiki/Special:Search?search=listed&fulltext=1": "Second listed",
             "/api/suggest?q=Sec": "Second listed"}
    for path, (etag, _, body) in before.items():
        response = client.get(path, headers={"If-None-Match": etag})
        if path == "/wiki/Special:Search?search=Second+listed":  # "Go" finds the page now
            assert response.status_code == 302
            assert response.headers["Location"].endswith("/wiki/Second_listed")
            continue
        assert response.status_code == 200, path
        if path in shown:
            assert shown[path] not in body.decode(), path
            assert shown[path] in response.get_data(as_text=True), path


def test_a_deletion_changes_every_list_by_etag_and_by_date(
        app: Flask, client: FlaskClient, listed: None, frozen: list[datetime]) -> None:
    before = {path: validators(client, path) for path in LISTS}
    frozen[0] += timedelta(seconds=1)
    with app.app_context():
        moderation.delete(parse_title("Listed page"), "test", ADMIN)
    for path, (etag, modified, _) in before.items():
        for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
            assert client.get(path, headers=headers).status_code == 200, (path, headers)
    assert "Listed page" not in client.get("/wiki/Special:AllPages").get_data(as_text=True)
    wanted = client.get("/wiki/Special:WantedPages").get_data(as_text=True)
    assert "Listed page" in wanted  # the hub still links to it
    deleted = validators(client, "/wiki/Special:AllPages")[0]
    frozen[0] += timedelta(seconds=1)
    with app.app_context():
        moderation.undelete(parse_title("Listed page"), "test", ADMIN)
    response = client.get("/wiki/Special:AllPages", headers={"If-None-Match": deleted})
    assert response.status_code == 200
    assert "Listed page" in response.get_data(as_text=True)


def test_an_upload_changes_the_list_of_files(app: Flask, client: FlaskClient,
                                             listed: None) -> None:
    path = "/wiki/Special:ListFiles"
    etag, _, body = validators(client, path)
    assert b"Listed.png" not in body
    with app.app_context():
        storage.upload(parse_title("File:Listed.png"), png(), author=ADMIN)
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Listed.png" in response.get_data(as_text=True)


def test_a_change_of_role_is_logged_and_changes_the_contributions(
        app: Flask, client: FlaskClient, listed: None, frozen: list[datetime]) -> None:
    path = "/wiki/Special:Contributions/Lister"
    etag, modified, body = validators(client, path)
    assert "editor since" in body.decode()
    frozen[0] += timedelta(seconds=1)
    with app.app_context():
        accounts.set_role("Lister", "admin")
        newest = actionlog.newest()
        accounts.set_role("Lister", "admin")  # no change: nothing logged
        assert actionlog.newest() == newest
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, headers
        assert "admin since" in response.get_data(as_text=True)
    log = client.get("/wiki/Special:Log?type=rights").get_data(as_text=True)
    assert "changed the role of" in log
    assert "User:Lister" in log
    assert "from editor to admin" in log
    api = client.get("/w/api.php?action=query&list=logevents&letype=rights&format=json").json
    assert api is not None
    [event] = api["query"]["logevents"]
    assert (event["type"], event["action"], event["title"]) == ("rights", "rights",
                                                                "User:Lister")


def test_an_import_leaves_no_date_to_go_by(app: Flask, client: FlaskClient,
                                           listed: None) -> None:
    path = "/wiki/Special:AllPages"
    etag, modified, _ = validators(client, path)
    old = [Rev(901, "2015-05-05T10:00:00Z", "Imported long ago.")]
    with app.app_context():
        importer.import_dump(io.BytesIO(dump(page_xml("Imported page", old))), "dump.xml",
                             by=ADMIN, max_xml_bytes=1 << 20)
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, headers
        assert "Imported page" in response.get_data(as_text=True)
        assert "Last-Modified" not in response.headers


def test_logged_in_the_lists_are_private(app: Flask, client: FlaskClient,
                                         listed: None) -> None:
    assert log_in(client, "Lister", PASSWORD).status_code == 303
    for path in LISTS:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-cache", path
        assert "ETag" not in response.headers, path


@pytest.mark.parametrize("path", ["/w/rest.php/v1/search/page?q=listed",
                                  "/w/rest.php/v1/search/title?q=Listed"])
def test_the_rest_searches_answer_304_until_a_page_changes(
        app: Flask, client: FlaskClient, listed: None, frozen: list[datetime],
        monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    check_conditional_answers(app, client, path, etag, modified,
                              [(search, "search"), (search, "suggest_titles")], monkeypatch)
    frozen[0] += timedelta(seconds=1)
    with app.app_context():
        pages.save_edit(parse_title("Listed again"), "Also listed here.",
                        author=pages.Author("Lister"), base_revision_id=None)
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, headers
        assert "Listed again" in {hit["title"] for hit in response.get_json()["pages"]}
    etag = client.get(path).headers["ETag"]
    frozen[0] += timedelta(seconds=1)
    with app.app_context():
        moderation.delete(parse_title("Listed again"), "test", ADMIN)
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Listed again" not in {hit["title"] for hit in response.get_json()["pages"]}
