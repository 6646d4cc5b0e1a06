"""The render pipeline, called directly with plain sets: no app, no database."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wiki.markup import Lookups, render
from wiki.markup.templates import find_call_end, parse_call, split_arguments
from wiki.titles import CATEGORY, MAIN, Title

EXISTING = {"Kosovo", "Azerbaijan", "Serbia", "Foreign relations of Azerbaijan"}


def lookups(existing: set[str] = EXISTING, **live) -> Lookups:  # type: ignore[no-untyped-def]
    return Lookups(exists=lambda title: title.full in existing, live=live)


def html_of(text: str, **live) -> str:  # type: ignore[no-untyped-def]
    return str(render(text, lookups(**live)).html)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("[[Kosovo]]", '<a href="/wiki/Kosovo" title="Kosovo">Kosovo</a>'),
        ("[[kosovo]]", '<a href="/wiki/Kosovo" title="Kosovo">kosovo</a>'),
        ("[[Kosovo|the Republic]]", '<a href="/wiki/Kosovo" title="Kosovo">the Republic</a>'),
        ("[[Kosovo#History|history]]", '<a href="/wiki/Kosovo#History" title="Kosovo">history</a>'),
        ("[[Kosovo#Early history]]", 'href="/wiki/Kosovo#Early_history"'),
        ("[[Nowhere]]", '<a href="/wiki/Nowhere?action=edit&amp;redlink=1" class="new" '
                        'title="Nowhere (page does not exist)">Nowhere</a>'),
        ("[[Azerbaijan–Kosovo relations]]",
         'href="/wiki/Azerbaijan%E2%80%93Kosovo_relations?action=edit&amp;redlink=1" class="new"'),
        ("[[#History|above]]", '<a href="#History">above</a>'),
        ("[[A<b]]", "[[A&lt;b]]"),
        ("`[[Kosovo]]`", "<code>[[Kosovo]]</code>"),
        ("```\n[[Kosovo]] {{Stub}}\n```", "[[Kosovo]] {{Stub}}"),
        ("    [[Kosovo]]", "<pre><code>[[Kosovo]]"),
        ("[[Kosovo|<script>x</script>]]", "&lt;script&gt;x&lt;/script&gt;</a>"),
        ("[[:Category:Foo]]", 'href="/wiki/Category:Foo?action=edit&amp;redlink=1"'),
    ],
)
def test_wikilinks(source: str, expected: str) -> None:
    assert expected in html_of(source)


def test_links_and_categories_are_collected() -> None:
    rendered = render("[[Kosovo]] [[Nowhere|x]] [[Kosovo]] [[Category:Balkans]]", lookups())
    assert rendered.links == (Title(MAIN, "Kosovo"), Title(MAIN, "Nowhere"))
    assert rendered.categories == ("Balkans",)
    assert "Balkans" not in str(rendered.html)
    assert Title(CATEGORY, "Balkans") not in rendered.links


def test_code_keeps_wikilinks_literal_and_unrecorded() -> None:
    rendered = render("`[[Secret]]`\n\n```\n[[Other]]\n```", lookups())
    assert rendered.links == ()


@pytest.mark.parametrize(
    ("source", "name", "positional", "named"),
    [
        ("{{Stub}}", "Stub", (), ()),
        ("{{Infobox bilateral relations|Azerbaijan–Kosovo|Azerbaijan|Kosovo|filetype=png}}",
         "Infobox bilateral relations", ("Azerbaijan–Kosovo", "Azerbaijan", "Kosovo"),
         (("filetype", "png"),)),
        ("{{X\n| a = 1\n| b = [[L|M]]\n| {{Y|z=1}}\n}}", "X", ("{{Y|z=1}}",),
         (("a", "1"), ("b", "[[L|M]]"))),
        ("{{X|[[a=b]]}}", "X", ("[[a=b]]",), ()),
    ],
)
def test_parse_call(source: str, name: str, positional: tuple, named: tuple) -> None:  # type: ignore[type-arg]
    call = parse_call(source, block=True)
    assert call is not None
    assert (call.name, call.positional, call.named) == (name, positional, named)


def test_call_boundaries() -> None:
    text = "{{A|{{B|c}}|[[d|e]]}} tail"
    end = find_call_end(text, 0)
    assert text[:end] == "{{A|{{B|c}}|[[d|e]]}}"
    assert split_arguments("A|{{B|c}}|[[d|e]]") == ["A", "{{B|c}}", "[[d|e]]"]
    assert find_call_end("{{open", 0) is None


def test_argument_splits_with_stray_and_unbalanced_brackets() -> None:
    assert split_arguments("a}}|b]]|c") == ["a}}", "b]]", "c"]  # a closer with nothing open
    assert split_arguments("{{{x|y}}}|z") == ["{{{x|y}}}", "z"]
    assert split_arguments("[[a|{{b]]|c}}|d") == ["[[a|{{b]]|c}}", "d"]  # any closer closes
    assert split_arguments("{{open|x") == ["{{open|x"]
    assert split_arguments("") == [""]


@given(st.text(alphabet="{}[]|a= ", max_size=30))
def test_arguments_split_only_on_top_level_pipes(body: str) -> None:
    parts = split_arguments(body)
    assert "|".join(parts) == body
    for number, part in enumerate(parts):
        depth = 0  # each part begins outside any {{ or [[, and holds no pipe outside them
        for mark in re.findall(r"\{\{|\[\[|\}\}|\]\]|\|", part):
            assert mark != "|" or depth > 0
            depth = depth + (mark in ("{{", "[[")) - (mark in ("}}", "]]") and depth > 0)
        assert depth == 0 or number == len(parts) - 1


def test_seed_infobox_call_renders() -> None:
    call = "{{Infobox bilateral relations|Azerbaijan–Kosovo|Azerbaijan|Kosovo|filetype=png}}"
    html = html_of(call)
    assert '<table class="infobox infobox-bilateral">' in html
    assert "Azerbaijan–Kosovo relations" in html
    assert 'href="/wiki/Azerbaijan"' in html and 'href="/wiki/Kosovo"' in html
    assert "Map indicating locations of Azerbaijan and Kosovo" in html
    assert "template-notice" not in html


def test_infobox_named_rows() -> None:
    html = html_of(
        "{{Infobox bilateral relations|Kosovo–Serbia|Kosovo|Serbia\n"
        "| mission1 = Liaison office in [[Belgrade]]\n"
        "| mission2 = Liaison office in Pristina\n"
        "| envoytitle1 = Head of office\n| envoy1 = Jane Doe\n| envoy2 = John Roe\n}}"
    )
    assert "Diplomatic mission" in html and "Envoy" in html
    red_link = '<a href="/wiki/Belgrade?action=edit&amp;redlink=1" class="new"'
    assert "Liaison office in " + red_link in html
    assert "Head of office" in html and "Jane Doe" in html and "John Roe" in html


def test_infobox_uses_live_map_when_offered() -> None:
    def locator_map(first: str, second: str) -> dict[str, object]:
        return {"svg_url": f"/map/{first}-{second}.svg", "png_url": f"/map/{first}-{second}.png",
                "width": 360, "height": 270}

    html = html_of("{{Infobox bilateral relations|A–B|Azerbaijan|Kosovo|filetype=png}}",
                   locator_map=locator_map)
    assert '<img class="locator-map" src="/map/Azerbaijan-Kosovo.png"' in html


@pytest.mark.parametrize(
    "source",
    [
        "{{Infobox bilateral relations|<script>alert(1)</script>|A|B}}",
        "{{Infobox bilateral relations|X|A|B|mission1=<img src=x onerror=alert(1)>}}",
        "{{Infobox bilateral relations|X|A|B|mapcaption=\"><script>alert(1)</script>}}",
        "{{Nope|<script>alert(1)</script>}}",
        "{{<script>alert(1)</script>}}",
    ],
)
def test_template_parameters_cannot_inject(source: str) -> None:
    html = html_of(source)
    assert "<script" not in html
    assert not re.search(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", html)  # no tag kept an event handler


def test_unknown_template_is_a_visible_notice() -> None:
    html = html_of("Before\n\n{{No such template|x}}\n\nAfter {{Inline unknown}} end")
    assert "Template <strong>No such template</strong> does not exist" in html
    assert '<span class="template-notice"' in html
    assert "Before" in html and "After" in html and "end" in html


def test_template_path_traversal_is_unknown() -> None:
    assert "does not exist" in html_of("{{../base}}")
    assert "does not exist" in html_of("{{_notice}}") or "template-notice" in html_of("{{_notice}}")


def test_nesting_is_bounded() -> None:
    deep = "{{See also|" * 8 + "X" + "}}" * 8
    assert "nested too deeply" in html_of(deep)


def test_templates_are_recorded() -> None:
    rendered = render("{{Stub}}\n\n{{See also|Kosovo|Serbia}}", lookups())
    assert ("stub", "") in rendered.templates
    assert ("see_also", "Kosovo") in rendered.templates
    assert Title(MAIN, "Serbia") in rendered.links


def test_see_also_section_goes_through_its_template() -> None:
    html = html_of("Text\n\n## See also\n- [[Foreign relations of Azerbaijan]]\n"
                   "- [[Foreign relations of Kosovo]] – the other side\n")
    assert '<ul class="see-also">' in html
    assert 'href="/wiki/Foreign_relations_of_Azerbaijan"' in html
    assert 'class="new"' in html and "the other side" in html


def test_see_also_with_prose_stays_a_plain_list() -> None:
    html = html_of("## See also\n- Some **prose** here\n")
    assert "see-also" not in html and "<strong>prose</strong>" in html


def test_hatnotes() -> None:
    html = html_of("## History\n{{See also|Kosovo|Serbia|Nowhere}}\n\nText")
    assert '<div class="hatnote" role="note">See also:' in html
    assert 'class="new"' in html


def test_headings_get_stable_unique_ids_and_toc() -> None:
    rendered = render("Lead\n\n## History\n## History\n### Early *days*\n## See it", lookups())
    assert '<h2 id="History">' in rendered.html and '<h2 id="History_2">' in rendered.html
    assert '<h3 id="Early_days">' in rendered.html
    assert [(e.number, e.anchor, e.text) for e in rendered.toc] == [
        ("1", "History", "History"), ("2", "History_2", "History"),
        ("2.1", "Early_days", "Early days"), ("3", "See_it", "See it"),
    ]
    assert rendered.show_toc
    assert "Lead" in rendered.lead and "<h2" not in rendered.lead
    assert rendered.body.startswith("<h2")


def test_toc_needs_four_headings() -> None:
    assert not render("## A\n## B\n## C", lookups()).show_toc


def test_footnotes_become_references() -> None:
    rendered = render("Claim.[^a]\n\n## Body\n\n[^a]: Source, 2008.", lookups())
    html = str(rendered.html)
    assert '<sup class="reference" id="cite_ref-1"><a href="#cite_note-1">[1]</a></sup>' in html
    assert '<h2 id="References">References</h2>' in html
    assert html.index("References") > html.index("Body")
    assert [e.text for e in rendered.toc] == ["Body", "References"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("| a | b |\n|:--|--:|\n| 1 | 2 |", '<td class="align-left">1</td>'),
        ("~~gone~~", "<del>gone</del>"),
        ("see https://example.org/x now", '<a href="https://example.org/x" class="external"'),
        ("H<sub>2</sub>O x<sup>2</sup> <small>s</small> <abbr title=\"t\">A</abbr>",
         'H<sub>2</sub>O x<sup>2</sup> <small>s</small> <abbr title="t">A</abbr>'),
        ("line<br>break", "line<br>break"),
    ],
)
def test_markdown_extensions(source: str, expected: str) -> None:
    assert expected in html_of(source)


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "![x](javascript:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<style>body{display:none}</style>",
        "<span style=\"background:url(javascript:alert(1))\">x</span>",
        "<svg onload=alert(1)>",
        "<div onclick=\"alert(1)\">x</div>",
        "## <img src=x onerror=alert(1)>",
        "x[^1]\n\n[^1]: <script>alert(1)</script>",
        "\ue0000\ue001",
    ],
)
def test_sanitizer_neutralizes(source: str) -> None:
    html = html_of(source)
    assert not re.search(r"<(script|iframe|style|svg)\b", html)
    assert not re.search(r"<[^>]+\son\w+\s*=", html)
    assert not re.search(r"<[a-z][^>]*\s(href|src)=\"\s*(javascript|data):", html, re.I)
    assert "style=" not in html
    assert "\ue000" not in html


def test_placeholder_inside_an_attribute_is_dropped() -> None:
    html = html_of("![{{Stub}}](https://example.org/i.png)")
    assert "stub-notice" not in html.split("<img")[1].split(">")[0]


def test_block_template_with_pipes_is_not_a_paragraph_or_table() -> None:
    html = html_of("{{Infobox bilateral relations|A–B|Azerbaijan|Kosovo|filetype=png}}\n\nLead.")
    assert html.startswith('<table class="infobox')
    assert "<p><table" not in html


def test_raw_html_outside_the_inline_allowlist_shows_as_text() -> None:
    html = html_of("Before.\n\n<table><tr>x\n\nAfter. <sup>2</sup> <div>d</div>\n\n<!-- note -->")
    assert "After." in html  # an unclosed raw table must not swallow the rest of the page
    assert "&lt;table&gt;" in html and "&lt;div&gt;" in html and "<sup>2</sup>" in html
    assert "note" not in html


def test_escaped_pipes_in_table_cells_are_pipes_of_the_cell_text():
    """GFM: "\\|" in a cell is replaced by "|" before the cell's inline markup is read, so a
    piped link or a template call with arguments fits in a cell."""
    html = html_of("| a | b |\n|---|---|\n| [[Kosovo\\|the K]] | x \\| y |\n")
    assert '<a href="/wiki/Kosovo"' in html
    assert ">the K</a>" in html
    assert "<td>x | y</td>" in html
    assert "\\" not in html
