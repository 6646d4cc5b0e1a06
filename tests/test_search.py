"""Search: Special:Search (ranking, snippets, diacritics, Go, paging, bad input), the suggestion
endpoint, keeping the index in step with edits, the migration that builds the index, and the
pure query translation. Engine-neutral: pages are made through the service layer or forms."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from wiki import pages, search
from wiki.errors import BadParameter
from wiki.search import text as search_text
from wiki.search.sqlite import match_expression, quote, title_match_expression
from wiki.search.text import MATCH_END, MATCH_START, fold, plain_text, query_terms, snippet_markup
from wiki.titles import parse_title

RESULT_TITLE = re.compile(r'<div class="search-result-heading"><a href="[^"]*">([^<]*)</a>')
BEFORE_SEARCH_INDEX = "ef918a53eef3"  # the migration before 0004_search_index


def save(app: Flask, title: str, text: str, author: str = "Search tester") -> None:
    """Create or change a page through the one writer."""
    with app.app_context():
        parsed = parse_title(title)
        page = pages.find_page(parsed)
        pages.save_edit(parsed, text, author=pages.Author(author),
                        base_revision_id=page.latest_revision_id if page else None,
                        summary="search test")


def results(client: FlaskClient, query: str, **params: object) -> tuple[int, str, list[str]]:
    """(status, HTML, result titles in order) of a full-text search."""
    response = client.get("/wiki/Special:Search",
                          query_string={"search": query, "fulltext": 1, **params})
    body = response.get_data(as_text=True)
    return response.status_code, body, RESULT_TITLE.findall(body)


# --- Special:Search ----------------------------------------------------------------------

def test_title_matches_rank_before_body_matches(app: Flask, client: FlaskClient) -> None:
    save(app, "Aquarium keeping", "Zebrafish " * 20 + "are kept in tanks. Zebrafish breed.")
    save(app, "Zebrafish", "A small freshwater fish.")
    status, _, titles = results(client, "zebrafish")
    assert status == 200
    assert titles == ["Zebrafish", "Aquarium keeping"]


def test_snippets_highlight_matches_and_escape_text(app: Flask, client: FlaskClient) -> None:
    save(app, "Quokka", "The quokka is a marsupial; 1 < 2 & <b>bold</b> claims.")
    _, body, titles = results(client, "marsupial")
    assert titles == ["Quokka"]
    assert '<span class="searchmatch">marsupial</span>' in body
    assert "1 &lt; 2 &amp;" in body
    assert "<b>bold</b>" not in body


def test_search_is_diacritics_insensitive_both_ways(app: Flask, client: FlaskClient) -> None:
    _, body, titles = results(client, "Tadic")
    assert titles[0] == "Boris Tadić"
    assert '<span class="searchmatch">Tadić</span>' in body
    save(app, "Plain spelling", "Some sources spell the name Tadic without accents.")
    _, _, titles = results(client, "Tadić")
    assert "Plain spelling" in titles and "Boris Tadić" in titles


def test_letters_without_decomposition_fold_too(app: Flask, client: FlaskClient) -> None:
    save(app, "Zoran Đinđić", "Zoran Đinđić was Prime Minister of Serbia.")
    _, _, titles = results(client, "Dindic")
    assert titles == ["Zoran Đinđić"]
    _, _, titles = results(client, "zoran đinđić")
    assert titles == ["Zoran Đinđić"]


def test_a_body_word_with_such_a_letter_is_found_by_its_plain_spelling(
        app: Flask, client: FlaskClient) -> None:
    save(app, "Serbian politics", "Its prime ministers include Zoran Đinđić and others.")
    _, _, titles = results(client, "Dindic")
    assert titles == ["Serbian politics"]


def test_alternate_spellings_are_the_folded_words_with_such_letters() -> None:
    spell = search_text.alternate_spellings
    assert spell("Zoran Đinđić met Łukasz in Łódź, then Đinđić again.") == "dindic lukasz lodz"
    assert spell("Boris Tadić and Priština fold by themselves.") == ""
    assert spell("") == ""


def test_seeded_pages_are_searchable(client: FlaskClient) -> None:
    status, body, titles = results(client, "Aliyev")
    assert status == 200
    assert titles[0] == "Ilham Aliyev"
    assert "Results 1–" in body


def test_go_opens_an_exact_title(client: FlaskClient) -> None:
    response = client.get("/wiki/Special:Search", query_string={"search": "Kosovo", "go": "Go"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/wiki/Kosovo"
    # title normalization, then case and diacritics
    for query in ("boris_Tadić", "boris tadic", "BORIS TADIC"):
        response = client.get("/wiki/Special:Search", query_string={"search": query})
        assert response.headers["Location"] == "/wiki/Boris_Tadi%C4%87", query


def test_fulltext_lists_results_even_for_an_exact_title(client: FlaskClient) -> None:
    status, body, titles = results(client, "Kosovo")
    assert status == 200
    assert titles[0] == "Kosovo"
    assert "There is a page named" in body
    assert "Create the page" not in body


def test_results_and_create_link_when_no_page_has_the_title(client: FlaskClient) -> None:
    response = client.get("/wiki/Special:Search", query_string={"search": "Kosovo peacekeepers"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="/wiki/Kosovo_peacekeepers?action=edit"' in body
    assert "Create the page “Kosovo peacekeepers”" in body
    assert "Azerbaijan–Kosovo relations" in RESULT_TITLE.findall(body)


def test_no_results_says_so_and_offers_creation(client: FlaskClient) -> None:
    status, body, titles = results(client, "Xylophonist")
    assert (status, titles) == (200, [])
    assert "no results matching the query" in body
    assert "Create the page “Xylophonist”" in body


def test_paging(app: Flask, client: FlaskClient) -> None:
    for number in range(5):
        save(app, f"Numbat {number}", f"Page {number} about the pagingword.")
    seen: list[str] = []
    for offset in (0, 2, 4):
        status, body, titles = results(client, "pagingword", limit=2, offset=offset)
        assert status == 200
        assert f"Results {offset + 1}–{offset + len(titles)} of 5" in body
        assert ('rel="next"' in body) == (offset < 4)
        assert ('rel="prev"' in body) == (offset > 0)
        seen += titles
    assert sorted(seen) == [f"Numbat {n}" for n in range(5)]
    status, body, titles = results(client, "pagingword", offset=50)
    assert (status, titles) == (200, [])
    assert "No more results" in body


def test_an_edit_reindexes_at_once(app: Flask, client: FlaskClient, wiki) -> None:  # type: ignore[no-untyped-def]
    wiki.edit("Marsupials", "The wombat digs burrows.", summary="new")
    assert results(client, "wombat")[2] == ["Marsupials"]
    wiki.edit("Marsupials", "The bilby digs burrows.", summary="bilby, not wombat")
    assert results(client, "wombat")[2] == []
    assert results(client, "bilby")[2] == ["Marsupials"]


def test_redirects_and_deleted_pages_are_left_out(app: Flask, client: FlaskClient) -> None:
    save(app, "Echidna", "The echidna lays eggs.")
    save(app, "Spiny anteater echidna", "#REDIRECT [[Echidna]]")
    save(app, "Echidna trivia", "More about the echidna.")
    assert results(client, "echidna")[2] == ["Echidna", "Echidna trivia"]
    with app.app_context():
        from wiki import moderation

        moderation.delete(parse_title("Echidna trivia"), "test",
                          pages.Author("Admin", role="admin"))
    assert results(client, "echidna")[2] == ["Echidna"]
    assert client.get("/api/suggest?q=echidna").get_json()["titles"] == ["Echidna"]
    response = client.get("/wiki/Special:Search", query_string={"search": "Echidna trivia"})
    assert response.status_code == 200  # no "Go" to a deleted page


def test_namespaces(app: Flask, client: FlaskClient) -> None:
    save(app, "Talk:Kosovo", "Discussion of the bandicootword.")
    assert results(client, "bandicootword")[2] == []
    assert results(client, "bandicootword", namespace=1)[2] == ["Talk:Kosovo"]


def test_empty_query_shows_the_form(client: FlaskClient) -> None:
    for query in ({}, {"search": ""}, {"search": "   ", "fulltext": 1}):
        response = client.get("/wiki/Special:Search", query_string=query)
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert 'name="search"' in body and "search-results" not in body


@pytest.mark.parametrize("query", [
    "x" * 1000, '"', '"unbalanced', "*", "kosovo*", "NEAR", "NEAR(kosovo serbia, 2)", "-",
    "kosovo -serbia", "(((", ")))", "AND OR NOT", "kosovo AND", "OR", "title:kosovo",
    "{title}: kosovo", "^kosovo", "'", "\\", "%", "_", "[[", "{{x}}", "\x00kosovo", "🙂",
    "漢字", "a" * 200 + " kosovo", " ".join(["kosovo"] * 140), "Talk:", "\u202e",
])
def test_search_syntax_is_never_an_error(client: FlaskClient, query: str) -> None:
    for mode in ({"fulltext": 1}, {}):
        response = client.get("/wiki/Special:Search", query_string={"search": query, **mode})
        body = response.get_data(as_text=True)
        if "\x00" in query:  # no text on the wiki may hold NUL: refused clearly, for every engine
            assert response.status_code == 400 and "NUL character" in body
            continue
        assert response.status_code in (200, 302), (query, mode)
        if response.status_code == 200:
            assert any(text in body for text in (
                "Results ", "no results matching", "contains no words", 'name="search"'))


def test_many_words_are_capped_with_a_note(client: FlaskClient) -> None:
    words = " ".join(f"w{n}" for n in range(40))
    status, body, _ = results(client, words)
    assert status == 200
    assert "no results matching" in body
    assert "Only the first 32 words of the query were searched." in body


def test_too_long_query_is_a_clear_400(client: FlaskClient) -> None:
    status, body, _ = results(client, "x" * 1001)
    assert status == 400
    assert "longest allowed is 1,000" in body


@pytest.mark.parametrize(("params", "message"), [
    ({"limit": -1}, "limit"), ({"limit": 0}, "limit"), ({"limit": 101}, "limit"),
    ({"limit": 10**30}, "limit"), ({"limit": "ten"}, "limit"), ({"offset": -1}, "offset"),
    ({"offset": 10**30}, "offset"), ({"offset": "1e3"}, "offset"), ({"namespace": -1}, "namespace"),
    ({"namespace": "Talk"}, "namespace"), ({"namespace": 99}, "namespace"),
])
def test_bad_paging_and_namespace_are_400(client: FlaskClient, params: dict[str, object],
                                          message: str) -> None:
    status, body, _ = results(client, "kosovo", **params)
    assert status == 400
    assert message in body


def test_search_box_in_every_header(client: FlaskClient) -> None:
    body = client.get("/wiki/Kosovo").get_data(as_text=True)
    header = body[body.index("<header"):body.index("</header>")]
    assert 'action="/wiki/Special:Search"' in header and 'method="get"' in header
    assert 'name="search"' in header and '<label for="searchInput"' in header
    assert 'name="go"' in header and 'name="fulltext"' in header
    assert re.search(r'<script src="/static/js/search\.js\?v=[0-9a-f]{12}" defer></script>', body)
    assert "<script>" not in body
    assert client.get("/static/js/search.js").status_code == 200


# --- /api/suggest ------------------------------------------------------------------------

def test_suggestions_by_prefix(app: Flask, client: FlaskClient) -> None:
    response = client.get("/api/suggest?q=bor")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"query": "bor", "titles": ["Boris Tadić"]}
    assert client.get("/api/suggest?q=BORIS%20TADIC").get_json()["titles"] == ["Boris Tadić"]
    save(app, "Đorđe Balašević", "A singer.")
    assert client.get("/api/suggest?q=dorde").get_json()["titles"] == ["Đorđe Balašević"]
    azerbaijan = client.get("/api/suggest?q=Azerbaijan").get_json()["titles"]
    assert azerbaijan[0] == "Azerbaijan" and "Azerbaijan–Kosovo relations" in azerbaijan
    assert client.get("/api/suggest?q=Azerbaijan-K").get_json()["titles"][0] == \
        "Azerbaijan–Kosovo relations"
    assert len(client.get("/api/suggest?q=a").get_json()["titles"]) <= 10
    assert len(client.get("/api/suggest?q=a&limit=2").get_json()["titles"]) == 2
    assert client.get("/api/suggest?q=").get_json() == {"query": "", "titles": []}
    assert client.get("/api/suggest?q=zzzzqqq").get_json()["titles"] == []


@pytest.mark.parametrize("query_string", [
    "", "q=a&limit=0", "q=a&limit=11", "q=a&limit=x", "q=" + "a" * 256, "q=%ff",
])
def test_suggestions_bad_input_is_json_400(client: FlaskClient, query_string: str) -> None:
    response = client.get("/api/suggest?" + query_string)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]["code"] == "badparameter"


# --- the migration -----------------------------------------------------------------------

def test_migration_indexes_existing_pages(app: Flask, client: FlaskClient) -> None:
    from flask_migrate import downgrade, upgrade

    from wiki.cli import MIGRATIONS
    from wiki.db import db

    save(app, "Platypus", "The platypus is a monotreme.")
    with app.app_context():
        db.session.remove()
        downgrade(directory=str(MIGRATIONS), revision=BEFORE_SEARCH_INDEX)
        assert "search_titles" not in sa.inspect(db.engine).get_table_names()
        upgrade(directory=str(MIGRATIONS))
        assert "search_titles" in sa.inspect(db.engine).get_table_names()
    assert results(client, "Aliyev")[2][0] == "Ilham Aliyev"
    assert results(client, "monotreme")[2] == ["Platypus"]
    assert client.get("/api/suggest?q=platy").get_json()["titles"] == ["Platypus"]


# --- pure parts --------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "terms"), [
    ("Boris Tadić", ["Boris", "Tadić"]),
    ('"kosovo" AND (serbia OR NOT x*) NEAR(a b)', ["kosovo", "AND", "serbia", "OR", "NOT", "x",
                                                   "NEAR", "a", "b"]),
    ("-(((*)))- ^ : {} '\"", []),
    ("kosovo Kosovo KOSOVO košovo", ["kosovo"]),
    ("Kosovo's", ["Kosovo", "s"]),
    ("snake_case", ["snake", "case"]),
])
def test_query_terms(query: str, terms: list[str]) -> None:
    assert query_terms(query) == terms


def test_fts5_expressions_quote_every_term() -> None:
    assert quote('say "hi"') == '"say ""hi"""'
    assert match_expression(["Boris", "Tadić"]) == '"Boris" AND "Tadić"'
    assert match_expression(["NEAR", "AND"]) == '"NEAR" AND "AND"'
    assert match_expression(["Đinđić"]) == '("Đinđić" OR "dindic")'
    assert title_match_expression(["kosovo"]) == '{title title_alt} : ("kosovo")'


