"""Template calls and wikilinks, which this wiki reads as MediaWiki does, are kept as typed: name,
parameters and nested calls. Only what this wiki cannot read inside them changes: comments are
dropped, bold and italic quotes become Markdown emphasis (in a link's label, plain text), a
bracketed external link becomes a Markdown link, <nowiki> text is escaped, and a <ref> is taken
out (the caller puts its footnote mark right after the call or link, since a template parameter
is rendered on its own and cannot hold a footnote of the page).
"""

from __future__ import annotations

from typing import Any

import mwparserfromhell.nodes as mw

from wiki.dumps.wikitext.context import Context
from wiki.dumps.wikitext.escape import escape_text, link_destination, plain

_QUOTES = {"''": "*", "'''": "**"}


def _label(link: Any, ctx: Context, moved: list[Any]) -> str:
    """An external link inside a kept call, as a Markdown link (or the bare address)."""
    url = plain(str(link.url)).strip()
    if not link.brackets:
        return url
    title = source_of(link.title, ctx, moved, in_link=False).strip() if link.title else ""
    if not title:
        ctx.external_links += 1
        title = f"\\[{ctx.external_links}\\]"
    return f"[{title}]({link_destination(url)})"


def source_of(code: Any, ctx: Context, moved: list[Any], in_link: bool) -> str:
    """The source of a piece of wikitext inside a kept call or link; refs go to `moved`."""
    if code is None:
        return ""
    out: list[str] = []
    for node in code.nodes:
        if isinstance(node, mw.Text):
            out.append(plain(node.value))
        elif isinstance(node, mw.Comment):
            continue
        elif isinstance(node, mw.Template):
            out.append(template_source(node, ctx, moved))
        elif isinstance(node, mw.Wikilink):
            out.append(wikilink_source(node, ctx, moved))
        elif isinstance(node, mw.ExternalLink) and not in_link:
            out.append(_label(node, ctx, moved))
        elif isinstance(node, mw.Tag):
            out.append(_tag_source(node, ctx, moved, in_link))
        else:
            out.append(plain(str(node)))
    return "".join(out)


def _tag_source(tag: Any, ctx: Context, moved: list[Any], in_link: bool) -> str:
    name = str(tag.tag).strip().lower()
    if name == "ref":
        moved.append(tag)
        ctx.note("reference inside a template call or link moved after it")
        return ""
    if tag.wiki_markup in _QUOTES:
        inner = source_of(tag.contents, ctx, moved, in_link)
        marker = "" if in_link else _QUOTES[tag.wiki_markup]
        return f"{marker}{inner}{marker}"
    if name == "nowiki":
        text = plain(str(tag.contents)) if tag.contents is not None else ""
        return text if in_link else escape_text(text)
    return plain(str(tag))


def template_source(template: Any, ctx: Context, moved: list[Any]) -> str:
    """A template call as typed (see the module's docstring for what changes)."""
    if not ctx.deeper():
        return plain(str(template))
    try:
        pieces = ["{{", source_of(template.name, ctx, moved, in_link=False)]
        for parameter in template.params:
            pieces.append("|")
            if parameter.showkey:
                pieces.append(source_of(parameter.name, ctx, moved, in_link=False) + "=")
            pieces.append(source_of(parameter.value, ctx, moved, in_link=False))
        pieces.append("}}")
        return "".join(pieces)
    finally:
        ctx.shallower()


def wikilink_source(link: Any, ctx: Context, moved: list[Any]) -> str:
    """A wikilink as typed (see the module's docstring for what changes)."""
    if not ctx.deeper():
        return plain(str(link))
    try:
        title = source_of(link.title, ctx, moved, in_link=True)
        if link.text is None:
            return f"[[{title}]]"
        return f"[[{title}|{source_of(link.text, ctx, moved, in_link=True)}]]"
    finally:
        ctx.shallower()
