"""Wikitext's block structure: mwparserfromhell gives a flat run of nodes whose text holds the
line ends, so the nodes are first cut into lines (headings, tables and block tags stand on their
own), then consecutive lines are grouped as MediaWiki groups them: list lines (a prefix of
"*#:;" markers), preformatted lines (a leading space), paragraphs (other lines, up to a blank
one). A line that held only a comment, an interlanguage link or a behaviour switch disappears.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import mwparserfromhell.nodes as mw

from wiki.dumps.wikitext.context import Context
from wiki.dumps.wikitext.escape import escape_text, plain
from wiki.dumps.wikitext.inline import REFLIST, drop_switches, inline_markdown, is_removed
from wiki.dumps.wikitext.model import (
    Block,
    Code,
    Heading,
    ItemList,
    Line,
    ListItem,
    Paragraph,
    Quote,
    Rule,
)
from wiki.dumps.wikitext.tables import convert_table

_LIST_MARKUP = frozenset("*#:;")
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_BLOCK_TAGS = frozenset({"table", "pre", "blockquote", "div", "center", "p", "references",
                         "gallery", "syntaxhighlight", "source", "poem", "ul", "ol", "dl", "hr",
                         "includeonly", "noinclude", "onlyinclude", *_HEADINGS})


@dataclass
class _Line:
    parts: list[Any] = field(default_factory=list)  # strings and inline nodes
    removed: bool = False  # held something dropped (a comment, ...)
    fresh: bool = True  # begins a line of the source (not just after a block tag)

    def blank(self) -> bool:
        return all(isinstance(part, str) and not part.strip() for part in self.parts)


def _tag_name(node: Any) -> str:
    return str(node.tag).strip().lower() if isinstance(node, mw.Tag) else ""


def _is_block(node: Any) -> bool:
    if isinstance(node, mw.Heading):
        return True
    name = _tag_name(node)
    if name == "hr" or name in _HEADINGS:
        return True
    return name in _BLOCK_TAGS


def _marker(node: Any) -> str:
    """The list markup of a marker node ("*", "#", ":", ";"), or ""."""
    if isinstance(node, mw.Tag) and node.wiki_markup in _LIST_MARKUP:
        return str(node.wiki_markup)
    return ""


def _lines(nodes: Any, ctx: Context, fresh: bool) -> list[_Line | Any]:
    """Cut nodes into lines; block nodes become entries of their own."""
    entries: list[_Line | Any] = []
    line = _Line(fresh=fresh)
    after_block = False

    def close(next_fresh: bool) -> None:
        nonlocal line, after_block
        if line.parts or line.removed or not after_block:
            entries.append(line)
        line, after_block = _Line(fresh=next_fresh), False

    for node in nodes:
        if isinstance(node, mw.Text):
            for index, piece in enumerate(node.value.split("\n")):
                if index:
                    close(True)
                piece, dropped = drop_switches(piece, ctx)
                if dropped:
                    line.removed = True
                    piece = piece if line.parts else piece.lstrip()
                if piece:
                    line.parts.append(piece)
        elif _is_block(node):
            if not line.blank() or line.removed:
                close(False)
            entries.append(node)
            line, after_block = _Line(fresh=False), True
        elif is_removed(node):
            line.removed = True
            if isinstance(node, mw.Template):
                ctx.note("{{DEFAULTSORT}} (a sort key for categories) dropped")
        else:
            line.parts.append(node)
    close(True)
    return entries


def _plain_text(node: Any, ctx: Context) -> str:
    """The text a node shows, without its formatting (for preformatted lines)."""
    if isinstance(node, str):
        return plain(node)
    if isinstance(node, mw.Text):
        return plain(node.value)
    if isinstance(node, mw.HTMLEntity):
        return str(node.normalize())
    if isinstance(node, mw.Comment):
        return ""
    ctx.note("formatting inside preformatted text dropped")
    if isinstance(node, mw.Wikilink):
        shown = node.text if node.text is not None else node.title
        return "".join(_plain_text(child, ctx) for child in shown.nodes)
    if isinstance(node, mw.ExternalLink):
        return "".join(_plain_text(child, ctx) for child in node.title.nodes) if node.title \
            else plain(str(node.url))
    if isinstance(node, mw.Tag) and node.contents is not None:
        return "".join(_plain_text(child, ctx) for child in node.contents.nodes)
    return plain(str(node))


def _list_items(line: _Line, ctx: Context) -> list[ListItem]:
    """A list line as items: "; term : definition" gives two."""
    parts = list(line.parts)
    prefix = ""
    while parts and _marker(parts[0]):
        prefix += _marker(parts.pop(0))
    if prefix.endswith(";"):
        split = next((i for i, part in enumerate(parts) if _marker(part) == ":"), None)
        if split is not None:
            return [ListItem(prefix, inline_markdown(parts[:split], ctx)),
                    ListItem(prefix[:-1] + ":", inline_markdown(parts[split + 1:], ctx))]
    return [ListItem(prefix, inline_markdown(parts, ctx))]


@dataclass
class _Grouper:
    """Groups lines into paragraphs, lists and preformatted blocks."""

    ctx: Context
    blocks: list[Block] = field(default_factory=list)
    paragraph: list[str] = field(default_factory=list)
    items: list[ListItem] = field(default_factory=list)
    preformatted: list[str] = field(default_factory=list)

    def flush(self) -> None:
        if self.paragraph:
            self.blocks.append(Paragraph("\n".join(self.paragraph)))
        if self.items:
            self.blocks.append(ItemList(tuple(self.items)))
            markers = "".join(item.prefix for item in self.items)
            if ";" in markers:
                self.ctx.note("definition list written as bold terms with indented definitions")
            elif ":" in markers:
                self.ctx.note("indented lines written as block quotations")
        if self.preformatted:
            self.blocks.append(Code("\n".join(self.preformatted)))
        self.paragraph, self.items, self.preformatted = [], [], []

    def line(self, line: _Line) -> None:
        if line.blank():
            if not line.removed:
                self.flush()
            return
        first = line.parts[0]
        if _marker(first):
            if self.paragraph or self.preformatted:
                self.flush()
            self.items.extend(_list_items(line, self.ctx))
        elif line.fresh and isinstance(first, str) and first.startswith(" "):
            if self.paragraph or self.items:
                self.flush()
            text = "".join(_plain_text(part, self.ctx) for part in line.parts)
            self.preformatted.append(text[1:].rstrip())
        else:
            if self.items or self.preformatted:
                self.flush()
            text = inline_markdown(line.parts, self.ctx)
            if text:
                self.paragraph.append(text)


def build_blocks(code: Any, ctx: Context, fresh: bool = False) -> list[Block]:
    """The blocks of a Wikicode (None gives none). `fresh`: its first line begins a line of
    the page (not so for a cell's or a tag's contents)."""
    if code is None:
        return []
    if not ctx.deeper():
        text = escape_text(plain(str(code)), line_start=True)
        return [Paragraph(text)] if text.strip() else []
    try:
        grouper = _Grouper(ctx)
        for entry in _lines(code.nodes, ctx, fresh):
            if isinstance(entry, _Line):
                grouper.line(entry)
            else:
                grouper.flush()
                grouper.blocks.extend(_block_node(entry, ctx))
        grouper.flush()
        return grouper.blocks
    finally:
        ctx.shallower()


def _block_node(node: Any, ctx: Context) -> list[Block]:
    """A heading or block tag as blocks."""
    if isinstance(node, mw.Heading):
        return [Heading(min(max(node.level, 1), 6), inline_markdown(node.title.nodes, ctx))]
    name = _tag_name(node)
    contents = node.contents
    if name == "table":
        return convert_table(node, ctx, build_blocks)
    if name == "hr":
        return [Rule()]
    if name in _HEADINGS:
        return [Heading(_HEADINGS[name], inline_markdown(contents.nodes if contents else [],
                                                          ctx))]
    if name == "pre":
        return [Code(html.unescape(plain(str(contents or ""))).strip("\n"))]
    if name in {"syntaxhighlight", "source"}:
        language = str(node.get("lang").value).strip() if node.has("lang") else ""
        return [Code(plain(str(contents or "")).strip("\n"), language)]
    if name == "blockquote":
        return [Quote(tuple(build_blocks(contents, ctx)))]
    if name == "references":
        if ctx.reflist:
            return []
        ctx.reflist = True
        return [Line(REFLIST)]
    if name == "gallery":
        return _gallery(contents, ctx)
    if name in {"ul", "ol", "dl"}:
        return [ItemList(tuple(_html_list(node, "", ctx)))]
    if name == "includeonly":
        return []
    blocks = build_blocks(contents, ctx)
    if name == "poem":
        return [Paragraph(block.text.replace("\n", "<br>\n")) if isinstance(block, Paragraph)
                else block for block in blocks]
    return blocks


def _gallery(contents: Any, ctx: Context) -> list[Block]:
    """A gallery as a list of links to its files."""
    ctx.note("gallery written as a list of links to its files")
    items = []
    for line in plain(str(contents or "")).split("\n"):
        line = line.strip()
        if not line:
            continue
        target = line if ":" in line.partition("|")[0] else f"File:{line}"
        items.append(ListItem("*", f"[[{target}]]"))
    return [ItemList(tuple(items))] if items else []


def _html_list(tag: Any, prefix: str, ctx: Context) -> list[ListItem]:
    """<ul>, <ol> and <dl> with their items, nested lists included."""
    name = _tag_name(tag)
    items: list[ListItem] = []
    if tag.contents is None or not ctx.deeper():
        return items
    try:
        for child in tag.contents.nodes:
            child_name = _tag_name(child)
            if child_name not in {"li", "dt", "dd"} or child.contents is None:
                continue
            marker = {"ul": "*", "ol": "#"}.get(name, ";" if child_name == "dt" else ":")
            nested = [n for n in child.contents.nodes if _tag_name(n) in {"ul", "ol", "dl"}]
            text = [n for n in child.contents.nodes if _tag_name(n) not in {"ul", "ol", "dl"}]
            items.append(ListItem(prefix + marker, inline_markdown(text, ctx)))
            for inner in nested:
                items.extend(_html_list(inner, prefix + marker, ctx))
    finally:
        ctx.shallower()
    return items
