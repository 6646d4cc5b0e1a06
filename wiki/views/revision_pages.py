"""Whole history and diff pages kept per server process for anonymous readers, the way the page
cache keeps article views (wiki.views.page_cache, whose store and sending this reuses; this
store is apart, bounded by the same WIKI_PAGE_CACHE_BYTES).

A history page (its URL holds the paging) shows the newest revisions, the log about the title
and the tabs. It changes with a new revision, a new log entry, the page deleted or restored, and
its talk tab, which the latest revision's stored render follows (rendering.view_topics drops
that render when the talk page comes or goes). Its fingerprint reads all of that in one query
of index look-ups, whatever the number of revisions.

A diff page shows two immutable revisions, the newer one's render, the edits either side and
whether the newer one is the latest. Once the pair is known it changes only with the page's
latest revision, the newer revision's stored render and the page being deleted; which pair a URL
names (diff=prev, next, cur) only moves with the latest revision too. So a stored diff page
remembers its pair in its fingerprint, and a request reads that pair's fingerprint again in one
query and sends the stored bytes while it matches. The fingerprint is read while building,
after the page was loaded and before the render is read, so a kept page is never older than
its fingerprint. A deleted page has no fingerprint: it is built (and answered 404) every time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request

from wiki.db import db
from wiki.existence import readable
from wiki.models import LogEntry, Page, RenderedRevision, Revision
from wiki.titles import Title
from wiki.views import conditional, kept_page_layer
from wiki.views.page_cache import Fingerprint, PageStore, send

HISTORY_ARGS = frozenset({"action", "limit", "offset", "older"})
DIFF_ARGS = frozenset({"diff", "oldid"})


def store(app: Flask | None = None) -> PageStore:
    """The history and diff page store of the given app, or of the current one."""
    found: PageStore = (app or current_app).extensions["wiki_revision_pages"]
    return found


@cache
def _history_query() -> sa.Select[Any]:
    """Built once: the page, its latest revision's time and render, its last log entry."""
    log = (sa.select(sa.func.max(LogEntry.id).label("id"),
                     sa.func.max(LogEntry.timestamp).label("at"))
           .where(LogEntry.namespace == sa.bindparam("namespace"),
                  LogEntry.title == sa.bindparam("title"))
           .subquery())
    return (
        sa.select(Page.latest_revision_id, readable(), Revision.timestamp,
                  RenderedRevision.rendered_at, log.c.id, log.c.at)
        .select_from(Page)
        .join(Revision, Revision.id == Page.latest_revision_id)
        .outerjoin(RenderedRevision, RenderedRevision.revision_id == Page.latest_revision_id)
        .outerjoin(log, sa.true())
        .where(Page.namespace == sa.bindparam("namespace"), Page.title == sa.bindparam("title"))
    )


def history_mark(title: Title) -> Fingerprint | None:
    """What the title's history pages show depends on, or None when that cannot be told: the
    page cannot be read, or its latest render is not stored (then nothing follows the talk
    tab). Its last part is when that last changed."""
    return read_history_mark(db.session.connection(), title)


def read_history_mark(connection: sa.Connection, title: Title) -> Fingerprint | None:
    """The history fingerprint read on a given connection."""
    row = connection.execute(
        _history_query(), {"namespace": title.namespace, "title": title.text}).first()
    if row is None or not row[1] or row[3] is None:
        return None
    latest, _, saved, rendered_at, log_id, logged = row
    moments: list[datetime] = [saved, rendered_at] + ([logged] if logged is not None else [])
    return (latest, rendered_at, log_id, max(moments))


@cache
def _diff_query() -> sa.Select[int | None, bool, datetime]:
    """Built once: the newer revision's page and stored render."""
    return (
        sa.select(Page.latest_revision_id, readable(), RenderedRevision.rendered_at)
        .select_from(Revision)
        .join(Page, Page.id == Revision.page_id)
        .outerjoin(RenderedRevision, RenderedRevision.revision_id == Revision.id)
        .where(Revision.id == sa.bindparam("newer"))
    )


def diff_mark(older_id: int, newer_id: int) -> Fingerprint | None:
    """What the diff page of two revisions depends on, or None when it cannot be kept (the page
    cannot be read, or the newer revision's render is not stored)."""
    return read_diff_mark(db.session.connection(), older_id, newer_id)


def read_diff_mark(connection: sa.Connection, older_id: int, newer_id: int
                   ) -> Fingerprint | None:
    """The diff fingerprint of a pair read on a given connection."""
    row = connection.execute(_diff_query(), {"newer": newer_id}).first()
    if row is None or not row[1] or row[2] is None:
        return None
    return (older_id, newer_id, row[0], row[2])


def reread_diff_mark(connection: sa.Connection, stored: Fingerprint) -> Fingerprint | None:
    """The current fingerprint of the pair a stored diff page shows, read on a connection."""
    return read_diff_mark(connection, stored[0], stored[1])


def diff_mark_again(stored: Fingerprint) -> Fingerprint | None:
    """`reread_diff_mark` on the request's connection."""
    return reread_diff_mark(db.session.connection(), stored)


def keep(mark: Fingerprint | None) -> None:
    """Say, while building, which fingerprint the page being built may be kept under."""
    g.revision_page_mark = mark


def _cacheable(allowed: frozenset[str]) -> bool:
    return (request.method == "GET" and not conditional.session_bound()
            and set(request.args) <= allowed)


def serve(allowed: frozenset[str], current: Callable[[Fingerprint], Fingerprint | None],
          build: Callable[[], Response],
          reread: Callable[[sa.Connection, Fingerprint], Fingerprint | None]) -> Response:
    """The page stored for this URL while `current` (given the stored fingerprint) still gives
    that fingerprint; else built, and stored when the build said under which one (`keep`).
    `reread` does what `current` does on a given connection: the kept-page layer asks it
    before Flask is reached."""
    pages = store()
    if not pages.capacity or not _cacheable(allowed):
        return build()
    key = request.full_path
    stored = pages.mark_of(key)
    if stored is not None:
        mark = current(stored)
        hit = pages.get(key, mark) if mark is not None else None
        if hit is not None:
            _offer(pages, key, hit.mark, reread)
            return send(pages, key, hit)
    g.revision_page_mark = None
    response = build()
    pages.count_build()
    mark = g.pop("revision_page_mark", None)
    if mark is not None and response.status_code == 200 and not response.direct_passthrough:
        pages.put(key, mark, response.get_data(), response.content_type)
        _offer(pages, key, mark, reread)
    return response


def _offer(pages: PageStore, key: str, mark: Fingerprint,
           reread: Callable[[sa.Connection, Fingerprint], Fingerprint | None]) -> None:
    kept_page_layer.offer(pages, key, mark, lambda connection, _now: reread(connection, mark))


def init_app(app: Flask) -> None:
    """Give the app its own store (several apps in one process must not share pages)."""
    app.extensions["wiki_revision_pages"] = PageStore(app.config["WIKI_PAGE_CACHE_BYTES"])
