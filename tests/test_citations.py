"""Citation templates ({{Cite web}}, {{Cite news}}, {{Cite book}}, {{Cite journal}}), {{Citation
needed}} and {{Reflist}}: pure render tests of each, and a page with several citations over
HTTP."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wikitest import create

from wiki.markup import render
from wiki.markup.citations import safe_url


def cited(call: str) -> str:
    """The HTML of one citation call, alone on a line."""
    return str(render(call).html).strip()


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def test_cite_web_in_cs1_order() -> None:
    html = cited("{{Cite web |url=https://example.org/a |title=A page |last=Smith |first=Jo "
                 "|last2=Roe |first2=Al |date=1 May 2010 |website=Example |publisher=Ex Corp "
                 "|access-date=2 June 2020 |language=French}}")
    assert html.startswith('<cite class="citation web">') and html.endswith("</cite>")
    assert text_of(html) == ('Smith, Jo; Roe, Al (1 May 2010). "A page" (in French). Example. '
                             'Ex Corp. Retrieved 2 June 2020.')
    assert '<a class="external" rel="nofollow ugc" href="https://example.org/a">"A page"</a>' \
        in html
    assert "<i>Example</i>" in html


def test_cite_web_without_author_puts_the_date_after_the_publisher() -> None:
    html = cited("{{Cite web|title=T|url=https://e.org|website=W|publisher=P|date=2008}}")
    assert text_of(html) == '"T". W. P. 2008.'


@pytest.mark.parametrize(("status", "title_href", "archived"), [
    ("", "https://archive.example/x", 'Archived from <a class="external" rel="nofollow ugc" '
                                      'href="https://e.org/o">the original</a> on 3 June 2020.'),
    ("dead", "https://archive.example/x", "Archived from <a"),
    ("live", "https://e.org/o", '<a class="external" rel="nofollow ugc" '
                                'href="https://archive.example/x">Archived</a> from the original '
                                'on 3 June 2020.'),
])
def test_archived_links(status: str, title_href: str, archived: str) -> None:
    html = cited("{{Cite web|title=T|url=https://e.org/o|archive-url=https://archive.example/x"
                 f"|archive-date=3 June 2020|url-status={status}}}}}")
    assert f'href="{title_href}">"T"</a>' in html
    assert archived in html


def test_cite_news_with_agency_and_via() -> None:
    html = cited("{{Cite news|title=Parliament votes|agency=Agence France-Presse"
                 "|date=4 March 2008|newspaper=The Paper|via=Archive site|page=3}}")
    assert text_of(html) == ('"Parliament votes". The Paper. Agence France-Presse. 4 March 2008. '
                             'p. 3 – via Archive site.')
    assert "<i>The Paper</i>" in html


def test_cite_book() -> None:
    html = cited("{{Cite book|title=A Book|author=Jane Doe|year=2001|publisher=Pub"
                 "|location=London|isbn=978-0-00-000000-2|pages=12–14|edition=2nd}}")
    assert text_of(html) == ("Jane Doe (2001). A Book (2nd ed.). London: Pub. pp. 12–14. "
                             "ISBN 978-0-00-000000-2.")
    assert "<i>A Book</i>" in html


def test_cite_journal() -> None:
    html = cited("{{Cite journal|title=An Article|last=Xu|first=Li|journal=Journal of Things"
                 "|volume=3|issue=4|pages=1–9|doi=10.1000/abc.1|date=2000|quote=Indeed.}}")
    assert text_of(html) == ('Xu, Li (2000). "An Article". Journal of Things 3 (4): 1–9. '
                             'doi:10.1000/abc.1. "Indeed."')
    assert "<b>3</b>" in html
    assert 'href="https://doi.org/10.1000/abc.1"' in html


@pytest.mark.parametrize("name", ["Cite web", "Cite news", "Cite book", "Cite journal"])
def test_missing_title_is_a_visible_error(name: str) -> None:
    html = cited(f"{{{{{name}|url=https://e.org|date=2009}}}}")
    assert 'class="cs1-error"' in html
    assert "Missing or empty |title=" in text_of(html)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "https://e.org/a b",
                                 'https://e.org/"onmouseover="x', "ftp://e.org/"])
def test_only_http_addresses_become_links(url: str) -> None:
    html = cited(f"{{{{Cite web|title=T|url={url}|archive-url={url}}}}}")
    assert "href" not in html.split("</cite>")[0]
    assert safe_url(url) is None


def test_parameters_cannot_inject_markup() -> None:
    html = cited('{{Cite web|title=<script>x</script>|website=<img src=x onerror=y>'
                 '|last=" onclick="z|url=https://e.org/?a=1&b="2"}}')
    assert "<script>" not in html and "<img" not in html
    assert not [tag for tag in re.findall(r"<[^>]+>", html) if "onclick" in tag]


def test_parameters_keep_their_wiki_markup() -> None:
    html = cited("{{Cite web|title=T|website=[[Kosovo]]|date=2009}}")
    assert "/wiki/Kosovo" in html


def test_citation_needed() -> None:
    html = str(render("A claim.{{Citation needed|date=November 2026}}").html)
    sup = re.search(r'<sup class="noprint citation-needed">(.*?)</sup>', html)
    assert sup and text_of(sup.group(1)) == "[citation needed]"
    assert 'title="This claim needs references to reliable sources. (November 2026)"' in html
    assert 'href="/wiki/Help:Citation_needed?action=edit&amp;redlink=1"' in html


FOOTNOTED = """Claim.[^a] Another.[^b]

