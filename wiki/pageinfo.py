"""Facts about one page, for ?action=info and Special:CiteThisPage: its size, edits, editors,
first and latest revisions, protection, redirects, backlinks and categories.

Queries only (portable SQLAlchemy expressions); nothing here reads the request. A missing or
deleted page is PageNotFound, as everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from wiki import pages, permissions
from wiki.db import db
from wiki.existence import readable
from wiki.models import CategoryLink, Link, Page, Revision
from wiki.permissions import ActiveProtection
from wiki.titles import Title


@dataclass(frozen=True)
class RevisionMark:
    """Who made a revision and when."""

    revision_id: int
    author: str
    author_is_ip: bool
    timestamp: datetime


@dataclass(frozen=True)
class PageInfo:
    """Everything ?action=info shows about a page."""

    title: Title
    page_id: int
    length: int  # bytes of the current text
    edits: int
    editors: int  # distinct account names and IP addresses
    created: RevisionMark
    latest: RevisionMark
    protection: ActiveProtection | None
    redirects: int  # redirects to this page
    backlinks: int  # pages linking here (redirects included)
    categories: tuple[str, ...]
    redirect_target: Title | None  # set when the page is itself a redirect

    @property
    def is_redirect(self) -> bool:
        """True when the page is a redirect."""
        return self.redirect_target is not None


def _mark(revision: Revision) -> RevisionMark:
    return RevisionMark(revision.id, revision.author, revision.author_is_ip, revision.timestamp)


def page_info(title: Title) -> PageInfo:
    """The facts about a readable page, or PageNotFound."""
    page = pages.get_page(title)
    counts = db.session.execute(
        sa.select(sa.func.count(Revision.id), sa.func.count(sa.distinct(Revision.author)),
                  sa.func.min(Revision.id))
        .where(Revision.page_id == page.id)
    ).one()
    edits, editors, first_id = counts
    latest = pages.latest_revision(page)
    first = pages.get_revision(first_id)
    source = aliased(Page)
    linking = (
        sa.select(sa.func.count(sa.distinct(Link.from_page_id)))
        .join(source, source.id == Link.from_page_id)
        .where(Link.to_namespace == title.namespace, Link.to_title == title.text,
               readable(source))
    )
    backlinks = db.session.scalar(linking) or 0
    redirects = db.session.scalar(linking.where(source.is_redirect == sa.true())) or 0
    categories = tuple(db.session.scalars(
        sa.select(CategoryLink.category).where(CategoryLink.from_page_id == page.id)
        .order_by(CategoryLink.category)
    ))
    return PageInfo(
        title=title, page_id=page.id, length=latest.size, edits=edits, editors=editors,
        created=_mark(first), latest=_mark(latest),
        protection=permissions.active_protection(page), redirects=redirects,
        backlinks=backlinks, categories=categories,
        redirect_target=pages.redirect_target(latest.text) if page.is_redirect else None,
    )
