"""What the REST API reads beyond the page service: a page's history paged by revision id in
either direction and filtered, the size of each revision's parent, the account ids of authors, and
page ids by title. Portable SQLAlchemy; no request in sight."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlalchemy as sa
import sqlalchemy.orm

from wiki.db import db
from wiki.existence import readable
from wiki.models import Page, RenderedRevision, Revision, User
from wiki.titles import Title

HISTORY_FILTERS = ("minor", "anonymous")


@dataclass(frozen=True)
class LatestText:
    """A readable page's id and redirect flag, and its latest revision's id, time and text."""

    page_id: int
    is_redirect: bool
    revision_id: int
    timestamp: datetime
    text: str


@cache
def _latest_text_query() -> sa.Select[int, bool, int, datetime, str]:
    """Built once: constructing the statement costs more than running it."""
    return (
        sa.select(Page.id, Page.is_redirect, Revision.id, Revision.timestamp, Revision.text)
        .join(Revision, Revision.id == Page.latest_revision_id)
        .where(Page.namespace == sa.bindparam("namespace"), Page.title == sa.bindparam("title"),
               readable())
    )


def latest_text(title: Title) -> LatestText | None:
    """The page's latest revision with its text, in one query (the REST API's most frequent
    read), or None when no readable page has the title."""
    row = db.session.connection().execute(
        _latest_text_query(), {"namespace": title.namespace, "title": title.text}).first()
    return LatestText(*row) if row is not None else None


@dataclass(frozen=True)
class LatestRender:
    """A readable page's redirect flag, its latest revision's id and time, and that revision's
    stored render and when it was made (None when the render was dropped)."""

    is_redirect: bool
    revision_id: int
    timestamp: datetime
    html: str | None
    rendered_at: datetime | None


@cache
def _latest_render_query() -> sa.Select[bool, int, datetime, str, datetime]:
    """Built once. (The outer-joined render comes back as None when missing.)"""
    return (
        sa.select(Page.is_redirect, Revision.id, Revision.timestamp, RenderedRevision.html,
                  RenderedRevision.rendered_at)
        .join(Revision, Revision.id == Page.latest_revision_id)
        .outerjoin(RenderedRevision, RenderedRevision.revision_id == Page.latest_revision_id)
        .where(Page.namespace == sa.bindparam("namespace"), Page.title == sa.bindparam("title"),
               readable())
    )


def latest_render(title: Title) -> LatestRender | None:
    """The page's latest revision and its stored render, in one query without the revision's
    text, or None when no readable page has the title."""
    row = db.session.connection().execute(
        _latest_render_query(), {"namespace": title.namespace, "title": title.text}).first()
    return LatestRender(*row) if row is not None else None


def revision_time(revision_id: int) -> datetime | None:
    """When a revision was saved (without loading its text)."""
    return db.session.scalar(sa.select(Revision.timestamp).where(Revision.id == revision_id))


@dataclass(frozen=True)
class HistorySlice:
    """Up to `limit` revisions newest first, and whether older or newer ones (passing the same
    filter) lie beyond them."""

    revisions: list[Revision]
    has_older: bool
    has_newer: bool


def _filtered(page_id: int, only: str | None) -> sa.Select[Revision]:
    query = sa.select(Revision).where(Revision.page_id == page_id) \
        .options(sa.orm.defer(Revision.text))
    if only == "minor":
        query = query.where(Revision.minor.is_(True))
    elif only == "anonymous":
        query = query.where(Revision.author_is_ip.is_(True))
    return query


def _any(query: sa.Select[Revision]) -> bool:
    return db.session.scalar(query.limit(1)) is not None


def history_slice(page_id: int, limit: int, *, older_than: int | None = None,
                  newer_than: int | None = None, only: str | None = None) -> HistorySlice:
    """The newest `limit` revisions of a page (older than a revision id, if given), or the
    `limit` revisions just newer than a revision id; `only` is a filter of HISTORY_FILTERS."""
    query = _filtered(page_id, only)
    if newer_than is not None:
        rows = list(db.session.scalars(
            query.where(Revision.id > newer_than).order_by(Revision.id).limit(limit + 1)))
        has_newer = len(rows) > limit
        rows = rows[:limit][::-1]
        has_older = bool(rows) and _any(query.where(Revision.id < rows[-1].id))
        return HistorySlice(rows, has_older, has_newer)
    if older_than is not None:
        query = query.where(Revision.id < older_than)
    rows = list(db.session.scalars(query.order_by(Revision.id.desc()).limit(limit + 1)))
    has_older = len(rows) > limit
    rows = rows[:limit]
    has_newer = bool(rows) and older_than is not None and \
        _any(_filtered(page_id, only).where(Revision.id > rows[0].id))
    return HistorySlice(rows, has_older, has_newer)


def parent_sizes(revisions: Iterable[Revision]) -> dict[int, int]:
    """The size of each given revision's parent, by parent id."""
    ids = {revision.parent_id for revision in revisions if revision.parent_id}
    if not ids:
        return {}
    return {revision_id: size for revision_id, size in db.session.execute(
        sa.select(Revision.id, Revision.size).where(Revision.id.in_(ids)))}


def delta(revision: Revision, sizes: dict[int, int]) -> int | None:
    """The change in size from the revision's parent (a first revision counts from nothing);
    None when the parent is unknown."""
    if not revision.parent_id:
        return revision.size
    parent = sizes.get(revision.parent_id)
    return None if parent is None else revision.size - parent


def account_ids(names: Iterable[str]) -> dict[str, int]:
    """The account id of each name that has an account."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    return {name: user_id for user_id, name in db.session.execute(
        sa.select(User.id, User.name).where(User.name.in_(wanted)))}


def page_ids(titles: Iterable[Title]) -> dict[Title, int]:
    """The page id of each title that has a page."""
    by_namespace: dict[int, list[str]] = {}
    for title in set(titles):
        by_namespace.setdefault(title.namespace, []).append(title.text)
    if not by_namespace:
        return {}
    rows = db.session.execute(sa.select(Page.id, Page.namespace, Page.title).where(sa.or_(*(
        sa.and_(Page.namespace == namespace, Page.title.in_(texts))
        for namespace, texts in by_namespace.items()))))
    return {Title(namespace, text): page_id for page_id, namespace, text in rows}
