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
from wiki.api.action.errors import bad_continue
from wiki.api.action.modules import ListResult, Module, ModuleRegistry, PropResult, api_modules
from wiki.api.action.params import Param, Parsed
from wiki.api.action.result import KeyedList

_CONTINUE_SEPARATOR = "||"


def _query_params(registry: ModuleRegistry) -> tuple[Param, ...]:
    generators = tuple(sorted(module.name for module in registry if module.is_generator))
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
        *pageset.SOURCE_PARAMS,
        Param("generator", values=generators, submodule_prefix="g",
              submodules={name: f"query+{name}" for name in generators},
              help="Get the list of pages to work on by executing the specified query module."),
        *pageset.REDIRECT_PARAMS,
    )


def _parse_continue(raw: str | None) -> tuple[bool, set[str], list[str]]:
    """(whether the generator is done, the modules already complete, the generator parameters
    held on their batch) from a ``continue`` value."""
    if raw is None or raw == "":
        return False, set(), []
    parts = raw.split(_CONTINUE_SEPARATOR)
    if len(parts) != 2:
        raise bad_continue()
    held, done = parts
    skip = {name for name in done.split("|") if name}
    if held == "-":
        return True, skip, []
    return False, skip, [name for name in held.split("|") if name]


def _generator_module(name: str) -> Module:
    module = api_modules().get("list", name) or api_modules().get("prop", name)
    assert module is not None  # the enumeration only offers generators
    return module


def _check_sources(parsed: Parsed) -> Module | None:
    """The generator, if any, after checking the page sources go together: one of titles,
    page ids, revision ids or a list generator; a prop generator (categories of the given
    pages) takes one of the first three."""
    module = _generator_module(parsed["generator"]) if parsed.present("generator") else None
    given = pageset.given_sources(parsed)
    if module is not None and module.page_generator is None:
        given.append("generator")
    pageset.require_one_source(given)
    return module


def _sources_checked(context: Context, parsed: Parsed) -> None:
    """With the generator done, check the page sources and read the generator's parameters
    (so none is reported as unrecognized) without running it."""
    module = _check_sources(parsed)
    if module is not None:
        context.parse(module.name, module.params, "g" + module.prefix)


def _generator_set(context: Context, parsed: Parsed, module: Module, redirects: bool
                   ) -> tuple[pageset.PageSet, ListResult]:
    prefix = "g" + module.prefix
    params = context.parse(module.name, module.params, prefix)
    cont = context.values.get(prefix + "continue")
    if module.page_generator is not None:
        source = pageset.from_sources(parsed, redirects=redirects) or pageset.PageSet()
        batch: ListResult = module.page_generator(context, params, source, cont)
    else:
        batch = module.handler(context, params, cont, True)
    titles = list(dict.fromkeys(item["_title"] for item in batch.items
                                if item.get("_title") is not None))
    if module.page_generator is not None:  # named pages may be missing (a category page)
        found = pageset.from_title_objects(titles, redirects=redirects)
        for item in batch.items:  # titles in a namespace without pages (a template)
            if item.get("_outside") is not None:
                found.add_outside(*item["_outside"])
        return found, batch
    rows = pageset.readable_pages(titles)
    ordered = [rows[(title.namespace, title.text)] for title in titles
               if (title.namespace, title.text) in rows]
    return pageset.from_page_rows(ordered, redirects=redirects), batch


def _page_set(context: Context, parsed: Parsed) -> tuple[pageset.PageSet | None,
                                                          Module | None, ListResult | None]:
    module = _check_sources(parsed)
    redirects = bool(parsed.get("redirects"))
    if module is not None:
        found, batch = _generator_set(context, parsed, module, redirects)
        return found, module, batch
    return pageset.from_sources(parsed, redirects=redirects), None, None


def _run_props(context: Context, parsed: Parsed, found: pageset.PageSet | None,
               skip: set[str], continues: dict[str, dict[str, Any]]) -> None:
    for name in parsed["prop"]:
        module = api_modules().get("prop", name)
        assert module is not None
        params = context.parse(name, module.params, module.prefix)
        if name in skip or found is None:
            continue
        cont = context.values.get(module.prefix + "continue")
        result: PropResult = module.handler(context, params, found, cont)
        for ref in found.pages:
            ref.entry.update(result.per_page.get(ref.key, {}))
        if result.next_continue is not None:
            continues[name] = {module.prefix + "continue": result.next_continue}


