"""Relations pages through HTTP, as a reader and an editor meet them: the one-step
Special:NewRelations form (article, redirects and hubs in one transaction), the answers to bad
input and to pairs that exist already, the "Create this relations page" offer on missing titles,
the generated locator maps, Special:RelationsMatrix, the self-maintaining
{{Relations of|X}} hubs and the hatnote and infobox templates."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from wikitest import custom_app

import wiki.relations.create
from wiki.relations import mapstore

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
NEW_RELATIONS = "/wiki/Special:NewRelations"
MATRIX = "/wiki/Special:RelationsMatrix"
EN_DASH = "\u2013"
EM_DASH = "\u2014"

KOSOVO_SERBIA = f"Kosovo{EN_DASH}Serbia relations"
KOSOVO_SERBIA_REDIRECTS = (
    f"Serbia{EN_DASH}Kosovo relations",
    "Kosovo-Serbia relations",
    "Serbia-Kosovo relations",
)
ALBANIA_KOSOVO = f"Albania{EN_DASH}Kosovo relations"
ALBANIA_KOSOVO_REDIRECTS = (
    f"Kosovo{EN_DASH}Albania relations",
    "Albania-Kosovo relations",
    "Kosovo-Albania relations",
)


# Helpers -----------------------------------------------------------------------------------


def versioned(path: str) -> str:
    """A map's URL as pages link to it: with the current map data version."""
    return f"{path}?v={mapstore.data_version()}"


def path_of(title: str) -> str:
    """The URL path of a title, as the wiki writes it (underscores, percent-encoded)."""
    return "/wiki/" + quote(title.replace(" ", "_"), safe=":()'!,")


class _Elements(HTMLParser):
    """Collects start tags with their attributes and the text inside each <a>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.anchors: list[dict[str, str]] = []
        self._open_anchor: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self.tags.append((tag, found))
        if tag == "a":
            self._open_anchor = {**found, "text": ""}
            self.anchors.append(self._open_anchor)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open_anchor = None

    def handle_data(self, data: str) -> None:
        if self._open_anchor is not None:
            self._open_anchor["text"] += data


def parse(html: str) -> _Elements:
    """Parse an HTML fragment."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def anchors(html: str) -> list[dict[str, str]]:
    """Every <a> of a fragment: its attributes plus its text under "text"."""
    return parse(html).anchors


def inputs(html: str) -> dict[str, dict[str, str]]:
    """The form's <input> elements by name."""
    return {attrs["name"]: attrs for tag, attrs in parse(html).tags
            if tag == "input" and "name" in attrs}


def textarea(html: str, name: str) -> str:
    """The text of a <textarea> by name."""
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return unescape(match.group(1))


def content(html: str) -> str:
    """The rendered wiki text of an article page."""
    match = re.search(r'<div class="wiki-content">(.*)</main>', html, re.S)
    assert match, "no article content"
    return match.group(1)


def query_of(href: str) -> dict[str, list[str]]:
    """The query parameters of a link."""
    return parse_qs(urlsplit(href).query)


def form_token(client) -> str:  # type: ignore[no-untyped-def]
    """The CSRF token of the Special:NewRelations form, as a browser would send it back."""
    page = client.get(NEW_RELATIONS)
    assert page.status_code == 200
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    assert match, "the form has no CSRF token"
    return match.group(1)


def submit(client, first: str, second: str, **fields: str):  # type: ignore[no-untyped-def]
    """Fill in and submit Special:NewRelations."""
    data = {"csrf_token": form_token(client), "first": first, "second": second,
            "established": "", "lead": "", "summary": ""}
    data.update(fields)
    return client.post(NEW_RELATIONS, data=data)


def exists(client, title: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether a page stands under the title (redirects are not followed)."""
    status = client.get(path_of(title) + "?redirect=no").status_code
    assert status in {200, 404}, f"{title}: unexpected status {status}"
    return status == 200


def history_rows(client, title: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The summaries of a page's revisions, newest first."""
    response = client.get(path_of(title) + "?action=history")
    assert response.status_code == 200, title
    html = response.get_data(as_text=True)
    rows = re.findall(r'<li class="history-row">(.*?)</li>', html, re.S)
    summaries = []
    for row in rows:
        match = re.search(r'<span class="summary">(.*?)</span>', row, re.S)
        text = unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else ""
        summaries.append(text.removeprefix("(").removesuffix(")"))
    return summaries


def hub_rows(html: str) -> dict[str, dict[str, str]]:
    """The rows of a {{Relations of|X}} hub's tables, by partner: the continent (the table's
    caption), the partner's link, the date relations were established and the article link."""
    rows: dict[str, dict[str, str]] = {}
    for table in re.findall(r'<table class="wikitable sortable hub-table">(.*?)</table>', html,
                            re.S):
        caption = re.search(r"<caption>(.*?)</caption>", table, re.S)
        assert caption, "a hub table without a caption"
        assert '<th scope="col">' in table
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
            head = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            assert head and len(cells) == 2, row
            partner = anchors(head.group(1))[0]
            article = anchors(cells[1])[0]
            rows[unescape(partner["text"]).strip()] = {
                "continent": unescape(caption.group(1)).strip(),
                "country_href": partner["href"],
                "established": unescape(re.sub(r"<[^>]+>", "", cells[0])).strip(),
                "href": article["href"],
                "title": article.get("title", ""),
            }
    return rows


def hub_partners(html: str) -> dict[str, str]:
    """The partners a {{Relations of|X}} hub lists: partner name -> its relations article."""
    return {partner: row["href"] for partner, row in hub_rows(html).items()}


def hub_wanted(html: str) -> dict[str, str]:
    """The not-yet-written pairs a hub offers: title -> creation link."""
    match = re.search(r'<p class="hub-wanted">(.*?)</p>', html, re.S)
    if not match:
        return {}
    return {a["text"].strip(): a["href"] for a in anchors(match.group(1))}


def matrix_cells(html: str) -> dict[tuple[str, str], tuple[str, dict[str, str] | None]]:
    """Special:RelationsMatrix as (row, column) -> (cell class, its link)."""
    head = re.search(r"<thead>(.*?)</thead>", html, re.S)
    assert head, "the matrix has no header"
    columns = [unescape(name) for name in re.findall(r"<span>(.*?)</span>", head.group(1))]
    cells: dict[tuple[str, str], tuple[str, dict[str, str] | None]] = {}
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert body, "the matrix has no body"
    for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S):
        name = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        assert name
        found = re.findall(r'<td class="(\w+)"[^>]*>(.*?)</td>', row, re.S)
        assert len(found) == len(columns)
        for column, (css, inner) in zip(columns, found, strict=True):
            links = anchors(inner)
            cells[(unescape(name.group(1)), column)] = (css, links[0] if links else None)
    return cells


