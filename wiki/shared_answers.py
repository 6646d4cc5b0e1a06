"""Answers to renders' questions, shared by the renders of one process while no write changes
them.

A render asks which titles are pages, which files are uploaded and what live data says. Every
write that changes one of those answers counts itself in the epochs, in its own transaction, and
a render reads the epochs before it asks anything (wiki.invalidation):
- whether a title is a page, and what a file is, change only with the answers epoch, which only
  writes that create, delete, move or redirect a page, or upload a file, count;
- live data may change with any invalidating write, so its answers are kept per epoch;
- live data that declares no topics (a locator map) never changes, so its answers are kept until
  the process ends, within the limit.
So two renders that read the same epochs are told the same answers, and the answers one was
given can serve the next without asking the database again: the guarantee that
RecordingLookups.still_current already relies on. An ordinary edit leaves the answers epoch
alone, so a wiki that is being edited keeps its answers.

A render inside a write transaction may see that transaction's own changes, not yet committed
and perhaps rolled back, so it neither reads nor adds shared answers (see wiki.lookups).

A render that reads other epochs, newer or older, starts new sets: a stale answer is never
served, and a render in an old read transaction costs the next one its shared answers, nothing
more. Each kind keeps at most `limit` answers.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from wiki.markup.files import FileInfo
from wiki.titles import Title

LiveKey = tuple[str, tuple[str, ...]]  # (live data name, its arguments as text)


@dataclass
class _Kept:
    """Answers that hold while one epoch lasts."""

    epoch: int
    titles: dict[Title, bool] = field(default_factory=dict)  # is the title a page
    files: dict[str, FileInfo | None] = field(default_factory=dict)
    live: dict[LiveKey, Any] = field(default_factory=dict)


@dataclass
class EpochAnswers:
    """What one render may take and add: read without a lock, since a dict's get and set are
    atomic and every answer stored under the same epochs is the same answer."""

    limit: int
    titles: dict[Title, bool]
    files: dict[str, FileInfo | None]
    live: dict[LiveKey, Any]
    lasting: dict[LiveKey, Any]  # live data without topics
    counter: SharedAnswers

    def hit(self) -> None:
        """Count an answer served from here."""
        self.counter.hits += 1

    def add_titles(self, answers: dict[Title, bool]) -> None:
        """Keep these titles' answers, if there is room for them all."""
        if answers and len(self.titles) + len(answers) <= self.limit:
            self.titles.update(answers)

    def add_file(self, name: str, answer: FileInfo | None) -> None:
        """Keep what File:<name> is, if there is room."""
        if len(self.files) < self.limit:
            self.files[name] = answer

    def add_live(self, key: LiveKey, answer: Any, *, lasting: bool) -> None:
        """Keep a live data answer (`lasting`: one whose data declares no topics)."""
        kept = self.lasting if lasting else self.live
        if len(kept) < self.limit:
            kept[key] = answer


class SharedAnswers:
    """One process's shared answers (an app keeps one, in app.extensions)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.hits = 0  # answers served (for tests and benchmarks; not exact under threads)
        self._lock = threading.Lock()
        self._pages = _Kept(-1)  # titles and files, at the answers epoch
        self._live = _Kept(-1)  # live data, at the epoch
        self._lasting: dict[LiveKey, Any] = {}

    def at(self, answers_epoch: int, epoch: int) -> EpochAnswers | None:
        """The answers a render that read these epochs may use (new, empty sets where the last
        render read others), or None when sharing is off (a limit of 0)."""
        if self.limit <= 0:
            return None
        with self._lock:
            if self._pages.epoch != answers_epoch:
                self._pages = _Kept(answers_epoch)
            if self._live.epoch != epoch:
                self._live = _Kept(epoch)
            return EpochAnswers(self.limit, self._pages.titles, self._pages.files,
                                self._live.live, self._lasting, self)
