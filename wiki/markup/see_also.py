"""The "See also" section: a level-2 "See also" heading followed by a list of wikilinks.

A before-render hook swaps that list for a call of the see_also template (section mode), so the
list is drawn by templates/wikitemplates/see_also.html with each link resolved blue or red.
"""

from __future__ import annotations

import re
from typing import Any

from mistune import BlockState, Markdown

from wiki.markup.templates import TemplateCall

_LINK_ITEM = re.compile(r"^\s*(?P<link>\[\[[^\[\]\n]+\]\])\s*(?:[-–—:]\s*(?P<note>.*))?$")


def _item_text(item: dict[str, Any]) -> str | None:
    """The raw text of a simple one-line list item, or None for anything richer."""
    children = item.get("children", [])
    if len(children) != 1 or children[0]["type"] not in {"block_text", "paragraph"}:
        return None
    text: str | None = children[0].get("text")
    return text


def _see_also_links(list_token: dict[str, Any]) -> list[tuple[str, str]] | None:
    """Each item's wikilink and optional "– note", or None if an item is not a link."""
    items: list[tuple[str, str]] = []
    for item in list_token.get("children", []):
        text = _item_text(item)
        match = _LINK_ITEM.match(text) if text is not None else None
        if match is None:
            return None
        items.append((match.group("link"), (match.group("note") or "").strip()))
    return items or None


def _swap_see_also(md: Markdown, state: BlockState) -> None:
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token["type"] != "heading" or token["attrs"]["level"] != 2:
            continue
        if token.get("text", "").strip().lower() != "see also":
            continue
        j = i + 1
        while j < len(tokens) and tokens[j]["type"] == "blank_line":
            j += 1
        if j >= len(tokens) or tokens[j]["type"] != "list":
            continue
        items = _see_also_links(tokens[j])
        if items is None:
            continue
        calls = state.env.setdefault("templates", [])
        notes = tuple((f"note{n}", note) for n, (_, note) in enumerate(items, 1) if note)
        links = tuple(link for link, _ in items)
        calls.append(TemplateCall("see also", links, (("section", "yes"), *notes), block=True))
        tokens[j] = {"type": "wiki_template", "raw": "", "attrs": {"index": len(calls) - 1}}


def see_also(md: Markdown) -> None:
    """mistune plugin: render the See also section through its Jinja template."""
    md.before_render_hooks.insert(0, _swap_see_also)
