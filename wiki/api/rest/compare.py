"""The REST API's diff format, made from the wiki's own diff rows (wiki.diff), and the sections of
a text. Pure functions over strings.

MediaWiki's JSON diff lists changed lines with two lines of context around them: type 0 context,
1 added, 2 deleted, 3 changed in-line (the old and new words of the line in one text, with
`highlightRanges` marking the inserted and deleted parts), 4 and 5 for paragraphs moved (this
wiki does not detect moves, so it never sends them). `offset` holds each line's byte offset in the
older (`from`) and newer (`to`) text, null on the side the line is not on; `lineNumber` is the
line's number in the newer text, and for a deleted line its number in the older one.
"""

from __future__ import annotations

import re
from typing import Any

from wiki.diff import ADD, CHANGE, CONTEXT, DELETE, Segment, diff_texts, split_lines

CONTEXT_LINES = 2
CONTEXT_TYPE, ADD_TYPE, DELETE_TYPE, CHANGE_TYPE = 0, 1, 2, 3
INSERTED, DELETED = 0, 1  # highlightRanges types

_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def sections(text: str) -> list[dict[str, Any]]:
    """The headings of a Markdown text as `{"level", "heading", "offset"}` (offset: the byte
    where the heading's line starts): ATX (`## Name`) and setext (underlined) headings, not
    counting lines inside fenced code blocks."""
    found: list[dict[str, Any]] = []
    fence = ""
    offset = 0
    previous: tuple[str, int] | None = None  # a paragraph line that may be underlined
    for line in split_lines(text):
        start, offset = offset, offset + len(line.encode("utf-8")) + 1
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= \
                    len(fence) and not line.strip().strip(fence[0]):
                fence = ""
            continue
        if opening:
            fence, previous = opening.group(1), None
            continue
        atx = _ATX.fullmatch(line)
        underline = _SETEXT.fullmatch(line)
        if atx:
            found.append({"level": len(atx.group(1)), "heading": (atx.group(2) or "").strip(),
                          "offset": start})
            previous = None
        elif underline and previous is not None:
            found.append({"level": 1 if underline.group(1)[0] == "=" else 2,
                          "heading": previous[0].strip(), "offset": previous[1]})
            previous = None
        else:
            previous = (line, start) if line.strip() else None
    return found


def _line_offsets(text: str) -> list[int]:
    """The byte offset where each line starts."""
    offsets = []
    position = 0
    for line in split_lines(text):
        offsets.append(position)
        position += len(line.encode("utf-8")) + 1
    return offsets


def _joined(segments: tuple[Segment, ...]) -> str:
    return "".join(segment.text for segment in segments)


def inline_change(old: tuple[Segment, ...], new: tuple[Segment, ...]
                  ) -> tuple[str, list[dict[str, int]]] | None:
    """One text holding a changed line's old and new words (each deletion before the insertion
    that replaces it) and the byte ranges of the inserted and deleted parts; None if the two
    sides' unchanged text does not line up (then the line is sent as deleted plus added)."""
    old_texts, new_texts = [segment.text for segment in old], [segment.text for segment in new]
    pieces: list[tuple[str, int | None]] = []
    i = j = 0
    while i < len(old) or j < len(new):
        if i < len(old) and old[i].changed:
            pieces.append((old_texts[i], DELETED))
            i += 1
        elif j < len(new) and new[j].changed:
            pieces.append((new_texts[j], INSERTED))
            j += 1
        elif i < len(old) and j < len(new):
            a, b = old_texts[i], new_texts[j]
            common = min(len(a), len(b))
            if a[:common] != b[:common]:
                return None
            pieces.append((a[:common], None))
            old_texts[i], new_texts[j] = a[common:], b[common:]
            if not old_texts[i]:
                i += 1
            if not new_texts[j]:
                j += 1
        else:
            return None  # unchanged text left on one side only
    text = ""
    ranges: list[dict[str, int]] = []
    position = 0
    for piece, kind in pieces:
        size = len(piece.encode("utf-8"))
        if kind is not None and size:
            last = ranges[-1] if ranges else None
            if last is not None and last["type"] == kind and \
                    last["start"] + last["length"] == position:
                last["length"] += size
            else:
                ranges.append({"start": position, "length": size, "type": kind})
        text += piece
        position += size
    return text, ranges


def diff_entries(old: str, new: str) -> list[dict[str, Any]]:
    """The lines that differ between two texts, with context, in MediaWiki's JSON diff shape."""
    old_offsets, new_offsets = _line_offsets(old), _line_offsets(new)
    entries: list[dict[str, Any]] = []

    def deleted(number: int, segments: tuple[Segment, ...]) -> None:
        entries.append({"type": DELETE_TYPE, "lineNumber": number, "text": _joined(segments),
                        "offset": {"from": old_offsets[number - 1], "to": None}})

    def added(number: int, segments: tuple[Segment, ...]) -> None:
        entries.append({"type": ADD_TYPE, "lineNumber": number, "text": _joined(segments),
                        "offset": {"from": None, "to": new_offsets[number - 1]}})

    for row in diff_texts(old, new, context=CONTEXT_LINES):
        if row.kind == CONTEXT:
            assert row.old_number is not None and row.new_number is not None
            entries.append({"type": CONTEXT_TYPE, "lineNumber": row.new_number,
                            "text": _joined(row.new),
                            "offset": {"from": old_offsets[row.old_number - 1],
                                       "to": new_offsets[row.new_number - 1]}})
        elif row.kind == ADD:
            assert row.new_number is not None
            added(row.new_number, row.new)
        elif row.kind == DELETE:
            assert row.old_number is not None
            deleted(row.old_number, row.old)
        elif row.kind == CHANGE:
            assert row.old_number is not None and row.new_number is not None
            inline = inline_change(row.old, row.new)
            if inline is None:
                deleted(row.old_number, row.old)
                added(row.new_number, row.new)
                continue
            entries.append({"type": CHANGE_TYPE, "lineNumber": row.new_number,
                            "text": inline[0],
                            "offset": {"from": old_offsets[row.old_number - 1],
                                       "to": new_offsets[row.new_number - 1]},
                            "highlightRanges": inline[1]})
    return entries