def test_fold_and_clean_query() -> None:
    assert fold("Boris  Tadić") == "boris tadic"
    assert fold("Azerbaijan–Kosovo_relations") == "azerbaijan-kosovo relations"
    assert fold("Đorđe Straße Øre") == "dorde strasse ore"
    assert search.clean_query("  a\x00b\n c\u202e ") == "a b c"
    with pytest.raises(BadParameter):
        search.clean_query("x" * 1001)


def test_plain_text_keeps_words_not_syntax() -> None:
    text = ("## History\n\n{{Infobox|Kosovo|capital=Pristina}} See [[Serbia|Serbian]] and "
            "[[Baku]], **bold** [link](https://example.org) \\[x\\] [[Category:People]]\n"
            "- item \ue000")
    assert plain_text(text) == (
        "History Kosovo Pristina See Serbian and Baku, bold link [x] People item"
    )


# What plain_text removes as emphasis and rule lines, written as the plain alternation: the
# module's pattern adds a look-ahead for speed and must remove exactly the same.
EMPHASIS_SPEC = re.compile(r"\*+|`+|~~|(?<!\w)_+|_+(?!\w)|^\s*[-=|:]{3,}\s*$", re.MULTILINE)


@given(st.text(alphabet="*`~_-=|:# \n\tab1é", max_size=40))
def test_emphasis_and_rules_go_as_the_plain_alternation_says(text: str) -> None:
    assert search_text._EMPHASIS.sub("", text) == EMPHASIS_SPEC.sub("", text)


