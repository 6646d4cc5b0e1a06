"""Full-text search behind one interface, with one backend per database engine.

index_page() keeps a page's entry in step with its latest revision (save_edit calls it inside the
edit's transaction), search() ranks pages by a query with title matches first, and
suggest_titles() answers the search box's prefix look-ups. What the query means is decided here,
in Python: the raw text is split into words, and the backends only ever see those words (FTS5)
or a bound parameter (PostgreSQL), never the reader's syntax. Engine-specific SQL lives in
search_sqlite.py and search_postgres.py only.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType

import sqlalchemy as sa
from markupsafe import Markup

from wiki.db import db
from wiki.errors import BadParameter
from wiki.existence import page_exists, readable
from wiki.models import Page
from wiki.titles import MAIN, SPECIAL, Title, try_parse_title

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
# At most this many matches are counted and ranked, so a word found on nearly every page costs
# as little as a rare one; the reader is told there are more.
RESULT_CAP = 2000
MAX_TERM_CHARS = 100
MAX_INDEXED_CHARS = 500_000  # keeps a PostgreSQL tsvector well under its 1 MB limit
MAX_SUGGESTIONS = 10
_SEARCH_TABLES = ("search_fts", "search_titles", "search_documents")

# Private-use characters mark where a backend's snippet highlights a match; the indexed text
# never contains them, so they cannot be forged by a page or a query.
MATCH_START, MATCH_END = "\ue000", "\ue001"

# Letters that Unicode does not decompose, folded the way PostgreSQL's unaccent folds them, so
# "Dindic" finds "Đinđić" on both engines.
_LETTER_FOLDS = str.maketrans({
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O",
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH", "ħ": "h", "Ħ": "H",
    "ı": "i", "ŀ": "l", "Ŀ": "L", "ŧ": "t", "Ŧ": "T",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
})
_WORD = re.compile(r"[^\W_]+")
_UNFOLDED = re.compile("[" + "".join(chr(c) for c in _LETTER_FOLDS if chr(c).isalpha()) + "]")


@dataclass(frozen=True)
class Document:
    """What a backend stores for one page: searchable title and body text, and spare spellings."""

    page_id: int
    title: str
    body: str
    title_alt: str
    body_alt: str


@dataclass(frozen=True)
class RawHit:
    """A backend's answer row; the snippet still carries MATCH_START/MATCH_END markers."""

    page_id: int
    namespace: int
    title: str
    snippet: str
    size: int
    timestamp: datetime


@dataclass(frozen=True)
class SearchHit:
    """One result: the page's title, a highlighted snippet, its size in bytes and last edit."""

    title: Title
    snippet: Markup
    size: int
    timestamp: datetime


@dataclass(frozen=True)
class SearchResults:
    """A page of results and how many there are in all."""

    query: str
    terms: tuple[str, ...]
    total: int
    hits: tuple[SearchHit, ...]
    offset: int
    limit: int
    dropped_terms: int = 0

    @property
    def capped(self) -> bool:
        """True when there are more matches than the RESULT_CAP best ones offered."""
        return self.total > RESULT_CAP

    @property
    def shown_total(self) -> int:
        """The count to show: exact, or RESULT_CAP when there are more."""
        return min(self.total, RESULT_CAP)

    @property
    def has_more(self) -> bool:
        """True when results remain after this page."""
        return self.offset + len(self.hits) < self.shown_total


# --- pure text helpers -------------------------------------------------------------------

def fold(text: str) -> str:
    """Case, diacritics and dash variants folded away: "Boris Tadić" -> "boris tadic"."""
    text = unicodedata.normalize("NFKD", text.translate(_LETTER_FOLDS))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().replace("_", " ").split())


