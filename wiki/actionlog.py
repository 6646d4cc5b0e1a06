"""The action log: protections, deletions, undeletions, rollbacks, new accounts, changes of an
account's role, sessions ended by administrators and imports, as Special:Log and each page's
history show them. Entries are only ever added."""

from __future__ import annotations

from datetime import datetime

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
    "rights": "changed the role of",
    "import": "imported",
}


def record(*, action: str, actor: str, title: Title, reason: str = "", details: str = "") -> None:
    """Add an entry (within the caller's transaction)."""

    db.session.add(LogEntry(
        timestamp=clock.utcnow(), action=action, actor=actor, namespace=title.namespace,
        title=title.text, reason=reason[:500], details=details[:2000],
    ))


# Built once: the newest entry's id and time. Entries are never changed, so every view of the
# log depends on these alone (besides its filters).
_NEWEST = sa.select(sa.func.max(LogEntry.id), sa.func.max(LogEntry.timestamp))


def newest() -> tuple[int | None, datetime | None]:
    """The newest entry's id and the newest entry's time (None, None for an empty log)."""
    row = db.session.execute(_NEWEST).one()
    return row[0], row[1]


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
