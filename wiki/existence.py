"""Which titles are pages a reader can read: the one predicate (readable) and lookups built on it.

A page is readable when it has a revision and is not deleted; redirects are readable pages too.
Every list, lookup and render asks through here, so the rule is written once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeGuard

import sqlalchemy as sa

from wiki.db import db
from wiki.models import Page
from wiki.titles import Title

# Titles per query when asking about many at once (well under every engine's parameter limit).
BATCH = 1000


def readable(page: type[Page] = Page) -> sa.ColumnElement[bool]:
    """The SQL condition for a readable page (pass an alias of Page to ask about it)."""
    return sa.and_(page.is_deleted == sa.false(), page.latest_revision_id.is_not(None))


def is_readable(page: Page | None) -> TypeGuard[Page]:
    """The same rule for a loaded page."""
    return page is not None and page.latest_revision_id is not None and not page.is_deleted


# Built once, and run as a Core statement on the session's connection: building it, or the
# ORM's handling of it, costs several times what running it does.
_EXISTS = sa.select(Page.id).where(
    Page.namespace == sa.bindparam("namespace"), Page.title == sa.bindparam("title"), readable())


def page_exists(title: Title) -> bool:
    """True when the title is a readable page."""
    return db.session.connection().execute(
        _EXISTS, {"namespace": title.namespace, "title": title.text}).first() is not None


def existing_titles(titles: Iterable[Title]) -> set[Title]:
    """Which of these titles are readable pages, in as few queries as the batch size allows."""
    wanted = sorted(set(titles), key=lambda t: (t.namespace, t.text))
    found: set[Title] = set()
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start:start + BATCH]
        by_namespace: dict[int, list[str]] = {}
        for title in batch:
            by_namespace.setdefault(title.namespace, []).append(title.text)
        conditions = [
            sa.and_(Page.namespace == namespace, Page.title.in_(texts))
            for namespace, texts in by_namespace.items()
        ]
        rows = db.session.execute(
            sa.select(Page.namespace, Page.title).where(readable(), sa.or_(*conditions))
        ).all()
        found.update(Title(namespace, text) for namespace, text in rows)
    return found
