"""The database handle: declarative Base, the Flask-SQLAlchemy object, and write transactions.

Every write runs in write_transaction(), which holds the database's one write lock for its
duration: SQLite's own (BEGIN IMMEDIATE, see db_sqlite) or, on PostgreSQL, a transaction-level
advisory lock (see db_postgres). Writers therefore take turns on both engines, which is what lets
a write check what it read (a render's inputs, a page's latest revision) without a race.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from wiki import db_postgres, db_sqlite


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

if TYPE_CHECKING:
    # mypy cannot take an attribute as a base class (python/mypy#8603). db.Model is built from
    # Base's body plus Flask-SQLAlchemy's mixins, so models are checked as Base subclasses.
    Model = Base
else:
    Model = db.Model

# Set while a write transaction is open: nested calls join it, and SQLite begins it IMMEDIATE.
_writing: contextvars.ContextVar[bool] = contextvars.ContextVar("writing", default=False)


def writing() -> bool:
    """True inside a write transaction (whose changes other sessions do not see yet)."""
    return _writing.get()


class WriteBusy(Exception):
    """Another writer holds the lock and the caller chose not to wait for it."""


def init_app(app: Flask) -> None:
    """Bind the database to the app and tune the engine's connections."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    sqlite = url.get_backend_name() == "sqlite"
    if sqlite:
        db_sqlite.configure(app)
    db.init_app(app)
    if sqlite:
        with app.app_context():
            db_sqlite.install(db.engine, app.config["WIKI_SQLITE_BUSY_TIMEOUT_MS"], _writing)


@contextmanager
def write_transaction(*, wait: bool = True) -> Iterator[None]:
    """One transaction for one write: commits at the end, rolls back on any exception.

    It takes the write lock up front, waiting for it (up to SQLite's busy timeout), or with
    wait=False raising WriteBusy at once when another writer has it: a read that would like to
    store something it computed uses that, and serves its answer unstored rather than wait.
    Nested calls join the outer transaction, so several saves can commit (or fail) together.
    """
    if _writing.get():
        yield
        return
    db.session.commit()  # close any read transaction the request has open
    token = _writing.set(True)
    quick = None if wait else db_sqlite.quick_attempt()
    try:
        with db.session.begin():
            try:
                connection = db.session.connection()
            except sa.exc.OperationalError as error:
                if not wait and db_sqlite.is_busy(error):
                    raise WriteBusy(str(error)) from error
                raise
            if connection.dialect.name == "postgresql" and \
                    not db_postgres.take_write_lock(connection, wait=wait):
                raise WriteBusy("another writer holds the write lock")
            yield
    finally:
        if quick is not None:
            db_sqlite.end_quick_attempt(quick)
        _writing.reset(token)


def is_sqlite() -> bool:
    """True when the bound engine is SQLite."""
    return db.engine.dialect.name == "sqlite"
