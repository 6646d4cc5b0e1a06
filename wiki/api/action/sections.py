"""Sections of a Markdown text as MediaWiki numbers them: the one splitter behind reading a
section (prop=revisions&rvsection=N, action=parse&section=N, action=compare) and editing one
(action=edit&section=N or section=new), so that the section read is the section replaced.

Section 0 is the lead before the first heading; section k starts at the k-th heading in document
order and runs up to the next heading of the same or a higher level, its subsections included.
ATX headings ("## Title") and setext headings ("Title" over "===" or "---") count, as the
renderer finds them (its table of contents lists the same headings); lines inside fenced code,
indented code, HTML blocks, quotes and list items do not. Pure functions over strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_ATX_EMPTY_CLOSE = re.compile(r"#+")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_LIST_ITEM = re.compile(r" {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
_QUOTE = re.compile(r" {0,3}>")
_THEMATIC_BREAK = re.compile(r" {0,3}([-*_])[ \t]*(?:\1[ \t]*){2,}")
_INDENTED_CODE = re.compile(r" {4}|\t")
_TABLE_DELIMITER = re.compile(r" {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
# HTML blocks (the renderer shows them as text, but they still end where CommonMark ends them):
# <pre>, <script>, <style> and <textarea> run to their closing tag, comments to "-->", block
# elements and lines that are a lone tag to the next blank line.
_HTML_RAW = re.compile(r" {0,3}<(pre|script|style|textarea)(?:[ \t>]|$)", re.IGNORECASE)
_HTML_COMMENT = re.compile(r" {0,3}<!--")
_HTML_BLOCK = re.compile(
    r" {0,3}</?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|"
    r"colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|"
    r"frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|"
    r"noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|"
    r"thead|title|tr|track|ul)(?:[ \t]|/?>|$)", re.IGNORECASE)
_HTML_LONE_TAG = re.compile(
    r" {0,3}(?:<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|"
    r"\"[^\"]*\"))?)*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)[ \t]*")


_NUMBER = re.compile(r"[0-9]{1,6}")


def section_number(raw: str) -> int | None:
    """A section number as every module takes it: up to six ASCII digits; None for anything
    else (the caller says which error that is)."""
    return int(raw) if _NUMBER.fullmatch(raw) else None


class NoSuchSection(LookupError):
    """The text has no section with that number."""

    def __init__(self, number: int) -> None:
        super().__init__(f"There is no section {number}.")
        self.number = number


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading: its level (1-6), its text, the index of its first line, the index of the
    line after it, and the byte offset (UTF-8) of its first line in the text."""

    level: int
    text: str
    start: int
    end: int
    byte_offset: int


def _fence_closes(line: str, opening: str) -> bool:
    match = _FENCE.fullmatch(line)
    return (match is not None and match.group(1)[0] == opening[0]
            and len(match.group(1)) >= len(opening) and not match.group(2).strip())


def _html_end(line: str, in_paragraph: bool) -> str | None:
    """How an HTML block starting at this line ends ("" for a blank line, else the text that
    closes it), or None when the line starts none."""
    raw = _HTML_RAW.match(line)
    if raw is not None:
        return f"</{raw.group(1).lower()}>"
    if _HTML_COMMENT.match(line):
        return "-->"
    if _HTML_BLOCK.match(line) or (not in_paragraph and _HTML_LONE_TAG.fullmatch(line)):
        return ""
    return None


def _breaks_item(line: str) -> bool:
    """Whether a line that is not indented to a list item's text ends it, rather than lazily
    continuing it."""
    return bool(_LIST_ITEM.match(line) or _ATX.fullmatch(line) or _FENCE.fullmatch(line)
                or _THEMATIC_BREAK.fullmatch(line) or _QUOTE.match(line)
                or _html_end(line, True) is not None)


def _cells(row: str) -> int:
    """How many cells a table row has."""
    inner = row.strip().replace("\\|", "")
    inner = inner.removeprefix("|").removesuffix("|")
    return inner.count("|") + 1


def _interrupts(item_line: str) -> bool:
    """Whether a list item may interrupt a paragraph: it has text, and an ordered one starts
    at 1."""
    marker, _, rest = item_line.strip().partition(" ")
    return bool(rest.strip()) and (not marker[0].isdecimal() or int(marker[:-1]) == 1)


