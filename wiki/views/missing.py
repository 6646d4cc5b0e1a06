"""The answer for a title with no page: 404 with a "create this page" link, and, when other
parts of the wiki know the title (e.g. as a relations pair), the offers they registered. A title
that a registered resolver reads as another spelling of an existing page sends the reader there
with "(Redirected from …)", exactly as a stored redirect does, and offers no creation."""

from __future__ import annotations

from flask import redirect, render_template, request
from flask.typing import ResponseReturnValue

from wiki.existence import page_exists
from wiki.extensions import registry
from wiki.titles import Title, page_url, try_parse_title


def missing_page(title: Title) -> ResponseReturnValue:
    """Off to the page the title stands for, or a 404 page with links to create it."""
    target = registry().resolve_missing(title)
    if target is not None and request.args.get("redirect") != "no":
        return redirect(page_url(target, redirectedfrom=title.full))
    offers = [] if target is not None else [
        offer for maker in registry().missing_page_offers if (offer := maker(title)) is not None
    ]
    return render_template("articles/missing.html", title=title, offers=offers,
                           leads_to=target), 404


def leads_to(source: str, target: Title) -> bool:
    """True when `source` names no page and a resolver sends its readers to `target` (so a
    "redirectedfrom" naming it is genuine)."""
    title = try_parse_title(source)
    if title is None or page_exists(title):
        return False
    return registry().resolve_missing(title) == target
