"""Fill an app's module registry: every module this wiki offers, query last (its parameters
list the submodules)."""

from __future__ import annotations

from wiki.api.action import compare, edit, info, login, meta, moderation, parse, query
from wiki.api.action.modules import ModuleRegistry


def register_all(registry: ModuleRegistry) -> None:
    """Register the modules."""
    meta.register(registry)
    info.register(registry)
    login.register(registry)
    edit.register(registry)
    parse.register(registry)
    compare.register(registry)
    moderation.register(registry)
    query.register(registry)
