"""Backups of a wiki that keeps serving: SQLite's online backup API copies the database file
while people edit. PostgreSQL has pg_dump for this, and `flask backup` says so.

The copy is one consistent moment of the wiki. SQLite restarts a backup whenever another
connection writes between two of its steps, which under steady editing could go on for ever; so
the copying connection holds one read transaction for the whole copy. In WAL mode (which the wiki
always uses) a reader never blocks writers, so edits go on, and the copy shows the database as it
was when the copy began. Copying in steps of a few pages lets other threads run between them.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

STEP_PAGES = 1024  # database pages copied per step (4 MiB at SQLite's default page size)


class BackupError(Exception):
    """A backup that cannot be made, with a message for the operator."""


@dataclass(frozen=True)
class BackupReport:
    """What a backup copied: its file, the database's pages and bytes, and how long it took."""

    path: Path
    pages: int
    size: int
    seconds: float


def sqlite_file(database_url: str) -> Path:
    """The database file of an SQLite URL; BackupError (saying what to do) for anything else."""
    url = sa.engine.make_url(database_url)
    backend = url.get_backend_name()
    if backend == "postgresql":
        address = sa.engine.URL.create(  # no password: it is not for showing
            "postgresql", username=url.username, host=url.host, port=url.port,
            database=url.database, query=url.query)
        raise BackupError(
            "This wiki's database is PostgreSQL, which backs up with its own tools, not with "
            "this command. Dump it with\n"
            f"  pg_dump --format=custom --file=wiki.dump "
            f"'{address.render_as_string(hide_password=False)}'\n"
            "(the password from PGPASSWORD or ~/.pgpass) and restore it with pg_restore; the "
            "README has the commands.")
    if backend != "sqlite":
        raise BackupError(f"Backups of {backend} databases are not supported.")
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError("The database is not a file, so there is nothing to copy.")
    return Path(url.database)


# Told after each step: pages still to copy, and pages in all.
Progress = Callable[[int, int], None]


def backup_sqlite(source: Path, target: Path, *, step_pages: int = STEP_PAGES,
                  busy_timeout: float = 15.0, progress: Progress | None = None) -> BackupReport:
    """Copy the SQLite database `source` to the new file `target` while others write to it,
    check the copy (PRAGMA quick_check) and only then give it its name."""
    if not source.is_file():
        raise BackupError(f"There is no database file at {source}.")
    if target.exists():
        raise BackupError(f"{target} already exists; give a new file name.")
    if not target.parent.is_dir():
        raise BackupError(f"There is no folder {target.parent}.")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    started = time.monotonic()
    try:
        pages = _copy(source, partial, step_pages, busy_timeout, progress)
        _check(partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(target, pages, target.stat().st_size, time.monotonic() - started)


def _copy(source: Path, partial: Path, step_pages: int, busy_timeout: float,
          progress: Progress | None) -> int:
    """Copy the database in steps inside one read transaction; the number of pages copied."""

    def report(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(remaining, total)

    reading = sqlite3.connect(source, timeout=busy_timeout, isolation_level=None)
    copy = sqlite3.connect(partial, isolation_level=None)
    try:
        reading.execute("BEGIN")
        reading.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot begins
        reading.backup(copy, pages=step_pages, progress=report)
        reading.execute("COMMIT")
        pages: int = copy.execute("PRAGMA page_count").fetchone()[0]
        # A file of its own: no write-ahead log beside it (the wiki turns WAL on when it opens it).
        copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        raise BackupError(f"The copy failed: {error}") from error
    finally:
        copy.close()
        reading.close()
    return pages


def _check(path: Path) -> None:
    """BackupError unless SQLite finds the copy sound."""
    connection = sqlite3.connect(path)
    try:
        result = [row[0] for row in connection.execute("PRAGMA quick_check")]
    finally:
        connection.close()
    if result != ["ok"]:
        raise BackupError("The copy failed its check: " + "; ".join(map(str, result[:5])))
