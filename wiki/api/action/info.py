"""prop=info: what clients need to know about a page before reading or editing it (title as
the wiki writes it, latest revision, length, protection, whether it is a redirect)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wiki.api.action.context import Context
from wiki.api.action.modules import Module, ModuleRegistry, PropResult
from wiki.api.action.pageset import PageRef, PageSet
from wiki.api.action.params import Param, Parsed, format_timestamp
from wiki.db import db
from wiki.models import Revision
from wiki.permissions import active_protection
from wiki.titles import subject_and_talk
from wiki.urls import absolute_url

INFO_PROPS = ("protection", "talkid", "watched", "watchers", "visitingwatchers",
              "notificationtimestamp", "subjectid", "associatedpage", "url", "readable",
              "preload", "displaytitle", "varianttitles", "linkclasses")
# The wiki's roles as MediaWiki's protection levels.
LEVELS = {"editor": "autoconfirmed", "admin": "sysop"}


def protection_entries(ref: PageRef) -> list[dict[str, Any]]:
    """The page's protection as MediaWiki lists it."""
    found = active_protection(ref.page) if ref.page is not None else None
    if found is None:
        return []
    expiry = format_timestamp(found.expires_at) if found.expires_at else "infinity"
    level = LEVELS.get(found.level, "sysop")
    return [{"type": "edit", "level": level, "expiry": expiry},
            {"type": "move", "level": level, "expiry": expiry}]


def _urls(ref: PageRef) -> dict[str, Any]:
    assert ref.title is not None
    path = ref.title.path
    return {"fullurl": absolute_url(path), "editurl": absolute_url(path + "?action=edit"),
            "canonicalurl": absolute_url(path)}


def _revision_counts(page_ids: list[int]) -> dict[int, int]:
    """Per page: how many revisions it has."""
    if not page_ids:
        return {}
    rows = db.session.execute(
        sa.select(Revision.page_id, sa.func.count()).where(Revision.page_id.in_(page_ids))
        .group_by(Revision.page_id)).all()
    return {page_id: int(count) for page_id, count in rows}


def _associated(ref: PageRef, props: list[str], entry: dict[str, Any]) -> None:
    assert ref.title is not None
    pair = subject_and_talk(ref.title)
    if pair is None:
        return
    subject, talk = pair
    other = talk if ref.title == subject else subject
    if "associatedpage" in props:
        entry["associatedpage"] = other.full
    from wiki.api.action.pageset import readable_pages
    wanted = ("talkid" in props and ref.title == subject) or (
        "subjectid" in props and ref.title == talk)
    if wanted:
        page = readable_pages([other]).get((other.namespace, other.text))
        if page is not None:
            entry["talkid" if ref.title == subject else "subjectid"] = page.id


def page_info(context: Context, params: Parsed, found: PageSet, _cont: str | None
              ) -> PropResult:
    """prop=info."""
    props: list[str] = params["prop"]
    counts = _revision_counts([ref.page.id for ref in found.existing if ref.page is not None])
    per_page: dict[int, dict[str, Any]] = {}
    for ref in found.pages:
        if ref.title is None or ref.title.namespace < 0:
            continue
        entry: dict[str, Any] = {"contentmodel": "markdown", "pagelanguage": "en",
                                 "pagelanguagehtmlcode": "en", "pagelanguagedir": "ltr"}
        page = ref.page
        if page is not None and page.latest_revision is not None:
            latest = page.latest_revision
            entry.update({"touched": format_timestamp(latest.timestamp),
                          "lastrevid": latest.id, "length": latest.size})
            if page.is_redirect:
                entry["redirect"] = True
            if counts.get(page.id) == 1:
                entry["new"] = True
        if "protection" in props:
            entry["protection"] = protection_entries(ref)
            entry["restrictiontypes"] = ["edit", "move"] if page is not None else ["create"]
        if "url" in props:
            entry.update(_urls(ref))
        if "readable" in props:
            entry["readable"] = True
        if "displaytitle" in props:
            entry["displaytitle"] = ref.title.full
        if {"talkid", "subjectid", "associatedpage"} & set(props):
            _associated(ref, props, entry)
        per_page[ref.key] = entry
    return PropResult(per_page)


def register(registry: ModuleRegistry) -> None:
    """Offer prop=info."""
    registry.add(Module("info", "prop", page_info, "Get basic page information.", prefix="in",
                        params=(
                            Param("prop", values=INFO_PROPS, multi=True,
                                  help="Which additional properties to get."),
                            Param("linkcontext", "title", default="Main Page"),
                            Param("testactions", multi=True),
                            Param("testactionsdetail", values=("boolean", "full", "quick"),
                                  default="boolean"),
                            Param("testactionsautocreate", "boolean"),
                            Param("continue"))))
