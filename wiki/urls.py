"""URLs and this wiki: absolute URLs it makes (feed links now; e-mails and the API later) come
from one setting, WIKI_BASE_URL, never from the request's Host header, which any client can
set; and which image addresses a page may show (only files this wiki serves itself)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, current_app

# The folders of this wiki that serve images: generated maps and static files.
IMAGE_FOLDERS = ("/map/", "/static/")
# Characters of a plain URL path: no spaces, controls, backslashes, quotes, "?" or "#", which
# browsers strip, rewrite or read as the start of something else.
_PATH = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/%]+")


def check_base_url(value: str) -> str:
    """The base URL without a trailing slash; ValueError unless it is http(s)://host[:port][/path]
    with nothing after the path."""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query \
            or parts.fragment or parts.username or parts.password:
        raise ValueError(f"WIKI_BASE_URL must look like https://wiki.example.org, not {value!r}")
    return value.rstrip("/")


def absolute_url(path: str) -> str:
    """A path on this wiki ("/wiki/Main_Page?action=history") as an absolute URL on the
    configured base URL."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"not a path on this wiki: {path[:80]!r}")
    base: str = current_app.config["WIKI_BASE_URL"]
    return base + path


def local_image_path(value: object) -> str | None:
    """The value as the path of an image on this wiki ("/map/AZE-XKX.svg", "/static/..."), or
    None for anything else: other sites ("https://...", "//host"), other schemes
    ("javascript:", "data:"), backslashes, whitespace or controls inside, "." or ".." segments,
    or a path outside the image folders."""
    path = str(value).strip()
    if not path.startswith(IMAGE_FOLDERS) or not _PATH.fullmatch(path):
        return None
    segments = path.lower().replace("%2e", ".").split("/")
    if any(segment in {".", ".."} for segment in segments):
        return None
    return path


def init_app(app: Flask) -> None:
    """Check the configured base URL once, at start-up, and keep it without a trailing slash."""
    app.config["WIKI_BASE_URL"] = check_base_url(app.config["WIKI_BASE_URL"])
