"""Keeping the parse of any text short: mwparserfromhell backtracks over every opener it cannot
close ("{{", "[[", "<ref>", "[http://", "<!--", "{|"), which makes such text cost time growing
with the square of its length, and it builds a Python object per list marker or tag, which makes
a page of nothing but markup slow in proportion.

So before parsing, neutralize_unclosed() finds the openers that nothing closes (in one pass, by
pairing openers with closers as the parser would) and marks their first character with a
private-use stand-in, which the parser reads as text and the writers turn back into the character
(restore(), or the escaping in wiki.dumps.wikitext.escape). Such openers are literal text in
MediaWiki too. Wrapper tags that are left open (or closed without being opened) are dropped, as
MediaWiki's HTML cleanup drops them. And split_at_cost() bounds the work: text past MAX_COST is
not parsed but kept as plain text, with a note.
"""

from __future__ import annotations

import string
from collections.abc import Iterator

# Stand-ins for the first character of an opener that nothing closes.
STAND_INS = {"\ue011": "{", "\ue012": "[", "\ue013": "<"}
_STAND_IN_OF = {original: stand_in for stand_in, original in STAND_INS.items()}
_RESTORE = str.maketrans(STAND_INS)
_STRIP = str.maketrans(dict.fromkeys(STAND_INS, None))

# Roughly microseconds of parsing and converting (measured on the 2-core server): list markers
# cost most (each becomes a tag node), quotes next, other markup characters less, plain text
# least. An article of ordinary markup density converts in full up to about 800 KiB.
MAX_COST = 4_000_000
COST_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("*", 60), ("#", 60), (":", 60), (";", 60), ("'", 20), ("[", 10), ("{", 10), ("<", 10),
    ("|", 10), ("!", 10), ("=", 10), ("&", 10), ("_", 10), ("~", 10), ("-", 5), ("\n", 5),
)
_CHUNK = 16384

# Tags that must close (or that a cleanup drops) versus tags that may stand alone.
_SINGLE = frozenset({"br", "wbr", "hr", "meta", "link", "img", "li", "dt", "dd", "th", "td",
                     "tr", "p"})
WRAPPERS = frozenset({"div", "span", "center", "font", "small", "big", "blockquote", "b", "i",
                      "u", "s", "strike", "del", "ins", "sup", "sub", "em", "strong", "code",
                      "tt", "p", "abbr", "cite", "q", "kbd", "mark", "var", "samp"})
_MAX_TAG_NAME = 40
# Tags whose text is read as typed: nothing inside them is markup.
VERBATIM = frozenset({"nowiki", "pre", "syntaxhighlight", "source", "math", "chem", "ce",
                      "score", "timeline", "graph", "templatedata", "hiero", "gallery"})
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def restore(text: str) -> str:
    """Text with the stand-ins turned back into the characters they replaced."""
    return text.translate(_RESTORE)


def strip_stand_ins(text: str) -> str:
    """Text without any stand-in character (a page's own text never holds them)."""
    return text.translate(_STRIP)


def cost(text: str) -> int:
    """The estimated cost of converting text."""
    return len(text) + sum(text.count(mark) * weight for mark, weight in COST_WEIGHTS)


def split_at_cost(text: str, limit: int = MAX_COST) -> tuple[str, str]:
    """(the part of text within the limit, cut at a line end; the rest, or "")."""
    total, position = 0, 0
    while position < len(text):
        chunk = text[position:position + _CHUNK]
        chunk_cost = cost(chunk)
        if total + chunk_cost > limit:
            for line in chunk.splitlines(keepends=True):
                total += cost(line)
                if total > limit:
                    break
                position += len(line)
            return text[:position], text[position:]
        total += chunk_cost
        position += len(chunk)
    return text, ""


def _occurrences(text: str, marker: str) -> Iterator[int]:
    position = text.find(marker)
    while position >= 0:
        yield position
        position = text.find(marker, position + len(marker))


def _unpaired(text: str, opener: str, closer: str) -> list[int]:
    """Positions of openers no closer pairs with, pairing from the left as a stack."""
    events = sorted([(p, True) for p in _occurrences(text, opener)]
                    + [(p, False) for p in _occurrences(text, closer)])
    stack: list[int] = []
    for position, opens in events:
        if opens:
            stack.append(position)
        elif stack:
            stack.pop()
    return stack


