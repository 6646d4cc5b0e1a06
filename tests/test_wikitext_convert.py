"""Wikitext to Markdown, construct by construct: the Markdown each piece of wikitext becomes,
the notes on what was approximated, and a few renders through the wiki's own Markdown renderer
to show the Markdown means what the wikitext meant."""

from __future__ import annotations

import pytest

from wiki.dumps.wikitext import Conversion, convert
from wiki.markup import render


def markdown(wikitext: str) -> str:
    return convert(wikitext).markdown.rstrip("\n")


@pytest.mark.parametrize(("wikitext", "expected"), [
    # headings
    ("== History ==", "## History"),
    ("=== Early contacts ===\n====Deep====", "### Early contacts\n\n#### Deep"),
    ("== C# ==", "## C\\#"),
    # bold and italic
    ("'''Bold''' and ''italic''.", "**Bold** and *italic*."),
    ("'''''both''''' and '''bold ''it'''''", "***both*** and **bold *it***"),
    ("''' spaced '''", "**spaced**"),
    # emphasis CommonMark would not close is written as HTML
    ("x'''[[Foo]]'''y", "x<strong>[[Foo]]</strong>y"),
    ("'''\"Quoted\"'''s", '<strong>"Quoted"</strong>s'),
    # lists
    ("* a\n** b\n* c", "- a\n  - b\n- c"),
    ("# one\n#* sub\n# two", "1. one\n   - sub\n1. two"),
    ("# one\n#: more\n# two", "1. one\n   > more\n1. two"),
    ("; Term\n: Definition", "**Term**\n> Definition"),
    ("; Term : Definition\n; Other\n: Its definition",
     "**Term**\n> Definition\n\n**Other**\n> Its definition"),
    (": indented\n:: more", "> indented\n> > more"),
    (": one\n: two", "> one\n>\n> two"),
    ("Text\n* item\nMore text", "Text\n\n- item\n\nMore text"),
    # paragraphs
    ("Line one\nline two\n\nNext", "Line one\nline two\n\nNext"),
    # external links
    ("[https://example.org/a Example site]", "[Example site](https://example.org/a)"),
    ("[https://example.org/a_(b) x] [https://example.org] [https://example.net]",
     "[x](https://example.org/a_%28b%29) [\\[1\\]](https://example.org) "
     "[\\[2\\]](https://example.net)"),
    ("See https://example.org/page.", "See https://example.org/page."),
    ("See https://example.org/a_b here", "See <https://example.org/a_b> here"),
    ("[mailto:someone@example.org write]", "[write](mailto:someone@example.org)"),
    # wikilinks, categories, files, templates: as typed
    ("[[Foo]], [[Foo|bar]], [[Foo#Section|s]], [[:Category:X]]",
     "[[Foo]], [[Foo|bar]], [[Foo#Section|s]], [[:Category:X]]"),
    ("[[Category:Bilateral relations|Sort key]]", "[[Category:Bilateral relations|Sort key]]"),
    ("[[File:Map.png|thumb|upright=1.2|The [[river]] valley]]",
     "[[File:Map.png|thumb|upright=1.2|The [[river]] valley]]"),
    ("{{Infobox\n| title = X\n| data1 = {{nowrap|1 May}}\n}}\nText.",
     "{{Infobox\n| title = X\n| data1 = {{nowrap|1 May}}\n}}\nText."),
    ("{{PAGENAME}} and {{lang|fr|''mot''}}", "{{PAGENAME}} and {{lang|fr|*mot*}}"),
    ("{{Main|A<!-- hidden -->}}", "{{Main|A}}"),
    # dropped: comments, interlanguage links, behaviour switches but __NOTOC__
    ("Text <!-- hidden --> more.\n<!-- a line of its own -->\nNext.", "Text  more.\nNext."),
    ("Text.\n[[fr:Texte]]\n[[de:Text]] [[zh-yue:文]]", "Text."),
    ("__NOTOC__\nText.", "__NOTOC__\n\nText."),
    ("__TOC__\n__NOEDITSECTION__\nText. __FORCETOC__", "Text."),
    # nowiki: shown literally
    ("<nowiki>''x'' [[y]] {{z}} *w* <b></nowiki>",
     "''x'' \\[\\[y\\]\\] \\{\\{z\\}\\} \\*w\\* \\<b>"),
    ("a<nowiki/>b", "ab"),
    # HTML this wiki allows, and wrappers
    ("a<br>b<br />c", "a<br>b<br>c"),
    ("<small>s</small> <sup>1</sup> H<sub>2</sub>O <s>x</s> <strike>y</strike>",
     "<small>s</small> <sup>1</sup> H<sub>2</sub>O <s>x</s> <s>y</s>"),
    ('<abbr title="North Atlantic">NA</abbr>', '<abbr title="North Atlantic">NA</abbr>'),
    ('<span style="color:red">red</span> <b>bold</b> <i>it</i>', "red **bold** *it*"),
    ('<div class="box">\nInside.\n</div>', "Inside."),
    ("<blockquote>Quoted '''text'''.</blockquote>", "> Quoted **text**."),
    ("<center>Middle</center>", "Middle"),
    # preformatted
    (" pre line\n second", "```\npre line\nsecond\n```"),
    ("<pre>a &lt; b\n  indented</pre>", "```\na < b\n  indented\n```"),
    ('<syntaxhighlight lang="python">print("x")</syntaxhighlight>',
     '```python\nprint("x")\n```'),
    ("<pre>```</pre>", "````\n```\n````"),
    # rules and entities
    ("Before\n----\nAfter", "Before\n\n----\n\nAfter"),
    ("a&nbsp;b &mdash; c &#91;", "a&nbsp;b &mdash; c &#91;"),
    # redirects
    ("#REDIRECT [[Target page]]", "#REDIRECT [[Target page]]"),
    ("#redirect: [[Target#Part]]\n{{R from move}}", "#REDIRECT [[Target#Part]]\n\n{{R from move}}"),
])
def test_construct(wikitext: str, expected: str) -> None:
    assert markdown(wikitext) == expected


