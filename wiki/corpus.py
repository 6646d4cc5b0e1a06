"""A synthetic corpus for benchmarks: pages of made-up but realistic Markdown, each saved with
one or more revisions through the one writer (pages.save_edit).

Everything follows from the seed: titles come from a deterministic word generator (countries,
people with surnames such as "Tadić", places, "A–B relations" pages, topics), and each page has
a lead, a few headed sections with wikilinks, categories, and now and then a "See also" list.
Body words are drawn from a generated vocabulary with Zipf-like frequencies, so searches for
different words match very different numbers of pages; vocabulary() lists them, most frequent
first.

Page i links only to pages planned before it, and to titles no page ever gets (red links), and
every revision of a page keeps the same links. So creating a page never invalidates another
page's stored render, and the finished corpus has every render cached, like a wiki that has been
read for a while. Pages are created in a first pass and edited in later passes (pass k adds
revision k to each revised page in turn), so recent changes interleave pages as real editing
does.

Saves are grouped many to a write transaction (save_edit joins the outer one): the work per save
is the same, but SQLite commits once per group. Titles that already exist are skipped, page and
all, so running the command again with the same seed adds nothing; a new seed plans new titles.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, partial

import sqlalchemy as sa
from flask import current_app

from wiki import pages
from wiki.db import db, write_transaction
from wiki.models import Page
from wiki.titles import MAIN, Title, parse_title

VOCABULARY_SIZE = 5000
MAX_COUNTRIES = 300
SAVES_PER_TRANSACTION = 200
SEE_ALSO_SHARE = 0.2  # each "See also" item renders as a template fragment: costly to save

_ONSETS = ("b", "br", "d", "dr", "g", "gr", "k", "kr", "l", "m", "n", "p", "pr", "r", "s", "st",
           "t", "tr", "v", "z", "h", "j", "sl", "sv", "")
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ia", "ei")
_CODAS = ("", "", "", "n", "r", "l", "s", "m", "k")
_SURNAME_ENDINGS = ("ić", "ović", "ević", "ski", "escu", "sson", "ek", "ák", "ová", "an", "er")
_KNOWN_SURNAMES = ("Tadić", "Đinđić", "Kovačević", "Šimić", "Łukasik", "Müller", "Núñez",
                   "Ørsted", "Jovanović", "Dvořák")
_FUNCTION_WORDS = ("the", "of", "and", "in", "was", "is", "a", "to", "by", "with", "from", "as")
_TOPIC_KINDS = ("festival", "dialect", "dynasty", "railway", "cathedral", "university",
                "party", "treaty", "museum", "uprising")
_PLACE_KINDS = ("", "", "", " River", " District", " Valley")
_SECTIONS = ("History", "Geography", "Politics", "Economy", "Culture", "Legacy",
             "Early life", "Career", "Demographics", "Transport")
_SUMMARIES = (("Copyedit", True), ("Fixed a typo", True), ("Expanded the {section} section",
              False), ("Added a sentence on {section}", False), ("Clarified wording", True),
              ("Updated figures", False))
EDITORS = tuple(f"Editor{n}" for n in range(1, 41))
ANONYMOUS_EDITORS = tuple(f"198.51.100.{n}" for n in range(1, 21))  # documentation addresses


@dataclass(frozen=True)
class PlannedPage:
    """One page of the plan: its title, what kind of page it is, its country and its links."""

    title: Title
    kind: str
    country: int  # plan index of the country page it belongs to
    links: tuple[int, ...]  # plan indexes of earlier pages it links to


@dataclass(frozen=True)
class CorpusReport:
    """What a run did: pages created and skipped, revisions saved, and how long it took."""

    created: int
    skipped: int
    revisions: int
    seconds: float

    @property
    def pages_per_second(self) -> float:
        """Pages created per second of the run."""
        return self.created / self.seconds if self.seconds else 0.0

    @property
    def revisions_per_second(self) -> float:
        """Revisions saved per second of the run."""
        return self.revisions / self.seconds if self.seconds else 0.0


def _word(rng: random.Random, syllables: int) -> str:
    """A pronounceable made-up word."""
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                   for _ in range(syllables))


def _name(rng: random.Random) -> str:
    """A capitalized made-up name of two or three syllables."""
    return _word(rng, rng.choice((2, 2, 2, 3))).capitalize()


def _surname(rng: random.Random) -> str:
    """A surname, often with diacritics ("Velmović", "Dvořák"), sometimes a known one."""
    if rng.random() < 0.05:
        return rng.choice(_KNOWN_SURNAMES)
    return _word(rng, 2).capitalize() + rng.choice(_SURNAME_ENDINGS)


@cache
def vocabulary(seed: int) -> tuple[str, ...]:
    """The body words, most frequent first (the word of rank r is drawn about 1/(r+1) as often
    as the first)."""
    rng = random.Random(f"{seed}:vocabulary")
    words: dict[str, None] = {}
    while len(words) < VOCABULARY_SIZE:
        word = _word(rng, rng.choice((1, 2, 2, 3)))
        if len(word) > 2 and word not in _FUNCTION_WORDS:
            words.setdefault(word, None)
    return tuple(words)


@cache
def _cumulative_weights(size: int) -> tuple[float, ...]:
    """Zipf weights 1/(r+1), accumulated for random.choices."""
    return tuple(itertools.accumulate(1.0 / (rank + 1) for rank in range(size)))


def country_count(count: int) -> int:
    """How many of the first planned pages are countries."""
    return min(count, max(2, min(MAX_COUNTRIES, count // 10)))


def plan(count: int, seed: int) -> list[PlannedPage]:
    """The titles, kinds, countries and links of `count` pages, the same for the same seed."""
    rng = random.Random(f"{seed}:plan")
    countries = country_count(count)
    used: set[str] = set()
    pairs = [(a, b) for a in range(countries) for b in range(a + 1, countries)]
    rng.shuffle(pairs)
    planned: list[PlannedPage] = []
    for index in range(count):
        if index < countries:
            kind, country, text = "country", index, _unique(rng, used, lambda: _name(rng))
        else:
            kind = rng.choices(("person", "place", "relations", "topic"), (35, 30, 10, 25))[0]
            country = rng.randrange(countries)
            if kind == "relations" and pairs:
                first, second = pairs.pop()
                names = sorted((planned[first].title.text, planned[second].title.text))
                text = _unique(rng, used, partial(str, f"{names[0]}–{names[1]} relations"))
                country = first
            else:
                kind = "person" if kind == "relations" else kind
                text = _unique(rng, used, partial(_title_text, rng, kind))
        links = _plan_links(rng, index, country, countries)
        planned.append(PlannedPage(parse_title(text), kind, country, links))
    return planned


def _title_text(rng: random.Random, kind: str) -> str:
    """A title of a person, place or topic page."""
    if kind == "person":
        return f"{_name(rng)} {_surname(rng)}"
    if kind == "place":
        return _name(rng) + rng.choice(_PLACE_KINDS)
    return f"{_name(rng)} {rng.choice(_TOPIC_KINDS)}"


def _unique(rng: random.Random, used: set[str], make: Callable[[], str]) -> str:
    """A title text not planned yet (drawn again on a clash, numbered if clashes persist)."""
    for _ in range(20):
        text = make()
        if text not in used:
            used.add(text)
            return text
    text = f"{make()} {rng.randrange(10**6)}"
    used.add(text)
    return text


def _plan_links(rng: random.Random, index: int, country: int, countries: int
                ) -> tuple[int, ...]:
    """Earlier pages a page links to: its country and a few others."""
    if index == 0:
        return ()
    targets = {country} if country < index else set()
    for _ in range(rng.randint(2, 6)):
        targets.add(rng.randrange(index) if rng.random() < 0.7 else rng.randrange(min(index,
                                                                                  countries)))
    targets.discard(index)
    return tuple(sorted(targets))


def _sentence(rng: random.Random, words: tuple[str, ...], extra: str = "") -> str:
    """A sentence of vocabulary and function words, with an optional phrase in it."""
    picked = rng.choices(words, cum_weights=_cumulative_weights(len(words)),
                         k=rng.randint(6, 12))
    for position in range(1, len(picked), 3):
        picked.insert(position, rng.choice(_FUNCTION_WORDS))
    if extra:
        picked.insert(rng.randint(1, len(picked)), extra)
    sentence = " ".join(picked)
    return sentence[0].upper() + sentence[1:] + "."


def _paragraph(rng: random.Random, words: tuple[str, ...], phrases: Iterable[str] = (),
               sentences: int = 3) -> str:
    """A few sentences; each phrase (a wikilink, a name) lands in one of them."""
    phrases = list(phrases)
    count = max(sentences, len(phrases))
    return " ".join(_sentence(rng, words, phrases[i] if i < len(phrases) else "")
                    for i in range(count))


def _red_link(rng: random.Random) -> str:
    """A wikilink to a title no planned page has (planned titles never end in "Bridge")."""
    return f"[[{_name(rng)} Bridge]]"


def page_text(planned: list[PlannedPage], index: int, seed: int, revision: int = 1) -> str:
    """The Markdown of a page's revision: revision k adds k-1 sentences and keeps the links."""
    page = planned[index]
    rng = random.Random(f"{seed}:{index}:text")
    words = vocabulary(seed)
    country = planned[page.country].title.text
    links = [f"[[{planned[i].title.text}]]" for i in page.links]
    if rng.random() < 0.5:
        links.append(_red_link(rng))
    lead = f"**{page.title.text}** {_lead_fact(rng, page, country, words)}. " + _paragraph(
        rng, words, (), 2)
    sections = rng.sample(_SECTIONS, 3)
    per_section = [links[i::3] for i in range(3)]
    bodies = [_paragraph(rng, words, per_section[i], rng.randint(2, 4)) for i in range(3)]
    for number in range(2, revision + 1):
        edit_rng = random.Random(f"{seed}:{index}:{number}")
        bodies[number % 3] += " " + _sentence(edit_rng, words)
    parts = [lead]
    for section, body in zip(sections, bodies, strict=True):
        parts.append(f"## {section}\n\n{body}")
    see_also = rng.sample(page.links, min(2, len(page.links)))
    if see_also and rng.random() < SEE_ALSO_SHARE:
        parts.append("## See also\n\n" + "\n".join(f"- [[{planned[i].title.text}]]"
                                                    for i in see_also))
    parts.append("\n".join(f"[[Category:{name}]]" for name in _categories(page, country)))
    return "\n\n".join(parts) + "\n"


