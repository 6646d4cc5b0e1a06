"""The Atom feeds stay well-formed and bounded: text stored before the input gate existed (control
characters, U+FFFE, U+FFFF) cannot break them; each entry's diff is cut at WIKI_FEED_DIFF_BYTES
with a link to the full diff, so a feed of huge revisions stays small; the cut diff is a true
part of the whole diff; and every link is on the configured base URL, whatever the Host header."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from wikitest import custom_app

from wiki import clock, pages
from wiki.db import db
from wiki.diff import ADD, CHANGE, CONTEXT, DELETE, HEADER, diff_texts, split_lines
from wiki.feed_diff import feed_diff, row_bytes
from wiki.models import Page, Revision
from wiki.titles import parse_title
from wiki.urls import absolute_url, check_base_url
from wiki.views.feeds import xml_text

ATOM = "{http://www.w3.org/2005/Atom}"
BUDGET = 32 * 1024  # the default WIKI_FEED_DIFF_BYTES
ENTRY_SLACK = 8 * 1024  # summary, author line, table head and the cut notice around the diff
HISTORY = "/wiki/Large_page?action=history&feed=atom&limit=50"
RECENT = "/wiki/Special:RecentChanges?feed=atom&limit={}"


def save_revisions(app: Flask, title: str, texts: list[str]) -> list[int]:
    """Save each text as the next revision of `title` through the page service."""
    ids: list[int] = []
    with app.app_context():
        for text in texts:
            result = pages.save_edit(parse_title(title), text, author=pages.Author("Bench"),
                                     base_revision_id=ids[-1] if ids else None,
                                     summary=f"revision {len(ids) + 1}")
            ids.append(result.revision.id)
    return ids


def all_lines_changed(number: int, size: int) -> str:
    """About `size` bytes of lines that occur in no other revision."""
    lines = []
    total = 0
    while total < size:
        line = f"Revision {number}, line {len(lines)}: some words & <signs> {number * 31}."
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines) + "\n"


def entries_of(response) -> list[ET.Element]:  # type: ignore[no-untyped-def]
    """The entries of a well-formed Atom document that a feed parser also accepts."""
    assert response.status_code == 200
    body = response.get_data()
    root = ET.fromstring(body)
    assert root.tag == ATOM + "feed"
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.bozo_exception
    return root.findall(ATOM + "entry")


# Data stored before the gate ------------------------------------------------------------------


def insert_raw_revision(app: Flask, title: str, text: str, summary: str, author: str) -> None:
    """Add a revision with the ORM alone, bypassing the gate and the page service, as data
    saved by an older version of the wiki would be."""
    with app.app_context():
        page = db.session.scalar(db.select(Page).where(Page.title == title))
        assert page is not None
        data = text.encode("utf-8")
        revision = Revision(page_id=page.id, parent_id=page.latest_revision_id,
                            timestamp=clock.utcnow(), author=author, author_is_ip=False,
                            summary=summary, minor=False, text=text, size=len(data),
                            sha1=hashlib.sha1(data).hexdigest())
        db.session.add(revision)
        db.session.flush()
        page.latest_revision_id = revision.id
        db.session.commit()


@pytest.mark.parametrize("path", ["/wiki/Old_data?action=history&feed=atom", RECENT.format(5)])
def test_stored_control_characters_cannot_break_the_feeds(app: Flask, client: FlaskClient,
                                                          path: str) -> None:
    save_revisions(app, "Old data", ["Clean text.\n"])
    insert_raw_revision(app, "Old data", "Text\x01 with \x02 bad\x1b[0m \ufffe\uffff bits.\n",
                        summary="sum\x02mary \x0b here", author="Old\x03editor")
    entries = entries_of(client.get(path))
    newest = entries[0]
    content = newest.findtext(ATOM + "content", "")
    assert "sum\ufffdmary \ufffd here" in content
    assert "Text\ufffd with \ufffd bad\ufffd[0m \ufffd\ufffd bits." in content
    assert newest.findtext(f"{ATOM}author/{ATOM}name") == "Old\ufffdeditor"


@pytest.mark.parametrize(("raw", "safe"), [
    ("plain text", "plain text"),
    ("tab\tline\nreturn\r", "tab\tline\nreturn\r"),
    ("\x00\x01\x08\x0b\x0c\x0e\x1f", "\ufffd" * 7),
    ("\x7f\x80\x9f", "\x7f\x80\x9f"),  # allowed by XML 1.0 (the input gate refuses them)
    ("\ud800 \udfff \ud83d", "\ufffd \ufffd \ufffd"),  # lone surrogates
    ("\ufffe\uffff\ufffd", "\ufffd\ufffd\ufffd"),
    ("\ud7ff\ue000\U0001f600\U0010ffff", "\ud7ff\ue000\U0001f600\U0010ffff"),
])
def test_xml_text_replaces_what_xml_cannot_carry(raw: str, safe: str) -> None:
    assert xml_text(raw) == safe


# Bounded entries --------------------------------------------------------------------------------


@pytest.fixture
def large_page(app: Flask) -> list[int]:
    """Three revisions of 400 KB each (over ten times the cut), every line different from the
    last revision's."""
    return save_revisions(app, "Large page", [all_lines_changed(n, 400_000) for n in range(3)])


