"""Full-text search behind one interface, with one backend per database engine.

index_page() keeps a page's entry in step with its latest revision (save_edit calls it inside the
edit's transaction), search() ranks pages by a query with title matches first, and
suggest_titles() answers the search box's prefix look-ups. What the query means is decided here,
in Python: the raw text is split into words (text.py), and the backends only ever see those
words (FTS5) or a bound parameter (PostgreSQL), never the reader's syntax. Engine-specific SQL
lives in sqlite.py and postgres.py only; they import the shared pieces from text.py, never from
here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from markupsafe import Markup

from wiki.db import db
from wiki.existence import page_exists, readable
from wiki.models import Page
from wiki.search import postgres, sqlite
from wiki.search.text import (
    Document,
    RawHit,
    clean_query,
    fold,
    make_document,
    query_terms,
    snippet_markup,
)
from wiki.titles import MAIN, SPECIAL, Title, try_parse_title

__all__ = [
    "MAX_SUGGESTIONS", "MAX_TERMS", "RESULT_CAP", "SearchHit", "SearchResults", "clean_query",
    "creatable_title", "go_target", "include_in_autogenerate", "index_page", "prepare", "search",
    "search_titles", "suggest_titles",
]

MAX_TERMS = 32
# At most this many matches are counted and ranked, so a word found on nearly every page costs
# as little as a rare one; the reader is told there are more.
RESULT_CAP = 2000
MAX_SUGGESTIONS = 10
_SEARCH_TABLES = ("search_fts", "search_titles", "search_documents")


@dataclass(frozen=True)
class SearchHit:
    """One result: the page's title, a highlighted snippet, its size in bytes and last edit."""

    title: Title
    snippet: Markup
    size: int
    timestamp: datetime


@dataclass(frozen=True)
class SearchResults:
    """A page of results and how many there are in all."""

    query: str
    terms: tuple[str, ...]
    total: int
    hits: tuple[SearchHit, ...]
    offset: int
    limit: int
    dropped_terms: int = 0

    @property
    def capped(self) -> bool:
        """True when there are more matches than the RESULT_CAP best ones offered."""
        return self.total > RESULT_CAP

    @property
    def shown_total(self) -> int:
        """The count to show: exact, or RESULT_CAP when there are more."""
        return min(self.total, RESULT_CAP)

    @property
    def has_more(self) -> bool:
        """True when results remain after this page."""
        return self.offset + len(self.hits) < self.shown_total


def include_in_autogenerate(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's include_name hook: the search tables (and FTS5's shadow tables) are made by
    hand in their migration, not by models, so autogenerate must not offer to drop them."""
    return not (type_ == "table" and name is not None and name.startswith(_SEARCH_TABLES))


class Backend(Protocol):
    """What a backend module provides (wiki.search.sqlite, wiki.search.postgres)."""

    def index(self, document: Document) -> None:
        """Insert or replace the page's row, in the caller's transaction."""

    def search(self, query: str, terms: list[str], namespace: int, limit: int, offset: int,
               cap: int) -> tuple[int, list[RawHit]]:
        """The number of matches (cap + 1 meaning "more than cap") and a page of them."""


_BACKENDS: dict[str, Backend] = {"sqlite": sqlite, "postgresql": postgres}

_titles = sa.table(
    "search_titles", sa.column("page_id", sa.Integer), sa.column("title_key", sa.String)
)


def _backend() -> Backend:
    """The backend for the bound database engine."""
    name = db.engine.dialect.name
    if name not in _BACKENDS:
        raise RuntimeError(f"Full-text search supports SQLite and PostgreSQL, not {name}.")
    return _BACKENDS[name]


def prepare(title: Title, text: str) -> Document:
    """A page's searchable form, made before the write lock is taken (the page's id is added
    when it is indexed)."""
    return make_document(0, title, text)


_UPDATE_TITLE = sa.update(_titles).where(_titles.c.page_id == sa.bindparam("page")).values(
    title_key=sa.bindparam("key"))  # built once: every save runs one of the two
_INSERT_TITLE = sa.insert(_titles).values(page_id=sa.bindparam("page"),
                                          title_key=sa.bindparam("key"))


def index_page(page: Page, title: Title, prepared: Document) -> None:
    """(Re)index a page from its prepared latest text, in the caller's transaction."""
    _backend().index(replace(prepared, page_id=page.id))
    row = {"page": page.id, "key": fold(title.full)}
    updated = db.session.execute(_UPDATE_TITLE, row)
    if not getattr(updated, "rowcount", 0):  # a new page, or one indexed before it had a row
        db.session.execute(_INSERT_TITLE, row)


