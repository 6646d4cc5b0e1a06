"""Tests for wiki.diff: line and word comparison rows, statistics, unified output, and the
Jinja partial that draws the rows as a table."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader

from wiki.diff import (
    DiffRow,
    Segment,
    diff_stats,
    diff_texts,
    matching_blocks,
    split_lines,
    tokenize,
    unified,
)

REPO_ROOT = Path(__file__).resolve().parent.parent


def numbered(count: int) -> str:
    """Return ``count`` lines "line 1" … "line N", each ending with a newline."""
    return "".join(f"line {k}\n" for k in range(1, count + 1))


def shape(rows: list[DiffRow]) -> list[tuple[str, int | None, int | None]]:
    """Reduce rows to (kind, old number, new number) for compact comparisons."""
    return [(row.kind, row.old_number, row.new_number) for row in rows]


def text_of(segments: tuple[Segment, ...]) -> str:
    """Join a side's segments back into its line."""
    return "".join(segment.text for segment in segments)


def changed_words(segments: tuple[Segment, ...]) -> list[str]:
    """Return the texts of the changed segments."""
    return [segment.text for segment in segments if segment.changed]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", ""),
        ("one line", "one line"),
        ("a\nb\nc\n", "a\nb\nc\n"),
        ("a\r\nb\r\n", "a\nb\n"),
        ("ends without newline", "ends without newline\n"),
    ],
)
def test_same_text_gives_no_rows(old: str, new: str) -> None:
    assert diff_texts(old, new) == []
    assert unified(old, new) == ""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "a\nthe cat\nc\n",
            "a\nthe dog\nc\n",
            [("header", 1, 1), ("context", 1, 1), ("change", 2, 2), ("context", 3, 3)],
            id="one line changed",
        ),
        pytest.param(
            "a\nb\nc\nd\n",
            "new\na\nb\nc\nd\n",
            [("header", 1, 1), ("add", None, 1), ("context", 1, 2), ("context", 2, 3)],
            id="insert at start",
        ),
        pytest.param(
            "a\nb\nc\nd\n",
            "a\nb\nnew\nc\nd\n",
            [("header", 1, 1), ("context", 1, 1), ("context", 2, 2), ("add", None, 3)]
            + [("context", 3, 4), ("context", 4, 5)],
            id="insert in middle",
        ),
        pytest.param(
            "a\nb\nc\nd\n",
            "a\nb\nc\nd\nnew\n",
            [("header", 3, 3), ("context", 3, 3), ("context", 4, 4), ("add", None, 5)],
            id="insert at end",
        ),
        pytest.param(
            "a\nb\nc\nd\ne\n",
            "a\nb\nd\ne\n",
            [("header", 1, 1), ("context", 1, 1), ("context", 2, 2), ("delete", 3, None)]
            + [("context", 4, 3), ("context", 5, 4)],
            id="deletion",
        ),
        pytest.param(
            "",
            "first\nsecond\n",
            [("header", 1, 1), ("add", None, 1), ("add", None, 2)],
            id="from empty",
        ),
        pytest.param(
            "first\nsecond\n",
            "",
            [("header", 1, 1), ("delete", 1, None), ("delete", 2, None)],
            id="to empty",
        ),
        pytest.param(
            "keep\nthe cat sat\nthe dog ran\nend\n",
            "keep\nthe cat sat down\nend\n",
            [
                ("header", 1, 1),
                ("context", 1, 1),
                ("change", 2, 2),
                ("delete", 3, None),
                ("context", 4, 3),
            ],
            id="uneven replace, fewer new lines",
        ),
        pytest.param(
            "keep\nold paragraph text here\nend\n",
            "keep\nA brand new opening\n\nold paragraph text here, revised\nend\n",
            [
                ("header", 1, 1),
                ("context", 1, 1),
                ("add", None, 2),
                ("add", None, 3),
                ("change", 2, 4),
                ("context", 3, 5),
            ],
            id="uneven replace pairs the most alike lines",
        ),
        pytest.param(
            "keep\nalpha beta gamma\nend\n",
            "keep\nxylophone quartz\nend\n",
            [
                ("header", 1, 1),
                ("context", 1, 1),
                ("delete", 2, None),
                ("add", None, 2),
                ("context", 3, 3),
            ],
            id="dissimilar lines become delete and add",
        ),
    ],
)
def test_row_shapes(old: str, new: str, expected: list) -> None:
    assert shape(diff_texts(old, new)) == expected


def test_changed_word_is_marked() -> None:
    rows = diff_texts("intro\nThe quick brown fox jumps.\n", "intro\nThe quick red fox jumps.\n")
    change = rows[-1]
    assert change.kind == "change"
    assert change.old == (
        Segment("The quick ", False),
        Segment("brown", True),
        Segment(" fox jumps.", False),
    )
    assert change.new == (
        Segment("The quick ", False),
        Segment("red", True),
        Segment(" fox jumps.", False),
    )


