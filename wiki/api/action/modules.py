"""Declared API modules and the per-app registry that holds them (filled in create_app).

A module is either an action (``action=edit``) or a query submodule (``prop=``, ``list=``,
``meta=``) with a parameter prefix. Its parameters are declared once (``wiki.api.action.params``)
and serve both parsing and action=paraminfo.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

from wiki.api.action.params import Param

if TYPE_CHECKING:
    from wiki.api.action.context import Context
    from wiki.api.action.params import Parsed

EXTENSION_KEY = "wiki.api.modules"
GROUPS = ("action", "prop", "list", "meta")


@dataclass(frozen=True)
class ListResult:
    """One batch of a list module: its items, the value that continues it (None at the end),
    other keys it adds to ``query`` (e.g. searchinfo), and the parameter that takes the value
    back (without the module's prefix: "continue", or "offset" for search)."""

    items: list[dict[str, Any]]
    next_continue: str | int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    continue_name: str = "continue"


@dataclass(frozen=True)
class PropResult:
    """One batch of a prop module: what it adds to each page (by page id), and the value that
    continues it (None when every page is complete)."""

    per_page: dict[int, dict[str, Any]]
    next_continue: str | None = None


ActionHandler = Callable[["Context", "Parsed"], dict[str, Any]]
MetaHandler = Callable[["Context", "Parsed"], dict[str, Any]]
# A list handler gets (context, params, continue value or None, whether it runs as a generator);
# its items carry "_title" (a Title) so a generator can turn them into pages. Keys starting with
# "_" are not written out.
ListHandler = Callable[["Context", "Parsed", "str | None", bool], ListResult]
PropHandler = Callable[["Context", "Parsed", Any, "str | None"], PropResult]


@dataclass(frozen=True)
class Module:
    """One module: name, group, parameter prefix and declarations, handler, and its rules.

    ``token`` names the token a write needs ("csrf", "login", ...); ``must_post`` refuses GET;
    ``generator`` marks a list module usable as ``generator=``; a prop module is one when it
    has a ``page_generator`` (context, params, source page set, continue value) giving the
    pages its property names (generator=categories: the categories of the given pages).
    """

    name: str
    group: str
    handler: Callable[..., Any]
    description: str
    params: tuple[Param, ...] = ()
    prefix: str = ""
    must_post: bool = False
    token: str | None = None
    write: bool = False
    generator: bool = False
    internal: bool = False
    read_rights: bool = True  # paraminfo's "readrights": the module reads the wiki
    page_generator: Callable[..., ListResult] | None = None

    @property
    def is_generator(self) -> bool:
        """Whether ``generator=`` may name this module."""
        return self.generator or self.page_generator is not None

    @property
    def path(self) -> str:
        """MediaWiki's module path: "edit", "query+revisions"."""
        return self.name if self.group == "action" else f"query+{self.name}"

    @property
    def all_params(self) -> tuple[Param, ...]:
        """The declared parameters, with the token parameter of a module that needs one."""
        if self.token is None:
            return self.params
        return (*self.params, Param("token", "string", required=True, token=self.token,
                                    help=f'A "{self.token}" token retrieved from '
                                         "action=query&meta=tokens"))


@dataclass
class ModuleRegistry:
    """The modules of one app, by group and name."""

    modules: dict[str, dict[str, Module]] = field(
        default_factory=lambda: {group: {} for group in GROUPS})

    def add(self, module: Module) -> None:
        """Offer a module (a later one of the same name replaces it)."""
        self.modules[module.group][module.name] = module

    def get(self, group: str, name: str) -> Module | None:
        """The module of that group and name, if any."""
        return self.modules[group].get(name)

    def names(self, group: str) -> list[str]:
        """Names in a group, sorted as MediaWiki lists them."""
        return sorted(self.modules[group])

    def by_path(self, path: str) -> Module | None:
        """The module at "edit" or "query+revisions"."""
        if path.startswith("query+"):
            name = path.removeprefix("query+")
            for group in ("prop", "list", "meta"):
                if name in self.modules[group]:
                    return self.modules[group][name]
            return None
        return self.modules["action"].get(path)

    def __iter__(self) -> Iterator[Module]:
        for group in GROUPS:
            yield from self.modules[group].values()


def init_app(app: Flask) -> ModuleRegistry:
    """Give the app an empty module registry."""
    found = ModuleRegistry()
    app.extensions[EXTENSION_KEY] = found
    return found


def api_modules(app: Flask | None = None) -> ModuleRegistry:
    """The module registry of the given app, or of the current one."""
    found: ModuleRegistry = (app or current_app).extensions[EXTENSION_KEY]
    return found
