"""Atom feeds of recent changes (Special:RecentChanges?feed=atom) and of one page's history
(?action=history&feed=atom), built with feedgen.

Each entry's content is the edit summary and the diff as HTML, rendered by the diff page's own
Jinja macro (autoescaped); feedgen then escapes that HTML as the text of <content type="html">.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from feedgen.feed import FeedGenerator
from flask import Response, current_app, render_template, request

from wiki import clock, lists, pages
from wiki.diff import diff_texts
from wiki.errors import BadParameter
from wiki.models import Page
from wiki.titles import Title, page_url
from wiki.views.helpers import int_arg

ATOM_TYPE = "application/atom+xml; charset=utf-8"
FEED_FORMATS = ("atom",)
MAX_FEED_ENTRIES = 500


def wants_feed() -> bool:
    """True for ?feed=atom; False without ?feed=; 400 for any other format."""
    raw = request.args.get("feed", "")
    if raw and raw not in FEED_FORMATS:
        raise BadParameter(f'"{raw[:50]}" is not a feed format; this wiki offers "atom".')
    return bool(raw)


def _absolute(path: str) -> str:
    """A path on this wiki as an absolute URL."""
    return request.host_url.rstrip("/") + path


def _aware(value: datetime) -> datetime:
    """A stored (naive UTC) timestamp as an aware one, as Atom needs."""
    return value.replace(tzinfo=UTC)


def _diff_path(change: lists.Change) -> str:
    """The diff of an edit, or the revision itself for the edit that created the page."""
    revision = change.revision
    if revision.parent_id is None:
        return page_url(change.title, oldid=revision.id)
    return page_url(change.title, diff=revision.id, oldid=revision.parent_id)


def _feed(feed_title: str, subtitle: str, html_path: str, changes: list[lists.Change]
          ) -> Response:
    """An Atom document of these changes, newest first."""
    texts = lists.revision_texts(
        [c.revision.id for c in changes] + [c.revision.parent_id for c in changes
                                            if c.revision.parent_id]
    )
    generator = FeedGenerator()
    generator.id(_absolute(request.full_path.rstrip("?")))
    generator.title(f"{feed_title} \u2013 {current_app.config['WIKI_SITE_NAME']}")
    generator.subtitle(subtitle)
    generator.link(href=_absolute(request.full_path.rstrip("?")), rel="self",
                   type="application/atom+xml")
    generator.link(href=_absolute(html_path), rel="alternate", type="text/html")
    generator.language("en")
    newest = max((c.revision.timestamp for c in changes), default=clock.utcnow())
    generator.updated(_aware(newest))
    for change in changes:
        revision = change.revision
        parent_text = texts.get(revision.parent_id, "") if revision.parent_id else ""
        content = render_template(
            "feeds/entry.html", change=change,
            rows=diff_texts(parent_text, texts.get(revision.id, "")),
        )
        entry = generator.add_entry(order="append")
        link = _absolute(_diff_path(change))
        entry.id(link)
        entry.title(change.title.full)
        entry.author(name=revision.author)
        entry.updated(_aware(revision.timestamp))
        entry.link(href=link, rel="alternate", type="text/html")
        entry.content(content, type="html")
    body = generator.atom_str(pretty=False)
    return Response(body, headers={"Content-Type": ATOM_TYPE})


def recent_changes_feed(changes: list[lists.Change], filters: dict[str, Any]) -> Response:
    """The feed of Special:RecentChanges with the same filters as the page."""
    return _feed("Recent changes", "The latest edits across the wiki",
                 page_url("Special:RecentChanges", **filters), changes)


def history_feed(title: Title, page: Page) -> Response:
    """The feed of one page's revision history, newest first."""
    wants_feed()
    limit = int_arg("limit", 50, minimum=1, maximum=MAX_FEED_ENTRIES)
    assert limit is not None
    entries, _ = pages.history(page, limit)
    changes = [lists.Change(title, entry.revision, entry.delta) for entry in entries]
    return _feed(f"{title.full}: Revision history", f"The edits of {title.full}",
                 page_url(title, action="history"), changes)
