"""Template calls: {{Name|positional|name = value|...}}, multi-line and nested.

Parsing only: a call becomes a token whose render is a placeholder, and the parsed call is kept in
state.env["templates"]. The caller renders each call through Jinja after sanitizing the page and
puts the result where its placeholder stands (see wiki.markup.wikitemplates).
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from mistune import BlockParser, BlockState, InlineParser, InlineState, Markdown

# Private-use characters frame placeholders; they are removed from user text before parsing.
PLACEHOLDER_OPEN, PLACEHOLDER_CLOSE = "\ue000", "\ue001"
PLACEHOLDER_RE = re.compile(PLACEHOLDER_OPEN + r"(\d+)" + PLACEHOLDER_CLOSE)
MAX_CALLS_PER_PAGE = 500


@dataclass(frozen=True, slots=True)
class TemplateCall:
    """One parsed call: the template's name, positional arguments and named parameters (raw)."""

    name: str
    positional: tuple[str, ...]
    named: tuple[tuple[str, str], ...]
    block: bool

    @property
    def key(self) -> str:
        """The name as looked up: case-insensitive, spaces and underscores alike."""
        return template_key(self.name)


def template_key(name: str) -> str:
    """Normalize a template name to its file stem ("Infobox bilateral relations" ->
    "infobox_bilateral_relations")."""
    return re.sub(r"[\s_]+", "_", name.strip()).lower()


def call_ends(text: str) -> dict[int, int]:
    """Where each call in text ends: the index of every "{{" that is closed, mapped to the index
    just past its "}}". One pass with a stack, so unclosed braces cost nothing later.

    Braces pair up from the left ("{{{" is "{{" then "{"), as the parsers meet them.
    """
    ends: dict[int, int] = {}
    open_at: list[int] = []
    i, n = 0, len(text)
    while True:
        i = _next_brace_pair(text, i)
        if i < 0 or i >= n - 1:
            return ends
        if text[i] == "{":
            open_at.append(i)
        elif open_at:
            ends[open_at.pop()] = i + 2
        i += 2


_BRACE_PAIR = re.compile(r"\{\{|\}\}")


def _next_brace_pair(text: str, start: int) -> int:
    match = _BRACE_PAIR.search(text, start)
    return match.start() if match else -1


def find_call_end(text: str, start: int, env: MutableMapping[str, Any] | None = None
                  ) -> int | None:
    """Index just past the "}}" closing the call opened at text[start:start+2], or None.

    With a parse environment, the table of call ends is made once per text and reused.
    """
    if env is None:
        return call_ends(text).get(start)
    tables: dict[str, dict[int, int]] = env.setdefault("call_ends", {})
    table = tables.get(text)
    if table is None:
        table = tables[text] = call_ends(text)
    return table.get(start)


_ARGUMENT_MARK = re.compile(r"\{\{|\[\[|\}\}|\]\]|\|")


def split_arguments(body: str) -> list[str]:
    """Split a call's inside on the "|" characters that are not within nested {{}} or [[]]."""
    parts: list[str] = []
    depth, start = 0, 0
    for mark in _ARGUMENT_MARK.finditer(body):
        token = mark.group()
        if token in ("{{", "[["):
            depth += 1
        elif token != "|":
            depth -= 1 if depth else 0  # an unmatched closer is text
        elif not depth:
            parts.append(body[start:mark.start()])
            start = mark.end()
    parts.append(body[start:])
    return parts


def parse_call(source: str, block: bool) -> TemplateCall | None:
    """Parse "{{...}}" into a TemplateCall; None when the name is empty or malformed."""
    pieces = split_arguments(source[2:-2])
    name = pieces[0].strip()
    if not name or "\n" in name or len(name) > 200:
        return None
    positional: list[str] = []
    named: list[tuple[str, str]] = []
    for piece in pieces[1:]:
        key, sep, value = piece.partition("=")
        # "name = value" is named unless the would-be name holds markup (then it is positional)
        if sep and key.strip() and not re.search(r"[\[\]{}<>\n]", key.strip()):
            named.append((key.strip(), value.strip()))
        else:
            positional.append(piece.strip())
    return TemplateCall(name, tuple(positional), tuple(named), block)


def _record(env: MutableMapping[str, Any], call: TemplateCall) -> int:
    calls: list[TemplateCall] = env.setdefault("templates", [])
    calls.append(call)
    return len(calls) - 1


def parse_block_template(block: BlockParser, m: re.Match[str], state: BlockState) -> int | None:
    """A call that starts a line and runs to the end of a line becomes a block of its own."""
    start = state.src.index("{{", m.start())
    end = find_call_end(state.src, start, state.env)
    if end is None:
        return None
    line_end = state.src.find("\n", end)
    rest = state.src[end:line_end if line_end >= 0 else len(state.src)]
    if rest.strip():  # text after the call on the same line: leave it to the paragraph
        return None
    call = parse_call(state.src[start:end], block=True)
    if call is None or len(state.env.get("templates", [])) >= MAX_CALLS_PER_PAGE:
        return None
    index = _record(state.env, call)
    state.append_token({"type": "wiki_template", "raw": "", "attrs": {"index": index}})
    return end + len(rest) + 1  # the call's line ends with it


def parse_inline_template(inline: InlineParser, m: re.Match[str], state: InlineState) -> int:
    """A call within a line of text."""
    start = m.start()
    end = find_call_end(state.src, start, state.env)
    if end is None:
        return _unclosed_run(start, state)
    call = parse_call(state.src[start:end], block=False)
    if call is None or len(state.env.get("templates", [])) >= MAX_CALLS_PER_PAGE:
        state.append_token({"type": "text", "raw": m.group(0)})
        return m.end()
    index = _record(state.env, call)
    state.append_token({"type": "wiki_template", "raw": "", "attrs": {"index": index}})
    return end


_BRACE_RUN = re.compile(r"(?:\{\{\s*)+")


def _unclosed_run(start: int, state: InlineState) -> int:
    """Braces that open no call are text: take the whole run of them (up to the first that
    does open one) as one token, so a page of unclosed "{{" costs one token, not a million."""
    run = _BRACE_RUN.match(state.src, start)
    assert run is not None  # the rule matched "{{" here
    end = run.end()
    position = state.src.find("{{", start + 2, end)
    while position >= 0:
        if find_call_end(state.src, position, state.env) is not None:
            end = position
            break
        position = state.src.find("{{", position + 2, end)
    state.append_token({"type": "text", "raw": state.src[start:end]})
    return end


def render_placeholder(renderer: Any, text: str, index: int) -> str:
    """Stand-in for a template's output until the sanitized page is assembled."""
    return f"{PLACEHOLDER_OPEN}{index}{PLACEHOLDER_CLOSE}"


def templates(md: Markdown) -> None:
    """mistune plugin: register template calls at block and inline level."""
    # first among block rules: a call's "|" lines must not be taken for a table
    md.block.register("wiki_template", r"^ {0,3}\{\{", parse_block_template,
                      before=md.block.rules[0])
    md.inline.register("wiki_template", r"\{\{", parse_inline_template, before="link",
                       start_chars="{")
    if md.renderer is not None:
        md.renderer.register("wiki_template", render_placeholder)
