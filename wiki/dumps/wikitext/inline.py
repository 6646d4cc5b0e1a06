"""Inline wikitext to inline Markdown: text (escaped), bold and italic, links, template calls,
footnote marks, entities and the HTML tags this wiki allows.

An Inline collects the pieces of one line (or of a label, a cell); emphasis is decided when the
line is complete, since whether CommonMark closes "**" depends on the character after it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import mwparserfromhell.nodes as mw

from wiki.dumps.wikitext.context import Context
from wiki.dumps.wikitext.escape import (
    code_span,
    emphasis,
    escape_text,
    link_destination,
    plain,
)
from wiki.dumps.wikitext.languages import is_interlanguage
from wiki.dumps.wikitext.refs import ref_attribute
from wiki.dumps.wikitext.source import template_source, wikilink_source

# MediaWiki's behaviour switches; this wiki knows __NOTOC__ (kept), the others are dropped.
SWITCHES = ("__NOTOC__", "__TOC__", "__FORCETOC__", "__NOEDITSECTION__", "__NEWSECTIONLINK__",
            "__NONEWSECTIONLINK__", "__NOGALLERY__", "__HIDDENCAT__", "__EXPECTUNUSEDCATEGORY__",
            "__NOCONTENTCONVERT__", "__NOCC__", "__NOTITLECONVERT__", "__NOTC__", "__INDEX__",
            "__NOINDEX__", "__STATICREDIRECT__", "__DISAMBIG__", "__NOGLOBAL__",
            "__EXPECTED_UNCONNECTED_PAGE__", "__ARCHIVEDTALK__", "__NOTALK__")
REFLIST_TEMPLATES = frozenset({"reflist", "references", "refs", "reference list"})
REFLIST = "{{Reflist}}"
# Tags kept as HTML (this wiki's allowlist), some under another name.
_KEPT_TAGS = {"sup": "sup", "sub": "sub", "small": "small", "kbd": "kbd", "mark": "mark",
              "u": "u", "ins": "u", "q": "q", "cite": "cite", "s": "s", "strike": "s",
              "del": "del", "code": "code", "tt": "code", "samp": "code", "abbr": "abbr"}
_EMPHASIS = {"b": ("**", "strong"), "strong": ("**", "strong"), "i": ("*", "em"),
             "em": ("*", "em"), "var": ("*", "em"), "dfn": ("*", "em")}
_QUOTES = {"'''": ("**", "strong"), "''": ("*", "em")}
# Wrappers whose content is kept without them.
_UNWRAPPED = frozenset({"span", "font", "big", "center", "div", "p", "blockquote", "poem",
                        "noinclude", "onlyinclude", "bdi", "bdo", "li", "dt", "dd", "ul", "ol",
                        "dl", "caption", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})
_AS_CODE = frozenset({"math", "chem", "ce", "pre", "syntaxhighlight", "source", "hiero"})
_SILENT = frozenset({"includeonly"})


def template_key(template: Any) -> str:
    """A template's name as compared: case-insensitive, spaces and underscores alike."""
    return " ".join(plain(str(template.name)).replace("_", " ").split()).lower()


def drop_switches(text: str, ctx: Context) -> tuple[str, bool]:
    """Text without behaviour switches (noting __NOTOC__), and whether it held any."""
    if "__" not in text:
        return text, False
    found = False
    for switch in SWITCHES:
        if switch in text:
            found = True
            text = text.replace(switch, "")
            ctx.notoc = ctx.notoc or switch == "__NOTOC__"
    return text, found


def is_removed(node: Any) -> bool:
    """Nodes that leave nothing behind: comments, interlanguage links, {{DEFAULTSORT:...}}."""
    if isinstance(node, mw.Comment):
        return True
    if isinstance(node, mw.Wikilink):
        return is_interlanguage(plain(str(node.title)))
    if isinstance(node, mw.Template):
        return template_key(node).startswith("defaultsort:")
    return False


@dataclass
class _Emphasis:
    marker: str
    tag: str
    inner: str


