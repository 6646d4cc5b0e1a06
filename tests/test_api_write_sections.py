"""Sections of Markdown texts as MediaWiki numbers them (wiki.api.action.section_edit): which lines
are headings, what each section holds, and replacing or adding one. Pure tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiki.api.action.section_edit import (
    NoSuchSection,
    add_section,
    headings,
    replace_section,
    section_count,
    section_text,
)
from wiki.markup import render

TEXT = "Lead.\n\n# One\n\nA.\n\n## One.one\n\nB.\n\n# Two\n\nC."


@pytest.mark.parametrize(("text", "expected"), [
    ("# H1\n## H2\n###### H6", [(1, "H1"), (2, "H2"), (6, "H6")]),
    ("####### seven\n#hashtag\n\\# escaped", []),
    ("   ## indented three\n    ## four is code", [(2, "indented three")]),
    ("## Closed ##\n##\n## Trailing # hash", [(2, "Closed"), (2, ""), (2, "Trailing # hash")]),
    ("Title\n=====\n\nSub\n---", [(1, "Title"), (2, "Sub")]),
    ("Two line\nheading\n===", [(1, "Two line heading")]),
    ("Para\n\n---\n\n***", []),
    ("- item\n---", []),
    ("> quote\n===", []),
    ("```\n# not a heading\n```\n# heading", [(1, "heading")]),
    ("~~~~\n# no\n~~~\n# still code\n~~~~\n# yes", [(1, "yes")]),
    ("```python\n## code\n", []),
    ("``` `x` ```\n# after inline code", [(1, "after inline code")]),
    ("````\n```\n# no\n````\n## yes", [(2, "yes")]),
    ("Text\n```\n===\n```", []),
    ("> quote\n# lazily quoted\n\n# after", [(1, "after")]),
    ("- item\n\n    ## in the item\n# after", [(1, "after")]),
    ("1. one\n2. two\nlazy\n===", []),
    ("Text.\n2) not a list\n===", [(1, "Text. 2) not a list")]),
    ("<div>\n# inside HTML\n\n# after", [(1, "after")]),
    ("<pre>\n# a\n\n# b\n</pre>\n# c", [(1, "c")]),
    ("<!-- note\n# no\n-->\n# yes", [(1, "yes")]),
    ("| a | b |\n|---|---|\n| c | d |\nText\n===", [(1, "Text")]),
])
def test_headings(text: str, expected: list[tuple[int, str]]) -> None:
    assert [(h.level, h.text) for h in headings(text)] == expected


def test_byte_offsets_count_utf8_bytes() -> None:
    text = "Ünïcode lead.\n\n## Späß\n\nx\n\nSetext\n---"
    found = headings(text)
    data = text.encode("utf-8")
    assert [data[h.byte_offset:].decode("utf-8").split("\n")[0] for h in found] == \
        ["## Späß", "Setext"]


@pytest.mark.parametrize(("number", "expected"), [
    (0, "Lead."),
    (1, "# One\n\nA.\n\n## One.one\n\nB."),
    (2, "## One.one\n\nB."),
    (3, "# Two\n\nC."),
])
def test_section_text(number: int, expected: str) -> None:
    assert section_text(TEXT, number) == expected


def test_sections_beyond_the_last() -> None:
    assert section_count(TEXT) == 3
    for number in (4, 99, -1):
        with pytest.raises(NoSuchSection, match=f"There is no section {number}."):
            section_text(TEXT, number)
        with pytest.raises(NoSuchSection):
            replace_section(TEXT, number, "x")
    assert section_text("", 0) == "" and section_text("# Only", 0) == ""


def test_replace_section() -> None:
    assert replace_section(TEXT, 2, "## New\n\nD.") == \
        "Lead.\n\n# One\n\nA.\n\n## New\n\nD.\n\n# Two\n\nC."
    assert replace_section(TEXT, 1, "# One\n\nShort.\n") == \
        "Lead.\n\n# One\n\nShort.\n\n# Two\n\nC."
    assert replace_section(TEXT, 0, "New lead.") == TEXT.replace("Lead.", "New lead.")
    assert replace_section(TEXT, 3, "") == "Lead.\n\n# One\n\nA.\n\n## One.one\n\nB."
    assert replace_section("No headings.", 0, "Other.") == "Other."


def test_add_section() -> None:
    assert add_section("Text.\n\n", "  A  new\ntitle ", "Body.") == \
        "Text.\n\n## A new title\n\nBody."
    assert add_section("", "Heading", "Body.") == "## Heading\n\nBody."
    assert add_section("Text.", "", "Body.") == "Text.\n\nBody."


LINES = st.sampled_from(["Text.", "", "# H1", "## H2", "### H3", "## x ##", "   ### three",
                         "Setext", "===", "---", "***", "```", "~~~", "- item", "1. one",
                         "> q", "    code", "\tTab", "Ünï"])


def _filled(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, max_size=30))
def test_putting_a_section_back_changes_no_section(lines: list[str]) -> None:
    """Only blank lines at the edges of the section may change."""
    text = "\n".join(lines)
    for number in range(section_count(text) + 1):
        again = replace_section(text, number, section_text(text, number))
        assert [(h.level, h.text) for h in headings(again)] == \
            [(h.level, h.text) for h in headings(text)]
        assert _filled(again) == _filled(text)
        for other in range(section_count(text) + 1):
            assert _filled(section_text(again, other)) == _filled(section_text(text, other))


@settings(max_examples=500, deadline=None)
@given(st.lists(LINES, max_size=30))
def test_the_headings_are_those_the_renderer_lists(lines: list[str]) -> None:
    """Section numbers match the contents a reader sees (render() is pure)."""
    text = "\n".join(lines)
    shown = [" ".join(entry.text.split()) for entry in render(text).toc]
    assert [h.text for h in headings(text)] == shown
