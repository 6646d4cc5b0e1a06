"""action=edit: create and change pages through the one writer (pages.save_edit), as the web's edit
form does: the same three-way merge with the revision the caller started from, the same
conflicts (nothing saved), the same permissions, size limit and edit rate limit.

The base revision is ``baserevid``, or the revision ``basetimestamp`` names (revision timestamps
strictly increase along a page's history, so a timestamp names one revision). Without either the
edit is made on the current text and nothing is merged. Section edits (``section=N``) replace the
section in the base text; ``section=new``, ``appendtext`` and ``prependtext`` add to the current
text, so that they never conflict.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from wiki import actionlog, moderation, pages, permissions, throttle
from wiki.api.action import sections, target
from wiki.api.action.context import Context
from wiki.api.action.errors import ApiError
from wiki.api.action.modules import Module, ModuleRegistry
from wiki.api.action.params import Param, Parsed, format_timestamp
from wiki.api.action.target import Target
from wiki.db import db
from wiki.errors import (
    ArticleTooLarge,
    BadParameter,
    EditConflict,
    Forbidden,
    NotEditable,
    PageDeleted,
)
from wiki.models import Page, Revision

CONTENT_MODEL = "markdown"
CONTENT_FORMAT = "text/markdown"
# What MediaWiki offers; this wiki's pages are all Markdown.
CONTENT_MODELS = ("markdown", "wikitext", "text", "css", "javascript", "json", "unknown")
CONTENT_FORMATS = ("text/markdown", "text/x-wiki", "text/plain", "text/javascript", "text/css",
                   "application/json", "application/octet-stream", "text/unknown")


def forbidden(error: Forbidden, exists: bool) -> ApiError:
    """A refusal of the permission checks as the error MediaWiki gives (clients such as mwclient
    turn these codes into their protected-page error)."""
    if error.details.get("reason") == "login":
        if exists:
            return ApiError("noedit-anon", "Anonymous users can't edit pages.")
        return ApiError("cantcreate-anon", "Anonymous users can't create new pages.")
    if error.details.get("reason") == "protected":
        return ApiError("protectedpage", "This page has been protected to prevent editing or "
                                         f"other actions. {error.message}")
    return ApiError("permissiondenied", error.message)


def _check_content(params: Parsed) -> None:
    model, content_format = params.get("contentmodel"), params.get("contentformat")
    if model is not None and model != CONTENT_MODEL:
        raise ApiError("contentmodel-mismatch", f"The content you supplied has {model} content "
                       f"model, which differs from the current content model of the page "
                       f"{CONTENT_MODEL}.")
    if content_format is not None and content_format != CONTENT_FORMAT:
        raise ApiError("badformat", f"The requested format {content_format} is not supported "
                                    f"for content model {CONTENT_MODEL}.")


def _section(params: Parsed) -> int | str | None:
    raw = params.get("section")
    if raw is None or raw == "":
        return None
    if raw == "new":
        return "new"
    number = sections.section_number(raw)
    if number is None:
        raise ApiError("invalidsection", 'The "section" parameter must be a valid section ID '
                                         'or "new".')
    return number


def _check_md5(params: Parsed) -> None:
    expected = params.get("md5")
    if expected is None:
        return
    text = params.get("text")
    if text is None:
        text = params.get("prependtext", "") + params.get("appendtext", "")
    if hashlib.md5(text.encode("utf-8")).hexdigest() != expected.lower():
        raise ApiError("badmd5", "The supplied MD5 hash was incorrect.")


def _follow_redirect(found: Target) -> Target:
    if not found.exists or found.page is None or not found.page.is_redirect:
        return found
    destination = pages.redirect_target(pages.latest_revision(found.page).text)
    if destination is None:
        return found
    return Target(destination, pages.find_page(destination))


def _deleted_since(found: Target, started: datetime | None) -> bool:
    """Whether the page was deleted after the caller began editing (starttimestamp)."""
    if started is None:
        return False
    entries, _ = actionlog.entries(action="delete", title=found.title, limit=1)
    return bool(entries) and entries[0].timestamp >= started


def _revision(revision_id: int, page: Page | None, found: Target) -> Revision:
    revision = db.session.get(Revision, revision_id) if 0 < revision_id < 2**31 else None
    if revision is None:
        raise ApiError("nosuchrevid", f"There is no revision with ID {revision_id}.")
    if page is None or revision.page_id != page.id:
        raise ApiError("revwrongpage", f"r{revision_id} is not a revision of {found.title.full}.")
    return revision


def _base(params: Parsed, found: Target, current: Revision | None) -> Revision | None:
    """The revision the caller started from: baserevid, the revision basetimestamp names, or
    (when neither is given) the current one. None when the page did not exist yet."""
    if current is None:
        return None
    if params.get("baserevid") is not None:
        return _revision(params["baserevid"], found.page, found)
    stamp: datetime | None = params.get("basetimestamp")
    if stamp is None:
        return current
    return db.session.scalar(
        sa.select(Revision).where(Revision.page_id == current.page_id,
                                  Revision.timestamp <= stamp.replace(microsecond=0))
        .order_by(Revision.timestamp.desc(), Revision.id.desc()).limit(1))


def _undo(params: Parsed, found: Target) -> tuple[str, Revision, str]:
    """The text that undoes revision ``undo`` (back to ``undoafter``), its base and summary."""
    page = target.require_existing(found)
    undone = _revision(params["undo"], page, found)
    after_id = params.get("undoafter") or None
    if after_id is not None:
        after = _revision(after_id, page, found)
        if after.id > undone.id:
            undone, after = after, undone
        after_id = after.id
    try:
        result = moderation.undo(found.title, undone.id, after_id)
    except BadParameter as error:
        raise ApiError("undofailure", error.message) from error
    if result.text is None:
        raise ApiError("undofailure", "Undo failed due to conflicting intermediate edits.")
    return result.text, result.base, result.summary


def _in_section(source: str, number: int, change: str) -> str:
    try:
        return sections.replace_section(source, number, change)
    except sections.NoSuchSection as error:
        raise ApiError("nosuchsection", str(error)) from error


def _section_of(source: str, number: int) -> str:
    try:
        return sections.section_text(source, number)
    except sections.NoSuchSection as error:
        raise ApiError("nosuchsection", str(error)) from error


def _new_text(params: Parsed, section: int | str | None, found: Target,
              current: Revision | None) -> tuple[str, Revision | None, str]:
    """The full text to save, the base revision and the summary."""
    summary: str = params.get("summary", "")
    text, prepend, append = params.get("text"), params.get("prependtext"), params.get("appendtext")
    now = current.text if current is not None else ""
    if params.get("undo"):
        undone, undo_base, undo_summary = _undo(params, found)
        return undone, undo_base, summary or undo_summary
    if section == "new":
        body = text if text is not None else (prepend or "") + (append or "")
        if not body.strip():
            raise ApiError("emptynewsection", "Creating empty new sections is not possible.")
        heading = params.get("sectiontitle")
        if heading is None:
            heading, summary = summary, ""
        heading = " ".join(heading.split())
        if heading and not summary:
            summary = f"/* {heading} */ new section"
        return sections.add_section(now, heading, body), current, summary
    if text is None:
        if isinstance(section, int):
            changed = (prepend or "") + _section_of(now, section) + (append or "")
            return _in_section(now, section, changed), current, summary
        return (prepend or "") + now + (append or ""), current, summary
    base = _base(params, found, current)
    if not isinstance(section, int):
        return text, base, summary
    if base is None and current is None:
        if section != 0:
            raise ApiError("nosuchsection", f"There is no section {section}.")
        return text, None, summary
    source = base.text if base is not None else now
    return _in_section(source, section, text), base, summary


def _check_parameters(params: Parsed) -> None:
    text, prepend, append = params.get("text"), params.get("prependtext"), params.get("appendtext")
    if text is None and prepend is None and append is None and not params.get("undo"):
        raise ApiError("missingparam", 'At least one of the parameters "text", "appendtext", '
                                       '"prependtext" and "undo" is required.')
    if text is not None and (prepend is not None or append is not None):
        other = "prependtext" if prepend is not None else "appendtext"
        raise ApiError("invalidparammix",
                       f'The parameters "text" and "{other}" can not be used together.')
    if params.get("createonly") and params.get("nocreate"):
        raise ApiError("invalidparammix",
                       'The parameters "createonly" and "nocreate" can not be used together.')


def _check_page_state(params: Parsed, found: Target) -> None:
    if found.page is not None and found.page.is_deleted:
        if not params.get("recreate") and _deleted_since(found, params.get("starttimestamp")):
            raise ApiError("pagedeleted", "The page has been deleted since you fetched its "
                                          "timestamp.")
        if params.get("nocreate"):
            raise ApiError("missingtitle", "The page you specified doesn't exist.")
        raise ApiError("pagedeleted", f'"{found.title.full}" was deleted. An administrator can '
                                      "undelete it.")
    if params.get("createonly") and found.exists:
        raise ApiError("articleexists", "The article you tried to create has been created "
                                        "already.")
    if params.get("nocreate") and not found.exists:
        raise ApiError("missingtitle", "The page you specified doesn't exist.")


def _summary(raw: str) -> str:
    """MediaWiki shortens long summaries rather than refusing them."""
    limit = current_app.config["WIKI_MAX_SUMMARY_CHARS"]
    return " ".join(raw.split())[:limit]


def edit(context: Context, params: Parsed) -> dict[str, Any]:
    """action=edit."""
    found = target.resolve(params)
    target.require_real(found)
    if params.get("redirect"):
        found = _follow_redirect(found)
    _check_content(params)
    _check_parameters(params)
    section = _section(params)
    _check_md5(params)
    _check_page_state(params, found)
    author = context.author
    try:
        permissions.check_edit(found.page if found.exists else None, author.role)
    except Forbidden as error:
        raise forbidden(error, found.exists) from error
    current = pages.latest_revision(found.page) if found.exists and found.page else None
    text, base, summary = _new_text(params, section, found, current)
    if current is None and not text.strip():
        raise ApiError("emptypage", "Creating new, empty pages is not allowed.")
    wait = throttle.take_edit()
    if wait:
        raise ApiError("ratelimited", "As an anti-abuse measure, you are limited from "
                       "performing this action too many times in a short space of time, and you "
                       f"have exceeded this limit. Please try again in {wait} seconds.")
    minor = bool(params.get("minor")) and not params.get("notminor")
    try:
        result = pages.save_edit(found.title, text, author=author,
                                 base_revision_id=base.id if base else None,
                                 summary=_summary(summary), minor=minor)
    except EditConflict as error:
        raise ApiError("editconflict", f"Edit conflict: {error.message} Nothing was saved.") \
            from error
    except Forbidden as error:
        raise forbidden(error, found.exists) from error
    except ArticleTooLarge as error:
        kib = current_app.config["WIKI_MAX_ARTICLE_BYTES"] // 1024
        raise ApiError("contenttoobig", "The content you supplied exceeds the article size "
                                        f"limit of {kib:,} kibibytes.") from error
    except NotEditable as error:
        raise ApiError("pagecannotexist", error.message) from error
    except PageDeleted as error:
        raise ApiError("pagedeleted", error.message) from error
    return {"edit": _answer(found, result)}


def _answer(found: Target, result: pages.SaveResult) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    if result.status == "created":
        answer["new"] = True
    answer.update({"result": "Success", "pageid": result.page.id, "title": found.title.full,
                   "contentmodel": CONTENT_MODEL})
    if result.status == "nochange":
        answer["nochange"] = True
        return answer
    answer.update({"oldrevid": result.revision.parent_id or 0,
                   "newrevid": result.revision.id,
                   "newtimestamp": format_timestamp(result.revision.timestamp)})
    return answer


PARAMS = (
    *target.PARAMS,
    Param("section", help='Section identifier: 0 for the lead, "new" for a new section.'),
    Param("sectiontitle", help="The title for a new section when using section=new."),
    Param("text", "text", help="Page content."),
    Param("summary", help="Edit summary; with section=new and no sectiontitle, the title of "
                          "the new section."),
    Param("tags", multi=True, help="Change tags to apply to the revision (accepted, not kept)."),
    Param("minor", "boolean", help="Mark this edit as a minor edit."),
    Param("notminor", "boolean", help="Do not mark this edit as a minor edit."),
    Param("bot", "boolean", help="Mark this edit as a bot edit (accepted)."),
    Param("baserevid", "integer", help="ID of the base revision, used to detect edit "
                                       "conflicts."),
    Param("basetimestamp", "timestamp", help="Timestamp of the base revision, used to detect "
                                             "edit conflicts."),
    Param("starttimestamp", "timestamp", help="Timestamp when the editing process began, used "
                                              "to detect a page deleted meanwhile."),
    Param("recreate", "boolean", help="Override any errors about the page having been deleted "
                                      "in the meantime."),
    Param("createonly", "boolean", help="Don't edit the page if it exists already."),
    Param("nocreate", "boolean", help="Throw an error if the page doesn't exist."),
    Param("watch", "boolean", help="Deprecated; accepted."),
    Param("unwatch", "boolean", help="Deprecated; accepted."),
    Param("watchlist", values=("nochange", "preferences", "unwatch", "watch"),
          default="preferences", help="Accepted; this wiki has no watchlists."),
    Param("watchlistexpiry", "expiry", help="Accepted; this wiki has no watchlists."),
    Param("md5", help="The MD5 hash of the text parameter, or of prependtext and appendtext "
                      "concatenated."),
    Param("prependtext", "text", help="Add this text to the beginning of the page or section."),
    Param("appendtext", "text", help="Add this text to the end of the page or section."),
    Param("undo", "integer", minimum=0, help="Undo this revision."),
    Param("undoafter", "integer", minimum=0, help="Undo all revisions from undo to this one."),
    Param("redirect", "boolean", help="Automatically resolve redirects."),
    Param("contentformat", values=CONTENT_FORMATS, help="Content serialization format."),
    Param("contentmodel", values=CONTENT_MODELS, help="Content model of the new content."),
    Param("returnto", "title", help="Accepted."),
    Param("returntoquery", default="", help="Accepted."),
    Param("returntoanchor", default="", help="Accepted."),
    Param("captchaword", help="Accepted; this wiki asks no CAPTCHA."),
    Param("captchaid", help="Accepted; this wiki asks no CAPTCHA."),
)


def register(registry: ModuleRegistry) -> None:
    """Offer action=edit."""
    registry.add(Module("edit", "action", edit, "Create and edit pages.", params=PARAMS,
                        must_post=True, token="csrf", write=True))
