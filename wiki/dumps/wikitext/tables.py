"""Tables ({| ... |} and <table>) to Markdown tables.

A Markdown table has one header row and cells of one line each, so: a first row that is not all
header cells gets an empty header row above it; a cell spanning rows or columns is written in
its first slot and the others are left empty; a cell holding several lines, a list or a nested
table is flattened to one line with line breaks. Each of these is noted. Header cells further
down (row headers) are written in bold. Styling attributes are dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mwparserfromhell.nodes as mw

from wiki.dumps.wikitext.context import Context
from wiki.dumps.wikitext.inline import inline_markdown
from wiki.dumps.wikitext.model import Block, Paragraph, Quote, Table
from wiki.dumps.wikitext.writer import bold, flatten

MAX_COLSPAN = 20
_CELLS = frozenset({"td", "th"})
_SECTIONS = frozenset({"thead", "tbody", "tfoot"})

BuildBlocks = Callable[[Any, Context], list[Block]]


@dataclass(frozen=True)
class _Cell:
    header: bool
    contents: Any  # Wikicode
    colspan: int
    rowspan: int


def _span(tag: Any, name: str, limit: int) -> int:
    if not tag.has(name):
        return 1
    value = str(tag.get(name).value).strip()
    digits = ""
    for char in value[:6]:
        if char not in "0123456789":  # not str.isdigit(): int() refuses "²"
            break
        digits += char
    return min(max(int(digits) if digits else 1, 1), limit)


def _tag_name(node: Any) -> str:
    return str(node.tag).strip().lower() if isinstance(node, mw.Tag) else ""


def _is_blank(node: Any) -> bool:
    return isinstance(node, mw.Comment) or (isinstance(node, mw.Text) and not node.value.strip())


@dataclass
class _Reader:
    """Reads a table's rows, caption and stray content."""

    ctx: Context

    def __post_init__(self) -> None:
        self.rows: list[list[_Cell]] = []
        self.caption: list[Any] = []
        self.open_row: list[_Cell] | None = None

    def cell(self, tag: Any) -> _Cell:
        return _Cell(_tag_name(tag) == "th", tag.contents, _span(tag, "colspan", MAX_COLSPAN),
                     _span(tag, "rowspan", 1_000_000))

    def walk(self, nodes: Any) -> None:
        for node in nodes:
            name = _tag_name(node)
            if name in _CELLS:
                if self._caption(node):
                    continue
                if self.open_row is None:
                    self.open_row = []
                    self.rows.append(self.open_row)
                self.open_row.append(self.cell(node))
            elif name == "tr":
                self.open_row = None
                row = [self.cell(child) for child in node.contents.nodes
                       if _tag_name(child) in _CELLS]
                if any(not _is_blank(child) and _tag_name(child) not in _CELLS
                       for child in node.contents.nodes):
                    self.ctx.note("table content outside its cells dropped")
                self.rows.append(row)
            elif name in _SECTIONS:
                self.walk(node.contents.nodes)
            elif name == "caption":
                self.caption.extend(node.contents.nodes)
            elif not _is_blank(node):
                self.ctx.note("table content outside its cells dropped")

    def _caption(self, tag: Any) -> bool:
        """Whether a cell is really the caption ("|+ Caption", which mwparserfromhell reads as
        a cell whose text starts with "+"), and if so take it."""
        nodes = tag.contents.nodes if tag.contents is not None else []
        if tag.wiki_markup != "|" or self.open_row is not None or self.rows or not nodes:
            return False
        first = nodes[0]
        if not (isinstance(first, mw.Text) and first.value.startswith("+")):
            return False
        self.caption.extend([first.value[1:], *nodes[1:]])
        return True


def _escape_pipes(text: str) -> str:
    """Every "|" not already escaped gets a backslash (a cell ends at a bare one)."""
    out: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            out.append("\\")
        out.append(char)
    return "".join(out)


def _has_table(blocks: list[Block] | tuple[Block, ...]) -> bool:
    return any(isinstance(block, Table) or (isinstance(block, Quote) and _has_table(block.blocks))
               for block in blocks)


def _cell_text(cell: _Cell, ctx: Context, build: BuildBlocks) -> str:
    blocks = build(cell.contents, ctx)
    if not blocks:
        return ""
    if len(blocks) == 1 and isinstance(blocks[0], Paragraph):
        text = " ".join(blocks[0].text.split("\n"))
    else:
        if _has_table(blocks):
            ctx.note("nested table flattened into its cell")
        else:
            ctx.note("table cell with several lines or a list joined into one line")
        text = flatten(blocks)
    return _escape_pipes(text.strip())


def convert_table(tag: Any, ctx: Context, build: BuildBlocks) -> list[Block]:
    """A table tag as a Markdown table (see the module's docstring)."""
    reader = _Reader(ctx)
    reader.walk(tag.contents.nodes if tag.contents is not None else [])
    caption = _escape_pipes(inline_markdown(reader.caption, ctx)) if reader.caption else ""
    rows = [row for row in reader.rows if row]
    if not rows:
        return [Paragraph(bold(caption))] if caption else []
    header = all(cell.header for cell in rows[0])
    if not header:
        ctx.note("table without a header row given an empty one")
    grid: list[tuple[str, ...]] = []
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        out: list[str] = []
        for cell in row:
            while (r, len(out)) in covered:
                out.append("")
            text = _cell_text(cell, ctx, build)
            if cell.header and (r or not header) and text:
                text = bold(text)
            if cell.colspan > 1 or cell.rowspan > 1:
                ctx.note("table cell spanning several rows or columns split into single cells")
            column = len(out)
            out.extend([text] + [""] * (cell.colspan - 1))
            for below in range(r + 1, min(r + cell.rowspan, len(rows))):
                covered.update((below, c) for c in range(column, column + cell.colspan))
        while (r, len(out)) in covered:
            out.append("")
        grid.append(tuple(out))
    return [Table(tuple(grid), header, caption)]
