"""Files in articles end to end: an uploaded PNG shown with thumb and a caption is a thumbnail
with srcset that the thumbnail route serves; a new version of the file changes the article; the
relations infobox shows an uploaded locator file instead of the generated map."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_files import editor, logged_in, png, upload  # noqa: F401  (editor is a fixture)
from wikitest import create, custom_app

ARTICLE = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"


def _image_sources(html: str) -> list[tuple[str, str]]:
    return [(unescape(src), unescape(srcset)) for src, srcset in re.findall(
        r'<img[^>]*\ssrc="([^"]+)"[^>]*\ssrcset="([^"]+)"', html)]


def test_a_thumbnail_in_an_article_follows_the_file(app: Flask, editor: FlaskClient) -> None:  # noqa: F811
    assert upload(editor, "Harbour.png", png((800, 600), 10)).status_code == 303
    create(app, "Port", "Text.\n\n[[File:Harbour.png|thumb|right|220px|The [[Kosovo]] harbour]]")
    html = editor.get("/wiki/Port").get_data(as_text=True)
    assert "<figure" in html and "The <a" in html and "harbour</figcaption>" in html
    [(src, srcset)] = _image_sources(html)
    assert src.startswith("/thumb/") and "220px-Harbour.png" in src
    assert "1.5x" in srcset and "2x" in srcset
    thumb = editor.get(src)
    assert thumb.status_code == 200 and thumb.mimetype == "image/png"

    response = upload(editor, "Harbour.png", png((800, 600), 200), wpForReUpload="1",
                      summary="brighter")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    [(new_src, _)] = _image_sources(editor.get("/wiki/Port").get_data(as_text=True))
    assert new_src != src  # the content hash in the address changed with the file


def test_a_missing_file_is_a_red_link_to_the_upload_form(app: Flask, client: FlaskClient) -> None:
    create(app, "Port", "[[File:Nowhere.png|thumb|A caption]]")
    html = client.get("/wiki/Port").get_data(as_text=True)
    assert 'href="/wiki/Special:Upload?wpDestFile=Nowhere.png"' in html


def test_the_relations_infobox_prefers_an_uploaded_locator(app: Flask,
                                                         editor: FlaskClient) -> None:  # noqa: F811
    before = editor.get(ARTICLE).get_data(as_text=True)
    assert "/map/AZE-XKX" in before
    assert upload(editor, "Azerbaijan Kosovo Locator.png", png((600, 400), 30)).status_code == 303
    after = editor.get(ARTICLE).get_data(as_text=True)
    assert "/map/AZE-XKX" not in after
    assert any("Azerbaijan_Kosovo_Locator.png" in src for src, _ in _image_sources(after))


def test_a_cached_thumbnail_is_sent_before_the_app(app: Flask, editor: FlaskClient,  # noqa: F811
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert upload(editor, "Harbour.png", png((800, 600), 10)).status_code == 303
    create(app, "Port", "[[File:Harbour.png|thumb|A caption]]")
    [(src, _)] = _image_sources(editor.get("/wiki/Port").get_data(as_text=True))
    made = editor.get(src)
    assert made.status_code == 200
    etag = made.headers["ETag"]

    def no_app(*_args: object) -> None:
        raise AssertionError("the app was asked for a cached thumbnail")

    monkeypatch.setattr("wiki.views.files.storage.stored_mime", no_app)
    again = editor.get(src)
    assert again.status_code == 200 and again.data == made.data
    assert again.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert again.headers["X-Content-Type-Options"] == "nosniff"
    assert again.headers["ETag"] == etag
    assert editor.get(src, headers={"If-None-Match": etag}).status_code == 304
    assert editor.head(src).status_code == 200


def test_a_missing_file_page_offers_the_upload_form(client: FlaskClient) -> None:
    response = client.get("/wiki/File:Nowhere_yet.png")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert 'href="/wiki/Special:Upload?wpDestFile=Nowhere+yet.png"' in html \
        or 'href="/wiki/Special:Upload?wpDestFile=Nowhere%20yet.png"' in html
    assert "Upload this file" in html


def test_uploads_share_the_edit_forms_allowance(tmp_path: Path, database_url: str) -> None:
    for limited in custom_app(tmp_path, database_url, WIKI_EDIT_RATE_LIMIT="2/minute"):
        uploader = logged_in(limited, "Quick uploader")
        assert upload(uploader, "One.png", png(colour=1)).status_code == 303
        assert upload(uploader, "Two.png", png(colour=2)).status_code == 303
        refused = upload(uploader, "Three.png", png(colour=3))
        assert refused.status_code == 429
        assert "nothing was stored" in refused.get_data(as_text=True)
        assert uploader.get("/wiki/File:Three.png").status_code == 404
