"""prop=revisions: a page's revisions, or the latest revision of each page, or the revisions
named by revids=, with their ids, flags, author, time, size, sha1, summary and text (a whole
text or one section of it).

Three modes, as in MediaWiki: with rvlimit, rvstart/rvend, rvstartid/rvendid, rvdir=newer,
rvuser or rvexcludeuser it lists one page's revisions ("enumeration"); otherwise it gives each
page's latest revision, or with revids= the revisions named. Continuation values are
"<14-digit timestamp>|<revision id>" (enumeration), "<page id>|<revision id>" (latest
revisions) and "<revision id>" (revids), each checked against the pages being read.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import get_template_attribute
from sqlalchemy.orm import defer

from wiki.api.action import continuation
from wiki.api.action.context import Context
from wiki.api.action.errors import ApiError, bad_continue
from wiki.api.action.modules import Module, ModuleRegistry, PropResult
from wiki.api.action.pageset import PageSet
from wiki.api.action.params import Param, Parsed, format_timestamp, limit_maximum, limit_param
from wiki.api.action.result import content
from wiki.api.action.sections import NoSuchSection, section_number, section_text
from wiki.db import db
from wiki.models import Page, Revision, User
from wiki.rendering import cached_render

PROPS = ("ids", "flags", "timestamp", "user", "userid", "size", "slotsize", "sha1", "slotsha1",
         "contentmodel", "comment", "parsedcomment", "content", "tags", "roles")
DEFAULT_PROPS = ["ids", "timestamp", "flags", "comment", "user"]
ENUMERATION_PARAMS = ("limit", "startid", "endid", "start", "end", "user", "excludeuser")
CONTENT_MODEL = "markdown"
CONTENT_FORMAT = "text/markdown"
SLOTS = ("main",)
# With content, fewer revisions per batch (MediaWiki's small limits), one when rendered.
CONTENT_LIMIT, CONTENT_HIGH_LIMIT = 50, 500
_LIMIT = limit_param(help="Limit how many revisions will be returned. May only be used with a "
                          "single page.")


def _params() -> tuple[Param, ...]:
    return (
        Param("prop", values=PROPS, multi=True, default=DEFAULT_PROPS,
              help="Which properties to get for each revision."),
        Param("slots", values=SLOTS, multi=True, all_value="*",
              help="Which revision slots to return data for. Without it, the main slot's data "
                   "is returned in a legacy format."),
        _LIMIT,
        Param("expandtemplates", "boolean", deprecated=True,
              help="Expand templates in revision content (wikitext only)."),
        Param("parse", "boolean", deprecated=True,
              help="Return the rendered HTML of the revision instead of its text."),
        Param("section", help="Only retrieve the content of the section with this number."),
        Param("contentformat", values=(CONTENT_FORMAT,), deprecated=True,
              help="Serialization format used for the content."),
        Param("startid", "integer", help="Start enumeration from this revision's timestamp."),
        Param("endid", "integer", help="Stop enumeration at this revision's timestamp."),
        Param("start", "timestamp", help="From which revision timestamp to start enumeration."),
        Param("end", "timestamp", help="Enumerate up to this timestamp."),
        Param("dir", values=("newer", "older"), default="older",
              help="In which direction to enumerate."),
        Param("user", "user", help="Only include revisions made by this user."),
        Param("excludeuser", "user", help="Exclude revisions made by this user."),
        Param("tag", help="Only list revisions tagged with this tag."),
        Param("continue", help="When more results are available, use this to continue."),
    )


def user_name(raw: str) -> str:
    """A user name as revisions record it: underscores as spaces, first letter upper-case."""
    name = " ".join(raw.replace("_", " ").split())
    return name[:1].upper() + name[1:]


def _enumerating(params: Parsed) -> bool:
    return any(params.present(name) for name in ENUMERATION_PARAMS) or params["dir"] == "newer"


def _limit(context: Context, params: Parsed, with_content: bool, enumerating: bool) -> int:
    """Revisions per batch: rvlimit when listing one page's history, else the most allowed;
    smaller with content (MediaWiki's small limits), one when rendering."""
    if params["parse"]:
        return 1
    raw = context.values.get("rvlimit")
    if with_content:
        small = CONTENT_HIGH_LIMIT if context.high_limits else CONTENT_LIMIT
        if not enumerating or raw == "max":
            if raw == "max":
                context.limits["revisions"] = small
            return small
        wanted = int(params["limit"])
        if wanted > small:
            context.warn("revisions", f'The value "{wanted}" for parameter "rvlimit" must be '
                                      f"no greater than {small}.")
            return small
        return wanted
    if not enumerating:
        return limit_maximum(_LIMIT, context.high_limits) or 500
    return int(params["limit"])


def _check_mix(params: Parsed) -> None:
    for first, second in (("startid", "start"), ("endid", "end"), ("user", "excludeuser")):
        if params.present(first) and params.present(second):
            raise ApiError("invalidparammix", f'The parameters "rv{first}" and "rv{second}" '
                                              "can not be used together.")


def _boundary(params: Parsed, name: str) -> Any:
    """rvstart/rvend, or the timestamp of the revision rvstartid/rvendid names."""
    if params.present(name + "id"):
        found = db.session.scalar(sa.select(Revision.timestamp)
                                  .where(Revision.id == params[name + "id"]))
        if found is None:
            raise ApiError(f"badid_rv{name}id",
                           f'No revision was found for parameter "rv{name}id".')
        return found
    return params[name]


def _enumeration(page: Page, params: Parsed, limit: int, cont: str | None,
                 with_text: bool) -> tuple[list[Revision], str | None]:
    _check_mix(params)
    newer = params["dir"] == "newer"
    query = sa.select(Revision).where(Revision.page_id == page.id)
    if not with_text:
        query = query.options(defer(Revision.text))
    start, end = _boundary(params, "start"), _boundary(params, "end")
    if start is not None:
        query = query.where(Revision.timestamp >= start if newer else Revision.timestamp <= start)
    if end is not None:
        query = query.where(Revision.timestamp <= end if newer else Revision.timestamp >= end)
    if params["user"]:
        query = query.where(Revision.author == user_name(params["user"]))
    if params["excludeuser"]:
        query = query.where(Revision.author != user_name(params["excludeuser"]))
    if params["tag"]:
        query = query.where(sa.false())  # this wiki has no change tags
    if cont is not None:
        stamp_part, id_part = continuation.split(cont, 2)
        stamp, revision_id = continuation.timestamp(stamp_part), continuation.integer(id_part)
        named = db.session.get(Revision, revision_id)
        if named is None or named.page_id != page.id or named.timestamp != stamp:
            raise bad_continue()
        if newer:
            query = query.where(sa.or_(Revision.timestamp > stamp, sa.and_(
                Revision.timestamp == stamp, Revision.id >= revision_id)))
        else:
            query = query.where(sa.or_(Revision.timestamp < stamp, sa.and_(
                Revision.timestamp == stamp, Revision.id <= revision_id)))
    order = (Revision.timestamp, Revision.id) if newer else (Revision.timestamp.desc(),
                                                              Revision.id.desc())
    rows = list(db.session.scalars(query.order_by(*order).limit(limit + 1)))
    following = None
    if len(rows) > limit:
        following = continuation.join(continuation.stamp(rows[limit].timestamp), rows[limit].id)
    return rows[:limit], following


@cache
def _latest_query(with_text: bool) -> sa.Select[Revision]:
    """Built once (per request it would cost more than running it): the latest revisions of
    some pages, in page order."""
    query = (sa.select(Revision).join(Page, Page.latest_revision_id == Revision.id)
             .where(Page.id.in_(sa.bindparam("ids", expanding=True)))
             .order_by(Revision.page_id, Revision.id).limit(sa.bindparam("limit")))
    return query if with_text else query.options(defer(Revision.text))


def _latest(pages: list[Page], limit: int, cont: str | None, with_text: bool
            ) -> tuple[list[Revision], str | None]:
    page_ids = sorted(page.id for page in pages)
    if cont is None:
        rows = list(db.session.scalars(_latest_query(with_text),
                                       {"ids": page_ids, "limit": limit + 1}))
        following = None
        if len(rows) > limit:
            following = continuation.join(rows[limit].page_id, rows[limit].id)
        return rows[:limit], following
    query = sa.select(Revision).join(Page, Page.latest_revision_id == Revision.id).where(
        Page.id.in_(page_ids))
    if not with_text:
        query = query.options(defer(Revision.text))
    if cont is not None:
        page_part, id_part = continuation.split(cont, 2)
        page_id, revision_id = continuation.integer(page_part), continuation.integer(id_part)
        named = db.session.get(Revision, revision_id)
        if page_id not in page_ids or named is None or named.page_id != page_id:
            raise bad_continue()
        query = query.where(sa.or_(Revision.page_id > page_id, sa.and_(
            Revision.page_id == page_id, Revision.id >= revision_id)))
    rows = list(db.session.scalars(
        query.order_by(Revision.page_id, Revision.id).limit(limit + 1)))
    following = None
    if len(rows) > limit:
        following = continuation.join(rows[limit].page_id, rows[limit].id)
    return rows[:limit], following


def _named(revision_ids: list[int], limit: int, cont: str | None, with_text: bool
           ) -> tuple[list[Revision], str | None]:
    wanted = sorted(set(revision_ids))
    if cont is not None:
        first = continuation.integer(cont)
        if first not in wanted:
            raise bad_continue()
        wanted = [revision_id for revision_id in wanted if revision_id >= first]
    query = sa.select(Revision).where(Revision.id.in_(wanted[:limit + 1]))
    if not with_text:
        query = query.options(defer(Revision.text))
    rows = list(db.session.scalars(query.order_by(Revision.id)))
    following = str(rows[limit].id) if len(rows) > limit else None
    return rows[:limit], following


def _user_ids(rows: Sequence[Revision]) -> dict[str, int]:
    names = {row.author for row in rows if not row.author_is_ip}
    if not names:
        return {}
    return dict(db.session.execute(sa.select(User.name, User.id)
                                   .where(User.name.in_(names))).all())


class _Describer:
    """Turns revisions into MediaWiki's revision objects for one request's rvprop."""

    def __init__(self, context: Context, params: Parsed, rows: Sequence[Revision]) -> None:
        self.context = context
        self.props = set(params["prop"])
        self.slots: list[str] | None = params["slots"] if params.present("slots") else None
        if self.slots == []:
            self.slots = None
        self.section: str | None = params["section"]
        self.parse = bool(params["parse"])
        self.expand = bool(params["expandtemplates"])
        self.user_ids = _user_ids(rows) if "userid" in self.props else {}
        self.summary = (get_template_attribute("_summary.html", "summary")
                        if "parsedcomment" in self.props else None)
        if "content" in self.props and self.slots is None:
            context.warn("revisions", 'Because "rvslots" was not specified, a legacy format has '
                                      "been used for the output. This format is deprecated, and "
                                      "in the future the new format will always be used.")

    def _text(self, revision: Revision) -> str:
        text = revision.text
        if self.section is not None:
            number = section_number(self.section)
            if number is None:
                raise ApiError("nosuchsection", f"There is no section {self.section[:100]}.")
            try:
                text = section_text(text, number)
            except NoSuchSection as error:
                raise ApiError("nosuchsection", str(error)) from None
        if self.parse:
            return str(cached_render(revision).html) if self.section is None else text
        return text

    def _content(self, revision: Revision, into: dict[str, Any]) -> None:
        if self.expand and not self.parse:
            self.context.warn("revisions", f'Template expansion is supported for wikitext only. '
                                           f'"{revision.page.full_title}" uses content model '
                                           f'"{CONTENT_MODEL}".')
            into["badcontentformat"] = True
            return
        text = self._text(revision)
        into["contentformat"] = CONTENT_FORMAT
        into["contentmodel"] = CONTENT_MODEL
        into[content("content")] = text

    def describe(self, revision: Revision) -> dict[str, Any]:
        """One revision as rvprop asks for it."""
        props = self.props
        out: dict[str, Any] = {}
        if "ids" in props:
            out["revid"] = revision.id
            out["parentid"] = revision.parent_id or 0
        if "flags" in props:
            out["minor"] = revision.minor
        if "user" in props or "userid" in props:
            if "user" in props:
                out["user"] = revision.author
            if revision.author_is_ip:
                out["anon"] = True
            if "userid" in props:
                out["userid"] = 0 if revision.author_is_ip else self.user_ids.get(revision.author,
                                                                                  0)
        if "timestamp" in props:
            out["timestamp"] = format_timestamp(revision.timestamp)
        if "size" in props:
            out["size"] = revision.size
        if "sha1" in props:
            out["sha1"] = revision.sha1
        if "roles" in props:
            out["roles"] = ["main"]
        if "contentmodel" in props and self.slots is None:
            out["contentmodel"] = CONTENT_MODEL
        if "comment" in props:
            out["comment"] = revision.summary
        if "parsedcomment" in props and self.summary is not None:
            out["parsedcomment"] = str(self.summary(revision.summary))
        if "tags" in props:
            out["tags"] = []
        if self.slots is None:
            if "content" in props:
                self._content(revision, out)
        else:
            slot = self._slot(revision)
            if slot is not None:
                out["slots"] = {"main": slot}
        return out

    def _slot(self, revision: Revision) -> dict[str, Any] | None:
        props = self.props
        if not props & {"slotsize", "slotsha1", "contentmodel", "content"}:
            return None
        slot: dict[str, Any] = {}
        if "slotsize" in props:
            slot["size"] = revision.size
        if "slotsha1" in props:
            slot["sha1"] = revision.sha1
        if "contentmodel" in props:
            slot["contentmodel"] = CONTENT_MODEL
        if "content" in props:
            self._content(revision, slot)
        return slot


def page_revisions(context: Context, params: Parsed, found: PageSet, cont: str | None
                   ) -> PropResult:
    """prop=revisions."""
    enumerating = _enumerating(params)
    pages = [ref.page for ref in found.existing if ref.page is not None]
    with_text = "content" in params["prop"]
    limit = _limit(context, params, with_text, enumerating)
    if found.revision_ids:
        if enumerating:
            raise ApiError("invalidparammix", 'The "revids" parameter may not be used with the '
                                              "list options (rvlimit, rvstartid, rvendid, "
                                              "rvdir=newer, rvuser, rvexcludeuser, rvstart, and "
                                              "rvend).")
        rows, following = _named(found.revision_ids, limit, cont, with_text)
    elif not pages:
        return PropResult({})
    elif enumerating:
        if len(pages) > 1:
            raise ApiError("invalidparammix", "titles, pageids or a generator was used to supply "
                                              "multiple pages, but the rvlimit, rvstartid, "
                                              "rvendid, rvdir=newer, rvuser, rvexcludeuser, "
                                              "rvstart, and rvend parameters may only be used "
                                              "on a single page.")
        rows, following = _enumeration(pages[0], params, limit, cont, with_text)
    else:
        rows, following = _latest(pages, limit, cont, with_text)
    describer = _Describer(context, params, rows)
    per_page: dict[int, dict[str, Any]] = {}
    for revision in rows:
        entry = per_page.setdefault(revision.page_id, {"revisions": []})
        entry["revisions"].append(describer.describe(revision))
    return PropResult(per_page, following)


def register(registry: ModuleRegistry) -> None:
    """Offer prop=revisions."""
    registry.add(Module("revisions", "prop", page_revisions,
                        "Get revision information.", prefix="rv", params=_params()))