def clean_query(raw: str) -> str:
    """The reader's query without control characters and extra spaces, or BadParameter."""
    text = unicodedata.normalize("NFC", raw)
    text = "".join(" " if unicodedata.category(c) in {"Cc", "Cf", "Co", "Cs"} else c
                   for c in text)
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARS:
        raise BadParameter(f"The search is {len(text):,} characters long; the longest allowed is "
                           f"{MAX_QUERY_CHARS:,}.")
    return text


def query_terms(query: str) -> list[str]:
    """The words of a query, in order, without repeats: everything else is not syntax but space."""
    terms: list[str] = []
    seen: set[str] = set()
    for word in _WORD.findall(unicodedata.normalize("NFC", query)):
        word = word[:MAX_TERM_CHARS]
        if fold(word) not in seen:
            seen.add(fold(word))
            terms.append(word)
    return terms


def alternate_spellings(text: str) -> str:
    """Folded forms of the words holding letters the SQLite tokenizer cannot fold (đ, ł, ø...)."""
    found: dict[str, None] = {}
    for word in _WORD.findall(text):
        if _UNFOLDED.search(word):
            found.setdefault(fold(word), None)
    return " ".join(found)


_TEMPLATE = re.compile(r"\{\{([^{}]*)\}\}")
_WIKILINK = re.compile(r"\[\[:?([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+|\s+#+\s*$", re.MULTILINE)
_LIST_MARK = re.compile(r"^\s*(?:[-*+>]|\d+[.)])\s+", re.MULTILINE)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->", re.DOTALL)
_EMPHASIS = re.compile(r"\*+|`+|~~|(?<!\w)_+|_+(?!\w)|^\s*[-=|:]{3,}\s*$", re.MULTILINE)
_NAMESPACE_PREFIX = re.compile(r"^\s*(?:category|file|image)\s*:\s*", re.IGNORECASE)


def _template_words(match: re.Match[str]) -> str:
    """A template call's parameter values, without its name, pipes or parameter names."""
    _name, *params = match.group(1).split("|")
    values = [p.split("=", 1)[1] if re.match(r"^\s*[\w -]+=", p) else p for p in params]
    return " " + " ".join(values) + " "


def _wikilink_words(match: re.Match[str]) -> str:
    """What a reader sees of a wikilink: its label, or its target without a namespace."""
    target, label = match.group(1), match.group(2)
    return label if label else _NAMESPACE_PREFIX.sub("", target.split("#", 1)[0])


