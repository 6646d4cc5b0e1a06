"""Query lists of pages: allpages, backlinks and categorymembers, each usable as a generator.

Items carry "_title" (a Title) so a generator can turn them into pages. Continuation values
sort after every item already returned (keyset paging), so each one strictly advances:
allpages "<title key>", backlinks "<namespace>|<target key>|<page id>", categorymembers
"<type>|<hex of the title>|<page id>" (or "<timestamp>|<page id>" sorted by time).
"""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from wiki.api.action import continuation
from wiki.api.action.context import Context
from wiki.api.action.errors import ApiError, bad_continue
from wiki.api.action.modules import ListResult, Module, ModuleRegistry
from wiki.api.action.namespaces import EMPTY_NAMESPACES
from wiki.api.action.params import Param, Parsed, format_timestamp, limit_param
from wiki.db import db
from wiki.existence import readable
from wiki.models import CategoryLink, Link, Page, Protection, Revision
from wiki.titles import CATEGORY, InvalidTitleError, Title, parse_title

# A query of any columns, kept as its own type through the helpers that narrow it.
SelectT = TypeVar("SelectT", bound="sa.Select[*tuple[Any, ...]]")
FILTER_REDIRECTS = ("all", "redirects", "nonredirects")
LEVELS = {"autoconfirmed": "editor", "sysop": "admin"}


def page_item(page_id: int, namespace: int, text: str) -> dict[str, Any]:
    """A page as lists give it: {"pageid", "ns", "title"}, with its Title for generators."""
    title = Title(namespace, text)
    return {"pageid": page_id, "ns": namespace, "title": title.full, "_title": title}


def title_part(raw: str | None) -> str | None:
    """A from/to/prefix parameter as title text (first letter upper-case, underscores as
    spaces, a trailing space kept as MediaWiki keeps it), or invalidtitle."""
    if raw is None or raw == "":
        return None
    try:
        return parse_title(":" + raw + "X").text[:-1]
    except InvalidTitleError:
        raise ApiError("invalidtitle", f'Bad title "{raw[:255]}".') from None


def target_title(raw: str, name: str) -> Title:
    """A title parameter that must be valid."""
    try:
        return parse_title(raw)
    except InvalidTitleError:
        raise ApiError("invalidtitle", f'Bad title "{raw[:255]}".') from None


def _redirect_filter(query: SelectT, which: str) -> SelectT:
    if which == "redirects":
        return query.where(Page.is_redirect.is_(True))
    if which == "nonredirects":
        return query.where(Page.is_redirect.is_(False))
    return query


# --- allpages ---------------------------------------------------------------------------------

def _protection_filter(query: SelectT, params: Parsed) -> SelectT:
    types = params["prtype"]
    if not types:
        if params["prlevel"]:
            raise ApiError("invalidparammix", 'The "aprlevel" parameter may only be used with '
                                              '"aprtype".')
        return query
    protected = sa.select(Protection.page_id)
    levels = [LEVELS[level] for level in params["prlevel"] if level in LEVELS]
    if params["prlevel"]:
        protected = protected.where(Protection.level.in_(levels))
    if params["prexpiry"] == "indefinite":
        protected = protected.where(Protection.expires_at.is_(None))
    elif params["prexpiry"] == "definite":
        protected = protected.where(Protection.expires_at.is_not(None))
    if params["prfiltercascade"] == "cascading":
        return query.where(sa.false())  # this wiki has no cascading protection
    return query.where(Page.id.in_(protected))


def all_pages(context: Context, params: Parsed, cont: str | None, as_generator: bool
              ) -> ListResult:
    """list=allpages: pages of a namespace in title order."""
    namespace: int = params["namespace"]
    if namespace in EMPTY_NAMESPACES:
        return ListResult([])
    descending = params["dir"] == "descending"
    limit: int = params["limit"]
    query = sa.select(Page.id, Page.namespace, Page.title).where(
        readable(), Page.namespace == namespace)
    start = title_part(params["from"])
    end = title_part(params["to"])
    prefix = title_part(params["prefix"])
    if cont is not None:
        start = continuation.title_text(cont, namespace)
    if start is not None:
        query = query.where(Page.title <= start if descending else Page.title >= start)
    if end is not None:
        query = query.where(Page.title >= end if descending else Page.title <= end)
    if prefix is not None:
        query = query.where(sa.func.substr(Page.title, 1, len(prefix)) == prefix)
    query = _redirect_filter(query, params["filterredir"])
    if params["minsize"] is not None or params["maxsize"] is not None:
        query = query.join(Revision, Revision.id == Page.latest_revision_id)
        if params["minsize"] is not None:
            query = query.where(Revision.size >= params["minsize"])
        if params["maxsize"] is not None:
            query = query.where(Revision.size <= params["maxsize"])
    if params["filterlanglinks"] == "withlanglinks":
        query = query.where(sa.false())  # no interlanguage links here
    query = _protection_filter(query, params)
    order = Page.title.desc() if descending else Page.title
    rows = db.session.execute(query.order_by(order).limit(limit + 1)).all()
    items = [page_item(page_id, ns, text) for page_id, ns, text in rows[:limit]]
    following = None
    if len(rows) > limit:
        following = continuation.title_key(Title(namespace, rows[limit].title))
    return ListResult(items, following)


