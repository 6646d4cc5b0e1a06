"""Citations as Wikipedia's Citation Style 1 (CS1) lays them out: {{Cite web}}, {{Cite news}},
{{Cite book}} and {{Cite journal}} share one reading of their parameters, made here as data.

citation(kind, params, raw) -> Citation is pure. Shown values come from `params` (the rendered,
sanitized parameters); addresses come from `raw` and only http(s) ones are kept. The templates
(templates/wikitemplates/cite_*.html with _cs1.html) draw the result, escaping all of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

MAX_AUTHORS = 9
_SAFE_URL = re.compile(r"^(?:https?:)?//[^\s<>\"'\\\x00-\x1f\x7f]+$", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")

# Each field and the CS1 parameter names that give it, in order of preference.
_WORK = ("work", "website", "newspaper", "journal", "magazine", "periodical")
_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "date": ("date", "year"),
    "publisher": ("publisher",),
    "location": ("location", "place"),
    "volume": ("volume",),
    "issue": ("issue", "number"),
    "pages": ("pages",),
    "page": ("page", "at"),
    "edition": ("edition",),
    "isbn": ("isbn",),
    "doi": ("doi",),
    "access_date": ("accessdate",),
    "archive_url": ("archiveurl",),
    "archive_date": ("archivedate",),
    "url_status": ("urlstatus",),
    "quote": ("quote",),
    "language": ("language",),
    "agency": ("agency",),
    "via": ("via",),
    "url": ("url",),
}


@dataclass(frozen=True)
class Author:
    """One author: a surname (or a whole name) and the given names, if given apart."""

    name: Markup
    given: Markup | None = None


@dataclass(frozen=True)
class Citation:
    """One citation's parts, ready to draw: shown text as Markup, addresses checked."""

    kind: str  # "web", "news", "book" or "journal"
    authors: tuple[Author, ...]
    title: Markup | None
    title_url: str | None  # where the title links: the archive when the original is dead
    original_url: str | None  # "Archived from the original" links here (dead or live)
    archive_url: str | None
    archive_date: Markup | None
    url_is_live: bool
    date: Markup | None
    work: Markup | None
    publisher: Markup | None
    location: Markup | None
    agency: Markup | None
    via: Markup | None
    edition: Markup | None
    volume: Markup | None
    issue: Markup | None
    pages: Markup | None  # as given, shown after "pp." (or ":" in a journal)
    page: Markup | None  # one page, shown after "p."
    isbn: Markup | None
    doi: str | None
    access_date: Markup | None
    language: Markup | None
    quote: Markup | None
    errors: tuple[tuple[str, str, str], ...]  # CS1 errors: (words, parameter, words)

    @property
    def doi_url(self) -> str | None:
        """The resolver address of the DOI."""
        return f"https://doi.org/{self.doi}" if self.doi else None

    @property
    def italic_title(self) -> bool:
        """Books are titled in italics; articles and pages in quotation marks."""
        return self.kind == "book"


def safe_url(value: str | None) -> str | None:
    """An external address a citation may link: http(s) or protocol-relative, nothing else."""
    text = (value or "").strip()
    return text if _SAFE_URL.match(text) else None


def _key(name: str) -> str:
    """CS1 names compared without case, hyphens, underscores or spaces ("access-date")."""
    return re.sub(r"[\s_\-]+", "", name).lower()


def citation(kind: str, params: Mapping[str, Markup], raw: Mapping[str, str]) -> Citation:
    """Read a citation template's parameters the way CS1 does."""
    shown = {_key(name): value for name, value in params.items() if str(value).strip()}
    typed = {_key(name): value.strip() for name, value in raw.items() if value.strip()}

    def first(*names: str) -> Markup | None:
        return next((shown[name] for name in names if name in shown), None)

    def field(name: str) -> Markup | None:
        return first(*_ALIASES[name])

    url = safe_url(typed.get("url"))
    archive_url = safe_url(typed.get("archiveurl"))
    live = typed.get("urlstatus", "dead" if archive_url else "live").lower() in {"live", "alive"}
    title = field("title")
    errors = [] if title is not None else [("Missing or empty ", "|title=", "")]
    if typed.get("url") and url is None:
        errors.append(("Check ", "|url=", " value"))
    doi = typed.get("doi")
    return Citation(
        kind=kind,
        authors=_authors(shown),
        title=title,
        title_url=archive_url if archive_url and not live else url,
        original_url=url,
        archive_url=archive_url,
        archive_date=field("archive_date"),
        url_is_live=live,
        date=field("date"),
        work=first(*_WORK),
        publisher=field("publisher"),
        location=field("location"),
        agency=field("agency"),
        via=field("via"),
        edition=field("edition"),
        volume=field("volume"),
        issue=field("issue"),
        pages=field("pages"),
        page=None if field("pages") is not None else field("page"),
        isbn=field("isbn"),
        doi=doi if doi and _DOI.match(doi) else None,
        access_date=field("access_date"),
        language=field("language"),
        quote=field("quote"),
        errors=tuple(errors),
    )


def _authors(shown: Mapping[str, Markup]) -> tuple[Author, ...]:
    """Each numbered author (last/first, last1/first1, ... or author, author1, ...)."""
    found: list[Author] = []
    for n in range(1, MAX_AUTHORS + 1):
        suffixes = ("", "1") if n == 1 else (str(n),)
        last = next((shown[f"{name}{s}"] for s in suffixes for name in ("last", "surname")
                     if f"{name}{s}" in shown), None)
        given = next((shown[f"{name}{s}"] for s in suffixes for name in ("first", "given")
                      if f"{name}{s}" in shown), None)
        author = next((shown[f"author{s}"] for s in suffixes if f"author{s}" in shown), None)
        if last is not None:
            found.append(Author(last, given))
        elif author is not None:
            found.append(Author(author))
    return tuple(found)
