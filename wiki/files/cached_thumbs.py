"""Thumbnails this server has made already, sent before the Flask app is reached.

A thumbnail's address names its content (/thumb/<sha1>/<width>px-<name>), so a file in the
thumbnail cache is right for as long as it exists: nothing about the request (session, page
state, rate limits) can change the answer. This WSGI layer sends such files straight from disk,
with the same headers the app's route gives them; anything else (a thumbnail not made yet, an
odd width, another path) goes on to the app, which makes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from wiki.files.thumbnail import ThumbCache

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

IMMUTABLE = "public, max-age=31536000, immutable"
MIME_OF_EXTENSION = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif",
                     "webp": "image/webp"}
_THUMB_PATH = re.compile(r"/thumb/([0-9a-f]{40})/([1-9][0-9]{0,4})px-[^/]+")


class CachedThumbnails:
    """WSGI middleware: GET and HEAD of a cached thumbnail answered from disk."""

    def __init__(self, app: WSGIApplication, directory: Path) -> None:
        self.app = app
        self.cache = ThumbCache(directory)

    def _cached(self, sha1: str, width: int) -> tuple[Path, str] | None:
        for extension, mime in MIME_OF_EXTENSION.items():
            path = self.cache.path_for(sha1, width, extension)
            if path.is_file():
                return path, mime
        return None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse
                 ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        match = _THUMB_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if method not in ("GET", "HEAD") or match is None or environ.get("QUERY_STRING"):
            return self.app(environ, start_response)
        sha1, width = match.group(1), int(match.group(2))
        found = self._cached(sha1, width)
        if found is None:
            return self.app(environ, start_response)
        path, mime = found
        etag = f'"{sha1}-{width}"'
        headers = [("Cache-Control", IMMUTABLE), ("ETag", etag),
                   ("X-Content-Type-Options", "nosniff")]
        if etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response("304 NOT MODIFIED", headers)
            return []
        data = path.read_bytes()
        start_response("200 OK", [("Content-Type", mime), ("Content-Length", str(len(data))),
                                  *headers])
        return [] if method == "HEAD" else [data]