ALLPAGES_PARAMS = (
    Param("from", help="The page title to start enumerating from."),
    Param("continue", help="When more results are available, use this to continue."),
    Param("to", help="The page title to stop enumerating at."),
    Param("prefix", help="Search for all page titles that begin with this value."),
    Param("namespace", "namespace", default=0, help="The namespace to enumerate."),
    Param("filterredir", values=FILTER_REDIRECTS, default="all",
          help="Which pages to list."),
    Param("filterlanglinks", values=("withlanglinks", "withoutlanglinks", "all"), default="all",
          help="Filter based on whether a page has langlinks."),
    Param("minsize", "integer", help="Limit to pages with at least this many bytes."),
    Param("maxsize", "integer", help="Limit to pages with at most this many bytes."),
    Param("prtype", values=("edit", "move", "upload"), multi=True,
          help="Limit to protected pages only."),
    Param("prlevel", values=("autoconfirmed", "sysop"), multi=True,
          help="Filter protections based on protection level (must be used with prtype)."),
    Param("prfiltercascade", values=("cascading", "noncascading", "all"), default="all",
          help="Filter protections based on cascadingness (ignored when prtype isn't set)."),
    Param("prexpiry", values=("indefinite", "definite", "all"), default="all",
          help="Which protection expiry to filter the page on."),
    limit_param(help="How many total pages to return."),
    Param("dir", values=("ascending", "descending"), default="ascending",
          help="The direction in which to list."),
)


# --- backlinks --------------------------------------------------------------------------------

def _target(params: Parsed, prefix: str) -> Title:
    """The page given by <prefix>title or <prefix>pageid (exactly one of them)."""
    if params["title"] is not None and params["pageid"] is not None:
        raise ApiError("invalidparammix", f'The parameters "{prefix}title" and "{prefix}pageid" '
                                          "can not be used together.")
    if params["title"] is not None:
        return target_title(params["title"], prefix + "title")
    if params["pageid"] is None:
        raise ApiError("missingparam", f'One of the parameters "{prefix}title" and '
                                       f'"{prefix}pageid" is required.')
    row = db.session.execute(sa.select(Page.namespace, Page.title).where(
        Page.id == params["pageid"], readable())).first()
    if row is None:
        raise ApiError("nosuchpageid", f"There is no page with ID {params['pageid']}.")
    return Title(row.namespace, row.title)


def _redirect_links(redirects: list[Title], namespaces: list[int]) -> dict[Title, list[Any]]:
    if not redirects:
        return {}
    pairs = [sa.and_(Link.to_namespace == t.namespace, Link.to_title == t.text)
             for t in redirects]
    query = (sa.select(Link.to_namespace, Link.to_title, Page.id, Page.namespace, Page.title)
             .join(Page, Page.id == Link.from_page_id).where(readable(), sa.or_(*pairs)))
    if namespaces:
        query = query.where(Page.namespace.in_(namespaces))
    found: dict[Title, list[Any]] = {}
    for to_ns, to_text, page_id, ns, text in db.session.execute(query.order_by(Page.id)):
        entry = page_item(page_id, ns, text)
        del entry["_title"]
        found.setdefault(Title(to_ns, to_text), []).append(entry)
    return found


