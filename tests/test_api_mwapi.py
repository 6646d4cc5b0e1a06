"""mwapi 0.6 against a live threaded server: continuation through every list and through
prop=revisions (each item exactly once), and error envelopes raised as mwapi's APIError."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from wikitest import create, serve

from wiki import accounts, pages
from wiki.titles import parse_title

mwapi = pytest.importorskip("mwapi")
AGENT = "wiki-tests/1.0 (mwapi continuation tests)"


@pytest.fixture
def session(app: Flask) -> Iterator[Any]:
    """An mwapi session of a live wiki."""
    with serve(app) as live:
        yield mwapi.Session(live.url, user_agent=AGENT, timeout=30)


@pytest.fixture
def session2(app: Flask) -> Iterator[Any]:
    """An mwapi session asking for formatversion 2."""
    with serve(app) as live:
        yield mwapi.Session(live.url, user_agent=AGENT, formatversion=2, timeout=30)


def every(session: Any, key: str, **params: Any) -> tuple[list[Any], int]:
    """The items of query[key] over all batches, and how many batches there were."""
    found: list[Any] = []
    batches = 0
    for document in session.get(action="query", continuation=True, **params):
        batches += 1
        items = document.get("query", {}).get(key, [])
        found += list(items.values()) if isinstance(items, dict) else items
    return found, batches


def revise(app: Flask, title: str, count: int) -> list[int]:
    """Give a page ``count`` revisions by two authors; returns their ids, oldest first."""
    ids = []
    with app.app_context():
        for n in range(count):
            page = pages.find_page(parse_title(title))
            result = pages.save_edit(
                parse_title(title), f"Version {n} of the text.",
                author=pages.Author("Carol" if n % 2 else "Dave"),
                base_revision_id=page.latest_revision_id if page else None, summary=f"v{n}")
            ids.append(result.revision.id)
    return ids


def test_allpages_in_batches(session: Any, app: Flask) -> None:
    for n in range(11):
        create(app, f"Mwapi page {n:02d}", "text")
    found, batches = every(session, "allpages", list="allpages", apprefix="Mwapi page",
                           aplimit=4)
    assert [item["title"] for item in found] == [f"Mwapi page {n:02d}" for n in range(11)]
    assert batches == 3
    whole, _ = every(session, "allpages", list="allpages", aplimit=7)
    titles = [item["title"] for item in whole]
    assert len(titles) == len(set(titles)) and titles == sorted(titles)


def test_generator_allpages_with_text(session: Any, app: Flask) -> None:
    for n in range(6):
        create(app, f"Gen page {n}", f"Body {n}.")
    found, batches = every(session, "pages", generator="allpages", gapprefix="Gen page",
                           gaplimit=4, prop="revisions", rvprop="content", rvslots="main")
    texts = [page["revisions"][0]["slots"]["main"]["*"] for page in found]
    assert texts == [f"Body {n}." for n in range(6)] and batches == 2


def test_revisions_in_batches(session: Any, session2: Any, app: Flask) -> None:
    ids = revise(app, "Revised often", 9)
    found, batches = every(session, "pages", prop="revisions", titles="Revised often",
                           rvlimit=2, rvprop="ids|user|comment")
    revids = [revision["revid"] for page in found for revision in page["revisions"]]
    assert revids == ids[::-1] and batches == 5
    newer, _ = every(session2, "pages", prop="revisions", titles="Revised often", rvlimit=4,
                     rvdir="newer", rvprop="ids|content", rvslots="main")
    texts = [r["slots"]["main"]["content"] for page in newer for r in page["revisions"]]
    assert texts == [f"Version {n} of the text." for n in range(9)]


def test_recentchanges_in_batches(session: Any, app: Flask) -> None:
    revise(app, "Changing page", 6)
    found, batches = every(session, "recentchanges", list="recentchanges", rclimit=5,
                           rcprop="ids|title|timestamp")
    rcids = [item["rcid"] for item in found]
    assert len(rcids) == len(set(rcids)) and batches > 2
    stamps = [(item["timestamp"], item["rcid"]) for item in found]
    assert stamps == sorted(stamps, reverse=True)
    assert sum(item["title"] == "Changing page" for item in found) == 6


def test_search_in_batches(session: Any) -> None:
    first = session.get(action="query", list="search", srsearch="kosovo", srlimit=1)
    total = first["query"]["searchinfo"]["totalhits"]
    found, batches = every(session, "search", list="search", srsearch="kosovo", srlimit=5)
    titles = [item["title"] for item in found]
    assert len(titles) == total == len(set(titles)) and batches == -(-total // 5)


def test_backlinks_and_categorymembers_in_batches(session: Any, app: Flask) -> None:
    for n in range(7):
        create(app, f"Pointer {n}", "See [[Target page]].\n\n[[Category:Pointers]]")
    links, batches = every(session, "backlinks", list="backlinks", bltitle="Target page",
                           bllimit=3)
    assert sorted(item["title"] for item in links) == [f"Pointer {n}" for n in range(7)]
    assert batches == 3
    members, batches = every(session, "categorymembers", list="categorymembers",
                             cmtitle="Category:Pointers", cmlimit=2)
    assert [item["title"] for item in members] == [f"Pointer {n}" for n in range(7)]
    assert batches == 4
    generated, _ = every(session, "pages", generator="backlinks", gbltitle="Target page",
                         gbllimit=2)
    assert len({page["title"] for page in generated}) == 7


def test_usercontribs_and_logevents_in_batches(session: Any, app: Flask) -> None:
    ids = revise(app, "Contributed page", 5)
    contribs, batches = every(session, "usercontribs", list="usercontribs",
                              ucuser="Carol|Dave", uclimit=2)
    assert [item["revid"] for item in contribs] == ids[::-1] and batches == 3
    with app.app_context():
        for name in ("Erin", "Frank", "Grace"):
            accounts.create_account(name, "correct horse battery", "correct horse battery")
    events, batches = every(session, "logevents", list="logevents", lelimit=2)
    assert [item["title"] for item in events] == ["User:Grace", "User:Frank", "User:Erin"]
    assert batches == 2


@pytest.mark.parametrize(("params", "code"), [
    ({"action": "query", "prop": "revisions", "titles": "Main Page", "rvsection": "42",
      "rvprop": "content"}, "nosuchsection"),
    ({"action": "query", "list": "allpages", "apcontinue": "not issued"}, "badcontinue"),
    ({"action": "query", "list": "categorymembers", "cmtitle": "Main Page"}, "invalidcategory"),
    ({"action": "query", "list": "allpages", "aplimit": "many"}, "badinteger"),
    ({"action": "nonesuch"}, "badvalue"),
])
def test_errors_raise_api_error(session: Any, params: dict[str, str], code: str) -> None:
    with pytest.raises(mwapi.errors.APIError) as raised:
        session.get(**params)
    assert raised.value.code == code
    assert raised.value.info


def test_post_reads_like_get(session: Any) -> None:
    answer = session.post(action="query", list="allpages", aplimit=2)
    assert len(answer["query"]["allpages"]) == 2
