"""Helpers the tests share (imported as `wikitest`): an app factory for tests, the form-posting
client, the patterns that find a form's CSRF token and base revision, and the PostgreSQL
server the second CI run uses. Fixtures built on them live in conftest.py."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
import jinja2.bccache
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from wiki import create_app, pages
from wiki.titles import parse_title

TEST_DATABASE_URL = os.environ.get("WIKI_TEST_DATABASE_URL", "")
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
BASE_FIELD = re.compile(r'name="base_revision" value="([^"]*)"')
TEXTAREA = re.compile(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', re.S)


class SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates kept for the whole test session, so that each test's new app does
    not compile every page template again (Jinja checks each entry against its source)."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with self._lock:
            compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with self._lock:
            self._compiled[bucket.key] = bucket.bytecode_to_string()


SHARED_BYTECODE = SharedBytecode()


def make_app(instance: Path, **overrides: Any) -> Flask:
    """An app on instance/wiki.sqlite3 with test settings and any overrides."""
    settings = {
        "TESTING": True,
        "WIKI_DATABASE_URL": f"sqlite:///{instance / 'wiki.sqlite3'}",
        "WIKI_SECRET_KEY": "test secret",
    }
    settings.update(overrides)
    app = create_app(settings, instance_path=str(instance))
    app.jinja_env.bytecode_cache = SHARED_BYTECODE
    app.extensions["wiki.templates"].environment.bytecode_cache = SHARED_BYTECODE
    return app


class PostgresServer:
    """Creates and drops throwaway databases on the server WIKI_TEST_DATABASE_URL names."""

    def __init__(self, url: str) -> None:
        self.url = sa.engine.make_url(url)
        self.admin = sa.create_engine(self.url.set(database="postgres"),
                                      isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)

    def database_url(self, name: str) -> str:
        """The URL of a database on this server."""
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        """Create a database (as a copy of template, if given) and return its URL."""
        copy = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
        return self.database_url(name)

    def drop(self, name: str) -> None:
        """Drop a database, closing what still connects to it."""
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _connect(self, name: str) -> sa.Connection:
        engine = sa.create_engine(self.url.set(database=name), isolation_level="AUTOCOMMIT",
                                  poolclass=sa.pool.NullPool)
        return engine.connect()

    def snapshot(self, name: str) -> None:
        """Keep a copy of every table's rows and every sequence's position in a schema of the
        database itself, for restore(): much faster than a new database per test. A trigger on
        each table notes the tables a test writes to, so restore() copies back only those."""
        with self._connect(name) as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {SNAPSHOT}")
            for table in _tables(connection):
                connection.exec_driver_sql(
                    f'CREATE TABLE {SNAPSHOT}."{table}" AS TABLE public."{table}"')
            connection.exec_driver_sql(
                f"CREATE TABLE {SNAPSHOT}.sequence_positions AS "
                "SELECT sequencename AS name, last_value, last_value IS NOT NULL AS called "
                "FROM pg_sequences WHERE schemaname = 'public'")
            # No key: writers in concurrent transactions must never wait for each other here.
            connection.exec_driver_sql(f"CREATE UNLOGGED TABLE {SNAPSHOT}.written (name text)")
            connection.exec_driver_sql(
                f"CREATE FUNCTION {SNAPSHOT}.note_write() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN INSERT INTO {SNAPSHOT}.written VALUES (TG_TABLE_NAME); "
                "RETURN NULL; END $$")
            _watch(connection, _tables(connection))

    def restore(self, name: str) -> None:
        """Put the database back as snapshot() found it: end every other session, copy back the
        rows of each table written to since (every table if one lost its trigger, say to a
        migration), and reset the sequences."""
        with self._connect(name) as connection:
            connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            tables = _tables(connection)
            watched = set(connection.exec_driver_sql(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                f"WHERE t.tgname = '{WATCH}'").scalars())
            written = set(connection.exec_driver_sql(
                f"SELECT DISTINCT name FROM {SNAPSHOT}.written").scalars())
            unwatched = [table for table in tables if table not in watched]
            stale = tables if unwatched else [table for table in tables if table in written]
            connection.exec_driver_sql("SET session_replication_role = replica")
            if unwatched:
                listed = ", ".join(f'public."{table}"' for table in tables)
                connection.exec_driver_sql(f"TRUNCATE {listed}")
            for table in stale:
                if not unwatched:  # (foreign keys are not checked in replica mode)
                    connection.exec_driver_sql(f'DELETE FROM public."{table}"')
                connection.exec_driver_sql(
                    f'INSERT INTO public."{table}" SELECT * FROM {SNAPSHOT}."{table}"')
            connection.exec_driver_sql(f"TRUNCATE {SNAPSHOT}.written")
            connection.exec_driver_sql("SET session_replication_role = DEFAULT")
            _watch(connection, unwatched)
            connection.exec_driver_sql(
                "SELECT setval('public.' || quote_ident(name), coalesce(last_value, 1), called) "
                f"FROM {SNAPSHOT}.sequence_positions")


SNAPSHOT = "test_snapshot"
WATCH = "test_snapshot_note_write"


def _watch(connection: sa.Connection, tables: list[str]) -> None:
    """Have each table note in the snapshot schema that a statement wrote to it."""
    for table in tables:
        connection.exec_driver_sql(
            f'CREATE OR REPLACE TRIGGER {WATCH} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
            f'ON public."{table}" FOR EACH STATEMENT EXECUTE FUNCTION {SNAPSHOT}.note_write()')


def _tables(connection: sa.Connection) -> list[str]:
    """The tables of the public schema that hold the wiki's rows."""
    return list(connection.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename <> 'alembic_version' ORDER BY tablename").scalars())


class WikiClient:
    """Performs what a person does with forms: open the edit page, change the text, press a
    button. Token and base revision come from the page, as in a browser."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def edit_form(self, title: str) -> tuple[str, str, str]:
        """(csrf token, base revision, current text) from the title's edit form."""
        page = self.client.get(f"/wiki/{title}?action=edit").get_data(as_text=True)
        token = CSRF_FIELD.search(page)
        base = BASE_FIELD.search(page)
        assert token and base, "the edit form has no token or base revision"
        text = TEXTAREA.search(page)
        return token.group(1), base.group(1), unescape(text.group(1)) if text else ""

    def edit(self, title: str, text: str, *, summary: str = "", minor: bool = False,
             button: str = "save", base: str | None = None, follow: bool = False):  # type: ignore[no-untyped-def]
        """Submit the edit form of a title (base revision as the form had it unless given)."""
        token, form_base, _ = self.edit_form(title)
        data = {"csrf_token": token, "text": text, "summary": summary,
                "base_revision": form_base if base is None else base, button: "1"}
        if minor:
            data["minor"] = "1"
        return self.client.post(f"/wiki/{title}?action=submit", data=data,
                                follow_redirects=follow)

    def token(self, path: str = "/wiki/Main_Page?action=edit") -> str:
        """A CSRF token for this client's session."""
        match = CSRF_FIELD.search(self.client.get(path).get_data(as_text=True))
        assert match
        return match.group(1)


def create(app: Flask, title: str, text: str, author: str = "Setup") -> int:
    """Set up a page quickly through the page service; returns the new revision id."""
    with app.app_context():
        result = pages.save_edit(parse_title(title), text, author=pages.Author(author),
                                 base_revision_id=None, summary="setup")
        return result.revision.id


@contextmanager
def statements_sent(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app's engine sends while the block runs."""
    sent: list[str] = []

    def note(_connection: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        sent.append(statement)

    from wiki.db import db

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)


def conditional_get_cost(app: Flask, client: FlaskClient, path: str, headers: dict[str, str],
                         refused: Iterable[tuple[object, str]], patch: pytest.MonkeyPatch
                         ) -> tuple[Any, list[str]]:
    """A conditional GET of `path` (its validators in `headers`), made while each (module,
    name) in `refused` raises if called (a 304 must not build the page); the answer and the
    statements sent after the transaction's BEGIN."""
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a conditional GET of {path} built the page")

    with patch.context() as patched:
        for module, name in refused:
            patched.setattr(module, name, refuse)
        with statements_sent(app) as sent:
            response = client.get(path, headers=headers)
    return response, [statement for statement in sent if statement != "BEGIN"]


def check_conditional_answers(app: Flask, client: FlaskClient, path: str, etag: str,
                              modified: str, refused: Iterable[tuple[object, str]],
                              patch: pytest.MonkeyPatch) -> None:
    """The page at `path` answers 304 to its own ETag (after at most one statement) and to its
    own Last-Modified, with each (module, name) in `refused` never called; and 200 to another
    ETag or an early date."""
    response, statements = conditional_get_cost(
        app, client, path, {"If-None-Match": etag}, refused, patch)
    assert response.status_code == 304, path
    assert response.headers["ETag"] == etag
    assert len(statements) <= 1, (path, statements)
    response, _ = conditional_get_cost(
        app, client, path, {"If-Modified-Since": modified}, refused, patch)
    assert response.status_code == 304, path
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    early = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(path, headers={"If-Modified-Since": early}).status_code == 200


def div_block(html: str, opening: str) -> str:
    """The inside of the <div> that starts with `opening`, up to its matching </div>."""
    start = html.find(opening)
    assert start >= 0, f"no {opening} on the page"
    position = start + len(opening)
    depth = 1
    for match in re.compile(r"<div\b|</div>").finditer(html, position):
        depth += 1 if match.group(0) == "<div" else -1
        if depth == 0:
            return html[position:match.start()]
    raise AssertionError(f"{opening} is never closed")


def custom_app(tmp_path: Path, database_url: str, **settings: object) -> Iterator[Flask]:
    """An app with its own settings on this test's copy of the seeded database."""
    instance = tmp_path / "custom"
    instance.mkdir()
    application = make_app(instance, WIKI_DATABASE_URL=database_url, **settings)
    yield application
    with application.app_context():
        from wiki.db import db

        db.engine.dispose()


class QuietHandler(WSGIRequestHandler):
    """No access log line per request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class LiveServer:
    """A running wiki: its base URL, port and the app behind it."""

    def __init__(self, app: Flask, server: BaseWSGIServer) -> None:
        self.app = app
        self.server = server
        self.port = server.server_port
        self.url = f"http://127.0.0.1:{server.server_port}"

    def __call__(self, path: str = "/") -> str:
        """The absolute URL of a path on this server."""
        return self.url + path


@contextmanager
def serve(app: Flask) -> Iterator[LiveServer]:
    """Serve the app on a free loopback port the way `make run` serves it: one thread per
    request, many at once. Stops the server and closes the app's connections afterwards."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-wiki", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)
        with app.app_context():
            from wiki.db import db

            db.engine.dispose()


@contextmanager
def running(work: Callable[[int], None], count: int, stop: threading.Event) -> Iterator[None]:
    """`count` threads running work(n) for the duration of the block; afterwards `stop` is set
    and they are joined, even when the block fails."""
    threads = [threading.Thread(target=work, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)


def wait_for(check: Callable[[], bool], failing: str, seconds: float = 60.0) -> None:
    """Poll until check() holds, failing with `failing` after `seconds`. Tests of threads wait
    for what they need to see this way, never count what happened within a time window, so a
    slow machine makes them slower, not wrong."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, failing
        time.sleep(0.002)


GUNICORN = Path(sys.executable).with_name("gunicorn")


class Endpoint:
    """Where a wiki listens on loopback."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(instance: Path, database_url: str, *, workers: int = 2, threads: int = 4,
             access_log: Path | None = None, port: int | None = None,
             **settings: str) -> Iterator[Endpoint]:
    """The wiki served by gunicorn exactly as `make run` serves it (gthread workers, each with
    several threads), on its own port. Settings go in as WIKI_* environment variables, as an
    operator would set them; `access_log` names a file for gunicorn's log of requests."""
    port = port or free_port()
    environment = dict(os.environ, WIKI_DATABASE_URL=database_url,
                       WIKI_SECRET_KEY="test secret", **settings)
    command = [str(GUNICORN), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--threads", str(threads), "--worker-class", "gthread", "--log-level", "warning",
               *(["--access-logfile", str(access_log)] if access_log else []),
               f"wiki:create_app(instance_path={str(instance)!r})"]
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    with listening(process, port, "gunicorn") as endpoint:
        yield endpoint


@contextmanager
def listening(process: subprocess.Popen[str], port: int, name: str) -> Iterator[Endpoint]:
    """A server process once it listens on its loopback port (its output in the error if it
    exits first), stopped when the block ends."""
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                stream = process.stderr or process.stdout
                output = stream.read() if stream else ""
                raise RuntimeError(f"{name} exited: {output[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start within 60 s") from None
                time.sleep(0.1)
        yield Endpoint(port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class HttpSession:
    """One person's browser over real HTTP: its own cookie jar, one connection per request."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None
                ) -> tuple[int, dict[str, str], str]:
        """(status, lower-cased headers, body) of one request; cookies are kept."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read().decode("utf-8", "replace")
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                value = rest.split(";", 1)[0]
                if value and "expires=thu, 01 jan 1970" not in cookie.lower():
                    self.cookies[name.strip()] = value
                else:
                    self.cookies.pop(name.strip(), None)
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        """A GET."""
        return self.request("GET", path)

    def csrf_token(self, path: str = "/wiki/Main_Page?action=edit") -> str:
        """The CSRF token of this session, read from a form."""
        status, _, page = self.get(path)
        match = CSRF_FIELD.search(page)
        assert status == 200 and match, f"no CSRF token on {path} ({status})"
        return match.group(1)
