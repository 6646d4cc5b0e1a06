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
from wiki.api.action.namespaces import API_NAMESPACES

MULTI_LIMIT = 50
MULTI_HIGH_LIMIT = 500  # for callers with apihighlimits
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

    ``kind`` is MediaWiki's type name; ``values`` makes it an enumeration. ``minimum`` and
    ``maximum`` bound an integer or a limit; ``high_maximum`` is a limit's bound for callers with
    apihighlimits (administrators). ``token`` names the token type a "token" parameter takes.
    A ``deprecated`` parameter still works, with a warning.
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
    high_maximum: int | None = None
    deprecated: bool = False
    submodule_prefix: str | None = None  # "g" for generator=: how submodule parameters start


def limit_param(default: int = 10, maximum: int = 500, high_maximum: int = 5000,
                help: str = "How many items to return.") -> Param:
    """A module's "limit": a number from 1 or "max", clamped to the maximum with a warning."""
    return Param("limit", "limit", help=help, default=default, minimum=1, maximum=maximum,
                 high_maximum=high_maximum)


@dataclass
class Parsed:
    """Parameter values of one module run, plus the warnings parsing produced."""

    values: dict[str, Any]
    given: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    limits: dict[str, int] = field(default_factory=dict)  # limits given as "max", and their value

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


def _bounded(value: int, param: Param, name: str, warnings: list[str],
             maximum: int | None = None) -> int:
    maximum = param.maximum if maximum is None else maximum
    if param.minimum is not None and value < param.minimum:
        warnings.append(f'The value "{value}" for parameter "{name}" must be no less than '
                        f"{param.minimum}.")
        return param.minimum
    if maximum is not None and value > maximum:
        warnings.append(f'The value "{value}" for parameter "{name}" must be no greater than '
                        f"{maximum}.")
        return maximum
    return value


def limit_maximum(param: Param, high_limits: bool) -> int | None:
    """The largest value a limit takes for this caller."""
    if high_limits and param.high_maximum is not None:
        return param.high_maximum
    return param.maximum


def _namespace(raw: str, name: str, multi: bool, warnings: list[str]) -> int | list[int]:
    known = [number for number in API_NAMESPACES if number >= 0]
    if not multi:
        text = raw.strip()
        if not _INTEGER.fullmatch(text) or int(text) not in known:
            raise ApiError("badvalue", f'Unrecognized value for parameter "{name}": '
                                       f"{raw[:100]}.")
        return int(text)
    parts = split_multi(raw)
    if "*" in parts:
        return known
    chosen = [int(part) for part in parts
              if _INTEGER.fullmatch(part.strip()) and int(part) in known]
    unknown = [part for part in parts if part != "" and not (
        _INTEGER.fullmatch(part.strip()) and int(part) in known)]
    if unknown:
        listed = ", ".join(value[:100] for value in unknown[:10])
        warnings.append(f'Unrecognized value{"s" if len(unknown) > 1 else ""} for parameter '
                        f'"{name}": {listed}.')
    return list(dict.fromkeys(chosen))


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


def _check_count(raw: str, param: Param, name: str, high_limits: bool) -> None:
    """Refuse more values than a multi-value parameter takes (toomanyvalues)."""
    if not param.multi or param.all_value is not None and param.all_value in split_multi(raw):
        return
    limit = MULTI_HIGH_LIMIT if high_limits else MULTI_LIMIT
    if len([part for part in split_multi(raw) if part != ""]) > limit:
        raise ApiError("toomanyvalues", f'Too many values supplied for parameter "{name}". '
                                        f"The limit is {limit}.")


def _one(raw: str, param: Param, name: str, warnings: list[str], high_limits: bool) -> Any:
    _check_count(raw, param, name, high_limits)
    if param.values is not None:
        return _enum(raw, param, name, warnings)
    kind = param.kind
    if kind == "boolean":
        return True
    if kind == "namespace":
        return _namespace(raw, name, param.multi, warnings)
    if kind == "integer":
        if param.multi:
            values = [_integer(part, name) for part in split_multi(raw) if part != ""]
            return [_bounded(value, param, name, warnings) for value in values]
        return _bounded(_integer(raw, name), param, name, warnings)
    if kind == "limit":
        maximum = limit_maximum(param, high_limits)
        if raw == "max":
            return maximum
        return _bounded(_integer(raw, name), param, name, warnings, maximum)
    if kind == "timestamp":
        return parse_timestamp(raw, name)
    if param.multi:
        return [part for part in split_multi(raw) if part != ""]
    return raw


def parse(params: Sequence[Param], source: Mapping[str, str], prefix: str = "",
          *, high_limits: bool = False) -> Parsed:
    """Read one module's parameters (with its prefix) from the request values; ``high_limits``
    for callers with apihighlimits."""
    values: dict[str, Any] = {}
    given: set[str] = set()
    warnings: list[str] = []
    limits: dict[str, int] = {}
    for param in params:
        name = prefix + param.name
        raw = source.get(name)
        if raw is None:
            if param.required:
                raise missing_param(name)
            values[param.name] = [] if param.multi and param.default is None else param.default
            continue
        given.add(param.name)
        if param.deprecated:
            warnings.append(f'The parameter "{name}" has been deprecated.')
        values[param.name] = _one(raw, param, name, warnings, high_limits)
        if param.kind == "limit" and raw == "max":
            limits[param.name] = values[param.name]
        if param.required and values[param.name] in ("", []):
            raise missing_param(name)
    return Parsed(values, given, warnings, limits)


Handler = Callable[..., Any]
