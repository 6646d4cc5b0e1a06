"""Section splitting as MediaWiki numbers sections (rvsection=N, action=edit section=N)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiki.api.action.sections import (
    NoSuchSection,
    replace_section,
    section_text,
    split_sections,
)

TEXT = """Lead paragraph.

## History

Early days.

### Recent

Lately.

## Relations

Some text.

# Top

End.
"""


def headings(text: str) -> list[tuple[int, str]]:
    """(level, title) of each headed section."""
    return [(found.level, found.title) for found in split_sections(text)[1:]]


def test_sections_are_numbered_in_document_order() -> None:
    found = split_sections(TEXT)
    assert [(s.number, s.level, s.title) for s in found] == [
        (0, 0, ""), (1, 2, "History"), (2, 3, "Recent"), (3, 2, "Relations"), (4, 1, "Top")]
    assert TEXT[found[1].start:found[1].body_start] == "## History\n"


def test_lead_is_the_text_before_the_first_heading() -> None:
    assert section_text(TEXT, 0) == "Lead paragraph."
    assert section_text("## Only a heading\n\nText", 0) == ""
    assert section_text("No headings at all.", 0) == "No headings at all."
    assert section_text("", 0) == ""


def test_a_section_runs_to_the_next_heading_of_the_same_or_higher_level() -> None:
    assert section_text(TEXT, 1) == "## History\n\nEarly days.\n\n### Recent\n\nLately."
    assert section_text(TEXT, 2) == "### Recent\n\nLately."
    assert section_text(TEXT, 3) == "## Relations\n\nSome text."
    assert section_text(TEXT, 4) == "# Top\n\nEnd."


@pytest.mark.parametrize("number", [5, 99, -1])
def test_missing_sections_raise(number: int) -> None:
    with pytest.raises(NoSuchSection, match=f"There is no section {number}."):
        section_text(TEXT, number)


def test_setext_headings_count() -> None:
    text = "Intro\n\nTitle one\n=========\n\nBody\n\nTwo\nlines\n---\n\nMore\n"
    assert headings(text) == [(1, "Title one"), (2, "Two lines")]
    assert section_text(text, 2) == "Two\nlines\n---\n\nMore"


def test_thematic_breaks_are_not_headings() -> None:
    assert headings("Intro\n\n---\n\n***\n\nText\n") == []


@pytest.mark.parametrize("fence", ["```", "~~~", "````python"])
def test_lines_in_fenced_code_are_not_headings(fence: str) -> None:
    marker = fence.rstrip("python")
    text = f"Intro\n\n{fence}\n# not a heading\nnot either\n---\n{marker}\n\n## Real\n"
    assert headings(text) == [(2, "Real")]


def test_an_unclosed_fence_runs_to_the_end() -> None:
    assert headings("Intro\n\n```\n## not a heading\n") == []


def test_other_blocks_are_not_headings() -> None:
    text = "    # indented code\n\n> # quoted\n\n- item\n---\n\n#hashtag\n\n####### seven\n"
    assert headings(text) == []


def test_atx_details() -> None:
    assert headings("# Closed #\n##   Spaced   ##\n### ###\n   #### Indented\n") == [
        (1, "Closed"), (2, "Spaced"), (3, ""), (4, "Indented")]


def test_windows_line_endings() -> None:
    assert headings("Lead\r\n\r\n## A\r\n\r\nText\r\n") == [(2, "A")]


def test_replace_section() -> None:
    replaced = replace_section(TEXT, 2, "### Recent\n\nNow.")
    assert section_text(replaced, 2) == "### Recent\n\nNow."
    assert section_text(replaced, 3) == "## Relations\n\nSome text."
    assert replace_section(TEXT, 0, "New lead.").startswith("New lead.\n\n## History")
    assert "Relations" not in replace_section(TEXT, 3, "")
    assert replace_section(TEXT, 4, "# Top\n\nChanged.\n\n\n").endswith("# Top\n\nChanged.")
    with pytest.raises(NoSuchSection):
        replace_section(TEXT, 9, "x")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["# A", "## B", "### C", "text", "", "```", "---", "===",
                                 "    # code", "> # q", "- x"]), max_size=30))
def test_sections_tile_the_text_after_the_lead(lines: list[str]) -> None:
    text = "\n".join(lines)
    found = split_sections(text)
    assert found[0].start == 0
    assert found[0].end == (found[1].start if len(found) > 1 else len(text))
    for previous, section in zip(found[1:], found[2:], strict=False):
        assert previous.start < section.start
    for section in found[1:]:
        assert section.start < section.body_start <= section.end <= len(text)
        assert text[section.start:section.end].startswith(text[section.start:section.body_start])
