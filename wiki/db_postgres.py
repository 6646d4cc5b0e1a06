"""What only PostgreSQL needs: the write lock. SQLite lets one writer in at a time by itself;
on PostgreSQL every write transaction takes one transaction-level advisory lock, so writes take
turns there too and a write can trust what it checked inside its transaction."""

from __future__ import annotations

import sqlalchemy as sa

WRITE_LOCK_KEY = 0x77696B69  # any constant; "wiki" in ASCII


def take_write_lock(connection: sa.Connection, *, wait: bool) -> bool:
    """Take the write lock for this transaction; with wait=False give up at once (False)."""
    if wait:
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
        return True
    taken = connection.execute(sa.text("SELECT pg_try_advisory_xact_lock(:key)"),
                               {"key": WRITE_LOCK_KEY}).scalar()
    return bool(taken)
