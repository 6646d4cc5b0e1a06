"""A recording Lookups: answers a render's questions from the database and keeps each question
with its topic and its answer.

The render pipeline asks which titles exist, which files are uploaded, and calls live data;
this records what it asked (the topics the stored render will depend on) and what it was told,
so that a render made outside the write lock can be checked inside it (still_current) before
it is stored. Answers the process's other renders were given at the same epoch are taken from
wiki.shared_answers instead of the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from wiki.db import writing
from wiki.existence import existing_titles, page_exists
from wiki.extensions import LiveData
from wiki.invalidation import epoch, epochs, file_topic, title_topic
from wiki.markup import FileInfo, Lookups
from wiki.markup.wikitemplates import TemplateLibrary
from wiki.shared_answers import EpochAnswers, SharedAnswers
from wiki.titles import SPECIAL, Title


class _RecordedLive(Mapping[str, Callable[..., Any]]):
    """live.<name> for templates: each call is answered once per render and recorded."""

    def __init__(self, recorder: RecordingLookups) -> None:
        self._recorder = recorder

    def __getitem__(self, name: str) -> Callable[..., Any]:
        data = self._recorder.live_data[name]
        return lambda *args: self._recorder.call_live(data, args)

    def __iter__(self) -> Iterator[str]:
        return iter(self._recorder.live_data)

    def __len__(self) -> int:
        return len(self._recorder.live_data)


class RecordingLookups:
    """One render's view of the wiki: every question it asked, its topic and its answer."""

    def __init__(self, live_data: Mapping[str, LiveData], templates: TemplateLibrary,
                 special_pages: frozenset[str] = frozenset(),
                 spelling: Callable[[Title], Title | None] | None = None,
                 files: Callable[[str], FileInfo | None] | None = None,
                 shared: SharedAnswers | None = None) -> None:
        self.live_data = live_data
        # Another spelling of an existing page (a relations pair in other words) links blue:
        # the link leads there. Its answer is made of the two titles' own answers.
        self.spelling = spelling
        self.templates = templates
        # The app's special pages (lower-case names): a link to one is blue, never a question
        # for the database. They change only when the app is rebuilt, so no topic is recorded.
        self.special_pages = special_pages
        self.titles: dict[Title, bool] = {}  # each title asked about: is it a page itself
        self._linkable: dict[Title, bool] = {}
        self._known: dict[Title, bool] = {}  # prefetched answers, not yet asked for
        self.live_answers: dict[tuple[str, tuple[Any, ...]], Any] = {}
        # The uploaded files asked about (name after "File:") and what each was then.
        self.files = files
        self.file_answers: dict[str, FileInfo | None] = {}
        self.topics: set[str] = set()
        # Read before any answer, so that a later change shows in them.
        answers_epoch, self.epoch = epochs()
        # Inside a write transaction the answers may be its own uncommitted changes: not shared.
        self.shared: EpochAnswers | None = (
            shared.at(answers_epoch, self.epoch) if shared is not None and not writing()
            else None)

    def prefetch(self, titles: Iterable[Title]) -> None:
        """Learn which of these titles exist in a few batched queries."""
        wanted = [title for title in titles
                  if title not in self._known and title.namespace != SPECIAL]
        shared = self.shared
        if shared is not None:
            wanted = [title for title in wanted if not self._known_from(shared, title)]
        existing = existing_titles(wanted)
        answers = {title: title in existing for title in wanted}
        self._known.update(answers)
        if shared is not None:
            shared.add_titles(answers)

    def _known_from(self, shared: EpochAnswers, title: Title) -> bool:
        """Take the title's shared answer, if there is one, as prefetched."""
        answer = shared.titles.get(title)
        if answer is None:
            return False
        shared.hit()
        self._known[title] = answer
        return True

    def _is_page(self, title: Title) -> bool:
        if title not in self.titles:
            shared = self.shared
            if title not in self._known and not (shared and self._known_from(shared, title)):
                self._known[title] = page_exists(title)
                if shared is not None:
                    shared.add_titles({title: self._known[title]})
            self.titles[title] = self._known[title]
            self.topics.add(title_topic(title))
        return self.titles[title]

    def exists(self, title: Title) -> bool:
        """Whether the title is a page, or another spelling of one (asked once per render),
        or one of the app's special pages."""
        if title.namespace == SPECIAL:
            return title.text.partition("/")[0].lower() in self.special_pages
        if title not in self._linkable:
            found = self._is_page(title)
            if not found and self.spelling is not None:
                target = self.spelling(title)
                found = target is not None and target != title and self._is_page(target)
            self._linkable[title] = found
        return self._linkable[title]

    def call_live(self, data: LiveData, args: tuple[Any, ...]) -> Any:
        """A live data answer (asked once per render and arguments)."""
        key = (data.name, tuple(str(arg) for arg in args))
        if key not in self.live_answers:
            topics = set(data.topics(*key[1]))
            shared = self.shared
            kept = None if shared is None else shared.live if topics else shared.lasting
            if kept is not None and shared is not None and key in kept:
                shared.hit()
                self.live_answers[key] = kept[key]
            else:
                self.live_answers[key] = data.function(*key[1])
                if shared is not None:
                    shared.add_live(key, self.live_answers[key], lasting=not topics)
            self.topics.update(topics)
        return self.live_answers[key]

    def file(self, name: str) -> FileInfo | None:
        """The current version of an uploaded file, or None (asked once per render)."""
        if name not in self.file_answers:
            shared = self.shared
            if shared is not None and name in shared.files:
                shared.hit()
                self.file_answers[name] = shared.files[name]
            else:
                self.file_answers[name] = self.files(name) if self.files is not None else None
                if shared is not None:
                    shared.add_file(name, self.file_answers[name])
            self.topics.add(file_topic(name))
        return self.file_answers[name]

    def lookups(self) -> Lookups:
        """The Lookups to render with."""
        return Lookups(exists=self.exists, live=_RecordedLive(self), templates=self.templates,
                       prefetch=self.prefetch, file=self.file)

    def still_current(self) -> bool:
        """Whether every answer this render was given is still the answer now (called in the
        write lock): at once when nothing was invalidated since, else by asking again."""
        if epoch() == self.epoch:
            return True
        if self.titles:
            existing = existing_titles(self.titles)
            if any((title in existing) != answer for title, answer in self.titles.items()):
                return False
        if self.files is not None and any(
                self.files(name) != answer for name, answer in self.file_answers.items()):
            return False
        for (name, args), answer in self.live_answers.items():
            data = self.live_data.get(name)
            if data is None or data.function(*args) != answer:
                return False
        return True
