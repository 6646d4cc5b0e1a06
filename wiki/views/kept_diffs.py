"""The diff table of two revisions, computed once per server process and kept.

Revisions are never changed, so the comparison of two of them holds for ever: the first request
of a pair (older id, newer id) compares their texts (wiki.diff.diff_texts) and draws the table
(templates/articles/_diff_table.html); later ones take the drawn HTML from here, without
reading either text. The HTML is kept rather than the rows: drawing the rows costs as much as
serialising them would, the HTML is what every page of the pair shows, and its size in bytes is
what the store is bounded by (WIKI_DIFF_CACHE_BYTES, least recently used dropped first).

Why in the process and not in a database table: a table would mean a write on a read path,
which must never fail the read, a migration, and rows to forget when a page is deleted; a
process that starts again only compares each pair once more. Readers of a deleted page never
reach this store: the diff view checks that the page is readable before asking for the table.
"""

from __future__ import annotations

from flask import Flask, current_app, get_template_attribute
from markupsafe import Markup

from wiki import diff
from wiki.bounded import BoundedStore
from wiki.models import Revision

Pair = tuple[int, int]


class KeptDiffs(BoundedStore[Pair, bytes]):
    """One app's drawn tables: (older id, newer id) -> UTF-8 HTML, least recent first, holding
    at most `capacity` bytes (0: keep nothing)."""

    def __init__(self, capacity: int) -> None:
        super().__init__(capacity, len)


def store(app: Flask | None = None) -> KeptDiffs:
    """The kept tables of the given app, or of the current one."""
    found: KeptDiffs = (app or current_app).extensions["wiki_kept_diffs"]
    return found


def table(older: Revision, newer: Revision) -> Markup:
    """The drawn diff table of two revisions of one page: kept, or compared and drawn now."""
    kept = store()
    pair = (older.id, newer.id)
    found = kept.get(pair)
    if found is not None:
        return Markup(found.decode("utf-8"))
    draw = get_template_attribute("articles/_diff_table.html", "diff_table")
    html = str(draw(diff.diff_texts(older.text, newer.text),
                    f"Revision {older.id}", f"Revision {newer.id}"))
    kept.put(pair, html.encode("utf-8"))
    return Markup(html)


def init_app(app: Flask) -> None:
    """Give the app its own store (several apps in one process must not share tables)."""
    app.extensions["wiki_kept_diffs"] = KeptDiffs(app.config["WIKI_DIFF_CACHE_BYTES"])
