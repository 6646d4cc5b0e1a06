"""Tests for wiki.merge: three-way merging of page texts and reporting of conflicts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wiki.merge import ConflictHunk, MergeResult, merge_texts

BASE = "one\ntwo\nthree\nfour\nfive\nsix\nseven\n"


@pytest.mark.parametrize(
    ("base", "mine", "theirs", "expected"),
    [
        pytest.param(
            BASE,
            BASE.replace("two", "TWO"),
            BASE.replace("six", "SIX"),
            "one\nTWO\nthree\nfour\nfive\nSIX\nseven\n",
            id="edits far apart",
        ),
        pytest.param(
            BASE,
            BASE.replace("two", "TWO"),
            BASE.replace("four", "FOUR"),
            "one\nTWO\nthree\nFOUR\nfive\nsix\nseven\n",
            id="edits separated by one unchanged line",
        ),
        pytest.param(
            BASE,
            "zero\n" + BASE,
            BASE + "eight\n",
            "zero\n" + BASE + "eight\n",
            id="insertions at both ends",
        ),
        pytest.param(
            BASE,
            BASE.replace("three\n", "three\nthree and a half\n"),
            BASE.replace("six", "SIX"),
            "one\ntwo\nthree\nthree and a half\nfour\nfive\nSIX\nseven\n",
            id="insertion and edit",
        ),
        pytest.param(
            BASE,
            BASE.replace("two\n", ""),
            BASE.replace("six", "SIX"),
            "one\nthree\nfour\nfive\nSIX\nseven\n",
            id="deletion and edit elsewhere",
        ),
        pytest.param(
            BASE,
            BASE.replace("six\n", ""),
            BASE.replace("one\ntwo\n", ""),
            "three\nfour\nfive\nseven\n",
            id="deletions on both sides",
        ),
        pytest.param(
            BASE,
            BASE.replace("three", "3"),
            BASE.replace("three", "3"),
            BASE.replace("three", "3"),
            id="same change on both sides",
        ),
        pytest.param(
            BASE,
            BASE.replace("five\n", ""),
            BASE.replace("five\n", ""),
            BASE.replace("five\n", ""),
            id="same deletion on both sides",
        ),
        pytest.param(
            BASE, BASE, BASE.replace("one", "1"), BASE.replace("one", "1"), id="mine same"
        ),
        pytest.param(
            BASE, BASE.replace("one", "1"), BASE, BASE.replace("one", "1"), id="theirs same"
        ),
        pytest.param("", "new page\n", "", "new page\n", id="from empty base"),
        pytest.param(
            BASE.replace("\n", "\r\n"),
            BASE.replace("two", "TWO"),
            BASE.replace("\n", "\r\n").replace("six", "SIX"),
            "one\nTWO\nthree\nfour\nfive\nSIX\nseven\n",
            id="crlf normalized",
        ),
        pytest.param(
            "Boris Tadic\nrest\nmore\nend\n",
            "Boris Tadić\nrest\nmore\nend\n",
            "Boris Tadic\nrest\nmore\nend of story\n",
            "Boris Tadić\nrest\nmore\nend of story\n",
            id="unicode",
        ),
    ],
)
def test_clean_merges(base: str, mine: str, theirs: str, expected: str) -> None:
    result = merge_texts(base, mine, theirs)
    assert result.clean
    assert result.conflicts == ()
    assert result.text == expected


@pytest.mark.parametrize(
    ("base", "mine", "theirs", "expected"),
    [
        ("a\nb\n", "a\nb\n", "a\nb\n", "a\nb\n"),
        ("a\nb", "a\nb", "a\nb", "a\nb"),
        ("a\nb", "a\nb\n", "a\nc", "a\nc\n"),
        ("a\nb\n", "a\nb", "x\nb\n", "x\nb"),
        ("a\nb\nc\nd", "A\nb\nc\nd", "a\nb\nc\nD", "A\nb\nc\nD"),
        ("a\nb\nc\nd\n", "A\nb\nc\nd\n", "a\nb\nc\nD\n", "A\nb\nc\nD\n"),
        ("a\n", "", "a\n", ""),
    ],
)
def test_trailing_newline(base: str, mine: str, theirs: str, expected: str) -> None:
    assert merge_texts(base, mine, theirs).text == expected


def test_overlapping_edits_conflict() -> None:
    result = merge_texts(BASE, BASE.replace("four", "FOUR"), BASE.replace("four", "4"))
    assert not result.clean
    assert result.text is None
    assert result.conflicts == (ConflictHunk(("four",), ("FOUR",), ("4",)),)


def test_conflict_hunk_spans_the_overlap() -> None:
    mine = BASE.replace("three\nfour\n", "III\nIV\n")
    theirs = BASE.replace("four\nfive\n", "4\n5\n")
    result = merge_texts(BASE, mine, theirs)
    assert result.conflicts == (
        ConflictHunk(("three", "four", "five"), ("III", "IV", "five"), ("three", "4", "5")),
    )


def test_edit_against_deletion_conflicts() -> None:
    result = merge_texts(BASE, BASE.replace("three", "THREE"), BASE.replace("three\n", ""))
    assert result.conflicts == (ConflictHunk(("three",), ("THREE",), ()),)


def test_separate_conflicts_are_reported_separately() -> None:
    mine = BASE.replace("one", "1").replace("seven", "7")
    theirs = BASE.replace("one", "uno").replace("seven", "siete")
    result = merge_texts(BASE, mine, theirs)
    assert [hunk.base for hunk in result.conflicts] == [("one",), ("seven",)]
    assert [hunk.mine for hunk in result.conflicts] == [("1",), ("7",)]
    assert [hunk.theirs for hunk in result.conflicts] == [("uno",), ("siete",)]


def test_adjacent_line_edits_are_a_conflict() -> None:
    result = merge_texts(BASE, BASE.replace("three", "3"), BASE.replace("four", "4"))
    assert not result.clean


def test_insertions_at_same_place_conflict() -> None:
    result = merge_texts("a\nb\n", "a\nmine\nb\n", "a\ntheirs\nb\n")
    assert result.conflicts == (ConflictHunk((), ("mine",), ("theirs",)),)


def test_merge_result_clean_property() -> None:
    assert MergeResult("text", ()).clean
    assert not MergeResult(None, (ConflictHunk((), ("x",), ("y",)),)).clean


def test_large_texts_merge() -> None:
    base_lines = []
    for k in range(10_000):
        base_lines += [f"Paragraph {k}.", ""]
    mine_lines, their_lines = list(base_lines), list(base_lines)
    mine_lines[100] = "Mine edited paragraph 50."
    their_lines[19_000] = "Their edited paragraph 9500."
    result = merge_texts("\n".join(base_lines), "\n".join(mine_lines), "\n".join(their_lines))
    assert result.clean
    merged = result.text.split("\n")
    assert merged[100] == "Mine edited paragraph 50."
    assert merged[19_000] == "Their edited paragraph 9500."
    assert len(merged) == len(base_lines)


# --- properties ----------------------------------------------------------------------------

LINE = st.text(st.characters(blacklist_characters="\r\n"), max_size=12)
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=80)


@st.composite
def separated_edits(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """Draw a base text and two edits of it, one per half, with an untouched line between."""
    unique = draw(st.lists(LINE, min_size=0, max_size=16, unique=True))
    unique = [f"base {line}" for line in unique]
    cut = draw(st.integers(0, len(unique)))
    first, second = unique[:cut], unique[cut:]
    separator = "--- separator ---"

    def edit(lines: list[str], who: str) -> list[str]:
        """Replace, insert or delete lines; new lines are marked with who wrote them."""
        result = list(lines)
        for _ in range(draw(st.integers(1, 4))):
            action = draw(st.sampled_from(["replace", "insert", "delete"]))
            if action == "insert" or not result:
                position = draw(st.integers(0, len(result)))
                result.insert(position, f"{who} {draw(LINE)}")
            else:
                position = draw(st.integers(0, len(result) - 1))
                if action == "replace":
                    result[position] = f"{who} {draw(LINE)}"
                else:
                    del result[position]
        return result

    mine_first = edit(first, "mine")
    their_second = edit(second, "theirs")
    newline = draw(st.booleans())

    def join(lines: list[str]) -> str:
        return "\n".join(lines) + ("\n" if newline else "")

    base = join([*first, separator, *second])
    mine = join([*mine_first, separator, *second])
    theirs = join([*first, separator, *their_second])
    expected = join([*mine_first, separator, *their_second])
    return base, mine, theirs, expected


@given(separated_edits())
def test_edits_to_separate_halves_merge_cleanly(case: tuple) -> None:
    base, mine, theirs, expected = case
    result = merge_texts(base, mine, theirs)
    assert result.clean
    assert result.text == expected


@given(TEXT, TEXT)
def test_one_side_unchanged_gives_the_other(base: str, changed: str) -> None:
    assert merge_texts(base, changed, base).text == changed
    assert merge_texts(base, base, changed).text == changed


@given(TEXT, TEXT)
def test_identical_edits_never_conflict(base: str, changed: str) -> None:
    assert merge_texts(base, changed, changed).text == changed
