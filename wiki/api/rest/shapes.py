"""The REST API's JSON objects (page, revision, user, licence), its addresses, and the
validators of conditional requests (ETag, Last-Modified, 304)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from flask import Response, request
from werkzeug.http import is_resource_modified

from wiki import clock
from wiki.models import Page, Revision
from wiki.titles import Title
from wiki.urls import absolute_url

PREFIX = "/w/rest.php"
BASE = PREFIX + "/v1"
CONTENT_MODEL = "markdown"
# Every page's text is published under one licence (the page footer says the same).
LICENSE = {
    "url": "https://creativecommons.org/licenses/by-sa/4.0/",
    "title": "Creative Commons Attribution-ShareAlike 4.0",
}
# Characters left as they are in a title within a REST path; "/" is encoded, since a literal
# one would start a sub-resource (/history, /bare, /html).
_TITLE_SAFE = ":,()'!*@$;~-._"


def timestamp(value: datetime) -> str:
    """A stored (naive UTC) timestamp as the API writes it: 2026-11-28T00:11:54Z."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def page_path(title: Title, suffix: str = "", **query: Any) -> str:
    """The REST path of a page (or of its /history, /bare or /html), with a query string."""
    params = {name: value for name, value in query.items() if value is not None}
    return (f"{BASE}/page/{quote(title.url_part, safe=_TITLE_SAFE)}{suffix}"
            + ("?" + urlencode(params) if params else ""))


def rest_url(path: str) -> str:
    """A REST path as an absolute URL on the wiki's configured base address."""
    return absolute_url(path)


def page_title(page: Page) -> Title:
    """The page's title."""
    return Title(page.namespace, page.title)


def page_json(title: Title, page_id: int, revision_id: int, revision_time: datetime,
              source: str | None) -> dict[str, Any]:
    """A page at its latest revision: with the text (`source`), or with `html_url` (bare, when
    source is None)."""
    body: dict[str, Any] = {
        "id": page_id,
        "key": title.url_part,
        "title": title.full,
        "latest": {"id": revision_id, "timestamp": timestamp(revision_time)},
        "content_model": CONTENT_MODEL,
        "license": dict(LICENSE),
    }
    if source is not None:
        body["source"] = source
    else:
        body["html_url"] = rest_url(page_path(title, "/html"))
    return body


def user_json(revision: Revision, account_ids: dict[str, int]) -> dict[str, Any]:
    """Who made a revision: the account's id and name, or null and the IP address."""
    user_id = None if revision.author_is_ip else account_ids.get(revision.author)
    return {"id": user_id, "name": revision.author}


def revision_json(revision: Revision, page: Page, delta: int | None,
                  account_ids: dict[str, int], *, source: bool = True) -> dict[str, Any]:
    """A revision with its page, author, summary and size change; with the text, or (bare)
    with `html_url`."""
    title = page_title(page)
    body: dict[str, Any] = {
        "id": revision.id,
        "size": revision.size,
        "minor": bool(revision.minor),
        "timestamp": timestamp(revision.timestamp),
        "content_model": CONTENT_MODEL,
        "page": {"id": page.id, "key": title.url_part, "title": title.full},
        "license": dict(LICENSE),
        "user": user_json(revision, account_ids),
        "comment": revision.summary,
        "delta": delta,
    }
    if source:
        body["source"] = revision.text
    else:
        body["html_url"] = rest_url(f"{BASE}/revision/{revision.id}/html")
    return body


def _last_modified_header(value: datetime | None) -> datetime | None:
    """A stored (naive UTC) time as Last-Modified gives it: never later than now. A page edited
    several times in one second has its revisions stamped a second apart, ahead of the clock;
    a client given such a time would take a change made before the clock caught up (a new
    render of the page) for none."""
    return min(value, clock.utcnow()).replace(tzinfo=UTC) if value is not None else None


def not_modified(etag: str | None, last_modified: datetime | None) -> Response | None:
    """A 304 when the request's If-None-Match (or, without it, If-Modified-Since) shows the
    client already has this version; None otherwise."""
    if etag is None and last_modified is None:
        return None
    if is_resource_modified(request.environ, etag=etag,
                            last_modified=_last_modified_header(last_modified)):
        return None
    response = Response(status=304)
    del response.headers["Content-Type"]
    return validated(response, etag, last_modified)


def validated(response: Response, etag: str | None, last_modified: datetime | None
              ) -> Response:
    """The response with its ETag and Last-Modified headers."""
    if etag is not None:
        response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = _last_modified_header(last_modified)
    return response
