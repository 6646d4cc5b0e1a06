"""Browser fixtures: the seeded wiki served over HTTP on a free local port, and a headless
Chromium page driven by Playwright; axe-core for the accessibility checks.

Chromium comes from the system package (Playwright's own browser downloads are not used). When it
is missing the browser tests are skipped, except on CI (CI=true), where that is a failure.

axe-core: the release `make install-test` puts into the virtualenv (share/axe-core/axe.min.js,
from the npm registry; AXE_CORE_VERSION in the Makefile), or the file WIKI_AXE_CORE_JS names;
without either, the older copy bundled with axe-playwright-python, except on CI, where the
Makefile's release is required.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import Browser, Page, expect, sync_playwright
from wikitest import LiveServer, make_app, serve

from wiki import accounts, pages
from wiki.files import storage
from wiki.titles import parse_title

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
ARTICLE = "Azerbaijan–Kosovo relations"
ADDED_SENTENCE = "Both governments were asked about the matter again in a later year."
LONG_ARTICLE = "Long reading test"  # enough sections for the contents, and to scroll
LONG_SECTIONS = ("Background", "Early contacts", "Recognition debate", "Court hearing",
                 "Later years", "Further reading")
# A file with two versions, uploaded by an account that may revert it.
FILE = "File:Harbour at dawn.png"
UPLOADER = "Harbour photographer"
UPLOADER_PASSWORD = "harbour photographer password"
AXE_CORE_JS = Path(sys.prefix) / "share" / "axe-core" / "axe.min.js"
AXE_VERSION = re.compile(r"axe v([0-9.]+)")


@pytest.fixture
def live_server(tmp_path: Path, seeded_database: Path) -> Iterator[LiveServer]:
    """The seeded wiki on its own copy of the database, served threaded on 127.0.0.1."""
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(seeded_database, instance / "wiki.sqlite3")
    with serve(make_app(instance)) as server:
        yield server


@pytest.fixture(scope="module")
def edited_server(tmp_path_factory: pytest.TempPathFactory,
                  seeded_database: Path) -> Iterator[LiveServer]:
    """The seeded wiki with a second revision of the article (so it has a diff and an old
    revision), shared by the tests of one module that only read."""
    instance = tmp_path_factory.mktemp("edited") / "instance"
    instance.mkdir()
    shutil.copy(seeded_database, instance / "wiki.sqlite3")
    app = make_app(instance)
    with app.app_context():
        current = pages.current_page(parse_title(ARTICLE))
        assert current is not None
        pages.save_edit(parse_title(ARTICLE), current.revision.text + "\n" + ADDED_SENTENCE + "\n",
                        author=pages.Author("Reader"), base_revision_id=current.revision.id,
                        summary="A sentence for the diff")
        paragraph = "A paragraph of reading text that runs on for a while. " * 12
        long_text = "Lead of a long article.\n\n" + "\n\n".join(
            f"## {name}\n\n" + "\n\n".join([paragraph] * 6) for name in LONG_SECTIONS)
        pages.save_edit(parse_title(LONG_ARTICLE), long_text, author=pages.Author("Reader"),
                        base_revision_id=None, summary="A long article to read")
        accounts.create_account(UPLOADER, UPLOADER_PASSWORD, UPLOADER_PASSWORD)
        for number, colour in enumerate((40, 200)):
            storage.upload(parse_title(FILE), png(colour), author=pages.Author(UPLOADER),
                           text="The harbour at dawn.", summary=f"Version {number + 1}",
                           reupload=number > 0)
    with serve(app) as server:
        yield server


def png(colour: int) -> bytes:
    """A small PNG; different colours give different bytes."""
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (colour, 120, 160)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def axe() -> Axe:
    """axe-core, the release the Makefile installs where it is there (see the module's notes)."""
    configured = os.environ.get("WIKI_AXE_CORE_JS")
    path = Path(configured) if configured else AXE_CORE_JS
    if path.exists():
        return Axe.from_file(path)
    if os.environ.get("CI") == "true":
        pytest.fail(f"axe-core is not installed at {path} (make install-test installs it)")
    return Axe()


def axe_version(checker: Axe) -> str:
    """The version of axe-core a checker runs, from its licence banner."""
    found = AXE_VERSION.search(checker.axe_script[:200])
    return found.group(1) if found else "unknown"


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
