"""Locator maps over HTTP: /map/<A3>-<B3>.svg and .png, and /map/world/<A3>.svg for hubs.

A pair's map is a function of the map data version and the pair, so its strong ETag is made of
those and a request that matches it is answered 304 without drawing anything. Pages link to
/map/<A3>-<B3>.svg?v=<version> (the version names the folder of stored maps and changes with the
outlines, the reviewed tables, the drawing and the names); with the current version the map may be
cached for a year as immutable, since a new version means a new URL. Without it, or with another
version (a page cached before the maps changed), the map may be cached for only a few minutes
before the browser asks again with its ETag. World maps change with a hub's partners under the
same URL, so they are always cached for a few minutes, with the hash of their bytes as ETag.

The map of a pair that has a relations page (under any title naming the pair) is kept on disk;
any other pair's map is drawn on request, kept only in the process's byte-bounded memory, and
drawing those is rate-limited per address (or per account: WIKI_MAP_RATE_LIMIT), so that nobody
can fill the disk or the CPU with all 39,000 pairs. Reading a map already drawn is never
limited.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, g, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from wiki.errors import BadParameter, TooManyRequests, WikiError
from wiki.relations import catalog, mapstore
from wiki.relations.country import Country
from wiki.relations.live import MAP_PREFIX
from wiki.relations.mapstore import MapStore, StoredMap
from wiki.relations.names import country_by_code
from wiki.views import conditional

bp = Blueprint("maps", __name__, url_prefix=MAP_PREFIX)

YEAR = 365 * 86400
FEW_MINUTES = 300
IMMUTABLE = f"public, max-age={YEAR}, immutable"
REVALIDATE = f"public, max-age={FEW_MINUTES}"


class UnknownMap(WikiError):
    """No map for this code."""

    status = 404
    code = "nomap"


@dataclass(frozen=True)
class Maps:
    """One app's maps: where they are kept, and the limit on drawing maps nobody keeps."""

    store: MapStore
    limiter: MovingWindowRateLimiter
    limits: list[RateLimitItem]

    def allow_drawing(self) -> None:
        """Count one drawing of an unkept map against this account or address, or raise
        TooManyRequests (with Retry-After) when it has drawn too many."""
        user = g.get("user")
        key = f"account:{user.name}" if user is not None else f"ip:{request.remote_addr}"
        for item in self.limits:
            if not self.limiter.test(item, "map", key):
                reset, _remaining = self.limiter.get_window_stats(item, "map", key)
                retry = max(1, int(reset - time.time()))
                raise TooManyRequests(
                    "Too many maps of pairs without a relations page were drawn for you; "
                    f"try again in {retry} seconds.", retry_after=retry)
        for item in self.limits:
            self.limiter.hit(item, "map", key)


def maps() -> Maps:
    """The current app's maps."""
    state: Maps = current_app.extensions["wiki_maps"]
    return state


def _serve(etag: str, cache_control: str, stored: Callable[[], StoredMap],
           modified: datetime | None = None) -> Response:
    """304 when the request has the ETag (or, without one, an If-Modified-Since no older than
    `modified`, when the map has such a time), else the map ``stored`` gives (drawn only
    then)."""
    if modified is not None:
        unchanged = conditional.not_modified(conditional.Validator(etag, modified))
    else:
        unchanged = request.if_none_match.contains(etag)
    if unchanged:
        response = Response(status=304)
    else:
        found = stored()
        response = Response(found.content, mimetype=found.mimetype)
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified
    response.headers["Cache-Control"] = cache_control
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
    return response


def pair_etag(version: str, first: Country, second: Country, extension: str) -> str:
    """The strong ETag of a pair's map: its bytes follow from the data version and the pair."""
    return f"{version}-{first.alpha3}-{second.alpha3}-{extension}"


def _pair_file(first: Country, second: Country, extension: str) -> StoredMap:
    """A pair's map, from memory or disk, or drawn (kept on disk for pairs with a page)."""
    state = maps()
    stored = state.store.find_pair(first, second, extension)
    if stored is None:
        keep = bool(catalog.titles_for_pair(first, second))
        if not keep:
            state.allow_drawing()
        stored = state.store.draw_pair(first, second, extension, keep_on_disk=keep)
    return stored


@bp.get("/<pair>.<extension>")
def pair_map(pair: str, extension: str) -> Response:
    """The locator map of two countries by ISO alpha-3 codes, first green, second orange."""
    if extension not in {"svg", "png"}:
        raise UnknownMap("Maps are served as .svg or .png.")
    first_code, dash, second_code = pair.partition("-")
    if not dash or len(pair) > 7:
        raise UnknownMap("A map URL names two country codes: /map/AZE-XKX.svg.")
    first, second = country_by_code(first_code), country_by_code(second_code)
    if first is None or second is None:
        unknown = first_code if first is None else second_code
        raise UnknownMap(f'"{unknown[:10]}" is not the code of a country on this wiki.')
    if first == second:
        raise BadParameter("A locator map needs two different countries.")
    version = mapstore.data_version()
    cache_control = IMMUTABLE if request.args.get("v") == version else REVALIDATE
    return _serve(pair_etag(version, first, second, extension), cache_control,
                  lambda: _pair_file(first, second, extension),
                  modified=mapstore.data_modified())


@bp.get("/world/<code>.svg")
def world_map(code: str) -> Response:
    """A world map with the country and the partners it has relations pages with."""
    country = country_by_code(code)
    if country is None:
        raise UnknownMap(f'"{code[:10]}" is not the code of a country on this wiki.')
    hub = catalog.hub(country.name)
    stored = maps().store.world(country, hub.partners if hub else [])
    return _serve(stored.etag, REVALIDATE, lambda: stored)


def init_app(app: Flask) -> None:
    """Give the app its map store and drawing limit, and register the map routes."""
    config = app.config
    app.extensions["wiki_maps"] = Maps(
        store=MapStore(Path(config["WIKI_MAP_CACHE_DIR"]), config["WIKI_MAP_MEMORY_BYTES"]),
        limiter=MovingWindowRateLimiter(storage_from_string(config["WIKI_RATELIMIT_STORAGE"])),
        limits=parse_many(config["WIKI_MAP_RATE_LIMIT"]),
    )
    app.register_blueprint(bp)
