"""Sections of a Markdown text as MediaWiki numbers them (rvsection=N, action=edit section=N).

Section 0 is the lead, the text before the first heading. Section k is the k-th heading in
document order with everything after it up to the next heading of the same or a higher level
(so a section includes its subsections). ATX headings (``## Title``) and setext headings (a
paragraph underlined with ``===`` or ``---``) count; lines inside fenced code, indented code,
block quotes and list items do not.

Pure functions over the text; offsets are character offsets into the text given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*\Z")
_ATX_EMPTY_CLOSE = re.compile(r"#+\Z")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*\Z")
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})(.*)\Z")
_THEMATIC_BREAK = re.compile(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})\Z")
# Lines that start a block other than a paragraph: a block quote or a list item.
_OTHER_BLOCK = re.compile(r" {0,3}(?:>|[-+*](?:[ \t]|\Z)|\d{1,9}[.)](?:[ \t]|\Z))")


class NoSuchSection(ValueError):
    """The text has no section of that number."""

    def __init__(self, number: object) -> None:
        super().__init__(f"There is no section {number}.")
        self.number = number


@dataclass(frozen=True, slots=True)
class Section:
    """One section: its number, heading level (0 for the lead), heading title (plain as
    written, "" for the lead) and where it starts and ends in the text. ``body_start`` is where
    the text after the heading line(s) begins."""

    number: int
    level: int
    title: str
    start: int
    body_start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Heading:
    level: int
    title: str
    start: int
    body_start: int


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(start offset, end offset including the newline, line without its newline) of each
    line."""
    found: list[tuple[int, int, str]] = []
    position = 0
    length = len(text)
    while position < length:
        newline = text.find("\n", position)
        end = length if newline < 0 else newline + 1
        line = text[position:end].rstrip("\n")
        found.append((position, end, line.removesuffix("\r")))
        position = end
    return found


def _indent(line: str) -> int:
    width = 0
    for character in line:
        if character == " ":
            width += 1
        elif character == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _atx(line: str) -> tuple[int, str] | None:
    match = _ATX.match(line)
    if match is None:
        return None
    title = (match.group(2) or "").strip()
    if _ATX_EMPTY_CLOSE.fullmatch(title):  # "## ##": an empty heading
        title = ""
    return len(match.group(1)), title


def _headings(text: str) -> list[_Heading]:
    """The headings in document order."""
    headings: list[_Heading] = []
    fence: tuple[str, int] | None = None  # the open fence's character and length
    paragraph: list[tuple[int, str]] = []  # the open paragraph's lines: (start offset, text)
    for start, end, line in _lines(text):
        if fence is not None:
            stripped = line.strip()
            if (_indent(line) < 4 and stripped and set(stripped) == {fence[0]}
                    and len(stripped) >= fence[1]):
                fence = None
            continue
        if not line.strip():
            paragraph = []
            continue
        if paragraph and _SETEXT.match(line):
            level = 1 if line.strip()[0] == "=" else 2
            title = " ".join(part.strip() for _, part in paragraph)
            headings.append(_Heading(level, title, paragraph[0][0], end))
            paragraph = []
            continue
        if _indent(line) >= 4:
            if paragraph:  # a lazy continuation of the paragraph
                paragraph.append((start, line))
            continue
        opening = _FENCE_OPEN.match(line)
        if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            fence = (opening.group(1)[0], len(opening.group(1)))
            paragraph = []
            continue
        atx = _atx(line)
        if atx is not None:
            headings.append(_Heading(atx[0], atx[1], start, end))
            paragraph = []
            continue
        if _THEMATIC_BREAK.match(line) or _OTHER_BLOCK.match(line):
            paragraph = []
            continue
        paragraph.append((start, line))
    return headings


def split_sections(text: str) -> list[Section]:
    """Every section of the text: item 0 is the lead (level 0, possibly empty), item k the
    section of the k-th heading, up to the next heading of the same or a higher level."""
    headings = _headings(text)
    first = headings[0].start if headings else len(text)
    sections = [Section(0, 0, "", 0, 0, first)]
    for index, heading in enumerate(headings):
        end = len(text)
        for later in headings[index + 1:]:
            if later.level <= heading.level:
                end = later.start
                break
        sections.append(Section(index + 1, heading.level, heading.title, heading.start,
                                heading.body_start, end))
    return sections


def _section(text: str, number: int) -> Section:
    if number < 0:
        raise NoSuchSection(number)
    sections = split_sections(text)
    if number >= len(sections):
        raise NoSuchSection(number)
    return sections[number]


def section_text(text: str, number: int) -> str:
    """The text of section ``number``, its heading included, without trailing blank lines;
    NoSuchSection when there is none (section 0 always exists, perhaps empty)."""
    found = _section(text, number)
    return text[found.start:found.end].rstrip()


def replace_section(text: str, number: int, new_text: str) -> str:
    """The text with section ``number`` replaced by ``new_text`` (which brings its own heading,
    or none for the lead); an empty ``new_text`` removes the section. NoSuchSection when there
    is none."""
    found = _section(text, number)
    before = text[:found.start]
    after = text[found.end:]
    replacement = new_text.strip("\n").rstrip()
    if not replacement:
        return (before + after).rstrip()
    if after:
        replacement += "\n\n"
    return before + replacement + after
