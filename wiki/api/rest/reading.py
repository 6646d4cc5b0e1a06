"""The REST API's reads: a page (its source, bare, or rendered HTML), its history, a revision,
the difference between two revisions, and search. Each parses the request, asks the page
service (or the search index), and answers JSON, with validators for conditional requests.

A redirect page answers 307 to its target (with the same sub-resource), unless the request says
?redirect=no or the target is missing, is itself a redirect (never a chain, so never a loop), or
is a Special: page; then the redirect page itself is served.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Response, jsonify, request

from wiki import pages, rendering, search
from wiki.api.rest import compare, queries
from wiki.api.rest.errors import RestError
from wiki.api.rest.shapes import (
    not_modified,
    page_json,
    page_path,
    page_title,
    rest_url,
    revision_json,
    timestamp,
    user_json,
    validated,
)
from wiki.db import db
from wiki.existence import is_readable
from wiki.models import Page, RenderedRevision, Revision
from wiki.titles import MAIN, SPECIAL, Title, parse_title
from wiki.views import conditional
from wiki.views.helpers import int_arg

HISTORY_LIMIT = 20
SEARCH_LIMIT, SEARCH_MAX_LIMIT = 50, 100
VARIANTS = {"source": "", "bare": "/bare", "html": "/html"}


def _no_page(title: Title) -> RestError:
    return RestError(404, "rest-nonexistent-title",
                     f'The specified page ("{title.full}") does not exist.')


def _followed_redirect(title: Title, text: str, suffix: str) -> Response | None:
    """307 to the target of a redirect page's text, unless it is not to be followed."""
    if request.args.get("redirect") == "no":
        return None
    target = pages.redirect_target(text)
    if target is None or target == title or target.namespace == SPECIAL:
        return None
    found = pages.find_page(target)
    if not is_readable(found) or found.is_redirect:
        return None
    response = Response(status=307)
    del response.headers["Content-Type"]
    response.headers["Location"] = page_path(target, suffix)
    return response


def page(raw_title: str, variant: str) -> Response:
    """GET page/{title} (variant "source"), page/{title}/bare or page/{title}/html."""
    title = parse_title(raw_title)
    if variant == "html":
        return _page_html(title)
    latest = queries.latest_text(title)
    if latest is None:
        raise _no_page(title)
    if latest.is_redirect:
        moved = _followed_redirect(title, latest.text, VARIANTS[variant])
        if moved is not None:
            return moved
    etag = str(latest.revision_id)
    unchanged = not_modified(etag, latest.timestamp)
    if unchanged is not None:
        return unchanged
    body = page_json(title, latest.page_id, latest.revision_id, latest.timestamp,
                     latest.text if variant == "source" else None)
    return validated(jsonify(body), etag, latest.timestamp)


def _page_html(title: Title) -> Response:
    """GET page/{title}/html: the latest revision's render. The common case (a stored render,
    not a redirect) costs one query without the revision's text."""
    latest = queries.latest_render(title)
    if latest is None:
        raise _no_page(title)
    if latest.html is not None and latest.rendered_at is not None and not latest.is_redirect:
        etag = _render_tag(latest.revision_id, latest.rendered_at)
        changed = max(latest.timestamp, latest.rendered_at)
        unchanged = not_modified(etag, changed)
        if unchanged is not None:
            return unchanged
        return validated(Response(latest.html, mimetype="text/html"), etag, changed)
    current = pages.current_page(title)
    if current is None or not is_readable(current.page):
        raise _no_page(title)
    if current.page.is_redirect:
        moved = _followed_redirect(title, current.revision.text, VARIANTS["html"])
        if moved is not None:
            return moved
    return _html(current.revision, current.render, title)


def _render_tag(revision_id: int, rendered_at: datetime) -> str:
    """The ETag of a render: the revision and the moment the render was made."""
    return f"{revision_id}-{rendered_at:%Y%m%d%H%M%S%f}"


def _html(revision: Revision, row: RenderedRevision | None, title: Title) -> Response:
    """A revision's rendered HTML (the stored render, made now if it was dropped), tagged with
    the revision and the moment the render was made: a new render is a new version."""
    if row is not None:
        etag = _render_tag(revision.id, row.rendered_at)
        changed = max(revision.timestamp, row.rendered_at)
        unchanged = not_modified(etag, changed)
        if unchanged is not None:
            return unchanged
    html = rendering.cached_render(revision, row, title).html
    if row is None:
        row = db.session.get(RenderedRevision, revision.id)  # stored just now, if it could be
    response = Response(str(html), mimetype="text/html")
    if row is None:
        response.headers["Cache-Control"] = "no-cache"
        return response
    return validated(response, _render_tag(revision.id, row.rendered_at),
                     max(revision.timestamp, row.rendered_at))