@pytest.mark.parametrize(("wikitext", "expected"), [
    ("5 * 3 and a_b and _x_ and `c`", "5 \\* 3 and a_b and \\_x\\_ and \\`c\\`"),
    ("<tag> [brackets] {braces} a|b ~~~~",
     "\\<tag> \\[brackets\\] \\{braces\\} a\\|b \\~\\~\\~\\~"),
    ("AT&T and &bogus;", "AT&T and \\&bogus;"),
    ("back\\slash", "back\\\\slash"),
    ("1. not a list", "1\\. not a list"),
    ("2020) a year", "2020\\) a year"),
    ("²) not a list marker", "²) not a list marker"),  # only ASCII digits make one
    ("- dash\n\n+ plus\n\n> not a quotation\n\n= not a heading", "\\- dash\n\n\\+ plus\n\n"
     "\\> not a quotation\n\n\\= not a heading"),
    ("a # not a heading", "a # not a heading"),
    ("{{unclosed and [[unclosed", "\\{\\{unclosed and \\[\\[unclosed"),
    ("[http://example.org unclosed", "\\[http://example.org unclosed"),
    ("<ref>never closed", "\\<ref>never closed"),
    ("<!-- never closed", "\\<!-- never closed"),
])
def test_plain_text_stays_plain(wikitext: str, expected: str) -> None:
    assert markdown(wikitext) == expected


@pytest.mark.parametrize("wikitext", [
    "5 * 3 = 15, a_b, _under_, `tick`, <tag>, [bracket], {braces}, a|b, ~~tilde~~",
    "1. one\n\nx # hash\n\n> gt\n\n- dash",
    "<nowiki>[[not a link]] {{not a template}} ''not italic''</nowiki>",
])
def test_escaped_text_renders_as_typed(wikitext: str) -> None:
    html = str(render(convert(wikitext).markdown).html)
    for forbidden in ("<em>", "<strong>", "<code>", "<a ", "<ol", "<ul", "<h1", "<blockquote",
                      "<del>", "template-notice"):
        assert forbidden not in html


def test_references_become_footnotes() -> None:
    result = convert(
        'Claim.<ref name="a">First.</ref> Again.<ref name="a" /> Other.<ref>Second.</ref>\n'
        "\n== References ==\n{{Reflist|30em}}")
    assert result.markdown == (
        "Claim.[^a] Again.[^a] Other.[^1]\n\n## References\n\n{{Reflist}}\n\n"
        "[^a]: First.\n[^1]: Second.\n")
    assert not result.approximate


def test_a_named_reference_may_be_defined_after_its_first_use() -> None:
    assert markdown('Use.<ref name=b/> Later.<ref name="b">Defined later.</ref>') == \
        "Use.[^b] Later.[^b]\n\n[^b]: Defined later."


def test_references_defined_in_the_reference_list() -> None:
    wikitext = ('Claim.<ref name="x" />\n\n<references>\n<ref name="x">Listed.</ref>\n'
                "</references>")
    assert markdown(wikitext) == "Claim.[^x]\n\n{{Reflist}}\n\n[^x]: Listed."
    assert markdown('Claim.<ref name="y" />\n\n{{Reflist|refs=\n<ref name="y">Listed.</ref>\n}}'
                    ) == "Claim.[^y]\n\n{{Reflist}}\n\n[^y]: Listed."


def test_citation_templates_stay_templates_inside_footnotes() -> None:
    result = convert("Claim.<ref>{{cite web\n |url=https://example.org/a\n |title=A page\n}}"
                     "</ref>")
    assert result.markdown == ("Claim.[^1]\n\n[^1]: {{cite web\n    |url=https://example.org/a"
                               "\n    |title=A page\n    }}\n")
    html = str(render(result.markdown).html)
    assert '<cite class="citation web">' in html and 'href="https://example.org/a"' in html


