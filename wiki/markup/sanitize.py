"""The one place that turns untrusted HTML into trusted markup: an explicit allowlist applied by
nh3 (Python bindings of the Rust sanitizer ammonia, which bleach's maintainers recommend now
that bleach is deprecated; it sanitizes a 2 MiB page in a fraction of a second where bleach took
over twenty).

Everything mistune makes from user text passes through sanitize_html(); its result is the only
HTML the rest of the wiki marks safe. Disallowed raw HTML never reaches here as markup: the
renderer already shows it as typed (see extras.WikiRenderer).
"""

from __future__ import annotations

import re
import threading

import nh3
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    # block structure produced by Markdown
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "section", "div",
    # images of uploaded files (wiki.markup.images)
    "figure", "figcaption",
    # inline
    "a", "em", "strong", "code", "del", "s", "img",
    # the few inline tags users may write as raw HTML
    "sup", "sub", "br", "small", "abbr", "span", "kbd", "mark", "u", "q", "cite",
})

_HEADING_ATTRS = frozenset({"id"})
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title", "class", "rel"}),
    "img": frozenset({"src", "srcset", "alt", "title", "width", "height", "loading",
                      "decoding"}),
    "abbr": frozenset({"title"}),
    "span": frozenset({"title", "lang", "typeof"}),
    "figure": frozenset({"typeof"}),
    "q": frozenset({"cite"}),
    "h1": _HEADING_ATTRS, "h2": _HEADING_ATTRS, "h3": _HEADING_ATTRS,
    "h4": _HEADING_ATTRS, "h5": _HEADING_ATTRS, "h6": _HEADING_ATTRS,
    "li": frozenset({"id"}),
    "sup": frozenset({"id", "class"}),
    "ol": frozenset({"class", "start"}),
    "section": frozenset({"class"}),
    "th": frozenset({"class"}),
    "td": frozenset({"class"}),
    "code": frozenset({"class"}),
    "pre": frozenset({"class"}),
    "div": frozenset({"class"}),
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Classes of the image markup, the only ones a <figure> or <span> may carry.
_IMAGE_CLASSES = frozenset({"mw-default-size", "mw-image-border"})
ALLOWED_CLASSES: dict[str, frozenset[str]] = {
    "figure": _IMAGE_CLASSES | {f"mw-halign-{side}" for side in ("left", "right", "center",
                                                                  "none")},
    "span": _IMAGE_CLASSES | {f"mw-valign-{place}" for place in (
        "baseline", "sub", "super", "top", "text-top", "middle", "bottom", "text-bottom")},
}
# Where an image may come from: another site over HTTP(S), or this wiki's own files.
_IMAGE_SOURCE = re.compile(r"(?:https?://[^\s,]+|/(?:thumb|files|static|map)/[^\s,]*)",
                           re.IGNORECASE)
_DENSITY = re.compile(r"[0-9]+(?:\.[0-9]+)?x|[0-9]+w")


def _image_source(value: str) -> bool:
    """Whether an <img>'s src is an allowed place for an image."""
    return _IMAGE_SOURCE.fullmatch(value.strip()) is not None and ".." not in value


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    """Keep an <img>'s src and srcset only when each address is an allowed one."""
    if element != "img":
        return value
    if attribute == "src":
        return value if _image_source(value) else None
    if attribute == "srcset":
        for candidate in value.split(","):
            url, _, density = candidate.strip().partition(" ")
            if not _image_source(url) or not _DENSITY.fullmatch(density.strip()):
                return None
    return value


# One cleaner per thread: nothing suggests nh3's Cleaner keeps state between calls, but it is
# cheap to build and this way no thread ever shares one.
_per_thread = threading.local()


def _cleaner() -> nh3.Cleaner:
    """This thread's cleaner, built on its first use."""
    cleaner: nh3.Cleaner | None = getattr(_per_thread, "cleaner", None)
    if cleaner is None:
        cleaner = nh3.Cleaner(
            tags=set(ALLOWED_TAGS),
            clean_content_tags={"script", "style"},
            # "*" names the attributes any tag may keep: none (nh3 would otherwise let every
            # tag keep lang and title).
            attributes={"*": set(),
                        **{tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}},
            allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
            attribute_filter=_filter_attribute,
            url_schemes=set(ALLOWED_PROTOCOLS),
            link_rel=None,  # the renderer sets rel itself ("nofollow ugc" on external links)
            strip_comments=True,
        )
        _per_thread.cleaner = cleaner
    return cleaner


def sanitize_html(html: str) -> Markup:
    """Return html with every tag, attribute and URL outside the allowlist neutralized."""
    return Markup(_cleaner().clean(html))
