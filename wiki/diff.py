"""Comparison of two revisions of a page's text, as rows for a side-by-side diff table.

Pure functions over strings; the result is plain data (never HTML), so templates decide how it
looks. Lines are compared with difflib.SequenceMatcher; paired changed lines are compared again
word by word so the changed words can be marked. ``\\r\\n`` and ``\\n`` count as the same line
ending, and a missing final newline is not a difference.
"""

from __future__ import annotations

import difflib
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

HEADER, CONTEXT, ADD, DELETE, CHANGE = "header", "context", "add", "delete", "change"

# Paired lines less alike than this are shown as a deletion plus an addition.
MIN_SIMILARITY = 0.4
# Above this many element comparisons a range is first split at lines unique to both sides.
_COMPARISON_BUDGET = 250_000
# Largest replaced block (old lines times new lines, and characters compared) whose lines are
# paired by best likeness; bigger blocks are paired in order.
_PAIRING_LIMIT = 144
_PAIRING_CHARACTERS = 40_000
# Replaced blocks larger than this are shown as whole deleted and added lines, without words.
_WORD_DIFF_CHARACTERS = 100_000

Block = tuple[int, int, int]
Opcode = tuple[str, int, int, int, int]


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text within a line; ``changed`` marks a run that differs from the other side."""

    text: str
    changed: bool


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row of a side-by-side diff: a hunk header, a context line, or a changed line."""

    kind: str
    old_number: int | None
    new_number: int | None
    old: tuple[Segment, ...]
    new: tuple[Segment, ...]


def split_lines(text: str) -> list[str]:
    """Split text into lines without their endings; one final newline ends the last line."""
    text = text.replace("\r\n", "\n")
    if not text:
        return []
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n")


def matching_blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Block]:
    """Return difflib-style matching blocks ``(i, j, size)`` ending with ``(len(a), len(b), 0)``."""
    found: list[Block] = []
    _match(a, 0, len(a), b, 0, len(b), found)
    merged: list[Block] = []
    for i, j, size in found:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            start_i, start_j, length = merged[-1]
            merged[-1] = (start_i, start_j, length + size)
        else:
            merged.append((i, j, size))
    merged.append((len(a), len(b), 0))
    return merged


def _match(a: Sequence[Hashable], alo: int, ahi: int, b: Sequence[Hashable], blo: int, bhi: int,
           out: list[Block]) -> None:
    """Append matching blocks of ``a[alo:ahi]`` and ``b[blo:bhi]`` to ``out`` in order."""
    prefix = 0
    while alo + prefix < ahi and blo + prefix < bhi and a[alo + prefix] == b[blo + prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < ahi - alo - prefix
        and suffix < bhi - blo - prefix
        and a[ahi - 1 - suffix] == b[bhi - 1 - suffix]
    ):
        suffix += 1
    if prefix:
        out.append((alo, blo, prefix))
    if alo + prefix < ahi - suffix and blo + prefix < bhi - suffix:
        _match_middle(a, alo + prefix, ahi - suffix, b, blo + prefix, bhi - suffix, out)
    if suffix:
        out.append((ahi - suffix, bhi - suffix, suffix))


def _match_middle(
    a: Sequence[Hashable], alo: int, ahi: int, b: Sequence[Hashable], blo: int, bhi: int,
    out: list[Block],
) -> None:
    """Match a range whose ends differ, splitting large ranges at lines unique to both sides."""
    a_part, b_part = a[alo:ahi], b[blo:bhi]
    a_counts, b_counts = Counter(a_part), Counter(b_part)
    comparisons = sum(count * b_counts[item] for item, count in a_counts.items())
    anchors: list[tuple[int, int]] = []
    if comparisons > _COMPARISON_BUDGET:
        anchors = unique_anchors(a_part, b_part, a_counts, b_counts)
    if not anchors:
        # A huge range with no shared unique line would be very slow to match exactly.
        autojunk = comparisons > _COMPARISON_BUDGET
        matcher = difflib.SequenceMatcher(None, a_part, b_part, autojunk=autojunk)
        out.extend((alo + i, blo + j, size) for i, j, size in matcher.get_matching_blocks() if size)
        return
    next_a, next_b = alo, blo
    for i, j in anchors:
        _match(a, next_a, alo + i, b, next_b, blo + j, out)
        out.append((alo + i, blo + j, 1))
        next_a, next_b = alo + i + 1, blo + j + 1
    _match(a, next_a, ahi, b, next_b, bhi, out)


