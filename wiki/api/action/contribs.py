"""list=usercontribs: the edits of some users (by name, id or name prefix), newest first;
continuation values are "<14-digit timestamp>|<revision id>"."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, defer

from wiki.api.action import continuation
from wiki.api.action.changes import (
    after_key,
    oldest_first,
    show_flags,
    summary_html,
    time_range,
    user_ids,
)
from wiki.api.action.context import Context
from wiki.api.action.errors import ApiError, bad_continue
from wiki.api.action.modules import ListResult, Module, ModuleRegistry
from wiki.api.action.params import Param, Parsed, format_timestamp, limit_param
from wiki.api.action.revisions import user_name
from wiki.db import db
from wiki.existence import readable
from wiki.models import Page, Revision, User
from wiki.titles import Title


def _contributors(params: Parsed) -> sa.ColumnElement[bool]:
    given = [name for name in ("user", "userids", "userprefix", "iprange")
             if params.present(name) and params[name] not in ([], "")]
    if not given:
        raise ApiError("missingparam", 'One of the parameters "ucuser", "ucuserids", '
                                       '"ucuserprefix" and "uciprange" is required.')
    if len(given) > 1:
        listed = ", ".join(f'"uc{name}"' for name in given)
        raise ApiError("invalidparammix", f"The parameters {listed} can not be used together.")
    if given[0] == "user":
        return Revision.author.in_([user_name(name) for name in params["user"]])
    if given[0] == "userids":
        names = db.session.scalars(sa.select(User.name).where(User.id.in_(params["userids"])))
        return sa.and_(Revision.author.in_(list(names)), Revision.author_is_ip.is_(False))
    if given[0] == "userprefix":
        prefix = user_name(params["userprefix"])
        return sa.func.substr(Revision.author, 1, len(prefix)) == prefix
    raise ApiError("badvalue", "IP ranges are not supported by this wiki.")


def user_contribs(context: Context, params: Parsed, cont: str | None, as_generator: bool
                  ) -> ListResult:
    """list=usercontribs: edits by users, newest first (ucdir=older)."""
    newer = oldest_first(params)
    limit: int = params["limit"]
    show = show_flags(params, "ucshow")
    parent = aliased(Revision)
    query = (sa.select(Revision, Page.namespace, Page.title, Page.latest_revision_id,
                       parent.size)
             .join(Page, Page.id == Revision.page_id)
             .outerjoin(parent, parent.id == Revision.parent_id)
             .where(readable(), _contributors(params)).options(defer(Revision.text)))
    if params["namespace"]:
        query = query.where(Page.namespace.in_(params["namespace"]))
    if params["toponly"] or show.get("top") is True:
        query = query.where(Page.latest_revision_id == Revision.id)
    if show.get("top") is False:
        query = query.where(Page.latest_revision_id != Revision.id)
    if "minor" in show:
        query = query.where(Revision.minor.is_(show["minor"]))
    if "new" in show:
        query = query.where(Revision.parent_id.is_(None) if show["new"]
                            else Revision.parent_id.is_not(None))
    if params["tag"]:
        query = query.where(sa.false())
    query = time_range(query, Revision.timestamp, params, newer)
    if cont is not None:
        stamp_part, id_part = continuation.split(cont, 2)
        stamp, revision_id = continuation.timestamp(stamp_part), continuation.integer(id_part)
        named = db.session.get(Revision, revision_id)
        if named is None or named.timestamp != stamp:
            raise bad_continue()
        query = after_key(query, Revision.timestamp, Revision.id, stamp, revision_id, newer)
    order = (Revision.timestamp, Revision.id) if newer else (Revision.timestamp.desc(),
                                                              Revision.id.desc())
    rows = db.session.execute(query.order_by(*order).limit(limit + 1)).all()
    props = set(params["prop"])
    ids = user_ids({row[0].author for row in rows if not row[0].author_is_ip})
    summary = summary_html() if "parsedcomment" in props else None
    items = [_contribution(row, props, ids, summary) for row in rows[:limit]]
    following = None
    if len(rows) > limit:
        following = continuation.join(continuation.stamp(rows[limit][0].timestamp),
                                      rows[limit][0].id)
    return ListResult(items, following)


def _contribution(row: Any, props: set[str], ids: dict[str, int], summary: Any
                  ) -> dict[str, Any]:
    revision, namespace, text, latest_id, parent_size = row
    title = Title(namespace, text)
    item: dict[str, Any] = {"userid": 0 if revision.author_is_ip else ids.get(revision.author, 0),
                            "user": revision.author, "_title": title}
    if "ids" in props:
        item.update(pageid=revision.page_id, revid=revision.id,
                    parentid=revision.parent_id or 0)
    if "title" in props:
        item.update(ns=namespace, title=title.full)
    if "timestamp" in props:
        item["timestamp"] = format_timestamp(revision.timestamp)
    if "flags" in props:
        item.update(new=revision.parent_id is None, minor=revision.minor,
                    top=latest_id == revision.id)
    if "comment" in props:
        item["comment"] = revision.summary
    if "parsedcomment" in props and summary is not None:
        item["parsedcomment"] = str(summary(revision.summary))
    if "size" in props:
        item["size"] = revision.size
    if "sizediff" in props:
        item["sizediff"] = revision.size - (parent_size or 0)
    if "tags" in props:
        item["tags"] = []
    return item


USERCONTRIBS_PARAMS = (
    limit_param(help="The maximum number of contributions to return."),
    Param("start", "timestamp", help="The start timestamp to return from."),
    Param("end", "timestamp", help="The end timestamp to return to."),
    Param("continue", help="When more results are available, use this to continue."),
    Param("user", "user", multi=True, help="The users to retrieve contributions for."),
    Param("userids", "integer", multi=True, help="The user IDs to retrieve contributions for."),
    Param("userprefix", help="Retrieve contributions for all users whose names begin with this "
                             "value."),
    Param("iprange", help="The CIDR range to retrieve contributions for."),
    Param("dir", values=("newer", "older"), default="older",
          help="In which direction to enumerate."),
    Param("namespace", "namespace", multi=True, all_value="*",
          help="Only list contributions in these namespaces."),
    Param("prop", values=("ids", "title", "timestamp", "comment", "parsedcomment", "size",
                          "sizediff", "flags", "tags"), multi=True,
          default=["ids", "title", "timestamp", "comment", "size", "flags"],
          help="Include additional pieces of information."),
    Param("show", values=("minor", "!minor", "new", "!new", "top", "!top"), multi=True,
          help="Show only items that meet these criteria."),
    Param("tag", help="Only list revisions tagged with this tag."),
    Param("toponly", "boolean", deprecated=True,
          help="Only list changes which are the latest revision."),
)


def register(registry: ModuleRegistry) -> None:
    """Offer list=usercontribs."""
    registry.add(Module("usercontribs", "list", user_contribs, "Get all edits by a user.",
                        prefix="uc", params=USERCONTRIBS_PARAMS))
