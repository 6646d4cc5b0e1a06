"""Parameter declarations and their parsing, shared by every module and by action=paraminfo (one
source, so what paraminfo advertises is what the modules accept).

MediaWiki's rules: a boolean is true whenever it is present, whatever its value; multi-values are
separated by "|" (or by U+001F when the value starts with it) and deduplicated; limits take "max"
and are clamped to the module's maximum with a warning; integers and timestamps that do not parse
are errors (badinteger, badtimestamp), and so is a value outside an enumeration (badvalue).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wiki.api.action.errors import ApiError, missing_param

MULTI_LIMIT = 50
MULTI_SEPARATOR = "|"
ALTERNATE_SEPARATOR = "\x1f"
_INTEGER = re.compile(r"[+-]?\d{1,15}")
_TIMESTAMP_FORMATS = ("%Y%m%d%H%M%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ",
                      "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%z",
                      "%Y-%m-%d")

Kind = str  # "string", "text", "integer", "limit", "boolean", "timestamp", "namespace", ...


@dataclass(frozen=True)
class Param:
    """One parameter of a module, as its handler reads it and as paraminfo describes it.

    ``kind`` is MediaWiki's type name; ``values`` makes it an enumeration. ``limit``/``max_value``
    bound a limit, ``minimum``/``maximum`` an integer. ``token`` names the token type a "token"
    parameter takes.
    """

    name: str
    kind: Kind = "string"
    help: str = ""
    default: Any = None
    required: bool = False
    multi: bool = False
    values: tuple[str, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None
    token: str | None = None
    sensitive: bool = False
    all_value: str | None = None  # a multi enumeration's value meaning "every value"
    submodules: Mapping[str, str] | None = None  # enumerations of submodules: value -> path


@dataclass
class Parsed:
    """Parameter values of one module run, plus the warnings parsing produced."""

    values: dict[str, Any]
    given: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None else value

    def present(self, name: str) -> bool:
        """Whether the caller sent this parameter at all."""
        return name in self.given


def split_multi(raw: str) -> list[str]:
    """The values of a multi-value parameter, deduplicated, in the order given."""
    if raw.startswith(ALTERNATE_SEPARATOR):
        parts = raw[1:].split(ALTERNATE_SEPARATOR)
    else:
        parts = raw.split(MULTI_SEPARATOR)
    seen: dict[str, None] = {}
    for part in parts:
        seen.setdefault(part, None)
    return list(seen)


def parse_timestamp(raw: str, name: str) -> datetime:
    """A timestamp in any of the forms clients send (MediaWiki's 14 digits or ISO 8601)."""
    text = raw.strip()
    if text == "now":
        return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    for pattern in _TIMESTAMP_FORMATS:
        try:
            value = datetime.strptime(text, pattern)
        except ValueError:
            continue
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value
    raise ApiError("badtimestamp", f'Invalid value "{raw[:100]}" for timestamp parameter "{name}".')


def format_timestamp(value: datetime) -> str:
    """MediaWiki's output form, to the second: 2026-11-28T00:11:54Z."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _integer(raw: str, name: str) -> int:
    if not _INTEGER.fullmatch(raw.strip()):
        raise ApiError("badinteger", f'Invalid value "{raw[:100]}" for integer parameter "{name}".')
    return int(raw.strip())


def _bounded(value: int, param: Param, name: str, warnings: list[str]) -> int:
    if param.minimum is not None and value < param.minimum:
        warnings.append(f'Invalid value "{value}" for integer parameter "{name}": '
                        f"must be no less than {param.minimum}.")
        return param.minimum
    if param.maximum is not None and value > param.maximum:
        warnings.append(f'Invalid value "{value}" for integer parameter "{name}": '
                        f"must be no greater than {param.maximum}.")
        return param.maximum
    return value


def _enum(raw: str, param: Param, name: str, warnings: list[str]) -> Any:
    assert param.values is not None
    if not param.multi:
        if raw not in param.values:
            raise ApiError("badvalue", f'Unrecognized value for parameter "{name}": {raw[:100]}.')
        return raw
    chosen = split_multi(raw)
    if param.all_value is not None and param.all_value in chosen:
        return list(param.values)
    known = [value for value in chosen if value in param.values]
    unknown = [value for value in chosen if value not in param.values and value != ""]
    if unknown:
        listed = ", ".join(value[:100] for value in unknown[:10])
        warnings.append(f'Unrecognized value{"s" if len(unknown) > 1 else ""} for parameter '
                        f'"{name}": {listed}.')
    return known


def _one(raw: str, param: Param, name: str, warnings: list[str]) -> Any:
    if param.values is not None:
        return _enum(raw, param, name, warnings)
    kind = param.kind
    if kind == "boolean":
        return True
    if kind == "integer" or kind == "namespace":
        if param.multi:
            values = [_integer(part, name) for part in split_multi(raw) if part != ""]
            return [_bounded(value, param, name, warnings) for value in values]
        return _bounded(_integer(raw, name), param, name, warnings)
    if kind == "limit":
        if raw == "max":
            return param.maximum
        return _bounded(_integer(raw, name), param, name, warnings)
    if kind == "timestamp":
        return parse_timestamp(raw, name)
    if param.multi:
        parts = [part for part in split_multi(raw) if part != ""]
        if len(parts) > MULTI_LIMIT:
            raise ApiError("toomanyvalues", f'Too many values supplied for parameter "{name}". '
                                            f"The limit is {MULTI_LIMIT}.")
        return parts
    return raw


def parse(params: Sequence[Param], source: Mapping[str, str], prefix: str = "") -> Parsed:
    """Read one module's parameters (with its prefix) from the request values."""
    values: dict[str, Any] = {}
    given: set[str] = set()
    warnings: list[str] = []
    for param in params:
        name = prefix + param.name
        raw = source.get(name)
        if raw is None:
            if param.required:
                raise missing_param(name)
            values[param.name] = [] if param.multi and param.default is None else param.default
            continue
        given.add(param.name)
        values[param.name] = _one(raw, param, name, warnings)
        if param.required and values[param.name] in ("", []):
            raise missing_param(name)
    return Parsed(values, given, warnings)


Handler = Callable[..., Any]
