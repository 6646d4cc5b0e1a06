"""Wikilinks: [[Title]], [[Title|label]], [[Title#Section|label]], and [[Category:X]].

The parse function resolves each target through the caller's lookups (state.env["lookups"]) and
records it in state.env["links"]; a missing target becomes a red link to its edit page, as on
Wikipedia. A category link is collected, not rendered.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from mistune import InlineParser, InlineState, Markdown
from mistune.util import escape

from wiki.titles import CATEGORY, Title, try_parse_title

WIKILINK_PATTERN = r"\[\[(?P<wl_target>[^\[\]|\n]+)(?:\|(?P<wl_label>[^\[\]\n]*))?\]\]"


def anchor_for(text: str) -> str:
    """The id of a heading or section, as in MediaWiki: spaces become underscores."""
    return re.sub(r"\s+", "_", text.strip())


_CANDIDATE = re.compile(WIKILINK_PATTERN)


def link_targets(text: str) -> dict[str, Title | None]:
    """Each [[...]] target written in text, parsed once (a superset of the links: code spans
    are not excluded). The parser reuses these, and a lookup can ask about all at once."""
    found: dict[str, Title | None] = {}
    for match in _CANDIDATE.finditer(text):
        target = match.group("wl_target").partition("#")[0]
        if target not in found:
            found[target] = try_parse_title(target) if target.strip() else None
    return found


def link_href(title: Title, fragment: str = "", exists: bool = True) -> str:
    """The URL a wikilink points at: the page, or its edit form for a red link."""
    if not exists:
        return title.path + "?action=edit&redlink=1"
    return title.path + ("#" + quote(anchor_for(fragment), safe="") if fragment else "")


def parse_wikilink(
    inline: InlineParser, m: re.Match[str], state: InlineState
) -> int:
    """Turn [[...]] into a wikilink token, or keep it as text when the target is no title."""
    target, _, fragment = m.group("wl_target").partition("#")
    label = m.group("wl_label")
    forced_main = target.lstrip().startswith(":")
    env = state.env
    parsed: dict[str, Title | None] = env.get("link_targets", {})
    title = parsed[target] if target in parsed else (
        try_parse_title(target) if target.strip() else None)
    if title is None and not target.strip() and fragment:
        # [[#Section]] links within the page
        state.append_token({
            "type": "wikilink",
            "raw": label or fragment.strip(),
            "attrs": {"href": "#" + quote(anchor_for(fragment), safe=""), "css": ""},
        })
        return m.end()
    if title is None:
        state.append_token({"type": "text", "raw": m.group(0)})
        return m.end()
    if title.namespace == CATEGORY and not forced_main:
        env.setdefault("categories", {})[title.text] = None
        return m.end()
    lookups = env["lookups"]
    exists = lookups.exists(title)
    env.setdefault("links", {})[title] = None
    state.append_token({
        "type": "wikilink",
        "raw": label if label else (m.group("wl_target").strip().lstrip(":")),
        "attrs": {
            "href": link_href(title, fragment, exists),
            "css": "" if exists else "new",
            "tooltip": title.full if exists else f"{title.full} (page does not exist)",
        },
    })
    return m.end()


def render_wikilink(renderer: Any, text: str, href: str, css: str, tooltip: str = "") -> str:
    """Render a wikilink token as an <a>; red links carry class "new"."""
    attrs = f' href="{escape(href)}"'
    if css:
        attrs += f' class="{css}"'
    if tooltip:
        attrs += f' title="{escape(tooltip)}"'
    return f"<a{attrs}>{escape(text)}</a>"


def wikilinks(md: Markdown) -> None:
    """mistune plugin: register [[...]] before Markdown links so it wins."""
    md.inline.register("wikilink", WIKILINK_PATTERN, parse_wikilink, before="link",
                       start_chars="[")
    if md.renderer is not None:
        md.renderer.register("wikilink", render_wikilink)
