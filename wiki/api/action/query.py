"""action=query: build the page set (titles, page ids, revision ids or a generator), run the
prop, list and meta submodules, and write MediaWiki's continuation.

Continuation: every submodule that has more to give adds ``<prefix>continue``; the top-level
``continue`` value says which generator is being held ("gapcontinue||") or that it may advance
("-||"), followed by the submodules already complete for this batch, which the next request skips.
Prop modules finish a batch of generated pages before the generator advances.
"""

from __future__ import annotations

from typing import Any

from wiki.api.action import pageset
from wiki.api.action.context import Context
from wiki.api.action.errors import ApiError, bad_continue
from wiki.api.action.modules import ListResult, Module, ModuleRegistry, PropResult, api_modules
from wiki.api.action.params import Param, Parsed
from wiki.api.action.result import KeyedList

_CONTINUE_SEPARATOR = "||"


def _query_params(registry: ModuleRegistry) -> tuple[Param, ...]:
    generators = tuple(module.name for module in registry if module.generator)
    return (
        Param("prop", values=tuple(registry.names("prop")), multi=True,
              submodules={name: f"query+{name}" for name in registry.names("prop")},
              help="Which properties to get for the queried pages."),
        Param("list", values=tuple(registry.names("list")), multi=True,
              submodules={name: f"query+{name}" for name in registry.names("list")},
              help="Which lists to get."),
        Param("meta", values=tuple(registry.names("meta")), multi=True,
              submodules={name: f"query+{name}" for name in registry.names("meta")},
              help="Which metadata to get."),
        Param("indexpageids", "boolean", help="Include an additional pageids section listing "
                                              "all returned page IDs."),
        Param("export", "boolean", help="Not offered: use Special:Export."),
        Param("exportnowrap", "boolean"),
        Param("exportschema", values=("0.10", "0.11"), default="0.11"),
        Param("iwurl", "boolean"),
        Param("continue", help="When more results are available, use this to continue."),
        Param("rawcontinue", "boolean", help="Not offered: use continue."),
        Param("titles", multi=True, help="A list of titles to work on."),
        Param("pageids", "integer", multi=True, help="A list of page IDs to work on."),
        Param("revids", "integer", multi=True, help="A list of revision IDs to work on."),
        Param("generator", values=generators,
              submodules={name: f"query+{name}" for name in generators},
              help="Get the list of pages to work on by executing the specified query module."),
        Param("redirects", "boolean", help="Automatically resolve redirects."),
        Param("converttitles", "boolean", help="This wiki has no language variants."),
    )


def _parse_continue(raw: str | None) -> tuple[str | None, set[str]]:
    if raw is None or raw == "":
        return None, set()
    if _CONTINUE_SEPARATOR not in raw:
        raise bad_continue()
    held, _, done = raw.partition(_CONTINUE_SEPARATOR)
    return held, {name for name in done.split("|") if name}


def _sources_given(parsed: Parsed) -> list[str]:
    return [name for name in ("titles", "pageids", "revids", "generator") if parsed.present(name)]


def _generator_set(context: Context, module: Module, redirects: bool
                   ) -> tuple[pageset.PageSet, ListResult]:
    prefix = "g" + module.prefix
    params = context.parse(module.name, module.params, prefix)
    cont = context.values.get(prefix + "continue")
    batch: ListResult = module.handler(context, params, cont, True)
    titles = []
    for item in batch.items:
        title = item.get("_title")
        if title is not None and title not in titles:
            titles.append(title)
    rows = pageset.readable_pages(titles)
    ordered = [rows[(title.namespace, title.text)] for title in titles
               if (title.namespace, title.text) in rows]
    return pageset.from_page_rows(ordered, redirects=redirects), batch


def _page_set(context: Context, parsed: Parsed) -> tuple[pageset.PageSet | None,
                                                          Module | None, ListResult | None]:
    given = _sources_given(parsed)
    if len(given) > 1:
        names = ", ".join(f'"{name}"' for name in given)
        raise ApiError("invalidparammix", f"The parameters {names} can not be used together.")
    redirects = bool(parsed.get("redirects"))
    if parsed.present("generator"):
        module = api_modules().get("list", parsed["generator"])
        assert module is not None  # the enumeration only offers generators
        found, batch = _generator_set(context, module, redirects)
        return found, module, batch
    if parsed.present("titles"):
        return pageset.from_titles(parsed["titles"], redirects=redirects), None, None
    if parsed.present("pageids"):
        return pageset.from_page_ids(parsed["pageids"], redirects=redirects), None, None
    if parsed.present("revids"):
        return pageset.from_revision_ids(parsed["revids"]), None, None
    return None, None, None


