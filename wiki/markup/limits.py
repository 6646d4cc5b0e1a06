"""Limits on what one page can make the renderer do, as MediaWiki has them (its node count,
expansion depth, post-expand size and template-call limits), each reported in the page when hit.

- **Complexity.** Rendering costs about the same per line, link, template brace, emphasis mark
  or tag as any other; a page whose estimated cost passes MAX_COST is rendered up to that point
  and the rest is shown as plain text, so no text of any shape can keep the renderer busy long.
  The estimate counts characters (str.count, in C), so it is far cheaper than rendering.
- **Templates.** At most MAX_TEMPLATE_CALLS calls and MAX_EXPANDED_BYTES of their output per
  page (nested calls included); calls beyond are shown as a notice.
- **Time.** A caller may give the render a deadline; passing it raises RenderTimeout, which the
  one writer turns into a refused save (with the text kept).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

# Cost units are roughly microseconds of rendering on a 2-core server; see `make bench`.
MAX_COST = 1_200_000
COST_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("\n\n", 15), ("\n", 5), ("[[", 28), ("{{", 8), ("|", 12), ("*", 12), ("_", 12),
    ("<", 8), ("#", 6), ("`", 4), ("[", 4), ("&", 4), ("~", 4), ("\\", 4),
)
_CHUNK = 16384

MAX_TEMPLATE_CALLS = 500
MAX_EXPANDED_BYTES = 2 * 1024 * 1024


class RenderTimeout(Exception):
    """The render passed its deadline."""


def cost(text: str) -> int:
    """The estimated cost of rendering text."""
    return sum(text.count(marker) * weight for marker, weight in COST_WEIGHTS)


def split_at_cost(text: str, limit: int = MAX_COST) -> tuple[str, str]:
    """(the part of text that fits the limit, cut at a line end; the rest, or "")."""
    total, position = 0, 0
    while position < len(text):
        chunk = text[position:position + _CHUNK]
        chunk_cost = cost(chunk)
        if total + chunk_cost > limit:
            for line in chunk.splitlines(keepends=True):
                total += cost(line)
                if total > limit:
                    return text[:position], text[position:]
                position += len(line)
            return text[:position], text[position:]  # pragma: no cover (a chunk's lines sum up)
        total += chunk_cost
        position += len(chunk)
    return text, ""


@dataclass
class Budget:
    """What one page's render has used so far (shared by its template parameters), its
    deadline, and the limits it hit (messages shown at the top of the page)."""

    deadline: float | None = None
    template_calls: int = 0
    expanded_bytes: int = 0
    hit: dict[str, str] = field(default_factory=dict)

    def check_time(self) -> None:
        """Raise RenderTimeout once the deadline has passed."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise RenderTimeout()

    def note(self, key: str, message: str) -> None:
        """Remember a limit that was hit (once per kind)."""
        self.hit.setdefault(key, message)

    def take_call(self) -> bool:
        """Count a template call; False when the page has made too many."""
        self.check_time()
        self.template_calls += 1
        if self.template_calls > MAX_TEMPLATE_CALLS:
            self.note("calls", f"This page calls templates more than {MAX_TEMPLATE_CALLS:,} "
                               "times; the calls after that are not shown.")
            return False
        return True

    def take_output(self, size: int) -> bool:
        """Count a template's output; False when the page's templates made too much."""
        self.expanded_bytes += size
        if self.expanded_bytes > MAX_EXPANDED_BYTES:
            self.note("size", "The templates on this page make more than "
                              f"{MAX_EXPANDED_BYTES // 1024 // 1024} MiB of output; the rest "
                              "is not shown.")
            return False
        return True
