"""Signatures at save time, as MediaWiki's pre-save transform makes them: "~~~" becomes the
editor's signature, "~~~~" the signature and a timestamp, "~~~~~" the timestamp alone.

Pure: expand(text, name, is_ip, now) reads no database and no request. Tildes that the page's
Markdown shows literally stay as typed: inside code spans, fenced or indented code blocks, HTML
comments, or after a backslash ("\\~~~~"). The scanner follows the Markdown structure line by
line; one rule is the wiki's own: a line of only tildes opens a fenced code block only when a
closing fence follows (otherwise it is someone signing on a line of their own).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BACKTICKS = re.compile(r"`+")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?: |$)")
_INDENTED = re.compile(r"^(?: {4}|\t)")
# What the prose scanner skips: code spans (a run of backticks up to the same run), comments,
# an escaped tilde; and what it expands: runs of three or more tildes.
_PROSE = re.compile(r"(?P<ticks>`+)|(?P<comment><!--.*?-->)|(?P<escaped>\\~+)|(?P<tildes>~{3,})",
                    re.DOTALL)


def signature(name: str, is_ip: bool) -> str:
    """The wikitext of a signature: a link to the user page and talk page, or for an IP
    editor to their contributions."""
    if is_ip:
        return f"[[Special:Contributions/{name}|{name}]]"
    return f"[[User:{name}|{name}]] ([[User talk:{name}|talk]])"


def timestamp(now: datetime) -> str:
    """A signature's timestamp, as MediaWiki writes it: "01:15, 30 November 2026 (UTC)"."""
    return f"{now:%H:%M}, {now.day} {MONTHS[now.month - 1]} {now.year} (UTC)"


def expand(text: str, name: str, is_ip: bool, now: datetime) -> str:
    """The text with every signature mark outside literal text replaced."""
    if "~~~" not in text:
        return text
    sign, stamp = signature(name, is_ip), timestamp(now)

    def tildes(count: int) -> str:
        # MediaWiki replaces five, then four, then three: "~~~~~~~~" is a timestamp and a
        # signature; two left over stay as typed.
        out = []
        while count >= 5:
            out.append(stamp)
            count -= 5
        if count == 4:
            out.append(f"{sign} {stamp}")
        elif count == 3:
            out.append(sign)
        else:
            out.append("~" * count)
        return "".join(out)

    return "".join(
        _expand_prose(part, tildes) if is_prose else part
        for is_prose, part in _blocks(text)
    )


def _expand_prose(text: str, tildes: Callable[[int], str]) -> str:
    """Expand the tilde runs of prose, skipping code spans, comments and escaped tildes."""
    out: list[str] = []
    position = 0
    while True:
        match = _PROSE.search(text, position)
        if match is None:
            out.append(text[position:])
            return "".join(out)
        if match.group("tildes"):
            out.append(text[position:match.start()])
            out.append(tildes(len(match.group("tildes"))))
            position = match.end()
            continue
        end = match.end()
        if match.group("ticks"):
            end = _code_span_end(text, match.end(), len(match.group("ticks")))
        out.append(text[position:end])
        position = end


def _code_span_end(text: str, start: int, length: int) -> int:
    """Where a code span opened by `length` backticks ends (past its closing run, within the
    paragraph), or `start` when it is never closed and the backticks are plain text."""
    paragraph_end = _BLANK_LINE.search(text, start)
    limit = paragraph_end.start() if paragraph_end else len(text)
    for run in _BACKTICKS.finditer(text, start, limit):
        if len(run.group(0)) == length:
            return run.end()
    return start


def _blocks(text: str) -> Iterator[tuple[bool, str]]:
    """The text cut into runs of prose (True) and literal code blocks (False), lines kept
    whole with their line ends, so that joining the parts gives the text back."""
    lines = text.splitlines(keepends=True)
    prose: list[str] = []
    i = 0
    in_list = False
    previous_blank = True
    while i < len(lines):
        line = lines[i]
        bare = line.rstrip("\n")
        fence = _FENCE.match(bare)
        if fence and not (fence.group("fence")[0] == "`" and "`" in fence.group("info")):
            end = _closing_fence(lines, i + 1, fence.group("fence"))
            if end is not None or fence.group("fence")[0] == "`":
                stop = len(lines) if end is None else end + 1
                yield True, "".join(prose)
                prose = []
                yield False, "".join(lines[i:stop])
                i, previous_blank = stop, False
                continue
        if _INDENTED.match(bare) and bare.strip() and previous_blank and not in_list:
            stop = i
            while stop < len(lines) and (_INDENTED.match(lines[stop]) or not lines[stop].strip()):
                stop += 1
            while stop > i + 1 and not lines[stop - 1].strip():  # trailing blanks are prose
                stop -= 1
            yield True, "".join(prose)
            prose = []
            yield False, "".join(lines[i:stop])
            i, previous_blank = stop, False
            continue
        if bare.strip():
            if _LIST_ITEM.match(bare):
                in_list = True
            elif not _INDENTED.match(bare) and previous_blank:
                in_list = False
        previous_blank = not bare.strip()
        prose.append(line)
        i += 1
    yield True, "".join(prose)


def _closing_fence(lines: list[str], start: int, opening: str) -> int | None:
    """The index of the line that closes a fence opened with `opening`, or None."""
    closing = re.compile(r"^\s*" + re.escape(opening[0]) + "{" + str(len(opening)) + r",}\s*$")
    for index in range(start, len(lines)):
        if closing.match(lines[index].rstrip("\n")):
            return index
    return None
