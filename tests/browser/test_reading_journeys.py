"""Reading journeys in a real browser: the width setting, the contents that follow the reader,
the phone menu, the sticky header, the Tools menu, dark mode chosen by hand, and the history's
comparison buttons; each also checked without JavaScript where the page promises that."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from conftest import TIMEOUT_MS
from playwright.sync_api import Browser, Page, expect
from wikitest import LiveServer, create

pytestmark = pytest.mark.browser

ARTICLE = "Azerbaijan–Kosovo relations"
ARTICLE_PATH = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"
LONG_PATH = "/wiki/Long_reading_test"  # six sections (see conftest.LONG_SECTIONS)

# The most characters on one line of the article's paragraphs, counted as laid out.
LONGEST_LINE = """() => {
  let longest = 0;
  const range = document.createRange();
  for (const block of document.querySelectorAll(".wiki-content p")) {
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    const lines = new Map();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.textContent.length; i += 1) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        if (rects.length) {
          const line = Math.round(rects[0].bottom / 4);
          lines.set(line, (lines.get(line) || 0) + 1);
        }
      }
    }
    for (const count of lines.values()) { longest = Math.max(longest, count); }
  }
  return longest;
}"""


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """A page in a fresh context: window size, JavaScript on or off, colour scheme."""
    contexts = []

    def make(width: int = 1280, height: int = 900, *, javascript: bool = True,
             scheme: str = "light") -> Page:
        context = browser.new_context(viewport={"width": width, "height": height},
                                      java_script_enabled=javascript,
                                      color_scheme=scheme)  # type: ignore[arg-type]
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def content_width(page: Page) -> float:
    box = page.locator(".wiki-content").bounding_box()
    assert box
    return box["width"]


@pytest.mark.parametrize("width", [1280, 1920])
def test_lines_hold_at_most_100_characters_by_default(open_page: Callable[..., Page],
                                                      edited_server: LiveServer,
                                                      width: int) -> None:
    page = open_page(width)
    page.goto(edited_server(ARTICLE_PATH))
    assert 60 <= page.evaluate(LONGEST_LINE) <= 100


def test_reading_width_setting_is_remembered(open_page: Callable[..., Page],
                                             edited_server: LiveServer) -> None:
    page = open_page(1920)
    page.goto(edited_server(ARTICLE_PATH))
    standard = content_width(page)
    appearance = page.locator("details.appearance")
    appearance.locator("summary").click()
    appearance.get_by_label("Wide").check()
    expect(page.locator("html")).to_have_class(re.compile(r"\bwidth-wide\b"))
    assert content_width(page) > standard + 300
    assert page.evaluate(LONGEST_LINE) > 100

    page.reload()  # kept in localStorage, applied before the page is drawn
    expect(page.locator("html")).to_have_class(re.compile(r"\bwidth-wide\b"))
    assert content_width(page) > standard + 300
    page.locator("details.appearance summary").click()
    expect(page.locator("details.appearance").get_by_label("Wide")).to_be_checked()
    page.locator("details.appearance").get_by_label("Standard").check()
    assert content_width(page) == standard
    page.reload()
    assert content_width(page) == standard


def test_standard_width_without_javascript(open_page: Callable[..., Page],
                                           edited_server: LiveServer) -> None:
    page = open_page(1920, javascript=False)
    page.goto(edited_server(ARTICLE_PATH))
    assert content_width(page) <= 40 * 16  # the measure, 40rem
    expect(page.locator("details.appearance")).to_be_hidden()  # it needs the script
    expect(page.get_by_role("navigation", name="Contents")).to_be_visible()


def test_dark_mode_chosen_by_hand_is_remembered(open_page: Callable[..., Page],
                                                edited_server: LiveServer) -> None:
    page = open_page(scheme="light")
    page.goto(edited_server(ARTICLE_PATH))
    background = "getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(background) == "rgb(255, 255, 255)"
    page.locator("details.appearance summary").click()
    page.locator("details.appearance").get_by_label("Dark").check()
    assert page.evaluate(background) == "rgb(16, 20, 24)"
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\btheme-dark\b"))
    assert page.evaluate(background) == "rgb(16, 20, 24)"
    page.locator("details.appearance summary").click()
    page.locator("details.appearance").get_by_label("Automatic").check()
    assert page.evaluate(background) == "rgb(255, 255, 255)"


def test_contents_sidebar_is_sticky_and_follows_the_reader(open_page: Callable[..., Page],
                                                            edited_server: LiveServer) -> None:
    page = open_page(1280, 600)
    page.goto(edited_server(LONG_PATH))
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents).to_be_visible()
    expect(page.locator("details.toc-inline")).to_be_hidden()
    current = contents.locator("a[aria-current=location]")

    expect(current).to_have_count(0)  # the lead: no section yet
    page.evaluate("window.scrollTo(0, document.getElementById('Court_hearing')"
                  ".getBoundingClientRect().top + window.scrollY - 120)")
    expect(current).to_have_text(re.compile("Court hearing"))
    box = contents.bounding_box()
    assert box and 0 <= box["y"] < 200, "the contents scrolled away with the text"

    page.evaluate("window.scrollTo(0, document.getElementById('Early_contacts')"
                  ".getBoundingClientRect().top + window.scrollY - 120)")
    expect(current).to_have_text(re.compile("Early contacts"))
    expect(current).to_have_count(1)

    contents.get_by_role("link", name=re.compile("Further reading")).click()  # the end
    expect(page).to_have_url(re.compile("#Further_reading$"))
    expect(current).to_have_text(re.compile("Further reading"))
    box = contents.bounding_box()
    assert box and 0 <= box["y"] < 200


def test_the_seeded_article_has_its_contents_beside_it(open_page: Callable[..., Page],
                                                       edited_server: LiveServer) -> None:
    """Vector 2022 lists the sections of any article with some, however few."""
    page = open_page(1280, 800)
    page.goto(edited_server(ARTICLE_PATH))
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents).to_be_visible()
    for section in ("History", "References", "See also"):
        expect(contents.get_by_role("link", name=re.compile(section))).to_be_visible()


def test_contents_is_a_collapsible_block_on_phones(open_page: Callable[..., Page],
                                                   edited_server: LiveServer) -> None:
    page = open_page(390, 844)
    page.goto(edited_server(LONG_PATH))
    expect(page.locator("#toc-sidebar")).to_be_hidden()
    block = page.locator("details.toc-inline")
    expect(block).to_be_visible()
    expect(block.get_by_role("link", name=re.compile("Further reading"))).to_be_hidden()
    block.locator("summary").click()
    expect(block.get_by_role("link", name=re.compile("Further reading"))).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False])
def test_phone_menu_opens_behind_a_button(open_page: Callable[..., Page],
                                          edited_server: LiveServer, javascript: bool) -> None:
    page = open_page(390, 844, javascript=javascript)
    page.goto(edited_server(ARTICLE_PATH))
    title = page.locator("h1.page-title")
    box = title.bounding_box()
    assert box and box["y"] + box["height"] < 844, "the title is not in the first screen"
    expect(page.locator("nav.sidebar")).to_be_hidden()
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu).to_be_hidden()
    page.locator("details.main-menu summary").click()
    expect(menu).to_be_visible()
    if javascript:
        page.keyboard.press("Escape")
        expect(menu).to_be_hidden()
        page.locator("details.main-menu summary").click()
    menu.get_by_role("link", name="Recent changes").click()
    expect(page).to_have_url(re.compile(r"/wiki/Special:RecentChanges$"))


def test_sticky_header_keeps_title_search_edit_and_history(open_page: Callable[..., Page],
                                                           edited_server: LiveServer) -> None:
    page = open_page(1280, 900)
    page.goto(edited_server(ARTICLE_PATH))
    sticky = page.locator(".sticky-page")
    expect(sticky).to_be_hidden()
    page.mouse.wheel(0, 2000)
    expect(sticky).to_be_visible()
    expect(sticky.locator(".sticky-title")).to_have_text(ARTICLE)
    header = page.locator("header.site-header").bounding_box()
    assert header and header["y"] == 0
    expect(page.locator("header #searchInput")).to_be_in_viewport()
    sticky.get_by_role("link", name="History").click()
    expect(page).to_have_url(re.compile(r"action=history$"))
    page.go_back()
    page.locator(".sticky-page").get_by_role("link", name="Edit").click()
    expect(page).to_have_url(re.compile(r"action=edit$"))


def test_tools_menu_links_and_keyboard(open_page: Callable[..., Page],
                                       edited_server: LiveServer) -> None:
    page = open_page(1280, 900)
    page.goto(edited_server(ARTICLE_PATH))
    tools = page.get_by_role("navigation", name="Tools", exact=True)
    expect(tools).to_be_hidden()
    summary = page.locator("details.tools-menu summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(tools).to_be_visible()
    hrefs = {link.inner_text(): link.get_attribute("href")
             for link in tools.get_by_role("link").all()}
    latest = page.locator("details.tools-menu a", has_text="Permanent link").get_attribute("href")
    assert latest and re.search(r"\?oldid=\d+$", latest)
    assert hrefs == {
        "What links here": "/wiki/Special:WhatLinksHere/Azerbaijan%E2%80%93Kosovo_relations",
        "Related changes": "/wiki/Special:RecentChangesLinked/Azerbaijan%E2%80%93Kosovo_relations",
        "Permanent link": latest,
        "Page information": ARTICLE_PATH + "?action=info",
        "Cite this page": "/wiki/Special:CiteThisPage?page=Azerbaijan%E2%80%93Kosovo+relations",
        "Purge cache": ARTICLE_PATH + "?action=purge",
    }
    page.keyboard.press("Escape")
    expect(tools).to_be_hidden()
    expect(summary).to_be_focused()

    summary.click()
    tools.get_by_role("link", name="Permanent link").click()
    expect(page.locator(".old-revision-banner")).to_contain_text("current revision")
    page.go_back()
    page.locator("details.tools-menu summary").click()
    tools.get_by_role("link", name="What links here").click()
    expect(page.locator("h1")).to_have_text(f'Pages that link to "{ARTICLE}"')


def test_purging_a_page_from_the_tools_menu(open_page: Callable[..., Page],
                                            edited_server: LiveServer) -> None:
    page = open_page(1280, 900)
    page.goto(edited_server(ARTICLE_PATH))
    page.locator("details.tools-menu summary").click()
    page.get_by_role("navigation", name="Tools", exact=True).get_by_role(
        "link", name="Purge cache").click()
    expect(page.locator("h1")).to_have_text(f"Purge {ARTICLE}")
    expect(page.locator("main")).to_contain_text("Purge the cache of this page?")
    page.get_by_role("button", name="OK").click()
    expect(page).to_have_url(edited_server(ARTICLE_PATH))
    expect(page.locator("h1")).to_have_text(ARTICLE)


def test_history_hides_comparisons_that_cannot_be_made(open_page: Callable[..., Page],
                                                       edited_server: LiveServer) -> None:
    page = open_page(1280, 900)
    page.goto(edited_server(ARTICLE_PATH + "?action=history"))
    rows = page.locator(".history-row")
    assert rows.count() >= 2
    newest, older = rows.nth(0), rows.nth(1)
    expect(newest.locator("input[name=oldid]")).to_be_hidden()  # older than itself: no
    expect(newest.locator("input[name=diff]")).to_be_visible()
    expect(older.locator("input[name=oldid]")).to_be_visible()
    expect(older.locator("input[name=diff]")).to_be_hidden()
    older.locator("input[name=diff]").evaluate("radio => radio.click()")
    expect(newest.locator("input[name=oldid]")).to_be_hidden()
    expect(older.locator("input[name=oldid]")).to_be_hidden()  # at the chosen newer: no

    page_without_script = open_page(1280, 900, javascript=False)
    page_without_script.goto(edited_server(ARTICLE_PATH + "?action=history"))
    expect(page_without_script.locator(".history-row input[type=radio]:visible")).to_have_count(
        2 * page_without_script.locator(".history-row").count())


def test_diffs_are_inline_on_phones(open_page: Callable[..., Page],
                                    edited_server: LiveServer) -> None:
    page = open_page(390, 844)
    page.goto(edited_server(ARTICLE_PATH + "?diff=prev"))
    added = page.locator("td.diff-addedline").last
    expect(added).to_contain_text("asked about the matter again")
    box = added.bounding_box()
    assert box and box["width"] > 300, "the inserted line is not given the whole width"
    expect(page.locator("table.diff thead")).to_be_hidden()
    wide = open_page(1280, 900)
    wide.goto(edited_server(ARTICLE_PATH + "?diff=prev"))
    box = wide.locator("td.diff-addedline").last.bounding_box()
    content = wide.locator("#content").bounding_box()
    assert box and content and box["x"] > content["x"] + content["width"] / 2  # side by side


def test_article_loads_without_console_errors(open_page: Callable[..., Page],
                                              edited_server: LiveServer) -> None:
    page = open_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.goto(edited_server(ARTICLE_PATH), wait_until="networkidle")
    assert errors == []  # no 404 for /favicon.ico, no refused script or style


def test_print_shows_the_article_alone(open_page: Callable[..., Page],
                                       live_server: LiveServer) -> None:
    create(live_server.app, "Printed", "Read [the treaty](https://example.org/treaty) first.\n\n"
           "{{Infobox bilateral relations|Azerbaijan–Kosovo|Azerbaijan|Kosovo}}\n")
    page = open_page(1280, 900, scheme="dark")
    page.goto(live_server("/wiki/Printed"))
    page.emulate_media(media="print")
    for chrome in ["header.site-header", ".tabs", ".column-start", ".personal",
                   "details.tools-menu", "form.search-box"]:
        expect(page.locator(chrome).first).to_be_hidden()
    after = page.evaluate("getComputedStyle(document.querySelector('a.external'), '::after')"
                          ".content")
    assert "https://example.org/treaty" in after
    assert page.evaluate("getComputedStyle(document.querySelector('table.infobox'))"
                         ".breakInside") == "avoid"
    expect(page.locator(".infobox-caption")).to_be_visible()
    expect(page.locator(".infobox-parties .swatch").first).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") in {
        "rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"}
