"""list=logevents: the action log (protections, deletions, new accounts, ...) as MediaWiki's
log types and actions, newest first; continuation values are "<14-digit timestamp>|<log id>"."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wiki.api.action import continuation
from wiki.api.action.changes import (
    LOG_ACTIONS,
    LOG_TYPES,
    after_key,
    log_params,
    oldest_first,
    page_ids_of,
    summary_html,
    time_range,
    user_ids,
)
from wiki.api.action.context import Context
from wiki.api.action.errors import bad_continue
from wiki.api.action.lists import target_title
from wiki.api.action.modules import ListResult, Module, ModuleRegistry
from wiki.api.action.params import Param, Parsed, format_timestamp, limit_param
from wiki.api.action.revisions import user_name
from wiki.db import db
from wiki.models import LogEntry
from wiki.titles import Title

# --- logevents --------------------------------------------------------------------------------

def log_events(context: Context, params: Parsed, cont: str | None, as_generator: bool
               ) -> ListResult:
    """list=logevents: the action log, newest first (ledir=older)."""
    newer = oldest_first(params)
    limit: int = params["limit"]
    query = sa.select(LogEntry)
    if params["action"]:
        wanted_type, _, wanted_action = params["action"].partition("/")
        actions = [ours for ours, pair in LOG_ACTIONS.items()
                   if pair[0] == wanted_type and wanted_action in ("*", pair[1])]
        query = query.where(LogEntry.action.in_(actions))
    elif params["type"]:
        actions = [ours for ours, pair in LOG_ACTIONS.items() if pair[0] == params["type"]]
        query = query.where(LogEntry.action.in_(actions))
    if params["user"]:
        query = query.where(LogEntry.actor == user_name(params["user"]))
    if params["title"]:
        title = target_title(params["title"], "letitle")
        query = query.where(LogEntry.namespace == title.namespace, LogEntry.title == title.text)
    if params["namespace"] is not None:
        query = query.where(LogEntry.namespace == params["namespace"])
    if params["prefix"]:
        prefix = target_title(params["prefix"], "leprefix")
        query = query.where(LogEntry.namespace == prefix.namespace,
                            sa.func.substr(LogEntry.title, 1, len(prefix.text)) == prefix.text)
    if params["tag"]:
        query = query.where(sa.false())
    query = time_range(query, LogEntry.timestamp, params, newer)
    if cont is not None:
        stamp_part, id_part = continuation.split(cont, 2)
        stamp, log_id = continuation.timestamp(stamp_part), continuation.integer(id_part)
        named = db.session.get(LogEntry, log_id)
        if named is None or named.timestamp != stamp:
            raise bad_continue()
        query = after_key(query, LogEntry.timestamp, LogEntry.id, stamp, log_id, newer)
    order = (LogEntry.timestamp, LogEntry.id) if newer else (LogEntry.timestamp.desc(),
                                                              LogEntry.id.desc())
    rows = list(db.session.scalars(query.order_by(*order).limit(limit + 1)))
    props = set(params["prop"])
    page_ids = page_ids_of(rows[:limit])
    ids = user_ids({row.actor for row in rows[:limit]}) if "userid" in props else {}
    summary = summary_html() if "parsedcomment" in props else None
    items = [_event(row, props, page_ids, ids, summary) for row in rows[:limit]]
    following = None
    if len(rows) > limit:
        following = continuation.join(continuation.stamp(rows[limit].timestamp), rows[limit].id)
    return ListResult(items, following)


def _event(entry: LogEntry, props: set[str], page_ids: dict[tuple[int, str], int],
           ids: dict[str, int], summary: Any) -> dict[str, Any]:
    title = Title(entry.namespace, entry.title)
    log_type, action = LOG_ACTIONS.get(entry.action, (entry.action, entry.action))
    page_id = page_ids.get((entry.namespace, entry.title), 0)
    item: dict[str, Any] = {"_title": title}
    if "ids" in props:
        item.update(logid=entry.id, pageid=page_id, logpage=page_id)
    if "title" in props:
        item.update(ns=entry.namespace, title=title.full)
    if "details" in props:
        item["params"] = log_params(entry)
    if "type" in props:
        item.update(type=log_type, action=action)
    if "user" in props:
        item["user"] = entry.actor
    if "userid" in props:
        item["userid"] = ids.get(entry.actor, 0)
    if "timestamp" in props:
        item["timestamp"] = format_timestamp(entry.timestamp)
    if "comment" in props:
        item["comment"] = entry.reason
    if "parsedcomment" in props and summary is not None:
        item["parsedcomment"] = str(summary(entry.reason))
    if "tags" in props:
        item["tags"] = []
    return item


LOGEVENTS_PARAMS = (
    Param("prop", values=("ids", "title", "type", "user", "userid", "timestamp", "comment",
                          "parsedcomment", "details", "tags"), multi=True,
          default=["ids", "title", "type", "user", "timestamp", "comment", "details"],
          help="Which properties to get."),
    Param("type", values=LOG_TYPES, help="Filter log entries to only this type."),
    Param("action", values=tuple(sorted({f"{t}/{a}" for t, a in LOG_ACTIONS.values()}
                                        | {f"{t}/*" for t, _ in LOG_ACTIONS.values()})),
          help='Filter log actions to only this action ("type/action", or "type/*").'),
    Param("start", "timestamp", help="The timestamp to start enumerating from."),
    Param("end", "timestamp", help="The timestamp to end enumerating."),
    Param("dir", values=("newer", "older"), default="older",
          help="In which direction to enumerate."),
    Param("user", "user", help="Filter entries to those made by the given user."),
    Param("title", help="Filter entries to those related to a page."),
    Param("namespace", "namespace", help="Filter entries to those in the given namespace."),
    Param("prefix", help="Filter entries that start with this prefix."),
    Param("tag", help="Only list event entries tagged with this tag."),
    limit_param(help="How many total event entries to return."),
    Param("continue", help="When more results are available, use this to continue."),
)


def register(registry: ModuleRegistry) -> None:
    """Offer list=logevents."""
    registry.add(Module("logevents", "list", log_events, "Get events from logs.", prefix="le",
                        params=LOGEVENTS_PARAMS))
