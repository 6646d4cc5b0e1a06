"""Uploading files through the web and serving them back: who may upload, what is refused
(size, type, names, bombs, SVG), content addressing, file pages with history, revert and
usage, Special:ListFiles, the originals' and thumbnails' headers, and invalidation."""

from __future__ import annotations

import io
import re
import struct
import zlib
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.test import TestResponse
from wikitest import CSRF_FIELD, create

from wiki import accounts, rendering
from wiki.db import db
from wiki.files import storage
from wiki.invalidation import file_topic
from wiki.models import FileBlob, FileVersion, RenderDependency
from wiki.pages import find_page
from wiki.titles import parse_title

PASSWORD = "files test password"


def png(size: tuple[int, int] = (640, 480), colour: int = 0) -> bytes:
    """A PNG of the size; different colours give different bytes."""
    out = io.BytesIO()
    Image.new("RGB", size, (colour, 100, 200)).save(out, "PNG")
    return out.getvalue()


def token(client: FlaskClient, path: str = "/wiki/Special:UserLogin") -> str:
    match = CSRF_FIELD.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def logged_in(app: Flask, name: str = "Uploader", role: str = "editor") -> FlaskClient:
    """A client of a new account that has logged in through the form."""
    with app.app_context():
        accounts.create_account(name, PASSWORD, PASSWORD, role=role)
    client = app.test_client()
    response = client.post("/wiki/Special:UserLogin", data={
        "csrf_token": token(client, "/wiki/Special:UserLogin"), "name": name,
        "password": PASSWORD})
    assert response.status_code == 303
    return client


def upload(client: FlaskClient, name: str, data: bytes, *, filename: str | None = None,
           **fields: str) -> TestResponse:
    """Post the upload form as a browser does."""
    form: dict[str, object] = {
        "csrf_token": token(client), "wpDestFile": name, "description": "A test image.",
        "source": "Own work", "licence": "CC0 1.0", "summary": "first",
        "file": (io.BytesIO(data), filename or name or "upload.png"),
    }
    form.update(fields)
    return client.post("/wiki/Special:Upload", data=form, content_type="multipart/form-data")


@pytest.fixture
def editor(app: Flask) -> FlaskClient:
    return logged_in(app)


def versions_of(app: Flask, name: str) -> list[FileVersion]:
    with app.app_context():
        page = find_page(parse_title(f"File:{name}"))
        assert page is not None
        return storage.versions(page)


# ---------------------------------------------------------------------------------------------
# who may upload


def test_editor_uploads_and_the_file_page_shows_it(app: Flask, editor: FlaskClient) -> None:
    data = png()
    response = upload(editor, "Flag.png", data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/wiki/File:Flag.png")
    page = editor.get("/wiki/File:Flag.png").get_data(as_text=True)
    (version,) = versions_of(app, "Flag.png")
    assert version.uploader == "Uploader" and not version.uploader_is_ip
    assert (version.width, version.height, version.size) == (640, 480, len(data))
    assert f"/files/{version.sha1}/Flag.png" in page
    assert f"/thumb/{version.sha1}/400px-Flag.png" in page and "srcset=" in page
    assert "A test image." in page and "Licence: CC0 1.0" in page and "Source: Own work" in page
    assert "File history" in page and "File usage" in page
    assert "wpDestFile=Flag.png&amp;wpForReUpload=1" in page
    original = editor.get(f"/files/{version.sha1}/Flag.png")
    assert original.data == data


def test_anonymous_uploads_follow_the_setting(app: Flask, client: FlaskClient) -> None:
    form = client.get("/wiki/Special:Upload")
    assert form.status_code == 403 and "log in" in form.get_data(as_text=True)
    app.config["WIKI_ANONYMOUS_UPLOADS"] = True
    response = upload(client, "Anonymous.png", png())
    assert response.status_code == 303
    (version,) = versions_of(app, "Anonymous.png")
    assert version.uploader_is_ip
    app.config["WIKI_ANONYMOUS_EDITS"] = False  # no anonymous uploads without anonymous edits
    assert upload(client, "Other.png", png(colour=9)).status_code == 403


def test_upload_form_is_prefilled_from_the_address(editor: FlaskClient) -> None:
    page = editor.get("/wiki/Special:Upload?wpDestFile=Map.png").get_data(as_text=True)
    assert 'name="wpDestFile" value="Map.png"' in page
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page


def test_upload_without_csrf_token_is_refused(editor: FlaskClient) -> None:
    response = editor.post("/wiki/Special:Upload", content_type="multipart/form-data", data={
        "wpDestFile": "X.png", "file": (io.BytesIO(png()), "X.png")})
    assert response.status_code == 400


# ---------------------------------------------------------------------------------------------
# what is refused


def test_same_bytes_under_another_name_warn(app: Flask, editor: FlaskClient) -> None:
    data = png()
    assert upload(editor, "First.png", data).status_code == 303
    response = upload(editor, "Second.png", data, description="Kept description")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "already exists as File:First.png" in page
    assert "Kept description" in page and 'value="Second.png"' in page
    assert "Ignore warnings" in page
    anyway = upload(editor, "Second.png", data, ignore_warnings="1")
    assert anyway.status_code == 303
    with app.app_context():  # the bytes are stored once
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FileBlob)) == 1