@pytest.mark.parametrize(
    ("old_line", "new_line", "old_changed", "new_changed"),
    [
        ("Novak Tadić won", "Novak Tadić lost", ["won"], ["lost"]),
        ("Boris Tadic", "Boris Tadić", ["Tadic"], ["Tadić"]),
        ("one two three", "one two three four", [], [" four"]),
        ("one two three four", "one three four", ["two "], []),
        ("x = 1;", "x = 2;", ["1"], ["2"]),
        ("東京都に行く", "京都に行く", ["東"], []),
        ("the old red car", "the new blue car", ["old red"], ["new blue"]),
    ],
)
def test_word_level_changes(
    old_line: str, new_line: str, old_changed: list[str], new_changed: list[str]
) -> None:
    rows = diff_texts(old_line, new_line)
    assert shape(rows) == [("header", 1, 1), ("change", 1, 1)]
    change = rows[1]
    assert text_of(change.old) == old_line
    assert text_of(change.new) == new_line
    assert changed_words(change.old) == old_changed
    assert changed_words(change.new) == new_changed


def test_whole_line_rows_carry_plain_segments() -> None:
    rows = diff_texts("a\n", "a\n\nadded <b>\n")
    assert rows[-2] == DiffRow("add", None, 2, (), ())
    assert rows[-1] == DiffRow("add", None, 3, (), (Segment("added <b>", False),))
    context = rows[1]
    assert context.old == context.new == (Segment("a", False),)


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        (
            2,
            [("header", 3, 3), ("context", 3, 3), ("context", 4, 4), ("change", 5, 5)]
            + [("context", 6, 6), ("context", 7, 7), ("header", 14, 14), ("context", 14, 14)]
            + [("context", 15, 15), ("change", 16, 16), ("context", 17, 17), ("context", 18, 18)],
        ),
        (
            0,
            [("header", 5, 5), ("change", 5, 5), ("header", 16, 16), ("change", 16, 16)],
        ),
        (
            6,
            [("header", 1, 1)]
            + [("context", k, k) for k in range(1, 5)]
            + [("change", 5, 5)]
            + [("context", k, k) for k in range(6, 16)]
            + [("change", 16, 16)]
            + [("context", k, k) for k in range(17, 21)],
        ),
    ],
)
def test_context_trimming_and_headers(context: int, expected: list) -> None:
    old = numbered(20)
    new = old.replace("line 5\n", "line five\n").replace("line 16\n", "line sixteen\n")
    assert shape(diff_texts(old, new, context=context)) == expected


def test_header_numbers_follow_earlier_insertions() -> None:
    old = numbered(30)
    new = "extra 1\nextra 2\nextra 3\n" + old.replace("line 25\n", "line 25 changed\n")
    rows = diff_texts(old, new, context=1)
    headers = [row for row in rows if row.kind == "header"]
    assert [(h.old_number, h.new_number) for h in headers] == [(1, 1), (24, 27)]
    change = next(row for row in rows if row.kind == "change")
    assert (change.old_number, change.new_number) == (25, 28)
    assert changed_words(change.new) == [" changed"]


def test_negative_context_is_rejected() -> None:
    with pytest.raises(ValueError):
        diff_texts("a", "b", context=-1)


def test_crlf_and_lf_compare_equal_line_by_line() -> None:
    rows = diff_texts("first\r\nsecond\r\nthird\r\n", "first\nsecond!\nthird\n")
    assert shape(rows) == [("header", 1, 1), ("context", 1, 1), ("change", 2, 2), ("context", 3, 3)]
    assert all("\r" not in segment.text for row in rows for segment in row.old + row.new)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("a\nb\n", "a\nb\n", (0, 0)),
        ("a\nb\n", "a\nb\nc\nd\n", (2, 0)),
        ("a\nb\nc\n", "a\n", (0, 2)),
        ("a\nb b\nc\n", "a\nb c\nc\n", (1, 1)),
        ("keep\nalpha beta\n", "keep\nzzz\n", (1, 1)),
    ],
)
def test_diff_stats(old: str, new: str, expected: tuple[int, int]) -> None:
    assert diff_stats(diff_texts(old, new)) == expected