@dataclass
class Inline:
    """The Markdown of a run of inline nodes."""

    ctx: Context
    line_start: bool = True
    parts: list[str | _Emphasis] = field(default_factory=list)

    def at_line_start(self) -> bool:
        """Whether the next text begins a Markdown line."""
        if not self.parts:
            return self.line_start
        last = self.parts[-1]
        return isinstance(last, str) and last.endswith("\n")

    def text(self, text: str) -> None:
        """Plain text, escaped."""
        text, _ = drop_switches(text, self.ctx)
        escaped = escape_text(text, self.at_line_start())
        if escaped:
            self.parts.append(escaped)

    def raw(self, markdown: str) -> None:
        """Markdown written as it is."""
        if markdown:
            self.parts.append(markdown)

    def nodes(self, nodes: Any) -> Inline:
        """Add each node (a Wikicode's nodes, or strings and nodes)."""
        for node in nodes:
            if isinstance(node, str):
                self.text(node)
            else:
                self.node(node)
        return self

    def code(self, code: Any) -> Inline:
        """Add a Wikicode's nodes, if any."""
        return self.nodes(code.nodes) if code is not None else self

    def markdown(self, before: str = " ", after: str = " ") -> str:
        """The Markdown, with each emphasis written as CommonMark will read it."""
        out: list[str] = []
        previous = before
        for index, part in enumerate(self.parts):
            if isinstance(part, str):
                out.append(part)
            else:
                following = next((p if isinstance(p, str) else "*"
                                  for p in self.parts[index + 1:] if p), after)
                out.append(emphasis(part.inner, part.marker, part.tag, previous,
                                    following[:1] or after))
            previous = out[-1][-1:] or previous
        return "".join(out)

    def node(self, node: Any) -> None:
        """Add one node."""
        if isinstance(node, mw.Text):
            self.text(node.value)
        elif is_removed(node):
            if isinstance(node, mw.Template):
                self.ctx.note("{{DEFAULTSORT}} (a sort key for categories) dropped")
        elif isinstance(node, mw.Wikilink):
            moved: list[Any] = []
            self.raw(wikilink_source(node, self.ctx, moved))
            self.nodes(moved)
        elif isinstance(node, mw.Template):
            self.template(node)
        elif isinstance(node, mw.ExternalLink):
            self.external_link(node)
        elif isinstance(node, mw.HTMLEntity):
            self.raw(str(node))
        elif isinstance(node, mw.Tag | mw.Heading):
            if not self.ctx.deeper():
                self.text(str(node))
                return
            try:
                if isinstance(node, mw.Tag):
                    self.tag(node)
                else:
                    self.emphasis("**", "strong", node.title)
            finally:
                self.ctx.shallower()
        else:  # template arguments ({{{1}}}) and anything else: as typed
            self.text(str(node))

    def template(self, template: Any) -> None:
        """A template call, kept; the reference list as {{Reflist}}."""
        if template_key(template) in REFLIST_TEMPLATES:
            self.reflist()
            return
        moved: list[Any] = []
        self.raw(template_source(template, self.ctx, moved))
        self.nodes(moved)

    def reflist(self) -> None:
        """Where the notes are listed (once: this wiki has one list)."""
        if not self.ctx.reflist:
            self.raw(REFLIST)
            self.ctx.reflist = True

    def emphasis(self, marker: str, tag: str, contents: Any) -> None:
        """Bold or italic contents."""
        inner = Inline(self.ctx, line_start=False).code(contents).markdown("*", "*")
        self.parts.append(_Emphasis(marker, tag, inner))

    def external_link(self, link: Any) -> None:
        """[http://... label] as a Markdown link; a bare address as an autolink."""
        url = plain(str(link.url)).strip()
        if not link.brackets:
            bare = not any(char in url for char in "\\`*_~<>[]{}|\"")
            self.raw(url if bare and url[-1:] not in ".,:;!?'()" else f"<{url}>")
            return
        label = Inline(self.ctx, line_start=False).code(link.title).markdown().strip()
        if not label:
            self.ctx.external_links += 1
            label = f"\\[{self.ctx.external_links}\\]"
        self.raw(f"[{label}]({link_destination(url)})")

    def ref(self, tag: Any) -> None:
        """A footnote mark for a <ref>."""
        group = ref_attribute(tag, "group")
        if group:
            self.ctx.note("reference groups merged into one list of notes")
        contents = None if tag.self_closing else tag.contents
        label = self.ctx.footnotes.cite(ref_attribute(tag, "name"), group, contents)
        if label is None:
            if ref_attribute(tag, "name"):
                self.ctx.note("reuse of a reference that is never defined dropped")
            return
        self.raw(f"[^{label}]")

    def tag(self, tag: Any) -> None:
        """An HTML or extension tag, or wiki markup that mwparserfromhell reads as one."""
        name = str(tag.tag).strip().lower()
        if tag.wiki_markup in _QUOTES:
            self.emphasis(*_QUOTES[tag.wiki_markup], tag.contents)
        elif name in _EMPHASIS:
            self.emphasis(*_EMPHASIS[name], tag.contents)
        elif name == "ref":
            self.ref(tag)
        elif name == "references":
            self.reflist()
        elif name == "nowiki":
            self.text(html.unescape(str(tag.contents)) if tag.contents is not None else "")
        elif name == "br":
            self.raw("<br>")
        elif tag.wiki_markup:  # a list marker or rule within a line: as typed
            self.text(str(tag.wiki_markup))
        elif name in _KEPT_TAGS:
            self.kept_tag(_KEPT_TAGS[name], tag)
        elif name in _AS_CODE:
            if name not in {"pre", "syntaxhighlight", "source"}:
                self.ctx.note(f"<{name}> shown as its source text")
            self.raw(code_span(html.unescape(plain(str(tag.contents or "")))))
        elif name in _UNWRAPPED:
            self.code(tag.contents)
        elif name not in _SILENT:
            self.ctx.note(f"<{name}> dropped" + (", its text kept" if tag.contents else ""))
            self.code(tag.contents)

    def kept_tag(self, name: str, tag: Any) -> None:
        """A tag this wiki allows, without attributes (an abbreviation keeps its title)."""
        attributes = ""
        if name == "abbr" and tag.has("title"):
            title = plain(str(tag.get("title").value)).strip()
            attributes = f' title="{html.escape(title, quote=True)}"'
        self.raw(f"<{name}{attributes}>")
        if not tag.self_closing:
            self.code(tag.contents)
            self.raw(f"</{name}>")


def inline_markdown(parts: Any, ctx: Context, line_start: bool = True) -> str:
    """The inline Markdown of strings and nodes."""
    if not ctx.deeper():
        return escape_text("".join(plain(str(part)) for part in parts), line_start)
    try:
        return Inline(ctx, line_start).nodes(parts).markdown().strip()
    finally:
        ctx.shallower()
