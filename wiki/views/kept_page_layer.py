"""Kept pages answered before the Flask app is reached.

The page stores (wiki.views.page_cache for article views, wiki.views.revision_pages for history
and diff pages) answer most anonymous reads with stored bytes after one small query that says
whether they are still current. On such a hit most of the time goes into Flask's request
machinery around that query, not into the answer. So when a view sends a kept page, or keeps
one it built, it leaves an `Offer` in the WSGI environ: the store, the page's key and
fingerprint, and how to read the fingerprint again on a plain database connection. This layer,
in front of the app, remembers the offer with the headers the app answered with, under the URL
as it was sent.

The next GET of that URL with no session cookie, no credentials and no body is answered here:
the fingerprint is read again (the same one query) and, while it matches, the stored bytes go
out, compressed as the client prefers, or a 304 when the client's copy is current, with the
headers the app gave. Anything else goes on to the app, which answers and may offer again: a
changed page, a session, an address not seen yet, HEAD, a database error, a page whose headers
depend on the time (a protection that runs out) or on more than the URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import Flask, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import parse_date

from wiki import clock, compression
from wiki.bounded import BoundedStore
from wiki.db import db
from wiki.views import conditional

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from wiki.views.page_cache import Fingerprint, PageStore

ENVIRON_KEY = "wiki.kept_page_offer"
EXTENSION = "wiki_kept_page_layer"
# Headers made for each answer, not kept from the app's: the body's length and encoding (and
# the ETag, which names the encoding), and what the server adds.
PER_ANSWER = frozenset({"content-length", "content-encoding", "etag", "date", "server",
                        "connection", "transfer-encoding"})
# A 304 carries the validators and cache headers of the page, but no body and no entity
# headers (as Werkzeug sends the app's own 304s).
NOT_IN_304 = PER_ANSWER | {"content-type", "last-modified"}
# What remembering one address costs beside its headers (key, offer, tuples).
ENTRY_OVERHEAD = 512

ReadMark = Callable[[sa.Connection, datetime], "Fingerprint | None"]
Address = tuple[str, str, str, str]


@dataclass(frozen=True)
class Offer:
    """What a view says about the page it sent: where it is kept, under which fingerprint,
    and how to read that fingerprint again."""

    pages: PageStore
    key: str
    mark: Fingerprint
    read: ReadMark


@dataclass(frozen=True)
class Known:
    """An address this layer answers: the offer and the app's headers, less the per-answer
    ones; the ETag (unquoted, without an encoding) and the time Last-Modified says."""

    offer: Offer
    headers: tuple[tuple[str, str], ...]
    etag: str | None
    modified: datetime | None

    def size(self) -> int:
        """Roughly the bytes this entry holds."""
        return ENTRY_OVERHEAD + sum(len(name) + len(value) for name, value in self.headers)


def offer(pages: PageStore, key: str, mark: Fingerprint, read: ReadMark) -> None:
    """Called by a view that sends a kept page (or keeps the one it built) to an anonymous
    GET: the layer may answer the next such request for this address itself."""
    request.environ[ENVIRON_KEY] = Offer(pages, key, mark, read)


class KeptPageLayer:
    """WSGI middleware: anonymous GETs of kept pages answered before the app."""

    def __init__(self, app: Flask, wsgi_app: WSGIApplication) -> None:
        self.wsgi_app = wsgi_app
        self.session_cookie = str(app.config["SESSION_COOKIE_NAME"])
        self.config: Mapping[str, Any] = app.config
        self.min_size = int(app.config["COMPRESS_MIN_SIZE"])
        with app.app_context():
            self.engine = db.engine
        self.known: BoundedStore[Address, Known] = BoundedStore(
            app.config["WIKI_PAGE_CACHE_BYTES"] // 8, Known.size)
        self._lock = Lock()
        self.answered = 0  # requests this layer answered (200 or 304)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse
                 ) -> Iterable[bytes]:
        address = self._address(environ)
        if address is None:
            return self.wsgi_app(environ, start_response)
        known = self.known.get(address)
        if known is not None:
            answer = self._answer(known, environ, start_response)
            if answer is not None:
                return answer
        return self._through_app(address, environ, start_response)

    def _address(self, environ: WSGIEnvironment) -> Address | None:
        """The address as sent, when this request is one the layer may answer."""
        if (environ.get("REQUEST_METHOD") != "GET" or not self.known.capacity
                or environ.get("CONTENT_LENGTH", "0") not in ("", "0")
                or "HTTP_TRANSFER_ENCODING" in environ or "HTTP_AUTHORIZATION" in environ
                # Any mention of the session cookie: the app decides who is asking.
                or self.session_cookie in environ.get("HTTP_COOKIE", "")):
            return None
        return (environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""),
                environ.get("RAW_URI") or environ.get("REQUEST_URI") or "")

    def _through_app(self, address: Address, environ: WSGIEnvironment,
                     start_response: StartResponse) -> Iterable[bytes]:
        """Let the app answer, and remember the address when its view offered the page."""
        sent: list[tuple[str, list[tuple[str, str]]]] = []

        def noting(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent.append((status, headers))
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, noting)
        offered = environ.get(ENVIRON_KEY)
        if isinstance(offered, Offer) and sent and sent[-1][0].startswith("200 "):
            known = _known(offered, sent[-1][1])
            if known is not None:
                self.known.put(address, known)
        return body

    def _answer(self, known: Known, environ: WSGIEnvironment, start_response: StartResponse
                ) -> list[bytes] | None:
        """The kept page (or a 304) while its fingerprint holds; None sends the request on."""
        offered = known.offer
        try:
            with self.engine.connect() as connection:
                mark = offered.read(connection, clock.utcnow())
        except SQLAlchemyError:
            return None  # the app answers, with its own handling of the failure
        page = offered.pages.get(offered.key, mark) if mark == offered.mark else None
        if page is None:
            return None
        if known.etag is not None and known.modified is not None:
            held = conditional.held_variant(known.etag, known.modified,
                                            environ.get("HTTP_IF_NONE_MATCH", ""),
                                            environ.get("HTTP_IF_MODIFIED_SINCE", ""))
            if held is not None:
                headers = [(name, value) for name, value in known.headers
                           if name.lower() not in NOT_IN_304]
                start_response("304 NOT MODIFIED",
                               [*headers, ("ETag", f'"{held or known.etag}"')])
                self._count()
                return []
        encoding = compression.preferred_encoding(environ.get("HTTP_ACCEPT_ENCODING"),
                                                  len(page.body), self.min_size)
        body = page.body if encoding is None else offered.pages.encoded(
            offered.key, page, encoding, self.config)
        headers = [("Content-Length", str(len(body)))]
        if encoding is not None:
            headers.append(("Content-Encoding", encoding))
        if known.etag is not None:
            tag = known.etag if encoding is None else f"{known.etag}:{encoding}"
            headers.append(("ETag", f'"{tag}"'))
        start_response("200 OK", [*known.headers, *headers])
        self._count()
        return [body]

    def _count(self) -> None:
        with self._lock:
            self.answered += 1


def _known(offered: Offer, headers: list[tuple[str, str]]) -> Known | None:
    """What to answer the address with, from the app's answer; None when it must not be kept
    (it set a cookie, or its ETag is not a strong one of ours)."""
    kept: list[tuple[str, str]] = []
    etag = modified = None
    encoding = ""
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie":
            return None
        if lowered == "etag":
            etag = value
        elif lowered == "content-encoding":
            encoding = value
        elif lowered == "last-modified":
            modified = parse_date(value)
        if lowered not in PER_ANSWER:
            kept.append((name, value))
    if (etag is None) != (modified is None):
        return None  # our validators come in pairs; anything else is the app's to answer
    if etag is not None:
        if not (etag.startswith('"') and etag.endswith('"')) or len(etag) < 3:
            return None
        etag = etag[1:-1].removesuffix(f":{encoding}" if encoding else "")
    return Known(offered, tuple(kept), etag, modified)


def layer(app: Flask) -> KeptPageLayer:
    """The app's kept-page layer."""
    found: KeptPageLayer = app.extensions[EXTENSION]
    return found


def init_app(app: Flask) -> None:
    """Put the layer in front of the app (Flask's documented way to add WSGI middleware is to
    replace wsgi_app; typed as a method, it is set through the attribute name)."""
    wrapped = KeptPageLayer(app, app.wsgi_app)
    app.extensions[EXTENSION] = wrapped
    attribute = "wsgi_app"
    setattr(app, attribute, wrapped)