def plain_text(markdown: str) -> str:
    """Markdown lightly stripped to its words: no link brackets, template braces, heading marks."""
    text = markdown.replace(MATCH_START, " ").replace(MATCH_END, " ")
    for _ in range(10):  # nested templates, innermost first
        text, count = _TEMPLATE.subn(_template_words, text)
        if not count:
            break
    text = _WIKILINK.sub(_wikilink_words, text)
    text = _MD_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub(" ", text)
    text = _HEADING.sub(" ", text)
    text = _LIST_MARK.sub(" ", text)
    text = _EMPHASIS.sub("", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", text)
    text = text.replace("|", " ").replace("{{", " ").replace("}}", " ")
    return " ".join(html.unescape(text).split())


def snippet_markup(raw: str) -> Markup:
    """A backend snippet as safe HTML: the text escaped, each match in <span class=searchmatch>."""
    parts: list[Markup] = []
    inside = False
    for piece in re.split(f"({MATCH_START}|{MATCH_END})", raw):
        if piece == MATCH_START:
            inside = True
        elif piece == MATCH_END:
            inside = False
        elif piece and inside:
            parts.append(Markup('<span class="searchmatch">{}</span>').format(piece))
        elif piece:
            parts.append(Markup("{}").format(piece))
    return Markup("").join(parts)


def make_document(page_id: int, title: Title, text: str) -> Document:
    """The searchable form of a page: its title and the plain text of its Markdown."""
    body = plain_text(text)[:MAX_INDEXED_CHARS]
    return Document(page_id, title.text, body, alternate_spellings(title.text),
                    alternate_spellings(body))


def include_in_autogenerate(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's include_name hook: the search tables (and FTS5's shadow tables) are made by
    hand in their migration, not by models, so autogenerate must not offer to drop them."""
    return not (type_ == "table" and name is not None and name.startswith(_SEARCH_TABLES))


# --- the interface -----------------------------------------------------------------------

_titles = sa.table(
    "search_titles", sa.column("page_id", sa.Integer), sa.column("title_key", sa.String)
)


def _backend() -> ModuleType:
    """The backend module for the bound database engine."""
    name = db.engine.dialect.name
    if name == "sqlite":
        from wiki import search_sqlite

        return search_sqlite
    if name == "postgresql":
        from wiki import search_postgres

        return search_postgres
    raise RuntimeError(f"Full-text search supports SQLite and PostgreSQL, not {name}.")


def index_page(page: Page, title: Title, text: str) -> None:
    """(Re)index a page from its latest text, in the caller's transaction."""
    _backend().index(make_document(page.id, title, text))
    db.session.execute(sa.delete(_titles).where(_titles.c.page_id == page.id))
    db.session.execute(sa.insert(_titles).values(page_id=page.id, title_key=fold(title.full)))


def remove_page(page_id: int) -> None:
    """Take a page out of the index, in the caller's transaction."""
    _backend().remove(page_id)
    db.session.execute(sa.delete(_titles).where(_titles.c.page_id == page_id))


def search(query: str, namespace: int = MAIN, limit: int = 20, offset: int = 0) -> SearchResults:
    """Pages of a namespace matching every word of the query, title matches first."""
    query = clean_query(query)
    terms = query_terms(query)
    dropped = max(0, len(terms) - MAX_TERMS)
    terms = terms[:MAX_TERMS]
    if not terms:
        return SearchResults(query, (), 0, (), offset, limit)
    if offset >= RESULT_CAP:
        return SearchResults(query, tuple(terms), RESULT_CAP + 1, (), offset, limit, dropped)
    limit = min(limit, RESULT_CAP - offset)  # only the best RESULT_CAP are offered
    total, rows = _backend().search(query, terms, namespace, limit, offset, RESULT_CAP)
    hits = tuple(
        SearchHit(Title(row.namespace, row.title), snippet_markup(row.snippet), row.size,
                  row.timestamp)
        for row in rows
    )
    return SearchResults(query, tuple(terms), total, hits, offset, limit, dropped)


def suggest_titles(prefix: str, limit: int = MAX_SUGGESTIONS) -> list[Title]:
    """Titles of existing pages that start with the prefix, ignoring case and diacritics."""
    key = fold(prefix)
    if not key:
        return []
    # title_key compares byte by byte (SQLite's BINARY, PostgreSQL's "C" collation), so the
    # keys starting with `key` are exactly those in [key, key + the last code point).
    rows = db.session.execute(
        sa.select(Page.namespace, Page.title)
        .join(_titles, _titles.c.page_id == Page.id)
        .where(_titles.c.title_key >= key, _titles.c.title_key < key + "\U0010ffff", readable())
        .order_by(_titles.c.title_key, Page.namespace, Page.title)
        .limit(limit)
    ).all()
    return [Title(namespace, title) for namespace, title in rows]


def go_target(query: str) -> Title | None:
    """Where "Go" leads: the page titled exactly so, else one whose title differs only in case
    or diacritics, else a Special: page; None when there is none."""
    title = try_parse_title(query)
    if title is None:
        return None
    if title.namespace == SPECIAL:
        return title
    if page_exists(title):
        return title
    wanted = fold(title.full)
    return next((t for t in suggest_titles(title.full) if fold(t.full) == wanted), None)


def creatable_title(query: str) -> Title | None:
    """The title a query names when it is a valid title with no page yet, else None."""
    title = try_parse_title(query)
    if title is None or title.namespace == SPECIAL or page_exists(title):
        return None
    return title
