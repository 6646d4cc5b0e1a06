"""The extension points of one app, filled in create_app: live data that wiki templates show,
special pages, what a missing page offers or where it sends its readers, listeners that say which
render topics a change to a page affects, upgrade steps that bring stored pages up to date, and
filters that adjust a stored render as a view shows it. Nothing registers itself at import, so two
apps in one process share nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from flask.typing import ResponseReturnValue
from markupsafe import Markup

if TYPE_CHECKING:
    from wiki.invalidation import PageChange
    from wiki.titles import Title

EXTENSION_KEY = "wiki.registry"


@dataclass(frozen=True)
class LiveData:
    """Data a wiki template may show as live.<name>(...), and the topics its answer for given
    arguments depends on (a write that changes one of them re-renders the pages showing it)."""

    name: str
    function: Callable[..., Any]
    topics: Callable[..., Iterable[str]]


@dataclass(frozen=True)
class SpecialPage:
    """A page at Special:<name>: its view (given the subpage), a line about it, and its sidebar
    label (None for no sidebar entry), lower `order` first."""

    name: str
    description: str
    view: Callable[[str], ResponseReturnValue]
    sidebar: str | None = None
    order: int = 50


@dataclass(frozen=True)
class MissingPageOffer:
    """Something a missing title can offer besides "create this page"."""

    href: str
    label: str
    note: str = ""


ChangeListener = Callable[["PageChange"], Iterable[str]]
OfferMaker = Callable[["Title"], MissingPageOffer | None]
# A title with no page -> the existing page it stands for, read as a redirect would be.
TitleResolver = Callable[["Title"], "Title | None"]
# Brings pages stored under older rules up to date; returns one line per change it made.
UpgradeStep = Callable[[], list[str]]
# A render's trusted HTML -> the HTML a view shows; must keep it safe.
ViewFilter = Callable[[str], str]


@dataclass
class Registry:
    """Everything extensions registered with one app."""

    live_data: dict[str, LiveData] = field(default_factory=dict)
    special_pages: dict[str, SpecialPage] = field(default_factory=dict)
    missing_page_offers: list[OfferMaker] = field(default_factory=list)
    missing_page_resolvers: list[TitleResolver] = field(default_factory=list)
    title_spellings: list[TitleResolver] = field(default_factory=list)
    change_listeners: list[ChangeListener] = field(default_factory=list)
    upgrade_steps: list[UpgradeStep] = field(default_factory=list)
    view_filters: list[ViewFilter] = field(default_factory=list)

    def add_live_data(self, name: str, function: Callable[..., Any],
                      topics: Callable[..., Iterable[str]]) -> None:
        """Offer live.<name> to wiki templates, with what invalidates its answers."""
        self.live_data[name] = LiveData(name, function, topics)

    def add_special_page(self, page: SpecialPage) -> None:
        """Answer Special:<name> (case-insensitively) with this page."""
        self.special_pages[page.name.lower()] = page

    def add_missing_page_offer(self, maker: OfferMaker) -> None:
        """Let a domain offer something on missing pages."""
        self.missing_page_offers.append(maker)

    def add_missing_page_resolver(self, resolver: TitleResolver) -> None:
        """Let a domain send readers of a title with no page to the page it stands for, as a
        stored redirect would ("Portugal-East Timor relations" to "Portugal–Timor-Leste
        relations"). Asked on every view of a missing title, never cached: its answer depends
        on whether the target exists now."""
        self.missing_page_resolvers.append(resolver)

    def add_title_spelling(self, spelling: TitleResolver) -> None:
        """Let a domain name the title another spelling stands for, without asking the database
        (the same answer a missing-page resolver gives when that page exists): links to the
        spelling are then blue when the page it stands for exists."""
        self.title_spellings.append(spelling)

    def canonical_spelling(self, title: Title) -> Title | None:
        """The title a spelling stands for, by the first domain that knows one."""
        for spelling in self.title_spellings:
            target = spelling(title)
            if target is not None and target != title:
                return target
        return None

    def resolve_missing(self, title: Title) -> Title | None:
        """The page a title with no page stands for, by the first resolver that knows one."""
        for resolver in self.missing_page_resolvers:
            target = resolver(title)
            if target is not None and target != title:
                return target
        return None

    def add_upgrade_step(self, step: UpgradeStep) -> None:
        """Let a domain bring pages stored under older rules up to date (run by `flask init`
        and `flask seed`, through the one writer)."""
        self.upgrade_steps.append(step)

    def add_change_listener(self, listener: ChangeListener) -> None:
        """Let a domain name the topics a change to a page affects (e.g. its relations lists)."""
        self.change_listeners.append(listener)

    def add_view_filter(self, view_filter: ViewFilter) -> None:
        """Let a domain adjust a render's HTML each time a view shows it, for what changes with
        the app's code rather than with any page (the relations domain adds the map data
        version to map URLs), so that stored renders need not be dropped when it changes."""
        self.view_filters.append(view_filter)

    def shown(self, html: Markup) -> Markup:
        """A render's HTML as views show it: passed through every view filter."""
        if not self.view_filters:
            return html
        text = str(html)
        for view_filter in self.view_filters:
            text = view_filter(text)
        return Markup(text)  # the render's trusted HTML, which each filter keeps safe

    def sidebar(self) -> list[SpecialPage]:
        """Special pages with a sidebar label, lower order first."""
        listed = [page for page in self.special_pages.values() if page.sidebar]
        return sorted(listed, key=lambda page: page.order)


def init_app(app: Flask) -> Registry:
    """Give the app an empty registry (create_app fills it)."""
    registry = Registry()
    app.extensions[EXTENSION_KEY] = registry
    return registry


def registry(app: Flask | None = None) -> Registry:
    """The registry of the given app, or of the current one."""
    found: Registry = (app or current_app).extensions[EXTENSION_KEY]
    return found
