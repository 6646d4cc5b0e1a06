"""The input gate (wiki.security.check_input): query parameters and form fields, urlencoded or
multipart (names, values and file names; not file contents), must be valid UTF-8 without NUL or
other control characters except tab, CR and LF. Anything else answers 400 naming the parameter,
before CSRF or any view reads it, so nothing of it is ever saved."""

from __future__ import annotations

import io
import re
from html import unescape
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse
from wikitest import WikiClient, create

from wiki import pages, security
from wiki.titles import parse_title

FORBIDDEN = ["\x00", "\x01", "\x02", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f", "\x7f",
             "\x80", "\x85", "\x9b", "\x9f"]
ALLOWED = ["\t", "\n", "\r\n", "\xa0", "\u2028", "\ufeff", "\U0001f600"]


def revision_count(app: Flask, title: str) -> int:
    with app.app_context():
        page = pages.find_page(parse_title(title))
        return 0 if page is None else len(pages.history(page, 500)[0])


def edit_fields(wiki: WikiClient, title: str, **fields: str) -> dict[str, str]:
    """What the edit form of `title` would post, with some fields replaced."""
    token, base, _ = wiki.edit_form(title)
    return {"csrf_token": token, "base_revision": base, "text": "Plain text.",
            "summary": "", "save": "1", **fields}


def refused(response: TestResponse, name: str) -> str:
    """Check a 400 from the gate that names the field; return the page's text."""
    assert response.status_code == 400, response.status_code
    text = " ".join(unescape(response.get_data(as_text=True)).split())
    assert f'"{name}"' in text, text[:500]
    assert "control character" in text or "NUL" in text
    return text


@pytest.fixture
def page(app: Flask) -> str:
    create(app, "Gate test", "First text.\n")
    return "Gate_test"


@pytest.mark.parametrize("character", FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("field", ["text", "summary"])
def test_control_characters_in_an_edit_are_refused(app: Flask, client: FlaskClient,
                                                   wiki: WikiClient, page: str, field: str,
                                                   character: str) -> None:
    form = edit_fields(wiki, page, **{field: f"Before{character}after"})
    response = client.post(f"/wiki/{page}?action=submit", data=form)
    refused(response, field)
    assert revision_count(app, page) == 1


@pytest.mark.parametrize("character", ALLOWED, ids=lambda c: f"U+{ord(c[-1]):04X}")
def test_tab_line_breaks_and_other_text_are_accepted(app: Flask, client: FlaskClient,
                                                     wiki: WikiClient, page: str,
                                                     character: str) -> None:
    form = edit_fields(wiki, page, text=f"Before{character}after\n", summary=f"a{character}b")
    assert client.post(f"/wiki/{page}?action=submit", data=form).status_code == 303
    assert revision_count(app, page) == 2


def test_a_refused_edit_gives_the_text_back_without_the_refused_characters(
        client: FlaskClient, wiki: WikiClient, page: str) -> None:
    form = edit_fields(wiki, page, text="Kept <b>text</b>\x01 with \x1b[31m escapes")
    text = refused(client.post(f"/wiki/{page}?action=submit", data=form), "text")
    html = client.post(f"/wiki/{page}?action=submit", data=form).get_data(as_text=True)
    assert "Kept <b>text</b> with [31m escapes" in text
    assert "\x01" not in html and "\x1b" not in html


def test_the_gate_runs_before_the_csrf_check(client: FlaskClient, page: str) -> None:
    response = client.post(f"/wiki/{page}?action=submit",
                           data={"text": "x\x02", "base_revision": "", "save": "1"})
    text = refused(response, "text")
    assert "session token" not in text


def test_a_control_character_in_a_field_name_is_refused(client: FlaskClient, wiki: WikiClient,
                                                        page: str) -> None:
    form = edit_fields(wiki, page)
    form["sum\x01mary"] = "x"
    refused(client.post(f"/wiki/{page}?action=submit", data=form), "summary")


# multipart ------------------------------------------------------------------------------------


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x85"], ids=["NUL", "SOH", "NEL"])
@pytest.mark.parametrize("field", ["text", "summary"])
def test_multipart_edits_pass_the_same_check(app: Flask, client: FlaskClient, wiki: WikiClient,
                                             page: str, field: str, character: str) -> None:
    form = edit_fields(wiki, page, **{field: f"Multipart{character}text"})
    response = client.post(f"/wiki/{page}?action=submit", data=form,
                           content_type="multipart/form-data")
    refused(response, field)
    assert revision_count(app, page) == 1


def test_a_clean_multipart_edit_is_saved(app: Flask, client: FlaskClient, wiki: WikiClient,
                                         page: str) -> None:
    form = edit_fields(wiki, page, text="Sent as multipart.\n", summary="multipart")
    response = client.post(f"/wiki/{page}?action=submit", data=form,
                           content_type="multipart/form-data")
    assert response.status_code == 303
    assert revision_count(app, page) == 2


def multipart_body(parts: list[tuple[bytes, bytes]], boundary: bytes = b"gate") -> bytes:
    """A multipart body from (headers, content) pairs, bytes as given."""
    body = b""
    for headers, content in parts:
        body += b"--" + boundary + b"\r\n" + headers + b"\r\n\r\n" + content + b"\r\n"
    return body + b"--" + boundary + b"--\r\n"


def test_multipart_fields_that_are_not_utf8_are_refused(app: Flask, client: FlaskClient,
                                                        wiki: WikiClient, page: str) -> None:
    form = edit_fields(wiki, page)
    parts = [(f'Content-Disposition: form-data; name="{name}"'.encode(), value.encode())
             for name, value in form.items() if name != "text"]
    parts.append((b'Content-Disposition: form-data; name="text"', b"caf\xe9 latin-1"))
    response = client.post(f"/wiki/{page}?action=submit", data=multipart_body(parts),
                           content_type="multipart/form-data; boundary=gate")
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)
    assert revision_count(app, page) == 1


