"""What one API request carries through its modules: the request values, the caller, the format
version, the parameter names consulted (the rest are warned about) and the warnings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g, request

from wiki.api.action.params import Param, Parsed, parse
from wiki.models import User
from wiki.pages import Author
from wiki.views.helpers import current_author


@dataclass
class Context:
    """One API request."""

    values: Mapping[str, str]
    format_version: int = 1
    used: set[str] = field(default_factory=set)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    limits: dict[str, int] = field(default_factory=dict)  # module -> a limit given as "max"

    @property
    def user(self) -> User | None:
        """The logged-in account, or None."""
        user: User | None = g.get("user")
        return user

    @property
    def author(self) -> Author:
        """The caller as an editor."""
        return current_author()

    @property
    def is_post(self) -> bool:
        """Whether the request was a POST."""
        return request.method == "POST"

    def warn(self, module: str, text: str) -> None:
        """Add a warning under the module's name."""
        self.warnings.setdefault(module, []).append(text)

    @property
    def high_limits(self) -> bool:
        """Whether the caller has apihighlimits (administrators do)."""
        user = self.user
        return user is not None and user.role == "admin"

    def parse(self, module: str, params: Sequence[Param], prefix: str = "") -> Parsed:
        """Parse a module's parameters, noting them as used and keeping its warnings (and the
        limits given as "max", which query reports)."""
        self.used.update(prefix + param.name for param in params)
        parsed = parse(params, self.values, prefix, high_limits=self.high_limits)
        for warning in parsed.warnings:
            if warning not in self.warnings.get(module, ()):
                self.warn(module, warning)
        for value in parsed.limits.values():
            self.limits[module] = value
        return parsed

    def config(self, name: str) -> Any:
        """A setting of the app."""
        return current_app.config[name]
