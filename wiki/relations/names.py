"""Country names and "A–B relations" titles: look-up, ordering, parsing, suggestions and the
way running text writes a name ("the United States", "the Bahamas'").

Pure functions over the generated registry in ``wiki.relations.countries`` and the reviewed tables
in ``wiki.relations.conventions``; no Flask, no database. Names are compared folded: case,
diacritics, curly apostrophes, dash kinds, underscores and runs of whitespace do not matter,
hyphens match spaces and "St", "St." and "Saint" match each other. ISO codes count only as typed
in capitals ("IS" is Iceland, "is" is nothing). The registry and its indexes are loaded on first
use, not at import.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from wiki.relations.conventions import AMBIGUOUS_NAMES, TITLE_OVERRIDES
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


_CODE = re.compile(r"[A-Z]{2,3}")
_SAINT = frozenset({"st", "st."})
HUB_PREFIX = "Foreign relations of "


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


def match_key(text: str) -> str:
    """The key names are matched by: folded as normalize_name does, hyphens read as spaces, and
    "St" or "St." read as "Saint"."""
    words = normalize_name(text).replace("-", " ").split()
    return " ".join("saint" if word in _SAINT else word for word in words)


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
            key = match_key(text)
            if key and key not in seen:
                seen.add(key)
                labels.append(_Label(text, key, country, position == 0))
    return tuple(labels)


@functools.cache
def _index() -> dict[str, Country]:
    """Matching keys of names and aliases to countries."""
    index: dict[str, Country] = {}
    for label in _labels():
        index.setdefault(label.key, label.country)
    return index


@functools.cache
def _codes() -> dict[str, Country]:
    """Countries by upper-case alpha-3 and alpha-2 code."""
    codes: dict[str, Country] = {}
    for country in _countries():
        codes[country.alpha3] = codes[country.alpha2] = country
    return codes


@functools.cache
def _ambiguous() -> dict[str, tuple[Country, ...]]:
    """Matching keys of the names that stand for several states, to those states."""
    by_code = _by_alpha3()
    return {match_key(name): tuple(by_code[code] for code in codes)
            for name, codes in AMBIGUOUS_NAMES}


@functools.cache
def _overrides() -> dict[frozenset[str], str]:
    """Titles Wikipedia gives particular pairs, by the pair's codes."""
    return {frozenset((entry.first, entry.second)): entry.title for entry in TITLE_OVERRIDES}


@functools.cache
def _override_pairs() -> dict[str, tuple[Country, Country]]:
    """The pairs of the overridden titles, by the title's matching key."""
    by_code = _by_alpha3()
    return {match_key(entry.title): (by_code[entry.first], by_code[entry.second])
            for entry in TITLE_OVERRIDES}


@functools.cache
def _by_alpha3() -> dict[str, Country]:
    """Countries by upper-case alpha-3 code."""
    return {country.alpha3: country for country in _countries()}


def all_countries() -> tuple[Country, ...]:
    """Every country of the registry, sorted by common name."""
    return _countries()


@dataclass(frozen=True, slots=True)
class NameMatch:
    """What a typed name stands for: one country (named, or by its ISO code), several states
    the name fits equally well, or nothing."""

    country: Country | None = None
    by_code: bool = False
    choices: tuple[Country, ...] = ()


def _candidate_keys(key: str) -> list[str]:
    """The key, then the forms it may stand for: without a leading "the", and with the parts
    of an inverted name put back in order ("korea, south", "gambia, the")."""
    keys = [key]
    first, comma, rest = key.partition(",")
    if comma and "," not in rest and first.strip() and rest.strip():
        keys.append(f"{rest.strip()} {first.strip()}")
    for candidate in list(keys):
        if candidate.startswith("the "):
            keys.append(candidate[4:])
    return keys


def match_name(text: str) -> NameMatch:
    """What ``text`` names: a common name or alias; else an ISO alpha-2 or alpha-3 code typed
    in capitals; else a name that fits several states (the choices); else nothing."""
    if not isinstance(text, str):
        return NameMatch()
    key = match_key(text)
    if not key:
        return NameMatch()
    index = _index()
    candidates = _candidate_keys(key)
    for candidate in candidates:
        if (found := index.get(candidate)) is not None:
            return NameMatch(found)
    stripped = text.strip()
    if _CODE.fullmatch(stripped) and (coded := _codes().get(stripped)) is not None:
        return NameMatch(coded, by_code=True)
    for candidate in candidates:
        if choices := _ambiguous().get(candidate, ()):
            return NameMatch(choices=choices)
    return NameMatch()


def find_country(text: str) -> Country | None:
    """The country called ``text`` (common name, alias, or an ISO code in capitals), or None
    (also for a name that fits several states)."""
    return match_name(text).country


def prose_name(country: Country, *, sentence_start: bool = False) -> str:
    """The name as running text writes it: "the United States", "the Gambia", "China"."""
    if not country.takes_the:
        return country.name
    article = "The " if sentence_start else "the "
    return article + country.name.removeprefix("The ")


def possessive(country: Country) -> str:
    """The possessive of the name in running text: "China's", "the United States'"."""
    name = prose_name(country)
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def hub_title(country: Country) -> str:
    """The title of the country's hub, as Wikipedia writes it: "Foreign relations of the
    United States"."""
    return HUB_PREFIX + prose_name(country)


def parse_hub_title(title: str) -> Country | None:
    """The country a "Foreign relations of X" title names under any name or alias, or None."""
    if not isinstance(title, str):
        return None
    text = " ".join(title.replace("_", " ").split())
    if text[: len(HUB_PREFIX)].lower() != HUB_PREFIX.lower():
        return None
    return find_country(text[len(HUB_PREFIX):])


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
    """The canonical title: the one Wikipedia gives the pair where it is an override (China and
    Taiwan: "Cross-Strait relations"), else "A–B relations" with the common names, an en dash,
    alphabetical ignoring "The"."""
    first, second = _ordered(a, b)
    override = _overrides().get(frozenset((first.alpha3, second.alpha3)))
    if override is not None:
        return override
    return f"{first.name}{EN_DASH}{second.name}{SUFFIX}"


def alternative_titles(a: Country, b: Country) -> list[str]:
    """Other spellings of the pair's title worth a redirect: reversed, and with a hyphen (and
    for an overridden title, the plain "A–B relations" too)."""
    first, second = _ordered(a, b)
    canonical = relations_title(first, second)
    spellings = (
        f"{first.name}{EN_DASH}{second.name}{SUFFIX}",
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
    overridden = _override_pairs().get(match_key(text))
    if overridden is not None:
        return overridden
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