def check_bounded(entries: list[ET.Element], body_bytes: int) -> None:
    for entry in entries:
        content = entry.findtext(ATOM + "content", "")
        assert len(content.encode("utf-8")) <= BUDGET + ENTRY_SLACK
        link = entry.find(ATOM + "link")
        assert link is not None
        assert "the full diff" in content and f'href="{link.get("href")}"' in \
            content.replace("&amp;", "&")
    # XML escaping of the HTML at most about doubles it.
    assert body_bytes <= len(entries) * (3 * (BUDGET + ENTRY_SLACK)) + 4096


@pytest.mark.parametrize("path", [HISTORY, RECENT.format(3)])
def test_feeds_of_huge_revisions_are_cut(client: FlaskClient, large_page: list[int],
                                         path: str) -> None:
    response = client.get(path)
    entries = entries_of(response)
    assert len(entries) == 3
    check_bounded(entries, len(response.get_data()))
    newest = entries[0].findtext(ATOM + "content", "")
    assert "The diff is cut here." in newest
    shown = re.sub(r"<[^>]*>", "", newest)  # the text of both sides, changed words included
    assert "Revision 2, line 0:" in shown and "Revision 1, line 0:" in shown
    first = entries[-1].findtext(ATOM + "content", "")
    assert "New page." in first and "Revision 0, line 0:" in first


def test_a_single_huge_line_is_cut_too(app: Flask, client: FlaskClient) -> None:
    save_revisions(app, "One line", ["x" * 500_000 + "\n", "x" * 499_999 + "y\n"])
    response = client.get("/wiki/One_line?action=history&feed=atom")
    entries = entries_of(response)
    check_bounded(entries, len(response.get_data()))
    assert "The changes are too large to show here." in entries[0].findtext(ATOM + "content", "")


def test_a_small_edit_is_shown_whole(app: Flask, client: FlaskClient) -> None:
    save_revisions(app, "Small page", ["One.\n\nTwo.\n", "One.\n\nTwo, changed.\n"])
    entries = entries_of(client.get("/wiki/Small_page?action=history&feed=atom"))
    content = entries[0].findtext(ATOM + "content", "")
    assert "changed" in content and "full diff" not in content


@pytest.fixture
def small_cut_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    yield from custom_app(tmp_path, database_url, WIKI_FEED_DIFF_BYTES=2048)


def test_the_cut_is_a_setting(small_cut_app: Flask) -> None:
    small = small_cut_app
    save_revisions(small, "Setting page", [all_lines_changed(n, 50_000) for n in range(2)])
    entries = entries_of(small.test_client().get("/wiki/Setting_page?action=history&feed=atom"))
    content = entries[0].findtext(ATOM + "content", "")
    assert len(content.encode("utf-8")) <= 2048 + ENTRY_SLACK
    assert "The diff is cut here." in content


# The cut diff is part of the true diff --------------------------------------------------------


LINES = st.lists(st.sampled_from(["a", "b", "c", "", "long " * 30, "x = 1", "x = 2"]),
                 max_size=40).map(lambda lines: "\n".join(lines))


@given(old=LINES, new=LINES)
def test_an_uncut_diff_is_the_whole_diff(old: str, new: str) -> None:
    assert feed_diff(old, new, 1_000_000).rows == diff_texts(old, new)
    assert not feed_diff(old, new, 1_000_000).cut


