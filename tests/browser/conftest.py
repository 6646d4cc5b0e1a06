"""Browser fixtures: the seeded wiki served over HTTP on a free local port, and a headless
Chromium page driven by Playwright.

Chromium comes from the system package (Playwright's own browser downloads are not used). When it
is missing the browser tests are skipped, except on CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from wikitest import LiveServer, make_app, serve

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


@pytest.fixture
def live_server(tmp_path: Path, seeded_database: Path) -> Iterator[LiveServer]:
    """The seeded wiki on its own copy of the database, served threaded on 127.0.0.1."""
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(seeded_database, instance / "wiki.sqlite3")
    with serve(make_app(instance)) as server:
        yield server


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
