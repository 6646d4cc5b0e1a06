"""Where to send someone after logging in or signing up (`returnto`): only to a page of this
wiki, never to another site.

Pure functions only. A target is either a page title ("Kosovo", "Talk:Kosovo") or a path on this
wiki ("/wiki/Kosovo?action=history"). Browsers read a Location header loosely: they drop tabs and
newlines, treat a backslash as a slash, strip leading spaces and control characters, and take
"//host" as another site. A path is accepted only if it still starts with exactly one "/" and
names no scheme or host however it is read that way, before and after one round of
percent-decoding; anything else goes to the Main Page. Control characters cannot go into a
header at all, so they are refused with a 400 rather than silently dropped.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit, urlunsplit

from wiki.errors import BadParameter
from wiki.titles import MAIN, page_url, try_parse_title

MAX_TARGET = 2000
MAIN_PAGE = "Main Page"


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)


def _read_as_browser(text: str) -> str:
    """The URL a browser would make of the text (WHATWG URL parsing's loose parts)."""
    text = "".join(char for char in text if char not in "\t\n\r")
    return text.lstrip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13"
                       "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ").replace("\\", "/")


def _is_local_path(text: str) -> bool:
    """True when a browser reads the text as a path on this site and nothing else."""
    for form in (text, unquote(text)):
        loose = _read_as_browser(form)
        if loose != form or not loose.startswith("/") or loose.startswith("//"):
            return False
        parts = urlsplit(loose)
        if parts.scheme or parts.netloc:
            return False
    return True


def safe_target(raw: str | None) -> str:
    """The URL to redirect to for a `returnto` value: a path on this wiki, the Main Page when
    the value is empty or points elsewhere, BadParameter when it holds control characters."""
    if not raw:
        return page_url(MAIN_PAGE)
    if _has_control(raw):
        raise BadParameter("The return address (returnto) contains control characters such as "
                           "line breaks or tabs, so it cannot be followed.")
    if len(raw) > MAX_TARGET:
        return page_url(MAIN_PAGE)
    if raw.startswith(("/", "\\")) or raw != raw.lstrip():
        if not _is_local_path(raw):
            return page_url(MAIN_PAGE)
        parts = urlsplit(raw)
        return urlunsplit(("", "", parts.path, parts.query, parts.fragment))
    title = try_parse_title(raw)
    if title is None:
        return page_url(MAIN_PAGE)
    if title.namespace == MAIN and _scheme(raw):
        return page_url(MAIN_PAGE)  # "https://...", "javascript:...": a URL, not a title
    return page_url(title)


def _scheme(text: str) -> str:
    try:
        return urlsplit(text).scheme
    except ValueError:  # not a URL at all
        return ""
