"""The wiki's one clock: now in UTC, naive (as stored), to the second."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now in UTC, naive (as every timestamp is stored), to the second."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def precise_utcnow() -> datetime:
    """Now in UTC, naive, to the microsecond: for stamps that must differ between two events
    in one second (a render stored, dropped and stored again)."""
    return datetime.now(UTC).replace(tzinfo=None)
