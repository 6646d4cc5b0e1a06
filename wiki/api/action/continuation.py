"""Continuation values of list and prop modules: "|"-joined parts that each module reads back
with these checks, so a value the API never issued is refused (badcontinue) instead of being
read as something else. Values are opaque to clients; each module makes its own strictly
advance (the next value sorts after every item already returned)."""

from __future__ import annotations

import re
from datetime import datetime

from wiki.api.action.errors import bad_continue
from wiki.titles import InvalidTitleError, Title, parse_title

_INTEGER = re.compile(r"(?:0|-?[1-9]\d{0,17})")
_STAMP = "%Y%m%d%H%M%S"


def join(*parts: object) -> str:
    """A continuation value from its parts."""
    return "|".join(str(part) for part in parts)


def split(raw: str, count: int) -> list[str]:
    """The parts of a value that must have exactly ``count`` of them."""
    parts = raw.split("|")
    if len(parts) != count:
        raise bad_continue()
    return parts


def integer(part: str) -> int:
    """A part that is a number."""
    if not _INTEGER.fullmatch(part):
        raise bad_continue()
    return int(part)


def stamp(value: datetime) -> str:
    """A timestamp as a part: MediaWiki's 14 digits."""
    return value.strftime(_STAMP)


def timestamp(part: str) -> datetime:
    """A part written by stamp()."""
    if len(part) != 14 or not part.isdigit():
        raise bad_continue()
    try:
        return datetime.strptime(part, _STAMP)
    except ValueError:
        raise bad_continue() from None


def title_key(title: Title) -> str:
    """A title's text as a part: underscores for spaces, as MediaWiki's database keys."""
    return title.text.replace(" ", "_")


def title_text(part: str, namespace: int) -> str:
    """A part written by title_key(): the text of a valid title of that namespace, already
    normalized (a value in any other form was not issued by the API)."""
    text = part.replace("_", " ")
    try:
        title = parse_title(text, namespace)
    except InvalidTitleError:
        raise bad_continue() from None
    if title.namespace != namespace or title.text != text:
        raise bad_continue()
    return text
