"""Lists for finding one's way around the wiki: recent changes (of every page, or of the pages one
page links to or from), all pages, a random page, what links here, wanted pages, categories and
their members, and which pages of a set exist.

Queries only, built from SQLAlchemy expressions so they run unchanged on SQLite and PostgreSQL.
Deleted pages (and pages without a revision) never appear. Nothing here reads the request: views
parse and check the parameters and pass plain values in.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, defer

from wiki import clock
from wiki.db import db
from wiki.errors import BadParameter
from wiki.existence import existing_titles, readable
from wiki.models import CategoryLink, Link, LogEntry, Page, Revision, table
from wiki.titles import (
    CATEGORY,
    MAIN,
    NAMESPACES,
    VIRTUAL_NAMESPACES,
    Title,
    parse_title,
)

# Namespaces a reader can list or filter by (Special: pages are generated, never stored).
LISTED_NAMESPACES: tuple[int, ...] = tuple(sorted(
    n for n in NAMESPACES if n not in VIRTUAL_NAMESPACES))


@dataclass(frozen=True)
class Change:
    """One edit in recent changes or a page's history feed."""

    title: Title
    revision: Revision
    delta: int  # size change from the parent revision, in bytes

    @property
    def created(self) -> bool:
        """True when this edit created the page."""
        return self.revision.parent_id is None

    @property
    def minor(self) -> bool:
        """True for an edit marked minor."""
        return self.revision.minor

    @property
    def author(self) -> str:
        """Who made the edit: an account name or an IP address."""
        return self.revision.author

    @property
    def summary(self) -> str:
        """The edit summary, possibly empty."""
        return self.revision.summary


@dataclass(frozen=True)
class Listed:
    """A page in a list: its title and whether it is a redirect."""

    title: Title
    is_redirect: bool = False


@dataclass(frozen=True)
class Backlink:
    """A page linking to a target; for a redirect, the pages reaching the target through it."""

    title: Title
    is_redirect: bool
    via: tuple[Title, ...] = ()


@dataclass(frozen=True)
class Wanted:
    """A title that is linked to but has no page, and how many pages link to it."""

    title: Title
    wanting: int


@dataclass(frozen=True)
class Category:
    """A category with members, how many, and whether it has a description page."""

    name: str
    members: int
    has_page: bool

    @property
    def title(self) -> Title:
        """The category's own page: Category:<name>."""
        return Title(CATEGORY, self.name)


def parse_namespace(raw: str | None, *, default: int | None = MAIN) -> int | None:
    """A namespace from a number or a name ("0", "Talk", "main"); `default` for none given.

    "all" is accepted only where the default is None (every namespace).
    """
    if raw is None or not raw.strip():
        return default
    text = " ".join(raw.replace("_", " ").split()).lower()
    if text == "all" and default is None:
        return None
    names = {name.lower(): number for number, name in NAMESPACES.items() if name}
    names.update({"main": MAIN, "(main)": MAIN, "article": MAIN})
    number: int | None = names.get(text)
    if number is None and re.fullmatch(r"-?[0-9]{1,5}", text):
        number = int(text)
    if number not in LISTED_NAMESPACES:
        known = ", ".join(f"{n} ({NAMESPACES[n] or 'Main'})" for n in LISTED_NAMESPACES)
        raise BadParameter(f'"{raw[:50]}" is not a namespace of this wiki. Namespaces: {known}.')
    return number


def start_text(raw: str | None) -> str:
    """A "from" parameter as a title's text (normalized, no namespace), or "" for none."""
    if raw is None or not raw.strip():
        return ""
    return parse_title(":" + raw).text


