"""Hubs as Wikipedia has them, through HTTP: "Foreign relations of X" lists X's relations pages
in one accessible table per continent with the date relations were established (read from each
article's infobox, so editing that date changes the hub at once, cache or not), beside the world
map; and hubs made under older titles ("Foreign relations of United States") become redirects to
the current ones when the wiki is upgraded or a new page needs the hub."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_relations_web import content, exists, history_rows, hub_rows, parse, path_of, submit
from wikitest import create, custom_app

from wiki.relations.texts import date_sort_key, infobox_established, legacy_hub_text

EN_DASH = "\u2013"
KOSOVO_HUB = "Foreign relations of Kosovo"
US_HUB = "Foreign relations of the United States"


@pytest.fixture
def uncached(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """A second app on the same database that builds every page (no page cache)."""
    yield from custom_app(tmp_path, database_url, WIKI_PAGE_CACHE_BYTES=0)


def hub_html(client: FlaskClient, title: str = KOSOVO_HUB) -> str:
    """The rendered content of a hub."""
    response = client.get(path_of(title))
    assert response.status_code == 200, title
    return content(response.get_data(as_text=True))


# The tables ---------------------------------------------------------------------------------


def test_hub_tables_by_continent_with_dates(client):
    for partner, established in (("Albania", "1999"), ("Japan", "2009-02-25"),
                                 ("United States", "2008-02-18"), ("Fiji", ""),
                                 ("Senegal", "2008")):
        assert submit(client, partner, "Kosovo", established=established).status_code == 303
    html = hub_html(client)
    rows = hub_rows(html)
    assert {partner: (row["continent"], row["established"]) for partner, row in rows.items()} == {
        "Albania": ("Europe", "1999"),
        "Azerbaijan": ("Asia", ""),
        "Fiji": ("Oceania", ""),
        "Japan": ("Asia", "2009-02-25"),
        "Senegal": ("Africa", "2008"),
        "United States": ("Americas", "2008-02-18"),
    }
    captions = re.findall(r"<caption>(.*?)</caption>", html)
    assert captions == ["Africa", "Americas", "Asia", "Europe", "Oceania"]
    us = rows["United States"]
    assert us["href"] == path_of(f"Kosovo{EN_DASH}United States relations")
    assert us["title"] == f"Kosovo{EN_DASH}United States relations"
    assert us["country_href"].startswith(path_of("United States") + "?action=edit")  # no page
    assert rows["Azerbaijan"]["country_href"] == path_of("Azerbaijan")
    # Within a continent, partners in alphabetical order; dates carry a sort key.
    asia = html[html.index("<caption>Asia</caption>"):]
    assert asia.index(">Azerbaijan<") < asia.index(">Japan<")
    assert 'data-sort-value="2009-02-25"' in html
    tables = [attrs for tag, attrs in parse(html).tags if tag == "table"
              and "hub-table" in attrs.get("class", "")]
    assert len(tables) == 5 and all("wikitable" in t["class"].split() for t in tables)
    # The world map stays beside the tables.
    sources = [attrs["src"] for tag, attrs in parse(html).tags if tag == "img"]
    assert [s.partition("?")[0] for s in sources] == ["/map/world/XKX.svg"]


def test_a_hub_without_pages_says_so(client, wiki):
    assert wiki.edit("Lonely_hub", "{{Relations of|Iceland}}").status_code == 303
    html = hub_html(client, "Lonely hub")
    assert "No relations articles of Iceland yet." in html
    assert "hub-table" not in html


def test_a_hub_of_an_ambiguous_name_names_the_choices(client, wiki):
    assert wiki.edit("Congo_hub", "{{Relations of|Congo}}").status_code == 303
    html = hub_html(client, "Congo hub")
    notice = re.search(r'<div class="template-notice" role="note">(.*?)</div>', html, re.S)
    assert notice
    assert "Democratic Republic of the Congo" in notice.group(1)
    assert "Republic of the Congo" in notice.group(1)


def test_editing_the_established_date_changes_the_hub(app, client, wiki, uncached):
    assert submit(client, "Albania", "Kosovo", established="1999").status_code == 303
    article = f"Albania{EN_DASH}Kosovo relations"
    for _ in range(3):  # rendered, stored, then served from the page cache
        assert hub_rows(hub_html(client))["Albania"]["established"] == "1999"
    raw = client.get(path_of(article) + "?action=raw").get_data(as_text=True)
    edited = raw.replace("|established=1999", "|established=2008-07-21")
    assert edited != raw
    assert wiki.edit(path_of(article).removeprefix("/wiki/"), edited).status_code == 303
    shown = hub_html(client)
    assert hub_rows(shown)["Albania"]["established"] == "2008-07-21"
    assert shown == hub_html(uncached.test_client())
    # The other side's hub changes too.
    assert hub_rows(hub_html(client, "Foreign relations of Albania"))["Kosovo"]["established"] \
        == "2008-07-21"
    # Removing the date empties the cell.
    assert wiki.edit(path_of(article).removeprefix("/wiki/"),
                     edited.replace("|established=2008-07-21", "")).status_code == 303
    assert hub_rows(hub_html(client))["Albania"]["established"] == ""


@pytest.mark.parametrize(("text", "established"), [
    ("{{Infobox bilateral relations|A–B|A|B|established=1992}}", "1992"),
    ("{{ infobox_Bilateral relations\n|A–B|A|B\n| established = [[1 May 2004]]<ref>x</ref>\n}}",
     "1 May 2004"),
    ("{{Infobox bilateral relations|A–B|A|B|established={{Start date|1992}} 1992}}", "1992"),
    ("{{Infobox bilateral relations|A–B|A|B}}", ""),
    ("No infobox. {{Stub}}", ""),
    ("{{Infobox|established=1900}} {{Infobox bilateral relations|x|y|z|established=1950}}",
     "1950"),
    ("{{Infobox bilateral relations|a|b|c|established=" + "9" * 500 + "}}", "9" * 80),
])
def test_the_date_is_read_from_the_infobox(text, established):
    assert infobox_established(text) == established


@pytest.mark.parametrize(("established", "key"), [
    ("2008-02-17", "2008-02-17"), ("1992", "1992"), ("17 February 2008", "2008"), ("", ""),
    ("before the war", ""),
])
def test_dates_sort_by_their_iso_form_or_year(established, key):
    assert date_sort_key(established) == key


# Old hub titles -----------------------------------------------------------------------------


def legacy_setup(app: Flask) -> None:
    """Pages as an earlier version left them: hubs titled without "the" (one the untouched stub,
    one written in), and a relations article under "The Bahamas"."""
    from wiki.relations.names import find_country

    united_states, gambia = find_country("United States"), find_country("The Gambia")
    assert united_states and gambia
    create(app, "Foreign relations of United States",
           legacy_hub_text(united_states, "United States"))
    create(app, "Foreign relations of The Gambia",
           "The Gambia's foreign policy, written by hand.\n\n{{Relations of|The Gambia}}")
    create(app, f"The Bahamas{EN_DASH}Cuba relations",
           "{{Infobox bilateral relations|The Bahamas–Cuba|The Bahamas|Cuba}}\n\nText.")


def test_the_upgrade_turns_old_hubs_into_redirects(app, client, runner):
    legacy_setup(app)
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "Moved Foreign relations of United States to " + US_HUB in result.output
    assert "Moved Foreign relations of The Gambia to Foreign relations of the Gambia" \
        in result.output
    assert f"Moved The Bahamas{EN_DASH}Cuba relations to Bahamas{EN_DASH}Cuba relations" \
        in result.output

    raw = client.get(path_of(US_HUB) + "?action=raw").get_data(as_text=True)
    assert raw.startswith("The **foreign relations of the United States** are the "
                          "[[United States]]' relations")
    gambia = client.get(path_of("Foreign relations of the Gambia") + "?action=raw")
    assert gambia.get_data(as_text=True).startswith("The Gambia's foreign policy, written by hand.")
    assert "Text." in client.get(path_of(f"Bahamas{EN_DASH}Cuba relations") + "?action=raw") \
        .get_data(as_text=True)
    for old, new in (("Foreign relations of United States", US_HUB),
                     ("Foreign relations of The Gambia", "Foreign relations of the Gambia"),
                     (f"The Bahamas{EN_DASH}Cuba relations", f"Bahamas{EN_DASH}Cuba relations")):
        old_raw = client.get(path_of(old) + "?action=raw").get_data(as_text=True)
        assert old_raw == f"#REDIRECT [[{new}]]"
        landed = client.get(path_of(old), follow_redirects=True)
        assert landed.status_code == 200
        assert f"(Redirected from <a href=\"{path_of(old)}?redirect=no\">{old}</a>)" \
            in landed.get_data(as_text=True)
        assert len(history_rows(client, old)) == 2  # the old text stays in the history
        assert "Moved from" in history_rows(client, new)[0]

    again = runner.invoke(args=["seed"])
    assert again.exit_code == 0 and "Moved" not in again.output and "Redirected" not in again.output
    assert len(history_rows(client, US_HUB)) == 1


def test_an_old_hub_beside_a_current_one_only_redirects(app, client, runner):
    create(app, "Foreign relations of United States", "Old hub text.")
    create(app, US_HUB, "Current hub text.")
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert f"Redirected Foreign relations of United States to {US_HUB}" in result.output
    assert client.get(path_of(US_HUB) + "?action=raw").get_data(as_text=True) \
        == "Current hub text."
    assert client.get(path_of("Foreign relations of United States") + "?action=raw") \
        .get_data(as_text=True) == f"#REDIRECT [[{US_HUB}]]"


def test_a_new_page_moves_an_old_hub_instead_of_making_a_second(app, client):
    legacy_setup(app)
    assert submit(client, "United States", "Kosovo").status_code == 303
    assert client.get(path_of("Foreign relations of United States") + "?action=raw") \
        .get_data(as_text=True) == f"#REDIRECT [[{US_HUB}]]"
    assert hub_rows(hub_html(client, US_HUB))["Kosovo"]["href"] == path_of(
        f"Kosovo{EN_DASH}United States relations")
    assert len(history_rows(client, US_HUB)) == 1


def test_a_creation_refuses_a_pair_whose_page_has_an_old_title(app, client):
    legacy_setup(app)
    response = submit(client, "Cuba", "Bahamas")
    assert response.status_code == 409
    assert not exists(client, f"Bahamas{EN_DASH}Cuba relations")
