"""Compressed responses: HTML, CSS, JavaScript, SVG, JSON and XML in brotli or gzip as the client
asks, decoding to the identity bytes; small bodies and raster images as they are; the streamed
export still streamed; ETags per encoding; and page-cache hits served from stored compressed
bytes."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from typing import Any

import brotli
import pytest
from flask.testing import FlaskClient

from wiki import compression

ARTICLE_PATH = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"
DECODE: dict[str, Callable[[bytes], bytes]] = {"br": brotli.decompress, "gzip": gzip.decompress}


def fetch(client: FlaskClient, url: str, encoding: str | None) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers of a GET with that Accept-Encoding (None: no header)."""
    headers = {"Accept-Encoding": encoding} if encoding else {}
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(), dict(response.headers)


@pytest.mark.parametrize("encoding", ["br", "gzip"])
@pytest.mark.parametrize(("url", "mimetype"), [
    (ARTICLE_PATH, "text/html"),
    ("/w/api.php?action=query&prop=revisions&titles=Kosovo&rvprop=content&format=json",
     "application/json"),
    ("/w/rest.php/v1/page/Kosovo", "application/json"),
    ("/wiki/Special:RecentChanges?feed=atom&limit=20", "application/atom+xml"),
    ("/static/css/wiki.css", "text/css"),
    ("/static/js/reading.js", "text/javascript"),
])
def test_text_is_compressed_and_decodes_to_the_identity_body(
        client: FlaskClient, url: str, mimetype: str, encoding: str) -> None:
    identity, plain_headers = fetch(client, url, None)
    assert "Content-Encoding" not in plain_headers
    body, headers = fetch(client, url, f"{encoding}, deflate")
    assert headers["Content-Encoding"] == encoding
    assert headers["Content-Type"].startswith(mimetype)
    assert "Accept-Encoding" in headers["Vary"]
    assert int(headers["Content-Length"]) == len(body) < len(identity)
    decoded = DECODE[encoding](body)
    if "RecentChanges" in url:  # the feed says when it was made
        decoded, identity = (re.sub(rb"<updated>[^<]*</updated>", b"", text)
                             for text in (decoded, identity))
    assert decoded == identity
    assert headers["Content-Security-Policy"]  # the security headers stay


def test_the_client_preference_decides(client: FlaskClient) -> None:
    assert fetch(client, ARTICLE_PATH, "gzip, br")[1]["Content-Encoding"] == "br"
    assert fetch(client, ARTICLE_PATH, "br;q=0.5, gzip")[1]["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in fetch(client, ARTICLE_PATH, "identity")[1]


@pytest.mark.parametrize("url", ["/static/favicon.svg", "/static/docs/article-thumbnail.png",
                                 "/static/docs/reading-phone-light.png"])
def test_small_bodies_and_raster_images_are_sent_as_they_are(
        client: FlaskClient, url: str) -> None:
    identity, _ = fetch(client, url, None)
    body, headers = fetch(client, url, "br, gzip")
    assert "Content-Encoding" not in headers and body == identity


def test_head_of_a_compressed_page(client: FlaskClient) -> None:
    response = client.head(ARTICLE_PATH, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert response.get_data() == b""


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_compressed_variants_have_their_own_etag_and_revalidate(
        client: FlaskClient, encoding: str) -> None:
    url = "/static/css/wiki.css"
    plain = client.get(url)
    plain_etag, weak = plain.get_etag()
    plain.close()
    compressed = client.get(url, headers={"Accept-Encoding": encoding})
    etag, weak = compressed.get_etag()
    assert not weak and etag == f"{plain_etag}:{encoding}"
    again = client.get(url, headers={"Accept-Encoding": encoding, "If-None-Match": f'"{etag}"'})
    assert again.status_code == 304 and again.get_data() == b""
    # the compressed body's validator does not answer for the identity body
    plain_again = client.get(url, headers={"If-None-Match": f'"{etag}"'})
    assert plain_again.status_code == 200 and "Content-Encoding" not in plain_again.headers
    plain_again.close()


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_the_export_still_streams_when_compressed(client: FlaskClient, encoding: str) -> None:
    url = "/wiki/Special:Export?pages=Kosovo%0AAzerbaijan%0AMain_Page&history=1"
    identity = client.get(url).get_data()
    assert identity.rstrip().endswith(b"</mediawiki>")
    response = client.get(url, headers={"Accept-Encoding": encoding}, buffered=False)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert "Content-Length" not in response.headers  # sent as it is made
    chunks = list(response.response)
    response.close()
    assert DECODE[encoding](b"".join(chunks)) == identity


def test_a_page_cache_hit_sends_stored_compressed_bytes(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    encode = compression.encode

    def counting(data: bytes, encoding: str, config: Any = None) -> bytes:
        made.append(encoding)
        return encode(data, encoding, config)

    monkeypatch.setattr(compression, "encode", counting)
    identity, _ = fetch(client, ARTICLE_PATH, None)  # built and stored
    assert made == []
    for _ in range(3):
        body, headers = fetch(client, ARTICLE_PATH, "br")
        assert headers["Content-Encoding"] == "br" and "Accept-Encoding" in headers["Vary"]
        assert brotli.decompress(body) == identity
    assert made == ["br"]  # once for the stored page, then its stored bytes
    for _ in range(2):
        body, headers = fetch(client, ARTICLE_PATH, "gzip")
        assert headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body) == identity
    assert made == ["br", "gzip"]
    assert fetch(client, ARTICLE_PATH, None)[0] == identity
    from wiki.views.page_cache import store

    pages = store(client.application)
    assert pages.size == sum(page.size() for page in pages.pages.values())
