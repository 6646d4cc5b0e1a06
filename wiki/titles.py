"""Page titles by MediaWiki's rules: normalizing, validating, and converting to and from URLs.

Pure functions only. A title is a namespace number plus the text after the namespace prefix.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

MAIN, TALK, USER, USER_TALK, CATEGORY, CATEGORY_TALK, SPECIAL = 0, 1, 2, 3, 14, 15, -1
FILE, FILE_TALK, MEDIA = 6, 7, -2
NAMESPACES: dict[int, str] = {
    MEDIA: "Media",
    SPECIAL: "Special",
    MAIN: "",
    TALK: "Talk",
    USER: "User",
    USER_TALK: "User talk",
    FILE: "File",
    FILE_TALK: "File talk",
    CATEGORY: "Category",
    CATEGORY_TALK: "Category talk",
}
# Namespaces no page can be in: Special: pages are made by the wiki, and a Media: link names
# a file directly (the page of File:X shows it).
VIRTUAL_NAMESPACES = frozenset({SPECIAL, MEDIA})
_NAMESPACE_BY_NAME = {name.lower(): number for number, name in NAMESPACES.items() if name}
# MediaWiki's older names of the file namespaces, still understood in links
_NAMESPACE_BY_NAME.update({"image": FILE, "image talk": FILE_TALK})

MAX_TITLE_BYTES = 255
_FORBIDDEN = set("#<>[]|{}")
_FORBIDDEN_CHARACTER = re.compile(r"[#<>\[\]|{}]")
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WHITESPACE = re.compile(r"[\s_]+")


class InvalidTitleError(ValueError):
    """Raised with a reader-facing reason when a string cannot be a page title."""


@dataclass(frozen=True, slots=True)
class Title:
    """A normalized title: namespace number and the text after the prefix."""

    namespace: int
    text: str

    @property
    def full(self) -> str:
        """The title as shown, with its namespace prefix ("Talk:Kosovo")."""
        prefix = NAMESPACES[self.namespace]
        return f"{prefix}:{self.text}" if prefix else self.text

    @property
    def url_part(self) -> str:
        """The title as it appears after /wiki/: underscores for spaces, not percent-encoded."""
        return self.full.replace(" ", "_")

    @property
    def path(self) -> str:
        """The percent-encoded path of the page: /wiki/Azerbaijan%E2%80%93Kosovo_relations."""
        return _encoded_path(self.url_part)

    def __str__(self) -> str:
        return self.full


@lru_cache(maxsize=4096)
def _encoded_path(url_part: str) -> str:
    """/wiki/ and the percent-encoded title: remembered, since a page links to the same titles
    many times (its tabs, its links) and every page to the same few."""
    return "/wiki/" + quote(url_part, safe="/:,()'!*@$;~-._")


def _upper_first(text: str) -> str:
    """Upper-case the first character, as MediaWiki's first-letter case does."""
    if not text:
        return text
    upper = text[0].upper()
    # MediaWiki leaves letters whose capital is two letters (ß -> SS) as they are
    return (upper if len(upper) == 1 else text[0]) + text[1:]


def _check(text: str) -> None:
    """Raise InvalidTitleError when normalized text breaks a rule."""
    if not text:
        raise InvalidTitleError("The title is empty.")
    if _FORBIDDEN_CHARACTER.search(text):
        shown = " ".join(sorted({c for c in text if c in _FORBIDDEN}))
        raise InvalidTitleError(f"Titles cannot contain these characters: {shown}")
    # ASCII has no format characters, and its control characters were refused before
    if not text.isascii() and any(
            unicodedata.category(c) in {"Cc", "Cf"} and c not in "\u200c\u200d" for c in text):
        raise InvalidTitleError("The title contains control characters.")
    if len(text.encode("utf-8")) > MAX_TITLE_BYTES:
        raise InvalidTitleError(f"The title is longer than {MAX_TITLE_BYTES} bytes of UTF-8.")
    segments = text.split("/")
    if any(segment in {".", ".."} for segment in segments):
        raise InvalidTitleError('Titles cannot have "." or ".." as a path segment.')


@lru_cache(maxsize=32768)  # pure, and called for every link a render draws
def parse_title(raw: str, default_namespace: int = MAIN) -> Title:
    """Normalize raw text (from a URL, a form or a wikilink) into a Title, or raise.

    Underscores and runs of whitespace become one space, the ends are trimmed, the text is
    NFC-normalized, a known namespace prefix is recognized case-insensitively, and the first
    letter after it is upper-cased.
    """
    if _ASCII_CONTROL.search(raw):
        raise InvalidTitleError("The title contains control characters.")
    text = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", raw)).strip()
    namespace = default_namespace
    if ":" in text:
        prefix, rest = text.split(":", 1)
        number = _NAMESPACE_BY_NAME.get(prefix.strip().lower())
        if number is not None:
            namespace, text = number, rest.strip()
        elif text.startswith(":"):  # a leading colon forces the main namespace
            namespace, text = MAIN, text[1:].strip()
    text = _upper_first(text)
    if namespace != MAIN and not text:
        raise InvalidTitleError(f'"{NAMESPACES[namespace]}:" needs a page name after it.')
    _check(text)
    full = Title(namespace, text).full
    if len(full.encode("utf-8")) > MAX_TITLE_BYTES:
        raise InvalidTitleError(f"The title is longer than {MAX_TITLE_BYTES} bytes of UTF-8.")
    return Title(namespace, text)


def try_parse_title(raw: str, default_namespace: int = MAIN) -> Title | None:
    """parse_title, or None for text that cannot be a title."""
    try:
        return parse_title(raw, default_namespace)
    except InvalidTitleError:
        return None


# Each namespace that has talk pages, and its talk namespace: the one mapping between the two.
TALK_NAMESPACE_OF = {MAIN: TALK, USER: USER_TALK, FILE: FILE_TALK, CATEGORY: CATEGORY_TALK}
SUBJECT_NAMESPACE_OF = {talk: subject for subject, talk in TALK_NAMESPACE_OF.items()}


def talk_title(title: Title) -> Title | None:
    """The talk page of a subject page (Talk:X for X), or None for talk and special pages."""
    if title.namespace not in TALK_NAMESPACE_OF:
        return None
    return Title(TALK_NAMESPACE_OF[title.namespace], title.text)


def subject_and_talk(title: Title) -> tuple[Title, Title] | None:
    """(subject page, talk page) for a title in a namespace that has talk pages, else None."""
    if title.namespace in SUBJECT_NAMESPACE_OF:
        return Title(SUBJECT_NAMESPACE_OF[title.namespace], title.text), title
    talk = talk_title(title)
    return (title, talk) if talk is not None else None


def page_url(title: Title | str, **query: Any) -> str:
    """/wiki/<Title>, with query parameters (None values left out)."""
    if isinstance(title, str):
        title = parse_title(title)
    params = {k: v for k, v in query.items() if v is not None}
    return title.path + ("?" + urlencode(params) if params else "")
