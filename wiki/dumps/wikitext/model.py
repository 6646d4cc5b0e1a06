"""The blocks a page is made of once read: paragraphs, headings, list items, code, quotations,
tables, rules and lines kept as they are. Their text is Markdown already (inline); the writer
lays the blocks out (wiki.dumps.wikitext.writer)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    """Lines of inline Markdown read as one paragraph."""

    text: str


@dataclass(frozen=True)
class Heading:
    """A section heading, level 1 to 6."""

    level: int
    text: str


@dataclass(frozen=True)
class ListItem:
    """One line of a list; prefix is MediaWiki's: "*", "#", ";", ":" and their nestings."""

    prefix: str
    text: str


@dataclass(frozen=True)
class ItemList:
    """Consecutive list lines."""

    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class Code:
    """Preformatted text, shown as typed."""

    text: str
    language: str = ""


@dataclass(frozen=True)
class Quote:
    """A block quotation."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Table:
    """A table whose cells are one line of inline Markdown each; header=False when the first row
    is not a header row (Markdown needs one, so an empty one is written)."""

    rows: tuple[tuple[str, ...], ...]
    header: bool
    caption: str = ""


@dataclass(frozen=True)
class Rule:
    """A horizontal rule."""


@dataclass(frozen=True)
class Line:
    """A line kept as it is, on its own (a {{Reflist}}, a redirect)."""

    text: str


Block = Paragraph | Heading | ItemList | Code | Quote | Table | Rule | Line

