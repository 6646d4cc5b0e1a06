"""Small renderer overrides that make Markdown output look like Wikipedia's: external links,
table cell alignment as classes (the sanitizer allows no style attributes), and footnotes as a
numbered References list."""

from __future__ import annotations

import re
from typing import Any

from mistune import BlockState, HTMLRenderer, Markdown
from mistune.util import escape

from wiki.markup.toc import REFERENCES

# The only tags a page's text may write as raw HTML; anything else is shown as typed. (Structure
# such as tables comes from Markdown; a raw unclosed <table> would swallow the rest of the page.)
USER_HTML_TAGS = frozenset({
    "sup", "sub", "br", "small", "abbr", "span", "kbd", "mark", "u", "q", "cite", "s", "del",
    "code", "em", "strong",
})
_TAG_NAME = re.compile(r"^<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)")
# An image in a figure of its own (see wiki.markup.images); page text cannot write <figure>.
_FIGURE = re.compile(r"<figure\b.*?</figure>", re.DOTALL)


def _user_tag_allowed(html: str) -> bool:
    match = _TAG_NAME.match(html.strip())
    return match is not None and match.group(1).lower() in USER_HTML_TAGS


class WikiRenderer(HTMLRenderer):
    """mistune's HTML renderer with Wikipedia's external links and a short list of raw HTML tags
    (methods, since mistune looks up renderer methods before registered functions)."""

    def inline_html(self, html: str) -> str:
        """Raw inline HTML: allowed tags pass on to the sanitizer, others show as text."""
        return html if _user_tag_allowed(html) else escape(html)

    def block_html(self, html: str) -> str:
        """Raw HTML blocks: comments are dropped, allowed inline tags kept, the rest shown."""
        stripped = html.strip()
        if stripped.startswith("<!--"):
            return ""
        if _user_tag_allowed(stripped):
            return f"<p>{stripped}</p>\n"
        return f"<p>{escape(stripped)}</p>\n"

    def paragraph(self, text: str) -> str:
        """A paragraph; an image in a figure of its own stands between paragraphs, not in one
        (a browser would close the paragraph at the figure anyway)."""
        if "<figure" not in text:
            return f"<p>{text}</p>\n"
        out: list[str] = []
        start = 0
        for match in _FIGURE.finditer(text):
            before = text[start:match.start()]
            if before.strip():
                out.append(f"<p>{before.strip()}</p>\n")
            out.append(match.group(0) + "\n")
            start = match.end()
        if text[start:].strip():
            out.append(f"<p>{text[start:].strip()}</p>\n")
        return "".join(out)

    def link(self, text: str, url: str, title: str | None = None) -> str:
        """Markdown links: absolute URLs get class "external" and rel="nofollow ugc"."""
        attrs = f' href="{self.safe_url(url)}"'
        if url.startswith(("http://", "https://", "//")):
            attrs += ' class="external" rel="nofollow ugc"'
        if title:
            attrs += f' title="{escape(title)}"'
        return f"<a{attrs}>{text}</a>"


def render_table_cell(
    renderer: Any, text: str, align: str | None = None, head: bool = False
) -> str:
    """Table cells with alignment as a class."""
    tag = "th" if head else "td"
    css = f' class="align-{align}"' if align in {"left", "center", "right"} else ""
    return f"  <{tag}{css}>{text}</{tag}>\n"


def render_footnote_ref(renderer: Any, key: str, index: int) -> str:
    """A reference mark as Wikipedia draws it: a bracketed superscript number."""
    link = f'<a href="#cite_note-{index}">[{index}]</a>'
    return f'<sup class="reference" id="cite_ref-{index}">{link}</sup>'


def render_footnotes(renderer: Any, text: str) -> str:
    """The footnotes list at the end of the page."""
    return f'<section class="references">\n<ol class="references">\n{text}</ol>\n</section>\n'


def render_footnote_item(renderer: Any, text: str, key: str, index: int) -> str:
    """One note, with a caret back to where it is cited."""
    back = f'<a href="#cite_ref-{index}" class="backref">^</a> '
    body = text.strip()
    if body.startswith("<p>") and body.endswith("</p>") and body.count("<p>") == 1:
        body = body[3:-4]
    return f'<li id="cite_note-{index}">{back}{body}</li>\n'


def add_references_heading(html: str) -> str:
    """Put a References heading above the footnotes list when the text has none of its own."""
    return html.replace(
        '<section class="references">',
        f'<h2 id="{REFERENCES}">{REFERENCES}</h2>\n<section class="references">',
        1,
    )


_REFERENCES_SECTION = '<section class="references">'


def move_references(html: str, marker: str) -> str | None:
    """The footnotes list moved from the end of the page to where `marker` stands (a
    {{Reflist}} call's placeholder), or None when the page has no list or no marker."""
    start = html.rfind(_REFERENCES_SECTION)
    if start < 0 or marker not in html[:start]:
        return None
    section = html[start:]
    return html[:start].replace(marker, section.rstrip("\n"), 1)


def _unescape_cell_pipes(tokens: list[dict[str, Any]]) -> None:
    """A table cell's "\\|" is a "|" of the cell's text, as GFM reads it: replaced before the
    cell's inline markup is parsed, so [[Kosovo\\|the K]] in a cell is a piped link."""
    stack = list(tokens)
    while stack:
        token = stack.pop()
        if token.get("type") == "table_cell" and "text" in token:
            token["text"] = token["text"].replace("\\|", "|")
        stack.extend(token.get("children") or ())


def _table_cell_pipes(_md: Markdown, state: BlockState) -> None:
    _unescape_cell_pipes(state.tokens)


def wiki_html(md: Markdown) -> None:
    """mistune plugin: the overrides above (registered after the table and footnotes plugins)."""
    md.before_render_hooks.append(_table_cell_pipes)
    if md.renderer is None:
        return
    md.renderer.register("table_cell", render_table_cell)
    md.renderer.register("footnote_ref", render_footnote_ref)
    md.renderer.register("footnotes", render_footnotes)
    md.renderer.register("footnote_item", render_footnote_item)
