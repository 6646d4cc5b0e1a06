"""The content of Atom feed entries, made once per server process and kept.

An entry shows one revision: its summary, author, time and size change, and its diff from the
revision before it, cut at WIKI_FEED_DIFF_BYTES. Revisions are never changed and pages are never
renamed, so an entry's content holds for ever: a feed that has gained one edit since it was last
built makes one entry and takes the others from here, without reading their texts. The store is
bounded in bytes (WIKI_FEED_CACHE_BYTES, least recently used dropped first), and kept in the
process rather than in a table for the reasons wiki.views.kept_diffs gives.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

from wiki.bounded import BoundedStore


class KeptEntries(BoundedStore[int, bytes]):
    """One app's entries: revision id -> the entry's content (UTF-8 HTML), least recent first,
    holding at most `capacity` bytes (0: keep nothing). An app's base URL and diff budget are
    fixed, so the revision alone decides the content."""

    def __init__(self, capacity: int) -> None:
        super().__init__(capacity, len)


def store(app: Flask | None = None) -> KeptEntries:
    """The kept entries of the given app, or of the current one."""
    found: KeptEntries = (app or current_app).extensions["wiki_kept_feed_entries"]
    return found


def content(revision_id: int, make: Callable[[], str]) -> str:
    """The content of the entry for a revision: kept, or made now (by `make`) and kept."""
    kept = store()
    found = kept.get(revision_id)
    if found is not None:
        return found.decode("utf-8")
    made = make()
    kept.put(revision_id, made.encode("utf-8"))
    return made


def init_app(app: Flask) -> None:
    """Give the app its own store (several apps in one process must not share entries)."""
    app.extensions["wiki_kept_feed_entries"] = KeptEntries(app.config["WIKI_FEED_CACHE_BYTES"])
