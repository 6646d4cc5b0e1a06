"""What an import did: counts, the revisions left out as older, the pages converted only
approximately and the pages that failed, with reasons. The CLI prints it, Special:Import shows
it as a page and the import log entry sums it up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from wiki.pages import ImportOutcome

MAX_LISTED = 200  # entries kept of each list; the rest are counted, so memory stays flat


@dataclass(frozen=True)
class OlderRevision:
    """A revision left out because its page already has a revision as new or newer."""

    title: str
    source_id: int | None
    timestamp: datetime


@dataclass(frozen=True)
class PageNote:
    """A page with what is to be said about it: why it failed, or what its conversion from
    wikitext could not carry over."""

    title: str
    notes: tuple[str, ...]


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


@dataclass
class ImportReport:
    """The running and final account of one import."""

    file_name: str
    dry_run: bool = False
    pages: int = 0  # pages read and imported, including those already up to date
    created: int = 0
    changed: int = 0  # pages that got at least one revision
    revisions: int = 0
    skipped: int = 0
    older_count: int = 0
    older: list[OlderRevision] = field(default_factory=list)
    approximate_count: int = 0
    approximate: list[PageNote] = field(default_factory=list)
    failed_count: int = 0
    failed: list[PageNote] = field(default_factory=list)
    error: str | None = None  # what stopped the import before the end of the file
    error_status: int = 400  # the HTTP status Special:Import answers such an error with

    def add(self, outcome: ImportOutcome, notes: tuple[str, ...], approximate: bool) -> None:
        """Count a page imported (or found up to date)."""
        self.pages += 1
        self.created += outcome.created
        self.changed += outcome.imported > 0
        self.revisions += outcome.imported
        self.skipped += outcome.skipped
        self.older_count += len(outcome.older)
        room = MAX_LISTED - len(self.older)
        self.older.extend(OlderRevision(outcome.title.full, revision.source_id, revision.timestamp)
                          for revision in outcome.older[:max(room, 0)])
        if approximate:
            self.approximate_count += 1
            if len(self.approximate) < MAX_LISTED:
                self.approximate.append(PageNote(outcome.title.full, notes))

    def fail(self, title: str, reason: str) -> None:
        """Count a page that was not imported, and say why."""
        self.failed_count += 1
        if len(self.failed) < MAX_LISTED:
            self.failed.append(PageNote(title, (reason,)))

    @property
    def complete(self) -> bool:
        """True when the whole file was read and every page in it imported."""
        return self.error is None and not self.failed_count

    def totals(self) -> str:
        """The counts in a few sentences."""
        verb = "would be imported" if self.dry_run else "imported"
        return (f"{_plural(self.pages + self.failed_count, 'page')} read: {self.pages:,} "
                f"{verb} ({self.created:,} new, {self.changed:,} with new revisions), "
                f"{self.failed_count:,} failed. Revisions: {self.revisions:,} {verb}, "
                f"{self.skipped:,} already there (skipped), {self.older_count:,} older than "
                "their page's latest revision (not spliced in). Converted approximately from "
                f"wikitext: {_plural(self.approximate_count, 'page')}.")

    def lines(self) -> list[str]:
        """The report as text, one line each."""
        lines = [f"{'Dry run of the import' if self.dry_run else 'Import'} of {self.file_name}: "
                 f"{self.totals()}"]
        if self.older:
            lines.append("Older than the page's latest revision, not spliced in:")
            lines += [f"  {o.title}: revision {o.source_id} of {o.timestamp:%Y-%m-%d %H:%M:%S} "
                      "UTC" for o in self.older]
            lines += self._more(self.older_count, len(self.older))
        if self.approximate:
            lines.append("Converted approximately from wikitext:")
            for page in self.approximate:
                lines.append(f"  {page.title}" + (": " + "; ".join(page.notes)
                                                   if page.notes else ""))
            lines += self._more(self.approximate_count, len(self.approximate))
        if self.failed:
            lines.append("Failed, nothing of them imported:")
            lines += [f"  {page.title}: {page.notes[0]}" for page in self.failed]
            lines += self._more(self.failed_count, len(self.failed))
        if self.error:
            lines.append(f"Stopped: {self.error}")
        return lines

    @staticmethod
    def _more(count: int, listed: int) -> list[str]:
        return [f"  ... and {count - listed:,} more"] if count > listed else []

    def log_details(self) -> str:
        """The import log entry's summary."""
        return (f'{_plural(self.changed, "page")} ({_plural(self.revisions, "revision")}) from '
                f'"{self.file_name}"')
