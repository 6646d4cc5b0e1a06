"""A per-process cache of whole article pages for anonymous readers.

Most views are anonymous reads of a page's current revision, and nearly all their cost is
building the response, not finding what to show. So the view first reads the page's
fingerprint in one small query (latest revision, when its render was stored, its protection)
and, when a page with that fingerprint was already built for the same URL, sends the stored
bytes. Anything that changes what the page shows changes the fingerprint: a new revision, a
dropped render (whatever it consulted changed, see wiki.invalidation; a render also depends on
what the view shows beside it, such as the talk tab and a category's members), protection.
Logged-in users and pending flash messages always get a freshly built page, and a page that
holds the visitor's CSRF token (a form) is never stored.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from threading import Lock
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request, session

from wiki import compression
from wiki.db import db
from wiki.existence import readable
from wiki.models import Page, Protection, RenderedRevision, Revision
from wiki.titles import Title
from wiki.views import conditional, kept_page_layer

Fingerprint = tuple[Any, ...]


class Stored:
    """A stored page: its fingerprint, body and content type, and the compressed bodies
    (encoding -> bytes) made for it so far."""

    __slots__ = ("mark", "body", "content_type", "encoded")

    def __init__(self, mark: Fingerprint, body: bytes, content_type: str) -> None:
        self.mark = mark
        self.body = body
        self.content_type = content_type
        self.encoded: dict[str, bytes] = {}

    def size(self) -> int:
        """The bytes this page holds, compressed copies included."""
        return len(self.body) + sum(len(data) for data in self.encoded.values())


class PageStore:
    """One app's stored pages: URL -> Stored, least recent first, holding at most `capacity`
    bytes of bodies (0: store nothing); and how many views it answered (hits) and how many it
    had to build (builds)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.pages: OrderedDict[str, Stored] = OrderedDict()
        self.size = 0
        self.lock = Lock()
        self.hits = 0
        self.builds = 0

    def get(self, key: str, mark: Fingerprint) -> Stored | None:
        """The stored page for the URL if its fingerprint still matches."""
        with self.lock:
            found = self.pages.get(key)
            if found is None or found.mark != mark:
                return None
            self.pages.move_to_end(key)
            self.hits += 1
            return found

    def mark_of(self, key: str) -> Fingerprint | None:
        """The fingerprint the page stored for the URL was built with, if one is stored."""
        with self.lock:
            found = self.pages.get(key)
            return None if found is None else found.mark

    def put(self, key: str, mark: Fingerprint, body: bytes, content_type: str) -> None:
        """Store a page, dropping the least recently used ones beyond the capacity."""
        if len(body) > self.capacity:
            return
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= old.size()
            self.pages[key] = Stored(mark, body, content_type)
            self.size += len(body)
            self._trim()

    def encoded(self, key: str, page: Stored, encoding: str,
                config: Mapping[str, Any] | None = None) -> bytes:
        """The page's body compressed with the encoding (at the levels of `config`, or of the
        current app's): made on its first request only (two threads may both make it; either
        copy is right), kept while the page is stored."""
        with self.lock:
            found = page.encoded.get(encoding)
        if found is not None:
            return found
        data = compression.encode(page.body, encoding, config)
        with self.lock:
            if encoding not in page.encoded and self.pages.get(key) is page:
                page.encoded[encoding] = data
                self.size += len(data)
                self._trim()
        return data

    def _trim(self) -> None:
        """Drop the least recently used pages beyond the capacity (the lock is held)."""
        while self.size > self.capacity and self.pages:
            _, dropped = self.pages.popitem(last=False)
            self.size -= dropped.size()

    def count_build(self) -> None:
        """Note a page built instead of served from the store."""
        with self.lock:
            self.builds += 1


def store(app: Flask | None = None) -> PageStore:
    """The page store of the given app, or of the current one."""
    found: PageStore = (app or current_app).extensions["wiki_page_cache"]
    return found


@cache
def _fingerprint_query() -> sa.Select[
    int | None, bool, bool, datetime, str, datetime | None, str, datetime, datetime
]:
    """Built once: the statement costs more to build than to run. (The outer-joined render and
    protection columns come back as None when missing; the type cannot say so.)"""
    return (
        sa.select(Page.latest_revision_id, Page.is_redirect, readable(),
                  RenderedRevision.rendered_at, Protection.level, Protection.expires_at,
                  Protection.reason, Protection.protected_at, Revision.timestamp)
        .select_from(Page)
        .outerjoin(Revision, Revision.id == Page.latest_revision_id)
        .outerjoin(RenderedRevision, RenderedRevision.revision_id == Page.latest_revision_id)
        .outerjoin(Protection, Protection.page_id == Page.id)
        .where(Page.namespace == sa.bindparam("namespace"), Page.title == sa.bindparam("title"))
    )