@given(old=LINES, new=LINES, budget=st.integers(200, 3000))
def test_every_row_of_a_cut_diff_is_true(old: str, new: str, budget: int) -> None:
    old_lines, new_lines = split_lines(old), split_lines(new)
    result = feed_diff(old, new, budget)
    assert sum(row_bytes(row) for row in result.rows) <= budget
    assert result.cut or result.rows == diff_texts(old, new)
    for row in result.rows:
        old_text = "".join(segment.text for segment in row.old)
        new_text = "".join(segment.text for segment in row.new)
        if row.kind in (CONTEXT, DELETE, CHANGE):
            assert row.old_number is not None
            assert old_lines[row.old_number - 1][:budget] == old_text
        if row.kind in (CONTEXT, ADD, CHANGE):
            assert row.new_number is not None
            assert new_lines[row.new_number - 1][:budget] == new_text
        assert row.kind in (HEADER, CONTEXT, DELETE, ADD, CHANGE)


def test_a_large_insertion_is_shown_as_added_lines() -> None:
    body = all_lines_changed(0, 400_000)
    inserted = all_lines_changed(1, 300_000)
    result = feed_diff(body, inserted + body, BUDGET)
    assert result.cut
    kinds = {row.kind for row in result.rows}
    assert kinds <= {HEADER, ADD}, kinds


def test_a_change_deep_in_a_huge_text_is_found_and_numbered() -> None:
    lines = [f"Line {n}." for n in range(100_000)]
    changed = list(lines)
    changed[77_777] = "Line seventy-seven thousand."
    result = feed_diff("\n".join(lines), "\n".join(changed), BUDGET)
    assert not result.cut
    assert result.rows == diff_texts("\n".join(lines), "\n".join(changed))
    assert [row.old_number for row in result.rows if row.kind == DELETE] == [77_778]


# Links on the configured base URL ------------------------------------------------------------


def feed_links(response) -> list[str]:  # type: ignore[no-untyped-def]
    """Every URL the feed document names (ids and link hrefs)."""
    root = ET.fromstring(response.get_data())
    urls = [element.text or "" for element in root.iter(ATOM + "id")]
    urls += [link.get("href", "") for link in root.iter(ATOM + "link")]
    return urls


@pytest.fixture
def based_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    yield from custom_app(tmp_path, database_url, WIKI_BASE_URL="https://wiki.example.org/")


@pytest.mark.parametrize("path", ["/wiki/Kosovo?action=history&feed=atom", RECENT.format(5)])
def test_feed_links_ignore_the_host_header(based_app: Flask, path: str) -> None:
    client = based_app.test_client()
    for host in ("evil.example", "evil.example:8080", "localhost"):
        response = client.get(path, headers={"Host": host})
        links = feed_links(response)
        assert len(links) > 3
        assert all(link.startswith("https://wiki.example.org/wiki/") for link in links), links
        assert b"evil.example" not in response.get_data()


def test_the_default_base_url_is_localhost(client: FlaskClient) -> None:
    response = client.get(RECENT.format(2), headers={"Host": "evil.example"})
    assert all(link.startswith("http://localhost:5000/") for link in feed_links(response))


def test_absolute_url_builds_on_the_base(based_app: Flask) -> None:
    with based_app.app_context():
        assert absolute_url("/wiki/Main_Page?action=history") == \
            "https://wiki.example.org/wiki/Main_Page?action=history"
        for bad in ("wiki/Main_Page", "//evil.example/x", "https://evil.example/"):
            with pytest.raises(ValueError, match="not a path"):
                absolute_url(bad)


@pytest.mark.parametrize("value", ["localhost:5000", "ftp://wiki.example.org",
                                   "https://", "https://wiki.example.org/?a=1",
                                   "https://user:pw@wiki.example.org", "javascript:alert(1)"])
def test_a_malformed_base_url_stops_the_app_from_starting(tmp_path: Path, database_url: str,
                                                          value: str) -> None:
    with pytest.raises(ValueError, match="WIKI_BASE_URL"):
        next(custom_app(tmp_path, database_url, WIKI_BASE_URL=value))
    assert check_base_url("https://wiki.example.org/w/") == "https://wiki.example.org/w"