def backlinks(context: Context, params: Parsed, cont: str | None, as_generator: bool
              ) -> ListResult:
    """list=backlinks: pages linking to a title (whether or not it exists), by page id."""
    target = _target(params, "bl")
    descending = params["dir"] == "descending"
    limit: int = params["limit"]
    query = (sa.select(Page.id, Page.namespace, Page.title, Page.is_redirect)
             .join(Link, Link.from_page_id == Page.id)
             .where(readable(), Link.to_namespace == target.namespace,
                    Link.to_title == target.text))
    if params["namespace"]:
        query = query.where(Page.namespace.in_(params["namespace"]))
    query = _redirect_filter(query, params["filterredir"])
    if cont is not None:
        ns_part, key_part, id_part = continuation.split(cont, 3)
        if (continuation.integer(ns_part) != target.namespace
                or continuation.title_text(key_part, target.namespace) != target.text):
            raise bad_continue()
        first = continuation.integer(id_part)
        query = query.where(Page.id <= first if descending else Page.id >= first)
    rows = db.session.execute(
        query.order_by(Page.id.desc() if descending else Page.id).limit(limit + 1)).all()
    shown = rows[:limit]
    via = _redirect_links([Title(ns, text) for _, ns, text, redirect in shown if redirect],
                          params["namespace"]) if params["redirect"] else {}
    items = []
    for page_id, ns, text, redirect in shown:
        item = page_item(page_id, ns, text)
        if redirect:
            item["redirect"] = True
            if params["redirect"]:
                item["redirlinks"] = via.get(Title(ns, text), [])
        items.append(item)
    following = None
    if len(rows) > limit:
        following = continuation.join(target.namespace, continuation.title_key(target),
                                      rows[limit].id)
    return ListResult(items, following)


BACKLINKS_PARAMS = (
    Param("title", "title", help="Title to search. Cannot be used together with blpageid."),
    Param("pageid", "integer", help="Page ID to search. Cannot be used together with bltitle."),
    Param("continue", help="When more results are available, use this to continue."),
    Param("namespace", "namespace", multi=True, all_value="*",
          help="The namespace to enumerate."),
    Param("dir", values=("ascending", "descending"), default="ascending",
          help="The direction in which to list."),
    Param("filterredir", values=FILTER_REDIRECTS, default="all",
          help="How to filter for redirects."),
    limit_param(help="How many total pages to return."),
    Param("redirect", "boolean", help="If linking page is a redirect, find all pages that link "
                                      "to that redirect as well."),
)


# --- categorymembers --------------------------------------------------------------------------

def _category(params: Parsed) -> str:
    if params["title"] is None and params["pageid"] is None:
        raise ApiError("missingparam", 'One of the parameters "cmtitle" and "cmpageid" is '
                                       "required.")
    if params["title"] is not None and params["pageid"] is not None:
        raise ApiError("invalidparammix", 'The parameters "cmtitle" and "cmpageid" can not be '
                                          "used together.")
    if params["title"] is not None:
        try:
            title = parse_title(params["title"])
        except InvalidTitleError:
            title = None
    else:
        row = db.session.execute(sa.select(Page.namespace, Page.title).where(
            Page.id == params["pageid"], readable())).first()
        if row is None:
            raise ApiError("nosuchpageid", f"There is no page with ID {params['pageid']}.")
        title = Title(row.namespace, row.title)
    if title is None or title.namespace != CATEGORY:
        raise ApiError("invalidcategory", "The category name you entered is not valid.")
    return title.text


def _member_type(namespace: int) -> str:
    return "subcat" if namespace == CATEGORY else "page"


def category_members(context: Context, params: Parsed, cont: str | None, as_generator: bool
                     ) -> ListResult:
    """list=categorymembers: pages in a category, by title (or by time of their revision)."""
    name = _category(params)
    limit: int = params["limit"]
    descending = params["dir"] in ("desc", "descending", "older")
    by_time = params["sort"] == "timestamp"
    latest = aliased(Revision)
    query = (sa.select(Page.id, Page.namespace, Page.title, latest.timestamp)
             .join(CategoryLink, CategoryLink.from_page_id == Page.id)
             .join(latest, latest.id == Page.latest_revision_id)
             .where(CategoryLink.category == name, readable()))
    if params["namespace"]:
        query = query.where(Page.namespace.in_(params["namespace"]))
    types = set(params["type"])
    if "subcat" not in types:
        query = query.where(Page.namespace != CATEGORY)
    if "page" not in types:
        query = query.where(Page.namespace == CATEGORY)
    key = latest.timestamp if by_time else Page.title
    low, high = (params["start"], params["end"]) if by_time else (
        _sortkey(params["starthexsortkey"], params["startsortkeyprefix"]),
        _sortkey(params["endhexsortkey"], params["endsortkeyprefix"]))
    if descending:
        low, high = high, low
    if low is not None:
        query = query.where(key >= low)
    if high is not None:
        query = query.where(key <= high)
    if cont is not None:
        value, page_id = _member_continue(cont, by_time)
        following_rows = sa.or_(key < value, sa.and_(key == value, Page.id <= page_id)) \
            if descending else sa.or_(key > value, sa.and_(key == value, Page.id >= page_id))
        query = query.where(following_rows)
    order = (key.desc(), Page.id.desc()) if descending else (key, Page.id)
    rows = db.session.execute(query.order_by(*order).limit(limit + 1)).all()
    props = set(params["prop"])
    items = [_member(row, props) for row in rows[:limit]]
    following = None
    if len(rows) > limit:
        row = rows[limit]
        following = continuation.join(continuation.stamp(row.timestamp), row.id) if by_time \
            else continuation.join(_member_type(row.namespace), row.title.encode().hex(), row.id)
    return ListResult(items, following)


