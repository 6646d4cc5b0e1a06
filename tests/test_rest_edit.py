"""The REST API's writes through HTTP: PUT page/{title} and POST page save through the one
writer with a CSRF token; merges and conflicts, create-only PUTs, no-op saves, tokens, sizes,
content types, malformed bodies, anonymous editing on and off, protection and rate limits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse
from wikitest import WikiClient, create, custom_app

from wiki import moderation, pages
from wiki.titles import parse_title

API = "/w/rest.php/v1"
PASSWORD = "correct horse battery"
TEXT = "Line one.\n\nLine two.\n\nLine three.\n\nLine four."


def token(client: FlaskClient) -> str:
    """The session's CSRF token, as the wiki's forms carry it (the log-in form is there for
    anyone, whether or not they may edit)."""
    return WikiClient(client).token("/wiki/Special:UserLogin")


def put(client: FlaskClient, title: str, body: dict[str, Any], *,
        with_token: bool = True) -> TestResponse:
    """PUT page/{title} with a JSON body (and this session's token unless told otherwise)."""
    if with_token and "token" not in body:
        body = {**body, "token": token(client)}
    return client.put(f"{API}/page/{title}", json=body)


def error_key(response: TestResponse) -> str:
    """The errorKey of an error answer, after checking the body's shape."""
    body = response.get_json()
    assert body["httpCode"] == response.status_code
    assert body["messageTranslations"]["en"]
    key: str = body["errorKey"]
    return key


def latest_id(client: FlaskClient, title: str) -> int:
    revision: int = client.get(f"{API}/page/{title}").get_json()["latest"]["id"]
    return revision


def source(client: FlaskClient, title: str) -> str:
    text: str = client.get(f"{API}/page/{title}").get_json()["source"]
    return text


def sign_up(client: FlaskClient, name: str) -> None:
    """Create an account through the form; the client is logged in afterwards."""
    response = client.post("/wiki/Special:CreateAccount", data={
        "csrf_token": WikiClient(client).token("/wiki/Special:CreateAccount"),
        "name": name, "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 303


# ---------------------------------------------------------------------------------------------
# saving


def test_put_updates_a_page(app: Flask, client: FlaskClient) -> None:
    base = create(app, "Target", TEXT)
    response = put(client, "Target", {"source": TEXT + "\n\nLine five.", "comment": "five",
                                      "latest": {"id": base}})
    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] == "Target" and body["source"].endswith("Line five.")
    assert body["latest"]["id"] > base
    history = client.get(f"{API}/page/Target/history").get_json()["revisions"][0]
    assert history["comment"] == "five"
    assert history["user"] == {"id": None, "name": "127.0.0.1"}


def test_token_with_mediawiki_suffix(app: Flask, client: FlaskClient) -> None:
    base = create(app, "Suffixed", TEXT)
    response = put(client, "Suffixed", {"source": "Changed.", "comment": "",
                                        "latest": {"id": base}, "token": token(client) + "+\\"})
    assert response.status_code == 200


def test_edits_from_one_base_touching_different_lines_are_merged(app: Flask,
                                                                 client: FlaskClient) -> None:
    base = create(app, "Merged", TEXT)
    first = put(client, "Merged", {"source": TEXT.replace("Line one.", "Line ONE."),
                                   "comment": "first", "latest": {"id": base}})
    assert first.status_code == 200
    second = put(client, "Merged", {"source": TEXT.replace("Line four.", "Line FOUR."),
                                    "comment": "second", "latest": {"id": base}})
    assert second.status_code == 200
    merged = second.get_json()["source"]
    assert "Line ONE." in merged and "Line FOUR." in merged
    assert second.get_json()["latest"]["id"] > first.get_json()["latest"]["id"]
    assert source(client, "Merged") == merged


def test_overlapping_edits_conflict(app: Flask, client: FlaskClient) -> None:
    base = create(app, "Contested", TEXT)
    theirs = put(client, "Contested", {"source": TEXT.replace("Line two.", "Line 2 (theirs)."),
                                       "comment": "", "latest": {"id": base}})
    current = theirs.get_json()["latest"]["id"]
    response = put(client, "Contested", {"source": TEXT.replace("Line two.", "Line 2 (mine)."),
                                         "comment": "", "latest": {"id": base}})
    assert response.status_code == 409
    body = response.get_json()
    assert error_key(response) == "rest-edit-conflict"
    assert body["base"] == base and body["current"] == current
    assert any(line["type"] == 3 and "mine" in line["text"] for line in body["local"]["diff"])
    assert any(line["type"] == 3 and "theirs" in line["text"]
               for line in body["remote"]["diff"])
    assert "theirs" in source(client, "Contested")  # nothing saved


def test_put_without_base_creates_only(app: Flask, client: FlaskClient) -> None:
    created = put(client, "Brand new", {"source": "Fresh.", "comment": "new"})
    assert created.status_code == 201
    assert created.headers["Location"] == f"{API}/page/Brand_new"
    assert created.get_json()["source"] == "Fresh."
    again = put(client, "Brand new", {"source": "Other.", "comment": ""})
    assert again.status_code == 409
    assert error_key(again) == "rest-update-cannot-create-page"
    assert source(client, "Brand_new") == "Fresh."


def test_put_with_base_needs_the_page(client: FlaskClient) -> None:
    response = put(client, "Not there", {"source": "x", "comment": "", "latest": {"id": 2}})
    assert response.status_code == 404
    assert error_key(response) == "rest-nonexistent-title"


def test_base_must_belong_to_the_page(app: Flask, client: FlaskClient) -> None:
    create(app, "Own", TEXT)
    other = create(app, "Other", TEXT)
    response = put(client, "Own", {"source": "x", "comment": "", "latest": {"id": other}})
    assert response.status_code == 400
    assert error_key(response) == "rest-bad-latest"


def test_unchanged_text_saves_nothing(app: Flask, client: FlaskClient) -> None:
    base = create(app, "Same", TEXT)
    response = put(client, "Same", {"source": TEXT + "\n", "comment": "", "latest": {"id": base}})
    assert response.status_code == 200
    assert response.get_json()["latest"]["id"] == base
    assert len(client.get(f"{API}/page/Same/history").get_json()["revisions"]) == 1


def test_post_creates_a_page(client: FlaskClient) -> None:
    body = {"source": "Created by POST.", "comment": "hello", "title": "Posted page",
            "token": token(client)}
    response = client.post(f"{API}/page", json=body)
    assert response.status_code == 201
    assert response.get_json()["title"] == "Posted page"
    assert response.headers["Location"] == f"{API}/page/Posted_page"
    again = client.post(f"{API}/page", json=body)
    assert again.status_code == 409
    assert error_key(again) == "rest-update-cannot-create-page"
    invalid = client.post(f"{API}/page", json={**body, "title": "A|b"})
    assert invalid.status_code == 400 and error_key(invalid) == "rest-invalid-title"


def test_deleted_page_cannot_be_recreated_by_put(app: Flask, client: FlaskClient) -> None:
    create(app, "Removed", TEXT)
    with app.app_context():
        moderation.delete(parse_title("Removed"), "test", pages.SYSTEM)
    response = put(client, "Removed", {"source": "Back.", "comment": ""})
    assert response.status_code == 410
    assert error_key(response) == "rest-page-deleted"


def test_special_pages_cannot_be_edited(client: FlaskClient) -> None:
    response = put(client, "Special:Search", {"source": "x", "comment": ""})
    assert response.status_code == 400
    assert error_key(response) == "rest-cannot-edit"


# ---------------------------------------------------------------------------------------------
# tokens


def test_token_is_required(app: Flask, client: FlaskClient) -> None:
    base = create(app, "Guarded", TEXT)
    body = {"source": "Vandalism.", "comment": "", "latest": {"id": base}}
    missing = put(client, "Guarded", body, with_token=False)
    assert missing.status_code == 403 and error_key(missing) == "rest-badtoken-missing"
    for bad in ("nonsense", "+\\", "", 12, ["x"], "\ud800"):
        response = put(client, "Guarded", {**body, "token": bad})
        assert response.status_code == 403, bad
        assert error_key(response) == "rest-badtoken"
    created = client.post(f"{API}/page", json={"source": "x", "comment": "", "title": "T"})
    assert created.status_code == 403
    assert source(client, "Guarded") == TEXT


def test_token_of_another_session_is_refused(app: Flask, client: FlaskClient) -> None:
    base = create(app, "Guarded", TEXT)
    stranger = token(app.test_client())
    response = put(client, "Guarded", {"source": "x", "comment": "", "latest": {"id": base},
                                       "token": stranger})
    assert response.status_code == 403 and error_key(response) == "rest-badtoken"


# ---------------------------------------------------------------------------------------------
# bodies


@pytest.fixture
def small_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """An app whose largest page is 1,000 bytes and largest request 10,000."""
    yield from custom_app(tmp_path, database_url, WIKI_MAX_ARTICLE_BYTES=1000,
                          WIKI_MAX_REQUEST_BYTES=10_000)


def test_size_limits(small_app: Flask) -> None:
    client = small_app.test_client()
    base = create(small_app, "Sized", TEXT)
    too_long = put(client, "Sized", {"source": "x" * 1001, "comment": "", "latest": {"id": base}})
    assert too_long.status_code == 413 and error_key(too_long) == "rest-content-too-big"
    too_large = put(client, "Sized", {"source": "x" * 20_000, "comment": "",
                                      "latest": {"id": base}})
    assert too_large.status_code == 413 and error_key(too_large) == "rest-request-too-large"
    assert put(client, "Sized", {"source": "x" * 1000, "comment": "",
                                 "latest": {"id": base}}).status_code == 200


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "application/xml"])
def test_bodies_that_are_not_json(client: FlaskClient, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.put(f"{API}/page/Kosovo", data='{"source": "x"}', headers=headers)
    assert response.status_code == 415
    assert error_key(response) == "rest-unsupported-content-type"


@pytest.mark.parametrize("raw", ['{"source": ', "[1, 2]", '"text"', "null", "[" * 100_000,
                                 "\xff\xfe"])
def test_malformed_json(client: FlaskClient, raw: str) -> None:
    response = client.put(f"{API}/page/Kosovo", data=raw.encode("latin-1"),
                          content_type="application/json")
    assert response.status_code == 400
    assert error_key(response) == "rest-bad-json-body"


@pytest.mark.parametrize("body", [
    {"comment": ""},
    {"source": "x"},
    {"source": 5, "comment": ""},
    {"source": "x", "comment": ["list"]},
    {"source": "x", "comment": "", "latest": 7},
    {"source": "x", "comment": "", "latest": {"id": "7"}},
    {"source": "x", "comment": "", "latest": {"id": True}},
    {"source": "x", "comment": "", "latest": {"id": 0}},
    {"source": "x", "comment": "", "latest": {"id": 2**40}},
    {"source": "a\x00b", "comment": ""},
    {"source": "x", "comment": "\x1b[31m"},
    {"source": "\ud800", "comment": ""},
])
def test_malformed_fields(client: FlaskClient, body: dict[str, Any]) -> None:
    response = put(client, "Kosovo", body)
    assert response.status_code == 400
    assert error_key(response) == "rest-bad-json-body"


def test_content_model_must_be_markdown(client: FlaskClient) -> None:
    base = latest_id(client, "Kosovo")
    body = {"source": "x", "comment": "", "latest": {"id": base}}
    response = put(client, "Kosovo", {**body, "content_model": "wikitext"})
    assert response.status_code == 400 and error_key(response) == "rest-bad-content-model"
    assert put(client, "Kosovo", {**body, "content_model": "markdown"}).status_code == 200


def test_summary_too_long(client: FlaskClient) -> None:
    base = latest_id(client, "Kosovo")
    response = put(client, "Kosovo", {"source": "x", "comment": "y" * 501,
                                      "latest": {"id": base}})
    assert response.status_code == 400 and error_key(response) == "rest-bad-parameter"


# ---------------------------------------------------------------------------------------------
# who may edit


@pytest.fixture
def closed_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """An app where only logged-in users may edit."""
    yield from custom_app(tmp_path, database_url, WIKI_ANONYMOUS_EDITS=False)


def test_anonymous_editing_off(closed_app: Flask) -> None:
    client = closed_app.test_client()
    base = create(closed_app, "Closed", TEXT)
    body = {"source": "Anonymous text.", "comment": "", "latest": {"id": base}}
    refused = put(client, "Closed", body)
    assert refused.status_code == 403 and error_key(refused) == "rest-login-required"
    created = put(client, "Closed new", {"source": "x", "comment": ""})
    assert created.status_code == 403 and error_key(created) == "rest-login-required"
    sign_up(client, "Member")
    saved = put(client, "Closed", body)
    assert saved.status_code == 200
    author = client.get(f"{API}/page/Closed/history").get_json()["revisions"][0]["user"]
    assert author["name"] == "Member" and isinstance(author["id"], int)


def test_protected_page(app: Flask, client: FlaskClient) -> None:
    base = create(app, "Shielded", TEXT)
    with app.app_context():
        moderation.protect(parse_title("Shielded"), "editor", "vandalism", None, pages.SYSTEM)
    body = {"source": "Changed.", "comment": "", "latest": {"id": base}}
    refused = put(client, "Shielded", body)
    assert refused.status_code == 403 and error_key(refused) == "rest-protected-page"
    assert "vandalism" in refused.get_json()["messageTranslations"]["en"]
    sign_up(client, "Trusted")
    assert put(client, "Shielded", body).status_code == 200


@pytest.fixture
def limited_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """An app that allows two edits a minute."""
    yield from custom_app(tmp_path, database_url, WIKI_EDIT_RATE_LIMIT="2/minute")


def test_rate_limit(limited_app: Flask) -> None:
    client = limited_app.test_client()
    for number in range(2):
        response = put(client, f"Quick {number}", {"source": "x", "comment": ""})
        assert response.status_code == 201
    for _ in range(3):  # reads are never limited
        assert client.get(f"{API}/page/Quick_0").status_code == 200
    limited = put(client, "Quick 2", {"source": "x", "comment": ""})
    assert limited.status_code == 429
    assert error_key(limited) == "rest-rate-limited"
    assert int(limited.headers["Retry-After"]) > 0
    assert client.get(f"{API}/page/Quick_2").status_code == 404
