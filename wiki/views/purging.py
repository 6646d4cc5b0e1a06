"""?action=purge: anyone may have a page rendered afresh and dropped from the cache servers, as
on Wikipedia when a page shows something stale. A GET asks for confirmation (a link or a crawler
must not purge); the form's post purges and goes back to the page."""

from __future__ import annotations

from flask import redirect, render_template
from flask.typing import ResponseReturnValue

from wiki import pages, rendering, throttle
from wiki.errors import PageNotFound, TooManyRequests
from wiki.titles import Title, page_url


def form(title: Title) -> ResponseReturnValue:
    """The confirmation (404 for a missing or deleted page)."""
    pages.get_page(title)
    return render_template("articles/purge.html", title=title)


def post(title: Title) -> ResponseReturnValue:
    """Purge the page (CSRF was checked before the view), counted against the purge limit."""
    pages.get_page(title)
    wait = throttle.take_purge()
    if wait:
        raise TooManyRequests(f"You have purged too many pages; try again in {wait} seconds.",
                              retry_after=wait)
    if not rendering.purge_pages([title]):  # deleted meanwhile
        raise PageNotFound(f'There is no page titled "{title.full}".', title=title.full)
    return redirect(page_url(title), code=303)
