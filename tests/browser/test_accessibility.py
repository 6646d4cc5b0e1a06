"""Accessibility in a real browser: axe-core finds no violation of any impact on the pages a
reader and an editor use, in light and dark colours, on a desktop (1280 px) and a phone (390 px)
window; and none of those pages scrolls sideways on a 320 px phone."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import AXE_CORE_JS, FILE, TIMEOUT_MS, UPLOADER, UPLOADER_PASSWORD, axe_version
from playwright.sync_api import Browser, Page, expect
from wikitest import LiveServer

pytestmark = pytest.mark.browser

ARTICLE_PATH = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"
NEW_RELATIONS = "/wiki/Special:NewRelations"
FILE_PATH = "/wiki/" + FILE.replace(" ", "_")


def preview(page: Page, server: LiveServer) -> None:
    """The edit form after "Show preview"."""
    page.goto(server(ARTICLE_PATH + "?action=edit"))
    page.locator("button[name=preview]").click()
    expect(page.locator("section.preview")).to_be_visible()


def new_relations_error(page: Page, server: LiveServer) -> None:
    """Special:NewRelations refusing a country it does not know."""
    page.goto(server(NEW_RELATIONS))
    page.locator("#first").fill("Atlantis")
    page.locator("#second").fill("Kosovo")
    page.locator("form.relations-form button[type=submit]").click()
    expect(page.locator(".field-error").first).to_be_visible()


def old_revision(page: Page, server: LiveServer) -> None:
    """The article's previous revision, reached from its history."""
    page.goto(server(ARTICLE_PATH + "?action=history"))
    page.locator(".history-row").nth(1).locator("a.history-date").click()
    expect(page.locator(".old-revision-banner")).to_be_visible()


def log_in(page: Page, server: LiveServer) -> None:
    """Log in as the account that uploaded the file."""
    page.goto(server("/wiki/Special:UserLogin"))
    page.locator("#name").fill(UPLOADER)
    page.locator("#password").fill(UPLOADER_PASSWORD)
    page.locator("#password").press("Enter")
    expect(page.locator(".personal")).to_contain_text(UPLOADER)


def upload_form(page: Page, server: LiveServer) -> None:
    """Special:Upload, as someone who may upload sees it."""
    log_in(page, server)
    response = page.goto(server("/wiki/Special:Upload"))
    assert response is not None and response.status == 200


def file_revert(page: Page, server: LiveServer) -> None:
    """The confirmation of a revert to a file's first version, reached by its uploader from
    the file page's history."""
    log_in(page, server)
    page.goto(server(FILE_PATH))
    page.locator("a.revert-link").click()
    expect(page.locator("form.revert-form")).to_be_visible()


def visit(path: str) -> Callable[[Page, LiveServer], None]:
    def go(page: Page, server: LiveServer) -> None:
        response = page.goto(server(path))
        assert response is not None and response.status == 200, path

    return go


PAGES: dict[str, Callable[[Page, LiveServer], None]] = {
    "main-page": visit("/wiki/Main_Page"),
    "article": visit(ARTICLE_PATH),
    "hub": visit("/wiki/Foreign_relations_of_Kosovo"),
    "stub": visit("/wiki/Khazar_Ibrahim"),
    "edit-form": visit(ARTICLE_PATH + "?action=edit"),
    "preview": preview,
    "history": visit(ARTICLE_PATH + "?action=history"),
    "diff": visit(ARTICLE_PATH + "?diff=prev"),
    "old-revision": old_revision,
    "search-results": visit("/wiki/Special:Search?search=kosovo+relations&fulltext=1"),
    "recent-changes": visit("/wiki/Special:RecentChanges"),
    "new-relations": visit(NEW_RELATIONS),
    "new-relations-error": new_relations_error,
    "file-page": visit(FILE_PATH),
    "file-revert": file_revert,
    "upload": upload_form,
    "file-list": visit("/wiki/Special:ListFiles"),
    "what-links-here": visit("/wiki/Special:WhatLinksHere/Kosovo"),
    "cite-this-page": visit("/wiki/Special:CiteThisPage/Kosovo"),
    "purge": visit(ARTICLE_PATH + "?action=purge"),
    "login": visit("/wiki/Special:UserLogin"),
    "create-account": visit("/wiki/Special:CreateAccount"),
}
WINDOWS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """A page in a fresh context with the given window and colour scheme."""
    contexts = []

    def make(width: int, height: int, scheme: str = "light") -> Page:
        context = browser.new_context(viewport={"width": width, "height": height},
                                      color_scheme=scheme)  # type: ignore[arg-type]
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_axe_core_is_the_release_the_makefile_installs(axe: Axe) -> None:
    if not AXE_CORE_JS.exists():
        pytest.skip("axe-core is not installed in the virtualenv; the bundled copy is used")
    major, minor, *_ = (int(part) for part in axe_version(axe).split("."))
    assert (major, minor) >= (4, 14)


@pytest.mark.parametrize("window", list(WINDOWS))
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_axe_violations(open_page: Callable[..., Page], edited_server: LiveServer, axe: Axe,
                           name: str, scheme: str, window: str) -> None:
    page = open_page(*WINDOWS[window], scheme)
    PAGES[name](page, edited_server)
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert dark == (scheme == "dark")
    results = axe.run(page)
    assert results.violations_count == 0, (
        f"axe-core {axe_version(axe)}: {results.generate_report()}")


@pytest.mark.parametrize("name", list(PAGES))
def test_no_sideways_scrolling_at_320px(open_page: Callable[..., Page],
                                        edited_server: LiveServer, name: str) -> None:
    page = open_page(320, 640)
    PAGES[name](page, edited_server)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{name} is {width} px wide"