def test_emphasis_marks_and_rule_lines_are_not_words() -> None:
    assert plain_text("**---**\n\n|---|---|\n\nsnake_case _it_ __b__ `c` ~~d~~ ***") == \
        "--- snake_case it b c d"


def test_snippet_markup_escapes_text_and_marks_matches() -> None:
    raw = f"<b>&</b> {MATCH_START}Tadić{MATCH_END} {MATCH_END}end"
    snippet = snippet_markup(raw)
    assert isinstance(snippet, Markup)
    assert str(snippet) == ('&lt;b&gt;&amp;&lt;/b&gt; <span class="searchmatch">Tadić</span> '
                            "end")
    assert str(snippet_markup(f"{MATCH_START}<i>")) == \
        '<span class="searchmatch">&lt;i&gt;</span>'


def test_autogenerate_hook_hides_only_the_search_tables() -> None:
    for table in ("search_fts", "search_fts_data", "search_titles", "search_documents"):
        assert not search.include_in_autogenerate(table, "table", {})
    assert search.include_in_autogenerate("pages", "table", {})
    assert search.include_in_autogenerate("ix_search_titles_title_key", "index", {})


def test_a_very_common_word_is_ranked_among_a_bounded_set(
    app, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wiki import pages, search
    from wiki.titles import parse_title

    with app.app_context():
        for n in range(6):
            pages.save_edit(parse_title(f"Common {n}"), f"Everywhere word zyxcommon number {n}.",
                            author=pages.Author("Tester"), base_revision_id=None)
    monkeypatch.setattr(search, "RESULT_CAP", 3)
    status, body, titles = results(client, "zyxcommon")
    assert status == 200
    assert "of more than 3" in body
    assert len(titles) == 3
