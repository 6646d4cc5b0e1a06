"""Alembic's environment for the wiki: migrations run on the Flask app's own engine and models.

Run through Flask-Migrate (`flask --app wiki db upgrade`, or `flask --app wiki init`), which
pushes the app context this module reads.
"""

from __future__ import annotations

import logging

from alembic import context
from alembic.operations.ops import MigrationScript
from alembic.runtime.migration import MigrationContext
from flask import current_app

log = logging.getLogger("alembic.env")
config = context.config
database = current_app.extensions["migrate"].db
engine = database.engine
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)
target_metadata = database.metadata


def run_migrations_offline() -> None:
    """Emit SQL to stdout (alembic --sql) without a live connection."""
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _skip_empty_autogenerate(migration_context: MigrationContext, revision: object,
                             directives: list[MigrationScript]) -> None:
    """Do not write a migration file when the models did not change."""
    if not getattr(config.cmd_opts, "autogenerate", False):
        return
    upgrade_ops = directives[0].upgrade_ops
    if upgrade_ops is not None and upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in schema detected.")


def run_migrations_online() -> None:
    """Run the migrations on the app's engine."""
    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("process_revision_directives", _skip_empty_autogenerate)
    # SQLite cannot ALTER most things in place; batch mode copies the table instead.
    options.setdefault("render_as_batch", engine.dialect.name == "sqlite")
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
