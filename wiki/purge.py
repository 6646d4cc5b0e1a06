"""Telling the cache servers in front of the wiki (WIKI_PURGE_URLS, Varnish say) to drop the
pages a write changed, with HTTP PURGE once the write has committed.

A write names the pages whose shown output it changes (`schedule`) inside its transaction; the
names wait in the database session and become URLs when the transaction commits, so a write that
rolls back purges nothing and no cache can fetch the old page again after its purge. Each cache
server has its own sender thread and queue: a save only puts paths on the queues, so a server
that is slow or down delays no save. A PURGE that fails is tried again after growing pauses, then
logged and dropped; after a timeout the rest of that round waits for the next one, so a server
that does not answer costs one timeout a round, not one per URL.

Only the exact URLs a purge reaches (`purged_paths`, `shared_cacheable`) are sent with
s-maxage: every other URL (paging, old revisions, "redirected from") is revalidated each time,
so no shared cache keeps a page no purge would drop.
"""

from __future__ import annotations

import atexit
import http.client
import logging
import os
import queue
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

import sqlalchemy as sa
from flask import Flask, Response, current_app, jsonify, request
from sqlalchemy.orm import Session

from wiki.db import db
from wiki.models import Link, Page, RenderDependency, Revision
from wiki.titles import Title, subject_and_talk, try_parse_title

if TYPE_CHECKING:
    from wiki.invalidation import PageChange

EXTENSION_KEY = "wiki_purger"
PENDING_KEY = "wiki_purge_pending"  # in Session.info: (purger, titles) waiting for the commit
# The wiki-wide feed, as readers type it and as Special:RecentChanges links to it.
RECENT_CHANGES_FEEDS = ("/wiki/Special:RecentChanges?feed=atom",
                        "/wiki/Special:RecentChanges?feed=atom&limit=50")
# Paths a sender keeps for its next round at most; beyond it the oldest wait is dropped, logged.
QUEUE_LIMIT = 10_000
EXIT_WAIT_SECONDS = 5.0
BATCH = 400  # topics per statement when finding the pages a render drop affects


def words(setting: str | Iterable[str]) -> list[str]:
    """A list setting, given as a list or as one string separated by spaces or commas."""
    if isinstance(setting, str):
        setting = setting.replace(",", " ").split()
    return [word for word in setting if word]


def purged_paths(title: Title) -> list[str]:
    """Every URL a change to this page's output makes stale, as the wiki's own links spell it:
    the page, its history, its raw text and its history feed."""
    path = title.path
    return [path, f"{path}?action=history", f"{path}?action=raw",
            f"{path}?action=history&feed=atom"]


