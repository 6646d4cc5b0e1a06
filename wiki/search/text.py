"""The pure text side of search, shared by the interface and the backends: what a page's
searchable document holds, how a query splits into words, and how a backend's snippet becomes HTML.

Nothing here touches the database, so the backends import from here and the interface
(wiki.search) imports both without a cycle.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from wiki.errors import BadParameter
from wiki.titles import Title

MAX_QUERY_CHARS = 1000
MAX_TERM_CHARS = 100
MAX_INDEXED_CHARS = 500_000  # keeps a PostgreSQL tsvector well under its 1 MB limit

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
    if not _UNFOLDED.search(text):  # most texts have none: no need to split them into words
        return ""
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
# Emphasis marks, then rule lines; the look-ahead lets most characters fail at once (4x faster).
_EMPHASIS = re.compile(r"(?=[*`~_])(?:\*+|`+|~~|(?<!\w)_+|_+(?!\w))|^\s*[-=|:]{3,}\s*$",
                       re.MULTILINE)
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