def _lead_fact(rng: random.Random, page: PlannedPage, country: str,
               words: tuple[str, ...]) -> str:
    """What the first sentence says a page is about."""
    if page.kind == "country":
        return f"is a country. Its capital is {_name(rng)}"
    if page.kind == "person":
        return f"(born {rng.randint(1900, 2000)}) is a {rng.choice(words[:50])} from [[{country}]]"
    if page.kind == "relations":
        first, second = page.title.text.removesuffix(" relations").split("–", 1)
        return f"are the relations between [[{first}]] and [[{second}]]"
    if page.kind == "place":
        return f"is a place in [[{country}]]"
    return f"is a {page.title.text.split()[-1]} in [[{country}]]"


def _categories(page: PlannedPage, country: str) -> list[str]:
    """The categories of a page, from its kind and its country."""
    if page.kind == "country":
        return ["Countries"]
    if page.kind == "person":
        return [f"People from {country}", "Living people"]
    if page.kind == "relations":
        first, second = page.title.text.removesuffix(" relations").split("–", 1)
        return [f"Bilateral relations of {first}", f"Bilateral relations of {second}"]
    if page.kind == "place":
        return [f"Populated places in {country}"]
    return [f"Culture of {country}"]


def _edit_details(seed: int, index: int, revision: int, text: str) -> tuple[
        pages.Author, str, bool]:
    """Who makes revision k of a page, with what summary, and whether it is minor."""
    rng = random.Random(f"{seed}:{index}:{revision}:who")
    if revision > 1 and rng.random() < 0.2 and current_app.config["WIKI_ANONYMOUS_EDITS"]:
        author = pages.Author.anonymous(rng.choice(ANONYMOUS_EDITORS))
    else:
        author = pages.Author(rng.choice(EDITORS))
    if revision == 1:
        return author, "Created the page", False
    summary, minor = rng.choice(_SUMMARIES)
    section = rng.choice([line[3:] for line in text.splitlines()
                          if line.startswith("## ") and line != "## See also"])
    return author, summary.format(section=section), minor


