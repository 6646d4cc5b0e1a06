"""action=compare: the difference between two revisions, pages or texts, as the rows of
MediaWiki's side-by-side diff table (from wiki.diff, drawn by templates/api/diff_rows.html).

Each side is a revision (``fromrev``), a page's current revision (``fromtitle``, ``fromid``) or a
text (``fromtext``); the "to" side may instead be relative to the "from" revision
(``torelative=prev|next|cur``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from flask import render_template

from wiki import pages
from wiki.api.action import sections, target
from wiki.api.action.context import Context
from wiki.api.action.errors import ApiError
from wiki.api.action.modules import Module, ModuleRegistry
from wiki.api.action.params import Param, Parsed, format_timestamp
from wiki.api.action.result import content
from wiki.db import db
from wiki.diff import diff_texts
from wiki.models import Page, Revision, User
from wiki.titles import Title

PROPS = ("comment", "diff", "diffsize", "ids", "parsedcomment", "rel", "size", "timestamp",
         "title", "user")
DEFAULT_PROPS = ["diff", "ids", "title"]


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its text, and the revision, page and title it came from."""

    text: str
    revision: Revision | None = None
    page: Page | None = None
    title: Title | None = None


def _revision_side(revision_id: int) -> Side:
    revision = db.session.get(Revision, revision_id) if 0 < revision_id < 2**31 else None
    if revision is None or revision.page.is_deleted:
        raise ApiError("nosuchrevid", f"There is no revision with ID {revision_id}.")
    return _of_revision(revision)


def _of_revision(revision: Revision) -> Side:
    page = revision.page
    return Side(revision.text, revision, page, Title(page.namespace, page.title))


def _side(params: Parsed, prefix: str) -> Side | None:
    """The side the parameters with this prefix name, or None when they name none."""
    named = [name for name in ("title", "id", "rev") if params.get(prefix + name) is not None]
    if len(named) > 1:
        listed = " and ".join(f'"{prefix}{name}"' for name in named)
        raise ApiError("invalidparammix", f"The parameters {listed} can not be used together.")
    text = params.get(prefix + "text")
    if text is None:
        text = params.get(prefix + "text-main")
    side: Side | None = None
    if params.get(prefix + "rev") is not None:
        side = _revision_side(params[prefix + "rev"])
    elif params.get(prefix + "id") is not None or (params.get(prefix + "title") is not None
                                                   and text is None):
        found = target.resolve(params, prefix + "title", prefix + "id")
        page = target.require_existing(found)
        side = _of_revision(pages.latest_revision(page))
    if text is not None:
        title = side.title if side is not None else None
        if title is None and params.get(prefix + "title") is not None:
            title = target.title_of(params[prefix + "title"])
        found_page = pages.find_page(title) if title is not None else None
        return Side(text, None, found_page if found_page and not found_page.is_deleted
                    else None, title)
    return side


def _relative(side: Side, relation: str, context: Context) -> tuple[Side, Side]:
    """(from, to) for torelative: the revision before the "from" one (which then becomes the
    "to" side, as in MediaWiki), the one after it, or the page's current one."""
    revision = side.revision
    if revision is None:
        raise ApiError("compare-relative-to-nothing", 'No "from" revision for torelative to be '
                                                      "relative to.")
    if relation == "cur":
        assert side.page is not None
        return side, _of_revision(pages.latest_revision(side.page))
    if relation == "next":
        following = pages.next_revision(revision)
        if following is None:
            context.warn("compare", f"r{revision.id} is the latest revision of "
                                    f"{side.title}; there is no next revision to compare to.")
            return side, side
        return side, _of_revision(following)
    previous = pages.previous_revision(revision)
    if previous is None:
        context.warn("compare", f"r{revision.id} is the earliest revision of {side.title}; "
                                "there is no previous revision to compare to.")
        return replace(side, text="", revision=None), side
    return _of_revision(previous), side


def _in_section(side: Side, params: Parsed, prefix: str) -> Side:
    raw = params.get(prefix + "section")
    if raw is None:
        return side
    try:
        number = sections.section_number(raw)
        return replace(side, text=sections.section_text(side.text,
                                                        -1 if number is None else number))
    except sections.NoSuchSection as error:
        raise ApiError(f"nosuch{prefix}section", f'There is no section {raw[:20]} in the '
                                                 f'"{prefix}" content.') from error


