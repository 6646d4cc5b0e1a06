"""One internal result, written out as MediaWiki's formatversion 1 or 2.

Modules build plain dicts and lists with three helpers where the versions differ:
- ``True`` is a flag: ``""`` in version 1, ``true`` in 2; ``False`` leaves the key out in 1.
  ``JsonBool`` is a real boolean in both (siteinfo's magiclinks).
- ``content("content")`` as a key is ``"*"`` in version 1 and the given name in 2 (revision
  text, namespace names, warnings).
- ``KeyedList`` is an object keyed by one field in version 1 (``query.pages`` by page id) and a
  list in 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_CONTENT_MARK = "\x00"


@dataclass(frozen=True, slots=True)
class JsonBool:
    """A boolean written as JSON true/false in both versions."""

    value: bool


@dataclass(slots=True)
class KeyedList:
    """Items that are an object keyed by ``keys`` in version 1 and a plain list in version 2."""

    items: list[dict[str, Any]]
    keys: list[int | str]


def content(name: str) -> str:
    """The key that is "*" in version 1 and ``name`` in version 2."""
    return _CONTENT_MARK + name


def formatted(value: Any, version: int) -> Any:
    """The JSON-ready form of an internal result in the given format version."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if item is False and version == 1:
                continue
            if item is None:
                continue
            name = key
            if key.startswith(_CONTENT_MARK):
                name = "*" if version == 1 else key[1:]
            out[name] = formatted(item, version)
        return out
    if isinstance(value, list | tuple):
        return [formatted(item, version) for item in value]
    if isinstance(value, KeyedList):
        if version == 1:
            return {str(key): formatted(item, version)
                    for key, item in zip(value.keys, value.items, strict=True)}
        return [formatted(item, version) for item in value.items]
    if isinstance(value, JsonBool):
        return value.value
    if value is True:
        return "" if version == 1 else True
    return value
