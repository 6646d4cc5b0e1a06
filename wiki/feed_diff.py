"""The diff a feed entry carries: the first changes of an edit, cut at a size limit.

A feed lists up to 500 edits of pages of up to 2 MiB each, so a full diff per entry could make a
feed of gigabytes. Each entry shows its diff only up to a byte budget (MediaWiki cuts at 32 KiB)
and says when it was cut. The word diff never sees much more than the budget: the unchanged
lines at both ends are skipped, and when the changed middle is still large, lines that occur
once in each text (matched in order, as patience diff does) pick a point where the two texts
line up; only the lines before it, each clipped to the budget, are compared.

Pure functions over strings, like wiki.diff.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate

from markupsafe import escape

from wiki.diff import HEADER, DiffRow, Segment, diff_texts, split_lines, unique_anchors

# What a row and a changed run add to the size of the HTML table around their text.
ROW_MARKUP_BYTES = 200
SEGMENT_MARKUP_BYTES = 32
CONTEXT_LINES = 2  # unchanged lines shown around each change, as on the diff page
# How much text is compared to fill one budget, in row sizes (which count a changed line's
# markup twice, once per side): 3/2 of the budget fills it, and is small enough that wiki.diff
# still pairs the lines of a replaced block, so a cut diff shows both sides, not only deletions.
WINDOW_NUMERATOR, WINDOW_DENOMINATOR = 3, 2


@dataclass(frozen=True, slots=True)
class CutDiff:
    """The rows of a diff that fit the budget; `cut` when the diff goes on beyond them."""

    rows: list[DiffRow]
    cut: bool


def feed_diff(old: str, new: str, budget: int) -> CutDiff:
    """The diff of two texts up to about `budget` bytes of HTML, and whether it was cut."""
    old_lines, new_lines = split_lines(old), split_lines(new)
    start = _common_prefix(old_lines, new_lines)
    tail = _common_suffix(old_lines, new_lines, start)
    old_middle = old_lines[start:len(old_lines) - tail]
    new_middle = new_lines[start:len(new_lines) - tail]
    if not old_middle and not new_middle:
        return CutDiff([], False)
    old_take, new_take = _window(old_middle, new_middle, budget)
    more = old_take < len(old_middle) or new_take < len(new_middle)
    first = start - min(CONTEXT_LINES, start)
    after = 0 if more else min(CONTEXT_LINES, tail)
    old_part = old_lines[first:start + old_take] + \
        old_lines[len(old_lines) - tail:len(old_lines) - tail + after]
    new_part = new_lines[first:start + new_take] + \
        new_lines[len(new_lines) - tail:len(new_lines) - tail + after]
    old_text, old_clipped = _joined(old_part, budget)
    new_text, new_clipped = _joined(new_part, budget)
    rows = [_shifted(row, first) for row in diff_texts(old_text, new_text, CONTEXT_LINES)]
    shown = _within(rows, budget)
    # Lines clipped to the same start can compare equal although they differ.
    cut = more or len(shown) < len(rows) or old_clipped or new_clipped or not shown
    return CutDiff(shown, cut)


def row_bytes(row: DiffRow) -> int:
    """About how many bytes of HTML the diff table spends on a row."""
    return ROW_MARKUP_BYTES + sum(_segment_bytes(segment) for segment in row.old + row.new)


def _segment_bytes(segment: Segment) -> int:
    size = len(str(escape(segment.text)).encode("utf-8"))
    return size + (SEGMENT_MARKUP_BYTES if segment.changed else 0)


def _within(rows: list[DiffRow], budget: int) -> list[DiffRow]:
    """The leading rows whose HTML fits the budget (a hunk header left last is dropped)."""
    used = 0
    shown: list[DiffRow] = []
    for row in rows:
        used += row_bytes(row)
        if used > budget:
            break
        shown.append(row)
    while shown and shown[-1].kind == HEADER:
        shown.pop()
    return shown


def _common_prefix(old: list[str], new: list[str]) -> int:
    """How many lines the two texts start with in common."""
    count = 0
    for old_line, new_line in zip(old, new, strict=False):
        if old_line != new_line:
            break
        count += 1
    return count


def _common_suffix(old: list[str], new: list[str], prefix: int) -> int:
    """How many lines the two texts end with in common, not counting the common prefix."""
    count = 0
    limit = min(len(old), len(new)) - prefix
    while count < limit and old[-1 - count] == new[-1 - count]:
        count += 1
    return count


def _window(old: list[str], new: list[str], budget: int) -> tuple[int, int]:
    """How many of the changed lines of each text to compare: all when they are small; else up
    to the last shared unique line that keeps both within the window, so that the two parts
    end where the texts line up; else (a first change larger than the window, with no such
    line in it) the start of that change, taken from both texts."""
    window = budget * WINDOW_NUMERATOR // WINDOW_DENOMINATOR
    old_sizes = [0, *accumulate(_line_size(line, budget) for line in old)]
    new_sizes = [0, *accumulate(_line_size(line, budget) for line in new)]
    if old_sizes[-1] + new_sizes[-1] <= window:
        return len(old), len(new)
    anchors = unique_anchors(old, new, Counter(old), Counter(new))
    best: tuple[int, int] | None = None
    for i, j in anchors:
        if old_sizes[i + 1] + new_sizes[j + 1] > window:
            break
        best = (i + 1, j + 1)
    if best is not None:
        return best
    old_gap, new_gap = anchors[0] if anchors else (len(old), len(new))
    old_take = _lines_within(old_sizes, old_gap, window // 2)
    new_take = _lines_within(new_sizes, new_gap, window - old_sizes[old_take])
    old_take = _lines_within(old_sizes, old_gap, window - new_sizes[new_take])
    return old_take, new_take


def _line_size(line: str, budget: int) -> int:
    """What a line costs as a row, clipped as feed_diff clips it."""
    return ROW_MARKUP_BYTES + min(len(line), budget)


def _lines_within(sizes: list[int], stop: int, room: int) -> int:
    """How many leading lines (at most `stop`) fit in `room`, by their running sizes; at
    least one, so that a cut diff still shows a change."""
    count = 0
    while count < stop and sizes[count + 1] <= room:
        count += 1
    return max(count, min(1, stop))


def _joined(lines: list[str], budget: int) -> tuple[str, bool]:
    """The lines as one text, each clipped to the budget; and whether any was clipped."""
    clipped = any(len(line) > budget for line in lines)
    if clipped:
        lines = [line[:budget] for line in lines]
    return "".join(line + "\n" for line in lines), clipped  # split_lines gives them back


def _shifted(row: DiffRow, offset: int) -> DiffRow:
    """A row of a diff of text cut from line `offset` on, numbered as in the whole text."""
    if not offset:
        return row
    return dataclasses.replace(
        row,
        old_number=None if row.old_number is None else row.old_number + offset,
        new_number=None if row.new_number is None else row.new_number + offset,
    )
