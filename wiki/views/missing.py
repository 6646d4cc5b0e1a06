"""The answer for a title with no page: 404 with a "create this page" link, and, when other
parts of the wiki know the title (e.g. as a relations pair), their offers too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import render_template

from wiki.titles import Title

# Each function may return a dict describing an extra offer for a missing title, or None.
_offer_makers: list[Callable[[Title], dict[str, Any] | None]] = []


def register_offer(maker: Callable[[Title], dict[str, Any] | None]) -> None:
    """Let a domain offer something on missing pages (e.g. "Create this relations page")."""
    if maker not in _offer_makers:
        _offer_makers.append(maker)


def missing_page(title: Title):  # type: ignore[no-untyped-def]
    """404 page with links to create the page."""
    offers = [offer for maker in _offer_makers if (offer := maker(title)) is not None]
    return render_template("articles/missing.html", title=title, offers=offers), 404