def recent_changes(*, limit: int, offset: int = 0, hide_minor: bool = False,
                   namespace: int | None = None, days: int | None = None,
                   now: datetime | None = None,
                   pages: sa.ColumnElement[bool] | None = None) -> tuple[list[Change], bool]:
    """Newest-first edits across the wiki (or of the `pages` a condition picks), filtered; and
    whether more remain after these."""
    parent = aliased(Revision)
    query = (
        sa.select(Revision, Page.namespace, Page.title, parent.size)
        .join(Page, Page.id == Revision.page_id)
        .outerjoin(parent, parent.id == Revision.parent_id)
        .where(readable())
        .options(defer(Revision.text))
    )
    if pages is not None:
        query = query.where(pages)
    if hide_minor:
        query = query.where(Revision.minor == sa.false())
    if namespace is not None:
        query = query.where(Page.namespace == namespace)
    if days is not None:
        query = query.where(Revision.timestamp >= (now or clock.utcnow()) - timedelta(days=days))
    rows = db.session.execute(
        query.order_by(Revision.timestamp.desc(), Revision.id.desc())
        .offset(offset).limit(limit + 1)
    ).all()
    changes = [
        Change(Title(ns, text), revision, revision.size - (parent_size or 0))
        for revision, ns, text, parent_size in rows[:limit]
    ]
    return changes, len(rows) > limit


@dataclass(frozen=True)
class ChangesMark:
    """What every list of recent changes shows depends on, besides its own parameters: the
    newest revision (every edit, creation and import adds one), the newest log entry (a deletion
    or restoration changes which edits are shown) and, for the last N days, the edges of that
    window. `modified` is when a list last changed (None when that cannot be told), and
    `changes_at` when one will change with no write: its oldest edit leaving the window."""

    parts: tuple[int | None, int | None, datetime | None]
    modified: datetime | None
    changes_at: datetime | None


def _newest(column: Any, *where: Any) -> Any:
    return sa.select(sa.func.max(column)).where(*where).scalar_subquery()


def _newest_columns() -> list[Any]:
    """The newest revision's id, whether it was imported and the newest revision time; the
    newest log entry's id and time."""
    newest_id = _newest(Revision.id)
    return [newest_id,
            sa.select(Revision.imported).where(Revision.id == newest_id).scalar_subquery(),
            _newest(Revision.timestamp), _newest(LogEntry.id), _newest(LogEntry.timestamp)]


def _modified(imported: bool | None, *moments: datetime | None) -> datetime | None:
    """The latest of `moments`; None while the newest revision is imported. An import stamps
    its revisions with the dump's times and logs itself only once it is done, so while the
    newest revision is imported no time tells when a list changed."""
    return None if imported else max((m for m in moments if m is not None), default=None)


@cache
def _changes_mark_query() -> sa.Select[Any]:
    """Built once: the newest revision and log entry, and the window's edges, in one query."""
    cut = sa.bindparam("cut", type_=sa.DateTime)
    return sa.select(
        *_newest_columns(),
        sa.select(sa.func.min(Revision.timestamp)).where(Revision.timestamp >= cut)
        .scalar_subquery(),
        _newest(Revision.timestamp, Revision.timestamp < cut),
    )


def changes_mark(*, days: int | None, now: datetime) -> ChangesMark:
    """The mark of the lists of recent changes as of `now` (the `now` the list is read with)."""
    window = timedelta(days=days or 0)
    row = db.session.execute(_changes_mark_query(),
                             {"cut": now - window if days is not None else None}).one()
    newest_id, imported, edited, log_id, logged, oldest_in, newest_out = row
    # Timestamps are whole seconds: an edit left the window the second after it fell out.
    left = newest_out + window + timedelta(seconds=1) if newest_out is not None else None
    changes_at = oldest_in + window + timedelta(seconds=1) if oldest_in is not None else None
    return ChangesMark((newest_id, log_id, oldest_in), _modified(imported, edited, logged, left),
                       changes_at)


@dataclass(frozen=True)
class PagesMark:
    """What the lists of pages, links, categories, files and an author's edits show depends on,
    besides their own parameters: the newest revision and the newest log entry. Pages, their
    links and categories, redirects, files and accounts change only with a revision (an edit,
    creation, import or upload) or a log entry (a deletion, restoration, new account or change
    of role). `modified` is when that last happened (None when it cannot be told)."""

    parts: tuple[int | None, int | None]
    modified: datetime | None


