"""The render pipeline: Markdown with Wikipedia's extensions to sanitized HTML plus what it used.

render(text, lookups) -> Rendered is pure: it reads no database and no request. Which pages exist
and any live data templates show come from the Lookups the caller passes in; what the rendering
depended on (links, templates) comes back in Rendered so the caller can invalidate it later.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import mistune
from markupsafe import Markup, escape
from mistune.plugins import import_plugin

from wiki.markup import extras, kept_calls
from wiki.markup.blockstate import LinearBlockState
from wiki.markup.files import FileInfo
from wiki.markup.images import file_links
from wiki.markup.limits import Budget, RenderTimeout, split_at_cost
from wiki.markup.sanitize import sanitize_html
from wiki.markup.see_also import see_also
from wiki.markup.templates import PLACEHOLDER_CLOSE, PLACEHOLDER_OPEN, TemplateCall, templates
from wiki.markup.toc import MAX_HEADINGS, REFERENCES, TocEntry, build_toc, toc
from wiki.markup.wikilinks import link_targets, wikilinks
from wiki.markup.wikitemplates import TemplateLibrary, builtin_library
from wiki.titles import CATEGORY, Title

TOC_MIN_HEADINGS = 4
_TAG_OR_PLACEHOLDER = re.compile(
    r"<[^>]*>|" + PLACEHOLDER_OPEN + r"(\d+)" + PLACEHOLDER_CLOSE
)
_FIRST_HEADING = re.compile(r"<h[1-6][\s>]")
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\n?")
# MediaWiki's behaviour switch for a page without contents (the Main Page has it), on a line of
# its own.
_NOTOC = re.compile(r"^[ \t]*__NOTOC__[ \t]*$\n?", re.MULTILINE)


def _nothing_exists(_title: Title) -> bool:
    return False


def _no_prefetch(_titles: Iterable[Title]) -> None:
    return None


def _no_files(_name: str) -> FileInfo | None:
    return None


@dataclass(frozen=True)
class Lookups:
    """What a rendering may know about the rest of the wiki, supplied by the caller: which pages
    exist, the live data templates may show, and the wiki templates themselves."""

    exists: Callable[[Title], bool] = _nothing_exists
    live: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    templates: TemplateLibrary = field(default_factory=builtin_library)
    # Told the titles a text may link to before it is parsed, so that a lookup answered from a
    # database can ask about them in a few batches instead of one query per link.
    prefetch: Callable[[Iterable[Title]], None] = _no_prefetch
    # The uploaded file of a name (the text after "File:"), or None when there is none.
    file: Callable[[str], FileInfo | None] = _no_files


@dataclass(frozen=True)
class Rendered:
    """The result of rendering one text."""

    html: Markup
    toc: tuple[TocEntry, ...]
    links: tuple[Title, ...]
    templates: tuple[tuple[str, str], ...]  # (template key, first positional argument)
    categories: tuple[str, ...]
    limits: tuple[str, ...] = ()  # the limits this page hit, as told to the reader

    @property
    def show_toc(self) -> bool:
        """Wikipedia shows a table of contents from four headings on."""
        return len(self.toc) >= TOC_MIN_HEADINGS

    @property
    def lead(self) -> Markup:
        """The HTML before the first heading (where the table of contents goes)."""
        match = _FIRST_HEADING.search(self.html)
        return self.html[: match.start()] if match else self.html

    @property
    def body(self) -> Markup:
        """The HTML from the first heading on."""
        match = _FIRST_HEADING.search(self.html)
        return self.html[match.start():] if match else Markup("")


# mistune's parsers compile and cache patterns lazily while parsing, so an instance is not shared
# between threads: each thread builds its own on first use.
_per_thread = threading.local()


def build_markdown() -> mistune.Markdown:
    """A Markdown parser: CommonMark plus tables, footnotes, strikethrough, autolinks and the
    wiki's syntaxes. Plugins are stateless; per-document data lives in state.env."""
    renderer = extras.WikiRenderer(escape=False)
    plugins = [import_plugin(name) for name in ("table", "footnotes", "strikethrough", "url")]
    plugins += [wikilinks, file_links, templates, see_also, toc, extras.wiki_html]
    return mistune.Markdown(renderer=renderer, plugins=plugins)


def markdown() -> mistune.Markdown:
    """This thread's Markdown parser."""
    parser: mistune.Markdown | None = getattr(_per_thread, "markdown", None)
    if parser is None:
        parser = _per_thread.markdown = build_markdown()
    return parser