def _raw_request_uri() -> str:
    """The request's URL as the client sent it (what a cache keys on)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return str(raw)
    query = request.query_string.decode("latin-1")
    return quote(request.path, safe="/:,()'!*@$;~-._") + (f"?{query}" if query else "")


def shared_cacheable() -> bool:
    """Whether a shared cache may keep this request's answer: only when its URL is spelled
    exactly as a purge spells it (the title percent-encoded the wiki's way, parameters in the
    wiki's order), since a cache keeps each spelling apart."""
    uri = _raw_request_uri()
    if uri in RECENT_CHANGES_FEEDS:
        return True
    path, _, _ = uri.partition("?")
    if not path.startswith("/wiki/") or not uri.isascii():
        return False
    title = try_parse_title(unquote(path.removeprefix("/wiki/")))
    return title is not None and uri in purged_paths(title)


def schedule(titles: Iterable[Title]) -> None:
    """Purge these pages (and the talk or subject page whose tab shows whether they exist) when
    the current transaction commits; nothing when no cache server is configured."""
    purger: Purger | None = current_app.extensions.get(EXTENSION_KEY)
    if purger is None:
        return
    waiting = db.session.info.setdefault(PENDING_KEY, (purger, set()))[1]
    waiting.update(titles)


def schedule_changes(changes: Iterable[PageChange]) -> None:
    """Purge pages that were created, edited, deleted or restored; when a page starts or stops
    existing, also the page of its other tab (a talk tab is blue or red with its page)."""
    changed: set[Title] = set()
    for change in changes:
        changed.add(change.title)
        pair = subject_and_talk(change.title)
        if pair is not None and change.before.exists != change.after.exists:
            changed.update(pair)
    schedule(changed)


def schedule_consumers(topics: Iterable[str]) -> None:
    """Purge the pages whose stored render consulted one of these topics (before the renders
    are dropped), and for title topics also the pages that link to the title."""
    if EXTENSION_KEY not in current_app.extensions:
        return
    wanted = sorted(set(topics))
    found: set[Title] = set()
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start:start + BATCH]
        consulted = sa.select(RenderDependency.revision_id).where(RenderDependency.topic.in_(chunk))
        rows = db.session.execute(
            sa.select(Page.namespace, Page.title).join(Revision, Revision.page_id == Page.id)
            .where(Revision.id.in_(consulted)).distinct())
        found.update(Title(namespace, text) for namespace, text in rows)
    for topic in wanted:
        kind, _, rest = topic.partition(":")
        namespace, _, text = rest.partition(":")
        digits = namespace.lstrip("-")
        if kind != "title" or not (digits.isascii() and digits.isdigit()):
            continue
        rows = db.session.execute(
            sa.select(Page.namespace, Page.title).join(Link, Link.from_page_id == Page.id)
            .where(Link.to_namespace == int(namespace), Link.to_title == text).distinct())
        found.update(Title(ns, title) for ns, title in rows)
    schedule(found)


def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    if pending is not None:
        purger, titles = pending
        purger.submit(titles)


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


@dataclass
class _Server:
    """One cache server: where it listens and the paths waiting for it."""

    scheme: str
    netloc: str
    waiting: queue.Queue[str] = field(default_factory=lambda: queue.Queue(QUEUE_LIMIT))