def test_a_part_that_says_latin1_is_read_as_latin1(app: Flask, client: FlaskClient,
                                                   wiki: WikiClient, page: str) -> None:
    form = edit_fields(wiki, page)
    parts = [(f'Content-Disposition: form-data; name="{name}"'.encode(), value.encode())
             for name, value in form.items() if name != "text"]
    parts.append((b'Content-Disposition: form-data; name="text"\r\n'
                  b"Content-Type: text/plain; charset=iso-8859-1", b"caf\xe9 \x85"))
    response = client.post(f"/wiki/{page}?action=submit", data=multipart_body(parts),
                           content_type="multipart/form-data; boundary=gate")
    refused(response, "text")  # \x85 is NEL, a C1 control character, in Latin-1


def test_file_names_are_checked_but_not_file_contents(app: Flask, client: FlaskClient,
                                                      wiki: WikiClient, page: str) -> None:
    form: dict[str, object] = dict(edit_fields(wiki, page, text="With an attachment.\n"))
    binary = bytes(range(256))
    form["upload"] = (io.BytesIO(binary), "map\x01.png")
    response = client.post(f"/wiki/{page}?action=submit", data=form,
                           content_type="multipart/form-data")
    refused(response, "upload")
    form["upload"] = (io.BytesIO(binary), "map.png")
    response = client.post(f"/wiki/{page}?action=submit", data=form,
                           content_type="multipart/form-data")
    assert response.status_code == 303  # binary contents are not text; the edit is saved


@pytest.mark.parametrize("body", [
    b"no boundary at all", b"--gate\r\nno headers end", b"--gate\r\n\r\n\r\n--gate--\r\n",
])
def test_malformed_multipart_is_400(client: FlaskClient, page: str, body: bytes) -> None:
    response = client.post(f"/wiki/{page}?action=submit", data=body,
                           content_type="multipart/form-data; boundary=gate")
    assert response.status_code == 400


# query parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize("character", FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("path", [
    "/wiki/Special:Search?search={}", "/wiki/Special:AllPages?from={}",
    "/wiki/Main_Page?action=edit&preload={}", "/wiki/Special:Log?user={}",
    "/wiki/Special:NewRelations?first={}",
])
def test_control_characters_in_query_parameters_are_refused(client: FlaskClient, path: str,
                                                            character: str) -> None:
    response = client.get(path.format(quote("a" + character)))
    name = re.search(r"[?&](\w+)=\{\}", path)
    assert name
    refused(response, name.group(1))


def test_json_routes_answer_the_gate_in_json(client: FlaskClient) -> None:
    response = client.get("/api/suggest?q=Ko%01")
    assert response.status_code == 400
    assert response.is_json
    assert response.json["error"]["code"] == "badparameter"
    assert '"q"' in response.json["error"]["info"]


@pytest.mark.parametrize("query", ["search=%FF", "search=%C3", "%FF=1", "search=%ED%A0%80"])
def test_query_strings_that_are_not_utf8_are_refused(client: FlaskClient, query: str) -> None:
    response = client.get(f"/wiki/Special:Search?{query}")
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)


def test_plain_page_views_skip_the_gate(client: FlaskClient,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object) -> None:
        raise AssertionError("the gate parsed a request that has nothing to check")

    monkeypatch.setattr(security, "_query_fields", fail)
    monkeypatch.setattr(security, "_form_fields", fail)
    assert client.get("/wiki/Main_Page").status_code == 200
    assert client.head("/wiki/Main_Page").status_code == 200