def test_unified_output() -> None:
    text = unified("a\nb\nc\n", "a\nB\nc\n")
    assert text.splitlines() == ["--- old", "+++ new", "@@ -1,3 +1,3 @@", " a", "-b", "+B", " c"]
    labelled = unified("x\n", "y\n", old_label="rev 1", new_label="rev 2")
    assert labelled.startswith("--- rev 1\n+++ rev 2\n")


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", []),
        ("\n", [""]),
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\r\nb", ["a", "b"]),
        ("a\n\nb\n\n", ["a", "", "b", ""]),
        ("form\x0cfeed\u2028kept", ["form\x0cfeed\u2028kept"]),
    ],
)
def test_split_lines(text: str, lines: list[str]) -> None:
    assert split_lines(text) == lines


@pytest.mark.parametrize(
    ("line", "tokens"),
    [
        ("Tadić's co-op", ["Tadić", "'", "s", " ", "co", "-", "op"]),
        ("a  b\tc", ["a", "  ", "b", "\t", "c"]),
        ("e\u0301te\u0301", ["e\u0301te\u0301"]),
        ("東京 x", ["東", "京", " ", "x"]),
        ("[[Link|text]]", ["[", "[", "Link", "|", "text", "]", "]"]),
    ],
)
def test_tokenize(line: str, tokens: list[str]) -> None:
    assert tokenize(line) == tokens
    assert "".join(tokens) == line


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([], []),
        (["x"], []),
        (list("abcabba"), list("cbabac")),
        (["", "p1", "", "p2", "", "p3"] * 300, ["", "p1", "", "p2", "", "p3"] * 299 + ["q"]),
    ],
)
def test_matching_blocks_are_real_matches(a: list[str], b: list[str]) -> None:
    blocks = matching_blocks(a, b)
    assert blocks[-1] == (len(a), len(b), 0)
    previous_i = previous_j = 0
    for i, j, size in blocks:
        assert i >= previous_i and j >= previous_j
        assert a[i : i + size] == b[j : j + size]
        previous_i, previous_j = i + size, j + size


def test_large_text_with_few_changes() -> None:
    # 20,000 lines with blank lines between paragraphs (many repeated lines).
    old_lines = []
    for k in range(10_000):
        old_lines += [f"Paragraph {k} says something about the subject.", ""]
    new_lines = list(old_lines)
    new_lines[10] = "Paragraph 5 says something else about the subject."
    new_lines[10_001] = "An inserted remark."
    new_lines[19_998] = "Paragraph 9999 was rewritten."
    rows = diff_texts("\n".join(old_lines), "\n".join(new_lines))
    assert [(row.old_number, row.new_number) for row in rows if row.kind == "header"] == [
        (9, 9),
        (10_000, 10_000),
        (19_997, 19_997),
    ]
    assert diff_stats(rows) == (3, 3)


# --- the Jinja partial -------------------------------------------------------------------


@pytest.fixture(scope="module")
def jinja_env() -> Environment:
    return Environment(loader=FileSystemLoader(REPO_ROOT / "templates"), autoescape=True)


def render_table(env: Environment, rows: list[DiffRow]) -> str:
    """Render the diff_table macro the way a page template would import it."""
    template = env.from_string(
        '{% from "articles/_diff_table.html" import diff_table %}'
        "{{ diff_table(rows, old_label, new_label) }}"
    )
    return template.render(rows=rows, old_label="Revision <1>", new_label="Current revision")


def test_partial_escapes_and_marks_changes(jinja_env: Environment) -> None:
    old = "intro\n<script>alert(1)</script> stays\nmiddle\nremoved line\n"
    new = "intro\n<script>alert(2)</script> stays\nmiddle\nadded & new\nmore\n"
    html = render_table(jinja_env, diff_texts(old, new))
    assert '<table class="diff">' in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(" in html
    assert "Revision &lt;1&gt;" in html
    assert "Current revision" in html
    assert "Line 1:" in html
    assert '<del class="diffchange">1</del>' in html
    assert '<ins class="diffchange">2</ins>' in html
    assert 'class="diff-deletedline"' in html
    assert 'class="diff-addedline"' in html
    assert "added &amp; new" in html
    assert "−" in html and "+" in html


def test_partial_shows_context_and_whole_line_rows(jinja_env: Environment) -> None:
    html = render_table(jinja_env, diff_texts("a\nb\n", "a\nb\nc <i>\n"))
    assert html.count('class="diff-context"') == 4  # two context lines, both sides
    assert 'class="diff-addedline"><div>c &lt;i&gt;</div>' in html
    assert "diffchange" not in html


def test_partial_with_no_rows_says_no_difference(jinja_env: Environment) -> None:
    html = render_table(jinja_env, diff_texts("same\n", "same\n"))
    assert "<p" in html and "No difference" in html
    assert "<table" not in html


def test_partial_never_marks_markup_safe() -> None:
    source = (REPO_ROOT / "templates" / "articles" / "_diff_table.html").read_text("utf-8")
    assert "|safe" not in source.replace(" ", "")