def test_existing_name_warns_unless_a_new_version_is_meant(editor: FlaskClient) -> None:
    assert upload(editor, "Taken.png", png()).status_code == 303
    response = upload(editor, "Taken.png", png(colour=50))
    assert response.status_code == 409 and "exists already" in response.get_data(as_text=True)
    assert upload(editor, "Taken.png", png(colour=50), wpForReUpload="1").status_code == 303
    same = upload(editor, "Taken.png", png(colour=50), wpForReUpload="1")
    assert same.status_code == 409 and "already the current version" in same.get_data(
        as_text=True)


def test_too_large_is_413_with_the_form_kept(app: Flask, editor: FlaskClient) -> None:
    app.config["WIKI_MAX_UPLOAD_BYTES"] = 1000
    response = upload(editor, "Big.png", png((600, 600)) + b"\0" * 2000,
                      description="My long description")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "largest upload allowed is 1,000 bytes" in page
    assert "My long description" in page and 'value="Big.png"' in page


@pytest.mark.parametrize(("name", "data", "message"), [
    ("Fake.png", b"GIF89a" + b"\0" * 100, "match"),
    ("Text.png", b"<?php echo 1; ?>", ""),
    ("Photo.jpg", png(), ""),
    ("Script.png.exe", png(), ""),
    ("Shell.php.png", png(), ""),
    ("NoExtension", png(), "extension"),
    ("Doc.html", png(), ""),
])
def test_bad_content_and_names_are_refused(editor: FlaskClient, name: str, data: bytes,
                                           message: str) -> None:
    response = upload(editor, name, data)
    assert response.status_code == 415, response.get_data(as_text=True)[:500]
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["../etc/x.png", "a/b.png", "a\\b.png", "Talk:X.png",
                                  "x<y.png", ".hidden.png"])
def test_path_segments_and_bad_titles_are_refused(app: Flask, editor: FlaskClient,
                                                  name: str) -> None:
    response = upload(editor, name, png())
    assert response.status_code == 415
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FileVersion)) == 0


