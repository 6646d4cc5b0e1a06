"""The database handle: declarative Base, the Flask-SQLAlchemy object, SQLite connection pragmas."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)

# Set while a write transaction opens, so SQLite starts it with BEGIN IMMEDIATE.
_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar("immediate", default=False)


def init_app(app: Flask) -> None:
    """Bind the database to the app and tune SQLite connections when SQLite is the engine."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        # Each request thread gets its own connection; the busy timeout makes writers queue.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"].setdefault(
            "connect_args", {"timeout": app.config["WIKI_SQLITE_BUSY_TIMEOUT_MS"] / 1000}
        )
    db.init_app(app)
    if url.get_backend_name() == "sqlite":
        with app.app_context():
            _install_sqlite_pragmas(db.engine, app.config["WIKI_SQLITE_BUSY_TIMEOUT_MS"])


def _install_sqlite_pragmas(engine: sa.Engine, busy_timeout_ms: int) -> None:
    """WAL, foreign keys and a busy timeout on every new SQLite connection."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
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
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")


@contextmanager
def write_transaction() -> Iterator[None]:
    """One transaction for one write: commits at the end, rolls back on any exception.

    On SQLite it takes the write lock up front (BEGIN IMMEDIATE): a read transaction that later
    writes can fail at once with "database is locked" whatever the busy timeout, this cannot.
    Nested calls join the outer transaction, so several saves can commit (or fail) together.
    """
    if _immediate.get():
        yield
        return
    db.session.commit()  # close any read transaction the request has open
    token = _immediate.set(True)
    try:
        with db.session.begin():
            yield
    finally:
        _immediate.reset(token)


def is_sqlite() -> bool:
    """True when the bound engine is SQLite."""
    return db.engine.dialect.name == "sqlite"
