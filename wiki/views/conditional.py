"""Conditional GET: ETag, Last-Modified and 304 Not Modified for the pages that can say cheaply
whether they changed (article views, old revisions, diffs between two revisions, history, raw,
recent changes, the Atom feeds, the log, and the lists of pages, links, categories, files and
an author's edits).

A view reads a few columns in one small query, builds a `Validator` from them and hands it with
the function that builds the page to `answer`: a request whose If-None-Match or
If-Modified-Since still holds gets a 304 without the page being built. Pages that depend on the
session (a logged-in user, flash messages waiting, a form holding the session's CSRF token) are
private: no validators, no shared caching.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from werkzeug.http import parse_date, parse_etags

from wiki import clock, lists, purge
from wiki.compression import ENCODINGS
from wiki.paths import PROJECT_ROOT, STATIC, TEMPLATES

PRIVATE = "private, no-cache"
# Settings that must not reach an ETag, even hashed.
SECRET_SETTINGS = frozenset({"WIKI_SECRET_KEY", "WIKI_DATABASE_URL"})
# A header longer than this is no validator of ours; it is ignored rather than parsed.
MAX_HEADER_CHARS = 8192


@dataclass(frozen=True)
class Validator:
    """What tells whether a client's copy is still current: a strong ETag and a time."""

    etag: str
    # None when no time tells when the page last changed: no Last-Modified, If-Modified-Since
    # ignored.
    modified: datetime | None
    # When the page will change with no write (a protection running out): no shared cache may
    # keep it past then.
    changes_at: datetime | None = None


def session_bound() -> bool:
    """Whether this request's page depends on its session (a user, or flash messages waiting)."""
    return g.get("user") is not None or "_flashes" in session


def issued_token() -> bool:
    """Whether this request put the session's CSRF token into its answer (a form: Flask-WTF
    keeps the token it hands out in `g`). Such a page is the visitor's own, anonymous or not;
    shown to anyone else, its form would fail."""
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g


def _files(folder: Path, pattern: str) -> Iterable[tuple[str, int, int]]:
    for path in sorted(folder.rglob(pattern)):
        if path.is_file():
            stat = path.stat()
            yield str(path.relative_to(folder)), stat.st_size, stat.st_mtime_ns


def _compute_identity(app: Flask) -> str:
    """A digest of what shapes every page besides the database: the code, the page templates,
    the static files pages link to, and the settings (secrets left out)."""
    digest = hashlib.sha256()
    for folder, pattern in ((PROJECT_ROOT / "wiki", "*.py"), (TEMPLATES, "*"), (STATIC, "*")):
        for entry in _files(folder, pattern):
            digest.update(repr(entry).encode())
    settings = sorted((key, repr(value)) for key, value in app.config.items()
                      if key.startswith("WIKI_") and key not in SECRET_SETTINGS)
    digest.update(repr(settings).encode())
    return digest.hexdigest()[:16]


def identity() -> str:
    """The current app's identity, computed on first use."""
    extension: dict[str, str] = current_app.extensions.setdefault("wiki_conditional", {})
    if "identity" not in extension:
        extension["identity"] = _compute_identity(current_app)
    return extension["identity"]


def validator(kind: str, parts: tuple[Any, ...], modified: datetime | None,
              changes_at: datetime | None = None) -> Validator:
    """A validator for this URL: the ETag digests the app's identity, the URL and the parts
    that decide what the page shows."""
    key = repr((identity(), kind, request.full_path, parts)).encode()
    return Validator(hashlib.sha1(key, usedforsecurity=False).hexdigest(), modified, changes_at)


def pages_validator(kind: str) -> Validator:
    """A validator for a list of pages, links, categories, files or an author's edits, read in
    one query: what such a list shows changes only with a revision or a log entry (see
    `lists.PagesMark`)."""
    mark = lists.pages_mark()
    return validator(kind, mark.parts, mark.modified)


