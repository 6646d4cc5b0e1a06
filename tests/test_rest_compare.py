"""The REST API's diff format and sections, as pure functions: each entry's text and offsets
point at the lines they name, a changed line's highlight ranges rebuild both versions of it, and
headings are found where Markdown has them."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wiki.api.rest.compare import diff_entries, inline_change, sections
from wiki.diff import Segment


def _without(text: str, ranges: list[dict[str, int]], kind: int) -> str:
    """The line with the byte ranges of one kind taken out."""
    data = text.encode("utf-8")
    kept = bytearray()
    position = 0
    for span in ranges:
        if span["type"] != kind:
            continue
        kept += data[position:span["start"]]
        position = span["start"] + span["length"]
    kept += data[position:]
    return kept.decode("utf-8")


def _line_at(text: str, offset: int) -> str:
    return text.encode("utf-8")[offset:].split(b"\n", 1)[0].decode("utf-8")


def check_entries(old: str, new: str, entries: list[dict[str, Any]]) -> None:
    """Every entry names its lines truly."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    for entry in entries:
        offset = entry["offset"]
        kind = entry["type"]
        if kind in (0, 1):
            assert _line_at(new, offset["to"]) == entry["text"]
            assert new_lines[entry["lineNumber"] - 1] == entry["text"]
        if kind in (0, 2):
            assert _line_at(old, offset["from"]) == entry["text"]
        if kind == 2:
            assert offset["to"] is None
            assert old_lines[entry["lineNumber"] - 1] == entry["text"]
        if kind == 1:
            assert offset["from"] is None
        if kind == 3:
            ranges = entry["highlightRanges"]
            assert ranges
            assert _without(entry["text"], ranges, 0) == _line_at(old, offset["from"])
            assert _without(entry["text"], ranges, 1) == _line_at(new, offset["to"])
            assert new_lines[entry["lineNumber"] - 1] == _line_at(new, offset["to"])


def test_each_type() -> None:
    old = "same\nThe quick brown fox\nremoved entirely\nsame again"
    new = "same\nThe slow brown fox\nsame again\nadded"
    entries = diff_entries(old, new)
    assert [entry["type"] for entry in entries] == [0, 3, 2, 0, 1]
    check_entries(old, new, entries)


def test_offsets_count_bytes() -> None:
    old = "ünïcödé\nΑλφα βήτα\nend"
    new = "ünïcödé\nΑλφα γάμμα\nend"
    entries = diff_entries(old, new)
    changed = next(entry for entry in entries if entry["type"] == 3)
    assert changed["offset"] == {"from": len("ünïcödé\n".encode()),
                                 "to": len("ünïcödé\n".encode())}
    check_entries(old, new, entries)


def test_equal_texts_have_no_entries() -> None:
    assert diff_entries("a\nb", "a\nb\n") == []


def test_inline_change_puts_deletions_first() -> None:
    old = (Segment("one ", False), Segment("two", True), Segment(" three", False))
    new = (Segment("one ", False), Segment("2", True), Segment(" three", False))
    assert inline_change(old, new) == ("one two2 three", [
        {"start": 4, "length": 3, "type": 1}, {"start": 7, "length": 1, "type": 0}])


def test_inline_change_with_one_sided_changes() -> None:
    old = (Segment("keep ", False), Segment("gone ", True), Segment("end", False))
    new = (Segment("keep end", False), Segment("!", True))
    text, ranges = inline_change(old, new) or ("", [])
    assert text == "keep gone end!"
    assert ranges == [{"start": 5, "length": 5, "type": 1}, {"start": 13, "length": 1, "type": 0}]


def test_inline_change_refuses_misaligned_sides() -> None:
    assert inline_change((Segment("abc", False),), (Segment("xyz", False),)) is None


LINES = st.lists(st.sampled_from(["alpha beta", "alpha gamma", "", "δέλτα ε", "x y z", "x y",
                                  "# Head", "zeta"]), max_size=12).map("\n".join)


@given(old=LINES, new=LINES)
def test_entries_point_at_their_lines(old: str, new: str) -> None:
    check_entries(old, new, diff_entries(old, new))


@pytest.mark.parametrize(("text", "expected"), [
    ("# One\ntext\n## Two ##\n", [(1, "One", 0), (2, "Two", 11)]),
    ("Title\n=====\n\nSub\n---\n", [(1, "Title", 0), (2, "Sub", 13)]),
    ("```\n# not a heading\n```\n### Real", [(3, "Real", 24)]),
    ("~~~~\n# inside\n~~~\nstill inside\n~~~~\n# out", [(1, "out", 36)]),
    ("#hashtag\n####### seven\n\n---\n", []),
    ("é\n# After", [(1, "After", 3)]),
])
def test_sections(text: str, expected: list[tuple[int, str, int]]) -> None:
    assert [(s["level"], s["heading"], s["offset"]) for s in sections(text)] == expected
