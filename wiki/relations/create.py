"""Creating a relations article in one step: the canonical title, the article from a template,
redirects from the other spellings, and "Foreign relations of X" hubs where missing, all saved
through pages.save_edit in one transaction.

The two names are read as typed names: a name that fits several states, or an unknown one, is
answered with the choices; ISO codes are accepted only in capitals and shown back as names to be
confirmed before anything is made."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from wiki import pages
from wiki.db import write_transaction
from wiki.errors import WikiError
from wiki.relations import catalog, names, upgrade
from wiki.relations.country import Country
from wiki.relations.names import (
    alternative_titles,
    match_name,
    parse_relations_title,
    relations_title,
    sort_key,
    suggest,
)
from wiki.relations.texts import article_text, hub_text
from wiki.titles import Title, parse_title

MAX_LEAD_CHARS = 2000


class RelationsFormError(WikiError):
    """The form cannot be used as filled in; `errors` maps each field to what is wrong."""

    status = 400
    code = "badrelations"

    def __init__(self, message: str, errors: dict[str, str],
                 suggestions: dict[str, list[Country]] | None = None, *,
                 choices: dict[str, list[Country]] | None = None,
                 codes: dict[str, Country] | None = None) -> None:
        super().__init__(message)
        self.errors = errors
        self.suggestions = suggestions or {}
        # Names that fit several states, by field: the states to choose from.
        self.choices = choices or {}
        # Fields filled in with an ISO code, and the country each code stands for.
        self.codes = codes or {}


class RelationsPageExists(WikiError):
    """A page for the pair exists already, under `title` (possibly as a redirect)."""

    status = 409
    code = "articleexists"

    def __init__(self, title: Title, canonical: str) -> None:
        super().__init__(f'The page "{canonical}" already exists.')
        self.title = title
        self.canonical = canonical


@dataclass(frozen=True)
class RelationsRequest:
    """What the form asks for, as typed."""

    first: str
    second: str
    established: str = ""
    lead: str = ""
    summary: str = ""


@dataclass(frozen=True)
class Resolved:
    """The two countries a filled-in form names, in title order, and the fields that named
    theirs by an ISO code (to be shown back as names before anything is created)."""

    first: Country
    second: Country
    codes: dict[str, Country] = field(default_factory=dict)


@dataclass(frozen=True)
class Created:
    """What was created: the article and any redirects and hubs made with it."""

    article: Title
    redirects: list[Title] = field(default_factory=list)
    hubs: list[Title] = field(default_factory=list)


def hub_title(country: Country) -> Title:
    """"Foreign relations of X", with "the" where Wikipedia writes it."""
    return parse_title(names.hub_title(country))


def resolve(request: RelationsRequest) -> Resolved:
    """The two countries the form names, ordered as in the title, or RelationsFormError."""
    errors: dict[str, str] = {}
    suggestions: dict[str, list[Country]] = {}
    choices: dict[str, list[Country]] = {}
    codes: dict[str, Country] = {}
    found: dict[str, Country] = {}
    for name, value in (("first", request.first), ("second", request.second)):
        text = value.strip()
        match = match_name(text) if 0 < len(text) <= 100 else None
        if not text:
            errors[name] = "Enter a country."
        elif match is None:
            errors[name] = "That is too long to be a country's name."
        elif match.choices:
            errors[name] = f'"{text}" may mean more than one country: choose one.'
            choices[name] = list(match.choices)
        elif match.country is None:
            errors[name] = f'"{text}" is not a country this wiki knows.'
            suggestions[name] = suggest(text)
        else:
            found[name] = match.country
            if match.by_code:
                codes[name] = match.country
    if len(found) == 2 and found["first"] == found["second"]:
        twice = found["first"].name
        errors["second"] = f"Relations need two different countries, not {twice} twice."
    if request.established and not _valid_date(request.established):
        errors["established"] = "Give the date as YYYY, YYYY-MM or YYYY-MM-DD."
    if len(request.lead) > MAX_LEAD_CHARS:
        errors["lead"] = f"Keep the lead under {MAX_LEAD_CHARS} characters."
    if errors:
        raise RelationsFormError("Please correct the form.", errors, suggestions,
                                 choices=choices, codes=codes)
    first, second = sorted((found["first"], found["second"]), key=lambda c: sort_key(c.name))
    return Resolved(first, second, codes)


def _valid_date(text: str) -> bool:
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text.strip())
    if not match:
        return False
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        date(year or 1, month or 1, day or 1)
    except ValueError:
        return False
    return True


def existing_page_for(first: Country, second: Country) -> Title | None:
    """A page already standing for the pair under any spelling or order, if there is one: the
    canonical title first, then any other title naming the same two countries."""
    canonical = parse_title(relations_title(first, second))
    if pages.find_page(canonical) is not None:
        return canonical
    others = catalog.titles_for_pair(first, second)
    return parse_title(others[0]) if others else None


def create_relations_page(request: RelationsRequest, author: pages.Author) -> Created:
    """Create the article, its redirects and missing hubs together, or raise and create nothing.
    A pair that has a page already raises RelationsPageExists; names given as ISO codes raise
    RelationsFormError with the names they stand for, so that they are confirmed first."""
    resolved = resolve(request)
    first, second = resolved.first, resolved.second
    existing = existing_page_for(first, second)
    if existing is not None:
        raise RelationsPageExists(existing, relations_title(first, second))
    if resolved.codes:
        raise RelationsFormError("Check the names the codes stand for, then create the page.",
                                 {}, codes=resolved.codes)
    name = relations_title(first, second)
    summary = " ".join(request.summary.split()) or f"New relations page: {name}"
    article = parse_title(name)
    created = Created(article)
    with write_transaction():
        pages.save_edit(article, article_text(first, second, request.established, request.lead),
                        author=author, base_revision_id=None, summary=summary)
        for other in alternative_titles(first, second):
            redirect = parse_title(other)
            pages.save_edit(redirect, f"#REDIRECT [[{name}]]", author=author,
                            base_revision_id=None, summary=f"Redirect to [[{name}]]")
            created.redirects.append(redirect)
        for country in (first, second):
            hub = hub_title(country)
            upgrade.upgrade_hub(country, author)
            if pages.find_page(hub) is None:
                pages.save_edit(hub, hub_text(country), author=author, base_revision_id=None,
                                summary=f"New hub for the relations of {country.name}")
                created.hubs.append(hub)
    return created


def pair_from_title(title: Title) -> tuple[Country, Country] | None:
    """The two countries a (missing) relations title names, in title order."""
    if title.namespace != 0:
        return None
    pair = parse_relations_title(title.text)
    if pair is None:
        return None
    first, second = sorted(pair, key=lambda c: sort_key(c.name))
    return first, second