@dataclass
class _Scanner:
    """Reads a text line by line, noting headings, and what block it is in: fenced code, an
    HTML block, a paragraph (a setext underline turns it into a heading), a quote (whose lines
    continue it up to a blank line) or a list item (the lines indented to its text, and those
    that lazily continue it)."""

    lines: list[str]
    offsets: list[int]
    found: list[Heading] = field(default_factory=list)
    fence: str | None = None
    html_end: str | None = None
    paragraph_start: int | None = None
    in_table: bool = False
    in_quote: bool = False
    quote_needs_marker: bool = False  # a quote that opens with code or a blank is not lazy
    item_indent: int | None = None  # the column of the current list item's text
    lazy: bool = False  # no blank line since the list item's last line

    def _leave_blocks(self) -> None:
        self.paragraph_start, self.in_quote, self.item_indent = None, False, None
        self.in_table = False

    def _in_table(self, index: int, line: str) -> bool:
        """Whether the line is a row of a table, or the delimiter row that starts one under a
        header read as a paragraph's line (the renderer lets a table interrupt a paragraph)."""
        if self.in_table:
            if "|" in line:
                return True
            self.in_table = False
            return False
        if self.paragraph_start is None or "|" not in line \
                or not _TABLE_DELIMITER.fullmatch(line):
            return False
        if _cells(self.lines[index - 1]) != _cells(line):
            return False
        self._leave_blocks()
        self.in_table = True
        return True

    def _in_html(self, line: str) -> bool:
        if self.html_end is None:
            return False
        if self.html_end == "":
            if not line.strip():
                self.html_end = None
                self._leave_blocks()
        elif self.html_end in line.lower():
            self.html_end = None
        return True

    def _in_item(self, line: str) -> bool:
        """Whether the line belongs to the current list item (ending the list when not)."""
        if self.item_indent is None:
            return False
        if not line.strip():
            self.lazy = False
            return True
        expanded = line.expandtabs(4)
        indent = len(expanded) - len(expanded.lstrip(" "))
        if indent >= self.item_indent or (self.lazy and not _breaks_item(line)):
            self.lazy = True
            return True
        self.item_indent = None
        return False

    def _in_quote(self, line: str) -> bool:
        """Whether the line belongs to the current quote: it is marked with ">", or it lazily
        continues the quote's text (headings included, as the renderer reads them) unless it
        starts a block that ends the quote."""
        if not self.in_quote:
            return False
        if _QUOTE.match(line):
            return True
        if self.quote_needs_marker or not line.strip() or _THEMATIC_BREAK.fullmatch(line) \
                or _FENCE.fullmatch(line) or _LIST_ITEM.match(line) \
                or _html_end(line, True) is not None:
            self.in_quote = False
            return False
        return True

    def _heading(self, index: int, line: str) -> bool:
        atx = _ATX.fullmatch(line)
        if atx is not None:
            title = (atx.group(2) or "").strip()
            if _ATX_EMPTY_CLOSE.fullmatch(title):  # "## ##": an empty heading, closed
                title = ""
            self.found.append(Heading(len(atx.group(1)), title, index, index + 1,
                                      self.offsets[index]))
            self._leave_blocks()
            return True
        underline = _SETEXT.fullmatch(line)
        start = self.paragraph_start
        if underline is None or start is None:
            return False
        label = " ".join(part.strip() for part in self.lines[start:index])
        self.found.append(Heading(1 if underline.group(1)[0] == "=" else 2, label, start,
                                  index + 1, self.offsets[start]))
        self.paragraph_start = None
        return True

    def read(self, index: int, line: str) -> None:
        """Take the next line."""
        if self.fence is not None:
            if _fence_closes(line, self.fence):
                self.fence = None
            return
        if self._in_html(line) or self._in_item(line):
            return
        if self._in_quote(line) or self._in_table(index, line):
            return
        fence = _FENCE.fullmatch(line)
        if fence is not None and not (fence.group(1)[0] == "`" and "`" in fence.group(2)):
            self.fence = fence.group(1)
            self._leave_blocks()
            return
        if not line.strip() or _THEMATIC_BREAK.fullmatch(line) and self.paragraph_start is None:
            self._leave_blocks()
            return
        html_end = _html_end(line, self.paragraph_start is not None)
        if html_end is not None:
            self.html_end = html_end
            self._leave_blocks()
            self._in_html(line)  # a block may end on its first line
            return
        if self._heading(index, line):
            return
        item = _LIST_ITEM.match(line)
        if item is not None and self.paragraph_start is not None and not _interrupts(line):
            item = None  # the paragraph's next line
        if _THEMATIC_BREAK.fullmatch(line):
            self._leave_blocks()
        elif _QUOTE.match(line):
            self._leave_blocks()
            first = _QUOTE.sub("", line, count=1).removeprefix(" ")
            self.in_quote = True
            self.quote_needs_marker = not first.strip() or bool(
                _INDENTED_CODE.match(first) or _FENCE.fullmatch(first))
        elif item is not None:
            self._leave_blocks()
            rest = line[item.end():]
            self.item_indent = item.end() + len(rest) - len(rest.lstrip(" ")) \
                if rest.strip() else item.end()
            self.lazy = True
        elif self.paragraph_start is None and not _INDENTED_CODE.match(line):
            self.paragraph_start = index


