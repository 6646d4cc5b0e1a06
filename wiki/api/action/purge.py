"""action=purge: have pages rendered afresh and dropped from the cache servers, as the wiki's
?action=purge does (wiki.rendering.purge_pages). Anyone may; it must be posted but needs no
token, as in MediaWiki (mwclient's Page.purge() sends none). Each page purged counts against
WIKI_PURGE_RATE_LIMIT; past it the rest are listed without "purged", with a warning."""

from __future__ import annotations

from typing import Any

from wiki import rendering, throttle
from wiki.api.action import pageset
from wiki.api.action.context import Context
from wiki.api.action.modules import Module, ModuleRegistry
from wiki.api.action.params import Param, Parsed

RATE_LIMITED = "You've exceeded your rate limit. Please wait some time and try again."


def _pages(params: Parsed) -> pageset.PageSet:
    pageset.require_one_source(pageset.given_sources(params))
    return pageset.from_sources(params, redirects=bool(params.get("redirects"))) \
        or pageset.PageSet()


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
                            *pageset.SOURCE_PARAMS, *pageset.REDIRECT_PARAMS,
                            Param("forcelinkupdate", "boolean", help="Accepted: every save "
                                  "records the page's links already."),
                            Param("forcerecursivelinkupdate", "boolean", help="Accepted: every "
                                  "save records the page's links already."))))
