"""Responses compressed with brotli or gzip, whichever the client's Accept-Encoding prefers.

Flask-Compress compresses text (HTML, CSS, JavaScript, SVG, JSON, XML) of at least
`COMPRESS_MIN_SIZE` bytes after each request, says `Vary: Accept-Encoding`, and gives a
compressed body a strong ETag of its own (`"<etag>:br"`), so a conditional GET still gets its
304 and no cache mistakes one encoding for another. Images other than SVG are compressed
already and are left alone. Streamed responses (the XML export) stay streamed: they are
compressed chunk by chunk as they come.

The page cache keeps the encodings it has served beside the page (`encode` makes them), so a
hit sends stored bytes and compresses nothing.
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from typing import Any

import brotli
from flask import Flask, current_app, request
from flask_compress import Compress
from werkzeug.http import parse_accept_header

ENCODINGS = ("br", "gzip")  # preferred first when the client rates both alike
MIMETYPES = [
    "text/html", "text/css", "text/plain", "text/xml", "text/javascript",
    "application/javascript", "application/json", "application/xml",
    "application/rss+xml", "application/atom+xml", "image/svg+xml",
]


def chosen_encoding(size: int) -> str | None:
    """The encoding this request's client prefers for a body of that size, or None."""
    return preferred_encoding(request.headers.get("Accept-Encoding"), size,
                              current_app.config["COMPRESS_MIN_SIZE"])


def preferred_encoding(accept_encoding: str | None, size: int, min_size: int) -> str | None:
    """The encoding an Accept-Encoding header prefers for a body of that size, or None (a body
    smaller than `min_size` is sent as it is)."""
    if size < min_size:
        return None
    return parse_accept_header(accept_encoding).best_match(ENCODINGS)


def encode(data: bytes, encoding: str, config: Mapping[str, Any] | None = None) -> bytes:
    """The body compressed as Flask-Compress would, at the configured levels (of `config`, or
    else of the current app)."""
    config = current_app.config if config is None else config
    if encoding == "br":
        compressed: bytes = brotli.compress(
            data, mode=config["COMPRESS_BR_MODE"], quality=config["COMPRESS_BR_LEVEL"],
            lgwin=config["COMPRESS_BR_WINDOW"], lgblock=config["COMPRESS_BR_BLOCK"])
        return compressed
    if encoding == "gzip":
        return gzip.compress(data, config["COMPRESS_LEVEL"])
    raise ValueError(f"unknown encoding {encoding!r}")


def init_app(app: Flask) -> None:
    """Compress the app's text responses (settings an instance config may override)."""
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", list(ENCODINGS))
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", list(ENCODINGS))
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)  # smaller bodies gain less than the header
    Compress(app)
