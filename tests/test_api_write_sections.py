"""Sections of Markdown texts as MediaWiki numbers them (wiki.api.action.sections): which lines
are headings, what each section holds, and replacing or adding one. Pure tests."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_api_write import Api, error_code, page_text
from wikitest import create

from wiki.api.action.sections import (
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
    ("Text.\n01. a list from 1\n===", []),  # its heading is in a list item, as rendered
    ("Text.\n\u0661. a list from 1\n===", []),  # an Arabic-Indic 1
    ("Text.\n\u0662. not a list\n===", [(1, "Text. \u0662. not a list")]),
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


_PAGES = itertools.count()
MARKER = "Zzyzx marker paragraph."


def _read_section(api: Api, title: str, number: int) -> dict[str, Any]:
    return api.get(action="query", prop="revisions", titles=title, rvprop="content",
                   rvslots="main", rvsection=str(number), formatversion="2")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINES, min_size=1, max_size=20), data=st.data())
def test_the_section_read_is_the_section_an_edit_replaces(app: Flask, lines: list[str],
                                                           data: st.DataObject) -> None:
    """rvsection=N gives exactly the text that action=edit&section=N takes out: putting it
    back where the edit put its new text gives the page as it was (blank lines aside)."""
    page = next(_PAGES)
    title = f"Sections {page}"
    create(app, title, "\n".join(lines) if "".join(lines).strip() else "Text.")
    before = page_text(app, title)
    number = data.draw(st.integers(0, section_count(before) + 1), label="section")
    api = Api(app.test_client(), address=f"10.1.{page // 250}.{page % 250 + 1}")
    read = _read_section(api, title, number)
    edited = api.edit(title=title, section=str(number), text=MARKER)
    if number > section_count(before):
        assert error_code(read) == error_code(edited) == "nosuchsection"
        return
    assert edited["edit"]["result"] == "Success", edited
    section = read["query"]["pages"][0]["revisions"][0]["slots"]["main"]["content"]
    assert section == section_text(before, number)
    after = page_text(app, title)
    assert after.count(MARKER) == 1
    assert _filled(after.replace(MARKER, section)) == _filled(before)


@pytest.mark.parametrize("raw", ["\u00b2", "\u0663", "1" * 5000, "-1", "1.0", " 1"])
def test_section_numbers_that_are_not_numbers(app: Flask, raw: str) -> None:
    """Every module takes the same numbers (up to six ASCII digits) and refuses the rest."""
    create(app, "Numbered", "Lead.\n\n## One\n\nText.")
    api = Api(app.test_client())
    assert error_code(api.edit(title="Numbered", section=raw, text="x")) == "invalidsection"
    assert error_code(_read_section(api, "Numbered", raw)) in {"nosuchsection", "invalidsection"}
    assert error_code(api.get(action="parse", page="Numbered", section=raw)) in {
        "nosuchsection", "invalidsection"}
    assert error_code(api.get(action="compare", fromtitle="Numbered", totitle="Numbered",
                              fromsection=raw)) == "nosuchfromsection"
