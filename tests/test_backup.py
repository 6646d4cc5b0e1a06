"""Backups: `flask backup` copies an SQLite wiki while people edit it, and on PostgreSQL points
to pg_dump, whose dump restores into an equal database (tested in the PostgreSQL run)."""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from wikitest import TEST_DATABASE_URL, PostgresServer, create, make_app, wait_for

from wiki import backup, pages
from wiki.titles import parse_title

ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="SQLite backups; this run is on PostgreSQL")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="pg_dump needs the PostgreSQL run")


def database_file(app: Flask) -> Path:
    """The app's SQLite file."""
    return backup.sqlite_file(app.config["WIKI_DATABASE_URL"])


def rows(url: str, query: str) -> list[tuple[object, ...]]:
    """Every row a query returns from the database at url."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.exec_driver_sql(query)]
    finally:
        engine.dispose()


PAGES = "SELECT * FROM pages ORDER BY id"
REVISIONS = "SELECT * FROM revisions ORDER BY id"


def integrity(path: Path) -> str:
    """SQLite's full integrity check of a file."""
    connection = sqlite3.connect(path)
    try:
        return "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
    finally:
        connection.close()


# ---------------------------------------------------------------------------------------------
# SQLite


@sqlite_only
def test_backup_copies_the_wiki(app: Flask, runner, tmp_path: Path) -> None:
    create(app, "Backed up", "Some text.")
    target = tmp_path / "copy.sqlite3"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert f"to {target} in" in result.output and "passed its check" in result.output
    assert integrity(target) == "ok"
    source = app.config["WIKI_DATABASE_URL"]
    for query in (PAGES, REVISIONS):
        assert rows(f"sqlite:///{target}", query) == rows(source, query)
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    copy.close()
    assert sorted(path.name for path in tmp_path.iterdir() if "copy" in path.name) \
        == ["copy.sqlite3"]
    restored = make_app(tmp_path / "restored", WIKI_DATABASE_URL=f"sqlite:///{target}")
    page = restored.test_client().get("/wiki/Backed_up")
    assert page.status_code == 200 and "Some text." in page.get_data(as_text=True)


@sqlite_only
def test_backup_never_overwrites(app: Flask, runner, tmp_path: Path) -> None:
    target = tmp_path / "existing.sqlite3"
    target.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert target.read_bytes() == b"keep me"
    result = runner.invoke(args=["backup", str(tmp_path / "no folder" / "copy.sqlite3")])
    assert result.exit_code == 1 and "There is no folder" in result.output


@sqlite_only
def test_backup_during_concurrent_edits(app: Flask, tmp_path: Path) -> None:
    """Writers save through the one writer while the copy is made in small steps: every edit
    acknowledged before the backup began is in the copy, the copy is sound and consistent,
    and the writers were never held up by it."""
    writers = 3
    acknowledged: list[tuple[float, int]] = []  # (monotonic time, revision id)
    failures: list[BaseException] = []
    stop = threading.Event()

    def edit(number: int) -> None:
        title = parse_title(f"Concurrent page {number}")
        base: int | None = None
        count = 0
        try:
            with app.app_context():
                while not stop.is_set():
                    count += 1
                    result = pages.save_edit(title, f"Edit {count} of writer {number}.",
                                             author=pages.Author(f"Writer {number}"),
                                             base_revision_id=base)
                    base = result.revision.id
                    acknowledged.append((time.monotonic(), result.revision.id))
        except BaseException as error:  # reported by the test below
            failures.append(error)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: len(acknowledged) >= 3 * writers or bool(failures),
                 "the writers saved nothing for a minute")
        target = tmp_path / "busy.sqlite3"
        waited: list[bool] = []

        def progress(_remaining: int, _total: int) -> None:
            """One page a step and a pause after each, so that edits happen while it copies;
            after the first step, however slow the machine, until each writer could save."""
            if not waited:
                waited.append(True)
                goal = len(acknowledged) + writers
                wait_for(lambda: len(acknowledged) >= goal or bool(failures),
                         "the writers were held up by the copy")
            time.sleep(0.005)

        began = time.monotonic()
        report = backup.backup_sqlite(database_file(app), target, step_pages=1, progress=progress)
        ended = time.monotonic()
        time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not failures, failures
    assert report.pages > 50
    before = {revision for at, revision in acknowledged if at < began}
    during = [revision for at, revision in acknowledged if began <= at <= ended]
    assert before and len(during) >= writers, "the writers waited for the backup"
    assert integrity(target) == "ok"
    copied = {row[0] for row in rows(f"sqlite:///{target}", "SELECT id FROM revisions")}
    assert before <= copied
    # One moment of the wiki: every page's pointer names a revision in the copy, and every
    # revision in the copy belongs to a page whose pointer is at it or later.
    latest = dict(rows(f"sqlite:///{target}", "SELECT id, latest_revision_id FROM pages"))
    assert set(latest.values()) <= copied
    for revision, page in rows(f"sqlite:///{target}", "SELECT id, page_id FROM revisions"):
        assert latest[page] is not None and latest[page] >= revision