def _render_document(
    text: str, lookups: Lookups, depth: int, env_out: dict[str, Any],
    targets: dict[str, Title | None] | None = None,
) -> tuple[Markup, MutableMapping[str, Any]]:
    """Parse, render, sanitize and fill in templates; record links and templates in env_out.

    Returns the markup and the document's own parse environment (its headings, footnotes).
    """
    budget: Budget = env_out["budget"]
    text = text.replace(PLACEHOLDER_OPEN, "").replace(PLACEHOLDER_CLOSE, "")
    state = LinearBlockState()
    state.env["lookups"] = lookups
    if targets is not None:
        state.env["link_targets"] = targets
    html, parsed = markdown().parse(text, state)
    budget.check_time()
    env = parsed.env
    if env.get("too_many_headings"):
        budget.note("headings", f"Only the first {MAX_HEADINGS:,} headings have anchors and a "
                                "line in the contents.")
    html = _EMPTY_PARAGRAPH.sub("", str(html))  # e.g. a line that held only category links
    if env.get("footnotes"):
        html = _place_references(html, env)
    if env.get("footnotes") and not env.get("reflist") \
            and REFERENCES not in env.get("used_anchors", ()):
        html = extras.add_references_heading(str(html))
    clean = sanitize_html(str(html))

    links: dict[Title, None] = env_out.setdefault("links", {})
    links.update(env.get("links", {}))
    env_out.setdefault("categories", {}).update(env.get("categories", {}))
    uses: dict[tuple[str, str], None] = env_out.setdefault("templates", {})
    calls: list[TemplateCall] = env.get("templates", [])
    if not calls:
        return clean, env

    outputs: list[Markup] = []
    for call in calls:
        uses[(call.key, call.positional[0].strip() if call.positional else "")] = None
        if not budget.take_call():
            outputs.append(Markup(""))
            continue
        output = kept_calls.render(call, depth, lookups, env_out, _render_fragment)
        outputs.append(output if budget.take_output(len(output)) else Markup(""))

    def substitute(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            index = int(match.group(1))
            return str(outputs[index]) if index < len(outputs) else ""
        # a placeholder inside a tag (e.g. an image's alt text) must not become markup
        return match.group(0).replace(PLACEHOLDER_OPEN, "").replace(PLACEHOLDER_CLOSE, "")

    return Markup(_TAG_OR_PLACEHOLDER.sub(substitute, clean)), env


def _place_references(html: str, env: MutableMapping[str, Any]) -> str:
    """With {{Reflist}} in the text, the footnotes list goes where the first one stands, under
    the author's own heading (env["reflist"] is set, so no automatic heading is added)."""
    calls: list[TemplateCall] = env.get("templates", [])
    for index, call in enumerate(calls):
        if call.key == "reflist":
            moved = extras.move_references(html, f"{PLACEHOLDER_OPEN}{index}{PLACEHOLDER_CLOSE}")
            if moved is not None:
                env["reflist"] = True
                return moved
    return html


def _render_fragment(text: str, lookups: Lookups, depth: int, env_out: dict[str, Any]) -> Markup:
    """A template parameter: inline Markdown, without the paragraph around a single line."""
    html = _render_document(text, lookups, depth, env_out)[0].strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def render(text: str, lookups: Lookups | None = None, *, deadline: float | None = None
           ) -> Rendered:
    """Render a page's Markdown to sanitized HTML, its table of contents and its dependencies.

    A text too complex to render in full is rendered up to the limit and the rest shown as
    plain text; with a deadline (time.monotonic()), passing it raises RenderTimeout.
    """
    budget = Budget(deadline)
    collected: dict[str, Any] = {"budget": budget}
    text, no_contents = _NOTOC.subn("", text)
    head, rest = split_at_cost(text)
    lookups = lookups or Lookups()
    targets = link_targets(head)
    lookups.prefetch({title for title in targets.values()
                      if title is not None and title.namespace != CATEGORY})
    html, page_env = _render_document(head, lookups, 0, collected, targets)
    if rest:
        budget.note("complexity", "This page is too complex to show in full; the rest of its "
                                  "text is shown as typed below.")
        html = Markup(html + sanitize_html(
            f'<pre class="render-limit">{escape(rest)}</pre>\n'))
    if budget.hit:
        notes = "".join(f"<p>{escape(message)}</p>" for message in budget.hit.values())
        html = Markup(sanitize_html(f'<div class="render-limits">{notes}</div>\n') + html)
    return Rendered(
        html=html,
        toc=() if no_contents else build_toc(page_env),
        links=tuple(collected.get("links", {})),
        templates=tuple(collected.get("templates", {})),
        categories=tuple(sorted(collected.get("categories", {}))),
        limits=tuple(budget.hit.values()),
    )


__all__ = ["FileInfo", "Lookups", "Rendered", "RenderTimeout", "render"]
