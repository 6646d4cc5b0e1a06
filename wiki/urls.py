"""Absolute URLs the wiki makes (feed links now; e-mails and the API later) come from one
setting, WIKI_BASE_URL, never from the request's Host header, which any client can set."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app


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


def init_app(app: Flask) -> None:
    """Check the configured base URL once, at start-up, and keep it without a trailing slash."""
    app.config["WIKI_BASE_URL"] = check_base_url(app.config["WIKI_BASE_URL"])
