"""Fill an app's module registry: every module this wiki offers, query last (its parameters
list the submodules)."""

from __future__ import annotations

from wiki.api.action import (
    categories,
    catinfo,
    changes,
    compare,
    contribs,
    edit,
    fulltext,
    info,
    lists,
    logevents,
    login,
    meta,
    moderation,
    paraminfo,
    parse,
    purge,
    query,
    revisions,
    templates,
    upload,
)
from wiki.api.action.modules import ModuleRegistry


def register_all(registry: ModuleRegistry) -> None:
    """Register the modules."""
    meta.register(registry)
    info.register(registry)
    revisions.register(registry)
    catinfo.register(registry)
    upload.register(registry)
    categories.register(registry)
    templates.register(registry)
    lists.register(registry)
    changes.register(registry)
    contribs.register(registry)
    logevents.register(registry)
    fulltext.register(registry)
    paraminfo.register(registry)
    login.register(registry)
    edit.register(registry)
    parse.register(registry)
    compare.register(registry)
    moderation.register(registry)
    purge.register(registry)
    query.register(registry)
