"""action=parse: a page, an old revision or a given text rendered as the wiki renders it, with
what the render collected (links, categories, templates, sections, external links) in
MediaWiki's shapes for formatversion 1 and 2.

Stored texts are rendered as a page view would; a text given in the request is rendered within
the save budget (a text that takes too long is refused, as a preview is).
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from flask import render_template
from markupsafe import escape

from wiki import pages, rendering
from wiki.api.action import sections, target
from wiki.api.action.context import Context
from wiki.api.action.errors import ApiError
from wiki.api.action.modules import Module, ModuleRegistry
from wiki.api.action.namespaces import TEMPLATE, template_title
from wiki.api.action.pageset import readable_pages
from wiki.api.action.params import Param, Parsed
from wiki.api.action.result import content
from wiki.db import db
from wiki.markup import Rendered
from wiki.models import Page, Revision
from wiki.titles import CATEGORY, Title

PROPS = ("text", "langlinks", "categories", "categorieshtml", "links", "templates", "images",
         "externallinks", "sections", "revid", "displaytitle", "subtitle", "headhtml", "modules",
         "jsconfigvars", "encodedjsconfigvars", "indicators", "iwlinks", "wikitext",
         "properties", "limitreportdata", "limitreporthtml", "parsetree", "parsewarnings",
         "parsewarningshtml", "headitems")
DEFAULT_PROPS = ["text", "langlinks", "categories", "links", "templates", "images",
                 "externallinks", "sections", "revid", "displaytitle", "iwlinks", "properties",
                 "parsewarnings"]
# Props this wiki has nothing for: what MediaWiki answers when there is nothing.
_EMPTY_LISTS = ("langlinks", "images", "iwlinks", "parsewarnings", "parsewarningshtml",
                "headitems", "limitreportdata")


@dataclass(frozen=True)
class Source:
    """What is parsed: the text, under which title, and the page and revision it came from."""

    title: Title
    text: str
    page: Page | None = None
    revision: Revision | None = None
    redirects: tuple[dict[str, str], ...] = ()


class _ExternalLinks(HTMLParser):
    """Collects the targets of external links (<a class="external" href=...>) in rendered
    HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        values = dict(attrs)
        href = values.get("href")
        if href and "external" in (values.get("class") or "").split():
            self.found.setdefault(href, None)


def external_links(html: str) -> list[str]:
    """The external link targets of rendered HTML, each once, in order."""
    collector = _ExternalLinks()
    collector.feed(html)
    collector.close()
    return list(collector.found)


def _from_page(page: Page, params: Parsed) -> Source:
    title = Title(page.namespace, page.title)
    redirects: tuple[dict[str, str], ...] = ()
    if params.get("redirects") and page.is_redirect:
        destination = pages.redirect_target(pages.latest_revision(page).text)
        followed = pages.find_page(destination) if destination is not None else None
        if destination is not None and followed is not None and not followed.is_deleted \
                and followed.latest_revision_id is not None:
            redirects = ({"from": title.full, "to": destination.full},)
            page, title = followed, destination
    revision = pages.latest_revision(page)
    return Source(title, revision.text, page, revision, redirects)


def _source(params: Parsed) -> Source:
    given = [name for name in ("page", "pageid", "oldid") if params.get(name) is not None]
    if len(given) > 1:
        names = " and ".join(f'"{name}"' for name in given)
        raise ApiError("invalidparammix", f"The parameters {names} can not be used together.")
    if given and (params.get("text") is not None or params.present("title")):
        raise ApiError("invalidparammix", 'The "page", "pageid" and "oldid" parameters cannot '
                                          'be used with "text" or "title".')
    if params.get("oldid") is not None:
        revision_id = params["oldid"]
        revision = db.session.get(Revision, revision_id) if 0 < revision_id < 2**31 else None
        if revision is None or revision.page.is_deleted:
            raise ApiError("nosuchrevid", f"There is no revision with ID {revision_id}.")
        page = revision.page
        return Source(Title(page.namespace, page.title), revision.text, page, revision)
    if params.get("page") is not None or params.get("pageid") is not None:
        found = target.resolve(params, "page", "pageid")
        return _from_page(target.require_existing(found), params)
    title = target.title_of(params.get("title", "API"))
    return Source(title, params.get("text", ""))


