"""Country names and "A–B relations" titles: look-up, ordering, parsing and suggestions.

Pure functions over the generated registry in ``wiki.relations.countries``; no Flask, no database.
Names are compared folded: case, diacritics, curly apostrophes, dash kinds, underscores and runs of
whitespace do not matter. The registry and its indexes are loaded on first use, not at import.
"""

from __future__ import annotations

import difflib
import functools
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from wiki.relations.country import Country

EN_DASH = "\u2013"
SUFFIX = " relations"
# Dashes a title may put between the two names: hyphen-minus, en dash, em dash, minus sign.
TITLE_DASHES = frozenset("-\u2013\u2014\u2212")
# Longest title body worth trying to split; the longest pair of names is far shorter.
_MAX_BODY = 300

_FOLD = str.maketrans(
    {
        "_": " ",
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)


class _Label(NamedTuple):
    """One searchable name of a country: its text, folded key, and whether it is the common name."""

    text: str
    key: str
    country: Country
    is_name: bool


def normalize_name(text: str) -> str:
    """Fold a name for comparison: no case, diacritics, quote or dash variants; single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.translate(_FOLD).casefold().split())


def sort_key(name: str) -> str:
    """Key for alphabetical order of names, ignoring a leading "The", case and diacritics."""
    key = normalize_name(name)
    return key[4:] if key.startswith("the ") else key


@functools.cache
def _countries() -> tuple[Country, ...]:
    """The registry, imported on first use."""
    from wiki.relations.countries import COUNTRIES

    return COUNTRIES


@functools.cache
def _labels() -> tuple[_Label, ...]:
    """Every common name and alias, common name first for each country, without folded repeats."""
    labels: list[_Label] = []
    for country in _countries():
        seen: set[str] = set()
        for position, text in enumerate((country.name, *country.aliases)):
            key = normalize_name(text)
            if key and key not in seen:
                seen.add(key)
                labels.append(_Label(text, key, country, position == 0))
    return tuple(labels)


@functools.cache
def _index() -> dict[str, Country]:
    """Folded names, aliases and codes to countries; names and aliases win over codes."""
    index: dict[str, Country] = {}
    for label in _labels():
        index.setdefault(label.key, label.country)
    for country in _countries():
        index.setdefault(country.alpha3.casefold(), country)
        index.setdefault(country.alpha2.casefold(), country)
    return index


@functools.cache
def _by_alpha3() -> dict[str, Country]:
    """Countries by upper-case alpha-3 code."""
    return {country.alpha3: country for country in _countries()}


def all_countries() -> tuple[Country, ...]:
    """Every country of the registry, sorted by common name."""
    return _countries()


def find_country(text: str) -> Country | None:
    """The country called ``text`` (common name, alias, alpha-3 or alpha-2), or None."""
    if not isinstance(text, str):
        return None
    key = normalize_name(text)
    if not key:
        return None
    index = _index()
    found = index.get(key)
    if found is None and key.startswith("the "):
        found = index.get(key[4:])
    return found


def country_by_code(alpha3: str) -> Country | None:
    """The country with this ISO alpha-3 code (Kosovo: XKX), any case, or None."""
    if not isinstance(alpha3, str):
        return None
    return _by_alpha3().get(alpha3.strip().upper())


def _ordered(a: Country, b: Country) -> tuple[Country, Country]:
    """The pair in title order; ValueError if both are the same country."""
    if a.alpha3 == b.alpha3:
        raise ValueError(f"a relations title needs two different countries, got {a.name} twice")
    return (a, b) if sort_key(a.name) <= sort_key(b.name) else (b, a)


def relations_title(a: Country, b: Country) -> str:
    """The canonical "A–B relations" title: common names, en dash, alphabetical ignoring "The"."""
    first, second = _ordered(a, b)
    return f"{first.name}{EN_DASH}{second.name}{SUFFIX}"


def alternative_titles(a: Country, b: Country) -> list[str]:
    """Other spellings of the pair's title worth a redirect: reversed, and with a hyphen."""
    first, second = _ordered(a, b)
    canonical = relations_title(first, second)
    spellings = (
        f"{second.name}{EN_DASH}{first.name}{SUFFIX}",
        f"{first.name}-{second.name}{SUFFIX}",
        f"{second.name}-{first.name}{SUFFIX}",
    )
    return list(dict.fromkeys(s for s in spellings if s != canonical))


def parse_relations_title(title: str) -> tuple[Country, Country] | None:
    """The two countries of an "A–B relations" title, in the order written, or None."""
    if not isinstance(title, str):
        return None
    text = " ".join(title.replace("_", " ").split())
    if len(text) <= len(SUFFIX) or text[-len(SUFFIX) :].lower() != SUFFIX:
        return None
    body = text[: -len(SUFFIX)]
    if len(body) > _MAX_BODY:
        return None
    fallback: tuple[Country, Country] | None = None
    for position, char in enumerate(body):
        if char not in TITLE_DASHES:
            continue
        left = find_country(body[:position])
        right = find_country(body[position + 1 :]) if left is not None else None
        if left is None or right is None:
            continue
        if char != "-":
            # A split at an en dash, em dash or minus beats one at a hyphen inside a name.
            return None if left == right else (left, right)
        if fallback is None:
            fallback = (left, right)
    if fallback is None or fallback[0] == fallback[1]:
        return None
    return fallback


def is_canonical_relations_title(title: str) -> bool:
    """Whether ``title`` (underscores read as spaces) is exactly a pair's canonical title."""
    pair = parse_relations_title(title)
    return pair is not None and title.replace("_", " ") == relations_title(*pair)


def _starts_a_word(key: str, fragment: str) -> bool:
    """Whether ``fragment`` occurs in ``key`` at the start of a word other than the first."""
    position = key.find(fragment, 1)
    while position != -1:
        if not key[position - 1].isalnum():
            return True
        position = key.find(fragment, position + 1)
    return False


def _best_per_country(
    scored: Iterable[tuple[tuple[object, ...], _Label]], limit: int
) -> list[_Label]:
    """The best-ranked label of each country, best first, at most ``limit`` of them."""
    best: dict[str, tuple[tuple[object, ...], _Label]] = {}
    for rank, label in scored:
        held = best.get(label.country.alpha3)
        if held is None or rank < held[0]:
            best[label.country.alpha3] = (rank, label)
    return [label for _, label in sorted(best.values(), key=lambda item: item[0])][:limit]


def suggest(text: str, limit: int = 5) -> list[Country]:
    """Distinct countries whose names or aliases are close to, or start with, ``text``."""
    if not isinstance(text, str) or limit <= 0:
        return []
    key = normalize_name(text)
    if not key:
        return []
    labels = _labels()
    close = set(difflib.get_close_matches(key, [label.key for label in labels], n=limit * 4))
    scored: list[tuple[tuple[object, ...], _Label]] = []
    for label in labels:
        score = 0.0
        if label.key in close:
            score = difflib.SequenceMatcher(None, key, label.key).ratio()
        if len(key) >= 2 and label.key.startswith(key):
            score = max(score, 0.9)
        elif len(key) >= 3 and _starts_a_word(label.key, key):
            score = max(score, 0.85)
        if score:
            scored.append(((-score, not label.is_name, sort_key(label.country.name)), label))
    return [label.country for label in _best_per_country(scored, limit)]


def search_names(prefix: str, limit: int = 10) -> list[tuple[str, Country]]:
    """Type-ahead: (name or alias, country) pairs whose text or one of its words starts so."""
    if not isinstance(prefix, str) or limit <= 0:
        return []
    key = normalize_name(prefix)
    if not key:
        return []
    scored: list[tuple[tuple[object, ...], _Label]] = []
    for label in _labels():
        if label.key.startswith(key):
            where = 0
        elif _starts_a_word(label.key, key):
            where = 1
        else:
            continue
        scored.append(((not label.is_name, where, sort_key(label.text)), label))
    return [(label.text, label.country) for label in _best_per_country(scored, limit)]
