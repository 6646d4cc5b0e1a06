"""Laying blocks out as this wiki's Markdown, and flattening them to one line for a table cell.

Lists: "*" is a bullet ("- "), "#" a numbered item ("1. "), ":" an indentation, written as a
block quotation ("> "), and ";" a definition term, written in bold. Nested prefixes ("#*", "*:")
nest the Markdown containers the same way.
"""

from __future__ import annotations

from wiki.dumps.wikitext.escape import code_fence, code_span, emphasis
from wiki.dumps.wikitext.model import (
    Block,
    Code,
    Heading,
    ItemList,
    Line,
    Paragraph,
    Quote,
    Rule,
    Table,
)

_OPEN = {"*": "- ", "#": "1. ", ":": "> ", ";": ""}
_CONTINUE = {"*": "  ", "#": "   ", ":": "> ", ";": ""}
CELL_BREAK = "<br>"


def bold(text: str) -> str:
    """Text in bold, standing on its own."""
    return emphasis(text, "**", "strong", " ", " ")


def to_markdown(blocks: list[Block]) -> str:
    """The blocks as Markdown, one blank line between blocks."""
    written = (_block(block) for block in blocks)
    return "\n\n".join(text for text in written if text.strip())


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return "\n".join(line.rstrip() for line in block.text.strip().split("\n"))
    if isinstance(block, Heading):
        text = block.text.strip().replace("\n", " ")
        if text.endswith("#"):  # would be read as a closing sequence
            text = text[:-1] + "\\#"
        return f"{'#' * block.level} {text}".rstrip()
    if isinstance(block, ItemList):
        return _list(block)
    if isinstance(block, Code):
        return code_fence(block.text, block.language)
    if isinstance(block, Quote):
        inner = to_markdown(list(block.blocks))
        return "\n".join(f"> {line}".rstrip() for line in inner.split("\n")) if inner else ""
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Rule):
        return "----"
    return block.text


def _needs_blank(previous: str, current: str) -> bool:
    """Whether a blank line must part two list lines, lest Markdown join the second to the
    paragraph of the first (a term, or an indentation shallower than the one before)."""
    if current.endswith(";"):
        return True
    return current.endswith(":") and previous.count(":") > current.count(":")


def _list(block: ItemList) -> str:
    lines: list[str] = []
    previous = ""
    for item in block.items:
        prefix, text = item.prefix, item.text.strip()
        if not prefix or (prefix[-1] in ";:" and not text):
            continue
        head = "".join(_CONTINUE[char] for char in prefix[:-1])
        if previous and _needs_blank(previous, prefix):
            lines.append("")
        elif previous == prefix and prefix.endswith(":"):
            lines.append((head + ">").rstrip())  # two paragraphs in one quotation
        if prefix.endswith(";"):
            text = bold(text)
        first, *rest = text.split("\n")
        lines.append((head + _OPEN[prefix[-1]] + first).rstrip())
        continuation = head + _CONTINUE[prefix[-1]]
        lines.extend((continuation + line).rstrip() for line in rest)
        previous = prefix
    return "\n".join(lines)


def _row(cells: tuple[str, ...] | list[str], width: int) -> str:
    padded = list(cells) + [""] * (width - len(cells))
    return "| " + " | ".join(padded) + " |"


def _table(table: Table) -> str:
    width = max((len(row) for row in table.rows), default=0)
    if not width:
        return ""
    rows = list(table.rows)
    header = rows.pop(0) if table.header else ("",) * width
    lines = [_row(header, width), "|" + "---|" * width]
    lines.extend(_row(row, width) for row in rows)
    caption = f"{bold(table.caption)}\n\n" if table.caption.strip() else ""
    return caption + "\n".join(lines)


def flatten(blocks: list[Block]) -> str:
    """The blocks as one line of inline Markdown, their lines joined by line breaks."""
    pieces: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph | Line):
            pieces.append(block.text)
        elif isinstance(block, Heading):
            pieces.append(bold(block.text))
        elif isinstance(block, ItemList):
            pieces.extend(_flat_items(block))
        elif isinstance(block, Code):
            pieces.append(code_span(block.text))
        elif isinstance(block, Quote):
            pieces.append(flatten(list(block.blocks)))
        elif isinstance(block, Table):
            pieces.extend(" · ".join(cell for cell in row if cell.strip())
                          for row in block.rows)
    joined = CELL_BREAK.join(piece.strip() for piece in pieces if piece.strip())
    return " ".join(joined.split("\n"))


def _flat_items(block: ItemList) -> list[str]:
    numbers: dict[int, int] = {}
    out = []
    for item in block.items:
        depth = len(item.prefix)
        numbers = {level: n for level, n in numbers.items() if level <= depth}
        marker = item.prefix[-1:] or "*"
        if marker == "#":
            numbers[depth] = numbers.get(depth, 0) + 1
            out.append(f"{numbers[depth]}. {item.text.strip()}")
        elif marker == "*":
            out.append(f"• {item.text.strip()}")
        elif marker == ";":
            out.append(bold(item.text))
        else:
            out.append(item.text)
    return out
