"""A progress counter for `flask import`, on standard error: pages, revisions and how far
through the file, rewritten in place on a terminal and printed as a line every few seconds
when standard error is a file or a pipe."""

from __future__ import annotations

import time
from typing import IO, TextIO

from wiki.dumps.report import ImportReport

TERMINAL_INTERVAL = 0.2  # seconds between redraws on a terminal
LOG_INTERVAL = 5.0  # seconds between lines in a file or pipe


class Progress:
    """Called after each page with the report so far; `raw` is the file being read (its
    position against `size` says how far the import has come)."""

    def __init__(self, out: TextIO, raw: IO[bytes], size: int) -> None:
        self._out = out
        self._raw = raw
        self._size = size
        self._terminal = out.isatty()
        self._interval = TERMINAL_INTERVAL if self._terminal else LOG_INTERVAL
        self._started = self._last = time.monotonic()
        self._drawn = False

    def __call__(self, report: ImportReport) -> None:
        now = time.monotonic()
        if now - self._last >= self._interval:
            self._last = now
            self._draw(report, now)

    def _draw(self, report: ImportReport, now: float) -> None:
        share = ""
        if self._size and not self._raw.closed:
            share = f"{min(self._raw.tell() / self._size, 1):.0%} of the file, "
        seconds = max(now - self._started, 1e-9)
        line = (f"{share}{report.pages + report.failed_count:,} pages, "
                f"{report.revisions:,} revisions ({report.revisions / seconds:,.0f}/s)")
        if self._terminal:
            self._out.write("\r" + line + "\x1b[K")
        else:
            self._out.write(line + "\n")
        self._out.flush()
        self._drawn = True

    def finish(self, report: ImportReport) -> None:
        """The last count, and the line ended."""
        self._draw(report, time.monotonic())
        if self._terminal:
            self._out.write("\n")
            self._out.flush()
