"""Writing plain text so that Markdown reads it as typed: the characters that would start
emphasis, links, code, HTML, templates or strikethrough get a backslash, and so do the ones that
would start a heading, quotation or list at the beginning of a line. Also the pieces of syntax
that need care: emphasis that CommonMark would not close, link destinations, code fences.
"""

from __future__ import annotations

import unicodedata

from wiki.dumps.wikitext.safety import restore

# Always escaped: emphasis, code, links and footnotes, HTML, tables, templates, strikethrough
# (and signatures, "~~~~"), and the backslash itself.
_ALWAYS = frozenset("\\`*[]<|{}~")
# Escaped at the start of a line: headings, block quotations, list items, setext underlines.
_LINE_START = frozenset("#>+-=")


def is_punctuation(char: str) -> bool:
    """Punctuation or a symbol, as CommonMark's emphasis rules count them."""
    return unicodedata.category(char)[0] in "PS"


def _needs_escape(text: str, index: int) -> bool:
    char = text[index]
    if char in _ALWAYS:
        return True
    if char == "_":  # within a word an underscore starts nothing
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        return not (before.isalnum() and after.isalnum())
    if char == "&":
        return _starts_entity(text, index)
    return False


def _starts_entity(text: str, index: int) -> bool:
    """Whether the "&" at index begins something Markdown would read as an entity."""
    end = index + 1
    if text[end:end + 1] == "#":
        end += 1
    while end < len(text) and end - index < 34 and text[end].isascii() and text[end].isalnum():
        end += 1
    return end > index + 1 and text[end:end + 1] == ";"


def escape_line(line: str, line_start: bool) -> str:
    """One line of plain text, escaped; leading blanks dropped at a line start (Markdown would
    read four of them as code)."""
    line = restore(line)
    if line_start:
        line = line.lstrip(" \t")
    out = [("\\" + char) if _needs_escape(line, i) else char for i, char in enumerate(line)]
    if line_start and out:
        if out[0] in _LINE_START:
            out[0] = "\\" + out[0]
        else:
            digits = 0
            while digits < len(out) and digits < 10 and out[digits] in "0123456789":
                digits += 1
            if digits and digits < len(out) and out[digits] in ".)":
                out[digits] = "\\" + out[digits]
    return "".join(out)


def escape_text(text: str, line_start: bool = False) -> str:
    """Plain text, possibly of several lines, escaped; every line after the first starts one."""
    lines = text.split("\n")
    return "\n".join(escape_line(line, line_start or i > 0) for i, line in enumerate(lines))


def plain(text: str) -> str:
    """Text kept as typed (code, a template's source): stand-ins back to their characters."""
    return restore(text)


def emphasis(inner: str, marker: str, html_tag: str, before: str, after: str) -> str:
    """inner wrapped in emphasis: `marker` when CommonMark will read it as such given the
    characters before and after, else the HTML tag. Blanks at either end move outside."""
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    before = lead[-1] if lead else before
    after = trail[0] if trail else after
    first, last = stripped[0], stripped[-1]
    opens = not first.isspace() and (
        not is_punctuation(first) or before.isspace() or is_punctuation(before))
    closes = not last.isspace() and (
        not is_punctuation(last) or after.isspace() or is_punctuation(after))
    if opens and closes and "\n" not in stripped:
        return f"{lead}{marker}{stripped}{marker}{trail}"
    return f"{lead}<{html_tag}>{stripped}</{html_tag}>{trail}"


_DESTINATION_QUOTES = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C",
                       "\n": "", "\t": "%09"}


def link_destination(url: str) -> str:
    """A URL as a Markdown link destination: parentheses, blanks and brackets percent-encoded."""
    return "".join(_DESTINATION_QUOTES.get(char, char) for char in restore(url))


def code_fence(text: str, language: str = "") -> str:
    """A fenced code block holding text as typed, with a fence longer than any run of
    backticks inside."""
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    info = "".join(char for char in language if char.isalnum() or char in "+-_.#")
    return f"{fence}{info}\n{text.rstrip(chr(10))}\n{fence}"


def code_span(text: str) -> str:
    """Inline code holding text as typed."""
    text = " ".join(text.split("\n"))
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or text.startswith(" ") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}" if text.strip() else ""