def test_backup_of_postgres_points_to_pg_dump() -> None:
    with pytest.raises(backup.BackupError) as raised:
        backup.sqlite_file("postgresql://wiki:secret@db.example.org:5433/wiki?sslmode=require")
    message = str(raised.value)
    assert "pg_dump --format=custom --file=wiki.dump " \
           "'postgresql://wiki@db.example.org:5433/wiki?sslmode=require'" in message
    assert "secret" not in message and "pg_restore" in message


def test_backup_of_a_database_in_memory_is_refused() -> None:
    with pytest.raises(backup.BackupError, match="not a file"):
        backup.sqlite_file("sqlite://")


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def postgres_tool(name: str) -> str:
    """The newest installed copy of a PostgreSQL client program (a dump needs a pg_dump at least
    as new as the server); the test fails when there is none."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit()
                   else 0)
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path is None:
        pytest.fail(f"{name} is needed to test PostgreSQL backups and is not installed")
    return on_path


def libpq_url(url: str) -> str:
    """A database URL as libpq's programs read it (no SQLAlchemy driver name)."""
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(
        hide_password=False)


@postgres_only
def test_backup_command_on_postgres_points_to_pg_dump(runner) -> None:
    result = runner.invoke(args=["backup", "copy.sqlite3"])
    assert result.exit_code == 1
    assert "pg_dump --format=custom --file=wiki.dump" in result.output
    assert not Path("copy.sqlite3").exists()


@postgres_only
def test_pg_dump_restores_an_equal_wiki(app: Flask, postgres: PostgresServer,
                                        tmp_path: Path) -> None:
    """The README's pg_dump and pg_restore commands make an equal copy of pages and revisions."""
    create(app, "Dumped", "Text for pg_dump.")
    source = app.config["WIKI_DATABASE_URL"]
    dump = tmp_path / "wiki.dump"
    environment = dict(os.environ, PGCONNECT_TIMEOUT="10")
    subprocess.run([postgres_tool("pg_dump"), "--format=custom", f"--file={dump}",
                    libpq_url(source)], check=True, env=environment, timeout=300)
    name = f"wiki_restored_{uuid.uuid4().hex[:12]}"
    restored = postgres.create(name)
    try:
        subprocess.run([postgres_tool("pg_restore"), "--no-owner", "--exit-on-error",
                        f"--dbname={libpq_url(restored)}", str(dump)],
                       check=True, env=environment, timeout=300)
        for query in (PAGES, REVISIONS):
            assert rows(restored, query) == rows(source, query)
        assert rows(restored, "SELECT count(*) FROM revisions")[0][0] > 1
        page = make_app(tmp_path / "restored", WIKI_DATABASE_URL=restored).test_client()
        response = page.get("/wiki/Dumped")
        assert response.status_code == 200
        assert "Text for pg_dump." in response.get_data(as_text=True)
    finally:
        postgres.drop(name)