def _section_text(source: Source, params: Parsed) -> str:
    raw = params.get("section")
    if raw is None:
        return source.text
    if raw == "new":
        return sections.add_section("", params.get("sectiontitle", ""), source.text)
    number = sections.section_number(raw)
    if number is None:
        raise ApiError("invalidsection", 'The "section" parameter must be a valid section ID or '
                                         '"new".')
    try:
        return sections.section_text(source.text, number)
    except sections.NoSuchSection as error:
        raise ApiError("nosuchsection", str(error)) from error


def _sections(text: str, rendered: Rendered, title: Title) -> list[dict[str, Any]]:
    """The contents entries, each paired with its heading in the source (in order)."""
    found = sections.headings(text)
    entries = []
    for position, entry in enumerate(rendered.toc):
        heading = found[position] if position < len(found) else None
        item: dict[str, Any] = {
            "toclevel": entry.number.count(".") + 1,
            "level": str(heading.level if heading else 2),
            "line": str(escape(entry.text)), "number": entry.number,
            "index": str(position + 1) if heading else "",
            "fromtitle": title.url_part if heading else False,
            "byteoffset": heading.byte_offset if heading else None,
            "anchor": entry.anchor, "linkAnchor": entry.anchor,
        }
        entries.append(item)
    return entries


def _links(rendered: Rendered) -> list[dict[str, Any]]:
    titles = list(dict.fromkeys(rendered.links))
    existing = readable_pages(titles)
    return [{"ns": title.namespace, "exists": (title.namespace, title.text) in existing,
             content("title"): title.full} for title in titles]


def _categories(rendered: Rendered) -> list[dict[str, Any]]:
    names = list(dict.fromkeys(rendered.categories))
    titles = [Title(CATEGORY, name) for name in names]
    existing = readable_pages(titles)
    return [{"sortkey": "", content("category"): name.replace(" ", "_"),
             "missing": (CATEGORY, name) not in existing} for name in names]


def _templates(rendered: Rendered) -> list[dict[str, Any]]:
    keys = dict.fromkeys(key for key, _argument in rendered.templates)
    return [{"ns": TEMPLATE, "exists": True, content("title"): template_title(key)}
            for key in keys]


def _wrapped(value: str, version: int) -> Any:
    """Text that is {"*": text} in formatversion 1 and a plain string in 2."""
    return {"*": value} if version == 1 else value


def _props(context: Context, params: Parsed, source: Source, text: str,
           rendered: Rendered) -> dict[str, Any]:
    version = context.format_version
    props: list[str] = params["prop"]
    out: dict[str, Any] = {}
    for prop in props:
        if prop == "text":
            html = render_template("api/parser_output.html", html=rendered.html,
                                   wrapper=params.get("wrapoutputclass", "mw-parser-output"))
            out["text"] = _wrapped(html, version)
        elif prop == "wikitext":
            out["wikitext"] = _wrapped(text, version)
        elif prop == "links":
            out["links"] = _links(rendered)
        elif prop == "categories":
            out["categories"] = _categories(rendered)
        elif prop == "templates":
            out["templates"] = _templates(rendered)
        elif prop == "externallinks":
            out["externallinks"] = external_links(str(rendered.html))
        elif prop == "sections":
            out["sections"] = _sections(text, rendered, source.title)
        elif prop == "revid":
            out["revid"] = source.revision.id if source.revision else 0
        elif prop == "displaytitle":
            out["displaytitle"] = str(escape(source.title.full))
        elif prop == "properties":
            out["properties"] = [] if version == 1 else {}
        elif prop in _EMPTY_LISTS:
            out[prop] = []
        elif prop == "modules":
            out.update({"modules": [], "modulescripts": [], "modulestyles": []})
        elif prop in ("jsconfigvars", "indicators"):
            out[prop] = {}
        elif prop == "encodedjsconfigvars":
            out[prop] = "{}"
        elif prop in ("subtitle", "categorieshtml", "limitreporthtml", "headhtml"):
            out[prop] = _wrapped("", version)
    return out


