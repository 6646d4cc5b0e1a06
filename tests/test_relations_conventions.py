"""Tests for the ways Wikipedia writes country names that the registry records: which names take
"the" in running text and hub titles, possessives, continents, the reviewed title overrides and
their sources, names that fit several states, ISO codes in capitals only, and the spellings that
find a country (hyphens and spaces alike, "St" and "Saint" alike, common aliases)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiki.relations import conventions, generate_countries
from wiki.relations.conventions import TITLE_OVERRIDES, TitleOverride, validate_overrides
from wiki.relations.countries import COUNTRIES
from wiki.relations.country import CONTINENTS, Country
from wiki.relations.names import (
    alternative_titles,
    find_country,
    hub_title,
    is_canonical_relations_title,
    match_name,
    parse_hub_title,
    parse_relations_title,
    possessive,
    prose_name,
    relations_title,
)

EN_DASH = "\u2013"
CODES = {entry.alpha3 for entry in COUNTRIES}


def country(name: str) -> Country:
    """The registry entry with this exact common name."""
    found = [entry for entry in COUNTRIES if entry.name == name]
    assert len(found) == 1, name
    return found[0]


# --- "the" -----------------------------------------------------------------------------------

# Hub titles as Wikipedia has them ("Foreign relations of …"), for every state written with "the"
# and for neighbours of those that are not.
HUB_TITLES = [
    ("United States", "Foreign relations of the United States"),
    ("United Kingdom", "Foreign relations of the United Kingdom"),
    ("The Gambia", "Foreign relations of the Gambia"),
    ("Bahamas", "Foreign relations of the Bahamas"),
    ("Netherlands", "Foreign relations of the Netherlands"),
    ("Philippines", "Foreign relations of the Philippines"),
    ("Czech Republic", "Foreign relations of the Czech Republic"),
    ("Maldives", "Foreign relations of the Maldives"),
    ("Marshall Islands", "Foreign relations of the Marshall Islands"),
    ("Solomon Islands", "Foreign relations of the Solomon Islands"),
    ("Holy See", "Foreign relations of the Holy See"),
    ("United Arab Emirates", "Foreign relations of the United Arab Emirates"),
    ("Democratic Republic of the Congo",
     "Foreign relations of the Democratic Republic of the Congo"),
    ("Republic of the Congo", "Foreign relations of the Republic of the Congo"),
    ("Federated States of Micronesia", "Foreign relations of the Federated States of Micronesia"),
    ("Central African Republic", "Foreign relations of the Central African Republic"),
    ("Comoros", "Foreign relations of the Comoros"),
    ("Dominican Republic", "Foreign relations of the Dominican Republic"),
    ("Seychelles", "Foreign relations of Seychelles"),
    ("Palestine", "Foreign relations of Palestine"),
    ("Ivory Coast", "Foreign relations of Ivory Coast"),
    ("Timor-Leste", "Foreign relations of Timor-Leste"),
    ("China", "Foreign relations of China"),
    ("Dominica", "Foreign relations of Dominica"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "title"), HUB_TITLES)
def test_hub_titles_are_written_as_wikipedia_writes_them(name: str, title: str) -> None:
    assert hub_title(country(name)) == title
    assert parse_hub_title(title) == country(name)


def test_every_state_written_with_the_has_a_hub_title_in_the_table() -> None:
    listed = {name for name, _ in HUB_TITLES}
    assert {entry.name for entry in COUNTRIES if entry.takes_the} <= listed
    assert len([entry for entry in COUNTRIES if entry.takes_the]) == 18


@pytest.mark.parametrize(
    ("name", "prose", "start", "owner"),
    [
        ("United States", "the United States", "The United States", "the United States'"),
        ("The Gambia", "the Gambia", "The Gambia", "the Gambia's"),
        ("Bahamas", "the Bahamas", "The Bahamas", "the Bahamas'"),
        ("Philippines", "the Philippines", "The Philippines", "the Philippines'"),
        ("China", "China", "China", "China's"),
        ("Laos", "Laos", "Laos", "Laos'"),
        ("Kosovo", "Kosovo", "Kosovo", "Kosovo's"),
    ],
)  # fmt: skip
def test_prose_names_and_possessives(name: str, prose: str, start: str, owner: str) -> None:
    assert prose_name(country(name)) == prose
    assert prose_name(country(name), sentence_start=True) == start
    assert possessive(country(name)) == owner


def test_names_written_with_a_capital_the_take_the() -> None:
    for entry in COUNTRIES:
        if entry.name.startswith("The "):
            assert entry.takes_the, entry.name


@pytest.mark.parametrize(
    "title",
    ["Foreign relations of United States", "Foreign relations of The Gambia",
     "Foreign relations of USA", "Foreign_relations_of_the_united_states",
     "foreign relations of the US"],
)  # fmt: skip
def test_hub_titles_parse_under_any_name(title: str) -> None:
    assert parse_hub_title(title) in {country("United States"), country("The Gambia")}


@pytest.mark.parametrize(
    "title", ["Foreign relations of Atlantis", "Foreign relations of Congo", "Foreign policy",
              "Foreign relations of", ""],
)  # fmt: skip
def test_other_titles_are_not_hubs(title: str) -> None:
    assert parse_hub_title(title) is None


# --- relations titles as Wikipedia has them ---------------------------------------------------

# Titles seen on Wikipedia: the examples of the design notes, the relations pages the Bahamas'
# hub links to, and the override.
WIKIPEDIA_TITLES = [
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
    ("Bahamas", "China", "Bahamas–China relations"),
    ("Bahamas", "Cuba", "Bahamas–Cuba relations"),
    ("Bahamas", "Haiti", "Bahamas–Haiti relations"),
    ("Bahamas", "India", "Bahamas–India relations"),
    ("Bahamas", "Mexico", "Bahamas–Mexico relations"),
    ("Bahamas", "United States", "Bahamas–United States relations"),
    ("China", "Taiwan", "Cross-Strait relations"),
]  # fmt: skip


def test_titles_match_wikipedia() -> None:
    made = [relations_title(country(a), country(b)) for a, b, _ in WIKIPEDIA_TITLES]
    wanted = [title for _, _, title in WIKIPEDIA_TITLES]
    assert made == wanted
    assert len(wanted) == 16


def test_an_override_is_the_canonical_title_and_parses_back() -> None:
    china, taiwan = country("China"), country("Taiwan")
    assert relations_title(taiwan, china) == "Cross-Strait relations"
    assert is_canonical_relations_title("Cross-Strait relations")
    assert is_canonical_relations_title("Cross-Strait_relations")
    assert parse_relations_title("Cross-Strait relations") == (china, taiwan)
    assert parse_relations_title("cross strait relations") == (china, taiwan)
    assert not is_canonical_relations_title(f"China{EN_DASH}Taiwan relations")
    assert parse_relations_title(f"Taiwan{EN_DASH}China relations") == (taiwan, china)
    assert alternative_titles(china, taiwan) == [
        f"China{EN_DASH}Taiwan relations", f"Taiwan{EN_DASH}China relations",
        "China-Taiwan relations", "Taiwan-China relations",
    ]


def test_every_override_has_a_wikipedia_source() -> None:
    assert validate_overrides(TITLE_OVERRIDES, CODES) == []
    for entry in TITLE_OVERRIDES:
        assert entry.source.startswith("https://en.wikipedia.org/wiki/")


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (TitleOverride("CHN", "TWN", "Cross-Strait relations", ""), "no source"),
        (TitleOverride("CHN", "TWN", "Cross-Strait relations", "http://example.com/x"),
         "must be an address"),
        (TitleOverride("CHN", "TWN", "Cross-Strait relations",
                       "https://en.wikipedia.org/wiki/Taiwan"), "names the article 'Taiwan'"),
        (TitleOverride("CHN", "ZZZ", "Z relations", "https://en.wikipedia.org/wiki/Z_relations"),
         "'ZZZ' is not a country"),
        (TitleOverride("CHN", "CHN", "C relations", "https://en.wikipedia.org/wiki/C_relations"),
         "two different countries"),
        (TitleOverride("CHN", "TWN", " ", "https://en.wikipedia.org/wiki/_"), "title is empty"),
    ],
)  # fmt: skip
def test_the_validator_names_what_is_wrong(entry: TitleOverride, problem: str) -> None:
    problems = validate_overrides([entry], CODES)
    assert problems and any(problem in text for text in problems), problems


def test_the_validator_refuses_a_pair_twice() -> None:
    entry = TITLE_OVERRIDES[0]
    other = TitleOverride(entry.second, entry.first, "Other relations",
                          "https://en.wikipedia.org/wiki/Other_relations")
    assert any("another override" in text for text in validate_overrides([entry, other], CODES))


def test_an_encoded_source_names_its_article() -> None:
    entry = TitleOverride("KOR", "PRK", "Korea–Korea relations",
                          "https://en.wikipedia.org/wiki/Korea%E2%80%93Korea_relations")
    assert validate_overrides([entry], CODES) == []


# --- continents -------------------------------------------------------------------------------


def test_every_state_has_a_continent() -> None:
    counts = Counter(entry.continent for entry in COUNTRIES)
    assert set(counts) == set(CONTINENTS)
    # The UN members by M49 region, plus Taiwan and Palestine (Asia), Holy See and Kosovo (Europe).
    assert counts == {"Africa": 54, "Americas": 35, "Asia": 49, "Europe": 45, "Oceania": 14}


@pytest.mark.parametrize(
    ("name", "continent"),
    [("Kosovo", "Europe"), ("Russia", "Europe"), ("Turkey", "Asia"), ("Cyprus", "Asia"),
     ("Egypt", "Africa"), ("Mexico", "Americas"), ("Fiji", "Oceania"), ("Taiwan", "Asia")],
)  # fmt: skip
def test_continents(name: str, continent: str) -> None:
    assert country(name).continent == continent


def test_the_generator_refuses_a_state_listed_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    members = dict(generate_countries.CONTINENT_MEMBERS)
    members["Oceania"] = (*members["Oceania"], "FRA")
    monkeypatch.setattr(generate_countries, "CONTINENT_MEMBERS", members)
    pycountry = pytest.importorskip("pycountry")
    with pytest.raises(ValueError, match="FRA"):
        generate_countries.build_countries(pycountry.countries)


# --- what a typed name stands for -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Congo", {"Democratic Republic of the Congo", "Republic of the Congo"}),
        ("the Congo", {"Democratic Republic of the Congo", "Republic of the Congo"}),
        (" congo ", {"Democratic Republic of the Congo", "Republic of the Congo"}),
        ("Korea", {"North Korea", "South Korea"}),
    ],
)  # fmt: skip
def test_names_of_several_states_give_the_choices(text: str, names: set[str]) -> None:
    match = match_name(text)
    assert match.country is None
    assert {entry.name for entry in match.choices} == names
    assert find_country(text) is None


@pytest.mark.parametrize("text", ["Guinea", "Sudan", "Niger", "Dominica", "Samoa", "Ireland"])
def test_a_state_whose_name_is_part_of_others_is_not_ambiguous(text: str) -> None:
    match = match_name(text)
    assert match.country is not None and match.country.name == text and not match.choices


@pytest.mark.parametrize(
    ("text", "name"),
    [("IS", "Iceland"), ("ISL", "Iceland"), ("DE", "Germany"), ("XKX", "Kosovo"),
     ("GB", "United Kingdom"), (" NL ", "Netherlands")],
)  # fmt: skip
def test_codes_count_only_in_capitals(text: str, name: str) -> None:
    match = match_name(text)
    assert match.by_code and match.country is not None and match.country.name == name
    assert match_name(text.lower()).country is None
    assert match_name(text.strip().capitalize()).country is None


@pytest.mark.parametrize("text", ["USA", "UK", "US", "UAE", "DRC", "PRC"])
def test_abbreviations_that_are_names_are_not_codes(text: str) -> None:
    match = match_name(text)
    assert match.country is not None and not match.by_code


def test_the_ambiguous_table_names_states_of_the_registry() -> None:
    for name, codes in conventions.AMBIGUOUS_NAMES:
        assert len(codes) >= 2 and set(codes) <= CODES, name
        assert find_country(name) is None


# --- every spelling finds the country ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Timor Leste", "Timor-Leste"), ("timor-leste", "Timor-Leste"),
        ("East Timor", "Timor-Leste"), ("East-Timor", "Timor-Leste"),
        ("Guinea Bissau", "Guinea-Bissau"),
        ("Democratic Republic of Congo", "Democratic Republic of the Congo"),
        ("Republic of Congo", "Republic of the Congo"),
        ("St Kitts and Nevis", "Saint Kitts and Nevis"),
        ("St. Kitts and Nevis", "Saint Kitts and Nevis"),
        ("St Lucia", "Saint Lucia"), ("St. Vincent and the Grenadines",
                                      "Saint Vincent and the Grenadines"),
        ("Sao Tome", "São Tomé and Príncipe"), ("São Tomé", "São Tomé and Príncipe"),
        ("Holland", "Netherlands"), ("Bosnia-Herzegovina", "Bosnia and Herzegovina"),
        ("Bosnia Herzegovina", "Bosnia and Herzegovina"),
        ("Korea, South", "South Korea"), ("Gambia, The", "The Gambia"),
        ("Congo, Democratic Republic of the", "Democratic Republic of the Congo"),
        ("Bahamas, The", "Bahamas"), ("The Bahamas", "Bahamas"),
    ],
)  # fmt: skip
def test_common_spellings_find_the_country(text: str, name: str) -> None:
    found = find_country(text)
    assert found is not None and found.name == name


@pytest.mark.parametrize(
    ("title", "first", "second"),
    [
        ("Gambia–Portugal relations", "The Gambia", "Portugal"),
        ("Portugal-East Timor relations", "Portugal", "Timor-Leste"),
        ("Portugal–Timor-Leste relations", "Portugal", "Timor-Leste"),
        ("Portugal–Timor Leste relations", "Portugal", "Timor-Leste"),
        ("Holland-St Lucia relations", "Netherlands", "Saint Lucia"),
        ("IS–DE relations", "Iceland", "Germany"),
    ],
)  # fmt: skip
def test_titles_parse_under_any_spelling(title: str, first: str, second: str) -> None:
    assert parse_relations_title(title) == (country(first), country(second))


@pytest.mark.parametrize("title", ["Congo–Portugal relations", "is–de relations",
                                   "Korea–Japan relations"])
def test_titles_with_ambiguous_or_lower_case_codes_do_not_parse(title: str) -> None:
    assert parse_relations_title(title) is None


@settings(database=None)
@given(st.text(max_size=60))
def test_name_lookups_never_raise(text: str) -> None:
    match_name(text)
    parse_hub_title(text)
    parse_hub_title("Foreign relations of " + text)
