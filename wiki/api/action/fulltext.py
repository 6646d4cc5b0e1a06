"""list=search: the wiki's full-text search (wiki.search) as MediaWiki answers it, with its
escaped snippets that mark each match with <span class="searchmatch">.

Continuation is by offset ("sroffset", as in MediaWiki); over several namespaces the results of
each namespace follow those of the one before, in the order srnamespace gives them.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wiki import search
from wiki.api.action.context import Context
from wiki.api.action.modules import ListResult, Module, ModuleRegistry
from wiki.api.action.namespaces import EMPTY_NAMESPACES
from wiki.api.action.params import Param, Parsed, format_timestamp, limit_param
from wiki.db import db
from wiki.existence import readable
from wiki.models import Page, Revision
from wiki.search import SearchHit, SearchResults
from wiki.search.text import snippet_markup

SEARCH_PROPS = ("size", "wordcount", "timestamp", "snippet", "titlesnippet", "redirecttitle",
                "redirectsnippet", "sectiontitle", "sectionsnippet", "isfilematch",
                "categorysnippet", "score", "hasrelated", "extensiondata")
MAX_OFFSET = search.RESULT_CAP


def _run(what: str, query: str, namespace: int, limit: int, offset: int) -> SearchResults:
    if what == "title":
        return search.search_titles(query, namespace, limit, offset)
    if what == "nearmatch":
        target = search.go_target(query)
        if target is None or target.namespace != namespace or offset > 0:
            return SearchResults(query, (), 0 if target is None else 1, (), offset, limit)
        page = db.session.scalar(sa.select(Page).where(
            Page.namespace == target.namespace, Page.title == target.text, readable()))
        if page is None or page.latest_revision is None:
            return SearchResults(query, (), 0, (), offset, limit)
        hit = SearchHit(target, snippet_markup(""), page.latest_revision.size,
                        page.latest_revision.timestamp)
        return SearchResults(query, (), 1, (hit,), offset, limit)
    return search.search(query, namespace, limit, offset)


def _hits(params: Parsed, limit: int, offset: int) -> tuple[list[SearchHit], int]:
    """The hits from ``offset`` on (at most limit + 1, to know whether more follow) across the
    namespaces asked for, and the number of results in all."""
    hits: list[SearchHit] = []
    total = 0
    skip = offset
    for namespace in params["namespace"] or [0]:
        if namespace in EMPTY_NAMESPACES:
            continue
        wanted = max(limit + 1 - len(hits), 1)
        results = _run(params["what"] or "text", params["search"], namespace, wanted,
                       min(skip, MAX_OFFSET))
        count = min(results.total, search.RESULT_CAP)
        total += count
        if skip >= count:
            skip -= count
            continue
        skip = 0
        hits.extend(results.hits[:limit + 1 - len(hits)])
    return hits, total


def _details(hits: list[SearchHit], props: set[str]) -> dict[tuple[int, str], tuple[int, int]]:
    """(page id, word count) of each hit's page; counting words reads the texts."""
    if not hits:
        return {}
    pairs = [sa.and_(Page.namespace == hit.title.namespace, Page.title == hit.title.text)
             for hit in hits]
    columns: list[Any] = [Page.namespace, Page.title, Page.id]
    query = sa.select(*columns).where(readable(), sa.or_(*pairs))
    if "wordcount" in props:
        query = sa.select(Page.namespace, Page.title, Page.id, Revision.text).join(
            Revision, Revision.id == Page.latest_revision_id).where(readable(), sa.or_(*pairs))
    found: dict[tuple[int, str], tuple[int, int]] = {}
    for row in db.session.execute(query):
        words = len(row[3].split()) if len(row) > 3 else 0
        found[(row[0], row[1])] = (row[2], words)
    return found


def search_list(context: Context, params: Parsed, cont: str | None, as_generator: bool
                ) -> ListResult:
    """list=search."""
    limit: int = params["limit"]
    offset: int = params["offset"]
    hits, total = _hits(params, limit, offset)
    props = set(params["prop"])
    details = _details(hits[:limit], props)
    items = []
    for hit in hits[:limit]:
        page_id, words = details.get((hit.title.namespace, hit.title.text), (0, 0))
        item: dict[str, Any] = {"ns": hit.title.namespace, "title": hit.title.full,
                                "pageid": page_id, "_title": hit.title}
        if "size" in props:
            item["size"] = hit.size
        if "wordcount" in props:
            item["wordcount"] = words
        if "snippet" in props:
            item["snippet"] = str(hit.snippet)
        if "titlesnippet" in props:
            item["titlesnippet"] = str(snippet_markup(hit.title.full))
        if "timestamp" in props:
            item["timestamp"] = format_timestamp(hit.timestamp)
        items.append(item)
    extra: dict[str, Any] = {}
    if "totalhits" in params["info"] and not as_generator:
        extra["searchinfo"] = {"totalhits": total}
    following = offset + limit if len(hits) > limit else None
    return ListResult(items, following, extra, continue_name="offset")


SEARCH_PARAMS = (
    Param("search", required=True, help="Search for page titles or content matching this "
                                        "value."),
    Param("namespace", "namespace", multi=True, all_value="*", default=[0],
          help="Search only within these namespaces."),
    limit_param(help="How many total pages to return."),
    Param("offset", "integer", default=0, minimum=0, maximum=MAX_OFFSET,
          help="When more results are available, use this to continue."),
    Param("qiprofile", default="engine_autoselect", help="Query independent profile to use."),
    Param("what", values=("title", "text", "nearmatch"), help="Which type of search to perform."),
    Param("info", values=("totalhits", "suggestion", "rewrittenquery"), multi=True,
          default=["totalhits", "suggestion", "rewrittenquery"],
          help="Which metadata to return."),
    Param("prop", values=SEARCH_PROPS, multi=True,
          default=["size", "wordcount", "timestamp", "snippet"],
          help="Which properties to return."),
    Param("interwiki", "boolean", help="Include interwiki results in the search, if available."),
    Param("enablerewrites", "boolean", help="Enable internal query rewriting."),
    Param("sort", values=("relevance",), default="relevance",
          help="Set the sort order of returned results."),
)


def register(registry: ModuleRegistry) -> None:
    """Offer list=search."""
    registry.add(Module("search", "list", search_list, "Perform a full text search.",
                        prefix="sr", params=SEARCH_PARAMS, generator=True))