def _sortkey(hex_key: str | None, prefix: str | None) -> str | None:
    if hex_key:
        try:
            return bytes.fromhex(hex_key).decode()
        except ValueError:
            raise ApiError("badvalue", f'Invalid hexadecimal sort key "{hex_key[:100]}".') \
                from None
    return prefix or None


def _member_continue(cont: str, by_time: bool) -> tuple[Any, int]:
    if by_time:
        stamp_part, id_part = continuation.split(cont, 2)
        return continuation.timestamp(stamp_part), continuation.integer(id_part)
    type_part, hex_part, id_part = continuation.split(cont, 3)
    if type_part not in ("page", "subcat", "file"):
        raise bad_continue()
    try:
        text = bytes.fromhex(hex_part).decode()
    except ValueError:
        raise bad_continue() from None
    return text, continuation.integer(id_part)


def _member(row: Any, props: set[str]) -> dict[str, Any]:
    page_id, namespace, text, timestamp = row
    item = page_item(page_id, namespace, text)
    if "ids" not in props:
        del item["pageid"]
    if "title" not in props:
        del item["ns"], item["title"]
    if "sortkey" in props:
        item["sortkey"] = text.encode().hex()
    if "sortkeyprefix" in props:
        item["sortkeyprefix"] = ""
    if "type" in props:
        item["type"] = _member_type(namespace)
    if "timestamp" in props:
        item["timestamp"] = format_timestamp(timestamp)
    return item


CATEGORYMEMBERS_PARAMS = (
    Param("title", "title", help="Which category to enumerate (required), with its Category: "
                                 "prefix. Cannot be used together with cmpageid."),
    Param("pageid", "integer", help="Page ID of the category to enumerate."),
    Param("prop", values=("ids", "title", "sortkey", "sortkeyprefix", "type", "timestamp"),
          multi=True, default=["ids", "title"], help="Which pieces of information to include."),
    Param("namespace", "namespace", multi=True, all_value="*",
          help="Only include pages in these namespaces."),
    Param("type", values=("page", "subcat", "file"), multi=True,
          default=["page", "subcat", "file"], help="Which type of category members to include."),
    Param("continue", help="When more results are available, use this to continue."),
    limit_param(help="The maximum number of pages to return."),
    Param("sort", values=("sortkey", "timestamp"), default="sortkey", help="Property to sort by."),
    Param("dir", values=("asc", "desc", "ascending", "descending", "newer", "older"),
          default="ascending", help="In which direction to sort."),
    Param("start", "timestamp", help="Timestamp to start listing from (with cmsort=timestamp)."),
    Param("end", "timestamp", help="Timestamp to end listing at (with cmsort=timestamp)."),
    Param("starthexsortkey", help="Sortkey to start listing from, as hexadecimal."),
    Param("endhexsortkey", help="Sortkey to end listing at, as hexadecimal."),
    Param("startsortkeyprefix", help="Sortkey prefix to start listing from."),
    Param("endsortkeyprefix", help="Sortkey prefix to end listing before."),
)


def register(registry: ModuleRegistry) -> None:
    """Offer the page lists."""
    registry.add(Module("allpages", "list", all_pages, "Enumerate all pages sequentially in a "
                        "given namespace.", prefix="ap", params=ALLPAGES_PARAMS, generator=True))
    registry.add(Module("backlinks", "list", backlinks, "Find all pages that link to the given "
                        "page.", prefix="bl", params=BACKLINKS_PARAMS, generator=True))
    registry.add(Module("categorymembers", "list", category_members, "List all pages in a "
                        "given category.", prefix="cm", params=CATEGORYMEMBERS_PARAMS,
                        generator=True))
