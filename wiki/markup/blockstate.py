"""A block state whose paragraphs grow in linear time.

mistune adds each line of a paragraph with ``token["text"] += line``, which copies the whole
paragraph every time: a paragraph of a million short lines costs a million copies of a growing
string. Here a paragraph token keeps its lines in a list and joins them when its text is read,
so parsing stays linear whatever a page's shape. Everything else is mistune's own BlockState.
"""

from __future__ import annotations

from typing import Any

from mistune import BlockState

_TEXT = "text"


class _Paragraph(dict[str, Any]):
    """A paragraph token whose text is appended to as a list and joined on first read."""

    def __init__(self, text: str) -> None:
        super().__init__(type="paragraph", text="")
        self.parts = [text]

    def append(self, text: str) -> None:
        """Add a line (or several) to the paragraph."""
        self.parts.append(text)

    def _join(self) -> None:
        if self.parts:
            super().__setitem__(_TEXT, super().__getitem__(_TEXT) + "".join(self.parts))
            self.parts = []

    def __getitem__(self, key: str) -> Any:
        if key == _TEXT:
            self._join()
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        if key == _TEXT:
            self._join()
        return super().get(key, default)

    def pop(self, key: str, *default: Any) -> Any:
        if key == _TEXT:
            self._join()
        return super().pop(key, *default)

    def __setitem__(self, key: str, value: Any) -> None:
        if key == _TEXT:
            self.parts = []
        super().__setitem__(key, value)


class LinearBlockState(BlockState):
    """mistune's BlockState with linear paragraph accumulation (child states are too)."""

    def add_paragraph(self, text: str) -> None:
        """Start a paragraph, or add a line to the one being read."""
        last = self.last_token()
        if isinstance(last, _Paragraph) and last["type"] == "paragraph":
            last.append(text)
        elif last and last["type"] == "paragraph":
            last[_TEXT] += text
        else:
            self.tokens.append(_Paragraph(text))

    def append_paragraph(self) -> int | None:
        """Continue the paragraph being read with the current line (a lazy continuation)."""
        last = self.last_token()
        if not (last and last["type"] == "paragraph"):
            return None
        position = self.find_line_end()
        if isinstance(last, _Paragraph):
            last.append(self.get_text(position))
        else:
            last[_TEXT] += self.get_text(position)
        return position