def headings(text: str) -> list[Heading]:
    """Every heading outside code, HTML blocks and quotes, in document order."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode("utf-8")) + 1)
    scanner = _Scanner(lines, offsets)
    for index, line in enumerate(lines):
        scanner.read(index, line)
    return scanner.found


@dataclass(frozen=True, slots=True)
class Section:
    """One section: its number, heading level (0 for the lead), heading text ("" for the lead)
    and the character offsets where it starts, where the text after its heading starts, and
    where it ends."""

    number: int
    level: int
    title: str
    start: int
    body_start: int
    end: int


def split_sections(text: str) -> list[Section]:
    """Every section of the text: item 0 is the lead (level 0, possibly empty), item k the
    section of the k-th heading, up to the next heading of the same or a higher level."""
    found = headings(text)
    starts = [0]
    for line in text.split("\n"):
        starts.append(min(starts[-1] + len(line) + 1, len(text)))
    sections = [Section(0, 0, "", 0, 0, starts[found[0].start] if found else len(text))]
    for number, heading in enumerate(found, start=1):
        _lines, start, end = _bounds(text, number)
        sections.append(Section(number, heading.level, heading.text, starts[start],
                                starts[heading.end], starts[end]))
    return sections


def section_count(text: str) -> int:
    """How many sections after the lead the text has."""
    return len(headings(text))


def _bounds(text: str, number: int) -> tuple[list[str], int, int]:
    """The text's lines and the [start, end) line range of section `number`."""
    lines = text.split("\n")
    found = headings(text)
    if number == 0:
        return lines, 0, found[0].start if found else len(lines)
    if number < 0 or number > len(found):
        raise NoSuchSection(number)
    heading = found[number - 1]
    end = next((later.start for later in found[number:] if later.level <= heading.level),
               len(lines))
    return lines, heading.start, end


def section_text(text: str, number: int) -> str:
    """The text of section `number`, its heading included (NoSuchSection if there is none)."""
    lines, start, end = _bounds(text, number)
    return "\n".join(lines[start:end]).strip("\n")


def replace_section(text: str, number: int, new: str) -> str:
    """The text with section `number` replaced by `new` (which brings its own heading, if
    any). As in MediaWiki, a blank line separates the new text from the section after it."""
    lines, start, end = _bounds(text, number)
    before = "\n".join(lines[:start]).rstrip("\n")
    after = "\n".join(lines[end:]).strip("\n")
    middle = new.strip("\n")
    return "\n\n".join(part for part in (before, middle, after) if part)


def add_section(text: str, heading: str, body: str) -> str:
    """The text with a new last section: a level-2 heading (none when empty) and its body."""
    title = " ".join(heading.split())
    parts = [text.rstrip("\n")] if text.strip() else []
    if title:
        parts.append(f"## {title}")
    if body.strip("\n"):
        parts.append(body.strip("\n"))
    return "\n\n".join(parts)
