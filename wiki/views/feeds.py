"""Atom feeds of recent changes (Special:RecentChanges?feed=atom) and of one page's history
(?action=history&feed=atom), built with feedgen.

Each entry's content is the edit summary and the diff as HTML, rendered by the diff page's own
Jinja macro (autoescaped); feedgen then escapes that HTML as the text of <content type="html">.
An entry's diff is cut at WIKI_FEED_DIFF_BYTES (see wiki.feed_diff) with a link to the full
diff, and entries are built one at a time, so a feed's size and memory are bounded by its
number of entries whatever the size of the pages. An entry's content is made once per revision
and kept (wiki.views.kept_feed_entries): a feed that gained one edit makes one entry. Links use
the configured base URL. Every string passes through xml_text first: text stored before the
input gate existed may hold characters XML 1.0 cannot carry, and it must not break the feed.
Both feeds answer conditional requests with their pages' validators, so a feed reader polling
an unchanged feed costs one small query.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from feedgen.feed import FeedGenerator
from flask import Response, current_app, render_template, request

from wiki import clock, lists
from wiki.errors import BadParameter
from wiki.feed_diff import feed_diff
from wiki.models import Page
from wiki.titles import Title, page_url
from wiki.urls import absolute_url
from wiki.views import conditional, kept_feed_entries, revision_pages
from wiki.views.helpers import int_arg

ATOM_TYPE = "application/atom+xml; charset=utf-8"
FEED_FORMATS = ("atom",)
MAX_FEED_ENTRIES = 500
# Characters XML 1.0 cannot carry: C0 controls but tab, LF and CR; lone surrogates; U+FFFE and
# U+FFFF (https://www.w3.org/TR/xml/#charsets).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
REPLACEMENT = "\ufffd"


def wants_feed() -> bool:
    """True for ?feed=atom; False without ?feed=; 400 for any other format."""
    raw = request.args.get("feed", "")
    if raw and raw not in FEED_FORMATS:
        raise BadParameter(f'"{raw[:50]}" is not a feed format; this wiki offers "atom".')
    return bool(raw)


def xml_text(text: str) -> str:
    """The text with every character XML 1.0 cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub(REPLACEMENT, text)


def _aware(value: datetime) -> datetime:
    """A stored (naive UTC) timestamp as an aware one, as Atom needs."""
    return value.replace(tzinfo=UTC)


def _diff_path(change: lists.Change) -> str:
    """The diff of an edit, or the revision itself for the edit that created the page."""
    revision = change.revision
    if revision.parent_id is None:
        return page_url(change.title, oldid=revision.id)
    return page_url(change.title, diff=revision.id, oldid=revision.parent_id)


def _entry_content(change: lists.Change, link: str, budget: int) -> str:
    """The HTML of one entry: summary, author and the diff, cut at the budget (kept: see
    wiki.views.kept_feed_entries)."""
    revision = change.revision

    def make() -> str:
        # One entry's texts at a time: a feed of large pages never holds more than two.
        texts = lists.revision_texts([revision.id, *([revision.parent_id] if revision.parent_id
                                                     else [])])
        parent_text = texts.get(revision.parent_id, "") if revision.parent_id else ""
        diff = feed_diff(parent_text, texts.get(revision.id, ""), budget)
        return xml_text(render_template("feeds/entry.html", change=change, rows=diff.rows,
                                        cut=diff.cut, diff_url=link))

    return kept_feed_entries.content(revision.id, make)


def _feed(feed_title: str, subtitle: str, html_path: str, changes: list[lists.Change],
          quiet_since: datetime | None) -> Response:
    """An Atom document of these changes, newest first; a feed with none is dated by
    `quiet_since`, so the same list is always the same document."""
    budget = current_app.config["WIKI_FEED_DIFF_BYTES"]
    generator = FeedGenerator()
    self_url = xml_text(absolute_url(request.full_path.rstrip("?")))
    generator.id(self_url)
    generator.title(xml_text(f"{feed_title} \u2013 {current_app.config['WIKI_SITE_NAME']}"))
    generator.subtitle(xml_text(subtitle))
    generator.link(href=self_url, rel="self", type="application/atom+xml")
    generator.link(href=xml_text(absolute_url(html_path)), rel="alternate", type="text/html")
    generator.language("en")
    newest = max((c.revision.timestamp for c in changes),
                 default=quiet_since or clock.utcnow())
    generator.updated(_aware(newest))
    for change in changes:
        revision = change.revision
        link = xml_text(absolute_url(_diff_path(change)))
        entry = generator.add_entry(order="append")
        entry.id(link)
        entry.title(xml_text(change.title.full))
        entry.author(name=xml_text(revision.author))
        entry.updated(_aware(revision.timestamp))
        entry.link(href=link, rel="alternate", type="text/html")
        entry.content(_entry_content(change, link, budget), type="html")
    body = generator.atom_str(pretty=False)
    return Response(body, headers={"Content-Type": ATOM_TYPE})


def recent_changes_feed(changes: list[lists.Change], filters: dict[str, Any],
                        mark: lists.ChangesMark) -> Response:
    """The feed of Special:RecentChanges with the same filters as the page (its validators are
    the page's: see views.lists)."""
    return _feed("Recent changes", "The latest edits across the wiki",
                 page_url("Special:RecentChanges", **filters), changes, mark.modified)


def history_feed(title: Title, load_page: Callable[[], Page]) -> Response:
    """The feed of one page's revision history, newest first: 304 while the reader's copy is
    current (it depends on what the history page does: see views.revision_pages)."""
    wants_feed()
    limit = int_arg("limit", 50, minimum=1, maximum=MAX_FEED_ENTRIES)
    mark = revision_pages.history_mark(title)

    def build() -> Response:
        changes = lists.page_changes(title, load_page().id, limit)
        return _feed(f"{title.full}: Revision history", f"The edits of {title.full}",
                     page_url(title, action="history"), changes, None)

    return conditional.answer(
        lambda: None if mark is None else conditional.validator("history-feed", mark, mark[-1]),
        build)