def edited_pages(count: int, share: float) -> list[int]:
    """Plan indexes of the pages that get more than one revision: `share` of them, spread out."""
    return [i for i in range(count) if int((i + 1) * share) > int(i * share)]


def planned_saves(count: int, revisions: int, share: float = 1.0) -> int:
    """How many revisions a run saves when no title exists yet."""
    return count + len(edited_pages(count, share)) * (revisions - 1)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _existing(titles: list[Title]) -> set[str]:
    """Which of these main-namespace titles have a page row already."""
    return set(db.session.scalars(
        sa.select(Page.title).where(Page.namespace == MAIN,
                                    Page.title.in_([t.text for t in titles]))
    ))


def generate(count: int, revisions: int = 1, seed: int = 1, *, share: float = 1.0,
             progress: Callable[[int], None] | None = None,
             per_transaction: int = SAVES_PER_TRANSACTION) -> CorpusReport:
    """Create `count` pages through save_edit, giving `share` of them `revisions` revisions
    (the rest one); existing titles are skipped. `progress` hears of every revision."""
    began = time.perf_counter()
    planned = plan(count, seed)
    tick = progress or (lambda _steps: None)
    edited = set(edited_pages(count, share)) if revisions > 1 else set()
    latest: dict[int, int] = {}  # plan index -> latest revision id, for pages made by this run
    skipped = saved = 0
    for chunk in _chunks(list(range(count)), per_transaction):
        with write_transaction():
            existing = _existing([planned[i].title for i in chunk])
            for index in chunk:
                if planned[index].title.text in existing:
                    skipped += 1
                    tick(revisions if index in edited else 1)
                    continue
                latest[index] = _save(planned, index, seed, 1, None)
                saved += 1
                tick(1)
    for revision in range(2, revisions + 1):
        for chunk in _chunks([i for i in sorted(edited) if i in latest], per_transaction):
            with write_transaction():
                for index in chunk:
                    latest[index] = _save(planned, index, seed, revision, latest[index])
                    saved += 1
                    tick(1)
    return CorpusReport(len(latest), skipped, saved, time.perf_counter() - began)


def _save(planned: list[PlannedPage], index: int, seed: int, revision: int,
          base_revision_id: int | None) -> int:
    """Save one revision of a planned page through the one writer; return its id."""
    text = page_text(planned, index, seed, revision)
    author, summary, minor = _edit_details(seed, index, revision, text)
    result = pages.save_edit(planned[index].title, text, author=author,
                             base_revision_id=base_revision_id, summary=summary, minor=minor)
    return int(result.revision.id)