def bomb_png(width: int, height: int) -> bytes:
    """A small PNG whose header claims huge dimensions."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\0" * 1000)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(
        b"IEND", b"")


def test_decompression_bomb_is_refused(editor: FlaskClient) -> None:
    response = upload(editor, "Bomb.png", bomb_png(100_000, 100_000))
    assert response.status_code == 415


SVG_XSS = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
           b'<script>alert(1)</script><rect width="10" height="10" onload="alert(2)"/></svg>')


def test_svg_is_refused_by_default(editor: FlaskClient) -> None:
    response = upload(editor, "Drawing.svg", SVG_XSS)
    assert response.status_code == 415


def test_svg_when_allowed_is_a_sandboxed_download(app: Flask, editor: FlaskClient) -> None:
    app.config["WIKI_ALLOW_SVG"] = True
    clean = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'
    response = upload(editor, "Drawing.svg", clean)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    upload(editor, "Evil.svg", SVG_XSS)  # refused or stored: never served as a live page
    for version in versions_of(app, "Drawing.svg"):
        served = editor.get(f"/files/{version.sha1}/Drawing.svg")
        assert served.status_code == 200
        assert served.headers["Content-Type"].startswith("image/svg+xml")
        assert served.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
        assert served.headers["Content-Disposition"].startswith("attachment")
        assert served.headers["X-Content-Type-Options"] == "nosniff"
    app.config["WIKI_ALLOW_SVG"] = False
    assert editor.get(f"/files/{version.sha1}/Drawing.svg").status_code == 404


# ---------------------------------------------------------------------------------------------
# serving


def test_originals_carry_their_stored_type_and_cache_forever(app: Flask,
                                                             editor: FlaskClient) -> None:
    upload(editor, "Kept.png", png())
    (version,) = versions_of(app, "Kept.png")
    response = editor.get(f"/files/{version.sha1}/Whatever.html")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["ETag"] == f'"{version.sha1}"'
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    again = editor.get(f"/files/{version.sha1}/Kept.png",
                       headers={"If-None-Match": f'"{version.sha1}"'})
    assert again.status_code == 304
    assert editor.get(f"/files/{'0' * 40}/Kept.png").status_code == 404
    assert editor.get("/files/../../etc/passwd").status_code == 404


def test_thumbnails_are_made_once_and_cached(app: Flask, editor: FlaskClient) -> None:
    upload(editor, "Wide.png", png((1000, 500)))
    (version,) = versions_of(app, "Wide.png")
    first = editor.get(f"/thumb/{version.sha1}/400px-Wide.png")
    assert first.status_code == 200 and first.headers["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(first.data)).size == (400, 200)
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    etag = first.headers["ETag"]
    cached = list(Path(app.config["WIKI_THUMB_DIR"]).rglob("400.png"))
    assert len(cached) == 1
    assert cached[0].read_bytes() == first.data
    cached[0].write_bytes(b"marker")  # so the second answer shows it came from this file
    second = editor.get(f"/thumb/{version.sha1}/400px-Wide.png")
    assert second.status_code == 200 and second.data == b"marker"
    assert editor.get(f"/thumb/{version.sha1}/400px-Wide.png",
                      headers={"If-None-Match": etag}).status_code == 304
    odd = editor.get(f"/thumb/{version.sha1}/333px-Wide.png")
    assert odd.status_code == 301 and odd.headers["Location"].endswith("/400px-Wide.png")
    assert editor.get(f"/thumb/{'1' * 40}/400px-Wide.png").status_code == 404


# ---------------------------------------------------------------------------------------------
# history, revert, lists, usage, invalidation


def test_reupload_and_revert_add_versions_and_edits(app: Flask, editor: FlaskClient) -> None:
    upload(editor, "Changing.png", png(colour=1))
    upload(editor, "Changing.png", png(colour=2), wpForReUpload="1", summary="brighter")
    first, *_ = reversed(versions_of(app, "Changing.png"))
    page = editor.get("/wiki/File:Changing.png").get_data(as_text=True)
    assert page.count('class="revert-link"') == 1
    confirm = f"/wiki/File:Changing.png?action=revert&version={first.id}"
    assert f'href="{confirm.replace("&", "&amp;")}"' in page
    form = editor.get(confirm).get_data(as_text=True)
    assert 'class="revert-form"' in form and f'name="version" value="{first.id}"' in form
    assert len(versions_of(app, "Changing.png")) == 2  # showing the form changed nothing
    response = editor.post("/wiki/File:Changing.png?action=revert", data={
        "csrf_token": token(editor, confirm), "version": str(first.id)})
    assert response.status_code == 303
    newest, middle, oldest = versions_of(app, "Changing.png")
    assert newest.sha1 == oldest.sha1 != middle.sha1
    assert newest.comment.startswith("Reverted to the version of")
    history = editor.get("/wiki/File:Changing.png?action=history").get_data(as_text=True)
    assert "Uploaded a new version of" in unescape(history) and "brighter" in history
    assert "Reverted to the version of" in history


def test_anonymous_visitors_cannot_revert(app: Flask, editor: FlaskClient,
                                          client: FlaskClient) -> None:
    upload(editor, "Guarded.png", png(colour=1))
    upload(editor, "Guarded.png", png(colour=2), wpForReUpload="1")
    oldest = versions_of(app, "Guarded.png")[-1]
    assert "revert-link" not in client.get("/wiki/File:Guarded.png").get_data(as_text=True)
    assert client.get(f"/wiki/File:Guarded.png?action=revert&version={oldest.id}"
                      ).status_code == 403
    response = client.post("/wiki/File:Guarded.png?action=revert", data={
        "csrf_token": token(client, "/wiki/Main_Page?action=edit"), "version": str(oldest.id)})
    assert response.status_code == 403
    assert len(versions_of(app, "Guarded.png")) == 2


def test_revert_confirmation_refuses_bad_versions(app: Flask, editor: FlaskClient) -> None:
    upload(editor, "Twice.png", png(colour=1))
    upload(editor, "Twice.png", png(colour=2), wpForReUpload="1")
    upload(editor, "Other.png", png(colour=3))
    current, oldest = versions_of(app, "Twice.png")
    (other,) = versions_of(app, "Other.png")
    base = "/wiki/File:Twice.png?action=revert"
    assert editor.get(f"{base}&version={oldest.id}").status_code == 200
    assert editor.get(f"{base}&version={current.id}").status_code == 409  # current already
    assert editor.get(f"{base}&version={other.id}").status_code == 404  # another file's
    assert editor.get(f"{base}&version=999999").status_code == 404
    assert editor.get(f"{base}&version=x").status_code == 400
    assert editor.get(base).status_code == 400
    assert editor.get(f"/wiki/File:Nothing_here.png?action=revert&version={oldest.id}"
                      ).status_code == 404
    assert editor.get(f"/wiki/Main_Page?action=revert&version={oldest.id}").status_code == 400


def test_file_pages_stay_public_when_visitors_may_revert(app: Flask, editor: FlaskClient
                                                         ) -> None:
    """With anonymous uploads on, every visitor may revert, and the file page still holds no
    form: each visitor gets the same public page with validators and no cookie, and only the
    confirmation, which holds the visitor's CSRF token, is private."""
    upload(editor, "Shared.png", png(colour=1))
    upload(editor, "Shared.png", png(colour=2), wpForReUpload="1")
    oldest = versions_of(app, "Shared.png")[-1]
    app.config["WIKI_ANONYMOUS_UPLOADS"] = True
    views = [app.test_client().get("/wiki/File:Shared.png") for _ in range(3)]
    for view in views:
        assert view.status_code == 200
        assert view.headers["Cache-Control"].startswith("public")
        assert view.headers["ETag"] and "Set-Cookie" not in view.headers
        assert 'class="revert-link"' in view.get_data(as_text=True)
        assert 'name="csrf_token"' not in view.get_data(as_text=True)
    assert len({view.data for view in views}) == 1

    visitor = app.test_client()
    confirm = visitor.get(f"/wiki/File:Shared.png?action=revert&version={oldest.id}")
    assert confirm.status_code == 200 and confirm.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in confirm.headers and "Set-Cookie" in confirm.headers
    held = CSRF_FIELD.search(confirm.get_data(as_text=True))
    assert held
    response = visitor.post("/wiki/File:Shared.png?action=revert", data={
        "csrf_token": held.group(1), "version": str(oldest.id)})
    assert response.status_code == 303
    newest = versions_of(app, "Shared.png")[0]
    assert newest.sha1 == oldest.sha1 and newest.uploader_is_ip


