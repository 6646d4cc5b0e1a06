"""Locator maps over HTTP: /map/<A3>-<B3>.svg and .png, and /map/world/<A3>.svg for hubs.

Maps are drawn once and served with a strong ETag; pair maps never change for a given data
version, so they may be cached for a year. The map of a pair that has a relations page (under
any title naming the pair) is kept on disk; any other pair's map is drawn on request, kept only
in the process's byte-bounded memory, and drawing those is rate-limited per address (or per
account: WIKI_MAP_RATE_LIMIT), so that nobody can fill the disk or the CPU with all 39,000
pairs. Reading a map already drawn is never limited.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, g, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from wiki.errors import BadParameter, TooManyRequests, WikiError
from wiki.relations import catalog
from wiki.relations.live import MAP_PREFIX
from wiki.relations.mapstore import MapStore, StoredMap
from wiki.relations.names import country_by_code

bp = Blueprint("maps", __name__, url_prefix=MAP_PREFIX)


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


def _serve(stored: StoredMap, max_age: int) -> Response:
    etag = stored.etag
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(stored.content, mimetype=stored.mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={max_age}" + (
        ", immutable" if max_age > 86400 else "")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
    return response


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
    state = maps()
    stored = state.store.find_pair(first, second, extension)
    if stored is None:
        keep = bool(catalog.titles_for_pair(first, second))
        if not keep:
            state.allow_drawing()
        stored = state.store.draw_pair(first, second, extension, keep_on_disk=keep)
    return _serve(stored, max_age=365 * 86400)


@bp.get("/world/<code>.svg")
def world_map(code: str) -> Response:
    """A world map with the country and the partners it has relations pages with."""
    country = country_by_code(code)
    if country is None:
        raise UnknownMap(f'"{code[:10]}" is not the code of a country on this wiki.')
    hub = catalog.hub(country.name)
    partners = hub.partners if hub else []
    return _serve(maps().store.world(country, partners), max_age=300)


def init_app(app: Flask) -> None:
    """Give the app its map store and drawing limit, and register the map routes."""
    config = app.config
    app.extensions["wiki_maps"] = Maps(
        store=MapStore(Path(config["WIKI_MAP_CACHE_DIR"]), config["WIKI_MAP_MEMORY_BYTES"]),
        limiter=MovingWindowRateLimiter(storage_from_string(config["WIKI_RATELIMIT_STORAGE"])),
        limits=parse_many(config["WIKI_MAP_RATE_LIMIT"]),
    )
    app.register_blueprint(bp)