@cache
def _pages_mark_query() -> sa.Select[Any]:
    return sa.select(*_newest_columns())


def pages_mark() -> PagesMark:
    """The mark of the lists of pages, in one query of index look-ups."""
    newest_id, imported, edited, log_id, logged = db.session.execute(_pages_mark_query()).one()
    return PagesMark((newest_id, log_id), _modified(imported, edited, logged))


def linked_pages(target: Title, *, links_to: bool = False) -> sa.ColumnElement[bool]:
    """The condition on Page for Special:RecentChangesLinked: the pages `target` links to, or
    with links_to the pages that link to it. A missing target links to nothing."""
    if links_to:
        return Page.id.in_(sa.select(Link.from_page_id).where(
            Link.to_namespace == target.namespace, Link.to_title == target.text))
    source = aliased(Page)
    return sa.exists().where(
        source.namespace == target.namespace, source.title == target.text, readable(source),
        Link.from_page_id == source.id, Link.to_namespace == Page.namespace,
        Link.to_title == Page.title,
    )


def page_changes(title: Title, page_id: int, limit: int) -> list[Change]:
    """A page's newest edits, newest first, for its history feed; their texts are not loaded
    (a page's revisions may hold 2 MiB each)."""
    parent = aliased(Revision)
    rows = db.session.execute(
        sa.select(Revision, parent.size)
        .outerjoin(parent, parent.id == Revision.parent_id)
        .where(Revision.page_id == page_id)
        .options(defer(Revision.text))
        .order_by(Revision.id.desc()).limit(limit)
    ).all()
    return [Change(title, revision, revision.size - (parent_size or 0))
            for revision, parent_size in rows]


def revision_texts(revision_ids: Iterable[int]) -> dict[int, str]:
    """The texts of some revisions by id, in one query."""
    ids = set(revision_ids)
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Revision.id, Revision.text).where(Revision.id.in_(ids)))
    return {revision_id: text for revision_id, text in rows}


def all_pages(namespace: int = MAIN, start: str = "", limit: int = 200
              ) -> tuple[list[Listed], str | None]:
    """Pages of a namespace in title order from `start`, and the title the next batch starts at."""
    rows = db.session.execute(
        sa.select(Page.title, Page.is_redirect)
        .where(readable(), Page.namespace == namespace, Page.title >= start)
        .order_by(Page.title).limit(limit + 1)
    ).all()
    listed = [Listed(Title(namespace, text), bool(redirect)) for text, redirect in rows[:limit]]
    return listed, rows[limit].title if len(rows) > limit else None


def random_page(namespace: int = MAIN, rng: random.Random | None = None) -> Title | None:
    """A random page of a namespace that is not a redirect, or None when there is none."""
    condition = sa.and_(readable(), Page.namespace == namespace, Page.is_redirect == sa.false())
    count = db.session.scalar(sa.select(sa.func.count(Page.id)).where(condition)) or 0
    if not count:
        return None
    offset = (rng or random).randrange(count)
    text = db.session.scalar(
        sa.select(Page.title).where(condition).order_by(Page.id).offset(offset).limit(1)
    )
    return Title(namespace, text) if text is not None else None


def _linking_pages(targets: list[Title]) -> sa.Select[int, str, int, str, bool]:
    """(target namespace, target title, page namespace, page title, is redirect) of links."""
    pairs = [sa.and_(Link.to_namespace == t.namespace, Link.to_title == t.text) for t in targets]
    return (
        sa.select(Link.to_namespace, Link.to_title, Page.namespace, Page.title, Page.is_redirect)
        .join(Page, Page.id == Link.from_page_id)
        .where(readable(), sa.or_(*pairs))
        .order_by(Page.namespace, Page.title)
    )


