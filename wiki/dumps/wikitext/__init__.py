"""MediaWiki wikitext to this wiki's Markdown, for pages imported with the `wikitext` model.

convert(wikitext, title) -> Conversion is pure and thread-safe, and never raises: it parses the
text with mwparserfromhell and walks the node tree (no patterns over the raw text). Headings,
emphasis, lists, tables, references (as footnotes), external links and preformatted text are
rewritten; wikilinks, categories, files and template calls are kept as typed, since this wiki
reads them too; comments, interlanguage links and behaviour switches other than __NOTOC__ are
dropped. What could only be approximated is told in Conversion.notes.

The modules, one job each: safety (bounding the parse), blocks (lines into blocks), inline
(inline nodes), source (kept calls and links), tables, refs (footnotes), writer (blocks to
Markdown), escape (plain text that stays plain), languages (interlanguage prefixes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import mwparserfromhell
import mwparserfromhell.nodes as mw

from wiki.dumps.wikitext.blocks import build_blocks
from wiki.dumps.wikitext.context import Context
from wiki.dumps.wikitext.escape import code_fence, escape_text
from wiki.dumps.wikitext.model import Block, Line
from wiki.dumps.wikitext.safety import neutralize_unclosed, split_at_cost, strip_stand_ins
from wiki.dumps.wikitext.source import wikilink_source
from wiki.dumps.wikitext.writer import to_markdown

FAILED = "the page could not be converted; its text is kept as typed in a code block"
TOO_COMPLEX = ("the page is too long or complex to convert in full; its end is kept as "
               "plain text")


@dataclass(frozen=True)
class Conversion:
    """The Markdown made from a page's wikitext, and notes on what was approximated."""

    markdown: str
    notes: list[str] = field(default_factory=list)

    @property
    def approximate(self) -> bool:
        """Whether anything was approximated (the notes say what)."""
        return bool(self.notes)


def convert(wikitext: str, title: str | None = None) -> Conversion:
    """Convert a page's wikitext to this wiki's Markdown. `title` names the page for the
    notes; the conversion itself does not depend on it."""
    try:
        return _convert(wikitext)
    except Exception:  # any input at all must give a page, never fail an import
        where = f" ({title})" if title else ""
        return Conversion(code_fence(str(wikitext)) + "\n", [FAILED + where])


def _convert(wikitext: str) -> Conversion:
    text = strip_stand_ins(wikitext.replace("\r\n", "\n").replace("\r", "\n"))
    ctx = Context()
    head, rest = split_at_cost(text)
    if rest:
        ctx.note(TOO_COMPLEX)
    head, _changed = neutralize_unclosed(head)
    code = mwparserfromhell.parse(head)
    ctx.footnotes.collect(code)
    blocks = _redirect(code, ctx)
    blocks += build_blocks(code, ctx, fresh=True)
    parts = ["__NOTOC__"] if ctx.notoc else []
    parts.append(to_markdown(blocks))
    parts.append(_footnote_definitions(ctx))
    if rest:
        parts.append(escape_text(rest.rstrip("\n"), line_start=True))
    markdown = "\n\n".join(part for part in parts if part.strip())
    return Conversion(markdown + "\n" if markdown else "", ctx.notes)


def _redirect(code: Any, ctx: Context) -> list[Block]:
    """"#REDIRECT [[Target]]" (mwparserfromhell reads the "#" as a list item): the redirect
    line, taken out of `code`."""
    nodes = code.nodes
    start = 0
    while start < len(nodes) and isinstance(nodes[start], mw.Text) \
            and not nodes[start].value.strip():
        start += 1
    if len(nodes) < start + 3:
        return []
    marker, word, link = nodes[start:start + 3]
    if not (isinstance(marker, mw.Tag) and marker.wiki_markup == "#"
            and isinstance(word, mw.Text) and isinstance(link, mw.Wikilink)):
        return []
    if word.value.strip().rstrip(":").strip().lower() != "redirect":
        return []
    moved: list[Any] = []
    line = Line(f"#REDIRECT {wikilink_source(link, ctx, moved)}")
    del nodes[:start + 3]
    if moved:
        nodes[:0] = moved
    return [line]


def _footnote_definitions(ctx: Context) -> str:
    """Each cited note as a footnote definition; notes cited inside notes too."""
    lines: list[str] = []
    pending = ctx.footnotes.unwritten()
    while pending:
        for label, contents in pending:
            body = to_markdown(build_blocks(contents, ctx)).split("\n")
            lines.append(f"[^{label}]: {body[0]}".rstrip())
            lines.extend(f"    {line.strip()}" if line.strip() else "" for line in body[1:])
        pending = ctx.footnotes.unwritten()
    return "\n".join(lines)


__all__ = ["Conversion", "convert"]
