"""Settings: defaults in code, then instance/config.py, then WIKI_* environment variables.

Every setting is declared once in SETTINGS as (name, default, help); README.md lists them all and a
test fails when one is undocumented.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

SETTINGS: tuple[tuple[str, Any, str], ...] = (
    ("WIKI_DATABASE_URL", None,
     "SQLAlchemy database URL; default sqlite:/// + instance/wiki.sqlite3."),
    ("WIKI_SECRET_KEY", None,
     "Signs sessions and CSRF tokens; when unset one is generated once into instance/secret_key."),
    ("WIKI_SITE_NAME", "Wiki", "Name shown in the header and page titles."),
    ("WIKI_BASE_URL", "http://localhost:5000",
     "The wiki's public address; every absolute URL it makes (feed links) starts with it, never "
     "with the request's Host header. Set it when the wiki is served anywhere else."),
    ("WIKI_MAX_ARTICLE_BYTES", 2 * 1024 * 1024,
     "Largest page text in UTF-8 bytes (MediaWiki's default, 2 MiB); larger edits answer 413."),
    ("WIKI_MAX_REQUEST_BYTES", 8 * 1024 * 1024,
     "Largest request body; above it the body is not read at all (413)."),
    ("WIKI_MAX_SUMMARY_CHARS", 500, "Longest edit summary."),
    ("WIKI_IMPORT_MAX_BYTES", 8 * 1024 * 1024,
     "Largest dump file Special:Import accepts, as uploaded (413 above it); a request is also "
     "bound by WIKI_MAX_REQUEST_BYTES. Larger dumps go through `flask import`."),
    ("WIKI_IMPORT_MAX_DECOMPRESSED_BYTES", 256 * 1024 * 1024,
     "Most XML Special:Import reads from one file once decompressed: a guard against "
     "compression bombs (`flask import` has --max-xml-bytes)."),
    ("WIKI_HISTORY_LIMIT", 50, "Revisions per history page unless ?limit= says otherwise."),
    ("WIKI_HISTORY_MAX_LIMIT", 500, "Largest ?limit= a history or list page accepts."),
    ("WIKI_FEED_DIFF_BYTES", 32 * 1024,
     "Largest diff a feed entry carries, in bytes of HTML (MediaWiki's cut-off); longer diffs "
     "are cut and link to the full diff."),
    ("WIKI_SQLITE_BUSY_TIMEOUT_MS", 15000,
     "How long an SQLite writer waits for the lock before failing."),
    ("WIKI_MAP_CACHE_DIR", None,
     "Where the locator maps of pairs that have a relations page are kept; default "
     "instance/maps."),
    ("WIKI_MAP_MEMORY_BYTES", 16 * 1024 * 1024,
     "Bytes of maps each server process keeps in memory, including the maps of pairs without "
     "a page, which are never written to disk."),
    ("WIKI_MAP_RATE_LIMIT", "60/minute",
     "Maps of pairs without a relations page one address (or account) may have drawn."),
    ("WIKI_RENDER_BUDGET_SECONDS", 10.0,
     "Longest a save or preview may take to render its text; slower texts are refused (422)."),
    ("WIKI_PAGE_CACHE_BYTES", 64 * 1024 * 1024,
     "Bytes of built article pages each server process keeps for anonymous readers, and apart "
     "as many of history and diff pages (0: none)."),
    ("WIKI_DIFF_CACHE_BYTES", 16 * 1024 * 1024,
     "Bytes of drawn diff tables (one per pair of revisions) each server process keeps (0: none)."),
    ("WIKI_FEED_CACHE_BYTES", 8 * 1024 * 1024,
     "Bytes of Atom feed entries (one per revision, its diff included) each server process "
     "keeps (0: none)."),
    ("WIKI_TEMPLATE_CALL_CACHE_BYTES", 8 * 1024 * 1024,
     "Bytes of rendered template calls (infoboxes, citations) each server process keeps for "
     "reuse while their answers hold (0: none)."),
    ("WIKI_SHARED_ANSWERS", 50_000,
     "Answers (is a title a page, what is a file, what live data says) each server process's "
     "renders share while no write changes any answer (0: none)."),
    ("WIKI_CACHE_SMAXAGE", 0,
     "Seconds a shared cache (a proxy such as Varnish) may reuse an anonymous page without "
     "asking again (Cache-Control s-maxage); 0: it asks each time, with the page's ETag."),
    ("WIKI_PURGE_URLS", "",
     "Cache servers to send HTTP PURGE to when a page changes, separated by spaces "
     "(http://varnish1:6081 http://varnish2:6081); empty: none."),
    ("WIKI_PURGE_FROM", "127.0.0.1 ::1",
     "Addresses from which the wiki itself accepts a PURGE (others get 403)."),
    ("WIKI_PURGE_TIMEOUT", 1.0,
     "Seconds a PURGE may take before it counts as failed (it is sent in the background)."),
    ("WIKI_PURGE_ATTEMPTS", 4,
     "Times a failed PURGE is tried before it is logged and given up."),
    ("WIKI_TEMPLATES_DIR", None,
     "A folder of the operator's own wiki templates (<name>.html), looked up before the "
     "built-in ones; default instance/wikitemplates."),
    ("WIKI_ANONYMOUS_EDITS", True,
     "Whether visitors who are not logged in may edit (their IP address is recorded)."),
    ("WIKI_ANONYMOUS_UPLOADS", False,
     "Whether visitors who are not logged in may upload files (only when WIKI_ANONYMOUS_EDITS "
     "is on too); logged-in editors always may."),
    ("WIKI_MAX_UPLOAD_BYTES", 10 * 1024 * 1024,
     "Largest file an upload may carry; a larger one answers 413 with the form kept."),
    ("WIKI_MAX_IMAGE_PIXELS", 50_000_000,
     "Most pixels (width times height) an uploaded image may have; refuses decompression "
     "bombs."),
    ("WIKI_ALLOW_SVG", False,
     "Whether SVG files may be uploaded; they are then served only as sandboxed downloads."),
    ("WIKI_THUMB_DIR", None,
     "Where each server keeps the thumbnails it has made (rebuilt on demand); default "
     "instance/thumbs."),
    ("WIKI_EDIT_RATE_LIMIT", "30/minute;300/hour",
     "Edits allowed per IP address and, separately, per account (Flask-Limiter syntax)."),
    ("WIKI_PURGE_RATE_LIMIT", "30/minute",
     "Pages purged (?action=purge, the Action API's action=purge) allowed per IP address and, "
     "separately, per account (Flask-Limiter syntax)."),
    ("WIKI_LOGIN_RATE_LIMIT", "5/5minutes",
     "Failed logins allowed per account (any spelling of its name) before answering 429."),
    ("WIKI_LOGIN_IP_RATE_LIMIT", "20/5minutes",
     "Failed logins allowed per IP address before answering 429 for a while."),
    ("WIKI_RATELIMIT_STORAGE", "memory://",
     "Where save-rate counters live (memory://: per process); failed logins are counted in the "
     "database unless this is a redis:// URL, which then holds both."),
)


def _coerce(value: str, default: Any) -> Any:
    """Read an environment string as the default's type (ints stay ints)."""
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