def what_links_here(target: Title, limit: int = 50, offset: int = 0
                    ) -> tuple[list[Backlink], bool]:
    """Pages linking to a title and redirects to it (with the pages linking to each redirect),
    in title order; and whether more remain."""
    rows = db.session.execute(_linking_pages([target]).offset(offset).limit(limit + 1)).all()
    found = [(Title(ns, text), bool(redirect)) for _, _, ns, text, redirect in rows[:limit]]
    redirects = [title for title, redirect in found if redirect]
    via: dict[Title, list[Title]] = {}
    if redirects:
        nested = db.session.execute(_linking_pages(redirects).limit(limit * 10)).all()
        for to_ns, to_text, ns, text, _ in nested:
            via.setdefault(Title(to_ns, to_text), []).append(Title(ns, text))
    backlinks = [Backlink(title, redirect, tuple(via.get(title, ()))) for title, redirect in found]
    return backlinks, len(rows) > limit


def wanted_pages(limit: int = 100, offset: int = 0) -> tuple[list[Wanted], bool]:
    """Linked titles with no page, most wanted first (by distinct linking pages); more left?"""
    source, target = aliased(Page), aliased(Page)
    wanting = sa.func.count(sa.distinct(Link.from_page_id)).label("wanting")
    rows = db.session.execute(
        sa.select(Link.to_namespace, Link.to_title, wanting)
        .join(source, sa.and_(source.id == Link.from_page_id, readable(source)))
        .outerjoin(target, sa.and_(
            target.namespace == Link.to_namespace, target.title == Link.to_title, readable(target),
        ))
        .where(target.id.is_(None), Link.to_namespace.not_in(VIRTUAL_NAMESPACES))
        .group_by(Link.to_namespace, Link.to_title)
        .order_by(wanting.desc(), Link.to_namespace, Link.to_title)
        .offset(offset).limit(limit + 1)
    ).all()
    wanted = [Wanted(Title(ns, text), count) for ns, text, count in rows[:limit]]
    return wanted, len(rows) > limit


def categories(start: str = "", limit: int = 200) -> tuple[list[Category], str | None]:
    """Categories with at least one member, by name from `start`; and where the next batch
    starts."""
    members = sa.func.count(CategoryLink.from_page_id).label("members")
    rows = db.session.execute(
        sa.select(CategoryLink.category, members)
        .join(Page, sa.and_(Page.id == CategoryLink.from_page_id, readable()))
        .where(CategoryLink.category >= start)
        .group_by(CategoryLink.category)
        .order_by(CategoryLink.category).limit(limit + 1)
    ).all()
    shown = rows[:limit]
    with_page = existing_titles(Title(CATEGORY, name) for name, _ in shown)
    listed = [Category(name, count, Title(CATEGORY, name) in with_page) for name, count in shown]
    return listed, rows[limit].category if len(rows) > limit else None


def category_members(name: str, start: str = "", limit: int = 200
                     ) -> tuple[list[Listed], str | None]:
    """Pages in a category, alphabetical by title from `start`; and where the next batch
    starts."""
    rows = db.session.execute(
        sa.select(Page.namespace, Page.title, Page.is_redirect)
        .join(CategoryLink, CategoryLink.from_page_id == Page.id)
        .where(CategoryLink.category == name, readable(), Page.title >= start)
        .order_by(Page.title, Page.namespace).limit(limit + 1)
    ).all()
    listed = [Listed(Title(ns, text), bool(redirect)) for ns, text, redirect in rows[:limit]]
    return listed, rows[limit].title if len(rows) > limit else None


_pages = table(Page)
# Built once, in plain Core and without an expanding IN (it runs on every page view and edit
# form, where preparing it cost more than running it). The condition is readable()'s.
_PAIR = sa.select(_pages.c.namespace).where(
    _pages.c.is_deleted == sa.false(), _pages.c.latest_revision_id.is_not(None),
    _pages.c.title == sa.bindparam("title"),
    _pages.c.namespace.in_([sa.bindparam("subject"), sa.bindparam("talk")]),
)


def existing_pair(subject: Title, talk: Title) -> set[Title]:
    """Which of a subject page and its talk page exist (same text, two namespaces)."""
    found = set(db.session.scalars(_PAIR, {
        "title": subject.text, "subject": subject.namespace, "talk": talk.namespace,
    }))
    return {t for t in (subject, talk) if t.namespace in found}