## Notes

{{Reflist}}

## Further reading

Text.

[^a]: {{Cite web|title=One|url=https://e.org/1}}
[^b]: {{Cite book|title=Two}}
"""


def test_reflist_places_the_list_under_the_authors_heading() -> None:
    rendered = render(FOOTNOTED)
    html = str(rendered.html)
    assert html.index('<h2 id="Notes">') < html.index('<section class="references">') \
        < html.index('<h2 id="Further_reading">')
    assert html.count('<section class="references">') == 1
    assert 'id="References"' not in html
    assert [entry.text for entry in rendered.toc] == ["Notes", "Further reading"]
    assert '<cite class="citation web">' in html and '<cite class="citation book">' in html


def test_without_reflist_the_list_gets_a_references_heading_at_the_end() -> None:
    rendered = render(FOOTNOTED.replace("{{Reflist}}", ""))
    html = str(rendered.html)
    assert html.index('<h2 id="Further_reading">') < html.index('<h2 id="References">') \
        < html.index('<section class="references">')
    assert [entry.text for entry in rendered.toc][-1] == "References"


def test_reflist_without_footnotes_draws_nothing() -> None:
    assert str(render("Text.\n\n{{Reflist}}\n").html).strip() == "<p>Text.</p>"


def test_reflist_in_code_stays_literal() -> None:
    html = str(render("Claim.[^a]\n\n`{{Reflist}}`\n\n[^a]: Note.").html)
    assert "<code>{{Reflist}}</code>" in html
    assert html.index("<code>") < html.index('<section class="references">')


def test_a_page_with_several_citations(app: Flask, client: FlaskClient) -> None:
    create(app, "Cited page", "\n".join([
        "First claim.[^1] Second claim.[^2] Third.[^3] Unsourced.{{Citation needed|date=May 2026}}",
        "",
        "## References",
        "",
        "{{Reflist}}",
        "",
        "[^1]: {{Cite news|title=Azerbaijan parliament votes|agency=Agence France-Presse"
        "|date=4 March 2008}}",
        "[^2]: {{Cite web|url=https://www.icj-cij.org/case/141|title=Case 141"
        "|website=International Court of Justice|access-date=30 November 2026}}",
        "[^3]: {{Cite journal|title=An article|journal=A Journal|volume=1}}",
    ]))
    response = client.get("/wiki/Cited_page")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('<cite class="citation') == 3
    assert html.count('<h2 id="References">') == 1
    assert html.index('<h2 id="References">') < html.index('<section class="references">')
    assert 'href="https://www.icj-cij.org/case/141">"Case 141"</a>' in html
    assert "[citation needed]" in text_of(html)
    for number in (1, 2, 3):
        assert f'href="#cite_note-{number}"' in html and f'id="cite_note-{number}"' in html
