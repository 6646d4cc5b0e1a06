"""The application around the pages: configuration and its precedence, the secret key, SQLite
connection settings, `flask init` and the seeded content, and the README's settings table."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from wikitest import make_app

from wiki import create_app, pages
from wiki.config import SETTINGS
from wiki.db import db
from wiki.models import Page, Revision
from wiki.paths import PROJECT_ROOT
from wiki.seed import SEED_DIR, WRITTEN_HERE

ARTICLE_PATH = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"
SETTING_NAMES = [name for name, _default, _help in SETTINGS]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No WIKI_* variable from the surrounding shell leaks into these tests."""
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)


def new_app(instance: Path, **overrides: object) -> Flask:
    """An app on its own instance folder with only the given test settings."""
    instance.mkdir(parents=True, exist_ok=True)
    return create_app({"TESTING": True, **overrides}, instance_path=str(instance))


def dispose(app: Flask) -> None:
    with app.app_context():
        db.engine.dispose()


def counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        page_count = db.session.scalar(sa.select(sa.func.count()).select_from(Page)) or 0
        revision_count = db.session.scalar(sa.select(sa.func.count()).select_from(Revision)) or 0
        return page_count, revision_count


# ---------------------------------------------------------------------------------------------
# configuration


def test_defaults(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    app = new_app(instance)
    for name, default, _help in SETTINGS:
        if default is not None:
            assert app.config[name] == default, name
    assert app.config["WIKI_SITE_NAME"] == "Wiki"
    assert app.config["WIKI_MAX_ARTICLE_BYTES"] == 2 * 1024 * 1024
    assert app.config["WIKI_HISTORY_LIMIT"] == 50
    assert app.config["WIKI_DATABASE_URL"] == "sqlite:///" + str(instance / "wiki.sqlite3")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == app.config["WIKI_DATABASE_URL"]
    dispose(app)


def test_templates_and_static_files_come_from_the_project(client: FlaskClient) -> None:
    assert Path(client.application.template_folder or "").resolve() == (
        PROJECT_ROOT / "templates").resolve()
    response = client.get("/static/css/wiki.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    response.close()


def test_instance_config_overrides_defaults(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('WIKI_SITE_NAME = "File wiki"\nWIKI_HISTORY_LIMIT = 7\n')
    app = new_app(instance)
    assert app.config["WIKI_SITE_NAME"] == "File wiki"
    assert app.config["WIKI_HISTORY_LIMIT"] == 7
    assert app.config["WIKI_HISTORY_MAX_LIMIT"] == 500  # untouched settings keep their default
    dispose(app)


def test_environment_overrides_instance_config(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('WIKI_SITE_NAME = "File wiki"\nWIKI_HISTORY_LIMIT = 7\n')
    monkeypatch.setenv("WIKI_SITE_NAME", "Env wiki")
    monkeypatch.setenv("WIKI_MAX_SUMMARY_CHARS", "321")
    database = tmp_path / "elsewhere.sqlite3"
    monkeypatch.setenv("WIKI_DATABASE_URL", f"sqlite:///{database}")
    app = new_app(instance)
    assert app.config["WIKI_SITE_NAME"] == "Env wiki"
    assert app.config["WIKI_MAX_SUMMARY_CHARS"] == 321  # read as the default's type
    assert app.config["WIKI_HISTORY_LIMIT"] == 7  # from the file, not in the environment
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{database}"
    dispose(app)


def test_test_mapping_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('WIKI_SITE_NAME = "File wiki"\n')
    monkeypatch.setenv("WIKI_SITE_NAME", "Env wiki")
    monkeypatch.setenv("WIKI_HISTORY_LIMIT", "9")
    app = new_app(instance, WIKI_SITE_NAME="Mapping wiki")
    assert app.config["WIKI_SITE_NAME"] == "Mapping wiki"
    assert app.config["WIKI_HISTORY_LIMIT"] == 9
    dispose(app)


def test_site_name_setting_reaches_the_pages(tmp_path: Path, seeded_database: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(seeded_database, instance / "wiki.sqlite3")
    (instance / "config.py").write_text(
        'WIKI_SITE_NAME = "Relations Wiki"\nWIKI_HISTORY_LIMIT = 1\n')
    app = new_app(instance, WIKI_DATABASE_URL=f"sqlite:///{instance / 'wiki.sqlite3'}",
                  WIKI_SECRET_KEY="x")
    client = app.test_client()
    html = client.get(ARTICLE_PATH).get_data(as_text=True)
    assert "<title>Azerbaijan–Kosovo relations – Relations Wiki</title>" in html
    history = client.get("/wiki/Main_Page?action=history").get_data(as_text=True)
    assert history.count('class="history-row"') == 1
    dispose(app)


# ---------------------------------------------------------------------------------------------
# secret key


def test_secret_key_is_generated_once_and_reused(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    first = new_app(instance)
    key_file = instance / "secret_key"
    assert key_file.is_file()
    key = key_file.read_text().strip()
    assert len(key) >= 32
    assert first.config["SECRET_KEY"] == key
    assert stat.S_IMODE(key_file.stat().st_mode) & 0o077 == 0  # readable by its owner only
    second = new_app(instance)
    assert second.config["SECRET_KEY"] == key
    assert key_file.read_text().strip() == key
    other = new_app(tmp_path / "other")
    assert other.config["SECRET_KEY"] != key  # each instance its own
    for app in (first, second, other):
        dispose(app)


def test_secret_key_from_the_environment_is_used(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIKI_SECRET_KEY", "from the environment")
    instance = tmp_path / "instance"
    app = new_app(instance)
    assert app.config["SECRET_KEY"] == "from the environment"
    assert not (instance / "secret_key").exists()
    dispose(app)


def test_instance_folder_is_not_committed() -> None:
    ignored = (PROJECT_ROOT / ".gitignore").read_text().splitlines()
    assert any(line.strip().rstrip("*/").strip("/") == "instance" for line in ignored)


# ---------------------------------------------------------------------------------------------
# SQLite


def test_sqlite_connections_are_tuned(tmp_path: Path, seeded_database: Path) -> None:
    # SQLite-specific by nature, so on its own SQLite copy whatever server the run targets
    instance = tmp_path / "sqlite"
    instance.mkdir()
    shutil.copy(seeded_database, instance / "wiki.sqlite3")
    app = make_app(instance)
    with app.app_context():
        for _ in range(2):  # a fresh connection each time, not just the first one
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
            db.engine.dispose()


def test_foreign_keys_are_enforced(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        with pytest.raises(sa.exc.IntegrityError):
            connection.exec_driver_sql(
                "INSERT INTO revisions (page_id, timestamp, author, author_is_ip, summary, minor,"
                " text, size, sha1) VALUES (987654, '2020-01-01 00:00:00', 'x', FALSE, '',"
                " FALSE, 'x', 1, 'x')"
            )
        connection.rollback()


# ---------------------------------------------------------------------------------------------
# init and seeding


def test_init_seeds_an_empty_database_once(tmp_path: Path) -> None:
    instance = tmp_path / "fresh"
    app = make_app(instance)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    first = counts(app)
    seed_files = len(list(SEED_DIR.glob("*.md")))
    assert first[0] == seed_files
    assert first[1] == seed_files

    client = app.test_client()
    assert client.get(ARTICLE_PATH).status_code == 200
    assert client.get("/wiki/Main_Page").status_code == 200

    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert counts(app) == first
    dispose(app)


def test_init_on_an_empty_schema_seeds_it(empty_app: Flask) -> None:
    assert counts(empty_app) == (0, 0)
    result = empty_app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    seeded = counts(empty_app)
    assert seeded[0] > 0 and seeded[1] == seeded[0]
    assert empty_app.test_client().get(ARTICLE_PATH).status_code == 200


def test_init_leaves_an_edited_wiki_alone(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    before = counts(app)
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert counts(app) == before


def test_seeded_revisions_are_by_the_system_user(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Revision.author, Revision.author_is_ip, Revision.summary,
                      Revision.parent_id)
        ).all()
    assert rows
    assert {row.author for row in rows} == {pages.SYSTEM.name}
    assert not any(row.author_is_ip for row in rows)
    imported = ("Imported from Wikipedia: [https://en.wikipedia.org/wiki/"
                "Azerbaijan%E2%80%93Kosovo_relations Azerbaijan–Kosovo relations] (CC BY-SA 4.0)")
    assert {row.summary for row in rows} == {imported, WRITTEN_HERE}
    assert [row.summary for row in rows].count(imported) == 1
    assert WRITTEN_HERE == "Written for this wiki; CC BY-SA 4.0"
    assert all(row.parent_id is None for row in rows)  # one revision per seeded page
    history = client.get(ARTICLE_PATH + "?action=history").get_data(as_text=True)
    assert pages.SYSTEM.name in history
    link = ('<a href="https://en.wikipedia.org/wiki/Azerbaijan%E2%80%93Kosovo_relations" '
            'class="external" rel="nofollow ugc">Azerbaijan–Kosovo relations</a>')
    assert f"Imported from Wikipedia: {link} (CC BY-SA 4.0)" in history
    stub = client.get("/wiki/Baku?action=history").get_data(as_text=True)
    assert "Written for this wiki; CC BY-SA 4.0" in stub and "Imported" not in stub


def test_every_link_in_every_seeded_page_is_blue(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        titles = [page.title for page in db.session.scalars(sa.select(Page))]
    for title in titles:
        response = client.get("/wiki/" + title.replace(" ", "_"))
        assert response.status_code == 200, title
        html = response.get_data(as_text=True)
        content = html.partition('<div class="wiki-content">')[2].partition("</main>")[0]
        assert content, title
        assert 'class="new"' not in content, title


# ---------------------------------------------------------------------------------------------
# README


README = PROJECT_ROOT / "README.md"


@pytest.mark.parametrize("name", SETTING_NAMES)
def test_every_setting_is_documented_in_the_readme(name: str) -> None:
    documented = name in README.read_text(encoding="utf-8")
    assert documented, f"{name} is not in README.md"


def test_readme_credits_the_licence() -> None:
    text = README.read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in text
    assert "Wikipedia" in text