def unique_anchors(
    a: Sequence[Hashable], b: Sequence[Hashable], a_counts: Counter[Hashable],
    b_counts: Counter[Hashable],
) -> list[tuple[int, int]]:
    """Return the longest in-order chain of positions of items occurring once in each side."""
    b_position = {item: j for j, item in enumerate(b) if b_counts[item] == 1}
    pairs = [
        (i, b_position[item])
        for i, item in enumerate(a)
        if a_counts[item] == 1 and item in b_position
    ]
    tails: list[int] = []  # smallest b position ending a chain of each length
    tail_index: list[int] = []  # index into pairs of that chain end
    previous: list[int] = []
    for index, (_, j) in enumerate(pairs):
        length = bisect_left(tails, j)
        if length == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[length] = j
            tail_index[length] = index
        previous.append(tail_index[length - 1] if length else -1)
    chain: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        chain.append(pairs[index])
        index = previous[index]
    chain.reverse()
    return chain


def _opcodes(blocks: list[Block]) -> list[Opcode]:
    """Turn matching blocks into difflib-style opcodes."""
    codes: list[Opcode] = []
    i = j = 0
    for block_i, block_j, size in blocks:
        if i < block_i and j < block_j:
            codes.append(("replace", i, block_i, j, block_j))
        elif i < block_i:
            codes.append(("delete", i, block_i, j, block_j))
        elif j < block_j:
            codes.append(("insert", i, block_i, j, block_j))
        if size:
            codes.append(("equal", block_i, block_i + size, block_j, block_j + size))
        i, j = block_i + size, block_j + size
    return codes


def _hunks(codes: list[Opcode], context: int) -> list[list[Opcode]]:
    """Group opcodes into hunks keeping ``context`` unchanged lines around each change."""
    if all(code[0] == "equal" for code in codes):
        return []
    hunks: list[list[Opcode]] = []
    current: list[Opcode] = []
    last = len(codes) - 1
    for index, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag != "equal":
            current.append((tag, i1, i2, j1, j2))
        elif index == 0:
            keep = min(context, i2 - i1)
            if keep:
                current.append((tag, i2 - keep, i2, j2 - keep, j2))
        elif index == last:
            keep = min(context, i2 - i1)
            if keep:
                current.append((tag, i1, i1 + keep, j1, j1 + keep))
        elif i2 - i1 > 2 * context:
            if context:
                current.append((tag, i1, i1 + context, j1, j1 + context))
            hunks.append(current)
            current = [(tag, i2 - context, i2, j2 - context, j2)] if context else []
        else:
            current.append((tag, i1, i2, j1, j2))
    if any(code[0] != "equal" for code in current):
        hunks.append(current)
    return hunks


def _char_kind(char: str) -> str | None:
    """Classify a character for word splitting; ``None`` means it stands alone as a token."""
    if char.isspace():
        return "space"
    code = ord(char)
    if 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF:
        return None  # kana and CJK ideographs: no spaces between words, so one per token
    if 0x20000 <= code <= 0x3FFFF:
        return None
    if char == "_" or unicodedata.category(char)[0] in "LNM":
        return "word"
    return None


def tokenize(line: str) -> list[str]:
    """Split a line into words, whitespace runs and single punctuation or symbol characters."""
    tokens: list[str] = []
    previous: str | None = None
    for char in line:
        kind = _char_kind(char)
        if kind is not None and kind == previous:
            tokens[-1] += char
        else:
            tokens.append(char)
        previous = kind
    return tokens


def _word_diff(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...], float]:
    """Compare two lines by words; return both sides' segments and their similarity (0..1)."""
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    runs: list[tuple[bool, str, str]] = []  # (changed, old text, new text)
    shared = 0
    for tag, i1, i2, j1, j2 in _opcodes(matching_blocks(old_tokens, new_tokens)):
        old_text, new_text = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if tag == "equal":
            shared += sum(len(token) for token in old_tokens[i1:i2] if not token.isspace())
        runs.append((tag != "equal", old_text, new_text))
    visible = len("".join(old.split())) + len("".join(new.split()))
    similarity = 2 * shared / visible if visible else 1.0
    # Whitespace between two changed runs reads better as part of one changed phrase.
    for index in range(1, len(runs) - 1):
        changed, old_run, new_run = runs[index]
        if not changed and old_run.isspace() and runs[index - 1][0] and runs[index + 1][0]:
            runs[index] = (True, old_run, new_run)
    return _segments(runs, 1), _segments(runs, 2), similarity


def _segments(runs: list[tuple[bool, str, str]], side: Literal[1, 2]) -> tuple[Segment, ...]:
    """Join one side's runs into segments, merging neighbours with the same flag."""
    segments: list[Segment] = []
    for run in runs:
        text, changed = run[side], run[0]
        if not text:
            continue
        if segments and segments[-1].changed == changed:
            segments[-1] = Segment(segments[-1].text + text, changed)
        else:
            segments.append(Segment(text, changed))
    return tuple(segments)


