"""Browser fixtures: the seeded wiki served over HTTP on a free local port, and a headless
Chromium page driven by Playwright.

Chromium comes from the system package (Playwright's own browser downloads are not used). When it
is missing the browser tests are skipped, except on CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server
from wikitest import make_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000


class LiveServer:
    """A running wiki: its base URL and the app behind it."""

    def __init__(self, app: Flask, server: BaseWSGIServer) -> None:
        self.app = app
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_port}"

    def __call__(self, path: str = "/") -> str:
        """The absolute URL of a path on this server."""
        return self.url + path


@pytest.fixture
def live_server(tmp_path: Path, seeded_database: Path) -> Iterator[LiveServer]:
    """The seeded wiki on its own copy of the database, served on 127.0.0.1 in a thread."""
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(seeded_database, instance / "wiki.sqlite3")
    app = make_app(instance)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-wiki", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            from wiki.db import db

            db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium from the system package, launched once for the session."""
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run on CI: {message}")
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own context (no shared cookies), with a 10 s default timeout."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()