def _run_props(context: Context, parsed: Parsed, found: pageset.PageSet, done: set[str],
               continues: dict[str, str]) -> list[str]:
    finished: list[str] = []
    for name in parsed["prop"]:
        module = api_modules().get("prop", name)
        assert module is not None
        params = context.parse(name, module.params, module.prefix)
        if name in done:
            finished.append(name)
            continue
        cont = context.values.get(module.prefix + "continue")
        result: PropResult = module.handler(context, params, found, cont)
        for ref in found.pages:
            ref.entry.update(result.per_page.get(ref.key, {}))
        if result.next_continue is not None:
            continues[module.prefix + "continue"] = result.next_continue
        else:
            finished.append(name)
    return finished


def _run_lists(context: Context, parsed: Parsed, query: dict[str, Any], done: set[str],
               continues: dict[str, str]) -> list[str]:
    finished: list[str] = []
    for name in parsed["list"]:
        module = api_modules().get("list", name)
        assert module is not None
        params = context.parse(name, module.params, module.prefix)
        if name in done:
            finished.append(name)
            continue
        cont = context.values.get(module.prefix + "continue")
        batch: ListResult = module.handler(context, params, cont, False)
        query[name] = [{key: value for key, value in item.items() if not key.startswith("_")}
                       for item in batch.items]
        query.update(batch.extra)
        if batch.next_continue is not None:
            continues[module.prefix + "continue"] = batch.next_continue
        else:
            finished.append(name)
    return finished


def _continue_marker(context: Context, generator: Module | None, batch: ListResult | None,
                     props_continue: bool, continues: dict[str, str]) -> str:
    """Hold the generator on its batch while props continue; else let it advance."""
    if generator is None or batch is None:
        return "-"
    key = "g" + generator.prefix + "continue"
    if props_continue:
        given = context.values.get(key)
        if given is not None:
            continues[key] = given
        return key
    if batch.next_continue is not None:
        continues[key] = batch.next_continue
    return "-"


def run_query(context: Context, parsed: Parsed) -> dict[str, Any]:
    """action=query."""
    _held, done = _parse_continue(parsed.get("continue"))
    query: dict[str, Any] = {}
    continues: dict[str, str] = {}
    found, generator, batch = _page_set(context, parsed)
    finished: list[str] = []
    if found is not None:
        finished += _run_props(context, parsed, found, done, continues)
        query.update(found.result())
        if found.pages:
            query["pages"] = KeyedList([ref.entry for ref in found.pages],
                                       [ref.key for ref in found.pages])
            if parsed.get("indexpageids"):
                query["pageids"] = [str(ref.key) for ref in found.pages]
    elif parsed["prop"]:
        context.warn("query", "No titles, page IDs, revision IDs or generator were given.")
    finished += _run_lists(context, parsed, query, done, continues)
    for name in parsed["meta"]:
        module = api_modules().get("meta", name)
        assert module is not None
        query.update(module.handler(context, context.parse(name, module.params, module.prefix)))
    props_continue = any(_is_prop_continue(parsed, key) for key in continues)
    marker = _continue_marker(context, generator, batch, props_continue, continues)
    result: dict[str, Any] = {}
    if continues:
        continues["continue"] = marker + _CONTINUE_SEPARATOR + "|".join(finished)
        result["continue"] = continues
    if not props_continue:
        result["batchcomplete"] = True
    if query:
        result["query"] = query
    return result


def _is_prop_continue(parsed: Parsed, key: str) -> bool:
    for name in parsed["prop"]:
        module = api_modules().get("prop", name)
        if module is not None and key == module.prefix + "continue":
            return True
    return False


def register(registry: ModuleRegistry) -> None:
    """Offer action=query; register it after its submodules, whose names its parameters list."""
    registry.add(Module("query", "action", run_query, "Fetch data from and about this wiki.",
                        params=_query_params(registry)))
