"""Static files under content-hashed URLs, so browsers keep them for a year.

`url_for('static', filename=...)` adds `v=<first 12 hex digits of the file's SHA-256>`, so
templates stay as they are and a changed file gets a new URL. The static view sends a file
whose `v` matches its current content as immutable for a year; without `v`, or with a stale
one (an old page in a cache asking for a file that has since changed), it is cached for a few
minutes and revalidated by its ETag, as Flask's own static view does.

Each app keeps the hashes of its files, keyed by name and checked against the file's
modification time and size, so a file is read once per process until it changes.
"""

from __future__ import annotations

import hashlib
import os
from threading import Lock
from typing import Any

from flask import Flask, Response, current_app, request, send_from_directory
from werkzeug.security import safe_join

IMMUTABLE_MAX_AGE = 365 * 24 * 3600  # a versioned URL names these bytes for good
UNVERSIONED_MAX_AGE = 300  # short: the file may change under this URL
VERSION_DIGITS = 12


class AssetVersions:
    """One app's content hashes of its static files: name -> (mtime, size, hash)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.known: dict[str, tuple[int, int, str]] = {}
        self.lock = Lock()

    def version(self, filename: str) -> str | None:
        """The file's content hash, or None when there is no such file."""
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            status = os.stat(path)
        except OSError:
            return None
        with self.lock:
            found = self.known.get(filename)
        if found is not None and found[:2] == (status.st_mtime_ns, status.st_size):
            return found[2]
        try:
            with open(path, "rb") as file:
                digest = hashlib.file_digest(file, "sha256").hexdigest()[:VERSION_DIGITS]
        except OSError:  # a folder, or gone since the stat
            return None
        with self.lock:
            self.known[filename] = (status.st_mtime_ns, status.st_size, digest)
        return digest


def versions(app: Flask | None = None) -> AssetVersions:
    """The static file hashes of the given app, or of the current one."""
    found: AssetVersions = (app or current_app).extensions["wiki_asset_versions"]
    return found


def add_version(endpoint: str | None, values: dict[str, Any]) -> None:
    """url_defaults: give each static URL its file's content hash."""
    if endpoint != "static" or "v" in values or "filename" not in values:
        return
    version = versions().version(str(values["filename"]))
    if version is not None:
        values["v"] = version


def serve_static(filename: str) -> Response:
    """A static file: immutable for a year when `v` is its current hash, else briefly cached."""
    folder = versions().folder
    asked = request.args.get("v")
    current = versions().version(filename) if asked else None
    fresh = asked is not None and asked == current
    response = send_from_directory(
        folder, filename, max_age=IMMUTABLE_MAX_AGE if fresh else UNVERSIONED_MAX_AGE)
    if fresh:
        response.cache_control.immutable = True
    return response


def init_app(app: Flask) -> None:
    """Version the app's static URLs and serve them with the matching cache lifetime."""
    assert app.static_folder is not None  # create_app always gives one
    app.extensions["wiki_asset_versions"] = AssetVersions(app.static_folder)
    app.url_defaults(add_version)
    app.view_functions["static"] = serve_static
