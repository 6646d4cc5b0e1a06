"""Edit summaries with links: the pure formatter, and history, recent changes and contributions
drawing its links (and nothing else) as markup."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wikitest import WikiClient, create

from wiki.summaries import Segment, format_summary

WIKIPEDIA = "https://en.wikipedia.org/wiki/Azerbaijan%E2%80%93Kosovo_relations"


@pytest.mark.parametrize(("summary", "expected"), [
    ("", ()),
    ("plain words", (Segment("plain words"),)),
    ("see [[Kosovo]]", (Segment("see "), Segment("Kosovo", "/wiki/Kosovo"))),
    ("[[Talk:Kosovo|the talk page]] too",
     (Segment("the talk page", "/wiki/Talk:Kosovo"), Segment(" too"))),
    ("[[Kosovo#History]]", (Segment("Kosovo#History", "/wiki/Kosovo#History"),)),
    ("[[:Category:People]]", (Segment("Category:People", "/wiki/Category:People"),)),
    ("from " + WIKIPEDIA + ".",
     (Segment("from "), Segment(WIKIPEDIA, WIKIPEDIA, external=True), Segment("."))),
    ("[https://example.org/a the source] (CC BY-SA 4.0)",
     (Segment("the source", "https://example.org/a", external=True),
      Segment(" (CC BY-SA 4.0)"))),
    ("[https://example.org]", (Segment("https://example.org", "https://example.org",
                                       external=True),)),
    # not links: stay text
    ("[[Bad<title]] and [[]] and [javascript:alert(1) x]",
     (Segment("[[Bad<title]] and [[]] and [javascript:alert(1) x]"),)),
    ("javascript:alert(1) http:// ftp://x", (Segment("javascript:alert(1) http:// ftp://x"),)),
    ("<b>bold</b> & [[Kosovo|<i>x</i>]]",
     (Segment("<b>bold</b> & "), Segment("<i>x</i>", "/wiki/Kosovo"))),
])
def test_format_summary(summary: str, expected: tuple[Segment, ...]) -> None:
    assert format_summary(summary) == expected


def test_segments_put_back_together_give_the_text_of_the_summary() -> None:
    summary = "Restored [[A|x]] from [https://e.org y] via https://e.org/z, ok"
    assert "".join(s.text for s in format_summary(summary)) == \
        "Restored x from y via https://e.org/z, ok"


def test_history_recent_changes_and_contributions_link_a_summary(
        app: Flask, wiki: WikiClient, client: FlaskClient) -> None:
    create(app, "Summarised", "First.")
    summary = f"Per [[Kosovo|the Kosovo page]] and {WIKIPEDIA} <script>alert(1)</script>"
    assert wiki.edit("Summarised", "Second.", summary=summary).status_code == 303
    link = '<a href="/wiki/Kosovo">the Kosovo page</a>'
    external = f'<a href="{WIKIPEDIA}" class="external" rel="nofollow ugc">{WIKIPEDIA}</a>'
    for path in ("/wiki/Summarised?action=history", "/wiki/Special:RecentChanges",
                 "/wiki/Special:Contributions/127.0.0.1"):
        html = client.get(path).get_data(as_text=True)
        assert link in html, path
        assert external in html, path
        assert "<script>alert(1)</script>" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