def _run_lists(context: Context, parsed: Parsed, query: dict[str, Any], skip: set[str],
               continues: dict[str, dict[str, Any]]) -> None:
    for name in parsed["list"]:
        module = api_modules().get("list", name)
        assert module is not None
        params = context.parse(name, module.params, module.prefix)
        if name in skip:
            continue
        cont = context.values.get(module.prefix + "continue")
        batch: ListResult = module.handler(context, params, cont, False)
        query[name] = [{key: value for key, value in item.items() if not key.startswith("_")}
                       for item in batch.items]
        query.update(batch.extra)
        if batch.next_continue is not None:
            continues[name] = {module.prefix + batch.continue_name: batch.next_continue}


def _run_metas(context: Context, parsed: Parsed, query: dict[str, Any], skip: set[str]) -> None:
    for name in parsed["meta"]:
        module = api_modules().get("meta", name)
        assert module is not None
        params = context.parse(name, module.params, module.prefix)
        if name not in skip:
            query.update(module.handler(context, params))


def _continuation(context: Context, parsed: Parsed, generator: Module | None,
                  batch: ListResult | None, held: list[str],
                  prop_continues: dict[str, dict[str, Any]],
                  list_continues: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], bool]:
    """MediaWiki's continuation: unfinished prop modules hold the generator on its batch; else
    the generator advances and the prop modules start again on its next batch. The value of
    "continue" names the generator parameters to send back ("-" when the generator is done)
    and, after "||", the modules already complete."""
    props = list(parsed["prop"])
    every = props + list(parsed["list"]) + list(parsed["meta"])
    unfinished = set(prop_continues) | set(list_continues)
    finished = [name for name in every if name not in unfinished]
    data: dict[str, Any] = {}
    for values in list_continues.values():
        data.update(values)
    if prop_continues:
        for values in prop_continues.values():
            data.update(values)
        kept = {name: context.values[name] for name in held if name in context.values}
        data.update(kept)
        keys, complete = "|".join(kept), False
    elif generator is not None and batch is not None and batch.next_continue is not None:
        key = "g" + generator.prefix + batch.continue_name
        data[key] = batch.next_continue
        finished = [name for name in finished if name not in props]
        keys, complete = key, True
    else:
        keys, complete = "-", True
    if data or keys != "-":
        data["continue"] = keys + _CONTINUE_SEPARATOR + "|".join(finished)
    return data, complete


def run_query(context: Context, parsed: Parsed) -> dict[str, Any]:
    """action=query."""
    generator_done, skip, held = _parse_continue(parsed.get("continue"))
    query: dict[str, Any] = {}
    found: pageset.PageSet | None = None
    generator: Module | None = None
    batch: ListResult | None = None
    if generator_done:
        _sources_checked(context, parsed)
    else:
        found, generator, batch = _page_set(context, parsed)
    prop_continues: dict[str, dict[str, Any]] = {}
    list_continues: dict[str, dict[str, Any]] = {}
    _run_props(context, parsed, found, skip, prop_continues)
    if found is not None:
        query.update(found.result())
        if found.pages:
            query["pages"] = KeyedList([ref.entry for ref in found.pages],
                                       [ref.key for ref in found.pages])
            if parsed.get("indexpageids"):
                query["pageids"] = [str(ref.key) for ref in found.pages]
    elif parsed["prop"] and not generator_done:
        context.warn("query", "No titles, page IDs, revision IDs or generator were given.")
    _run_lists(context, parsed, query, skip, list_continues)
    _run_metas(context, parsed, query, skip)
    data, complete = _continuation(context, parsed, generator, batch, held, prop_continues,
                                   list_continues)
    result: dict[str, Any] = {}
    if data:
        result["continue"] = data
    if complete:
        result["batchcomplete"] = True
    if context.limits:
        result["limits"] = dict(context.limits)
    if query:
        result["query"] = query
    return result


def register(registry: ModuleRegistry) -> None:
    """Offer action=query; register it after its submodules, whose names its parameters list."""
    registry.add(Module("query", "action", run_query, "Fetch data from and about this wiki.",
                        params=_query_params(registry)))
