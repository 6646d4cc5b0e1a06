"""Editing journeys in a real browser: restoring an old revision through the edit form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

ARTICLE_URL = re.compile(r"/wiki/Azerbaijan%E2%80%93Kosovo_relations$")
ARTICLE_PATH = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"
SENTENCE = "A sentence that the restore takes away again."

pytestmark = pytest.mark.browser


def test_restore_an_old_revision_through_the_form(browser_page: Page, live_server) -> None:
    page = browser_page
    # An edit to restore away from.
    page.goto(live_server(ARTICLE_PATH + "?action=edit"))
    expect(page.locator(".anon-edit-warning")).to_contain_text("Your IP address will be "
                                                               "publicly visible")
    textarea = page.locator("#wpTextbox")
    textarea.fill(textarea.input_value() + "\n\n" + SENTENCE)
    page.locator("#wpSummary").fill("An edit to undo")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(ARTICLE_URL)
    expect(page.locator(".page-body")).to_contain_text(SENTENCE)

    # Open the older revision from the history and press Restore.
    page.goto(live_server(ARTICLE_PATH + "?action=history"))
    rows = page.locator("li.history-row")
    expect(rows).to_have_count(2)
    rows.nth(1).locator("a.history-date").click()
    expect(page.locator(".old-revision-banner")).to_contain_text("old revision")
    oldid = re.search(r"oldid=(\d+)", page.url)
    assert oldid
    page.get_by_role("button", name="Restore this version").click()

    # The edit form, with the old text and the summary, and nothing saved yet.
    expect(page).to_have_url(re.compile(rf"action=edit&oldid={oldid.group(1)}&restore=1$"))
    expect(page.locator("h1")).to_contain_text("Editing")
    expect(page.locator("#wpTextbox")).not_to_have_value(re.compile(SENTENCE))
    expect(page.locator("#wpSummary")).to_have_value(
        f"Restored revision {oldid.group(1)} by Wikipedia importer")
    expect(page.locator(".edit-licence")).to_contain_text("CC BY-SA 4.0")
    page.get_by_role("button", name="Save changes").click()

    # The page is restored, and the history says so.
    expect(page).to_have_url(ARTICLE_URL)
    expect(page.locator(".page-body")).not_to_contain_text(SENTENCE)
    page.goto(live_server(ARTICLE_PATH + "?action=history"))
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text(f"Restored revision {oldid.group(1)} by Wikipedia importer")
