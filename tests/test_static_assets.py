"""Static files under content-hashed URLs: every static URL an article page links carries its
file's hash, a URL with the current hash is cached for good, any other briefly, and a changed
file gets a new URL."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from wikitest import make_app

import wiki
from wiki.paths import STATIC

ARTICLE_PATH = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"
VERSIONED = re.compile(r"^/static/[^?\"]+\?v=[0-9a-f]{12}$")


def static_urls(html: str) -> list[str]:
    """The addresses of style sheets, scripts, icons and images under /static/ in a page."""
    found = re.findall(r'<link rel="(?:stylesheet|icon)" href="([^"]+)"', html)
    found += re.findall(r'<script src="([^"]+)"', html)
    found += [src for src in re.findall(r'<img [^>]*src="([^"]+)"', html)
              if src.startswith("/static/")]
    return found


def version_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def test_every_static_url_of_an_article_carries_its_version(client: FlaskClient) -> None:
    html = client.get(ARTICLE_PATH).get_data(as_text=True)
    urls = static_urls(html)
    assert {"css/wiki.css", "js/appearance.js", "js/reading.js", "js/search.js",
            "favicon.svg"} <= {url.split("?")[0].removeprefix("/static/") for url in urls}
    for url in urls:
        assert VERSIONED.match(url), url
        name = url.split("?")[0].removeprefix("/static/")
        assert url.endswith("?v=" + version_of(STATIC / name))


def test_the_current_version_is_immutable(client: FlaskClient) -> None:
    response = client.get("/static/css/wiki.css?v=" + version_of(STATIC / "css/wiki.css"))
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    control = response.cache_control
    assert control.public and control.immutable and control.max_age == 31536000
    assert response.headers["Content-Security-Policy"]  # the security headers stay
    response.close()


@pytest.mark.parametrize("query", ["", "?v=000000000000", "?v=", "?v=../../etc"])
def test_a_wrong_or_missing_version_is_cached_briefly(client: FlaskClient, query: str) -> None:
    response = client.get("/static/css/wiki.css" + query)
    assert response.status_code == 200
    control = response.cache_control
    assert not control.immutable and control.max_age == 300
    etag = response.get_etag()[0]
    response.close()
    assert etag
    again = client.get("/static/css/wiki.css" + query, headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304


def test_missing_files_and_escapes_get_no_version(app: Flask, client: FlaskClient) -> None:
    with app.test_request_context():
        assert url_for("static", filename="no/such.css") == "/static/no/such.css"
        assert url_for("static", filename="../wiki/__init__.py").startswith("/static/..")
        assert "v=" not in url_for("static", filename="../wiki/__init__.py")
        assert "v=" not in url_for("static", filename="css")  # a folder
        explicit = url_for("static", filename="css/wiki.css", v="chosen")
        assert explicit == "/static/css/wiki.css?v=chosen"
    assert client.get("/static/no/such.css?v=000000000000").status_code == 404


def test_changing_a_file_changes_its_url(tmp_path: Path, database_url: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    static = tmp_path / "static"
    shutil.copytree(STATIC, static)
    monkeypatch.setattr(wiki, "STATIC", static)
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    app = make_app(instance, WIKI_DATABASE_URL=database_url)
    client = app.test_client()
    with app.test_request_context():
        before = url_for("static", filename="css/wiki.css")
    assert before.endswith(version_of(STATIC / "css/wiki.css"))

    sheet = static / "css" / "wiki.css"
    sheet.write_text(sheet.read_text() + "\n/* changed */\n")
    with app.test_request_context():
        after = url_for("static", filename="css/wiki.css")
    assert after != before and after.endswith(version_of(sheet))
    html = client.get(ARTICLE_PATH).get_data(as_text=True)
    assert after in static_urls(html)

    stale = client.get(before)
    assert not stale.cache_control.immutable and stale.data.endswith(b"/* changed */\n")
    stale.close()
    fresh = client.get(after)
    assert fresh.cache_control.immutable
    fresh.close()
    with app.app_context():
        from wiki.db import db

        db.engine.dispose()