def load_config(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Fill app.config in order: defaults, instance/config.py, WIKI_* environment, test mapping."""
    for name, default, _help in SETTINGS:
        app.config[name] = default
    app.config.from_pyfile("config.py", silent=True)
    for name, default, _help in SETTINGS:
        if name in os.environ:
            app.config[name] = _coerce(os.environ[name], default)
    if test_config:
        app.config.update(test_config)

    instance = Path(app.instance_path)
    if not app.config["WIKI_DATABASE_URL"]:
        app.config["WIKI_DATABASE_URL"] = "sqlite:///" + str(instance / "wiki.sqlite3")
    if not app.config["WIKI_MAP_CACHE_DIR"]:
        app.config["WIKI_MAP_CACHE_DIR"] = str(instance / "maps")
    if not app.config["WIKI_THUMB_DIR"]:
        app.config["WIKI_THUMB_DIR"] = str(instance / "thumbs")
    if not app.config["WIKI_TEMPLATES_DIR"]:
        app.config["WIKI_TEMPLATES_DIR"] = str(instance / "wikitemplates")
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["WIKI_DATABASE_URL"]
    app.config["SECRET_KEY"] = app.config["WIKI_SECRET_KEY"] or _stored_secret_key(instance)
    app.config["MAX_CONTENT_LENGTH"] = app.config["WIKI_MAX_REQUEST_BYTES"]
    # Form fields may hold a whole article; Werkzeug's 500 KB default per field is too small.
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["WIKI_MAX_REQUEST_BYTES"]
    # CSRF tokens last as long as the session, so a long edit does not expire mid-way.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)


def _stored_secret_key(instance: Path) -> str:
    """Return the key kept in instance/secret_key, creating it on first use."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
