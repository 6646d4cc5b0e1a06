"""What one conversion collects as it goes: the notes on what it approximated, the footnotes, the
behaviour switches it met. A new Context per call keeps the conversion thread-safe."""

from __future__ import annotations

from dataclasses import dataclass, field

from wiki.dumps.wikitext.refs import Footnotes

# Nesting deeper than this (tags in tags, tables in cells) is kept as plain text: it bounds the
# recursion whatever the input.
MAX_DEPTH = 24


@dataclass
class Context:
    """Per-conversion state, passed to every writer."""

    footnotes: Footnotes = field(default_factory=Footnotes)
    notoc: bool = False
    reflist: bool = False  # a {{Reflist}} was written
    external_links: int = 0  # "[http://...]" without a label shows as [1], [2], ...
    depth: int = 0
    _notes: dict[str, int] = field(default_factory=dict)

    def note(self, message: str) -> None:
        """Record an approximation (each message once, counted)."""
        self._notes[message] = self._notes.get(message, 0) + 1

    @property
    def notes(self) -> list[str]:
        """The notes in the order first met, with how often when more than once."""
        return [message if count == 1 else f"{message} ({count} times)"
                for message, count in self._notes.items()]

    def deeper(self) -> bool:
        """Enter one level of nesting; False (without entering) when too deep."""
        if self.depth >= MAX_DEPTH:
            self.note("markup nested too deeply kept as plain text")
            return False
        self.depth += 1
        return True

    def shallower(self) -> None:
        """Leave a level entered with deeper()."""
        self.depth -= 1
