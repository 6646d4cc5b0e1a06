"""list=recentchanges (edits and log actions), and the helpers it shares with usercontribs and
logevents.

This wiki keeps no recent-changes table: an edit is its revision and a log action its log
entry. Their rcid keeps the two apart (twice the revision id for an edit, twice the log id plus
one for a log action), and continuation values are "<14-digit timestamp>|<id>", checked to name
an entry with that timestamp, so paging strictly advances through a total order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import get_template_attribute
from sqlalchemy.orm import aliased, defer

from wiki.api.action import continuation
from wiki.api.action.context import Context
from wiki.api.action.errors import ApiError, bad_continue
from wiki.api.action.lists import SelectT, target_title
from wiki.api.action.modules import ListResult, Module, ModuleRegistry
from wiki.api.action.params import Param, Parsed, format_timestamp, limit_param
from wiki.api.action.revisions import user_name
from wiki.db import db
from wiki.existence import readable
from wiki.models import LogEntry, Page, Revision, User
from wiki.titles import Title

# The log's actions as MediaWiki's (type, action) pairs.
LOG_ACTIONS = {"protect": ("protect", "protect"), "unprotect": ("protect", "unprotect"),
               "delete": ("delete", "delete"), "undelete": ("delete", "restore"),
               "rollback": ("rollback", "rollback"), "newusers": ("newusers", "create"),
               "endsessions": ("endsessions", "endsessions"), "import": ("import", "upload"),
               "rights": ("rights", "rights")}
LOG_TYPES = ("block", "contentmodel", "create", "delete", "endsessions", "import", "managetags",
             "merge", "move", "newusers", "patrol", "protect", "rights", "rollback", "suppress",
             "tag", "upload")


def oldest_first(params: Parsed) -> bool:
    """Whether to list oldest first."""
    return bool(params["dir"] == "newer")


def time_range(query: SelectT, column: Any, params: Parsed, newer: bool
                ) -> SelectT:
    start, end = params["start"], params["end"]
    if start is not None:
        query = query.where(column >= start if newer else column <= start)
    if end is not None:
        query = query.where(column <= end if newer else column >= end)
    return query


def after_key(query: SelectT, stamp_column: Any, id_column: Any, stamp: datetime,
           identifier: int, newer: bool) -> SelectT:
    """Rows from (stamp, identifier) on, in listing order."""
    if newer:
        return query.where(sa.or_(stamp_column > stamp, sa.and_(stamp_column == stamp,
                                                                 id_column >= identifier)))
    return query.where(sa.or_(stamp_column < stamp, sa.and_(stamp_column == stamp,
                                                             id_column <= identifier)))


def summary_html() -> Any:
    return get_template_attribute("_summary.html", "summary")


def user_ids(names: set[str]) -> dict[str, int]:
    if not names:
        return {}
    return dict(db.session.execute(sa.select(User.name, User.id)
                                   .where(User.name.in_(names))).all())


def show_flags(params: Parsed, name: str) -> dict[str, bool]:
    """rcshow/ucshow as {"minor": True, "anon": False, ...}; both x and !x is an error."""
    wanted: dict[str, bool] = {}
    for value in params["show"]:
        flag = value.lstrip("!")
        if flag in wanted:
            raise ApiError("show", "Incorrect parameter - mutually exclusive values may not be "
                                   "supplied.")
        wanted[flag] = not value.startswith("!")
    return wanted


# --- recentchanges ----------------------------------------------------------------------------

def _edits(params: Parsed, newer: bool, limit: int, after: tuple[datetime, int] | None,
           show: dict[str, bool]) -> list[Any]:
    parent = aliased(Revision)
    query = (sa.select(Revision, Page.namespace, Page.title, Page.is_redirect,
                       Page.latest_revision_id, parent.size)
             .join(Page, Page.id == Revision.page_id)
             .outerjoin(parent, parent.id == Revision.parent_id)
             .where(readable()).options(defer(Revision.text)))
    types = set(params["type"])
    if "edit" not in types:
        query = query.where(Revision.parent_id.is_(None))
    if "new" not in types:
        query = query.where(Revision.parent_id.is_not(None))
    if params["namespace"]:
        query = query.where(Page.namespace.in_(params["namespace"]))
    if params["user"]:
        query = query.where(Revision.author == user_name(params["user"]))
    if params["excludeuser"]:
        query = query.where(Revision.author != user_name(params["excludeuser"]))
    if params["title"]:
        title = target_title(params["title"], "rctitle")
        query = query.where(Page.namespace == title.namespace, Page.title == title.text)
    if params["toponly"]:
        query = query.where(Page.latest_revision_id == Revision.id)
    if params["tag"] or show.get("bot") is True:
        query = query.where(sa.false())  # no tags and no bots here
    for flag, column in (("minor", Revision.minor), ("anon", Revision.author_is_ip),
                         ("redirect", Page.is_redirect)):
        if flag in show:
            query = query.where(column.is_(show[flag]))
    query = time_range(query, Revision.timestamp, params, newer)
    rcid = Revision.id * 2
    if after is not None:
        query = after_key(query, Revision.timestamp, rcid, after[0], after[1], newer)
    order = (Revision.timestamp, rcid) if newer else (Revision.timestamp.desc(), rcid.desc())
    return list(db.session.execute(query.order_by(*order).limit(limit + 1)).all())


def _log_changes(params: Parsed, newer: bool, limit: int, after: tuple[datetime, int] | None,
                 show: dict[str, bool]) -> list[LogEntry]:
    if "log" not in params["type"] or params["toponly"] or params["tag"] \
            or show.get("minor") is True or show.get("bot") is True \
            or show.get("anon") is True or show.get("redirect") is True:
        return []
    query = sa.select(LogEntry)
    if params["namespace"]:
        query = query.where(LogEntry.namespace.in_(params["namespace"]))
    if params["user"]:
        query = query.where(LogEntry.actor == user_name(params["user"]))
    if params["excludeuser"]:
        query = query.where(LogEntry.actor != user_name(params["excludeuser"]))
    if params["title"]:
        title = target_title(params["title"], "rctitle")
        query = query.where(LogEntry.namespace == title.namespace, LogEntry.title == title.text)
    query = time_range(query, LogEntry.timestamp, params, newer)
    rcid = LogEntry.id * 2 + 1
    if after is not None:
        query = after_key(query, LogEntry.timestamp, rcid, after[0], after[1], newer)
    order = (LogEntry.timestamp, rcid) if newer else (LogEntry.timestamp.desc(), rcid.desc())
    return list(db.session.scalars(query.order_by(*order).limit(limit + 1)))


def _rc_continue(cont: str) -> tuple[datetime, int]:
    stamp_part, id_part = continuation.split(cont, 2)
    stamp, rcid = continuation.timestamp(stamp_part), continuation.integer(id_part)
    if rcid <= 0:
        raise bad_continue()
    found: Revision | LogEntry | None = db.session.get(Revision, rcid // 2) if rcid % 2 == 0 \
        else db.session.get(LogEntry, rcid // 2)
    if found is None or found.timestamp != stamp:
        raise bad_continue()
    return stamp, rcid


def page_ids_of(entries: Sequence[LogEntry]) -> dict[tuple[int, str], int]:
    if not entries:
        return {}
    pairs = [sa.and_(Page.namespace == e.namespace, Page.title == e.title) for e in entries]
    rows = db.session.execute(sa.select(Page.namespace, Page.title, Page.id)
                              .where(readable(), sa.or_(*pairs))).all()
    return {(ns, text): page_id for ns, text, page_id in rows}


class _Changes:
    """Writes recent changes as rcprop asks."""

    def __init__(self, props: set[str], names: set[str]) -> None:
        self.props = props
        self.user_ids = user_ids(names) if "userid" in props else {}
        self.summary = summary_html() if "parsedcomment" in props else None

    def _common(self, item: dict[str, Any], user: str, anon: bool, summary: str) -> None:
        props = self.props
        if "user" in props:
            item["user"] = user
        if ("user" in props or "userid" in props) and anon:
            item["anon"] = True
        if "userid" in props:
            item["userid"] = 0 if anon else self.user_ids.get(user, 0)
        if "comment" in props:
            item["comment"] = summary
        if "parsedcomment" in props and self.summary is not None:
            item["parsedcomment"] = str(self.summary(summary))
        if "tags" in props:
            item["tags"] = []

    def edit(self, row: Any) -> dict[str, Any]:
        """One edit."""
        revision, namespace, text, is_redirect, latest_id, parent_size = row
        props = self.props
        title = Title(namespace, text)
        item: dict[str, Any] = {"type": "new" if revision.parent_id is None else "edit",
                                "_title": title, "_key": (revision.timestamp, revision.id * 2)}
        if "title" in props:
            item.update(ns=namespace, title=title.full)
        if "ids" in props:
            item.update(pageid=revision.page_id, revid=revision.id,
                        old_revid=revision.parent_id or 0, rcid=revision.id * 2)
        self._common(item, revision.author, revision.author_is_ip, revision.summary)
        if "sizes" in props:
            item.update(oldlen=parent_size or 0, newlen=revision.size)
        if "flags" in props:
            item.update(new=revision.parent_id is None, minor=revision.minor, bot=False)
        if "timestamp" in props:
            item["timestamp"] = format_timestamp(revision.timestamp)
        if "redirect" in props:
            item["redirect"] = bool(is_redirect)
        if "sha1" in props:
            item["sha1"] = revision.sha1
        return item

    def log(self, entry: LogEntry, page_ids: dict[tuple[int, str], int]) -> dict[str, Any]:
        """One log action."""
        props = self.props
        title = Title(entry.namespace, entry.title)
        log_type, action = LOG_ACTIONS.get(entry.action, (entry.action, entry.action))
        item: dict[str, Any] = {"type": "log", "_title": title,
                                "_key": (entry.timestamp, entry.id * 2 + 1)}
        if "title" in props:
            item.update(ns=entry.namespace, title=title.full)
        if "ids" in props:
            item.update(pageid=page_ids.get((entry.namespace, entry.title), 0), revid=0,
                        old_revid=0, rcid=entry.id * 2 + 1)
        self._common(item, entry.actor, False, entry.reason)
        if "sizes" in props:
            item.update(oldlen=0, newlen=0)
        if "flags" in props:
            item.update(new=False, minor=False, bot=False)
        if "timestamp" in props:
            item["timestamp"] = format_timestamp(entry.timestamp)
        if "loginfo" in props:
            item.update(logid=entry.id, logtype=log_type, logaction=action,
                        logparams=log_params(entry))
        return item


def log_params(entry: LogEntry) -> dict[str, Any]:
    return {"details": entry.details} if entry.details else {}


def recent_changes(context: Context, params: Parsed, cont: str | None, as_generator: bool
                   ) -> ListResult:
    """list=recentchanges: edits and log actions, newest first (rcdir=older)."""
    if params["user"] and params["excludeuser"]:
        raise ApiError("invalidparammix", 'The parameters "rcuser" and "rcexcludeuser" can not '
                                          "be used together.")
    newer = oldest_first(params)
    limit: int = params["limit"]
    show = show_flags(params, "rcshow")
    after = _rc_continue(cont) if cont is not None else None
    edits = _edits(params, newer, limit, after, show)
    logs = _log_changes(params, newer, limit, after, show)
    writer = _Changes(set(params["prop"]) | ({"title"} if as_generator else set()),
                      {row[0].author for row in edits if not row[0].author_is_ip}
                      | {entry.actor for entry in logs})
    page_ids = page_ids_of(logs)
    merged = [writer.edit(row) for row in edits] + [writer.log(entry, page_ids) for entry in logs]
    merged.sort(key=lambda item: item["_key"], reverse=not newer)
    following = None
    if len(merged) > limit:
        stamp, rcid = merged[limit]["_key"]
        following = continuation.join(continuation.stamp(stamp), rcid)
    return ListResult(merged[:limit], following)


RC_PROPS = ("user", "userid", "comment", "parsedcomment", "flags", "timestamp", "title", "ids",
            "sizes", "redirect", "loginfo", "tags", "sha1")
RC_SHOW = ("minor", "!minor", "bot", "!bot", "anon", "!anon", "redirect", "!redirect")
RECENTCHANGES_PARAMS = (
    Param("start", "timestamp", help="The timestamp to start enumerating from."),
    Param("end", "timestamp", help="The timestamp to end enumerating."),
    Param("dir", values=("newer", "older"), default="older",
          help="In which direction to enumerate."),
    Param("namespace", "namespace", multi=True, all_value="*",
          help="Filter changes to only these namespaces."),
    Param("user", "user", help="Only list changes by this user."),
    Param("excludeuser", "user", help="Don't list changes by this user."),
    Param("tag", help="Only list changes tagged with this tag."),
    Param("prop", values=RC_PROPS, multi=True, default=["title", "timestamp", "ids"],
          help="Include additional pieces of information."),
    Param("show", values=RC_SHOW, multi=True,
          help="Show only items that meet these criteria."),
    limit_param(help="How many total changes to return."),
    Param("type", values=("edit", "new", "log", "external", "categorize"), multi=True,
          default=["edit", "new", "log", "categorize"], help="Which types of changes to show."),
    Param("toponly", "boolean", help="Only list changes which are the latest revision."),
    Param("title", help="Filter entries to those related to a page."),
    Param("continue", help="When more results are available, use this to continue."),
    Param("generaterevisions", "boolean",
          help="When being used as a generator, generate revision IDs rather than titles."),
    Param("slot", values=("main",), help="Only list changes that touch the named slot."),
)


def register(registry: ModuleRegistry) -> None:
    """Offer the lists of changes."""
    registry.add(Module("recentchanges", "list", recent_changes, "Enumerate recent changes.",
                        prefix="rc", params=RECENTCHANGES_PARAMS, generator=True))
