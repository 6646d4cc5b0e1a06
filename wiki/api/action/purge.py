"""action=purge: have pages rendered afresh and dropped from the cache servers, as the wiki's
?action=purge does (wiki.rendering.purge_pages). Anyone may; it must be posted but needs no
token, as in MediaWiki (mwclient's Page.purge() sends none). Each page purged counts against
WIKI_PURGE_RATE_LIMIT; past it the rest are listed without "purged", with a warning."""

from __future__ import annotations

from typing import Any

from wiki import rendering, throttle
from wiki.api.action import pageset
from wiki.api.action.context import Context
from wiki.api.action.errors import ApiError
from wiki.api.action.modules import Module, ModuleRegistry
from wiki.api.action.params import Param, Parsed

SOURCES = ("titles", "pageids", "revids")
RATE_LIMITED = "You've exceeded your rate limit. Please wait some time and try again."


def _pages(params: Parsed) -> pageset.PageSet:
    given = [name for name in SOURCES if params.present(name)]
    if len(given) > 1:
        names = ", ".join(f'"{name}"' for name in given)
        raise ApiError("invalidparammix", f"The parameters {names} can not be used together.")
    redirects = bool(params.get("redirects"))
    if params.present("titles"):
        return pageset.from_titles(params["titles"], redirects=redirects)
    if params.present("pageids"):
        return pageset.from_page_ids(params["pageids"], redirects=redirects)
    if params.present("revids"):
        return pageset.from_revision_ids(params["revids"])
    return pageset.PageSet()


def purge(context: Context, params: Parsed) -> dict[str, Any]:
    """action=purge: the titles that could not be purged (invalid, special, missing), then the
    pages, "purged" on each one that was."""
    found = _pages(params)
    if params.get("forcelinkupdate") or params.get("forcerecursivelinkupdate"):
        context.warn("purge", "Every save records a page's links from its render, so a purge "
                              "updates no links tables.")
    entries: list[dict[str, Any]] = [ref.entry for ref in found.pages if not ref.exists]
    entries += list(found.bad_revids.values())
    allowed = []
    for ref in found.existing:
        if ref.title is None:
            continue
        if throttle.take_purge():
            context.warn("purge", RATE_LIMITED)
            break
        allowed.append(ref.title)
    purged = set(rendering.purge_pages(allowed))
    for ref in found.existing:
        entry = {"ns": ref.entry["ns"], "title": ref.entry["title"]}
        if ref.title in purged:
            entry["purged"] = True
        entries.append(entry)
    result: dict[str, Any] = {"purge": entries}
    result.update({key: value for key, value in found.result().items() if key != "badrevids"})
    return result


def register(registry: ModuleRegistry) -> None:
    """Offer purge."""
    registry.add(Module("purge", "action", purge, "Purge the cache for the given titles.",
                        must_post=True, write=True, params=(
                            Param("titles", multi=True, help="A list of titles to work on."),
                            Param("pageids", "integer", multi=True,
                                  help="A list of page IDs to work on."),
                            Param("revids", "integer", multi=True,
                                  help="A list of revision IDs to work on."),
                            Param("redirects", "boolean", help="Automatically resolve "
                                                               "redirects."),
                            Param("converttitles", "boolean", help="This wiki has no language "
                                                                   "variants."),
                            Param("forcelinkupdate", "boolean", help="Accepted: every save "
                                  "records the page's links already."),
                            Param("forcerecursivelinkupdate", "boolean", help="Accepted: every "
                                  "save records the page's links already."))))
