"""What only SQLite needs: WAL, foreign keys and a busy timeout on every connection, and write
transactions that begin IMMEDIATE (taking the write lock up front), with a short busy timeout
when the writer would rather give up than wait."""

from __future__ import annotations

import contextvars
import sqlite3

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.pool import ConnectionPoolEntry

QUICK_BUSY_TIMEOUT_MS = 50

# The busy timeout the next write transaction begins with, when it is not the configured one.
_busy_timeout: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "busy_timeout", default=None)


def configure(app: Flask) -> None:
    """Engine options: each request thread gets its own connection; writers queue."""
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"].setdefault(
        "connect_args", {"timeout": app.config["WIKI_SQLITE_BUSY_TIMEOUT_MS"] / 1000}
    )


def install(engine: sa.Engine, busy_timeout_ms: int,
            writing: contextvars.ContextVar[bool]) -> None:
    """Pragmas on every new connection, and BEGIN IMMEDIATE for write transactions."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # pysqlite opens transactions lazily and never for BEGIN; take control so writes
        # start with BEGIN IMMEDIATE and cannot deadlock on a lock upgrade.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        if not writing.get():
            connection.exec_driver_sql("BEGIN")
            return
        # Every write sets its timeout, so a quick attempt never leaves a short one behind.
        timeout = _busy_timeout.get() or busy_timeout_ms
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(timeout)}")
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def quick_attempt() -> contextvars.Token[int | None]:
    """Make the next write transaction of this context wait only briefly for the lock."""
    return _busy_timeout.set(QUICK_BUSY_TIMEOUT_MS)


def end_quick_attempt(token: contextvars.Token[int | None]) -> None:
    """Back to the configured busy timeout."""
    _busy_timeout.reset(token)


def is_busy(error: sa.exc.OperationalError) -> bool:
    """True when SQLite gave up waiting for another writer."""
    return "database is locked" in str(error.orig) or "database is busy" in str(error.orig)