def _pst(side: Side, params: Parsed, prefix: str, context: Context) -> Side:
    if side.revision is not None or not params.get(prefix + "pst"):
        return side
    return replace(side, text=pages.pre_save_transform(pages.normalize_text(side.text),
                                                        context.author))


def _describe(side: Side, prefix: str, props: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "ids" in props and side.page is not None:
        out[prefix + "id"] = side.page.id
        if side.revision is not None:
            out[prefix + "revid"] = side.revision.id
    if "title" in props and side.title is not None:
        out[prefix + "ns"] = side.title.namespace
        out[prefix + "title"] = side.title.full
    revision = side.revision
    if revision is None:
        return out
    if "size" in props:
        out[prefix + "size"] = revision.size
    if "timestamp" in props:
        out[prefix + "timestamp"] = format_timestamp(revision.timestamp)
    if "user" in props:
        out[prefix + "user"] = revision.author
        out[prefix + "userid"] = 0 if revision.author_is_ip else _user_id(revision.author)
    if "comment" in props:
        out[prefix + "comment"] = revision.summary
    if "parsedcomment" in props:
        out[prefix + "parsedcomment"] = render_template("api/parsed_summary.html",
                                                        text=revision.summary)
    return out


def _user_id(name: str) -> int:
    return db.session.scalar(sa.select(User.id).where(User.name == name)) or 0


def _rel(source: Side, destination: Side) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if source.revision is not None:
        before = pages.previous_revision(source.revision)
        if before is not None:
            out["prev"] = before.id
    if destination.revision is not None:
        after = pages.next_revision(destination.revision)
        if after is not None:
            out["next"] = after.id
    return out


def compare(context: Context, params: Parsed) -> dict[str, Any]:
    """action=compare."""
    source = _side(params, "from")
    if source is None:
        raise ApiError("missingparam", 'One of the parameters "fromtitle", "fromid", "fromrev" '
                                       'and "fromtext" is required.')
    relation = params.get("torelative")
    if relation is not None:
        source, destination = _relative(source, relation, context)
    else:
        found = _side(params, "to")
        if found is None:
            raise ApiError("missingparam", 'One of the parameters "totitle", "toid", "torev", '
                                           '"totext" and "torelative" is required.')
        destination = found
    source = _pst(_in_section(source, params, "from"), params, "from", context)
    destination = _pst(_in_section(destination, params, "to"), params, "to", context)
    props: list[str] = params["prop"]
    result: dict[str, Any] = {**_describe(source, "from", props),
                              **_describe(destination, "to", props)}
    if "rel" in props:
        result.update(_rel(source, destination))
    if "diff" in props or "diffsize" in props:
        html = render_template("api/diff_rows.html",
                               rows=diff_texts(source.text, destination.text))
        if "diffsize" in props:
            result["diffsize"] = len(html)
        if "diff" in props:
            result[content("body")] = html
    return {"compare": result}


def _side_params(prefix: str) -> tuple[Param, ...]:
    return (
        Param("title", help=f'First title to compare ("{prefix}").'),
        Param("id", "integer", help="Page ID to compare."),
        Param("rev", "integer", help="Revision to compare."),
        Param("slots", values=("main",), multi=True, help="Only the main slot exists."),
        Param("text", "text", help="Use this text instead of the content of the revision."),
        Param("text-main", "text", help="Text of the main slot."),
        Param("section", help="Only use the specified section of the content."),
        Param("pst", "boolean", help="Do a pre-save transform on the text."),
        Param("contentformat", values=("text/markdown",), help="Content serialization format."),
        Param("contentmodel", values=("markdown",), help="Content model of the text."),
    )


def _prefixed(prefix: str, params: tuple[Param, ...]) -> tuple[Param, ...]:
    return tuple(replace(param, name=prefix + param.name) for param in params)


PARAMS = (
    *_prefixed("from", _side_params("from")),
    *_prefixed("to", _side_params("to")),
    Param("torelative", values=("cur", "next", "prev"),
          help='Use a revision relative to the revision determined from the "from" side.'),
    Param("prop", values=PROPS, multi=True, default=DEFAULT_PROPS,
          help="Which pieces of information to get."),
    Param("slots", values=("main",), multi=True, help="Only the main slot exists."),
    Param("difftype", values=("table", "inline", "unified"), default="table",
          help="Return the comparison formatted as a table (the only form offered)."),
)


def register(registry: ModuleRegistry) -> None:
    """Offer action=compare."""
    registry.add(Module("compare", "action", compare, "Get the difference between two pages.",
                        params=PARAMS))
