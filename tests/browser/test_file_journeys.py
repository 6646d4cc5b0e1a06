"""A reader's journey with pictures: log in, upload a PNG, put it in an article with thumb and a
caption, see it drawn (a real image, with srcset), upload a new version and see the article
change, then revert to the first version from the file's history and see it back."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import Page, expect
from wikitest import LiveServer

from wiki import accounts

PASSWORD = "pictures journey password"
ARTICLE_TEXT = "A port town.\n\n[[File:Harbour view.png|thumb|right|The harbour at dawn]]\n"


def _png(colour: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (900, 600), (colour, 120, 160)).save(out, "PNG")
    return out.getvalue()


def _upload(page: Page, server: LiveServer, data: bytes, query: str) -> None:
    page.goto(server("/wiki/Special:Upload?" + query))
    page.locator("input[type=file]").set_input_files(
        {"name": "Harbour view.png", "mimeType": "image/png", "buffer": data})
    page.locator("input[name=wpDestFile]").fill("Harbour view.png")
    page.get_by_role("button", name="Upload file").click()
    expect(page).to_have_url(server("/wiki/File:Harbour_view.png"))


def _shown(page: Page) -> dict[str, object]:
    image = page.locator("figure img").first
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())
    result: dict[str, object] = image.evaluate(
        "img => ({width: img.naturalWidth, src: img.currentSrc || img.src, "
        "srcset: img.getAttribute('srcset')})")
    return result


def _bytes_shown(shown: dict[str, object]) -> str:
    """The SHA-1 of the file a shown thumbnail was made from (thumbnails are at
    /thumb/<sha1>/<width>px-<name>)."""
    match = re.search(r"/thumb/([0-9a-f]{40})/", str(shown["src"]))
    assert match, shown["src"]
    return match.group(1)


def test_upload_show_and_replace_a_picture(browser_page: Page, live_server: LiveServer) -> None:
    page = browser_page
    with live_server.app.app_context():
        accounts.create_account("Photographer", PASSWORD, PASSWORD)
    page.goto(live_server("/wiki/Special:UserLogin"))
    page.locator("#name").fill("Photographer")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_load_state()

    _upload(page, live_server, _png(20), "")
    page.goto(live_server("/wiki/Port_town?action=edit"))
    page.locator("textarea[name=text]").fill(ARTICLE_TEXT)
    page.get_by_role("button", name="Save page").click()
    expect(page.locator("figure figcaption")).to_have_text("The harbour at dawn")
    first = _shown(page)
    assert int(str(first["width"])) > 0
    assert "2x" in str(first["srcset"])

    _upload(page, live_server, _png(220), "wpDestFile=Harbour_view.png&wpForReUpload=1")
    page.goto(live_server("/wiki/Port_town"))
    second = _shown(page)
    assert int(str(second["width"])) > 0
    assert second["src"] != first["src"]

    page.goto(live_server("/wiki/File:Harbour_view.png"))
    page.get_by_role("link", name="revert").click()
    expect(page.locator("h1")).to_have_text("Revert File:Harbour view.png")
    page.get_by_role("button", name="Revert").click()
    expect(page).to_have_url(live_server("/wiki/File:Harbour_view.png"))
    expect(page.locator(".flash")).to_have_text("The file was reverted to the chosen version.")
    page.goto(live_server("/wiki/Port_town"))
    # the first version's bytes again (the browser may pick another width from the srcset)
    assert _bytes_shown(_shown(page)) == _bytes_shown(first) != _bytes_shown(second)
