"""Command-line tasks (flask --app wiki ...): init migrates and seeds; seed alone; export.

Commands call the services only; the seeded pages are saved through pages.save_edit like any edit.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import Migrate, upgrade

from wiki import accounts, rendering, search, seed
from wiki.db import db

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Search tables are made by hand in their migration; autogenerate must not propose dropping them.
migrate = Migrate(directory=str(MIGRATIONS), include_name=search.include_in_autogenerate)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Upgrade the schema to the latest migration and seed an empty wiki."""
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    upgrade(directory=str(MIGRATIONS))
    created = seed.seed_if_empty()
    if created:
        click.echo(f"Seeded {created} pages.")
    else:
        click.echo("The database is up to date; it already has pages, so nothing was seeded.")


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Save the seed pages that do not exist yet (existing pages are left alone)."""
    created = seed.seed_missing()
    click.echo(f"Created {created} pages.")


@click.command("create-admin")
@click.argument("name")
@click.option("--password", envvar="WIKI_ADMIN_PASSWORD", default=None,
              help="The password (else asked for, or taken from WIKI_ADMIN_PASSWORD).")
@with_appcontext
def create_admin_command(name: str, password: str | None) -> None:
    """Make NAME an administrator, creating the account if it does not exist."""
    existing = accounts.find_user(name)
    if existing is not None:
        accounts.set_role(existing.name, "admin")
        click.echo(f"{existing.name} is now an administrator.")
        return
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_account(name, password, password, role="admin")
    except accounts.AccountError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created the administrator account {user.name}.")


@click.command("purge-cache")
@with_appcontext
def purge_cache_command() -> None:
    """Forget every stored render (e.g. after changing wiki templates); pages re-render on view."""
    purged = rendering.purge_all()
    db.session.commit()
    click.echo(f"Purged {purged} cached renders.")


def init_app(app: Flask) -> None:
    """Register the commands and Flask-Migrate's `flask db` group."""
    migrate.init_app(app, db)
    app.cli.add_command(init_command)
    app.cli.add_command(seed_command)
    app.cli.add_command(purge_cache_command)
    app.cli.add_command(create_admin_command)
