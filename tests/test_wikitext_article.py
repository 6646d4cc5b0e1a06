"""A Wikipedia-style article written in wikitext, converted and then saved and read on the
wiki: it must read like the original (lead, sections, infobox, references, See also,
categories), with the comment and the interlanguage links gone and the <nowiki> text literal."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from wikitest import create

from wiki.dumps.wikitext import convert

TITLE = "Freedonia–Sylvania relations"
ARTICLE = """\
{{Infobox bilateral relations|Freedonia–Sylvania|Freedonia|Sylvania
| mission1 = [[Embassy of Freedonia in Sylvania|Freedonian Embassy]], Trentino
| mission2 = [[Embassy of Sylvania in Freedonia|Sylvanian Embassy]], Fredonia City
| envoytitle1 = Ambassador
| envoy1 = Rufus T. Firefly
| established = 12 May 1933
}}
<!-- Please do not change the lead without discussing it first. -->
'''Freedonia–Sylvania relations''' are the [[bilateral relations]] between [[Freedonia]] and [[Sylvania]]. The two countries share a border of 212&nbsp;km and have exchanged ambassadors since 1933.<ref name="treaty">{{cite web |url=https://example.org/treaties/1933 |title=Treaty of Friendship between Freedonia and Sylvania |website=Treaty Archive |date=12 May 1933 |access-date=1 March 2024}}</ref> Relations were broken off during the war of 1933 and restored in 1946.<ref>{{cite news |title=Envoys return to Trentino |newspaper=The Fredonia Gazette |date=3 April 1946 |page=2}}</ref>

== History ==
=== Early contacts ===
Traders from Sylvania reached the Freedonian coast in the 1820s. A first trade agreement was signed in 1871,<ref name="trade">{{cite book |title=Commerce on the Eastern Shore |last=Marlowe |first=Ada |year=1998 |publisher=Harbour Press |pages=41–44}}</ref> and its text still begins with the words <nowiki>''[[Article One]]'' shall be {{binding}}</nowiki>.

=== The war of 1933 ===
The dispute over the Trentino peanut harvest led to a short war in 1933.<ref name="treaty" /> After the armistice, the '''Treaty of Friendship''' set the border along the river Vale.

== Trade ==
Trade between the two countries has grown steadily since the 1990s.<ref name="trade" />

{| class="wikitable"
|+ Trade in millions of florins
! Year !! Exports to Sylvania !! Imports from Sylvania
|-
| 2000 || 120 || 95
|-
| 2010 || 310 || 240
|-
| 2020 || 455 || 390
|}

The main goods traded are:
* peanuts and peanut oil
* machinery
** farm machinery
** railway equipment
* textiles

== Treaties ==
# Trade agreement (1871)
# Treaty of Friendship (1933)
# Border agreement (1952)

== Terms ==
; Florin
: The currency of Freedonia since 1901.
; Vale
: The river that forms most of the border.

== See also ==
* [[Foreign relations of Freedonia]]
* [[Foreign relations of Sylvania]]

== References ==
{{Reflist}}

== External links ==
* [https://example.org/freedonia/embassy Embassy of Freedonia in Sylvania]

[[Category:Bilateral relations of Freedonia]]
[[Category:Bilateral relations of Sylvania]]

[[fr:Relations entre la Freedonia et la Sylvanie]]
[[de:Beziehungen zwischen Freedonia und Sylvanien]]
"""  # noqa: E501 (wikitext paragraphs are long lines)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_article_converts_with_notes_only_on_the_definition_list() -> None:
    result = convert(ARTICLE, TITLE)
    assert result.notes == ["definition list written as bold terms with indented definitions"]
    assert "Please do not change" not in result.markdown
    assert "[[fr:" not in result.markdown and "[[de:" not in result.markdown


def test_the_article_reads_like_the_original(app: Flask, client: FlaskClient) -> None:
    create(app, TITLE, convert(ARTICLE, TITLE).markdown)
    response = client.get("/wiki/Freedonia%E2%80%93Sylvania_relations")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    content = html[html.index('<div class="wiki-content">'):]
    words = text_of(content)

    # the infobox, then the lead
    assert 'class="infobox infobox-bilateral"' in content
    assert "Freedonia–Sylvania relations" in text_of(content[:content.index("</caption>")])
    assert "Rufus T. Firefly" in words and "12 May 1933" in words
    assert "<strong>Freedonia–Sylvania relations</strong> are the" in content
    assert "share a border of 212\u00a0km" in unescape(content)

    # the sections in order, in the table of contents
    start = html.index('id="toc-sidebar"')
    sidebar = html[start:html.index("</nav>", start)]
    assert re.findall(r'<span class="toc-text">([^<]*)</span>', sidebar) == [
        "History", "Early contacts", "The war of 1933", "Trade", "Treaties", "Terms",
        "See also", "References", "External links"]
    positions = [content.index(f'id="{anchor}"') for anchor in
                 ("History", "Early_contacts", "The_war_of_1933", "Trade", "Treaties", "Terms",
                  "See_also", "References", "External_links")]
    assert positions == sorted(positions)

    # footnotes: numbered in order of first use, the reused one pointing to the same note
    marks = re.findall(r'<sup class="reference" id="cite_ref-(\d+)"><a href="#cite_note-(\d+)">'
                       r"\[(\d+)\]</a></sup>", content)
    assert [int(number) for _, _, number in marks] == [1, 2, 3, 1, 3]
    assert all(ref == note == number for ref, note, number in marks)
    notes = content[content.index('<section class="references">'):]
    assert content.index('id="References"') < content.index('<section class="references">') \
        < content.index('id="External_links"')
    assert notes.count("<li id=\"cite_note-") == 3
    assert '<cite class="citation web">' in notes and '<cite class="citation news">' in notes
    assert '<cite class="citation book">' in notes
    assert 'href="https://example.org/treaties/1933"' in notes

    # the table, with its header row and cells
    start = content.index("<table>", content.index("Trade in millions of florins"))
    table = content[start:content.index("</table>", start)]
    assert re.findall(r"<th[^>]*>([^<]*)</th>", table) == [
        "Year", "Exports to Sylvania", "Imports from Sylvania"]
    assert re.findall(r"<td[^>]*>([^<]*)</td>", table) == [
        "2000", "120", "95", "2010", "310", "240", "2020", "455", "390"]

    # lists: bulleted (nested), numbered, definitions
    assert "<li>farm machinery</li>" in content and "<li>railway equipment</li>" in content
    assert re.search(r"<ol>\s*<li>Trade agreement \(1871\)</li>", content)
    assert "<strong>Florin</strong>" in content
    assert "The currency of Freedonia since 1901." in words

    # See also, external links, categories
    see_also = content[content.index('id="See_also"'):content.index('id="References"')]
    assert "/wiki/Foreign_relations_of_Freedonia" in see_also
    assert "/wiki/Foreign_relations_of_Sylvania" in see_also
    assert 'href="https://example.org/freedonia/embassy"' in content
    catlinks = html[html.index('<div class="catlinks">'):]
    assert "Bilateral relations of Freedonia" in catlinks
    assert "Bilateral relations of Sylvania" in catlinks

    # what must not show, and what must show as typed
    assert "Please do not change" not in html
    assert "Relations entre" not in html and "Beziehungen" not in html
    assert "''[[Article One]]'' shall be {{binding}}" in words