def test_reference_names_become_safe_labels() -> None:
    assert markdown('A<ref name="Smith 2001, p. 3">S.</ref> B<ref name="smith-2001-p.-3">T.</ref>'
                    ) == ("A[^Smith-2001-p.-3] B[^smith-2001-p.-3-1]\n\n"
                          "[^Smith-2001-p.-3]: S.\n[^smith-2001-p.-3-1]: T.")


def test_a_reference_inside_a_template_moves_after_the_call() -> None:
    result = convert("{{Infobox|data1=1933<ref>Source.</ref>}}")
    assert result.markdown == "{{Infobox|data1=1933}}[^1]\n\n[^1]: Source.\n"
    assert result.notes == ["reference inside a template call or link moved after it"]


def test_undefined_reuse_and_groups_are_noted() -> None:
    result = convert('A<ref name="nowhere" /> B<ref group="n">Note.</ref>')
    assert result.markdown == "A B[^1]\n\n[^1]: Note.\n"
    assert set(result.notes) == {"reuse of a reference that is never defined dropped",
                                 "reference groups merged into one list of notes"}


def test_table_with_a_header_row() -> None:
    result = convert('{| class="wikitable"\n|+ Caption\n! A !! B\n|-\n| 1 || [[Two]]\n|-\n'
                     "| '''3''' || {{nowrap|4}}\n|}")
    assert result.markdown == ("**Caption**\n\n| A | B |\n|---|---|\n| 1 | [[Two]] |\n"
                               "| **3** | {{nowrap\\|4}} |\n")
    assert not result.approximate


def test_row_headers_are_bold() -> None:
    assert markdown("{|\n! Year !! Value\n|-\n! 2000\n| 5\n|}") == \
        "| Year | Value |\n|---|---|\n| **2000** | 5 |"


@pytest.mark.parametrize(("wikitext", "expected", "note"), [
    ("{|\n| a || b\n|-\n| c || d\n|}", "|  |  |\n|---|---|\n| a | b |\n| c | d |",
     "table without a header row given an empty one"),
    ("{|\n! A !! B\n|-\n| 1\n* x\n* y\n| 2\n|}", "| A | B |\n|---|---|\n| 1<br>• x<br>• y | 2 |",
     "table cell with several lines or a list joined into one line"),
    ("{|\n! A !! B\n|-\n|\n{|\n| p || q\n|-\n| r || s\n|}\n| t\n|}",
     "| A | B |\n|---|---|\n| p · q<br>r · s | t |", "nested table flattened into its cell"),
    ('{|\n! H1 !! H2\n|-\n| rowspan="2" | a || b\n|-\n| c\n|}',
     "| H1 | H2 |\n|---|---|\n| a | b |\n|  | c |",
     "table cell spanning several rows or columns split into single cells"),
    ('{|\n! colspan=2 | Wide\n|-\n| a || b\n|}', "| Wide |  |\n|---|---|\n| a | b |",
     "table cell spanning several rows or columns split into single cells"),
    ('{|\n! colspan="2²" | Wide\n|-\n| a || b\n|}', "| Wide |  |\n|---|---|\n| a | b |",
     "table cell spanning several rows or columns split into single cells"),
])
def test_tables_that_markdown_cannot_hold_are_flattened_with_a_note(
        wikitext: str, expected: str, note: str) -> None:
    result = convert(wikitext)
    assert result.markdown.rstrip("\n") == expected
    assert note in result.notes
    assert result.approximate


def test_html_tables_and_lists() -> None:
    assert markdown("<table><tr><th>A</th></tr><tr><td>1</td></tr></table>") == \
        "| A |\n|---|\n| 1 |"
    assert markdown("<ul><li>one</li><li>two<ol><li>inner</li></ol></li></ul>") == \
        "- one\n- two\n  1. inner"


def test_flattened_table_renders_as_one_table() -> None:
    html = str(render(convert("{|\n! A !! B\n|-\n| 1\n* x\n* y\n| 2\n|}").markdown).html)
    assert html.count("<table>") == 1 and "<td>1<br>• x<br>• y</td>" in html


def test_notes_say_what_was_approximated() -> None:
    result = convert("<math>x^2</math> {{DEFAULTSORT:Y, X}}\n; Term\n: Definition")
    assert result.markdown == "`x^2`\n\n**Term**\n> Definition\n"
    assert set(result.notes) == {
        "<math> shown as its source text", "{{DEFAULTSORT}} (a sort key for categories) dropped",
        "definition list written as bold terms with indented definitions"}
    assert result.approximate


def test_exact_conversion_has_no_notes() -> None:
    result = convert("== A ==\n'''b''' [[c]] {{d}}\n* e\n# f")
    assert result == Conversion("## A\n\n**b** [[c]] {{d}}\n\n- e\n1. f\n", [])
    assert not result.approximate


def test_empty_and_blank_text() -> None:
    assert convert("") == Conversion("", [])
    assert convert("\n\n  \n").markdown == ""


def test_gallery_becomes_a_list_of_file_links() -> None:
    result = convert("<gallery>\nFile:A.png|First\nB.jpg\n</gallery>")
    assert result.markdown == "- [[File:A.png|First]]\n- [[File:B.jpg]]\n"
    assert result.approximate
