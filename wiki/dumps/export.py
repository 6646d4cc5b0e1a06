"""Export: pages and their revisions in MediaWiki's XML export format (version 0.11), written
as a stream of strings that Special:Export and `flask export` pass on as they come.

Memory stays flat however large the wiki is: pages are read PAGE_BATCH at a time (by page id,
each batch starting after the last), their revisions' metadata REVISION_BATCH rows at a time,
and the texts in groups of at most TEXT_BATCH_BYTES; nothing keeps what was already written.
The whole export is read in one transaction, so it shows the wiki at one moment even while
people edit (SQLite's read transactions are snapshots; on PostgreSQL it reads REPEATABLE READ).

Deleted pages are not exported. Texts go out as stored: the input gate refuses the control
characters XML cannot carry, and a carriage return (which saving removes) would be escaped.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

import sqlalchemy as sa

from wiki.db import db
from wiki.dumps import siteinfo
from wiki.dumps.xmlformat import MARKDOWN_FORMAT, MARKDOWN_MODEL, hex_to_base36
from wiki.existence import BATCH, readable
from wiki.models import CategoryLink, Page, Revision, User
from wiki.pages import redirect_target
from wiki.titles import CATEGORY, InvalidTitleError, Title, parse_title

PAGE_BATCH = 200  # pages read per query
REVISION_BATCH = 500  # revisions' metadata (no text) read per query
TEXT_BATCH_BYTES = 4 * 1024 * 1024  # texts read per query, at most (a larger one comes alone)
CHUNK_CHARS = 64 * 1024  # the stream hands on pieces of about this size
REDIRECT_PREFIX_CHARS = 1024  # a redirect's target is read from the start of its text
_TEXT_ESCAPES = {"\r": "&#13;"}  # an XML parser would turn a raw CR into LF


@dataclass(frozen=True)
class Selection:
    """Which pages an export holds: every readable page, or the pages with these ids and the
    members of these categories (by name, without the "Category:" prefix)."""

    page_ids: tuple[int, ...] = ()  # ascending
    categories: tuple[str, ...] = ()
    everything: bool = False

    @property
    def empty(self) -> bool:
        """True when nothing is selected (no page, no category)."""
        return not (self.everything or self.page_ids or self.categories)


@dataclass(frozen=True, slots=True)
class PageRow:
    """What the export reads of a page."""

    id: int
    namespace: int
    title: str
    is_redirect: bool
    latest_revision_id: int


@dataclass(frozen=True, slots=True)
class RevisionRow:
    """What the export reads of a revision before its text."""

    id: int
    page_id: int
    parent_id: int | None
    timestamp: datetime
    author: str
    author_is_ip: bool
    summary: str
    minor: bool
    size: int
    sha1: str


@dataclass(frozen=True)
class Skipped:
    """A name given for export that is not exported, and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class Lookup:
    """The pages found for a list of names, and the names that were skipped."""

    page_ids: tuple[int, ...]
    skipped: list[Skipped] = field(default_factory=list)


def find_pages(names: Iterable[str]) -> Lookup:
    """The readable pages of these titles (blank names ignored, repeats once); the others are
    skipped as invalid, missing or deleted."""
    titles: dict[Title, str] = {}
    skipped: list[Skipped] = []
    for name in names:
        if not name.strip():
            continue
        try:
            titles.setdefault(parse_title(name), name.strip())
        except InvalidTitleError as error:
            skipped.append(Skipped(name.strip(), f"not a valid title: {error}"))
    found: dict[Title, int] = {}
    wanted = sorted(titles, key=lambda title: (title.namespace, title.text))
    for start in range(0, len(wanted), BATCH):
        by_namespace: dict[int, list[str]] = {}
        for title in wanted[start:start + BATCH]:
            by_namespace.setdefault(title.namespace, []).append(title.text)
        rows = db.session.execute(
            sa.select(Page.id, Page.namespace, Page.title).where(readable(), sa.or_(*(
                sa.and_(Page.namespace == namespace, Page.title.in_(texts))
                for namespace, texts in by_namespace.items()
            )))
        ).all()
        found.update({Title(namespace, text): page_id for page_id, namespace, text in rows})
    skipped += [Skipped(name, "no such page") for title, name in titles.items()
                if title not in found]
    return Lookup(tuple(sorted(found.values())), skipped)


