"""action=paraminfo (what each module takes, from the same declarations the modules parse
their parameters with, shaped as MediaWiki 1.39 answers it), action=help and action=rsd (the
Really Simple Discovery document every page's EditURI link points to)."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template
from markupsafe import escape

from wiki.api.action.context import Context
from wiki.api.action.endpoint import FORMATS, MAIN_PARAMS
from wiki.api.action.modules import Module, ModuleRegistry, api_modules
from wiki.api.action.params import MULTI_HIGH_LIMIT, MULTI_LIMIT, Param, Parsed
from wiki.urls import absolute_url

HELP_FORMATS = ("html", "wikitext", "raw", "none")
LICENSE_TAG = "MIT"
LICENSE_LINK = "https://spdx.org/licenses/MIT.html"
HELP_PAGE = "https://www.mediawiki.org/wiki/Special:MyLanguage/API:"
# MediaWiki's class and manual page of each module this wiki offers.
CLASSES = {
    "main": ("ApiMain", "Main_page"), "query": ("ApiQuery", "Query"),
    "paraminfo": ("ApiParamInfo", "Parameter_information"), "help": ("ApiHelp", ""),
    "rsd": ("ApiRsd", ""), "login": ("ApiLogin", "Login"),
    "clientlogin": ("ApiClientLogin", "Login"), "logout": ("ApiLogout", "Logout"),
    "edit": ("ApiEditPage", "Edit"), "parse": ("ApiParse", "Parsing_wikitext"),
    "compare": ("ApiComparePages", "Compare"), "delete": ("ApiDelete", "Delete"),
    "protect": ("ApiProtect", "Protect"), "rollback": ("ApiRollback", "Rollback"),
    "query+info": ("ApiQueryInfo", "Info"), "query+revisions": ("ApiQueryRevisions",
                                                                 "Revisions"),
    "query+allpages": ("ApiQueryAllPages", "Allpages"),
    "query+backlinks": ("ApiQueryBacklinks", "Backlinks"),
    "query+categorymembers": ("ApiQueryCategoryMembers", "Categorymembers"),
    "query+search": ("ApiQuerySearch", "Search"),
    "query+recentchanges": ("ApiQueryRecentChanges", "RecentChanges"),
    "query+usercontribs": ("ApiQueryUserContribs", "Usercontribs"),
    "query+logevents": ("ApiQueryLogEvents", "Logevents"),
    "query+siteinfo": ("ApiQuerySiteinfo", "Siteinfo"),
    "query+userinfo": ("ApiQueryUserInfo", "Userinfo"),
    "query+tokens": ("ApiQueryTokens", "Tokens"),
    "json": ("ApiFormatJson", "Data_formats"), "jsonfm": ("ApiFormatJson", "Data_formats"),
}
FORMAT_PARAMS = (
    Param("callback", help="JSONP is not offered."),
    Param("utf8", "boolean", help="Encode most non-ASCII characters as UTF-8 instead of "
                                  "escaping them."),
    Param("ascii", "boolean", help="Escape all non-ASCII characters."),
    Param("formatversion", values=("1", "2", "latest"), default="1",
          help="Output formatting."),
)


def _main_params() -> tuple[Param, ...]:
    """MAIN_PARAMS, with "action" and "format" as the enumerations of their submodules."""
    actions = tuple(api_modules().names("action"))
    described: list[Param] = []
    for param in MAIN_PARAMS:
        if param.name == "action":
            param = Param("action", values=actions, default="help", help=param.help,
                          submodules={name: name for name in actions})
        elif param.name == "format":
            param = Param("format", values=FORMATS, default=param.default, help=param.help,
                          submodules={name: name for name in FORMATS})
        described.append(param)
    return tuple(described)


def _type(param: Param) -> Any:
    return list(param.values) if param.values is not None else param.kind


def _help(text: str, helpformat: str) -> str:
    if helpformat == "html":
        return str(escape(text))
    return text


def _parameter(index: int, param: Param, module: Module | None, helpformat: str
               ) -> dict[str, Any]:
    item: dict[str, Any] = {"index": index, "name": param.name}
    if helpformat != "none":
        item["description"] = _help(param.help, helpformat)
    item["type"] = _type(param)
    if param.default is not None:
        default = param.default
        item["default"] = "|".join(str(v) for v in default) if isinstance(default, list) \
            else default
    elif param.kind == "boolean":
        item["default"] = False
    item["multi"] = param.multi
    if param.multi:
        item["limit"] = MULTI_LIMIT
        item["lowlimit"] = MULTI_LIMIT
        item["highlimit"] = MULTI_HIGH_LIMIT
        if param.all_value is not None:
            item["allspecifier"] = param.all_value
    item["required"] = param.required
    if param.sensitive or param.kind == "password":
        item["sensitive"] = True
    if param.deprecated:
        item["deprecated"] = True
    if param.kind == "limit":
        item["min"] = param.minimum if param.minimum is not None else 1
        item["max"] = param.maximum
        item["highmax"] = param.high_maximum if param.high_maximum is not None \
            else param.maximum
    elif param.kind == "integer":
        if param.minimum is not None:
            item["min"] = param.minimum
        if param.maximum is not None:
            item["max"] = param.maximum
    if param.kind == "namespace":
        item["extranamespaces"] = []
    if param.kind == "user":
        item["subtypes"] = ["name", "ip"]
    if param.submodules is not None:
        item["submodules"] = dict(param.submodules)
        if param.submodule_prefix is not None:
            item["submoduleparamprefix"] = param.submodule_prefix
    if param.name == "token" and module is not None and module.token is not None:
        item["tokentype"] = module.token
    elif param.token is not None:
        item["tokentype"] = param.token
    return item


def _describe(name: str, path: str, group: str | None, prefix: str, params: tuple[Param, ...],
              helpformat: str, description: str, module: Module | None) -> dict[str, Any]:
    classname, page = CLASSES.get(path, ("Api" + name.capitalize(), ""))
    info: dict[str, Any] = {"name": name, "classname": classname, "path": path}
    if group is not None:
        info["group"] = group
    info.update(prefix=prefix, source="MediaWiki", sourcename="MediaWiki",
                licensetag=LICENSE_TAG, licenselink=LICENSE_LINK)
    if helpformat != "none":
        info["description"] = _help(description, helpformat)
    if module is not None:
        if module.internal:
            info["internal"] = True
        if module.read_rights:
            info["readrights"] = True
        if module.write:
            info["writerights"] = True
        if module.must_post:
            info["mustbeposted"] = True
        if module.is_generator:
            info["generator"] = True
    info["helpurls"] = [HELP_PAGE + page] if page else []
    if helpformat != "none":
        info["examples"] = []
    info["parameters"] = [_parameter(index, param, module, helpformat)
                          for index, param in enumerate(params, start=1)]
    info["templatedparameters"] = []
    return info


def module_info(path: str, helpformat: str) -> dict[str, Any] | None:
    """The description of the module at ``path`` ("main", "edit", "query+allpages", "json"),
    or None when there is none."""
    if path == "main":
        return _describe("main", "main", None, "", _main_params(), helpformat,
                         "The Action API of this wiki.", None)
    if path in FORMATS:
        return _describe(path, path, "format", "", FORMAT_PARAMS, helpformat,
                         "Output data in JSON format.", None)
    module = api_modules().by_path(path)
    if module is None or (module.group != "action") != path.startswith("query+"):
        return None
    return _describe(module.name, module.path, module.group, module.prefix, module.all_params,
                     helpformat, module.description, module)


def _expand(path: str, context: Context) -> list[str]:
    """A modules= value: a path, or "<path>+*" (its submodules), or "*" for every action."""
    registry = api_modules()
    if path in ("*", "**"):
        path = "main+" + path
    recursive = path.endswith("+**")
    if not (path.endswith("+*") or recursive):
        return [path]
    parent = path.rsplit("+", 1)[0]
    if parent == "main":
        found = registry.names("action")
        if recursive:
            found = found + [f"query+{name}" for group in ("prop", "list", "meta")
                             for name in registry.names(group)]
        return found
    if parent == "query":
        return [f"query+{name}" for group in ("prop", "list", "meta")
                for name in registry.names(group)]
    context.warn("paraminfo", f'The module "{parent[:100]}" has no submodules.')
    return []


def paraminfo(context: Context, params: Parsed) -> dict[str, Any]:
    """action=paraminfo."""
    helpformat: str = params["helpformat"]
    wanted: list[tuple[str, str]] = []
    for path in params["modules"]:
        wanted += [("modules", expanded) for expanded in _expand(path, context)]
    wanted += [("querymodules", "query+" + name) for name in params["querymodules"]]
    wanted += [("formatmodules", name) for name in params["formatmodules"]]
    if params["mainmodule"]:
        wanted.append(("mainmodule", "main"))
    result: dict[str, Any] = {}
    for key, path in dict.fromkeys(wanted):
        info = module_info(path, helpformat)
        if info is None:
            parent, _, child = path.rpartition("+")
            context.warn("paraminfo", f'The module "{parent or "main"}" does not have a '
                                      f'submodule "{(child or path)[:100]}".')
            continue
        if key == "querymodules":
            info["querytype"] = info["group"]
        if key == "mainmodule":
            result["mainmodule"] = info
        else:
            result.setdefault(key, []).append(info)
    return {"paraminfo": result}


def api_help(context: Context, params: Parsed) -> dict[str, Any]:
    """action=help: where the documentation is."""
    return {"help": {"mime": "text/plain",
                     "help": "The Action API of this wiki answers as MediaWiki 1.39 does. Use "
                             "action=paraminfo&modules=... to describe its modules."}}


def rsd(context: Context, params: Parsed) -> Response:
    """action=rsd: the Really Simple Discovery document naming this API."""
    body = render_template("api/rsd.xml", api_url=absolute_url("/w/api.php"),
                           home=absolute_url("/wiki/Main_Page"))
    return Response(body, content_type="application/rsd+xml; charset=utf-8")


def register(registry: ModuleRegistry) -> None:
    """Offer paraminfo, help and rsd."""
    query_modules = tuple(f"{name}" for group in ("prop", "list", "meta")
                          for name in registry.names(group))
    registry.add(Module("paraminfo", "action", paraminfo, "Obtain information about API "
                        "modules.", read_rights=False, params=(
                            Param("modules", multi=True,
                                  help='List of module names (values of the action and format '
                                       'parameters, or "main"). Can specify submodules with a '
                                       '"+", or all submodules with "+*".'),
                            Param("helpformat", values=HELP_FORMATS, default="none",
                                  help="Format of help strings."),
                            Param("querymodules", values=query_modules, multi=True,
                                  deprecated=True, help="List of query module names."),
                            Param("mainmodule", "boolean", deprecated=True,
                                  help="Get information about the main (top-level) module "
                                       "as well."),
                            Param("pagesetmodule", "boolean", deprecated=True,
                                  help="Get information about the pageset module as well."),
                            Param("formatmodules", values=("json", "jsonfm"), multi=True,
                                  deprecated=True, help="List of format module names."))))
    registry.add(Module("help", "action", api_help, "Display help for the specified modules.",
                        read_rights=False, params=(
                            Param("modules", multi=True, default=["main"],
                                  help="Modules to display help for."),
                            Param("submodules", "boolean", help="Include help for submodules."),
                            Param("recursivesubmodules", "boolean",
                                  help="Include help for submodules recursively."),
                            Param("wrap", "boolean", help="Wrap the output in a standard API "
                                                          "response structure."),
                            Param("toc", "boolean", help="Include a table of contents."))))
    registry.add(Module("rsd", "action", rsd, "Export an RSD (Really Simple Discovery) schema.",
                        read_rights=False))