def cacheable(title: Title) -> bool:
    """Whether this request may be answered from (and stored in) the cache."""
    return (
        request.method == "GET"
        and g.get("user") is None
        and "_flashes" not in session
        and set(request.args) <= {"redirectedfrom"}
    )


def fingerprint(title: Title, now: datetime) -> Fingerprint | None:
    """What the page's rendering depends on, or None when it cannot be served from cache."""
    return read_fingerprint(db.session.connection(), title, now,
                            follow_redirect=request.args.get("redirect") != "no")


def read_fingerprint(connection: sa.Connection, title: Title, now: datetime, *,
                     follow_redirect: bool = True) -> Fingerprint | None:
    """The fingerprint read on a given connection (the request's, or the kept-page layer's
    before Flask is reached); a redirect shown as itself (redirect=no) has one, a redirect
    followed has none."""
    # Core, not the ORM: plain columns need no entity loading, and this runs on every view.
    row = connection.execute(_fingerprint_query(), {
        "namespace": title.namespace, "title": title.text,
    }).first()
    if row is None:
        return None
    latest, is_redirect, exists, rendered_at, level, expires_at, reason, since, saved = row
    if not exists or rendered_at is None:
        return None
    if is_redirect and follow_redirect:
        return None
    protected = level is not None and (expires_at is None or expires_at > now)
    # When the page last changed: its revision, its render, its protection set or run out.
    changes = [saved, rendered_at]
    if level is not None:
        changes.append(since if protected or expires_at is None else max(since, expires_at))
    return (latest, rendered_at, is_redirect,
            (level, expires_at, reason, since) if protected else None, max(changes))


def changed_at(mark: Fingerprint) -> datetime:
    """When the page a fingerprint describes last changed (its last part)."""
    moment: datetime = mark[-1]
    return moment


def serve(title: Title, now: datetime, build: Callable[[], Response]) -> Response:
    """304 when the reader's copy is current; else the page from the cache when its fingerprint
    still matches, else built (and stored). One fingerprint query decides both."""
    if request.method not in {"GET", "HEAD"} or conditional.session_bound():
        return conditional.answer(lambda: None, build)
    mark = fingerprint(title, now)
    return conditional.answer(
        lambda: _validator(mark), lambda: _stored_or_built(title, mark, build),
        after=lambda: _validator(fingerprint(title, now)))


def _validator(mark: Fingerprint | None) -> conditional.Validator | None:
    if mark is None:
        return None
    protection = mark[3]  # (level, expires_at, reason, since) while protected
    return conditional.validator("view", mark, changed_at(mark),
                                 changes_at=protection[1] if protection else None)


def _stored_or_built(title: Title, mark: Fingerprint | None,
                     build: Callable[[], Response]) -> Response:
    """The page from the cache when its fingerprint still matches, else built and stored."""
    if not cacheable(title):
        return build()
    pages = store()
    if not pages.capacity:
        return build()
    key = request.full_path
    if mark is not None:
        hit = pages.get(key, mark)
        if hit is not None:
            _offer(pages, key, title, mark)
            return send(pages, key, hit)
    response = build()
    pages.count_build()
    if mark is not None and response.status_code == 200 and not response.direct_passthrough \
            and not conditional.issued_token():
        pages.put(key, mark, response.get_data(), response.content_type)
        _offer(pages, key, title, mark)
    return response


def _offer(pages: PageStore, key: str, title: Title, mark: Fingerprint) -> None:
    """Let the kept-page layer answer this URL's next anonymous views before Flask, unless the
    page's headers depend on the time (a protection that runs out shortens s-maxage) or its
    query (a redirectedfrom is checked against the database each time)."""
    protection = mark[3]
    if request.args or (protection is not None and protection[1] is not None):
        return
    kept_page_layer.offer(pages, key, mark,
                          lambda connection, now: read_fingerprint(connection, title, now))


def send(pages: PageStore, key: str, page: Stored) -> Response:
    """A stored page, compressed from the store when the client accepts an encoding (the
    compression after the request leaves a response alone once it has Content-Encoding)."""
    encoding = compression.chosen_encoding(len(page.body))
    if encoding is None:
        return Response(page.body, status=200, content_type=page.content_type)
    response = Response(pages.encoded(key, page, encoding), status=200,
                        content_type=page.content_type)
    response.headers["Content-Encoding"] = encoding
    return response


def init_app(app: Flask) -> None:
    """Give the app its own store (several apps in one process must not share pages)."""
    app.extensions["wiki_page_cache"] = PageStore(app.config["WIKI_PAGE_CACHE_BYTES"])
