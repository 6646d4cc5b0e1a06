"""Command-line tasks (flask --app wiki ...): init migrates, checks the wiki templates, seeds and
runs the upgrade steps (e.g. old hub titles become redirects); seed alone (with the upgrade
steps); accounts; caches; a synthetic corpus for benchmarks; export to XML, import of a MediaWiki
XML export, and backups.

Commands call the services only; the seeded pages are saved through pages.save_edit like any edit.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import Migrate, upgrade

from wiki import accounts, backup, corpus, pages, rendering, search, seed
from wiki.db import db, write_transaction
from wiki.dumps import export, importer
from wiki.dumps.progress import Progress

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Search tables are made by hand in their migration; autogenerate must not propose dropping them.
migrate = Migrate(directory=str(MIGRATIONS), include_name=search.include_in_autogenerate)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Upgrade the schema to the latest migration, seed an empty wiki, upgrade old pages."""
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    upgrade(directory=str(MIGRATIONS))
    changed = rendering.refresh_templates()
    if changed:
        click.echo(f"Wiki templates changed since the last check: {', '.join(changed)}.")
    created = seed.seed_if_empty()
    if created:
        rendering.render_missing()
        click.echo(f"Seeded {created} pages.")
    else:
        click.echo("The database is up to date; it already has pages, so nothing was seeded.")
    _upgrade_pages()


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Save the seed pages that do not exist yet (existing pages are left alone), and bring
    pages stored under older rules up to date."""
    created = seed.seed_missing()
    click.echo(f"Created {created} pages.")
    _upgrade_pages()


def _upgrade_pages() -> None:
    """Bring pages stored under older rules up to date, and say what changed."""
    for change in seed.run_upgrades():
        click.echo(change)


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
    """Forget every stored render; pages re-render on their next view."""
    with write_transaction():
        purged = rendering.purge_all()
    click.echo(f"Purged {purged} cached renders.")


@click.command("refresh-templates")
@with_appcontext
def refresh_templates_command() -> None:
    """Re-render (on their next view) the pages that use a wiki template changed since the last
    check; `init` does this too."""
    changed = rendering.refresh_templates()
    if changed:
        click.echo(f"Changed templates: {', '.join(changed)}; the pages using them will "
                   "re-render on their next view.")
    else:
        click.echo("No wiki template changed.")


@click.command("generate-corpus")
@click.option("--pages", "page_count", type=click.IntRange(min=1), required=True,
              help="How many synthetic pages to create.")
@click.option("--revisions", type=click.IntRange(min=1), default=1, show_default=True,
              help="Revisions per page (for the pages --revised-share picks; the rest get one).")
@click.option("--revised-share", type=click.FloatRange(0.0, 1.0), default=1.0,
              show_default=True, help="Share of the pages that get all --revisions revisions.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Plans the titles and texts; the same seed gives the same corpus.")
@with_appcontext
def generate_corpus_command(page_count: int, revisions: int, revised_share: float,
                            seed: int) -> None:
    """Save synthetic pages for benchmarks through the one writer; existing titles are skipped."""
    total = corpus.planned_saves(page_count, revisions, revised_share)
    with click.progressbar(length=total, label="Saving revisions") as bar:
        report = corpus.generate(page_count, revisions, seed, share=revised_share,
                                 progress=bar.update)
    revised = len(corpus.edited_pages(page_count, revised_share)) if revisions > 1 else 0
    click.echo(
        f"Created {report.created:,} pages ({report.skipped:,} titles existed and were skipped) "
        f"with {report.revisions:,} revisions in {report.seconds:.1f} s: "
        f"{report.pages_per_second:.1f} pages/s, {report.revisions_per_second:.1f} revisions/s."
    )
    if revisions > 1 and revised < page_count:
        click.echo(f"{revised:,} of the {page_count:,} planned pages get {revisions} revisions; "
                   "the others get one.")


@click.command("export")
@click.argument("titles", nargs=-1)
@click.option("--full", is_flag=True, help="Every revision of each page, not only the current one.")
@click.option("--category", "categories", multiple=True,
              help="Also export the pages of this category (may be given more than once).")
@click.option("--output", "-o", type=click.File("wb"), default="-",
              help="The file to write (default: standard output).")
@with_appcontext
def export_command(titles: tuple[str, ...], full: bool, categories: tuple[str, ...],
                   output: BinaryIO) -> None:
    """Write pages in MediaWiki's XML export format: every page, or the TITLES named and the
    pages of each --category. Names that are not pages are skipped with a note."""
    if titles or categories:
        selection, skipped = export.choose(titles, categories)
        for item in skipped:
            click.echo(f"Skipped {item.name}: {item.reason}.", err=True)
        if selection.empty:
            raise click.ClickException("Nothing to export.")
    else:
        selection = export.Selection(everything=True)
    for chunk in export.export_xml(selection, full_history=full):
        output.write(chunk.encode("utf-8"))
    output.flush()


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--step-pages", type=click.IntRange(min=1), default=backup.STEP_PAGES,
              show_default=True, help="Database pages copied per step.")
@with_appcontext
def backup_command(path: Path, step_pages: int) -> None:
    """Copy the SQLite database to the new file PATH while the wiki serves (on PostgreSQL, use
    pg_dump)."""
    try:
        source = backup.sqlite_file(current_app.config["WIKI_DATABASE_URL"])
        report = backup.backup_sqlite(source, path, step_pages=step_pages)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Copied {report.pages:,} pages ({report.size / 1048576:.1f} MiB) to "
               f"{report.path} in {report.seconds:.1f} s; the copy passed its check.")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True,
              help="Read and check the whole file and report what would be imported; write "
                   "nothing.")
@click.option("--max-xml-bytes", type=click.IntRange(min=1), default=2 * 1024**3,
              show_default=True,
              help="Stop after this much XML, once decompressed (a guard against compression "
                   "bombs).")
@with_appcontext
def import_command(file: Path, dry_run: bool, max_xml_bytes: int) -> None:
    """Import a MediaWiki XML export (FILE: .xml, .xml.gz or .xml.bz2) with every revision's
    author, time, summary and minor flag; wikitext is converted to Markdown. Exits with 1 when
    a page failed or the file could not be read to its end."""
    with file.open("rb") as raw:
        progress = Progress(sys.stderr, raw, file.stat().st_size)
        report = importer.import_dump(raw, file.name, by=pages.SYSTEM, dry_run=dry_run,
                                      max_xml_bytes=max_xml_bytes, progress=progress)
        progress.finish(report)
    for line in report.lines():
        click.echo(line)
    if not report.complete:
        raise click.exceptions.Exit(1)


def init_app(app: Flask) -> None:
    """Register the commands and Flask-Migrate's `flask db` group."""
    migrate.init_app(app, db)
    app.cli.add_command(init_command)
    app.cli.add_command(seed_command)
    app.cli.add_command(purge_cache_command)
    app.cli.add_command(refresh_templates_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(generate_corpus_command)
    app.cli.add_command(export_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(import_command)