def category_name(raw: str) -> str:
    """A category's name as pages record it, from "Name" or "Category:Name"; InvalidTitleError
    when it cannot be one."""
    title = parse_title(raw, default_namespace=CATEGORY)
    if title.namespace != CATEGORY:
        raise InvalidTitleError(f'"{raw.strip()}" is not the name of a category.')
    return title.text


def category_has_members(name: str) -> bool:
    """True when a readable page is in the category."""
    return db.session.scalar(
        sa.select(Page.id).join(CategoryLink, CategoryLink.from_page_id == Page.id)
        .where(CategoryLink.category == name, readable()).limit(1)
    ) is not None


def choose(names: Iterable[str], categories: Iterable[str] = ()
           ) -> tuple[Selection, list[Skipped]]:
    """The selection of the named pages and the members of the named categories, and the names
    skipped; a category that is invalid or has no pages is skipped like a missing title."""
    lookup = find_pages(names)
    chosen: list[str] = []
    for raw in categories:
        if not raw.strip():
            continue
        try:
            name = category_name(raw)
        except InvalidTitleError as error:
            lookup.skipped.append(Skipped(raw.strip(), f"not a valid category: {error}"))
            continue
        if category_has_members(name):
            chosen.append(name)
        else:
            lookup.skipped.append(Skipped(f"Category:{name}", "no pages in this category"))
    return Selection(page_ids=lookup.page_ids, categories=tuple(chosen)), lookup.skipped


def export_xml(selection: Selection, *, full_history: bool = False) -> Iterator[str]:
    """The XML export of the selected pages, with every revision or only the current one,
    in pieces: the header, then the pages in page-id order (revisions oldest first)."""
    _read_snapshot()
    yield siteinfo.header()
    pending: list[str] = []
    size = 0
    for pages in _page_batches(selection):
        by_id = {page.id: page for page in pages}
        targets = _redirect_targets(pages)
        current: int | None = None
        for revision, text, user_id in _revisions(pages, full_history):
            if revision.page_id != current:
                if current is not None:
                    pending.append("  </page>\n")
                current = revision.page_id
                pending.append(_page_opening(by_id[current], targets.get(current)))
            piece = _revision_xml(revision, text, user_id)
            pending.append(piece)
            size += len(piece)
            if size >= CHUNK_CHARS:
                yield "".join(pending)
                pending, size = [], 0
        if current is not None:
            pending.append("  </page>\n")
    pending.append(siteinfo.FOOTER)
    yield "".join(pending)


def _read_snapshot() -> None:
    """Start the one read transaction the export runs in (see the module's docstring)."""
    db.session.commit()  # end any transaction the caller had open
    if db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _page_batches(selection: Selection) -> Iterator[list[PageRow]]:
    """The selected readable pages (id, namespace, title, redirect flag, latest revision),
    PAGE_BATCH at a time in id order; each query starts after the last page of the one before."""
    named = selection.page_ids
    after = 0
    while True:
        window = named[bisect.bisect_right(named, after):][:PAGE_BATCH]
        conditions: list[sa.ColumnElement[bool]] = []
        if selection.everything:
            conditions.append(sa.true())
        if window:
            conditions.append(Page.id.in_(window))
        if selection.categories:
            conditions.append(Page.id.in_(
                sa.select(CategoryLink.from_page_id)
                .where(CategoryLink.category.in_(selection.categories))))
        if not conditions:
            return
        rows = db.session.execute(
            sa.select(Page.id, Page.namespace, Page.title, Page.is_redirect,
                      Page.latest_revision_id)
            .where(readable(), sa.or_(*conditions), Page.id > after)
            .order_by(Page.id).limit(PAGE_BATCH)
        ).all()
        if not rows:
            if not window:
                return
            after = window[-1]  # the named pages there are gone (deleted since they were found)
            continue
        yield [PageRow(**row._mapping) for row in rows]
        after = rows[-1].id


def _redirect_targets(pages: Sequence[PageRow]) -> dict[int, str]:
    """The target of each redirect among the pages (page id -> full title), read from the start
    of its current text."""
    latest = {page.latest_revision_id: page.id for page in pages if page.is_redirect}
    if not latest:
        return {}
    rows = db.session.execute(
        sa.select(Revision.id, sa.func.substr(Revision.text, 1, REDIRECT_PREFIX_CHARS))
        .where(Revision.id.in_(list(latest)))
    ).all()
    targets: dict[int, str] = {}
    for revision_id, start in rows:
        target = redirect_target(start)
        if target is not None:
            targets[latest[revision_id]] = target.full
    return targets