# Special:NewRelations: the form --------------------------------------------------------------


def test_form_has_two_country_fields_with_type_ahead_over_names_and_aliases(client):
    response = client.get(NEW_RELATIONS)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    fields = inputs(html)
    for name in ("first", "second"):
        assert fields[name]["type"] == "text"
        assert fields[name]["list"] == "country-names"
        assert fields[name]["value"] == ""
        assert f'<label for="{name}"' in html
    assert fields["established"]["value"] == ""
    assert "lead" in {attrs.get("name") for tag, attrs in parse(html).tags if tag == "textarea"}
    assert "summary" in fields
    assert fields["csrf_token"]["value"]
    datalist = re.search(r'<datalist id="country-names">(.*?)</datalist>', html, re.S)
    assert datalist, "no datalist for the country fields"
    options = {unescape(value)
               for value in re.findall(r'<option value="([^"]*)"', datalist.group(1))}
    # Common names as relations titles use them, and aliases people type.
    for name in ("Kosovo", "Serbia", "Czech Republic", "Czechia", "Republic of Kosovo",
                 "Ivory Coast", "Côte d'Ivoire", "Holy See", "Vatican City", "Guinea-Bissau",
                 "The Gambia", "Timor-Leste", "East Timor", "Türkiye", "Burma"):
        assert name in options, name
    assert len(options) > 197
    # An alias names the country it stands for.
    assert re.search(r'<option value="Czechia">\s*Czech Republic\s*</option>', datalist.group(1))


def test_form_is_prefilled_from_the_query_string(client):
    html = client.get(NEW_RELATIONS + "?first=Serbia&second=Kosovo").get_data(as_text=True)
    fields = inputs(html)
    assert fields["first"]["value"] == "Serbia"
    assert fields["second"]["value"] == "Kosovo"


