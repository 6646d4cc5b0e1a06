"""The action log: protections, deletions, undeletions, rollbacks, new accounts, sessions ended
by administrators and imports, as Special:Log and each page's history show them."""

from __future__ import annotations

import sqlalchemy as sa

from wiki import clock
from wiki.db import db
from wiki.models import LogEntry
from wiki.titles import Title

ACTIONS = {
    "protect": "protected",
    "unprotect": "removed protection from",
    "delete": "deleted",
    "undelete": "restored",
    "rollback": "rolled back edits on",
    "newusers": "created the account of",
    "endsessions": "ended every session of",
    "import": "imported",
}


def record(*, action: str, actor: str, title: Title, reason: str = "", details: str = "") -> None:
    """Add an entry (within the caller's transaction)."""

    db.session.add(LogEntry(
        timestamp=clock.utcnow(), action=action, actor=actor, namespace=title.namespace,
        title=title.text, reason=reason[:500], details=details[:2000],
    ))


def entries(*, action: str | None = None, title: Title | None = None, actor: str | None = None,
            limit: int = 50, offset: int = 0) -> tuple[list[LogEntry], bool]:
    """Log entries newest first, filtered, and whether more remain."""
    query = sa.select(LogEntry)
    if action:
        query = query.where(LogEntry.action == action)
    if title is not None:
        query = query.where(LogEntry.namespace == title.namespace, LogEntry.title == title.text)
    if actor:
        query = query.where(LogEntry.actor == actor)
    rows = list(db.session.scalars(
        query.order_by(LogEntry.id.desc()).offset(offset).limit(limit + 1)
    ))
    return rows[:limit], len(rows) > limit
