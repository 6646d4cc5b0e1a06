"""Debian's varnishd with deploy/varnish/default.vcl in front of two wiki servers (gunicorn, as
`make run` serves) over one database (PostgreSQL in CI's second run): a page nobody edited is
served by Varnish without a request reaching the wiki, an edit made through one server is what
the next anonymous reader through Varnish sees, readers with a session go to the wiki, only
the wiki's addresses may PURGE, and a reader's ?action=purge reaches Varnish."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa
from wikitest import (
    BASE_FIELD,
    CSRF_FIELD,
    Endpoint,
    HttpSession,
    free_port,
    gunicorn,
    listening,
)

from wiki.paths import PROJECT_ROOT
from wiki.titles import Title, parse_title

VCL = PROJECT_ROOT / "deploy" / "varnish" / "default.vcl"
ARTICLE = parse_title("Azerbaijan–Kosovo relations")
SMAXAGE = "3600"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


def fetch(port: int, path: str, *, method: str = "GET", headers: dict[str, str] | None = None,
          source: str | None = None) -> Answer:
    """One request to loopback `port`, from the address `source` when given."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30,
        source_address=(source, 0) if source else None)
    try:
        connection.request(method, path, headers={"Accept": "text/html", **(headers or {})})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        connection.close()


def varnishd() -> str:
    found = shutil.which("varnishd") or ("/usr/sbin/varnishd"
                                         if Path("/usr/sbin/varnishd").exists() else None)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("varnishd is not installed; .ci/run installs Debian's varnish")
        pytest.skip("varnishd is not installed")
    return found


def configuration(backends: list[int]) -> str:
    """The deployed VCL with its two backends pointed at the given ports (all else unchanged)."""
    text = VCL.read_text()
    for default, port in zip(('.port = "5000";', '.port = "5001";'), backends, strict=True):
        assert text.count(default) == 1, f"{default} is not in {VCL.name} once"
        text = text.replace(default, f'.port = "{port}";')
    return text


