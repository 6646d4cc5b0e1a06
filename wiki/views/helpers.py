"""Small things views and templates share: reading integer parameters strictly, URLs of pages,
how timestamps and size changes are shown, and who the current editor is."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, g, request
from werkzeug.routing import PathConverter

from wiki.errors import BadParameter
from wiki.pages import Author
from wiki.titles import page_url

MAX_ID = 2**31 - 1


class TitleConverter(PathConverter):
    """The rest of the path, newlines included, so a title with control characters reaches the
    title rules (and a 400 that says why) instead of failing to route (404)."""

    regex = r"(?s:.+)"
    part_isolating = False  # titles may contain "/"


def int_arg(name: str, default: int | None = None, *, minimum: int = 0,
            maximum: int | None = None) -> int | None:
    """An integer query parameter, or BadParameter when it is malformed or out of range."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if len(raw) > 20 or not raw.isascii() or not raw.strip().lstrip("-").isdigit():
        raise BadParameter(f'The parameter "{name}" must be a whole number, not "{raw[:50]}".')
    value = int(raw)
    maximum = MAX_ID if maximum is None else maximum  # ids are 32-bit in every database we use
    if value < minimum or value > maximum:
        upper = f" and {maximum}" if maximum is not None else " or more"
        raise BadParameter(f'The parameter "{name}" must be between {minimum}{upper}.')
    return value


def format_timestamp(value: datetime) -> str:
    """UTC timestamps as history shows them: 2026-11-28 01:15:09."""
    return value.strftime("%Y-%m-%d %H:%M:%S")


def format_delta(delta: int) -> str:
    """A size change as Wikipedia shows it: +123, −45 (a real minus sign), 0."""
    if delta > 0:
        return f"+{delta:,}"
    if delta < 0:
        return f"\u2212{-delta:,}"
    return "0"


def current_author() -> Author:
    """The editor of this request: the logged-in account, or the IP address of a visitor."""
    user = g.get("user")
    if user is not None:
        return Author(user.name, role=user.role)
    return Author.anonymous(request.remote_addr or "0.0.0.0")


def init_app(app: Flask) -> None:
    """Offer the helpers to every template."""
    app.jinja_env.globals.update(
        page_url=page_url, site_name=lambda: current_app.config["WIKI_SITE_NAME"],
    )
    app.jinja_env.filters.update(timestamp=format_timestamp, delta=format_delta)
