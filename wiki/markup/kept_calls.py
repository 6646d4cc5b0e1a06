"""Template calls rendered once and reused while every answer they were given still holds.

What a call renders to depends on its compiled templates, its arguments as typed, and what it
asked about the wiki while rendering: which titles exist, which files are uploaded, live data.
A rendered call is kept (in its TemplateLibrary, bounded in bytes) with all three. The same call
later is reused only when the same compiled templates are current and each question, asked anew
in the order it was first asked, gets the same answer: the new render's Lookups record the
questions as if the call had rendered (so a stored render still depends on every topic the call
consulted), and one different answer renders the call afresh. So a kept call is never stale and
nothing needs dropping when the wiki changes, in this process or another.

What the call left in the page's render (the links and categories its parameters made, the
templates it used, the template calls and output it counted against the page's limits) is kept
too and added again on reuse. A call that hit a limit, failed, or rendered a notice (an unknown
template, too deep) is not kept, nor is any call whose parameters hold one: a template added later
must show at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from wiki.markup.files import FileInfo
from wiki.markup.images import file_finder
from wiki.markup.limits import MAX_EXPANDED_BYTES, MAX_TEMPLATE_CALLS, Budget
from wiki.markup.templates import TemplateCall
from wiki.markup.wikitemplates import (
    TemplateLibrary,
    link_maker,
    loaded_templates,
    render_call,
)
from wiki.titles import Title

if TYPE_CHECKING:
    from wiki.markup import Lookups

# (template key, name as typed, block, positional arguments, named parameters, depth)
CallKey = tuple[str, str, bool, tuple[str, ...], tuple[tuple[str, str], ...], int]
# ("exists", title, bool), ("file", name, FileInfo | None), ("has live", name, bool),
# ("live names", None, names) or ("live", (name, args), answer)
Answer = tuple[str, Any, Any]
# Renders a template parameter: (text, lookups, depth, the page's collected results) -> markup
FragmentRenderer = Callable[[str, "Lookups", int, dict[str, Any]], Markup]

# Set in a page's or call's collected results when a call inside was not kept (a notice, a
# failure, a limit hit): an unknown template asks nothing, so a call around it is not kept either.
UNKEPT = "calls not kept"
# In a page's collected results: the template files and compiled templates its render found.
_CHECKED = "templates checked"
_ENTRY_OVERHEAD = 512  # bytes counted per kept call besides its texts and answers
_ANSWER_SIZE = 128


@dataclass(frozen=True, slots=True)
class KeptCall:
    """A rendered call and everything it depended on and left behind."""

    templates: tuple[tuple[str, jinja2.Template], ...]
    answers: tuple[Answer, ...]
    output: Markup
    links: tuple[Title, ...]
    categories: tuple[str, ...]
    uses: tuple[tuple[str, str], ...]
    template_calls: int
    expanded_bytes: int
    size: int


class _AnswerRecorder:
    """Lookups that pass each question on and note it with its answer, in order."""

    def __init__(self, lookups: Lookups) -> None:
        self._lookups = lookups
        self.answers: list[Answer] = []

    def exists(self, title: Title) -> bool:
        answer = self._lookups.exists(title)
        self.answers.append(("exists", title, answer))
        return answer

    def file(self, name: str) -> FileInfo | None:
        answer = self._lookups.file(name)
        self.answers.append(("file", name, answer))
        return answer

    def has_live(self, name: str) -> bool:
        answer = name in self._lookups.live
        self.answers.append(("has live", name, answer))
        return answer

    def live_names(self) -> tuple[str, ...]:
        answer = tuple(self._lookups.live)
        self.answers.append(("live names", None, answer))
        return answer

    def call_live(self, name: str, args: tuple[Any, ...]) -> Any:
        answer = self._lookups.live[name](*args)
        self.answers.append(("live", (name, args), answer))
        return answer


class _RecordedLive(Mapping[str, Callable[..., Any]]):
    """live.<name> for a call being kept: which names there are and each call of live data go
    through the recorder (a pure render may be given any live data, so even the names are
    answers)."""

    def __init__(self, recorder: _AnswerRecorder, live: Mapping[str, Callable[..., Any]]) -> None:
        self._recorder = recorder
        self._live = live

    def __getitem__(self, name: str) -> Callable[..., Any]:
        if not self._recorder.has_live(name):
            raise KeyError(name)
        return lambda *args: self._recorder.call_live(name, args)

    def __iter__(self) -> Iterator[str]:
        return iter(self._recorder.live_names())

    def __len__(self) -> int:
        return len(self._recorder.live_names())


def render(call: TemplateCall, depth: int, lookups: Lookups, collected: dict[str, Any],
           render_fragment: FragmentRenderer) -> Markup:
    """The call's output: reused when kept and still right, else rendered (and kept).

    `lookups` is the page's wiki.markup.Lookups; `collected` the page's results so far (its
    budget, links, categories and templates used), which the call adds to."""
    library = lookups.templates
    key: CallKey = (call.key, call.name, call.block, call.positional, call.named, depth)
    kept = library.kept.get(key)
    if kept is not None and _reuse(kept, call, library, lookups, collected):
        library.kept_reused += 1
        return kept.output
    library.kept_rendered += 1
    return _render_and_keep(key, call, depth, library, lookups, collected, render_fragment)


def _reuse(kept: KeptCall, call: TemplateCall, library: TemplateLibrary, lookups: Lookups,
           collected: dict[str, Any]) -> bool:
    """Add a kept call's results to the page if it still holds; False (and nothing added
    except the questions asked) when it does not."""
    budget: Budget = collected["budget"]
    if (budget.template_calls + kept.template_calls > MAX_TEMPLATE_CALLS
            or budget.expanded_bytes + kept.expanded_bytes > MAX_EXPANDED_BYTES):
        return False  # the page is near its limits: render, so the limit shows where it falls
    budget.check_time()
    if not _same_templates(kept, call, library, collected.setdefault(_CHECKED, {})):
        return False
    if not all(_answer_now(lookups, kind, question) == answer
               for kind, question, answer in kept.answers):
        return False
    budget.template_calls += kept.template_calls
    budget.expanded_bytes += kept.expanded_bytes
    collected.setdefault("links", {}).update(dict.fromkeys(kept.links))
    collected.setdefault("categories", {}).update(dict.fromkeys(kept.categories))
    collected.setdefault("templates", {}).update(dict.fromkeys(kept.uses))
    outer = loaded_templates.get()
    if outer is not None:
        outer.extend(kept.templates)
    return True


def _same_templates(kept: KeptCall, call: TemplateCall, library: TemplateLibrary,
                    checked: dict[str, Any]) -> bool:
    """Whether the call would load the same compiled templates now (Jinja reloads a template
    whose file changed; an operator's folder may now define the template). `checked` holds
    what this page's render found already: each file name and template is looked up (a file
    system check each) once per render."""
    token = loaded_templates.set(None)  # checking is not loading: note nothing
    try:
        if f"key:{call.key}" not in checked:
            checked[f"key:{call.key}"] = library.name(call.key)
        if checked[f"key:{call.key}"] != kept.templates[0][0]:
            return False
        for name, template in kept.templates:
            if f"name:{name}" not in checked:
                checked[f"name:{name}"] = library.environment.get_template(name)
            if checked[f"name:{name}"] is not template:
                return False
        return True
    finally:
        loaded_templates.reset(token)


def _answer_now(lookups: Lookups, kind: str, question: Any) -> Any:
    if kind == "exists":
        return lookups.exists(question)
    if kind == "file":
        return lookups.file(question)
    if kind == "has live":
        return question in lookups.live
    if kind == "live names":
        return tuple(lookups.live)
    name, args = question
    return lookups.live[name](*args)


def _render_and_keep(key: CallKey, call: TemplateCall, depth: int, library: TemplateLibrary,
                     lookups: Lookups, collected: dict[str, Any],
                     render_fragment: FragmentRenderer) -> Markup:
    budget: Budget = collected["budget"]
    recorder = _AnswerRecorder(lookups)
    recording = dataclasses.replace(lookups, exists=recorder.exists, file=recorder.file,
                                    live=_RecordedLive(recorder, lookups.live))
    own: dict[str, Any] = {"budget": budget, "links": {}, "categories": {}, "templates": {}}
    links: dict[Title, None] = own["links"]
    calls_before, bytes_before, limits_before = (
        budget.template_calls, budget.expanded_bytes, len(budget.hit))

    def fragment(value: str) -> Markup:
        return render_fragment(value, recording, depth + 1, own)

    loaded: list[tuple[str, jinja2.Template]] = []
    token = loaded_templates.set(loaded)
    try:
        output, rendered = render_call(
            call, fragment, link_maker(recording.exists, lambda title: links.__setitem__(
                title, None)),
            recording.live, depth, library,
            file=file_finder(recording.file, lambda title: links.__setitem__(title, None)))
    finally:
        loaded_templates.reset(token)
    outer = loaded_templates.get()
    if outer is not None:
        outer.extend(loaded)
    for name in ("links", "categories", "templates"):
        collected.setdefault(name, {}).update(own[name])
    keepable = rendered and not own.get(UNKEPT) and len(budget.hit) == limits_before
    if not keepable:  # nor is any call around this one: its output holds this one's
        collected[UNKEPT] = True
        return output
    if loaded:
        answers = tuple(recorder.answers)
        library.kept.put(key, KeptCall(
            templates=tuple(loaded), answers=answers, output=output,
            links=tuple(own["links"]), categories=tuple(own["categories"]),
            uses=tuple(own["templates"]),
            template_calls=budget.template_calls - calls_before,
            expanded_bytes=budget.expanded_bytes - bytes_before,
            size=_ENTRY_OVERHEAD + len(output) + _ANSWER_SIZE * len(answers)
            + sum(map(len, call.positional)) + sum(len(v) for _n, v in call.named)))
    return output
