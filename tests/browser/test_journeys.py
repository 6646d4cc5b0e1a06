"""User journeys in a real browser: reading and editing the seeded article (issue 2), creating a
relations page in one step (issue 3), and user text that must never run as script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

ARTICLE = "Azerbaijan–Kosovo relations"
ARTICLE_URL = re.compile(r"/wiki/Azerbaijan%E2%80%93Kosovo_relations$")
SENTENCE = "Both states took part in a browser-driven journey in the wiki."
SUMMARY = "Browser test edit"
NEW_ARTICLE = "Kosovo–Serbia relations"
NEW_ARTICLE_URL = re.compile(r"/wiki/Kosovo%E2%80%93Serbia_relations$")

IMAGE_LOADED = """selector => {
    const image = document.querySelector(selector);
    return image !== null && image.complete;
}"""

pytestmark = pytest.mark.browser


def wait_for_image(page: Page, selector: str) -> int:
    """Wait until the image has finished loading (or failed) and return its natural width."""
    expect(page.locator(selector)).to_be_visible()
    page.wait_for_function(IMAGE_LOADED, arg=selector)
    return page.evaluate("selector => document.querySelector(selector).naturalWidth", selector)


def test_read_edit_diff_and_restore_the_seeded_article(
    browser_page: Page, live_server, tmp_path: Path
) -> None:
    page = browser_page
    page.goto(live_server("/"))
    expect(page).to_have_url(re.compile(r"/wiki/Main_Page$"))
    expect(page.locator("h1")).to_have_text("Main Page")

    # Read the article as on Wikipedia.
    page.locator(".wiki-content").get_by_role("link", name=ARTICLE, exact=True).first.click()
    expect(page).to_have_url(ARTICLE_URL)
    expect(page.locator("h1")).to_have_text(ARTICLE)
    infobox = page.locator("table.infobox")
    lead = page.locator(".wiki-content > p").first
    expect(infobox).to_be_visible()
    expect(lead).to_be_visible()
    infobox_box, lead_box = infobox.bounding_box(), lead.bounding_box()
    content_box = page.locator(".wiki-content").bounding_box()
    assert infobox_box and lead_box and content_box
    assert infobox_box["x"] > lead_box["x"], "the infobox is not to the right of the text"
    assert infobox_box["x"] > content_box["x"] + content_box["width"] / 2, (
        "the infobox is not on the right half of the page"
    )
    # Vector 2022 shows the contents beside any article with sections, however few
    contents = page.get_by_role("navigation", name="Contents")  # the sidebar at this width
    expect(contents).to_be_visible()
    expect(contents).to_contain_text("See also")
    expect(page.locator("section.references cite.citation").first).to_be_visible()
    see_also = page.locator("ul.see-also a")
    expect(see_also.first).to_be_visible()
    assert see_also.count() >= 3
    expect(page.locator("ul.see-also a.new")).to_have_count(0)

    # The infobox as the reader sees it, map included.
    assert wait_for_image(page, "table.infobox img.locator-map") > 0
    shot = tmp_path / "infobox.png"
    infobox.screenshot(path=str(shot))
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000

    # Edit: preview, show changes, save.
    page.locator(".tabs").get_by_role("link", name="Edit", exact=True).click()
    expect(page).to_have_url(re.compile(r"action=edit$"))
    textarea = page.locator("textarea[name=text]")
    original = textarea.input_value()
    assert "See also" in original
    textarea.fill(original.rstrip("\n") + "\n\n" + SENTENCE + "\n")

    page.locator("button[name=preview]").click()
    expect(page.locator("section.preview")).to_contain_text(SENTENCE)
    expect(page.locator("section.preview table.infobox")).to_be_visible()
    expect(textarea).to_have_value(re.compile(re.escape(SENTENCE)))

    page.locator("button[name=diff]").click()
    changes = page.locator("section.changes")
    expect(changes.locator("table.diff")).to_be_visible()
    added = changes.locator("ins.diffchange, td.diff-addedline").filter(has_text=SENTENCE)
    expect(added.first).to_be_visible()

    page.locator("input[name=summary]").fill(SUMMARY)
    page.locator("button[name=save]").click()
    expect(page).to_have_url(ARTICLE_URL)
    expect(page.locator(".page-body")).to_contain_text(SENTENCE)
    expect(page.locator(".flash")).to_contain_text("saved")

    # History: the edit is there; compare two revisions.
    page.locator(".tabs").get_by_role("link", name="View history", exact=True).click()
    expect(page).to_have_url(re.compile(r"action=history$"))
    rows = page.locator("li.history-row")
    expect(rows.filter(has_text=SUMMARY)).to_have_count(1)
    expect(rows.first).to_contain_text(SUMMARY)
    revisions_before_restore = rows.count()
    assert revisions_before_restore >= 2
    rows.nth(1).locator("input[name=oldid]").check()
    rows.nth(0).locator("input[name=diff]").check()
    page.get_by_role("button", name="Compare selected revisions").first.click()
    expect(page).to_have_url(re.compile(r"[?&]diff=\d+"))
    diff_table = page.locator("table.diff")
    expect(diff_table).to_be_visible()
    expect(diff_table.locator("td.diff-addedline").filter(has_text=SENTENCE).first).to_be_visible()

    # The older revision, restored.
    page.go_back()
    expect(page).to_have_url(re.compile(r"action=history$"))
    rows.nth(1).locator("a.history-date").click()
    expect(page).to_have_url(re.compile(r"[?&]oldid=\d+$"))
    expect(page.locator(".old-revision-banner")).to_contain_text("old revision")
    expect(page.locator(".page-body")).not_to_contain_text(SENTENCE)
    page.get_by_role("button", name="Restore this version").click()
    expect(page.locator("#wpSummary")).to_have_value(re.compile(r"^Restored revision \d+ by "))
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(ARTICLE_URL)
    expect(page.locator(".flash")).to_contain_text("saved")
    expect(page.locator(".page-body")).not_to_contain_text(SENTENCE)

    page.locator(".tabs").get_by_role("link", name="View history", exact=True).click()
    expect(rows).to_have_count(revisions_before_restore + 1)
    expect(rows.first).to_contain_text("Restored revision")
    expect(rows.filter(has_text=SUMMARY)).to_have_count(1)


def test_create_a_relations_page_in_one_step(browser_page: Page, live_server) -> None:
    page = browser_page
    page.goto(live_server("/"))
    page.locator("nav.sidebar").get_by_role("link", name="New relations page").click()
    expect(page.locator("h1")).to_have_text("New relations page")
    page.get_by_label("First country").fill("Serbia")
    page.get_by_label("Second country").fill("Kosovo")
    page.get_by_role("button", name="Create relations page").click()

    expect(page).to_have_url(NEW_ARTICLE_URL)
    expect(page.locator("h1")).to_have_text(NEW_ARTICLE)
    expect(page.locator("table.infobox")).to_contain_text("Serbia")
    assert wait_for_image(page, "table.infobox img.locator-map") > 0, "the map did not load"

    # The other spellings redirect to the article.
    page.goto(live_server("/wiki/Serbia-Kosovo_relations"))
    expect(page.locator(".redirected-from")).to_contain_text("(Redirected from")
    expect(page.locator("h1")).to_have_text(NEW_ARTICLE)
    expect(page.locator("table.infobox")).to_be_visible()

    # Both hubs list the new page.
    for hub in ("Foreign_relations_of_Kosovo", "Foreign_relations_of_Serbia"):
        page.goto(live_server(f"/wiki/{hub}"))
        link = page.locator(f'table.hub-table a[title="{NEW_ARTICLE}"]')
        expect(link).to_have_count(1)
        expect(link).to_have_attribute("href", NEW_ARTICLE_URL)

    # The matrix has a blue cell for the pair, leading to the article.
    page.goto(live_server("/wiki/Special:RelationsMatrix"))
    cells = page.locator(f'table.relations-matrix td.exists a[title="{NEW_ARTICLE}"]')
    expect(cells.first).to_be_visible()
    cells.first.click()
    expect(page).to_have_url(NEW_ARTICLE_URL)


XSS_PAYLOADS = """Payloads that must stay text.

