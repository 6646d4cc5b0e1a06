"""Locator maps over HTTP: /map/<A3>-<B3>.svg and .png, and /map/world/<A3>.svg for hubs.

Maps are generated once (see relations.mapstore) and served with a strong ETag; pair maps never
change for a given data version, so they may be cached for a year.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, request

from wiki.errors import BadParameter, WikiError
from wiki.relations import catalog
from wiki.relations.live import MAP_PREFIX
from wiki.relations.mapstore import MapStore, StoredMap
from wiki.relations.names import country_by_code

bp = Blueprint("maps", __name__, url_prefix=MAP_PREFIX)


class UnknownMap(WikiError):
    """No map for this code."""

    status = 404
    code = "nomap"


@cache
def _store(folder: str) -> MapStore:
    return MapStore(Path(folder))


def store() -> MapStore:
    """The app's map store."""
    return _store(current_app.config["WIKI_MAP_CACHE_DIR"])


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
    return _serve(store().pair(first, second, extension), max_age=365 * 86400)


@bp.get("/world/<code>.svg")
def world_map(code: str) -> Response:
    """A world map with the country and the partners it has relations pages with."""
    country = country_by_code(code)
    if country is None:
        raise UnknownMap(f'"{code[:10]}" is not the code of a country on this wiki.')
    hub = catalog.hub(country.name)
    partners = hub.partners if hub else []
    return _serve(store().world(country, partners), max_age=300)