def _whole(line: str) -> tuple[Segment, ...]:
    """Segments of a line shown whole (context, added or deleted); empty lines have none."""
    return (Segment(line, False),) if line else ()


def _likeness(old: str, new: str) -> float:
    """Similarity of two lines, skipping the word comparison when their lengths rule it out."""
    shorter, longer = sorted((len("".join(old.split())), len("".join(new.split()))))
    if longer and 2 * shorter / (shorter + longer) < MIN_SIMILARITY:
        return 0.0
    return _word_diff(old, new)[2]


def _pair_lines(old: list[str], new: list[str]) -> list[tuple[int, int]]:
    """Pair lines of a replaced block, in order, so that paired lines are most alike."""
    old_size, new_size = sum(map(len, old)), sum(map(len, new))
    if old_size + new_size > _WORD_DIFF_CHARACTERS:
        return []
    if (
        len(old) * len(new) > _PAIRING_LIMIT
        or old_size * len(new) + new_size * len(old) > _PAIRING_CHARACTERS
    ):
        return [(k, k) for k in range(min(len(old), len(new)))]
    likeness = [[_likeness(o, n) for n in new] for o in old]
    rows, cols = len(old), len(new)
    best = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            score = max(best[i + 1][j], best[i][j + 1])
            if likeness[i][j] >= MIN_SIMILARITY:
                score = max(score, likeness[i][j] + best[i + 1][j + 1])
            best[i][j] = score
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < rows and j < cols:
        like = likeness[i][j]
        if like >= MIN_SIMILARITY and best[i][j] == like + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _replace_rows(old: list[str], new: list[str], i1: int, j1: int) -> list[DiffRow]:
    """Rows for old lines ``old`` (from line ``i1``) replaced by ``new`` (from line ``j1``)."""
    rows: list[DiffRow] = []
    next_old = next_new = 0

    def flush(stop_old: int, stop_new: int) -> None:
        for k in range(next_old, stop_old):
            rows.append(DiffRow(DELETE, i1 + k + 1, None, _whole(old[k]), ()))
        for k in range(next_new, stop_new):
            rows.append(DiffRow(ADD, None, j1 + k + 1, (), _whole(new[k])))

    for o, n in _pair_lines(old, new):
        flush(o, n)
        old_segments, new_segments, similarity = _word_diff(old[o], new[n])
        if similarity >= MIN_SIMILARITY:
            rows.append(DiffRow(CHANGE, i1 + o + 1, j1 + n + 1, old_segments, new_segments))
        else:
            rows.append(DiffRow(DELETE, i1 + o + 1, None, _whole(old[o]), ()))
            rows.append(DiffRow(ADD, None, j1 + n + 1, (), _whole(new[n])))
        next_old, next_new = o + 1, n + 1
    flush(len(old), len(new))
    return rows


def diff_texts(old: str, new: str, context: int = 2) -> list[DiffRow]:
    """Compare two texts line by line into rows for a side-by-side table; equal texts give []."""
    if context < 0:
        raise ValueError("context must not be negative")
    old_lines, new_lines = split_lines(old), split_lines(new)
    codes = _opcodes(matching_blocks(old_lines, new_lines))
    rows: list[DiffRow] = []
    for hunk in _hunks(codes, context):
        _, first_old, _, first_new, _ = hunk[0]
        rows.append(DiffRow(HEADER, first_old + 1, first_new + 1, (), ()))
        for tag, i1, i2, j1, j2 in hunk:
            if tag == "equal":
                for k in range(i2 - i1):
                    line = _whole(old_lines[i1 + k])
                    rows.append(DiffRow(CONTEXT, i1 + k + 1, j1 + k + 1, line, line))
            elif tag == "delete":
                for k in range(i1, i2):
                    rows.append(DiffRow(DELETE, k + 1, None, _whole(old_lines[k]), ()))
            elif tag == "insert":
                for k in range(j1, j2):
                    rows.append(DiffRow(ADD, None, k + 1, (), _whole(new_lines[k])))
            else:
                rows.extend(_replace_rows(old_lines[i1:i2], new_lines[j1:j2], i1, j1))
    return rows


def diff_stats(rows: Iterable[DiffRow]) -> tuple[int, int]:
    """Count lines added and removed; a changed line counts as one of each."""
    added = removed = 0
    for row in rows:
        if row.kind in (ADD, CHANGE):
            added += 1
        if row.kind in (DELETE, CHANGE):
            removed += 1
    return added, removed


def unified(old: str, new: str, old_label: str = "old", new_label: str = "new") -> str:
    """Return a plain unified diff of two texts, or "" when they have the same lines."""
    lines = difflib.unified_diff(
        split_lines(old), split_lines(new), old_label, new_label, lineterm=""
    )
    text = "\n".join(lines)
    return text + "\n" if text else ""