<script>window.__xss=1</script>

<img src=x onerror="window.__xss=1">

<img src=x onerror="alert('xss')">

[x](javascript:window.__xss=1)

{{Main|<script>window.__xss=1</script>}}
"""


def test_user_text_never_runs_as_script(browser_page: Page, live_server) -> None:
    page = browser_page
    dialogs: list[str] = []

    def record(dialog) -> None:  # type: ignore[no-untyped-def]
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)

    def assert_inert() -> None:
        page.wait_for_load_state("load")
        page.wait_for_function("Array.from(document.images).every(image => image.complete)")
        content = page.locator(".wiki-content")
        expect(content.locator("script")).to_have_count(0)
        expect(content.locator("[onerror]")).to_have_count(0)
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert dialogs == []

    page.goto(live_server("/wiki/Browser_XSS_test?action=edit"))
    page.locator("textarea[name=text]").fill(XSS_PAYLOADS)
    page.locator("button[name=preview]").click()
    expect(page.locator("section.preview")).to_contain_text("Payloads that must stay text")
    assert_inert()

    page.locator("input[name=summary]").fill("Payloads")
    page.locator("button[name=save]").click()
    expect(page).to_have_url(re.compile(r"/wiki/Browser_XSS_test$"))
    expect(page.locator(".page-body")).to_contain_text("Payloads that must stay text")
    assert_inert()
    # The template parameter is shown as the text it is.
    expect(page.locator(".hatnote")).to_contain_text("<script>window.__xss=1</script>")

    # The Markdown link [x](javascript:...): click it if it became a link at all.
    link = page.locator(".wiki-content a").filter(has_text=re.compile(r"^x$"))
    if link.count():
        link.first.click()
    assert_inert()
    expect(page.locator('a[href^="javascript:" i]')).to_have_count(0)