def history(raw_title: str) -> Response:
    """GET page/{title}/history: 20 revisions a call, newest first, with links to the older and
    newer ones."""
    title = parse_title(raw_title)
    found = pages.find_page(title)
    if not is_readable(found):
        raise _no_page(title)
    older_than = int_arg("older_than", None, minimum=1)
    newer_than = int_arg("newer_than", None, minimum=1)
    if older_than is not None and newer_than is not None:
        raise RestError(400, "rest-pagehistory-incompatible-params",
                        "Use older_than or newer_than, not both.")
    only = request.args.get("filter") or None
    if only is not None and only not in queries.HISTORY_FILTERS:
        raise RestError(400, "rest-bad-parameter",
                        f'"filter" must be one of {", ".join(queries.HISTORY_FILTERS)}.')
    assert found.latest_revision_id is not None  # a readable page has one
    etag, changed = str(found.latest_revision_id), queries.revision_time(found.latest_revision_id)
    unchanged = not_modified(etag, changed)
    if unchanged is not None:
        return unchanged
    part = queries.history_slice(found.id, HISTORY_LIMIT, older_than=older_than,
                                 newer_than=newer_than, only=only)
    sizes = queries.parent_sizes(part.revisions)
    accounts = queries.account_ids(r.author for r in part.revisions if not r.author_is_ip)
    body: dict[str, Any] = {
        "revisions": [{
            "id": revision.id,
            "timestamp": timestamp(revision.timestamp),
            "minor": bool(revision.minor),
            "size": revision.size,
            "comment": revision.summary,
            "user": user_json(revision, accounts),
            "delta": queries.delta(revision, sizes),
        } for revision in part.revisions],
        "latest": rest_url(page_path(title, "/history", filter=only)),
    }
    if part.has_older:
        body["older"] = rest_url(page_path(title, "/history", filter=only,
                                           older_than=part.revisions[-1].id))
    if part.has_newer:
        body["newer"] = rest_url(page_path(title, "/history", filter=only,
                                           newer_than=part.revisions[0].id))
    return validated(jsonify(body), etag, changed)


def _readable_revision(revision_id: int) -> tuple[Revision, Page]:
    """A revision of a readable page, or 404."""
    revision = db.session.get(Revision, revision_id)
    if revision is None or not is_readable(revision.page):
        raise RestError(404, "rest-nonexistent-revision",
                        f"The specified revision ({revision_id}) does not exist.")
    return revision, revision.page


def revision(revision_id: int, variant: str) -> Response:
    """GET revision/{id} (variant "source"), revision/{id}/bare or revision/{id}/html. A
    revision never changes, so its ETag is its id."""
    found, owner = _readable_revision(revision_id)
    if variant == "html":
        return _html(found, db.session.get(RenderedRevision, found.id), page_title(owner))
    etag = str(found.id)
    unchanged = not_modified(etag, found.timestamp)
    if unchanged is not None:
        return unchanged
    sizes = queries.parent_sizes([found])
    accounts = queries.account_ids([found.author] if not found.author_is_ip else [])
    body = revision_json(found, owner, queries.delta(found, sizes), accounts,
                         source=variant == "source")
    return validated(jsonify(body), etag, found.timestamp)


def compare_revisions(from_id: int, to_id: int) -> Response:
    """GET revision/{from}/compare/{to}: the changes from one revision of a page to another."""
    older, _ = _readable_revision(from_id)
    newer, _ = _readable_revision(to_id)
    if older.page_id != newer.page_id:
        raise RestError(400, "rest-revision-page-mismatch",
                        "The two revisions belong to different pages.")
    etag = f"{older.id}-{newer.id}"
    changed = max(older.timestamp, newer.timestamp)
    unchanged = not_modified(etag, changed)
    if unchanged is not None:
        return unchanged
    body = {
        "from": {"id": older.id, "slot_role": "main", "sections": compare.sections(older.text)},
        "to": {"id": newer.id, "slot_role": "main", "sections": compare.sections(newer.text)},
        "diff": compare.diff_entries(older.text, newer.text),
    }
    return validated(jsonify(body), etag, changed)


def _search_query() -> tuple[str, int]:
    """The q (required) and limit (1-100, default 50) parameters."""
    raw = request.args.get("q")
    query = search.clean_query(raw) if raw is not None else ""
    if not query:
        raise RestError(400, "rest-missing-param", 'The parameter "q" is required.')
    return query, int_arg("limit", SEARCH_LIMIT, minimum=1, maximum=SEARCH_MAX_LIMIT)


def _search_result(title: Title, page_id: int, excerpt: str) -> dict[str, Any]:
    return {"id": page_id, "key": title.url_part, "title": title.full, "excerpt": excerpt,
            "matched_title": None, "description": None, "thumbnail": None}


def _searched(build: Callable[[], Response]) -> Response:
    """A search's answer, or 304: the index and the titles change only with a revision or a log
    entry (see wiki.lists.PagesMark), so the wiki's newest of each (with the URL) tag it."""
    found = conditional.pages_validator("rest-search")
    unchanged = not_modified(found.etag, found.modified)
    if unchanged is not None:
        return unchanged
    return validated(build(), found.etag, found.modified)


def search_pages() -> Response:
    """GET search/page?q=&limit=: pages whose text matches, best first, with highlighted
    excerpts (escaped HTML, matches in <span class="searchmatch">)."""
    query, limit = _search_query()

    def build() -> Response:
        results = search.search(query, MAIN, limit)
        ids = queries.page_ids(hit.title for hit in results.hits)
        return jsonify(pages=[_search_result(hit.title, ids[hit.title], str(hit.snippet))
                              for hit in results.hits if hit.title in ids])

    return _searched(build)


def search_titles() -> Response:
    """GET search/title?q=&limit=: pages whose title starts with q (ignoring case and
    diacritics); the excerpt is the title."""
    query, limit = _search_query()

    def build() -> Response:
        titles = search.suggest_titles(query, limit)
        ids = queries.page_ids(titles)
        return jsonify(pages=[_search_result(title, ids[title], title.full)
                              for title in titles if title in ids])

    return _searched(build)
