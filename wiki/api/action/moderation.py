"""action=delete, action=undelete, action=protect and action=rollback: what administrators do to
pages, through wiki.moderation (which logs each action and changes text only through the one
writer).

MediaWiki's protection levels map onto the wiki's roles: autoconfirmed is "editor", sysop is
"admin". The wiki protects editing and moving with one level, so a request that names both uses
the edit level.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from wiki import accounts, actionlog, clock, moderation, pages
from wiki.api.action import target
from wiki.api.action.context import Context
from wiki.api.action.errors import ApiError
from wiki.api.action.info import LEVELS
from wiki.api.action.modules import Module, ModuleRegistry
from wiki.api.action.params import Param, Parsed, format_timestamp, parse_timestamp
from wiki.db import db
from wiki.models import Revision
from wiki.titles import Title

# MediaWiki's protection levels as the wiki's roles ("" and "all" remove the protection).
ROLES = {"autoconfirmed": "editor", "sysop": "admin", "": None, "all": None}
PROTECTION_TYPES = ("edit", "move")
INFINITE = ("infinite", "indefinite", "infinity", "never")
_RELATIVE = re.compile(r"\+?\s*(\d{1,6})\s*(second|minute|hour|day|week|month|year)s?")
_UNITS = {"second": timedelta(seconds=1), "minute": timedelta(minutes=1),
          "hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1),
          "month": timedelta(days=31), "year": timedelta(days=365)}


def _require_admin(context: Context, action: str) -> None:
    if context.author.role != "admin":
        raise ApiError("permissiondenied", f"You don't have permission to {action}: only "
                                           "administrators can.")


def _reason(params: Parsed) -> str:
    return " ".join(params.get("reason", "").split())[:500]


def parse_expiry(raw: str) -> datetime | None:
    """An expiry as MediaWiki takes it: "infinite" (None), a timestamp, or a time from now such
    as "1 week" or "3 days"."""
    text = raw.strip().lower()
    if text in INFINITE:
        return None
    relative = _RELATIVE.fullmatch(text)
    if relative is not None:
        return clock.utcnow() + int(relative.group(1)) * _UNITS[relative.group(2)]
    try:
        return parse_timestamp(raw, "expiry")
    except ApiError as error:
        raise ApiError("invalidexpiry", f'Invalid expiry time "{raw[:100]}".') from error


def _log_id(title: Title, action: str) -> int:
    entries, _ = actionlog.entries(action=action, title=title, limit=1)
    return entries[0].id if entries else 0


def delete(context: Context, params: Parsed) -> dict[str, Any]:
    """action=delete."""
    _require_admin(context, "delete pages")
    found = target.resolve(params)
    target.require_existing(found)
    reason = _reason(params)
    moderation.delete(found.title, reason, context.author)
    return {"delete": {"title": found.title.full, "reason": reason,
                       "logid": _log_id(found.title, "delete")}}


def undelete(context: Context, params: Parsed) -> dict[str, Any]:
    """action=undelete: the whole page comes back (the wiki keeps every revision)."""
    _require_admin(context, "undelete pages")
    title = target.title_of(params["title"])
    page = pages.find_page(title)
    if page is None or not page.is_deleted:
        raise ApiError("cantundelete", "Couldn't undelete: the requested revisions may not "
                                       "exist, or may have been undeleted already.")
    reason = _reason(params)
    moderation.undelete(title, reason, context.author)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Revision)
                              .where(Revision.page_id == page.id)) or 0
    return {"undelete": {"title": title.full, "revisions": count, "fileversions": 0,
                         "reason": reason}}


def _wanted_levels(params: Parsed) -> list[tuple[str, str, datetime | None, str]]:
    """(type, MediaWiki level, expiry, expiry as given) per requested protection."""
    protections: list[str] = params["protections"]
    expiries: list[str] = params["expiry"] or ["infinite"]
    if len(expiries) not in (1, len(protections)):
        raise ApiError("toofewexpiries", f"{len(expiries)} expiry timestamps were provided "
                                         f"where {len(protections)} were needed.")
    wanted = []
    for position, item in enumerate(protections):
        kind, _, level = item.partition("=")
        if kind not in PROTECTION_TYPES:
            raise ApiError("protect-invalidaction", f'Invalid protection type "{kind[:50]}".')
        if level not in ROLES:
            raise ApiError("protect-invalidlevel", f'Invalid protection level "{level[:50]}".')
        raw = expiries[position] if len(expiries) > 1 else expiries[0]
        expiry = parse_expiry(raw)
        if expiry is not None and expiry <= clock.utcnow():
            raise ApiError("pastexpiry", f'Expiry time "{raw[:100]}" is in the past.')
        wanted.append((kind, level, expiry, raw))
    return wanted


def protect(context: Context, params: Parsed) -> dict[str, Any]:
    """action=protect."""
    _require_admin(context, "protect pages")
    found = target.resolve(params)
    target.require_existing(found)
    wanted = _wanted_levels(params)
    chosen = next((item for item in wanted if item[0] == "edit"), wanted[0])
    if any(item[1:3] != chosen[1:3] for item in wanted):
        context.warn("protect", "This wiki protects editing and moving with one level and "
                                "expiry; those asked for editing were applied.")
    reason = _reason(params)
    moderation.protect(found.title, ROLES[chosen[1]], reason, chosen[2], context.author)
    level = LEVELS.get(ROLES[chosen[1]] or "", "")
    expiry = format_timestamp(chosen[2]) if chosen[2] is not None else "infinite"
    return {"protect": {"title": found.title.full, "reason": reason,
                        "protections": [{kind: level, "expiry": expiry}
                                        for kind, *_rest in wanted]}}


def rollback(context: Context, params: Parsed) -> dict[str, Any]:
    """action=rollback: revert the last edits of one author."""
    _require_admin(context, "roll back edits")
    found = target.resolve(params)
    page = target.require_existing(found)
    raw_user: str = params["user"]
    account = accounts.find_user(raw_user)
    user = account.name if account is not None else " ".join(raw_user.replace("_", " ").split())
    latest = pages.latest_revision(page)
    if latest.author != user:
        raise ApiError("alreadyrolled", f"Cannot rollback the last edit of {found.title.full} by "
                                        f"{user[:85]}; someone else has edited or rolled back "
                                        f"the page already. The last edit was by "
                                        f"{latest.author}.")
    restored = db.session.scalar(  # the revision whose text comes back: the last by another
        sa.select(Revision.id).where(Revision.page_id == page.id, Revision.author != user)
        .order_by(Revision.id.desc()).limit(1))
    try:
        result = moderation.rollback(found.title, user, context.author)
    except moderation.NothingToRollBack as error:
        raise ApiError("onlyauthor", "The page you tried to rollback only has one author.") \
            from error
    return {"rollback": {"title": found.title.full, "pageid": page.id,
                         "summary": result.revision.summary, "revid": result.revision.id,
                         "old_revid": latest.id, "last_revid": restored or 0}}


_REASON = Param("reason", help="Reason for the action.")
_TAGS = Param("tags", multi=True, help="Change tags (accepted, not kept).")
_WATCH = (Param("watch", "boolean", help="Deprecated; accepted."),
          Param("watchlist", values=("nochange", "preferences", "unwatch", "watch"),
                default="preferences", help="Accepted; this wiki has no watchlists."),
          Param("watchlistexpiry", "expiry", help="Accepted."))


def register(registry: ModuleRegistry) -> None:
    """Offer delete, undelete, protect and rollback."""
    registry.add(Module("delete", "action", delete, "Delete a page.", must_post=True,
                        token="csrf", write=True, params=(
                            *target.PARAMS, _REASON, _TAGS, *_WATCH,
                            Param("unwatch", "boolean", help="Deprecated; accepted."),
                            Param("oldimage", help="Not offered: the wiki has no files."))))
    registry.add(Module("undelete", "action", undelete, "Undelete revisions of a deleted page.",
                        must_post=True, token="csrf", write=True, params=(
                            Param("title", "title", required=True, help="Title of the page "
                                  "to undelete."),
                            _REASON, _TAGS,
                            Param("timestamps", "timestamp", multi=True, help="Accepted; every "
                                  "revision is restored."),
                            Param("fileids", "integer", multi=True, help="Not offered."),
                            Param("undeletetalk", "boolean", help="Accepted."), *_WATCH)))
    registry.add(Module("protect", "action", protect, "Change the protection level of a page.",
                        must_post=True, token="csrf", write=True, params=(
                            *target.PARAMS,
                            Param("protections", multi=True, required=True,
                                  help='List of protection levels, formatted action=level '
                                       '(e.g. edit=sysop); "all" removes a protection.'),
                            Param("expiry", multi=True, default=["infinite"],
                                  help="Expiry timestamps (or infinite, or a time such as "
                                       '"1 week"); one, or one per protection.'),
                            _REASON, _TAGS,
                            Param("cascade", "boolean", help="Not offered; accepted."),
                            *_WATCH)))
    registry.add(Module("rollback", "action", rollback, "Undo the last edit to the page.",
                        must_post=True, token="rollback", write=True, params=(
                            *target.PARAMS, _TAGS,
                            Param("user", "user", required=True, help="Name of the user whose "
                                  "edits are to be rolled back."),
                            Param("summary", help="Accepted; the wiki writes its own summary."),
                            Param("markbot", "boolean", help="Accepted."),
                            Param("watchlist", values=("nochange", "preferences", "unwatch",
                                                       "watch"), default="preferences",
                                  help="Accepted."),
                            Param("watchlistexpiry", "expiry", help="Accepted."))))
