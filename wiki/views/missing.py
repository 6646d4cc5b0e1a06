"""The answer for a title with no page: 404 with a "create this page" link, and, when other
parts of the wiki know the title (e.g. as a relations pair), the offers they registered."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from wiki.extensions import registry
from wiki.titles import Title


def missing_page(title: Title) -> ResponseReturnValue:
    """404 page with links to create the page."""
    offers = [offer for maker in registry().missing_page_offers
              if (offer := maker(title)) is not None]
    return render_template("articles/missing.html", title=title, offers=offers), 404