def test_list_files_newest_first_and_paged(editor: FlaskClient) -> None:
    for number in range(3):
        upload(editor, f"Listed {number}.png", png(colour=number), summary=f"comment {number}")
    page = editor.get("/wiki/Special:ListFiles?limit=2").get_data(as_text=True)
    names = re.findall(r'href="/wiki/File:(Listed_\d)\.png"', page)
    assert names == ["Listed_2", "Listed_1"]
    assert "comment 2" in page and "Uploader" in page and 'rel="next"' in page
    rest = editor.get("/wiki/Special:ListFiles?limit=2&offset=2").get_data(as_text=True)
    assert re.findall(r'href="/wiki/File:(Listed_\d)\.png"', rest) == ["Listed_0"]


def test_file_usage_lists_pages_linking_the_file(app: Flask, editor: FlaskClient) -> None:
    upload(editor, "Used.png", png())
    create(app, "Showing page", "See [[File:Used.png]] here.")
    page = editor.get("/wiki/File:Used.png").get_data(as_text=True)
    assert 'href="/wiki/Showing_page"' in page.split("File usage", 1)[1]


def test_media_titles_lead_to_the_file_page(client: FlaskClient) -> None:
    response = client.get("/wiki/Media:Flag.png")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/wiki/File:Flag.png")


def test_reupload_drops_renders_that_showed_the_file(app: Flask, editor: FlaskClient) -> None:
    upload(editor, "Shown.png", png(colour=1))
    with app.app_context():
        fresh = rendering.render_text("text", parse_title("Anything"))
        recorder = fresh.recorder
        info = recorder.file("Shown.png")
        assert info is not None and file_topic("Shown.png") in recorder.topics
        assert recorder.file("Nothing here.png") is None
        revision_id = create(app, "Uses it", "Some text.")
    with app.app_context():
        db.session.add(RenderDependency(revision_id=revision_id, topic=file_topic("Shown.png")))
        db.session.commit()
    upload(editor, "Shown.png", png(colour=2), wpForReUpload="1")
    with app.app_context():
        assert db.session.get(RenderDependency, (revision_id, file_topic("Shown.png"))) is None
        newer = storage.file_info("Shown.png")
        assert newer is not None and newer.sha1 != info.sha1
        assert not recorder.still_current()
