"""The Markdown the wiki writes for relations pages: a new "A–B relations" article, a new
"Foreign relations of X" hub, and links that name a country as running text does ("the [[United
States]]"); and what hubs read back from a relations article (the date in its infobox). Pure: no
Flask, no database."""

from __future__ import annotations

import re

from wiki.markup.templates import call_ends, parse_call, template_key
from wiki.relations.country import Country
from wiki.relations.names import hub_title, possessive, prose_name, relations_title

# Where a country's own article has a different title from its name in relations titles.
COUNTRY_ARTICLES = {"GEO": "Georgia (country)", "IRL": "Republic of Ireland"}
INFOBOX = "infobox_bilateral_relations"
MAX_DATE_CHARS = 80
_REF = re.compile(r"<ref\b[^>]*/>|<ref\b.*?</ref>", re.IGNORECASE | re.DOTALL)
_LINK = re.compile(r"\[\[(?:[^\[\]|]*\|)?([^\[\]]*)\]\]")
_TAG = re.compile(r"<[^<>]*>")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


def country_article(country: Country) -> str:
    """The title of the country's own article."""
    return COUNTRY_ARTICLES.get(country.alpha3, country.name)


def _link(article: str, shown: str) -> str:
    return f"[[{shown}]]" if article == shown else f"[[{article}|{shown}]]"


def prose_link(country: Country) -> str:
    """A link to the country's article as running text writes the name: "the [[United
    States]]", "the [[The Gambia|Gambia]]", "[[Georgia (country)|Georgia]]"."""
    if not country.takes_the:
        return _link(country_article(country), country.name)
    return "the " + _link(country_article(country), country.name.removeprefix("The "))


def article_text(first: Country, second: Country, established: str, lead: str) -> str:
    """The new article's Markdown: infobox (with the date relations were established), lead,
    sections to fill, See also."""
    name = relations_title(first, second)
    pair = name.removesuffix(" relations")
    rows = f"|established={established.strip()}" if established.strip() else ""
    sentence = (f"**{name}** are the bilateral relations between {prose_link(first)} and "
                f"{prose_link(second)}.")
    if lead.strip():
        sentence += " " + " ".join(lead.split())
    return (
        f"{{{{Infobox bilateral relations|{pair}|{first.name}|{second.name}{rows}}}}}\n\n"
        f"{sentence}\n\n"
        "## History\n\n{{Empty section}}\n\n"
        "## Diplomatic missions\n\n{{Empty section}}\n\n"
        "## See also\n\n"
        f"- [[{hub_title(first)}]]\n"
        f"- [[{hub_title(second)}]]\n"
    )


def hub_text(country: Country) -> str:
    """A new "Foreign relations of X" stub that lists X's relations pages by itself."""
    owner = prose_link(country) + possessive(country).removeprefix(prose_name(country))
    return (
        f"The **foreign relations of {prose_name(country)}** are {owner} relations with other "
        "states.\n\n{{Stub}}\n\n"
        f"## Bilateral relations\n\n{{{{Relations of|{country.name}}}}}\n"
    )


def legacy_hub_text(country: Country, name: str) -> str:
    """The stub earlier versions wrote for a hub titled "Foreign relations of <name>", to tell
    an untouched stub from one editors have written in."""
    article = country_article(country) if name == country.name else name
    return (
        f"The **foreign relations of {name}** are {_link(article, name)}'s relations with other "
        "states.\n\n{{Stub}}\n\n"
        f"## Bilateral relations\n\n{{{{Relations of|{name}}}}}"
    )


def _plain(value: str) -> str:
    """A parameter's text without references, nested templates, link brackets or tags."""
    text = _REF.sub("", value)
    for start, end in sorted(call_ends(text).items(), reverse=True):
        text = text[:start] + text[end:]
    text = _TAG.sub("", _LINK.sub(r"\1", text))
    return " ".join(text.split())[:MAX_DATE_CHARS]


def infobox_established(text: str) -> str:
    """The `established` parameter of the first {{Infobox bilateral relations}} in a page's
    text, as plain text ("" when there is none)."""
    for start, end in sorted(call_ends(text).items()):
        head = text[start + 2:start + 80].split("|", 1)[0]
        if template_key(head) != INFOBOX:
            continue
        call = parse_call(text[start:end], block=True)
        if call is None:
            continue
        return next((_plain(value) for name, value in call.named
                     if name.strip().lower() == "established"), "")
    return ""


def date_sort_key(established: str) -> str:
    """A key that sorts dates as written in hubs: the leading ISO date, else the first year."""
    if match := _DATE.match(established):
        return match.group(0)
    match = _YEAR.search(established)
    return match.group(0) if match else ""