@contextmanager
def varnish(workdir: Path, port: int, backends: list[int]) -> Iterator[Endpoint]:
    """varnishd in the foreground on `port`, caching for the two backends."""
    workdir.mkdir()
    vcl = workdir / "default.vcl"
    vcl.write_text(configuration(backends))
    process = subprocess.Popen(
        [varnishd(), "-F", "-j", "none", "-n", str(workdir / "state"), "-a", f"127.0.0.1:{port}",
         "-f", str(vcl), "-s", "malloc,64m"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with listening(process, port, "varnishd") as endpoint:
        yield endpoint


@dataclass
class Site:
    cache: Endpoint
    servers: list[Endpoint]
    logs: list[Path]

    def wiki_requests(self, path: str) -> int:
        """GETs of `path` that reached either wiki server."""
        pattern = re.compile(rf'"GET {re.escape(path)} HTTP/')
        return sum(len(pattern.findall(log.read_text())) if log.exists() else 0
                   for log in self.logs)


@pytest.fixture
def site(tmp_path: Path, database_url: str) -> Iterator[Site]:
    binary = varnishd()
    assert binary
    cache_port = free_port()
    settings = {"WIKI_PURGE_URLS": f"http://127.0.0.1:{cache_port}",
                "WIKI_CACHE_SMAXAGE": SMAXAGE, "WIKI_PURGE_TIMEOUT": "0.5",
                "WIKI_EDIT_RATE_LIMIT": "1000/minute"}
    with ExitStack() as stack:
        servers, logs = [], []
        for name in ("one", "two"):
            (tmp_path / name).mkdir()
            logs.append(tmp_path / f"{name}.access.log")
            servers.append(stack.enter_context(
                gunicorn(tmp_path / name, database_url, access_log=logs[-1], **settings)))
        cache = stack.enter_context(
            varnish(tmp_path / "varnish", cache_port, [server.port for server in servers]))
        yield Site(cache, servers, logs)


def edit(server: Endpoint, title: Title, change: str) -> None:
    """Append a sentence to a page through one wiki server, as an anonymous editor."""
    session = HttpSession(server.port)
    status, _, page = session.get(f"{title.path}?action=edit")
    token, base = CSRF_FIELD.search(page), BASE_FIELD.search(page)
    text = re.search(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', page, re.S)
    assert status == 200 and token and base and text
    status, _, _ = session.request("POST", f"{title.path}?action=submit", {
        "csrf_token": token.group(1), "base_revision": base.group(1),
        "text": unescape(text.group(1)) + f"\n\n{change}\n", "summary": change, "save": "1"})
    assert status == 303, f"the edit answered {status}"


def until(check: Callable[[], bool], seconds: float = 10.0) -> float:
    """Seconds until `check` held (polling); fails after `seconds`."""
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < seconds, "not seen within the time allowed"
        time.sleep(0.02)
    return time.monotonic() - start


def test_unedited_pages_come_from_varnish_and_edits_show_at_once(site: Site) -> None:
    """Then: readers with a session pass, and only the wiki's addresses may purge."""
    path = ARTICLE.path
    first = fetch(site.cache.port, path)
    assert first.status == 200 and first.headers["x-cache"] == "MISS"
    assert f"s-maxage={SMAXAGE}" in first.headers["cache-control"]
    time.sleep(1.2)  # Age counts whole seconds
    again = fetch(site.cache.port, path)
    assert again.status == 200 and again.headers["x-cache"] == "HIT"
    assert int(again.headers["age"]) >= 1
    assert again.body == first.body
    # The first reader's request is in a wiki server's log; the second reader's never came.
    until(lambda: site.wiki_requests(path) >= 1)
    time.sleep(0.5)
    assert site.wiki_requests(path) == 1

    sentence = f"Checked through the cache {uuid.uuid4().hex}."
    edit(site.servers[0], ARTICLE, sentence)
    waited = until(lambda: sentence in fetch(site.cache.port, path).body)
    assert waited < 5
    history = f"{path}?action=history"
    assert until(lambda: sentence in fetch(site.cache.port, history).body) < 5
    assert fetch(site.cache.port, path).headers["x-cache"] == "HIT"
    readers_with_a_session_always_reach_the_wiki(site)
    only_the_wikis_addresses_may_purge(site)


def test_a_change_elsewhere_reaches_cached_pages(site: Site) -> None:
    """A page cached with a red link gets its blue link once the linked page is created,
    through the other server."""
    name = f"Cache target {uuid.uuid4().hex[:8]}"
    edit(site.servers[0], parse_title("Cache linking page"), f"See [[{name}]].")
    linking = "/wiki/Cache_linking_page"
    missing = f'title="{name} (page does not exist)"'
    red = fetch(site.cache.port, linking)
    assert red.status == 200 and missing in red.body
    assert fetch(site.cache.port, linking).headers["x-cache"] == "HIT"
    edit(site.servers[1], parse_title(name), "Now it exists.")
    assert until(lambda: missing not in fetch(site.cache.port, linking).body) < 5
    assert f'title="{name}"' in fetch(site.cache.port, linking).body


def test_a_reader_can_purge_a_page_from_varnish(site: Site, database_url: str) -> None:
    """?action=purge, posted through Varnish, has Varnish fetch the page again, rendered
    afresh (a purge that was lost while Varnish was down is put right this way)."""
    stale = "A render older code made."
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:  # as if the renderer had changed since
        connection.execute(sa.text(
            "UPDATE rendered_revisions SET html = :html WHERE revision_id = (SELECT "
            "latest_revision_id FROM pages WHERE namespace = 0 AND title = :title)"),
            {"html": f"<p>{stale}</p>", "title": ARTICLE.text})
    engine.dispose()
    path = ARTICLE.path
    assert stale in fetch(site.cache.port, path).body
    cached = fetch(site.cache.port, path)
    assert cached.headers["x-cache"] == "HIT" and stale in cached.body
    reader = HttpSession(site.cache.port)
    token = reader.csrf_token(f"{path}?action=purge")
    status, headers, _ = reader.request("POST", f"{path}?action=purge", {"csrf_token": token})
    assert status == 303 and headers["location"].endswith(path)
    until(lambda: fetch(site.cache.port, path).headers["x-cache"] == "MISS")
    again = fetch(site.cache.port, path)
    assert again.headers["x-cache"] == "HIT"
    assert stale not in again.body and "Azerbaijan" in again.body


def readers_with_a_session_always_reach_the_wiki(site: Site) -> None:
    path = ARTICLE.path
    assert fetch(site.cache.port, path).headers["x-cache"] == "HIT"
    before = site.wiki_requests(path)
    for _ in range(2):
        answer = fetch(site.cache.port, path, headers={"Cookie": "session=abc"})
        assert answer.status == 200 and answer.headers["x-cache"] == "MISS"
    until(lambda: site.wiki_requests(path) == before + 2)
    # Other cookies do not split or bypass the cache.
    assert fetch(site.cache.port, path, headers={"Cookie": "theme=dark"}
                 ).headers["x-cache"] == "HIT"


def only_the_wikis_addresses_may_purge(site: Site) -> None:
    path = ARTICLE.path
    refused = fetch(site.cache.port, path, method="PURGE", source="127.0.0.2")
    assert refused.status == 403
    assert fetch(site.cache.port, path).headers["x-cache"] == "HIT"
    assert fetch(site.cache.port, path, method="PURGE").status == 200
    assert fetch(site.cache.port, path).headers["x-cache"] == "MISS"
    # The wiki itself refuses a PURGE from an address it does not know.
    assert fetch(site.servers[0].port, path, method="PURGE", source="127.0.0.2").status == 403
