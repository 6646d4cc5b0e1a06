"""Creating a relations article in one step: the canonical title, the article from a template,
redirects from the other spellings, and "Foreign relations of X" hubs where missing, all saved
through pages.save_edit in one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from wiki import pages
from wiki.db import write_transaction
from wiki.errors import WikiError
from wiki.relations import catalog
from wiki.relations.country import Country
from wiki.relations.names import (
    alternative_titles,
    find_country,
    parse_relations_title,
    relations_title,
    sort_key,
    suggest,
)
from wiki.titles import Title, parse_title

MAX_LEAD_CHARS = 2000
# Where a country's own article has a different title from its name in relations titles.
COUNTRY_ARTICLES = {"GEO": "Georgia (country)", "IRL": "Republic of Ireland"}


class RelationsFormError(WikiError):
    """The form cannot be used as filled in; `errors` maps each field to what is wrong."""

    status = 400
    code = "badrelations"

    def __init__(self, message: str, errors: dict[str, str],
                 suggestions: dict[str, list[Country]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors
        self.suggestions = suggestions or {}


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
class Created:
    """What was created: the article and any redirects and hubs made with it."""

    article: Title
    redirects: list[Title] = field(default_factory=list)
    hubs: list[Title] = field(default_factory=list)


def country_article(country: Country) -> str:
    """The title of the country's own article."""
    return COUNTRY_ARTICLES.get(country.alpha3, country.name)


def hub_title(country: Country) -> Title:
    """"Foreign relations of X"."""
    return parse_title(f"Foreign relations of {country.name}")


def resolve(request: RelationsRequest) -> tuple[Country, Country]:
    """The two countries the form names, ordered as in the title, or RelationsFormError."""
    errors: dict[str, str] = {}
    suggestions: dict[str, list[Country]] = {}
    found: dict[str, Country] = {}
    for name, value in (("first", request.first), ("second", request.second)):
        text = value.strip()
        if not text:
            errors[name] = "Enter a country."
        elif len(text) > 100:
            errors[name] = "That is too long to be a country's name."
        elif (country := find_country(text)) is None:
            errors[name] = f'"{text}" is not a country this wiki knows.'
            suggestions[name] = suggest(text)
        else:
            found[name] = country
    if not errors and found["first"] == found["second"]:
        twice = found["first"].name
        errors["second"] = f"Relations need two different countries, not {twice} twice."
    if request.established and not _valid_date(request.established):
        errors["established"] = "Give the date as YYYY, YYYY-MM or YYYY-MM-DD."
    if len(request.lead) > MAX_LEAD_CHARS:
        errors["lead"] = f"Keep the lead under {MAX_LEAD_CHARS} characters."
    if errors:
        raise RelationsFormError("Please correct the form.", errors, suggestions)
    first, second = sorted((found["first"], found["second"]), key=lambda c: sort_key(c.name))
    return first, second


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


def article_text(first: Country, second: Country, established: str, lead: str) -> str:
    """The new article's Markdown: infobox, lead, sections to fill, See also."""
    name = relations_title(first, second)
    pair = name.removesuffix(" relations")
    rows = f"|established={established.strip()}" if established.strip() else ""
    first_link = f"[[{country_article(first)}|{first.name}]]" \
        if country_article(first) != first.name else f"[[{first.name}]]"
    second_link = f"[[{country_article(second)}|{second.name}]]" \
        if country_article(second) != second.name else f"[[{second.name}]]"
    sentence = f"**{name}** are the bilateral relations between {first_link} and {second_link}."
    if lead.strip():
        sentence += " " + " ".join(lead.split())
    return (
        f"{{{{Infobox bilateral relations|{pair}|{first.name}|{second.name}{rows}}}}}\n\n"
        f"{sentence}\n\n"
        "## History\n\n{{Empty section}}\n\n"
        "## Diplomatic missions\n\n{{Empty section}}\n\n"
        "## See also\n\n"
        f"- [[Foreign relations of {first.name}]]\n"
        f"- [[Foreign relations of {second.name}]]\n"
    )


def hub_text(country: Country) -> str:
    """A new "Foreign relations of X" stub that lists X's relations pages by itself."""
    link = country_article(country)
    shown = f"[[{link}|{country.name}]]" if link != country.name else f"[[{country.name}]]"
    return (
        f"The **foreign relations of {country.name}** are {shown}'s relations with other "
        "states.\n\n{{Stub}}\n\n"
        f"## Bilateral relations\n\n{{{{Relations of|{country.name}}}}}\n"
    )


def create_relations_page(request: RelationsRequest, author: pages.Author) -> Created:
    """Create the article, its redirects and missing hubs together, or raise and create nothing."""
    first, second = resolve(request)
    existing = existing_page_for(first, second)
    if existing is not None:
        raise RelationsPageExists(existing, relations_title(first, second))
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
