"""Small things views and templates share: the one parser of integer parameters, URLs of pages,
how timestamps and size changes are shown, and who the current editor is."""

from __future__ import annotations

import re
from datetime import datetime
from typing import overload

from flask import Flask, current_app, g, request
from werkzeug.routing import PathConverter

from wiki.errors import BadParameter
from wiki.extensions import registry
from wiki.pages import Author
from wiki.summaries import format_summary
from wiki.titles import page_url

MAX_ID = 2**31 - 1
# A whole number as a person types it: ASCII digits only (no "+", spaces, "1e3", "0x10", "1.5"
# or other scripts' digits), a minus sign at most once, and short enough for any 64-bit value.
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,20}")


class TitleConverter(PathConverter):
    """The rest of the path, newlines included, so a title with control characters reaches the
    title rules (and a 400 that says why) instead of failing to route (404)."""

    regex = r"(?s:.+)"
    part_isolating = False  # titles may contain "/"


def parse_int(name: str, raw: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """The one integer parser of the wiki's parameters: ASCII digits with an optional leading
    minus, within [minimum, maximum] (maximum defaults to the largest id). It raises nothing but
    BadParameter, whatever `raw` holds."""
    upper = MAX_ID if maximum is None else maximum  # ids are 32-bit in every database we use
    if not _WHOLE_NUMBER.fullmatch(raw):
        raise BadParameter(f'The parameter "{name}" must be a whole number written with the '
                           f'digits 0-9, not "{raw[:50]}".')
    value = int(raw)  # at most 20 ASCII digits: int() cannot fail or take long
    if not minimum <= value <= upper:
        raise BadParameter(f'The parameter "{name}" must be between {minimum} and {upper}.')
    return value


def _raw_int(name: str, in_form: bool) -> str | None:
    """The parameter as sent (None when absent or empty: an empty field means "not given")."""
    raw = (request.form if in_form else request.args).get(name)
    return raw if raw else None


@overload
def int_arg(name: str, default: int, *, minimum: int = 0, maximum: int | None = None,
            in_form: bool = False) -> int: ...


@overload
def int_arg(name: str, default: None = None, *, minimum: int = 0, maximum: int | None = None,
            in_form: bool = False) -> int | None: ...


def int_arg(name: str, default: int | None = None, *, minimum: int = 0,
            maximum: int | None = None, in_form: bool = False) -> int | None:
    """An integer query parameter (or form field, with in_form), `default` when it is absent or
    empty; BadParameter when it is anything but a whole number in range."""
    raw = _raw_int(name, in_form)
    if raw is None:
        return default
    return parse_int(name, raw, minimum=minimum, maximum=maximum)


def required_int_arg(name: str, *, minimum: int = 0, maximum: int | None = None,
                     in_form: bool = False) -> int:
    """An integer query parameter (or form field) that must be given: BadParameter when it is
    absent, empty or not a whole number in range."""
    raw = _raw_int(name, in_form)
    if raw is None:
        where = "form field" if in_form else "parameter"
        raise BadParameter(f'The {where} "{name}" is missing; it must be a whole number.')
    return parse_int(name, raw, minimum=minimum, maximum=maximum)


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
        format_summary=format_summary,
    )
    app.jinja_env.filters.update(timestamp=format_timestamp, delta=format_delta,
                                 shown=lambda html: registry().shown(html))