def test_prefilled_values_are_escaped(client):
    response = client.get(NEW_RELATIONS, query_string={
        "first": '"><script>alert(1)</script>', "second": "Kosovo"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert inputs(html)["first"]["value"] == '"><script>alert(1)</script>'


# Special:NewRelations: creating --------------------------------------------------------------


def test_creating_lands_on_the_canonical_article(client):
    response = submit(client, "Serbia", "Republic of Kosovo")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/wiki/Kosovo%E2%80%93Serbia_relations"
    article = client.get(response.headers["Location"])
    assert article.status_code == 200
    html = article.get_data(as_text=True)
    assert f'<h1 class="page-title">{KOSOVO_SERBIA}</h1>' in html


def test_new_article_has_infobox_map_lead_sections_and_see_also(client):
    assert submit(client, "Serbia", "Kosovo").status_code == 303
    html = content(client.get(path_of(KOSOVO_SERBIA)).get_data(as_text=True))

    infobox = re.search(r'<table class="infobox infobox-bilateral">(.*?)</table>', html, re.S)
    assert infobox, "no bilateral relations infobox"
    box = infobox.group(1)
    assert KOSOVO_SERBIA in box
    images = [attrs for tag, attrs in parse(box).tags if tag == "img"]
    assert len(images) == 1
    assert images[0]["src"] in {versioned("/map/XKX-SRB.svg"), versioned("/map/XKX-SRB.png")}
    # The caption is printed below the map; the image's text says what the caption does not.
    assert "Map indicating locations of Kosovo and Serbia" in box
    assert images[0]["alt"] == "Locator map: Kosovo in green, Serbia in orange"
    assert images[0]["width"] == "360" and images[0]["height"] == "270"
    parties = {a["text"].strip(): a["href"] for a in anchors(box)}
    assert parties == {"Kosovo": "/wiki/Kosovo", "Serbia": "/wiki/Serbia"}
    image = client.get(images[0]["src"])
    assert image.status_code == 200
    assert image.mimetype in {"image/svg+xml", "image/png"}

    lead = html[infobox.end():html.index("<h2")]
    assert re.search(r"<strong>Kosovo–Serbia relations</strong> are the bilateral relations "
                     r"between <a [^>]*>Kosovo</a> and <a [^>]*>Serbia</a>", lead)

    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert headings == ["History", "Diplomatic missions", "See also"]
    see_also = html[html.index('id="See_also"'):]
    links = {a["text"].strip(): a for a in anchors(see_also)}
    for hub in ("Foreign relations of Kosovo", "Foreign relations of Serbia"):
        assert links[hub]["href"] == path_of(hub)
        assert "new" not in links[hub].get("class", "").split()


def test_established_date_lead_and_summary_are_used(client):
    response = submit(client, "Kosovo", "Serbia", established="2008-02-17",
                      lead="Serbia does not recognise [[Kosovo]]'s independence.",
                      summary="Start the Kosovo and Serbia article")
    assert response.status_code == 303
    html = content(client.get(path_of(KOSOVO_SERBIA)).get_data(as_text=True))
    infobox = re.search(r'<table class="infobox infobox-bilateral">(.*?)</table>', html, re.S)
    assert infobox
    assert re.search(r"Relations established</th>\s*<td>2008-02-17</td>", infobox.group(1))
    lead = html[:html.index("<h2")]
    assert re.search(r"are the bilateral relations between .*?\. Serbia does not recognise "
                     r"<a [^>]*>Kosovo</a>(?:'|&#39;|&#x27;)s independence\.", lead)
    assert history_rows(client, KOSOVO_SERBIA) == ["Start the Kosovo and Serbia article"]


@pytest.mark.parametrize("redirect", KOSOVO_SERBIA_REDIRECTS)
def test_redirects_from_the_other_spellings_lead_to_the_article(client, redirect):
    assert submit(client, "Serbia", "Kosovo").status_code == 303
    hop = client.get(path_of(redirect))
    assert hop.status_code in {301, 302, 303, 307, 308}
    assert urlsplit(hop.headers["Location"]).path == path_of(KOSOVO_SERBIA)
    landed = client.get(path_of(redirect), follow_redirects=True)
    assert landed.status_code == 200
    assert unquote(landed.request.path) == unquote(path_of(KOSOVO_SERBIA))
    html = landed.get_data(as_text=True)
    assert f'<h1 class="page-title">{KOSOVO_SERBIA}</h1>' in html
    assert re.search(r'\(Redirected from <a [^>]*>' + re.escape(redirect) + r"</a>\)", html)
    raw = client.get(path_of(redirect) + "?action=raw").get_data(as_text=True)
    assert raw.strip() == f"#REDIRECT [[{KOSOVO_SERBIA}]]"


def test_each_created_page_has_its_own_first_revision_with_a_summary(client):
    assert submit(client, "Albania", "Republic of Kosovo").status_code == 303
    created = (ALBANIA_KOSOVO, *ALBANIA_KOSOVO_REDIRECTS, "Foreign relations of Albania")
    for title in created:
        rows = history_rows(client, title)
        assert len(rows) == 1, title
        assert rows[0], f"{title} was created without a summary"
    assert ALBANIA_KOSOVO in history_rows(client, ALBANIA_KOSOVO)[0]
    assert ALBANIA_KOSOVO in history_rows(client, "Kosovo-Albania relations")[0]
    # The existing hub of Kosovo was not touched.
    assert len(history_rows(client, "Foreign relations of Kosovo")) == 1


def test_existing_hubs_list_the_new_page_at_once(client):
    before = {}
    for country in ("Kosovo", "Serbia"):
        response = client.get(path_of(f"Foreign relations of {country}"))
        assert response.status_code == 200
        before[country] = hub_partners(response.get_data(as_text=True))
    assert before["Kosovo"] == {"Azerbaijan": path_of(f"Azerbaijan{EN_DASH}Kosovo relations")}
    assert before["Serbia"] == {"Azerbaijan": path_of(f"Azerbaijan{EN_DASH}Serbia relations")}

    assert submit(client, "Serbia", "Kosovo").status_code == 303

    kosovo = hub_partners(client.get(path_of("Foreign relations of Kosovo")).get_data(as_text=True))
    serbia = hub_partners(client.get(path_of("Foreign relations of Serbia")).get_data(as_text=True))
    assert kosovo == {**before["Kosovo"], "Serbia": path_of(KOSOVO_SERBIA)}
    assert serbia == {**before["Serbia"], "Kosovo": path_of(KOSOVO_SERBIA)}


def test_a_missing_hub_is_created_and_lists_the_new_page(client):
    assert not exists(client, "Foreign relations of Albania")
    assert submit(client, "Kosovo", "Albania").status_code == 303
    response = client.get(path_of("Foreign relations of Albania"))
    assert response.status_code == 200
    assert hub_partners(response.get_data(as_text=True)) == {"Kosovo": path_of(ALBANIA_KOSOVO)}
    raw = client.get(path_of("Foreign relations of Albania") + "?action=raw")
    assert "{{Relations of|Albania}}" in raw.get_data(as_text=True)
    kosovo = hub_partners(client.get(path_of("Foreign relations of Kosovo")).get_data(as_text=True))
    assert kosovo["Albania"] == path_of(ALBANIA_KOSOVO)


def test_the_main_page_lists_the_new_page(client):
    before = client.get("/wiki/Main_Page").get_data(as_text=True)
    assert KOSOVO_SERBIA not in before
    assert submit(client, "Serbia", "Kosovo").status_code == 303
    after = client.get("/wiki/Main_Page").get_data(as_text=True)
    assert any(a["href"] == path_of(KOSOVO_SERBIA) for a in anchors(after))


def test_title_order_ignores_a_leading_the(client):
    response = submit(client, "The Gambia", "Gabon")
    assert response.status_code == 303
    expected = path_of(f"Gabon{EN_DASH}The Gambia relations")
    assert urlsplit(response.headers["Location"]).path == expected


def test_hyphenated_names_are_not_split(client):
    missing = client.get(path_of("Kosovo-Guinea-Bissau relations"))
    assert missing.status_code == 404
    offers = [a for a in anchors(missing.get_data(as_text=True))
              if a["text"].strip() == "Create this relations page"]
    assert len(offers) == 1
    assert query_of(offers[0]["href"]) == {"first": ["Guinea-Bissau"], "second": ["Kosovo"]}

    response = submit(client, "Kosovo", "Guinea-Bissau")
    assert response.status_code == 303
    article = f"Guinea-Bissau{EN_DASH}Kosovo relations"
    assert urlsplit(response.headers["Location"]).path == path_of(article)
    for redirect in ("Guinea-Bissau-Kosovo relations", "Kosovo-Guinea-Bissau relations",
                     f"Kosovo{EN_DASH}Guinea-Bissau relations"):
        landed = client.get(path_of(redirect), follow_redirects=True)
        assert unquote(landed.request.path) == unquote(path_of(article)), redirect


# One transaction -----------------------------------------------------------------------------


def test_a_failure_midway_creates_nothing(client, monkeypatch):
    kosovo_hub = client.get(path_of("Foreign relations of Kosovo"))
    assert "Albania" not in hub_partners(kosovo_hub.get_data(as_text=True))

    def broken_hub_text(country):  # type: ignore[no-untyped-def]
        raise RuntimeError("injected failure after the article and redirects were saved")

    monkeypatch.setattr(wiki.relations.create, "hub_text", broken_hub_text)
    response = submit(client, "Albania", "Kosovo")
    assert response.status_code == 500
    for title in (ALBANIA_KOSOVO, *ALBANIA_KOSOVO_REDIRECTS, "Foreign relations of Albania"):
        assert not exists(client, title), f"{title} was created by a failed creation"
    kosovo_hub = client.get(path_of("Foreign relations of Kosovo"))
    assert kosovo_hub.status_code == 200
    assert "Albania" not in hub_partners(kosovo_hub.get_data(as_text=True))
    matrix = client.get(MATRIX).get_data(as_text=True)
    assert "Albania" not in matrix

    # Once the fault is gone, the same request succeeds: nothing was left half made.
    monkeypatch.undo()
    assert submit(client, "Albania", "Kosovo").status_code == 303
    for title in (ALBANIA_KOSOVO, *ALBANIA_KOSOVO_REDIRECTS, "Foreign relations of Albania"):
        assert len(history_rows(client, title)) == 1, title


def test_a_post_without_the_token_creates_nothing(client):
    response = client.post(NEW_RELATIONS, data={"first": "Albania", "second": "Kosovo"})
    assert response.status_code == 400
    assert not exists(client, ALBANIA_KOSOVO)
    assert not exists(client, "Foreign relations of Albania")


# The pair exists already ---------------------------------------------------------------------


def assert_exists_answer(response, existing: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    alert = re.search(r'<div class="error-box" role="alert">(.*?)</div>', html, re.S)
    assert alert, "no message"
    assert "already exists" in alert.group(1)
    assert "Nothing was created" in alert.group(1)
    assert path_of(existing) in [a["href"] for a in anchors(alert.group(1))]
    # The form is shown again with what was typed.
    assert "first" in inputs(html) and "second" in inputs(html)


@pytest.mark.parametrize(("first", "second"), [
    ("Serbia", "Kosovo"),
    ("Kosovo", "Serbia"),
    ("Republic of Kosovo", "serbia"),
    ("SRB", "XKX"),
])
def test_creating_the_same_pair_again_is_refused(client, first, second):
    assert submit(client, "Serbia", "Kosovo").status_code == 303
    response = submit(client, first, second)
    assert_exists_answer(response, KOSOVO_SERBIA)
    html = response.get_data(as_text=True)
    assert inputs(html)["first"]["value"] == first
    assert inputs(html)["second"]["value"] == second
    for title in (KOSOVO_SERBIA, *KOSOVO_SERBIA_REDIRECTS):
        assert len(history_rows(client, title)) == 1, title
    for hub in ("Foreign relations of Kosovo", "Foreign relations of Serbia"):
        assert len(history_rows(client, hub)) == 1, hub


def test_a_seeded_pair_in_reverse_order_and_alias_is_refused(client):
    response = submit(client, "Republic of Kosovo", "Azerbaijan")
    assert_exists_answer(response, f"Azerbaijan{EN_DASH}Kosovo relations")
    assert not exists(client, f"Kosovo{EN_DASH}Azerbaijan relations")
    assert not exists(client, "Azerbaijan-Kosovo relations")


@pytest.mark.parametrize("spelling", [
    "Kosovo-Serbia relations",
    "Serbia-Kosovo relations",
    f"Serbia{EN_DASH}Kosovo relations",
])
def test_a_page_under_another_spelling_blocks_creation(client, wiki, spelling):
    assert wiki.edit(spelling.replace(" ", "_"), "A page about Kosovo and Serbia.",
                     summary="hand-made").status_code == 303
    response = submit(client, "Serbia", "Kosovo")
    assert_exists_answer(response, spelling)
    assert not exists(client, KOSOVO_SERBIA)
    for other in KOSOVO_SERBIA_REDIRECTS:
        if other != spelling:
            assert not exists(client, other), other
    assert history_rows(client, spelling) == ["hand-made"]


def test_an_existing_redirect_blocks_creation(client, wiki):
    redirect = f"Serbia{EN_DASH}Kosovo relations"
    assert wiki.edit(redirect.replace(" ", "_"), "#REDIRECT [[Serbia]]").status_code == 303
    response = submit(client, "Kosovo", "Serbia")
    assert_exists_answer(response, redirect)
    assert not exists(client, KOSOVO_SERBIA)
    assert not exists(client, "Kosovo-Serbia relations")
    assert len(history_rows(client, redirect)) == 1


def test_a_page_under_the_em_dash_spelling_blocks_creation(client, wiki):
    spelling = f"Kosovo{EM_DASH}Serbia relations"
    made = wiki.edit(spelling.replace(" ", "_"), "A page about Kosovo and Serbia.")
    assert made.status_code == 303
    response = submit(client, "Serbia", "Kosovo")
    assert_exists_answer(response, spelling)
    assert not exists(client, KOSOVO_SERBIA)


# Bad input -----------------------------------------------------------------------------------


def assert_form_again(response, field: str, message: str) -> str:  # type: ignore[no-untyped-def]
    """400 with the form, the field marked and explained; returns the page."""
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<form method="post" action="/wiki/Special:NewRelations"' in html
    assert re.search(r'role="alert">.*?Nothing was created', html, re.S)
    error = re.search(rf'<p class="field-error"(?: id="{field}-error")?>(.*?)</p>',
                      html[html.index(f'id="{field}"'):], re.S)
    assert error, f"no message at the {field} field"
    assert message in unescape(error.group(1))
    return html


def test_the_same_country_twice(client):
    response = submit(client, "Serbia", "serbia", summary="twice")
    html = assert_form_again(response, "second", "two different countries")
    fields = inputs(html)
    assert (fields["first"]["value"], fields["second"]["value"]) == ("Serbia", "serbia")
    assert fields["summary"]["value"] == "twice"
    assert not exists(client, "Serbia-Serbia relations")


def test_a_country_and_its_alias(client):
    response = submit(client, "Czech Republic", "Czechia")
    assert_form_again(response, "second", "two different countries")


def test_an_unknown_name_suggests_countries(client):
    response = submit(client, "Sebria", "Kosovo", lead="Kept lead")
    html = assert_form_again(response, "first", "Sebria")
    fields = inputs(html)
    assert (fields["first"]["value"], fields["second"]["value"]) == ("Sebria", "Kosovo")
    assert textarea(html, "lead") == "Kept lead"
    assert "Did you mean" in html
    suggestions = {a["text"].strip(): a["href"] for a in anchors(html)
                   if "suggestion" in a.get("class", "").split()}
    assert "Serbia" in suggestions
    assert query_of(suggestions["Serbia"]) == {"first": ["Serbia"], "second": ["Kosovo"]}
    assert not exists(client, "Foreign relations of Sebria")


def test_an_unknown_alias_like_name_suggests_from_aliases(client):
    response = submit(client, "Kosovo", "Czechiya")
    html = assert_form_again(response, "second", "Czechiya")
    suggestions = [a["text"].strip() for a in anchors(html)
                   if "suggestion" in a.get("class", "").split()]
    assert "Czech Republic" in suggestions


@pytest.mark.parametrize(("first", "second", "field"), [
    ("", "Kosovo", "first"),
    ("Kosovo", "", "second"),
    ("Kosovo", "   ", "second"),
])
def test_an_empty_field(client, first, second, field):
    html = assert_form_again(submit(client, first, second), field, "Enter a country")
    other = "second" if field == "first" else "first"
    assert inputs(html)[other]["value"] == "Kosovo"


@pytest.mark.parametrize("established", ["17 February 2008", "2008-02-30", "2008-13", "08"])
def test_a_bad_established_date(client, established):
    response = submit(client, "Kosovo", "Serbia", established=established)
    html = assert_form_again(response, "established", "YYYY")
    assert inputs(html)["established"]["value"] == established
    assert inputs(html)["first"]["value"] == "Kosovo"
    assert not exists(client, KOSOVO_SERBIA)


def test_a_too_long_lead(client):
    lead = "Long lead. " * 200
    response = submit(client, "Kosovo", "Serbia", lead=lead)
    html = assert_form_again(response, "lead", "under 2000 characters")
    assert textarea(html, "lead") == lead
    assert not exists(client, KOSOVO_SERBIA)


def test_a_too_long_name(client):
    response = submit(client, "Kosovo" * 30, "Serbia")
    assert_form_again(response, "first", "too long")


# Missing relations titles --------------------------------------------------------------------


@pytest.mark.parametrize("title", [
    KOSOVO_SERBIA,
    "Serbia-Kosovo relations",
    f"Serbia{EM_DASH}Kosovo relations",
    f"Serbia{EN_DASH}Republic of Kosovo relations",
])
def test_a_missing_relations_title_offers_the_form(client, title):
    response = client.get(path_of(title))
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    offers = [a for a in anchors(html) if a["text"].strip() == "Create this relations page"]
    assert len(offers) == 1
    href = offers[0]["href"]
    assert urlsplit(href).path == NEW_RELATIONS
    assert query_of(href) == {"first": ["Kosovo"], "second": ["Serbia"]}
    form = client.get(href)
    assert form.status_code == 200
    fields = inputs(form.get_data(as_text=True))
    assert (fields["first"]["value"], fields["second"]["value"]) == ("Kosovo", "Serbia")


@pytest.mark.parametrize("title", [
    "Nonexistent page",
    f"Atlantis{EN_DASH}Kosovo relations",
    "Kosovo-Atlantis relations",
    f"Serbia{EN_DASH}Serbia relations",
    "Kosovo relations",
    f"{EN_DASH} relations",
])
def test_other_missing_titles_are_ordinary_missing_pages(client, title):
    response = client.get(path_of(title))
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Create this relations page" not in html
    assert "Special:NewRelations?" not in html
    assert path_of(title) + "?action=edit" in [a["href"] for a in anchors(html)]


def test_the_offer_disappears_once_the_page_exists(client):
    assert submit(client, "Kosovo", "Serbia").status_code == 303
    response = client.get(path_of(KOSOVO_SERBIA))
    assert response.status_code == 200
    assert "Create this relations page" not in response.get_data(as_text=True)


# Locator maps --------------------------------------------------------------------------------


def test_pair_map_as_svg(client):
    response = client.get(versioned("/map/AZE-XKX.svg"))
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    root = re.search(r"<svg\b[^>]*>", svg)
    assert root and 'role="img"' in root.group(0)
    assert "<title>Map indicating locations of Azerbaijan and Kosovo</title>" in svg
    assert "Bosnia and Herz." not in svg
    assert len(response.data) < 100 * 1024
    etag = response.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2
    cache = response.headers["Cache-Control"]
    max_age = re.search(r"max-age=(\d+)", cache)
    assert max_age and int(max_age.group(1)) >= 30 * 86400
    assert "no-store" not in cache and "private" not in cache


def max_age(response) -> int:
    found = re.search(r"max-age=(\d+)", response.headers["Cache-Control"])
    assert found, response.headers["Cache-Control"]
    return int(found.group(1))


@pytest.mark.parametrize("extension", ["svg", "png"])
def test_a_map_with_the_current_version_is_immutable(client, extension):
    response = client.get(versioned(f"/map/AZE-XKX.{extension}"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.data == client.get(f"/map/AZE-XKX.{extension}").data


@pytest.mark.parametrize("query", ["", "?v=0123456789ab", "?v="])
def test_a_map_without_the_current_version_is_cached_briefly(client, query):
    response = client.get(f"/map/AZE-XKX.svg{query}")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert max_age(response) <= 300 and "immutable" not in response.headers["Cache-Control"]
    etag, weak = response.get_etag()
    assert etag and not weak
    assert etag == f"{mapstore.data_version()}-AZE-XKX-svg"  # the version and the pair
    cached = client.get(f"/map/AZE-XKX.svg{query}", headers={"If-None-Match": f'"{etag}"'})
    assert cached.status_code == 304 and cached.data == b""
    assert cached.get_etag() == (etag, False) and max_age(cached) <= 300


def test_a_matching_etag_is_answered_without_drawing(app, client, monkeypatch):
    drawn = []
    store = app.extensions["wiki_maps"].store
    monkeypatch.setattr(store, "draw_pair", lambda *args, **kwargs: drawn.append(args))
    etag = f'"{mapstore.data_version()}-NOR-SWE-png"'
    assert client.get("/map/NOR-SWE.png", headers={"If-None-Match": etag}).status_code == 304
    assert drawn == []


def test_pair_map_revalidates_with_its_etag(client):
    first = client.get("/map/AZE-XKX.svg")
    again = client.get("/map/AZE-XKX.svg")
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.data == first.data
    cached = client.get("/map/AZE-XKX.svg", headers={"If-None-Match": first.headers["ETag"]})
    assert cached.status_code == 304
    assert cached.data == b""
    stale = client.get("/map/AZE-XKX.svg", headers={"If-None-Match": '"not-the-etag"'})
    assert stale.status_code == 200
    assert stale.data == first.data


def test_pair_map_as_png(client):
    response = client.get("/map/AZE-XKX.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG\r\n\x1a\n")
    etag = response.headers["ETag"]
    assert etag.startswith('"')
    assert etag != client.get("/map/AZE-XKX.svg").headers["ETag"]
    cached = client.get("/map/AZE-XKX.png", headers={"If-None-Match": etag})
    assert cached.status_code == 304


@pytest.mark.parametrize("url", [
    "/map/AZE-ZZZ.svg", "/map/ZZZ-AZE.png", "/map/zz.svg", "/map/AZE.svg", "/map/AZE-XKX.gif",
    "/map/AZE-XKX-SRB.svg", "/map/world/ZZZ.svg",
])
def test_unknown_maps_are_not_found(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert not response.mimetype.startswith("image/")


@pytest.mark.parametrize("url", ["/map/SRB-SRB.svg", "/map/SRB-SRB.png", "/map/srb-SRB.svg"])
def test_a_map_of_one_country_twice_is_a_bad_request(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert not response.mimetype.startswith("image/")


def test_world_map_of_a_hub(client):
    response = client.get("/map/world/XKX.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert 'role="img"' in svg and "<title>" in svg
    assert response.headers["ETag"].startswith('"')
    assert re.search(r'class="c-xkx first"', svg)
    assert re.search(r'class="c-aze second"', svg)
    assert not re.search(r'class="c-srb second"', svg)


def test_world_map_shades_a_new_partner(client):
    assert submit(client, "Kosovo", "Serbia").status_code == 303
    svg = client.get("/map/world/XKX.svg").get_data(as_text=True)
    assert re.search(r'class="c-srb second"', svg)
    assert re.search(r'class="c-aze second"', svg)


def test_seeded_article_shows_the_generated_png_map(client):
    html = content(client.get(path_of(f"Azerbaijan{EN_DASH}Kosovo relations"))
                   .get_data(as_text=True))
    images = [attrs for tag, attrs in parse(html).tags
              if tag == "img" and "locator-map" in attrs.get("class", "")]
    assert len(images) == 1
    assert images[0]["src"] == versioned("/map/AZE-XKX.png")
    # Sharp on HiDPI screens: the same map drawn as SVG.
    assert images[0]["srcset"] == (f"{versioned('/map/AZE-XKX.png')} 1x, "
                                   f"{versioned('/map/AZE-XKX.svg')} 2x")
    assert images[0]["alt"] == "Locator map: Azerbaijan in green, Kosovo in orange"
    assert "Map indicating locations of Azerbaijan and Kosovo" in html
    image = client.get(images[0]["src"])
    assert image.status_code == 200
    assert image.mimetype == "image/png"


def test_hub_shows_its_world_map(client):
    html = client.get(path_of("Foreign relations of Serbia")).get_data(as_text=True)
    sources = [attrs["src"] for tag, attrs in parse(html).tags if tag == "img"]
    assert versioned("/map/world/SRB.svg") in sources
    response = client.get(versioned("/map/world/SRB.svg"))
    assert response.status_code == 200
    assert max_age(response) <= 300  # a hub's partners change under the same URL


@pytest.fixture
def restarted(tmp_path, database_url):
    """Another server process on the same database, as after an upgrade."""
    yield from custom_app(tmp_path, database_url)


def map_sources(html):
    return [(attrs["src"], attrs.get("srcset")) for tag, attrs in parse(html).tags
            if tag == "img" and attrs.get("src", "").startswith("/map/")]


def test_a_new_map_version_changes_the_map_urls_pages_show(app, client, restarted,
                                                           monkeypatch):
    import sqlalchemy as sa

    from wiki.db import db
    from wiki.models import RenderedRevision

    article = path_of(f"Azerbaijan{EN_DASH}Kosovo relations")
    hub = path_of("Foreign relations of Serbia")
    old = mapstore.data_version()
    assert map_sources(client.get(article).get_data(as_text=True)) == [
        (f"/map/AZE-XKX.png?v={old}", f"/map/AZE-XKX.png?v={old} 1x, /map/AZE-XKX.svg?v={old} 2x")]
    client.get(hub)
    # New outlines, tables or drawing come with new code: new server processes, same database.
    monkeypatch.setattr(mapstore, "data_version", lambda: "0123456789ab")
    reader = restarted.test_client()
    new = "?v=0123456789ab"
    assert map_sources(reader.get(article).get_data(as_text=True)) == [
        (f"/map/AZE-XKX.png{new}", f"/map/AZE-XKX.png{new} 1x, /map/AZE-XKX.svg{new} 2x")]
    assert map_sources(reader.get(hub).get_data(as_text=True)) == [
        (f"/map/world/SRB.svg{new}", None)]
    assert "immutable" in reader.get(f"/map/AZE-XKX.png{new}").headers["Cache-Control"]
    assert "immutable" not in reader.get(f"/map/AZE-XKX.png?v={old}").headers["Cache-Control"]
    # Stored renders hold map URLs without a version, so none of them holds an old one.
    with restarted.app_context():
        stored = db.session.scalars(sa.select(RenderedRevision.html)).all()
    assert any("/map/AZE-XKX.png" in html for html in stored)
    assert not any("?v=" in html for html in stored)


# Special:RelationsMatrix ---------------------------------------------------------------------


def test_matrix_shows_seeded_pairs_and_offers_missing_ones(client):
    response = client.get(MATRIX)
    assert response.status_code == 200
    cells = matrix_cells(response.get_data(as_text=True))
    countries = {row for row, _ in cells}
    assert countries == {"Azerbaijan", "Kosovo", "Serbia"}
    for pair, title in ((("Azerbaijan", "Kosovo"), f"Azerbaijan{EN_DASH}Kosovo relations"),
                        (("Azerbaijan", "Serbia"), f"Azerbaijan{EN_DASH}Serbia relations")):
        for row, column in (pair, pair[::-1]):
            css, link = cells[(row, column)]
            assert css == "exists"
            assert link and link["href"] == path_of(title)
            assert "new" not in link.get("class", "").split()
    for row, column in (("Kosovo", "Serbia"), ("Serbia", "Kosovo")):
        css, link = cells[(row, column)]
        assert css == "missing"
        assert link and "new" in link.get("class", "").split()
        assert urlsplit(link["href"]).path == NEW_RELATIONS
        assert {value[0] for value in query_of(link["href"]).values()} == {"Kosovo", "Serbia"}


def test_matrix_cell_turns_blue_after_creation(client):
    cells = matrix_cells(client.get(MATRIX).get_data(as_text=True))
    _, link = cells[("Kosovo", "Serbia")]
    assert link
    prefilled = inputs(client.get(link["href"]).get_data(as_text=True))
    assert submit(client, prefilled["first"]["value"],
                  prefilled["second"]["value"]).status_code == 303
    cells = matrix_cells(client.get(MATRIX).get_data(as_text=True))
    for row, column in (("Kosovo", "Serbia"), ("Serbia", "Kosovo")):
        css, link = cells[(row, column)]
        assert css == "exists"
        assert link and link["href"] == path_of(KOSOVO_SERBIA)


def test_matrix_gains_a_country_with_its_first_page(client):
    assert submit(client, "Albania", "Kosovo").status_code == 303
    cells = matrix_cells(client.get(MATRIX).get_data(as_text=True))
    assert {row for row, _ in cells} == {"Albania", "Azerbaijan", "Kosovo", "Serbia"}
    assert cells[("Albania", "Kosovo")][0] == "exists"
    assert cells[("Albania", "Serbia")][0] == "missing"


# {{Relations of|X}} ---------------------------------------------------------------------------


def test_relations_of_an_unknown_country_is_a_notice(client, wiki):
    assert wiki.edit("Atlantis_hub", "Intro.\n\n{{Relations of|Atlantis}}").status_code == 303
    response = client.get("/wiki/Atlantis_hub")
    assert response.status_code == 200
    html = content(response.get_data(as_text=True))
    notice = re.search(r'<div class="template-notice" role="note">(.*?)</div>', html, re.S)
    assert notice and "Atlantis" in notice.group(1) and "country" in notice.group(1)
    assert "relations-hub" not in html


def test_relations_of_lists_partners_and_wanted_pairs(client, wiki):
    assert wiki.edit("Notes_on_Kosovo",
                     f"See [[Albania{EN_DASH}Kosovo relations]] and "
                     "[[Kosovo-Montenegro relations]].").status_code == 303
    assert wiki.edit("Kosovo_hub", "{{Relations of|Republic of Kosovo}}").status_code == 303
    html = content(client.get("/wiki/Kosovo_hub").get_data(as_text=True))
    assert hub_partners(html) == {"Azerbaijan": path_of(f"Azerbaijan{EN_DASH}Kosovo relations")}
    wanted = hub_wanted(html)
    assert set(wanted) == {ALBANIA_KOSOVO, f"Kosovo{EN_DASH}Montenegro relations"}
    assert query_of(wanted[ALBANIA_KOSOVO]) == {"first": ["Kosovo"], "second": ["Albania"]}

    assert submit(client, "Kosovo", "Albania").status_code == 303
    html = content(client.get("/wiki/Kosovo_hub").get_data(as_text=True))
    assert hub_partners(html)["Albania"] == path_of(ALBANIA_KOSOVO)
    assert set(hub_wanted(html)) == {f"Kosovo{EN_DASH}Montenegro relations"}


def test_seeded_hub_offers_a_pair_mentioned_after_it_was_rendered(client, wiki):
    hub = path_of("Foreign relations of Kosovo")
    assert hub_wanted(client.get(hub).get_data(as_text=True)) == {}
    assert wiki.edit("Notes_on_Kosovo",
                     f"See [[Albania{EN_DASH}Kosovo relations]].").status_code == 303
    wanted = hub_wanted(client.get(hub).get_data(as_text=True))
    assert ALBANIA_KOSOVO in wanted


# Hatnotes and the generic infobox ------------------------------------------------------------


def test_hatnotes_link_to_existing_pages(client, wiki):
    text = "{{Main|Kosovo}}\n\n{{See also|Kosovo|Serbia}}\n\n{{Further|Kosovo}}\n\nBody."
    assert wiki.edit("Hatnotes", text).status_code == 303
    html = content(client.get("/wiki/Hatnotes").get_data(as_text=True))
    notes = re.findall(r'<div class="hatnote" role="note">(.*?)</div>', html, re.S)
    assert len(notes) == 3
    main, see_also, further = notes
    assert main.startswith("Main article:")
    assert see_also.startswith("See also:")
    assert further.startswith("Further information:")
    for note, expected in ((main, ["Kosovo"]), (see_also, ["Kosovo", "Serbia"]),
                           (further, ["Kosovo"])):
        links = anchors(note)
        assert [a["text"] for a in links] == expected
        assert [a["href"] for a in links] == [f"/wiki/{name}" for name in expected]
        assert all("new" not in a.get("class", "").split() for a in links)


def test_hatnote_to_a_missing_page_is_a_red_link(client, wiki):
    assert wiki.edit("Hatnote_red", "{{Main|No such article}}").status_code == 303
    html = content(client.get("/wiki/Hatnote_red").get_data(as_text=True))
    links = anchors(html)
    assert len(links) == 1
    assert "new" in links[0].get("class", "").split()


def test_generic_infobox(client, wiki):
    text = "{{Infobox|title=T|label1=Capital|data1=[[Baku]]|label2=Empty}}\n\nBody."
    assert wiki.edit("Infobox_test", text).status_code == 303
    html = content(client.get("/wiki/Infobox_test").get_data(as_text=True))
    box = re.search(r'<table class="infobox">(.*?)</table>', html, re.S)
    assert box
    assert re.search(r'<caption class="infobox-title">T</caption>', box.group(1))
    row = re.search(r'<th scope="row" class="infobox-label">Capital</th>\s*<td>(.*?)</td>',
                    box.group(1), re.S)
    assert row
    links = anchors(row.group(1))
    assert [(a["href"], a["text"]) for a in links] == [("/wiki/Baku", "Baku")]
    assert "Empty" not in box.group(1)


def test_template_parameters_are_escaped(client, wiki):
    text = ("{{Main|<script>alert(1)</script>}}\n\n"
            "{{Infobox|title=<script>x</script>|data1=<img src=x onerror=alert(1)>|label1=L}}\n\n"
            "{{Relations of|<script>alert(2)</script>}}\n\n"
            "{{Infobox bilateral relations|A|<b onclick=alert(3)>X</b>|Kosovo}}")
    assert wiki.edit("Escaping", text).status_code == 303
    response = client.get("/wiki/Escaping")
    assert response.status_code == 200
    html = content(response.get_data(as_text=True))
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    for tag, attrs in parse(html).tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not any("javascript:" in value.lower() for value in attrs.values()), (tag, attrs)