def parse(context: Context, params: Parsed) -> dict[str, Any]:
    """action=parse."""
    if "parsetree" in params["prop"]:
        raise ApiError("notwikitext", "parsetree is only supported for wikitext content.")
    if params.get("summary") is not None and params.get("text") is None \
            and params.get("page") is None and params.get("pageid") is None \
            and params.get("oldid") is None:
        title = target.title_of(params.get("title", "API"))
        html = render_template("api/parsed_summary.html", text=params["summary"])
        return {"parse": {"title": title.full, "pageid": 0,
                          "parsedsummary": _wrapped(html, context.format_version)}}
    source = _source(params)
    text = _section_text(source, params)
    if (params.get("pst") or params.get("onlypst")) and source.revision is None:
        text = pages.pre_save_transform(pages.normalize_text(text), context.author)
    page_id = source.page.id if source.page is not None else _page_id(source.title)
    result: dict[str, Any] = {"title": source.title.full, "pageid": page_id}
    if source.redirects:
        result["redirects"] = list(source.redirects)
    if params.get("onlypst"):
        result["text"] = _wrapped(text, context.format_version)
        return {"parse": result}
    fresh = rendering.render_text(text, source.title, budgeted=source.revision is None)
    result.update(_props(context, params, source, text, fresh.rendered))
    return {"parse": result}


def _page_id(title: Title) -> int:
    page = readable_pages([title]).get((title.namespace, title.text))
    return page.id if page is not None else 0


PARAMS = (
    Param("title", help='Title of the page the text belongs to; "API" when omitted.'),
    Param("text", "text", help="Text to parse. Use title to name its page."),
    Param("revid", "integer", help="Revision ID, for {{REVISIONID}} and similar variables."),
    Param("summary", help="Summary to parse."),
    Param("page", help="Parse the content of this page. Cannot be used together with text "
                       "and title."),
    Param("pageid", "integer", help="Parse the content of this page. Overrides page."),
    Param("redirects", "boolean", help="If page or pageid is set to a redirect, resolve it."),
    Param("oldid", "integer", help="Parse the content of this revision. Overrides page and "
                                   "pageid."),
    Param("prop", values=PROPS, multi=True, default=DEFAULT_PROPS,
          help="Which pieces of information to get."),
    Param("wrapoutputclass", default="mw-parser-output", help="CSS class to use to wrap the "
                                                               "parser output."),
    Param("parsoid", "boolean", help="Accepted; the wiki has one renderer."),
    Param("pst", "boolean", help="Do a pre-save transform on the input before parsing it."),
    Param("onlypst", "boolean", help="Do a pre-save transform (PST) on the input, but don't "
                                     "parse it."),
    Param("effectivelanglinks", "boolean", help="Accepted."),
    Param("section", help="Only parse the content of the section with this identifier."),
    Param("sectiontitle", help="New section title when section is new."),
    Param("disablepp", "boolean", help="Deprecated; accepted."),
    Param("disablelimitreport", "boolean", help="Omit the limit report (never included)."),
    Param("disableeditsection", "boolean", help="Omit edit section links (never included)."),
    Param("disablestylededuplication", "boolean", help="Accepted."),
    Param("showstrategykeys", "boolean", help="Accepted."),
    Param("generatexml", "boolean", help="Deprecated; accepted."),
    Param("preview", "boolean", help="Parse in preview mode."),
    Param("sectionpreview", "boolean", help="Parse in section preview mode."),
    Param("disabletoc", "boolean", help="Omit table of contents in output."),
    Param("useskin", help="Accepted."),
    Param("contentformat", values=("text/markdown",), help="Content serialization format."),
    Param("contentmodel", values=("markdown",), help="Content model of the input text."),
    Param("mobileformat", "boolean", help="Accepted."),
)


def register(registry: ModuleRegistry) -> None:
    """Offer action=parse."""
    registry.add(Module("parse", "action", parse, "Parses content and returns parser output.",
                        params=PARAMS))
