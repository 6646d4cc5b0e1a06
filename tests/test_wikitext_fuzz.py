"""Wikitext conversion on any input: random fragments of wikitext never make it raise, and its
Markdown always renders; pathological text (unclosed markup, deep nesting, pages of nothing but
markup) converts in bounded time; concurrent conversions do not disturb each other."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wiki.dumps.wikitext as wikitext
from wiki.dumps.wikitext import FAILED, TOO_COMPLEX, Conversion, convert
from wiki.markup import render

FRAGMENTS = [
    "\n", "\n\n", " ", "text", "''", "'''", "[[", "]]", "|", "{{", "}}", "{{{", "}}}", "[", "]",
    "[http://example.org", "http://example.org/a_b", "{|", "|}", "|-", "!", "!!", "||", "|+",
    "*", "#", ":", ";", "=", "==", "----", "<ref>", "</ref>", '<ref name="a">', '<ref name="a"/>',
    "<references/>", "{{Reflist}}", "<nowiki>", "</nowiki>", "<!--", "-->", "<pre>", "</pre>",
    "<div>", "</div>", "<br>", "<small>", "</small>", "&nbsp;", "&", "__NOTOC__", "__TOC__",
    "[[Category:X]]", "[[fr:X]]", "[[File:A.png|thumb|cap]]", "{{cite web|url=http://x|title=T}}",
    "~~~~", "`", "_", "\\", "<", ">", "1.", "#REDIRECT", "<math>", "</math>", "<gallery>",
    "</gallery>", "colspan=2", 'rowspan="3"', "<table>", "<tr>", "<td>", "</td>", "</table>",
    "<ul>", "<li>", "</ul>", "é", "\t", "\ue000", "\ue011",
]

wikitext_fragments = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)


def check(result: Conversion) -> None:
    assert isinstance(result.markdown, str)
    assert all(isinstance(note, str) for note in result.notes)
    assert result.approximate == bool(result.notes)
    assert FAILED not in " ".join(result.notes)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wikitext_fragments)
def test_fragments_of_wikitext_convert_and_render(text: str) -> None:
    result = convert(text)
    check(result)
    render(result.markdown)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_any_text_converts(text: str) -> None:
    check(convert(text))


PATHOLOGICAL = {
    "unclosed refs": "<ref>" * 40_000,
    "unclosed external links": "[http://" * 25_000,
    "unclosed templates": "{{a|\n" * 40_000,
    "unclosed links": "[[a|\n" * 40_000,
    "unclosed comments": "<!--" * 50_000,
    "unclosed tables": "{|\n" * 60_000,
    "unclosed wrappers": "<div>" * 40_000,
    "mixed openers": "[[a|{{b|[http://x ''y" * 9_000,
    "interleaved pairs": "{{[[}}" * 30_000 + "]]" * 1_000,
    "list markers": "*#:;" * 50_000,
    "one long list prefix": "*" * 200_000,
    "quotes": "'''''a" * 30_000,
    "nested templates": "{{a|" * 20_000 + "}}" * 20_000,
    "nested tags": "<span>" * 5_000 + "x" + "</span>" * 5_000,
    "nested tables": "{|\n|\n" * 3_000 + "|}\n" * 3_000,
    "nested lists": "\n".join("*" * n + " item" for n in range(1, 3_000)),
    "many cells": "{|\n" + "| a || b\n|-\n" * 5_000 + "|}",
    "huge spans": '{|\n| colspan="99999999" rowspan="99999999" | a\n|-\n| b\n|}\n' * 500,
}


# A guard against runaway work, not a speed target: the slowest of these converts in seconds,
# while work that grew with the square of these inputs' lengths (up to 200,000 characters) would
# take hours.
RUNAWAY_SECONDS = 120


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_text_converts_in_bounded_time(text: str) -> None:
    start = time.perf_counter()
    result = convert(text)
    elapsed = time.perf_counter() - start
    check(result)
    assert elapsed < RUNAWAY_SECONDS, f"{elapsed:.1f} s: the conversion ran away"


def test_text_past_the_budget_is_kept_as_plain_text() -> None:
    text = "* item\n" * 200_000
    result = convert(text)
    assert TOO_COMPLEX in result.notes
    assert result.markdown.startswith("- item\n- item\n")
    assert result.markdown.endswith("\\* item\n")


def test_a_failure_inside_keeps_the_text_as_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> list[object]:
        raise RecursionError("deep")

    monkeypatch.setattr(wikitext, "build_blocks", broken)
    result = convert("'''Bold''' ```", "Some page")
    assert result.markdown == "````\n'''Bold''' ```\n````\n"
    assert result.notes == [FAILED + " (Some page)"]
    assert result.approximate


def test_concurrent_conversions_agree_with_serial_ones() -> None:
    texts = [f"== S{n} ==\n'''{n}'''<ref name=\"r{n}\">Note {n}.</ref> again<ref name=\"r{n}\"/>\n"
             f"{{| \n! A\n|-\n| {n}\n|}}\n* {n}\n" * 20 for n in range(8)]
    serial = [convert(text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(convert, texts * 3))
    assert concurrent == serial * 3