def _revisions(pages: Sequence[PageRow], full_history: bool
               ) -> Iterator[tuple[RevisionRow, str, int | None]]:
    """(metadata, text, account id) of the pages' revisions, or only their current ones, by
    page id and then revision id; metadata REVISION_BATCH rows a query, texts in groups of at
    most TEXT_BATCH_BYTES."""
    if full_history:
        chosen = Revision.page_id.in_([page.id for page in pages])
    else:
        chosen = Revision.id.in_([page.latest_revision_id for page in pages])
    after = (0, 0)
    while True:
        rows = [RevisionRow(**row._mapping) for row in db.session.execute(
            sa.select(Revision.id, Revision.page_id, Revision.parent_id, Revision.timestamp,
                      Revision.author, Revision.author_is_ip, Revision.summary,
                      Revision.minor, Revision.size, Revision.sha1)
            .where(chosen, sa.tuple_(Revision.page_id, Revision.id) > sa.tuple_(*after))
            .order_by(Revision.page_id, Revision.id).limit(REVISION_BATCH)
        )]
        if not rows:
            return
        accounts = _account_ids({row.author for row in rows if not row.author_is_ip})
        for group in _by_size(rows):
            texts = dict(db.session.execute(
                sa.select(Revision.id, Revision.text)
                .where(Revision.id.in_([row.id for row in group]))
            ).all())
            for row in group:
                yield row, texts[row.id], None if row.author_is_ip else accounts.get(row.author)
        after = (rows[-1].page_id, rows[-1].id)


def _by_size(rows: list[RevisionRow]) -> Iterator[list[RevisionRow]]:
    """The rows in order, in runs whose texts add up to at most TEXT_BATCH_BYTES (a larger
    text makes a run of its own)."""
    start, total = 0, 0
    for index, row in enumerate(rows):
        if index > start and total + row.size > TEXT_BATCH_BYTES:
            yield rows[start:index]
            start, total = index, 0
        total += row.size
    if start < len(rows):
        yield rows[start:]


def _account_ids(names: set[str]) -> dict[str, int]:
    """The account id of each of these names that has an account."""
    if not names:
        return {}
    rows = db.session.execute(sa.select(User.name, User.id).where(User.name.in_(names)))
    return dict(rows.all())


def _page_opening(page: PageRow, redirect: str | None) -> str:
    """<page> with the title (with its namespace prefix), namespace, id and redirect target."""
    title = Title(page.namespace, page.title).full
    lines = ["  <page>\n", f"    <title>{escape(title)}</title>\n",
             f"    <ns>{page.namespace}</ns>\n", f"    <id>{page.id}</id>\n"]
    if redirect is not None:
        lines.append(f"    <redirect title={quoteattr(redirect)} />\n")
    return "".join(lines)


def _revision_xml(revision: RevisionRow, text: str, user_id: int | None) -> str:
    """One <revision> element. An editor without an account here (a name kept from elsewhere)
    gets id 0, as MediaWiki writes it."""
    if revision.author_is_ip:
        contributor = f"        <ip>{escape(revision.author)}</ip>\n"
    else:
        contributor = (f"        <username>{escape(revision.author)}</username>\n"
                       f"        <id>{user_id or 0}</id>\n")
    sha1 = hex_to_base36(revision.sha1)
    lines = ["    <revision>\n", f"      <id>{revision.id}</id>\n"]
    if revision.parent_id:
        lines.append(f"      <parentid>{revision.parent_id}</parentid>\n")
    lines += [f"      <timestamp>{revision.timestamp:%Y-%m-%dT%H:%M:%SZ}</timestamp>\n",
              f"      <contributor>\n{contributor}      </contributor>\n"]
    if revision.minor:
        lines.append("      <minor />\n")
    if revision.summary:
        lines.append(f"      <comment>{escape(revision.summary, _TEXT_ESCAPES)}</comment>\n")
    lines += [f"      <model>{MARKDOWN_MODEL}</model>\n",
              f"      <format>{MARKDOWN_FORMAT}</format>\n"]
    attributes = f'bytes="{revision.size}" sha1="{sha1}" xml:space="preserve"'
    if text:
        lines.append(f"      <text {attributes}>{escape(text, _TEXT_ESCAPES)}</text>\n")
    else:
        lines.append(f"      <text {attributes} />\n")
    lines += [f"      <sha1>{sha1}</sha1>\n", "    </revision>\n"]
    return "".join(lines)
