"""Reviewed tables of what the registry cannot derive from names: pairs whose article Wikipedia
titles its own way, and short names that stand for several states.

Every title override names the Wikipedia article it follows; validate_overrides() says what is
wrong with an entry, and a test runs it over the table. Codes are ISO alpha-3 (Kosovo: XKX).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

WIKIPEDIA_ARTICLE = "https://en.wikipedia.org/wiki/"


@dataclass(frozen=True, slots=True)
class TitleOverride:
    """The title Wikipedia gives the relations article of one pair, and where it says so."""

    first: str
    second: str
    title: str
    source: str


# Pairs whose relations article is not titled "A–B relations". Add only titles checked on
# Wikipedia, each with the address of the article.
TITLE_OVERRIDES: tuple[TitleOverride, ...] = (
    TitleOverride("CHN", "TWN", "Cross-Strait relations",
                  "https://en.wikipedia.org/wiki/Cross-Strait_relations"),
)

# Names that match several states equally well; typed alone they are answered with the choices.
AMBIGUOUS_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Congo", ("COD", "COG")),
    ("Korea", ("KOR", "PRK")),
)


def _article_title(source: str) -> str | None:
    """The article title an English Wikipedia address names, or None for any other address."""
    if not isinstance(source, str) or not source.startswith(WIKIPEDIA_ARTICLE):
        return None
    parts = urlsplit(source)
    if parts.query or parts.fragment:
        return None
    name = unquote(parts.path.removeprefix("/wiki/")).replace("_", " ").strip()
    return name or None


def validate_overrides(entries: Iterable[TitleOverride], known_codes: Iterable[str]) -> list[str]:
    """What is wrong with a table of overrides (empty when nothing is): unknown or repeated
    codes, an empty title, a missing source, or a source that is not the Wikipedia article of
    that title."""
    known = set(known_codes)
    problems: list[str] = []
    pairs: set[frozenset[str]] = set()
    titles: set[str] = set()
    for entry in entries:
        label = f"{entry.first}/{entry.second} ({entry.title!r})"
        for code in (entry.first, entry.second):
            if code not in known:
                problems.append(f"{label}: {code!r} is not a country of the registry")
        pair = frozenset((entry.first, entry.second))
        if len(pair) != 2:
            problems.append(f"{label}: a pair needs two different countries")
        elif pair in pairs:
            problems.append(f"{label}: the pair has another override")
        pairs.add(pair)
        title = entry.title.strip() if isinstance(entry.title, str) else ""
        if not title or title != entry.title:
            problems.append(f"{label}: the title is empty or has spaces around it")
        elif title in titles:
            problems.append(f"{label}: the title is used by another pair")
        titles.add(title)
        if not entry.source:
            problems.append(f"{label}: no source; give the address of the Wikipedia article")
            continue
        named = _article_title(entry.source)
        if named is None:
            problems.append(f"{label}: the source must be an address under {WIKIPEDIA_ARTICLE}")
        elif named != title:
            problems.append(f"{label}: the source names the article {named!r}, not the title")
    return problems
