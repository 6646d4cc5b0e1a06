"""Two app servers over one database (as behind a load balancer): an edit saved through one is
read through the other at once. On the PostgreSQL run both share the server's database; on the
SQLite run, one file."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from wikitest import make_app, serve

ARTICLE = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep 3xx answers so the test can look at them."""

    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@pytest.fixture
def two_servers(tmp_path: Path, database_url: str) -> Iterator[tuple[str, str]]:
    """Base URLs of two servers (separate apps: their own engines and caches) on one database."""
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    first = make_app(tmp_path / "first", WIKI_DATABASE_URL=database_url)
    second = make_app(tmp_path / "second", WIKI_DATABASE_URL=database_url)
    with serve(first) as one, serve(second) as two:
        yield one.url, two.url


def test_an_edit_through_one_server_is_read_through_the_other(two_servers) -> None:  # type: ignore[no-untyped-def]
    first, second = two_servers
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())
    form = opener.open(first + ARTICLE + "?action=edit", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    base = re.search(r'name="base_revision" value="(\d+)"', form)
    text = re.search(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', form, re.S)
    assert token and base and text
    import html

    marker = "Written through the first server."
    body = urllib.parse.urlencode({
        "csrf_token": token.group(1), "base_revision": base.group(1), "save": "1",
        "text": html.unescape(text.group(1)) + "\n\n" + marker, "summary": "two servers",
    }).encode()
    try:
        opener.open(urllib.request.Request(first + ARTICLE + "?action=submit", data=body),
                    timeout=30)
        raise AssertionError("the save did not redirect")
    except urllib.error.HTTPError as answer:
        assert answer.code == 303, answer.read()[:500]

    page = urllib.request.urlopen(second + ARTICLE, timeout=30).read().decode()
    assert marker in page
    raw = urllib.request.urlopen(second + ARTICLE + "?action=raw", timeout=30).read().decode()
    assert raw.endswith(marker)
    history = urllib.request.urlopen(second + ARTICLE + "?action=history",
                                     timeout=30).read().decode()
    assert "two servers" in history
