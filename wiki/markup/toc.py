"""Headings: stable anchor ids (as MediaWiki makes them) and the table of contents entries.

A before-render hook gives each heading an id from its plain text, unique within the page, and
stores TocEntry items in state.env["toc"]. The References heading footnotes produce is added last,
unless the text places the list itself with {{Reflist}} under a heading of its own.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from mistune import BlockState, Markdown
from mistune.util import striptags

from wiki.markup.wikilinks import anchor_for

REFERENCES = "References"
# Headings that get an anchor and a line in the contents; later ones are plain headings.
MAX_HEADINGS = 1000


@dataclass(frozen=True, slots=True)
class TocEntry:
    """One line of the table of contents; number is "1", "1.2", ... as Wikipedia shows."""

    level: int
    anchor: str
    text: str
    number: str


def heading_plain_text(md: Markdown, raw: str, env: MutableMapping[str, Any]) -> str:
    """The text of a heading without markup, rendered in a scratch environment."""
    scratch = {"lookups": env["lookups"], "ref_links": env.get("ref_links", {})}
    tokens = md.inline(raw, scratch)
    assert md.renderer is not None
    # striptags leaves entities (&amp;) behind; the contents are plain text, escaped once later
    return html.unescape(striptags(md.renderer(tokens, BlockState()))).strip()


def number_entries(levels_and_text: list[tuple[int, str, str]]) -> list[TocEntry]:
    """Number headings hierarchically (1, 1.1, 2, ...), tolerating skipped levels."""
    entries: list[TocEntry] = []
    stack: list[tuple[int, int]] = []  # (level, count at that level)
    for level, anchor, text in levels_and_text:
        while stack and stack[-1][0] > level:
            stack.pop()
        if stack and stack[-1][0] == level:
            stack[-1] = (level, stack[-1][1] + 1)
        else:
            stack.append((level, 1))
        entries.append(TocEntry(len(stack), anchor, text, ".".join(str(c) for _, c in stack)))
    return entries


def _assign_ids(md: Markdown, state: BlockState) -> None:
    used: set[str] = set()
    next_suffix: dict[str, int] = {}  # per base anchor, so many equal headings stay linear
    found: list[tuple[int, str, str]] = []
    for token in state.tokens:
        if token["type"] != "heading":
            continue
        if len(found) >= MAX_HEADINGS:
            state.env["too_many_headings"] = True
            break
        text = heading_plain_text(md, token.get("text", ""), state.env)
        base = anchor_for(text) or "section"
        anchor, n = base, next_suffix.get(base, 1)
        if anchor in used:
            while anchor in used:
                n += 1
                anchor = f"{base}_{n}"
            next_suffix[base] = n
        used.add(anchor)
        token["attrs"]["id"] = anchor
        found.append((token["attrs"]["level"], anchor, text))
    state.env["headings"] = found
    state.env["used_anchors"] = used


def toc(md: Markdown) -> None:
    """mistune plugin: anchor ids on headings, collected for the table of contents."""
    md.before_render_hooks.append(_assign_ids)


def build_toc(env: Mapping[str, Any]) -> tuple[TocEntry, ...]:
    """The entries of a rendered page, References included when it has footnotes."""
    found = list(env.get("headings", []))
    if env.get("footnotes") and not env.get("reflist") \
            and REFERENCES not in env.get("used_anchors", ()):
        found.append((2, REFERENCES, REFERENCES))
    return tuple(number_entries(found))
