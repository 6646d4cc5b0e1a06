"""The one place that turns untrusted HTML into trusted markup: bleach with an explicit allowlist.

Everything mistune makes from user text passes through sanitize_html(); its result is the only
HTML the rest of the wiki marks safe.
"""

from __future__ import annotations

import threading

import bleach
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    # block structure produced by Markdown
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "section", "div",
    # inline
    "a", "em", "strong", "code", "del", "s", "img",
    # the few inline tags users may write as raw HTML
    "sup", "sub", "br", "small", "abbr", "span", "kbd", "mark", "u", "q", "cite",
})

_HEADING_ATTRS = ["id"]
ALLOWED_ATTRIBUTES: dict[str, list[str]] = {
    "a": ["href", "title", "class", "rel"],
    "img": ["src", "alt", "title", "width", "height"],
    "abbr": ["title"],
    "span": ["title", "lang"],
    "q": ["cite"],
    "h1": _HEADING_ATTRS, "h2": _HEADING_ATTRS, "h3": _HEADING_ATTRS,
    "h4": _HEADING_ATTRS, "h5": _HEADING_ATTRS, "h6": _HEADING_ATTRS,
    "li": ["id"],
    "sup": ["id", "class"],
    "ol": ["class", "start"],
    "section": ["class"],
    "th": ["class"],
    "td": ["class"],
    "code": ["class"],
    "div": ["class"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


# bleach documents that a Cleaner is not thread-safe (its html5lib parser keeps the document
# being parsed), so each thread builds its own and reuses it for every later call.
_per_thread = threading.local()


def _cleaner() -> bleach.Cleaner:
    """This thread's cleaner, built on its first use."""
    cleaner: bleach.Cleaner | None = getattr(_per_thread, "cleaner", None)
    if cleaner is None:
        cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            protocols=ALLOWED_PROTOCOLS,
            strip=False,  # a disallowed tag is shown as text, so the reader sees what was typed
            strip_comments=True,
        )
        _per_thread.cleaner = cleaner
    return cleaner


def sanitize_html(html: str) -> Markup:
    """Return html with every tag, attribute and URL outside the allowlist neutralized."""
    return Markup(_cleaner().clean(html))
