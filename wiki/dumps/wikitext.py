"""Placeholder for the wikitext converter: returns the text unchanged, marked exact.

The real converter replaces this module; it keeps the interface: convert(text, title) returns an
object with markdown, notes and approximate.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Conversion:
    """The Markdown made from a wikitext, what the conversion could not carry over, and whether
    the result is only an approximation."""

    markdown: str
    notes: tuple[str, ...] = ()
    approximate: bool = False


def convert(text: str, title: str) -> Conversion:
    """The text unchanged (the converter is not here yet)."""
    return Conversion(text)