def search(query: str, namespace: int = MAIN, limit: int = 20, offset: int = 0) -> SearchResults:
    """Pages of a namespace matching every word of the query, title matches first."""
    query = clean_query(query)
    terms = query_terms(query)
    dropped = max(0, len(terms) - MAX_TERMS)
    terms = terms[:MAX_TERMS]
    if not terms:
        return SearchResults(query, (), 0, (), offset, limit)
    if offset >= RESULT_CAP:
        return SearchResults(query, tuple(terms), RESULT_CAP + 1, (), offset, limit, dropped)
    limit = min(limit, RESULT_CAP - offset)  # only the best RESULT_CAP are offered
    total, rows = _backend().search(query, terms, namespace, limit, offset, RESULT_CAP)
    hits = tuple(
        SearchHit(Title(row.namespace, row.title), snippet_markup(row.snippet), row.size,
                  row.timestamp)
        for row in rows
    )
    return SearchResults(query, tuple(terms), total, hits, offset, limit, dropped)


def search_titles(query: str, namespace: int = MAIN, limit: int = 20, offset: int = 0
                  ) -> SearchResults:
    """Pages of a namespace whose titles hold every word of the query (ignoring case and
    diacritics), in title order; snippets are empty."""
    query = clean_query(query)
    terms = query_terms(query)[:MAX_TERMS]
    if not terms:
        return SearchResults(query, (), 0, (), offset, limit)
    condition = sa.and_(readable(), Page.namespace == namespace, Page.is_redirect.is_(False),
                        *[_titles.c.title_key.contains(fold(term), autoescape=True)
                          for term in terms])
    joined = sa.select(Page).join(_titles, _titles.c.page_id == Page.id).where(condition)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(joined.subquery())) or 0
    pages = db.session.scalars(joined.order_by(_titles.c.title_key, Page.id)
                               .offset(offset).limit(limit)).all()
    hits = tuple(SearchHit(Title(page.namespace, page.title), Markup(""),
                           page.latest_revision.size if page.latest_revision else 0,
                           page.latest_revision.timestamp if page.latest_revision
                           else page.created_at)
                 for page in pages)
    return SearchResults(query, tuple(terms), total, hits, offset, limit)


# Built once, run on the session's connection (a Core statement: see existence.page_exists):
# the titles whose key lies in [low, high).
_SUGGEST = (
    sa.select(Page.namespace, Page.title)
    .join(_titles, _titles.c.page_id == Page.id)
    .where(_titles.c.title_key >= sa.bindparam("low"), _titles.c.title_key < sa.bindparam("high"),
           readable())
    .order_by(_titles.c.title_key, Page.namespace, Page.title)
    .limit(sa.bindparam("limit"))
)


def suggest_titles(prefix: str, limit: int = MAX_SUGGESTIONS) -> list[Title]:
    """Titles of existing pages that start with the prefix, ignoring case and diacritics."""
    key = fold(prefix)
    if not key:
        return []
    # title_key compares byte by byte (SQLite's BINARY, PostgreSQL's "C" collation), so the
    # keys starting with `key` are exactly those in [key, key + the last code point).
    rows = db.session.connection().execute(
        _SUGGEST, {"low": key, "high": key + "\U0010ffff", "limit": limit}).all()
    return [Title(namespace, title) for namespace, title in rows]


def go_target(query: str) -> Title | None:
    """Where "Go" leads: the page titled exactly so, else one whose title differs only in case
    or diacritics, else a Special: page; None when there is none."""
    title = try_parse_title(query)
    if title is None:
        return None
    if title.namespace == SPECIAL:
        return title
    if page_exists(title):
        return title
    wanted = fold(title.full)
    return next((t for t in suggest_titles(title.full) if fold(t.full) == wanted), None)


def creatable_title(query: str) -> Title | None:
    """The title a query names when it is a valid title with no page yet, else None."""
    title = try_parse_title(query)
    if title is None or title.namespace == SPECIAL or page_exists(title):
        return None
    return title