def _seconds(moment: datetime) -> datetime:
    """An aware UTC time in whole seconds, as HTTP dates carry them (stored times are naive UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def _if_modified_since(raw: str) -> datetime | None:
    if not raw or len(raw) > MAX_HEADER_CHARS:
        return None
    try:
        since = parse_date(raw)
    except (ValueError, OverflowError, TypeError):
        return None
    return _seconds(since) if since is not None else None


def _last_modified(found: Validator) -> datetime | None:
    """The page's Last-Modified: its time, but never later than now. A page edited several
    times in one second stamps its revisions a second apart, ahead of the clock; a client
    holding such a time would take a change made before the clock catches up for none."""
    if found.modified is None:
        return None
    return min(_seconds(found.modified), _seconds(clock.utcnow()))


def not_modified(found: Validator) -> bool:
    """Whether the client's copy is current (see `held_variant`); the variant it holds is
    noted for the 304."""
    held = held_variant(found.etag, _last_modified(found),
                        request.headers.get("If-None-Match", ""),
                        request.headers.get("If-Modified-Since", ""))
    g.matched_etag = held or None
    return held is not None


def held_variant(etag: str, modified: datetime | None, if_none_match: str, if_modified_since: str
                 ) -> str | None:
    """Whether a client sending these headers holds the current copy: the ETag variant it
    holds ("" when If-Modified-Since decided), or None. If-None-Match, when sent, decides alone
    (weak comparison, as RFC 9110 asks for GET); malformed headers count as absent."""
    if if_none_match and len(if_none_match) <= MAX_HEADER_CHARS:
        held = parse_etags(if_none_match)
        return next((tag for tag in _variants(etag) if held.contains_weak(tag)), None)
    if if_none_match:
        return None
    if modified is None:
        return None
    since = _if_modified_since(if_modified_since)
    return "" if since is not None and since >= _seconds(modified) else None


def _variants(etag: str) -> tuple[str, ...]:
    """The ETag of the page and of its compressed bodies ("<etag>:br", as compression names
    them): a client holding any of them holds the current page."""
    return (etag, *(f"{etag}:{encoding}" for encoding in ENCODINGS))


def _public(response: Response, found: Validator | None) -> Response:
    if found is not None:
        encoding = response.headers.get("Content-Encoding")
        response.set_etag(f"{found.etag}:{encoding}" if encoding in ENCODINGS else found.etag)
        modified = _last_modified(found)
        if modified is not None:
            response.last_modified = modified
    shared = current_app.config["WIKI_CACHE_SMAXAGE"] if purge.shared_cacheable() else 0
    if shared and found is not None and found.changes_at is not None:
        shared = min(shared, max(0, int((_seconds(found.changes_at)
                                         - _seconds(clock.utcnow())).total_seconds())))
    response.headers["Cache-Control"] = (f"s-maxage={shared}, max-age=0, must-revalidate"
                                         if shared else "public, max-age=0, must-revalidate")
    return response


def private(response: Response) -> Response:
    """Mark a page that depends on the session: for this browser only, asked again each time."""
    response.headers["Cache-Control"] = PRIVATE
    return response


def answer(found: Callable[[], Validator | None], build: Callable[[], Response],
           after: Callable[[], Validator | None] | None = None) -> Response:
    """304 when the client's copy is current, else the built page with its validators. `found`
    reads them in one small query (None: the page cannot say cheaply); `after` reads them again
    once the page is built, when `found` could not (building may have stored a render)."""
    if request.method not in {"GET", "HEAD"}:
        return build()
    if session_bound():
        return private(build())
    current = found()
    if current is not None and not_modified(current):
        unchanged = _public(Response(status=304), current)
        if g.get("matched_etag"):  # the variant the client holds, compressed or not
            unchanged.set_etag(g.matched_etag)
        return unchanged
    response = build()
    if issued_token():
        return private(response)
    if response.status_code != 200:
        return response
    if current is None and after is not None:
        current = after()
    return _public(response, current)


def mark_private_pages(response: Response) -> Response:
    """A page shown while flash messages were waiting is private unless its view said how to
    cache it (they were for this browser; a file's bytes are not). A page holding the session's
    CSRF token is private whatever its view said, and without validators: a shared cache must
    never answer anyone else with it."""
    if issued_token() and "private" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = PRIVATE
        del response.headers["ETag"]
        del response.headers["Last-Modified"]
    elif g.get("flashes_pending"):
        response.headers.setdefault("Cache-Control", PRIVATE)
    return response


def note_flashes() -> None:
    """Remember before the view runs (showing the messages removes them) whether some wait."""
    g.flashes_pending = "_flashes" in session


def init_app(app: Flask) -> None:
    """Mark pages shown with flash messages, and pages with the session's forms, private."""
    app.before_request(note_flashes)
    app.after_request(mark_private_pages)
