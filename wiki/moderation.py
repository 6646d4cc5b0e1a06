"""What administrators do to pages: protect, delete and undelete, roll back; and undo, which
anyone may do. Each changes text only through pages.save_edit and logs itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from wiki import actionlog, clock, invalidation, pages, permissions, purge, rendering
from wiki.db import db, write_transaction
from wiki.errors import BadParameter, WikiError
from wiki.extensions import registry
from wiki.merge import merge_texts
from wiki.models import Protection, Revision
from wiki.titles import Title


class NothingToRollBack(WikiError):
    """Every revision of the page is by the same author, or the page changed meanwhile."""

    status = 409
    code = "onlyauthor"


@dataclass(frozen=True)
class UndoResult:
    """The text an undo proposes (None if the change cannot be undone cleanly) and its summary."""

    text: str | None
    summary: str
    base: Revision


def protect(title: Title, level: str | None, reason: str, expires_at: datetime | None,
            actor: pages.Author) -> None:
    """Set (or with level None remove) a page's protection, and log it."""
    permissions.require_admin(actor.role, "protect pages")
    if level is not None and level not in permissions.PROTECTION_LEVELS:
        raise BadParameter(f"Unknown protection level {level!r}.")
    if expires_at is not None and expires_at <= clock.utcnow():
        raise BadParameter("The expiry must be in the future.")
    page = pages.get_page(title)
    with write_transaction():
        purge.schedule([title])  # the lock icon and the edit tab change
        row = db.session.get(Protection, page.id)
        if level is None:
            if row is not None:
                db.session.delete(row)
            actionlog.record(action="unprotect", actor=actor.name, title=title, reason=reason)
            return
        if row is None:
            row = Protection(page_id=page.id)
            db.session.add(row)
        row.level, row.reason, row.expires_at = level, reason[:500], expires_at
        row.protected_by, row.protected_at = actor.name, clock.utcnow()
        until = expires_at.strftime("%Y-%m-%d %H:%M UTC") if expires_at else "indefinite"
        actionlog.record(action="protect", actor=actor.name, title=title, reason=reason,
                         details=f"{permissions.PROTECTION_LEVELS[level]}, expires {until}")


def delete(title: Title, reason: str, actor: pages.Author) -> None:
    """Hide a page from reading and lists; its revisions stay for undelete."""
    permissions.require_admin(actor.role, "delete pages")
    page = pages.get_page(title)
    with write_transaction():
        before = invalidation.page_state(page)
        page.is_deleted = True
        actionlog.record(action="delete", actor=actor.name, title=title, reason=reason)
        rendering.forget_links(page)
        invalidation.publish([invalidation.PageChange(title, before, invalidation.MISSING)],
                             registry())


def undelete(title: Title, reason: str, actor: pages.Author) -> None:
    """Bring a deleted page back with all its revisions."""
    permissions.require_admin(actor.role, "undelete pages")
    page = pages.find_page(title)
    if page is None or not page.is_deleted:
        raise BadParameter(f'"{title.full}" is not a deleted page.')
    latest = pages.latest_revision(page)
    rendered = rendering.render_text(latest.text, title).rendered
    with write_transaction():
        page.is_deleted = False
        actionlog.record(action="undelete", actor=actor.name, title=title, reason=reason)
        rendering.record_links(page, rendered)
        after = invalidation.PageState(
            exists=True, is_redirect=page.is_redirect,
            categories=frozenset(rendered.categories), links=frozenset(rendered.links),
        )
        invalidation.publish([invalidation.PageChange(title, invalidation.MISSING, after)],
                             registry())


def rollback(title: Title, from_author: str, actor: pages.Author) -> pages.SaveResult:
    """Revert all consecutive latest edits by from_author in one new revision."""
    permissions.require_admin(actor.role, "roll back edits")
    page = pages.get_page(title)
    latest = pages.latest_revision(page)
    if latest.author != from_author:
        raise NothingToRollBack(
            f"The last edit is by {latest.author}, not {from_author}; someone edited meanwhile.")
    target = db.session.scalar(
        sa.select(Revision).where(Revision.page_id == page.id, Revision.author != from_author)
        .order_by(Revision.id.desc()).limit(1)
    )
    if target is None:
        raise NothingToRollBack(f"{from_author} is the only author of this page; nothing to "
                                "roll back to.")
    with write_transaction():
        result = pages.save_edit(
            title, target.text, author=actor, base_revision_id=latest.id,
            summary=f"Reverted edits by {from_author} to last revision by {target.author}",
        )
        actionlog.record(action="rollback", actor=actor.name, title=title,
                         details=f"edits by {from_author} reverted to revision {target.id}")
    return result


def undo(title: Title, undo_id: int, undo_after_id: int | None) -> UndoResult:
    """The current text with the change from revision undo_after to undo taken out."""
    page = pages.get_page(title)
    undone = pages.get_revision(undo_id, page)
    before = (pages.get_revision(undo_after_id, page) if undo_after_id
              else pages.parent_revision(undone))
    if before is None:
        raise BadParameter("The first revision of a page cannot be undone; delete the page.")
    if before.id >= undone.id:
        raise BadParameter("undoafter must name a revision older than undo.")
    current = pages.latest_revision(page)
    merged = merge_texts(undone.text, before.text, current.text)
    summary = f"Undid revision {undone.id} by {undone.author}"
    return UndoResult(pages.normalize_text(merged.text) if merged.clean and merged.text is not None
                      else None, summary, current)