class Purger:
    """Sends PURGE for submitted pages to every configured cache server, each from its own
    thread, with retries; `idle` tells a caller when every path was sent or dropped."""

    def __init__(self, urls: Iterable[str], *, timeout: float, attempts: int,
                 logger: logging.Logger) -> None:
        self.servers = [_Server(parts.scheme or "http", parts.netloc)
                        for parts in (urlsplit(url.strip()) for url in urls if url.strip())]
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.logger = logger
        self._lock = threading.Lock()
        self._owner_pid: int | None = None
        self._outstanding = 0
        self._idle = threading.Condition(self._lock)
        self.sent = 0
        self.failed = 0

    def submit(self, titles: Iterable[Title]) -> None:
        """Queue the URLs of these pages (and the recent-changes feed) for every server."""
        paths = list(RECENT_CHANGES_FEEDS)
        for title in sorted(set(titles), key=lambda t: (t.namespace, t.text)):
            paths.extend(purged_paths(title))
        self._start_senders()
        for server in self.servers:
            for path in paths:
                try:
                    server.waiting.put_nowait(path)
                except queue.Full:
                    self.logger.warning("purge queue for %s is full; %s not purged",
                                        server.netloc, path)
                    continue
                with self._lock:
                    self._outstanding += 1

    def idle(self, timeout: float) -> bool:
        """Wait until every queued path was sent or given up on; False if time ran out."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._outstanding:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def _start_senders(self) -> None:
        # Threads do not survive a fork: a server process that forks workers after creating the
        # app starts its own senders in each worker.
        with self._lock:
            if self._owner_pid == os.getpid():
                return
            self._owner_pid = os.getpid()
        for server in self.servers:
            threading.Thread(target=self._send_forever, args=(server,), daemon=True,
                             name=f"purge {server.netloc}").start()
        # A command (an import, say) ends its process soon after its last write: let what it
        # queued leave first, for a few seconds at most.
        atexit.register(self.idle, EXIT_WAIT_SECONDS)

    def _done(self, count: int) -> None:
        with self._idle:
            self._outstanding -= count
            if not self._outstanding:
                self._idle.notify_all()

    def _send_forever(self, server: _Server) -> None:
        tries: dict[str, int] = {}  # path -> failed attempts so far
        while True:
            try:
                first = server.waiting.get(timeout=self._pause(tries) if tries else None)
                batch = [first]
            except queue.Empty:
                batch = []
            while True:
                try:
                    batch.append(server.waiting.get_nowait())
                except queue.Empty:
                    break
            self._round(server, batch, tries)

    def _pause(self, tries: dict[str, int]) -> float:
        return min(5.0, 0.2 * 4.0 ** max(0, max(tries.values()) - 1))

    def _round(self, server: _Server, batch: list[str], tries: dict[str, int]) -> None:
        # Repeats within a round are sent once (a burst of edits to one page).
        paths = list(dict.fromkeys([*tries, *batch]))
        self._done(len(tries) + len(batch) - len(paths))
        reachable = True
        for path in paths:
            if not reachable:  # it timed out this round: the rest wait for the next one
                tries.setdefault(path, 0)
                continue
            outcome = self._send(server, path)
            reachable = outcome != "timeout"
            if outcome in {"ok", "refused"}:
                self.sent += outcome == "ok"
                self.failed += outcome == "refused"
                tries.pop(path, None)
                self._done(1)
                continue
            tries[path] = tries.get(path, 0) + 1
            if tries[path] >= self.attempts:
                self.logger.warning("PURGE %s on %s failed %d times (%s); given up", path,
                                    server.netloc, tries.pop(path), outcome)
                self.failed += 1
                self._done(1)

    def _send(self, server: _Server, path: str) -> str:
        """One PURGE: "ok", "refused" (the server will not take it), "timeout" or "error"."""
        connection_class = (http.client.HTTPSConnection if server.scheme == "https"
                            else http.client.HTTPConnection)
        connection = connection_class(server.netloc, timeout=self.timeout)
        try:
            connection.request("PURGE", path, headers={"Host": server.netloc})
            status = connection.getresponse().status
        except TimeoutError:
            return "timeout"
        except (OSError, http.client.HTTPException) as error:
            self.logger.info("PURGE %s on %s: %s", path, server.netloc, error)
            return "error"
        finally:
            connection.close()
        if status < 300 or status == 404:
            return "ok"
        if status in {401, 403, 405}:
            self.logger.warning("PURGE %s refused by %s (%d): is this server in its purge "
                                "list?", path, server.netloc, status)
            return "refused"
        return "error"


def answer_purge() -> Response | None:
    """A PURGE sent to the wiki itself: 403 unless from an address allowed to send them (the
    wiki keeps no page a purge could drop: its page cache checks each entry against the
    database), then 200."""
    if request.method != "PURGE":
        return None
    if request.remote_addr not in words(current_app.config["WIKI_PURGE_FROM"]):
        response = jsonify(error="forbidden",
                           message="PURGE is accepted only from the addresses in WIKI_PURGE_FROM.")
        response.status_code = 403
        return response
    return jsonify(purged=_raw_request_uri(),
                   note="This server's page cache checks every page against the database.")


def init_app(app: Flask) -> None:
    """Start a purger when cache servers are configured, and send purges on commit."""
    app.before_request(answer_purge)
    urls = words(app.config["WIKI_PURGE_URLS"])
    if not urls:
        return
    app.extensions[EXTENSION_KEY] = Purger(
        urls, timeout=float(app.config["WIKI_PURGE_TIMEOUT"]),
        attempts=int(app.config["WIKI_PURGE_ATTEMPTS"]), logger=app.logger)
    if not sa.event.contains(Session, "after_commit", _after_commit):
        sa.event.listen(Session, "after_commit", _after_commit)
        sa.event.listen(Session, "after_rollback", _after_rollback)