def _unpaired_tables(text: str) -> list[int]:
    """Positions of "{|" table openers at a line start that no "|}" line closes."""
    stack: list[int] = []
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line_start = start
        while line_start < end and text[line_start] in " \t:":
            line_start += 1
        if text.startswith("{|", line_start):
            stack.append(line_start)
        elif text.startswith("|}", line_start) and stack:
            stack.pop()
        start = end + 1
    return stack


def _unpaired_brackets(text: str) -> list[int]:
    """Single "[" (an external link's opener) with no "]" after it on its line."""
    found: list[int] = []
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        last_close = text.rfind("]", start, end)
        position = text.find("[", max(start, last_close + 1), end)
        while position >= 0:
            if not text.startswith("[[", position) and text[position - 1:position] != "[":
                found.append(position)
            position = text.find("[", position + 1, end)
        start = end + 1
    return found


def _unclosed_comments(text: str) -> list[int]:
    """"<!--" after the last "-->": comments that never end."""
    after = text.rfind("-->") + 1  # 0 when there is none
    return [after + position for position in _occurrences(text[after:], "<!--")]


def _verbatim_end(lowered: str, name: str, start: int) -> int:
    """Where the text of a tag read as typed (opened before start) ends, or -1."""
    if name == "!--":
        return lowered.find("-->", start)
    return lowered.find(f"</{name}", start)


def _tag_scan(text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """(openers of tags that no closing tag pairs with, spans of stray wrapper tags to drop).
    What comments and tags read as typed (<nowiki>, <pre>, ...) hold is not looked at."""
    lowered = text.translate(_ASCII_LOWER)  # same length, unlike str.lower()
    open_tags: dict[str, list[tuple[int, int]]] = {}
    stray: list[tuple[int, int]] = []
    next_close = skip_to = -1
    for position in _occurrences(text, "<"):
        if position < skip_to:
            continue
        if text.startswith("<!--", position):
            skip_to = _verbatim_end(lowered, "!--", position + 4)
            if skip_to < 0:
                break
            continue
        closing = text.startswith("</", position)
        name_start = position + (2 if closing else 1)
        name_end = name_start
        while (name_end < len(text) and name_end - name_start <= _MAX_TAG_NAME
               and text[name_end].isascii() and text[name_end].isalnum()):
            name_end += 1
        if name_end == name_start or not text[name_start].isalpha():
            continue
        if next_close < name_end:
            next_close = text.find(">", name_end)
        if next_close < 0:
            break
        name = text[name_start:name_end].lower()
        span = (position, next_close + 1)
        if closing:
            if open_tags.get(name):
                open_tags[name].pop()
            elif name in WRAPPERS:
                stray.append(span)
        elif text[next_close - 1] != "/" and name in VERBATIM:
            skip_to = _verbatim_end(lowered, name, next_close)
            if skip_to < 0:  # never closed: the rest is text
                open_tags.setdefault(name, []).append(span)
                break
        elif text[next_close - 1] != "/" and name not in _SINGLE:
            open_tags.setdefault(name, []).append(span)
    unclosed: list[int] = []
    for name, spans in open_tags.items():
        if name in WRAPPERS:
            stray.extend(spans)
        else:
            unclosed.extend(start for start, _end in spans)
    return unclosed, stray


def neutralize_unclosed(text: str) -> tuple[str, bool]:
    """Text with each opener that nothing closes made literal and stray wrapper tags dropped;
    and whether anything was changed."""
    marks: set[int] = set()
    marks.update(_unpaired(text, "{{", "}}"))
    marks.update(_unpaired(text, "[[", "]]"))
    marks.update(_unpaired_tables(text))
    marks.update(_unpaired_brackets(text))
    marks.update(_unclosed_comments(text))
    unclosed_tags, stray = _tag_scan(text)
    marks.update(unclosed_tags)
    if not marks and not stray:
        return text, False
    dropped = {start: end for start, end in stray}
    pieces: list[str] = []
    position = 0
    for cut in sorted(marks | set(dropped)):
        if cut < position:
            continue
        pieces.append(text[position:cut])
        if cut in dropped:
            position = dropped[cut]
        else:
            pieces.append(_STAND_IN_OF[text[cut]])
            position = cut + 1
    pieces.append(text[position:])
    return "".join(pieces), True
