"""The page service: reading pages and revisions, the one writer (save_edit), history, restore.

Views, the CLI and seeding all change pages through save_edit(); it inserts a revision, moves the
page's pointer, stores the render and the page's links, and invalidates the renders the change
alters, in one transaction.
Services never touch the request; they raise WikiError subclasses.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm
from flask import current_app
from sqlalchemy.orm import aliased

from wiki import clock, invalidation, permissions, rendering, search, signatures
from wiki.db import db, write_transaction
from wiki.errors import (
    ArticleTooLarge,
    BadParameter,
    EditConflict,
    NotEditable,
    PageBusy,
    PageDeleted,
    PageNotFound,
    RevisionNotFound,
)
from wiki.existence import is_readable
from wiki.extensions import registry
from wiki.markup.limits import cost as markup_cost
from wiki.merge import MergeResult, merge_texts
from wiki.models import Page, Protection, RenderedRevision, Revision
from wiki.search.text import Document
from wiki.titles import MEDIA, SPECIAL, Title, try_parse_title

SYSTEM_USER = "Wikipedia importer"


@dataclass(frozen=True)
class Author:
    """Who makes an edit: an account name, or the IP address of an anonymous editor, and the
    role that decides what they may edit ("anonymous", "editor" or "admin")."""

    name: str
    is_ip: bool = False
    role: str = "editor"

    @classmethod
    def anonymous(cls, address: str) -> Author:
        """An editor known only by their IP address."""
        return cls(address, is_ip=True, role="anonymous")


@dataclass(frozen=True)
class SaveResult:
    """What save_edit did: "created", "saved", "merged" (with someone else's edit) or "nochange"."""

    status: str
    page: Page
    revision: Revision
    base_revision_id: int | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One row of a page's history: the revision and its size change from its parent."""

    revision: Revision
    delta: int


SYSTEM = Author(SYSTEM_USER, role="admin")  # seeding and maintenance


def normalize_text(text: str) -> str:
    """Line endings to \\n, Unicode NFC, no trailing whitespace at the end (as MediaWiki saves)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).rstrip()


def pre_save_transform(text: str, author: Author) -> str:
    """What saving makes of a text before storing it: signatures expanded (~~~, ~~~~, ~~~~~),
    as MediaWiki's pre-save transform does. Preview and "Show changes" show the same."""
    return signatures.expand(text, author.name, author.is_ip, clock.utcnow())


@cache
def _page_query(*, locked: bool) -> sa.Select[Page]:
    """Built once: building a statement costs more than running this one."""
    query = sa.select(Page).where(Page.namespace == sa.bindparam("namespace"),
                                  Page.title == sa.bindparam("title"))
    return query.with_for_update() if locked else query


def find_page(title: Title) -> Page | None:
    """The page with this title, or None."""
    return db.session.scalar(_page_query(locked=False),
                             {"namespace": title.namespace, "title": title.text})


def get_page(title: Title) -> Page:
    """The page with this title, or PageNotFound (also for a deleted page)."""
    page = find_page(title)
    if not is_readable(page):
        raise PageNotFound(f'There is no page titled "{title.full}".', title=title.full)
    return page


@dataclass(frozen=True)
class CurrentPage:
    """What a page view needs, fetched in one query: the page, its latest revision (text not
    loaded until asked for), the stored render if any, and the protection row if any."""

    page: Page
    revision: Revision
    render: RenderedRevision | None
    protection: Protection | None


@cache
def _current_page_query() -> sa.Select[Page, Revision, RenderedRevision, Protection]:
    """Built once: constructing the statement costs more than running it. (The outer-joined
    render and protection come back as None when missing; the type cannot say so.)"""
    return (
        sa.select(Page, Revision, RenderedRevision, Protection)
        .join(Revision, Revision.id == Page.latest_revision_id)
        .outerjoin(RenderedRevision, RenderedRevision.revision_id == Page.latest_revision_id)
        .outerjoin(Protection, Protection.page_id == Page.id)
        .where(Page.namespace == sa.bindparam("namespace"), Page.title == sa.bindparam("title"))
        .options(sa.orm.defer(Revision.text))
    )


def current_page(title: Title) -> CurrentPage | None:
    """The page with its latest revision, render and protection, or None if it has none."""
    row = db.session.execute(
        _current_page_query(), {"namespace": title.namespace, "title": title.text}
    ).first()
    return CurrentPage(*row) if row is not None else None


def get_revision(revision_id: int, page: Page | None = None) -> Revision:
    """A revision by id (of the given page, if one is given), or RevisionNotFound."""
    revision = db.session.get(Revision, revision_id)
    if revision is None or (page is not None and revision.page_id != page.id):
        raise RevisionNotFound(f"There is no revision {revision_id} of this page.")
    return revision


def latest_revision(page: Page) -> Revision:
    """The page's current revision."""
    assert page.latest_revision_id is not None
    return get_revision(page.latest_revision_id)


def parent_revision(revision: Revision) -> Revision | None:
    """The revision this one was made from."""
    return db.session.get(Revision, revision.parent_id) if revision.parent_id else None


def next_revision(revision: Revision) -> Revision | None:
    """The page's next revision after this one, or None for the latest."""
    return db.session.scalar(
        sa.select(Revision)
        .where(Revision.page_id == revision.page_id, Revision.id > revision.id)
        .order_by(Revision.id).limit(1)
    )


def previous_revision(revision: Revision) -> Revision | None:
    """The page's revision before this one in history order."""
    return db.session.scalar(
        sa.select(Revision)
        .where(Revision.page_id == revision.page_id, Revision.id < revision.id)
        .order_by(Revision.id.desc()).limit(1)
    )


def history(page: Page, limit: int, offset: int = 0, older_than: int | None = None
            ) -> tuple[list[HistoryEntry], bool]:
    """Newest-first revisions of a page, and whether older ones remain: one query walking the
    (page_id, id) index for limit + 1 rows with each parent's size, whatever the page's number
    of revisions. The texts are not read (touching one raises)."""
    parent = aliased(Revision)
    query = (sa.select(Revision, parent.size)
             .outerjoin(parent, parent.id == Revision.parent_id)
             .where(Revision.page_id == page.id)
             .options(sa.orm.defer(Revision.text, raiseload=True)))
    if older_than is not None:
        query = query.where(Revision.id < older_than)
    rows = db.session.execute(
        query.order_by(Revision.id.desc()).offset(offset).limit(limit + 1)
    ).all()
    more = len(rows) > limit
    entries = [
        HistoryEntry(r, r.size - (parent_size or 0) if r.parent_id else r.size)
        for r, parent_size in rows[:limit]
    ]
    return entries, more


# Renders made outside the lock before a small text is rendered inside it (where nothing can
# move under it), and before a large one gives up: a large render must not hold the lock.
SAVE_ATTEMPTS = 3
LARGE_SAVE_ATTEMPTS = 10
IN_LOCK_COST = 50_000  # about 50 ms of rendering (see markup.limits)


@dataclass(frozen=True)
class _Plan:
    """What a save will write, worked out before taking the write lock: the revision the page
    was at, the text to save (merged if the page moved on), and its render."""

    current: _Parent | None
    text: str
    status: str
    fresh: rendering.FreshRender | None
    searchable: Document | None
    note: str = ""  # added to the summary when the save replaced one's own overlapping lines


class _Parent(NamedTuple):
    """The revision a new one follows: revisions never change, so its id and timestamp read
    before the write lock still hold inside it."""

    id: int
    timestamp: datetime

    @classmethod
    def of(cls, revision: Revision) -> _Parent:
        return cls(revision.id, revision.timestamp)


class _PageMoved(Exception):
    """The page got a new revision between planning a save and taking the write lock."""


def save_edit(
    title: Title,
    text: str,
    *,
    author: Author,
    base_revision_id: int | None,
    summary: str = "",
    minor: bool = False,
    null_revision: bool = False,
) -> SaveResult:
    """The one writer: save text as the page's new revision, or say why not.

    base_revision_id is the revision the editor started from (None to create the page). If the
    page changed since, the edits are merged three ways; overlapping changes raise EditConflict
    and save nothing. A text equal to the current one saves nothing ("nochange") unless
    null_revision asks for a revision all the same (MediaWiki's null revision: an upload puts
    its new file version in the page's history so). Signatures
    in the text are expanded first (pre_save_transform), whichever path the save came by.

    The text is merged and rendered before the write lock is taken, so other saves do not wait
    for a render; inside the lock the save checks that the page is still where it was (else it
    plans again) and that the render's answers still hold (else the render is left for the first
    view to make).
    """
    if title.namespace == SPECIAL:
        raise NotEditable("Special pages are generated by the wiki and cannot be edited.")
    if title.namespace == MEDIA:
        raise NotEditable("A Media: title names a file; edit its File: page instead.")
    text = pre_save_transform(normalize_text(text), author)
    limit = current_app.config["WIKI_MAX_ARTICLE_BYTES"]
    if len(text.encode("utf-8")) > limit:
        raise ArticleTooLarge(
            f"The text is {len(text.encode('utf-8')):,} bytes; the largest page allowed is "
            f"{limit:,} bytes.", text=text
        )
    summary = " ".join(summary.split())
    if len(summary) > current_app.config["WIKI_MAX_SUMMARY_CHARS"]:
        raise BadParameter(
            f"The summary is longer than {current_app.config['WIKI_MAX_SUMMARY_CHARS']} "
            "characters.", text=text
        )
    small = markup_cost(text) <= IN_LOCK_COST
    attempts = SAVE_ATTEMPTS if small else LARGE_SAVE_ATTEMPTS
    for attempt in range(attempts):
        in_lock = small and attempt == attempts - 1
        plan = None if in_lock else _plan(title, text, author, base_revision_id, null_revision)
        try:
            with write_transaction():
                if plan is None:
                    plan = _plan(title, text, author, base_revision_id, null_revision)
                return _write(title, plan, author, base_revision_id, summary, minor)
        except _PageMoved:
            continue
    raise PageBusy("This page is being changed too often right now to save a text this large; "
                   "nothing was saved. Try again in a moment.", text=text, retry_after=5)


def _plan(title: Title, text: str, author: Author, base_revision_id: int | None,
          null_revision: bool = False) -> _Plan:
    """Merge with what was saved since the base, and render the result."""
    page = find_page(title)
    if page is not None and page.is_deleted:
        raise PageDeleted(f'"{title.full}" was deleted. An administrator can undelete it.',
                          text=text)
    permissions.check_edit(page, author.role, text)
    current = latest_revision(page) if page and page.latest_revision_id else None
    status = "saved" if current else "created"
    note = ""
    if current is not None and base_revision_id != current.id:
        assert page is not None
        text, status, note = _merge_with_current(page, current, base_revision_id, text, author)
    parent = _Parent.of(current) if current is not None else None
    if current is not None and current.text == text and not null_revision:
        return _Plan(parent, text, "nochange", None, None)
    if current is None and not text:
        raise BadParameter("A new page needs some text.", text=text)
    return _Plan(parent, text, status,
                 rendering.render_text(text, title, budgeted=True), search.prepare(title, text),
                 note)


def _write(title: Title, plan: _Plan, author: Author, base_revision_id: int | None,
           summary: str, minor: bool) -> SaveResult:
    """Inside the write lock: check the plan still fits, insert the revision, move the page's
    pointer, store the render and links, and invalidate what the change alters."""
    page = _locked_page(title)
    if page is not None and page.is_deleted:
        raise PageDeleted(f'"{title.full}" was deleted. An administrator can undelete it.',
                          text=plan.text)
    permissions.check_edit(page, author.role, plan.text)
    if (page.latest_revision_id if page else None) != (plan.current.id if plan.current else None):
        raise _PageMoved()
    if plan.status == "nochange":
        assert page is not None
        return SaveResult("nochange", page, latest_revision(page), base_revision_id)
    assert plan.fresh is not None and plan.searchable is not None
    before = invalidation.page_state(page)
    if page is None:
        page = Page(namespace=title.namespace, title=title.text, created_at=clock.utcnow())
        db.session.add(page)
        db.session.flush()
    if plan.note:
        summary = f"{summary} ({plan.note})" if summary else plan.note
    revision = _insert_revision(page, plan.current, plan.text, author, summary[:500], minor)
    _finish(title, page, revision, plan.fresh, plan.searchable, before)
    return SaveResult(plan.status, page, revision, base_revision_id)


def _finish(title: Title, page: Page, revision: Revision, fresh: rendering.FreshRender,
            searchable: Document, before: invalidation.PageState) -> None:
    """Make `revision` (rendered as `fresh`) the page's latest: store its render if its answers
    still hold, the page's links and categories, its search entry and redirect flag, and drop
    the renders the change alters."""
    if fresh.recorder.still_current():
        rendering.store_render(revision.id, fresh)
    rendered = fresh.rendered
    rendering.record_links(page, rendered,
                           (before.links, before.categories) if before.exists else None)
    search.index_page(page, title, searchable)
    page.latest_revision_id = revision.id
    page.is_redirect = redirect_target(revision.text) is not None
    after = invalidation.PageState(
        exists=True, is_redirect=page.is_redirect, categories=frozenset(rendered.categories),
        links=frozenset(rendered.links),
    )
    invalidation.publish([invalidation.PageChange(title, before, after)], registry())


def _locked_page(title: Title) -> Page | None:
    """The page row, locked for this transaction where the database supports it."""
    return db.session.scalar(_page_query(locked=True),
                             {"namespace": title.namespace, "title": title.text})


def _merge_with_current(
    page: Page, current: Revision, base_revision_id: int | None, text: str, author: Author
) -> tuple[str, str, str]:
    """Combine an edit made from an older revision with what was saved since: (text, status,
    a note for the summary). Everyone's edits are merged alike, one's own included; only when
    every newer revision is the author's own may an overlap be resolved in favour of the text
    saved now, and the note says so in the history."""
    if base_revision_id is None:
        raise EditConflict(
            "This page was created by someone else while you were writing.",
            current=current, text=text, conflicts=(),
        )
    base = get_revision(base_revision_id, page)
    newer_authors = set(db.session.scalars(
        sa.select(Revision.author).where(Revision.page_id == page.id, Revision.id > base.id)
    ))
    own = not author.is_ip and newer_authors == {author.name}
    merged: MergeResult = merge_texts(base.text, text, current.text, prefer_mine=own)
    if merged.text is None:
        raise EditConflict(
            "Someone else changed this page while you were editing, and the changes overlap.",
            current=current, base=base, text=text, conflicts=merged.conflicts,
        )
    note = ""
    if merged.conflicts:
        lines = sum(len(hunk.theirs) for hunk in merged.conflicts)
        note = (f"replaced {lines} overlapping line{'s' if lines != 1 else ''} of own "
                f"revision {current.id}")
    return normalize_text(merged.text), "merged", note


def _insert_revision(page: Page, parent: _Parent | None, text: str, author: Author,
                     summary: str, minor: bool, *, timestamp: datetime | None = None,
                     imported: bool = False) -> Revision:
    """Insert a revision; timestamps strictly increase along a page's history. An edit is
    stamped now (a second after its parent if that is not later); an imported revision brings
    its own timestamp, which must be later than its parent's."""
    if timestamp is None:
        timestamp = clock.utcnow()
        if parent is not None and timestamp <= parent.timestamp:
            timestamp = parent.timestamp + timedelta(seconds=1)
    elif parent is not None and timestamp <= parent.timestamp:
        raise ValueError("a revision must be newer than the one before it")
    data = text.encode("utf-8")
    revision = Revision(
        page_id=page.id, parent_id=parent.id if parent else None, timestamp=timestamp,
        author=author.name, author_is_ip=author.is_ip, summary=summary, minor=minor,
        text=text, size=len(data), sha1=hashlib.sha1(data).hexdigest(), imported=imported,
    )
    db.session.add(revision)
    db.session.flush()
    return revision


@dataclass(frozen=True)
class ImportedRevision:
    """A revision read from a dump: its Markdown text, author, timestamp (UTC, naive), summary
    and minor flag, and its id in the dump (for reports)."""

    text: str
    author: Author
    timestamp: datetime
    summary: str = ""
    minor: bool = False
    source_id: int | None = None


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did to one page: whether it created the page, how many revisions it
    appended, how many it skipped as already there, and those it left out as not newer than
    the page's latest revision."""

    title: Title
    created: bool
    imported: int
    skipped: int
    older: tuple[ImportedRevision, ...]


@dataclass(frozen=True)
class _ImportPlan:
    """What an import of one page will write, worked out before taking the write lock."""

    current_id: int | None
    new: tuple[ImportedRevision, ...]
    skipped: int
    older: tuple[ImportedRevision, ...]
    fresh: rendering.FreshRender | None
    searchable: Document | None


def import_revisions(title: Title, revisions: Sequence[ImportedRevision], *, by: Author,
                     dry_run: bool = False) -> ImportOutcome:
    """The one writer's import: append a dump's revisions of one page, each with its own author,
    timestamp, summary and minor flag and marked imported, in one transaction.

    A revision already on the page (same SHA-1 and timestamp) is skipped, so importing a dump
    twice changes nothing; one not newer than the page's latest revision is left out and
    reported as older, never spliced into the middle of a history. The page is then finished as
    a save finishes it, but only its new latest revision is rendered (older ones render when
    viewed). With dry_run nothing is written or rendered.
    """
    permissions.require_admin(by.role, "import pages")
    if title.namespace == SPECIAL:
        raise NotEditable("Special pages are generated by the wiki and cannot be imported.")
    prepared = sorted((_prepare_import(revision) for revision in revisions),
                      key=lambda pair: pair[0].timestamp)
    if dry_run:
        dry = _plan_import(title, prepared, render=False)
        return _import_outcome(title, dry, dry.current_id is None and bool(dry.new))
    for attempt in range(SAVE_ATTEMPTS):
        plan = None if attempt == SAVE_ATTEMPTS - 1 else _plan_import(title, prepared)
        try:
            with write_transaction():
                if plan is None:
                    plan = _plan_import(title, prepared)
                return _write_import(title, plan)
        except _PageMoved:
            continue
    raise PageBusy(f'"{title.full}" is being changed too often right now to import it; nothing '
                   "was imported.", retry_after=5)


def _prepare_import(revision: ImportedRevision) -> tuple[ImportedRevision, str]:
    """The revision as it will be stored (text normalized as a save normalizes it, summary on
    one line and cut to the column), and the SHA-1 of its text; ArticleTooLarge if too long."""
    text = normalize_text(revision.text)
    data = text.encode("utf-8")
    limit = current_app.config["WIKI_MAX_ARTICLE_BYTES"]
    if len(data) > limit:
        raise ArticleTooLarge(f"Revision {revision.source_id} is {len(data):,} bytes; the largest "
                              f"page allowed is {limit:,} bytes.")
    stored = replace(revision, text=text, summary=" ".join(revision.summary.split())[:500],
                     timestamp=revision.timestamp.replace(microsecond=0))
    return stored, hashlib.sha1(data).hexdigest()


def _plan_import(title: Title, prepared: Sequence[tuple[ImportedRevision, str]], *,
                 render: bool = True) -> _ImportPlan:
    """Sort the revisions into new, already there and older, and render the new latest."""
    page = find_page(title)
    if page is not None and page.is_deleted:
        raise PageDeleted(f'"{title.full}" was deleted. An administrator can undelete it before '
                          "importing into it.")
    current = latest_revision(page) if page and page.latest_revision_id else None
    present: set[tuple[str, datetime]] = set()
    if page is not None:  # fetched once per page, not per revision
        present = {(sha1, timestamp) for sha1, timestamp in db.session.execute(
            sa.select(Revision.sha1, Revision.timestamp).where(Revision.page_id == page.id))}
    latest = current.timestamp if current else None
    new: list[ImportedRevision] = []
    older: list[ImportedRevision] = []
    skipped = 0
    for revision, sha1 in prepared:
        if (sha1, revision.timestamp) in present:
            skipped += 1
        elif latest is not None and revision.timestamp <= latest:
            older.append(revision)
        else:
            new.append(revision)
            present.add((sha1, revision.timestamp))
            latest = revision.timestamp
    fresh = searchable = None
    if new and render:
        fresh = rendering.render_text(new[-1].text, title, budgeted=True)
        searchable = search.prepare(title, new[-1].text)
    return _ImportPlan(current.id if current else None, tuple(new), skipped, tuple(older),
                       fresh, searchable)


def _write_import(title: Title, plan: _ImportPlan) -> ImportOutcome:
    """Inside the write lock: check the page is where the plan found it, append the new
    revisions, and finish the page with the last one."""
    page = _locked_page(title)
    if page is not None and page.is_deleted:
        raise PageDeleted(f'"{title.full}" was deleted meanwhile; nothing was imported.')
    if (page.latest_revision_id if page else None) != plan.current_id:
        raise _PageMoved()
    if not plan.new:
        return _import_outcome(title, plan, False)
    assert plan.fresh is not None and plan.searchable is not None
    before = invalidation.page_state(page)
    created = page is None
    if page is None:
        page = Page(namespace=title.namespace, title=title.text, created_at=plan.new[0].timestamp)
        db.session.add(page)
        db.session.flush()
    parent = _Parent.of(latest_revision(page)) if plan.current_id else None
    last: Revision | None = None
    for revision in plan.new:
        last = _insert_revision(page, parent, revision.text, revision.author, revision.summary,
                                revision.minor, timestamp=revision.timestamp, imported=True)
        parent = _Parent.of(last)
    assert last is not None
    _finish(title, page, last, plan.fresh, plan.searchable, before)
    return _import_outcome(title, plan, created)


def _import_outcome(title: Title, plan: _ImportPlan, created: bool) -> ImportOutcome:
    return ImportOutcome(title, created, len(plan.new), plan.skipped, plan.older)


def restore_summary(old: Revision) -> str:
    """The summary of an edit that restores an old revision."""
    return f"Restored revision {old.id} by {old.author}"


def restore(title: Title, revision_id: int, *, author: Author) -> SaveResult:
    """Save an old revision's text as a new revision ("Restored revision N by X")."""
    page = get_page(title)
    old = get_revision(revision_id, page)
    return save_edit(
        title, old.text, author=author, base_revision_id=page.latest_revision_id,
        summary=restore_summary(old),
    )


def all_pages(namespace: int = 0) -> Iterator[Page]:
    """Every page of a namespace in title order."""
    return iter(db.session.scalars(
        sa.select(Page).where(Page.namespace == namespace).order_by(Page.title)
    ))


_REDIRECT = re.compile(r"^\s*#REDIRECT\s*\[\[([^\[\]|#]+)(?:#[^\[\]|]*)?(?:\|[^\[\]]*)?\]\]",
                       re.IGNORECASE)


def redirects_to(source: str, target: Title) -> bool:
    """True when `source` names a readable redirect whose target is `target`."""
    title = try_parse_title(source)
    page = find_page(title) if title is not None else None
    if page is None or not is_readable(page) or not page.is_redirect:
        return False
    return redirect_target(latest_revision(page).text) == target


def redirect_target(text: str) -> Title | None:
    """The title a "#REDIRECT [[Target]]" text points to, or None."""
    match = _REDIRECT.match(text)
    return try_parse_title(match.group(1)) if match else None
