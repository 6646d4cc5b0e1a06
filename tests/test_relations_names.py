"""Tests for the country registry and the rules for "A–B relations" titles."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiki.relations import generate_countries
from wiki.relations.countries import COUNTRIES
from wiki.relations.country import Country
from wiki.relations.names import (
    all_countries,
    alternative_titles,
    country_by_code,
    find_country,
    is_canonical_relations_title,
    match_key,
    normalize_name,
    parse_relations_title,
    relations_title,
    search_names,
    sort_key,
    suggest,
)

ROOT = Path(__file__).resolve().parents[1]
RELATIONS = ROOT / "wiki" / "relations"


def country(name: str) -> Country:
    """The registry entry with this exact common name."""
    found = [entry for entry in COUNTRIES if entry.name == name]
    assert len(found) == 1, name
    return found[0]


# --- the registry ---------------------------------------------------------------------------------


def test_registry_holds_197_states() -> None:
    assert len(COUNTRIES) == 197
    assert all_countries() == COUNTRIES


@pytest.mark.parametrize("field", ["alpha3", "alpha2", "name"])
def test_registry_fields_are_unique(field: str) -> None:
    values = [normalize_name(getattr(entry, field)) for entry in COUNTRIES]
    assert len(set(values)) == len(values)


def test_registry_entries_are_well_formed() -> None:
    for entry in COUNTRIES:
        assert len(entry.alpha3) == 3 and entry.alpha3.isupper() and entry.alpha3.isalpha()
        assert len(entry.alpha2) == 2 and entry.alpha2.isupper() and entry.alpha2.isalpha()
        assert entry.name and entry.name == entry.name.strip()
        assert isinstance(entry.aliases, tuple)
        assert all(isinstance(alias, str) and alias.strip() == alias for alias in entry.aliases)


def test_registry_is_sorted_by_name_ignoring_the() -> None:
    keys = [sort_key(entry.name) for entry in COUNTRIES]
    assert keys == sorted(keys)


def test_no_name_alias_or_code_is_shared_between_countries() -> None:
    owner: dict[str, str] = {}
    for entry in COUNTRIES:
        keys = {match_key(text) for text in (entry.name, *entry.aliases)}
        keys |= {entry.alpha3.casefold(), entry.alpha2.casefold()}
        for key in keys:
            assert owner.setdefault(key, entry.alpha3) == entry.alpha3, key


def test_aliases_do_not_repeat_the_name() -> None:
    for entry in COUNTRIES:
        keys = [match_key(text) for text in (entry.name, *entry.aliases)]
        assert len(set(keys)) == len(keys), entry.name


def test_kosovo_uses_the_user_assigned_codes() -> None:
    kosovo = country("Kosovo")
    assert (kosovo.alpha3, kosovo.alpha2) == ("XKX", "XK")
    assert find_country("XKX") == find_country("XK") == kosovo
    assert find_country("xk") is None


@pytest.mark.parametrize("alpha3", ["XKX", "TWN", "PSE", "VAT"])
def test_the_four_non_members_are_in_the_registry_but_not_the_un_list(alpha3: str) -> None:
    assert country_by_code(alpha3) is not None
    assert alpha3 not in generate_countries.UN_MEMBERS


def test_un_member_list_is_193_distinct_codes() -> None:
    members = generate_countries.UN_MEMBERS
    assert len(members) == len(set(members)) == 193
    assert {"SSD", "MNE", "TLS"} <= set(members)
    assert {entry.alpha3 for entry in COUNTRIES} == set(members) | {"XKX", "TWN", "PSE", "VAT"}


SAMPLE_NAMES = [
    "China", "United States", "United Kingdom", "Russia", "Ivory Coast", "Czech Republic",
    "Holy See", "Timor-Leste", "The Gambia", "Kosovo", "Iran", "South Korea", "North Korea",
    "Laos", "Moldova", "Syria", "Tanzania", "Venezuela", "Vietnam", "Turkey", "Palestine",
    "Taiwan", "São Tomé and Príncipe", "Democratic Republic of the Congo",
    "Republic of the Congo", "Federated States of Micronesia", "Bolivia", "Brunei", "Cape Verde",
    "Bahamas", "Georgia", "North Macedonia", "Eswatini", "Myanmar", "Guinea-Bissau",
    "Netherlands", "Philippines", "Ireland", "South Sudan", "Montenegro",
]  # fmt: skip


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_common_name_is_in_the_registry(name: str) -> None:
    assert find_country(name) == country(name)


@pytest.mark.parametrize(
    ("alpha3", "name"),
    [
        ("BOL", "Bolivia"), ("BRN", "Brunei"), ("CPV", "Cape Verde"), ("CIV", "Ivory Coast"),
        ("COD", "Democratic Republic of the Congo"), ("COG", "Republic of the Congo"),
        ("CZE", "Czech Republic"), ("FSM", "Federated States of Micronesia"), ("IRN", "Iran"),
        ("KOR", "South Korea"), ("PRK", "North Korea"), ("LAO", "Laos"), ("MDA", "Moldova"),
        ("RUS", "Russia"), ("SYR", "Syria"), ("TZA", "Tanzania"), ("VEN", "Venezuela"),
        ("VNM", "Vietnam"), ("TUR", "Turkey"), ("TLS", "Timor-Leste"), ("VAT", "Holy See"),
        ("PSE", "Palestine"), ("TWN", "Taiwan"), ("STP", "São Tomé and Príncipe"),
        ("GMB", "The Gambia"), ("XKX", "Kosovo"), ("USA", "United States"),
        ("GBR", "United Kingdom"), ("CHN", "China"), ("BHS", "Bahamas"), ("GEO", "Georgia"),
    ],
)  # fmt: skip
def test_common_name_by_code(alpha3: str, name: str) -> None:
    found = country_by_code(alpha3)
    assert found is not None and found.name == name
    assert country_by_code(alpha3.lower()) == found


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("Czechia", "Czech Republic"), ("Türkiye", "Turkey"), ("Turkiye", "Turkey"),
        ("Côte d'Ivoire", "Ivory Coast"), ("Cote d'Ivoire", "Ivory Coast"),
        ("Côte d\u2019Ivoire", "Ivory Coast"), ("East Timor", "Timor-Leste"),
        ("Vatican City", "Holy See"), ("Vatican", "Holy See"), ("Cabo Verde", "Cape Verde"),
        ("DR Congo", "Democratic Republic of the Congo"),
        ("DRC", "Democratic Republic of the Congo"),
        ("Congo-Kinshasa", "Democratic Republic of the Congo"),
        ("Congo-Brazzaville", "Republic of the Congo"), ("Burma", "Myanmar"),
        ("Swaziland", "Eswatini"), ("Macedonia", "North Macedonia"),
        ("Republic of Kosovo", "Kosovo"), ("PRC", "China"), ("People's Republic of China", "China"),
        ("ROC", "Taiwan"), ("Republic of China", "Taiwan"), ("USA", "United States"),
        ("US", "United States"), ("United States of America", "United States"),
        ("UK", "United Kingdom"), ("Great Britain", "United Kingdom"),
        ("Russian Federation", "Russia"), ("Gambia", "The Gambia"), ("The Bahamas", "Bahamas"),
        ("Georgia (country)", "Georgia"), ("Korea, Republic of", "South Korea"),
        ("State of Palestine", "Palestine"), ("Micronesia", "Federated States of Micronesia"),
        ("Sao Tome and Principe", "São Tomé and Príncipe"), ("Viet Nam", "Vietnam"),
    ],
)  # fmt: skip
def test_alias_resolves_to_common_name(alias: str, name: str) -> None:
    found = find_country(alias)
    assert found is not None and found.name == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("  china ", "China"), ("UNITED STATES", "United States"),
        ("United_States", "United States"), ("united   kingdom", "United Kingdom"),
        ("the Gambia", "The Gambia"),
        ("the Netherlands", "Netherlands"), ("Georgia_(country)", "Georgia"),
        ("Timor\u2013Leste", "Timor-Leste"), ("DEU", "Germany"), ("DE", "Germany"),
        ("XKX", "Kosovo"), (" IS ", "Iceland"),
    ],
)  # fmt: skip
def test_find_country_is_lenient_about_form(text: str, name: str) -> None:
    found = find_country(text)
    assert found is not None and found.name == name


@pytest.mark.parametrize(
    "text",
    ["", "   ", "Atlantis", "Korea", "Congo", "Europe", "ZZZ", "_", "is", "de", "xkx", "Deu"],
)
def test_find_country_unknown(text: str) -> None:
    assert find_country(text) is None


def test_country_by_code_unknown() -> None:
    assert country_by_code("ZZZ") is None
    assert country_by_code("") is None


@pytest.mark.parametrize(
    ("names", "ordered"),
    [
        (["Senegal", "The Gambia", "Argentina"], ["Argentina", "The Gambia", "Senegal"]),
        (["Ivory Coast", "Holy See", "Åland"], ["Åland", "Holy See", "Ivory Coast"]),
        (["the Bahamas", "Belgium", "Bahrain"], ["the Bahamas", "Bahrain", "Belgium"]),
    ],
)
def test_sort_key_ignores_the_case_and_diacritics(names: list[str], ordered: list[str]) -> None:
    assert sorted(names, key=sort_key) == ordered


# --- titles ---------------------------------------------------------------------------------------

CANONICAL_TITLES = [
    ("Azerbaijan", "Kosovo", "Azerbaijan–Kosovo relations"),
    ("Kosovo", "Serbia", "Kosovo–Serbia relations"),
    ("China", "United States", "China–United States relations"),
    ("Holy See", "Ivory Coast", "Holy See–Ivory Coast relations"),
    ("Democratic Republic of the Congo", "Holy See",
     "Democratic Republic of the Congo–Holy See relations"),
    ("Palestine", "Turkey", "Palestine–Turkey relations"),
    ("Czech Republic", "Indonesia", "Czech Republic–Indonesia relations"),
    ("The Gambia", "Senegal", "The Gambia–Senegal relations"),
    ("Australia", "Timor-Leste", "Australia–Timor-Leste relations"),
    ("Bahamas", "Cuba", "Bahamas–Cuba relations"),
    ("Guinea-Bissau", "Portugal", "Guinea-Bissau–Portugal relations"),
]  # fmt: skip


@pytest.mark.parametrize(("first", "second", "title"), CANONICAL_TITLES)
def test_relations_title_is_alphabetical_with_en_dash(first: str, second: str, title: str) -> None:
    a, b = country(first), country(second)
    assert relations_title(a, b) == title
    assert relations_title(b, a) == title
    assert "\u2013" in title
    assert is_canonical_relations_title(title)
    assert is_canonical_relations_title(title.replace(" ", "_"))


def test_relations_title_rejects_one_country_twice() -> None:
    with pytest.raises(ValueError):
        relations_title(country("China"), country("China"))
    with pytest.raises(ValueError):
        alternative_titles(country("China"), country("China"))


@pytest.mark.parametrize(
    "title",
    [
        "United States–China relations", "China-United States relations",
        "China–United States Relations", "People's Republic of China–United States relations",
        "Gambia–Senegal relations", "Australia–East Timor relations", "China–United States",
        "China–China relations", "",
    ],
)  # fmt: skip
def test_is_canonical_relations_title_false(title: str) -> None:
    assert not is_canonical_relations_title(title)


def test_alternative_titles() -> None:
    a, b = country("United States"), country("China")
    assert alternative_titles(a, b) == [
        "United States–China relations",
        "China-United States relations",
        "United States-China relations",
    ]
    assert alternative_titles(b, a) == alternative_titles(a, b)


@pytest.mark.parametrize(("first", "second", "title"), CANONICAL_TITLES)
def test_alternative_titles_parse_back_to_the_pair(first: str, second: str, title: str) -> None:
    a, b = country(first), country(second)
    alternatives = alternative_titles(a, b)
    assert title not in alternatives
    assert len(alternatives) == len(set(alternatives)) == 3
    for alternative in alternatives:
        pair = parse_relations_title(alternative)
        assert pair is not None and set(pair) == {a, b}
        assert not is_canonical_relations_title(alternative)


# --- parsing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dash", ["-", "\u2013", "\u2014", "\u2212"])
def test_parse_accepts_each_dash_kind(dash: str) -> None:
    pair = parse_relations_title(f"China{dash}United States relations")
    assert pair == (country("China"), country("United States"))


@pytest.mark.parametrize(
    ("title", "first", "second"),
    [
        ("Guinea-Bissau-Portugal relations", "Guinea-Bissau", "Portugal"),
        ("Portugal–Guinea-Bissau relations", "Portugal", "Guinea-Bissau"),
        ("Portugal-Guinea-Bissau relations", "Portugal", "Guinea-Bissau"),
        ("Timor-Leste-Australia relations", "Timor-Leste", "Australia"),
        ("Australia–Timor-Leste relations", "Australia", "Timor-Leste"),
        ("Guinea-Bissau–Timor-Leste relations", "Guinea-Bissau", "Timor-Leste"),
        ("Guinea-Bissau-Timor-Leste relations", "Guinea-Bissau", "Timor-Leste"),
        ("Congo-Brazzaville-Congo-Kinshasa relations", "Republic of the Congo",
         "Democratic Republic of the Congo"),
        ("United_States–China_relations", "United States", "China"),
        ("China – United States relations", "China", "United States"),
        ("  China–United States relations  ", "China", "United States"),
        ("China–United States RELATIONS", "China", "United States"),
        ("Czechia–Indonesia relations", "Czechia", "Indonesia"),
        ("Côte d’Ivoire–Holy See relations", "Ivory Coast", "Holy See"),
        ("the Gambia—Senegal relations", "The Gambia", "Senegal"),
        ("USA–PRC relations", "United States", "China"),
    ],
)  # fmt: skip
def test_parse_keeps_the_order_written(title: str, first: str, second: str) -> None:
    assert parse_relations_title(title) == (find_country(first), find_country(second))


@pytest.mark.parametrize(
    "title",
    [
        "Atlantis–China relations", "China–Atlantis relations", "Guinea-Bissau relations",
        "Timor-Leste relations", "China–United States", "China–United States relationship",
        "China–United Statesrelations", "China United States relations", "China–China relations",
        "PRC–China relations", "Czechia–Czech Republic relations", " relations", "relations",
        "–relations", "– relations", "China– relations", "",
    ],
)  # fmt: skip
def test_parse_rejects(title: str) -> None:
    assert parse_relations_title(title) is None


def test_every_pair_parses_back_in_every_spelling() -> None:
    for a in COUNTRIES:
        for b in COUNTRIES:
            if a == b:
                continue
            assert parse_relations_title(f"{a.name}-{b.name} relations") == (a, b)
            assert parse_relations_title(f"{a.name}\u2013{b.name} relations") == (a, b)


@settings(database=None)
@given(st.text())
def test_parse_never_raises(text: str) -> None:
    parse_relations_title(text)
    parse_relations_title(text + " relations")
    is_canonical_relations_title(text)


@settings(database=None)
@given(st.text())
def test_lookups_never_raise(text: str) -> None:
    find_country(text)
    country_by_code(text)
    suggest(text)
    search_names(text)
    sort_key(text)


# --- suggestions and type-ahead -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Kosovoo", "Kosovo"), ("Sebria", "Serbia"), ("Untied States", "United States"),
        ("Cheq Republic", "Czech Republic"), ("Gambia", "The Gambia"),
        ("Micro", "Federated States of Micronesia"), ("Vaticn", "Holy See"),
    ],
)  # fmt: skip
def test_suggest_finds_the_intended_country(text: str, name: str) -> None:
    suggestions = suggest(text)
    assert country(name) in suggestions
    assert suggestions[0] == country(name)


def test_suggest_gives_distinct_countries_within_the_limit() -> None:
    suggestions = suggest("Congo", limit=3)
    assert len(suggestions) <= 3
    assert len({entry.alpha3 for entry in suggestions}) == len(suggestions)
    assert {country("Republic of the Congo"), country("Democratic Republic of the Congo")} <= set(
        suggestions
    )


@pytest.mark.parametrize("text", ["", "   ", "qqqqqqqq"])
def test_suggest_nothing(text: str) -> None:
    assert suggest(text) == []


@pytest.mark.parametrize(
    ("typed", "label", "name"),
    [
        ("Burm", "Burma", "Myanmar"), ("vatic", "Vatican", "Holy See"),
        ("Ivo", "Ivory Coast", "Ivory Coast"), ("ivoi", "Côte d'Ivoire", "Ivory Coast"),
        ("Korea", "North Korea", "North Korea"), ("bissau", "Guinea-Bissau", "Guinea-Bissau"),
        ("Czech", "Czech Republic", "Czech Republic"), ("us", "US", "United States"),
    ],
)  # fmt: skip
def test_search_names_matches_names_and_aliases(typed: str, label: str, name: str) -> None:
    results = search_names(typed)
    assert (label, country(name)) in results


def test_search_names_puts_common_names_first() -> None:
    results = search_names("Uni")
    names = [label for label, _ in results[:3]]
    assert names == ["United Arab Emirates", "United Kingdom", "United States"]
    assert ("United Republic of Tanzania", country("Tanzania")) in results
    assert len({entry.alpha3 for _, entry in results}) == len(results)


def test_search_names_respects_the_limit() -> None:
    assert len(search_names("a", limit=4)) == 4
    assert search_names("") == []
    assert search_names("a", limit=0) == []


# --- the generated module -------------------------------------------------------------------------


def _imported_modules(path: Path) -> set[str]:
    """Names of modules a source file imports anywhere."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_countries_module_does_not_import_pycountry() -> None:
    assert "pycountry" not in _imported_modules(RELATIONS / "countries.py")
    assert "pycountry" not in _imported_modules(RELATIONS / "names.py")
    assert "pycountry" not in _imported_modules(RELATIONS / "country.py")


def test_generator_imports_pycountry_only_inside_main() -> None:
    tree = ast.parse((RELATIONS / "generate_countries.py").read_text(encoding="utf-8"))
    top_level = {
        alias.name for node in tree.body if isinstance(node, ast.Import) for alias in node.names
    }
    assert "pycountry" not in top_level


def test_names_work_without_pycountry() -> None:
    code = (
        "import sys\n"
        "sys.modules['pycountry'] = None\n"
        "from wiki.relations.names import find_country, relations_title\n"
        "k, s = find_country('Kosovo'), find_country('Serbia')\n"
        "assert relations_title(s, k) == 'Kosovo\\u2013Serbia relations'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_generated_module_is_up_to_date() -> None:
    pycountry = pytest.importorskip("pycountry")
    expected = generate_countries.render(generate_countries.build_countries(pycountry.countries))
    assert (RELATIONS / "countries.py").read_text(encoding="utf-8") == expected
