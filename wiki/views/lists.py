"""Special pages that list pages (RecentChanges, RecentChangesLinked, AllPages, Random,
WhatLinksHere, WantedPages, Categories), the member list under a Category: page, and the
Article/Talk tabs' page existence.

Each view checks its parameters strictly (a bad one is a 400, never a 500), calls one query of
wiki.lists, and renders a template or, for ?feed=atom, a feed. Each list answers a conditional
GET from one small query first (see wiki.views.conditional).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, overload

from flask import Flask, Response, g, make_response, redirect, render_template, request
from flask.typing import ResponseReturnValue

from wiki import clock, lists
from wiki.errors import BadParameter
from wiki.existence import existing_titles
from wiki.titles import CATEGORY, MAIN, NAMESPACES, Title, page_url, parse_title, subject_and_talk
from wiki.views import conditional, feeds, special
from wiki.views.helpers import int_arg, parse_int

MAX_LIMIT = 500  # rows per page of any list
MAX_OFFSET = 10_000_000
MAX_DAYS = 3650
LIMIT_CHOICES = (50, 100, 250, 500)
DAY_CHOICES = (1, 3, 7, 30, 90)
CATEGORY_PAGE_SIZE = 200  # members listed per page of a category
_SUBJECT_LABELS = {MAIN: "Article", CATEGORY: "Category"}


def _flag(name: str) -> bool:
    """A 0/1 query parameter; absent means 0."""
    raw = request.args.get(name, "")
    if raw not in ("", "0", "1"):
        raise BadParameter(f'The parameter "{name}" must be 0 or 1, not "{raw[:50]}".')
    return raw == "1"


def _limit(default: int) -> int:
    """The limit parameter: rows per page."""
    return int_arg("limit", default, minimum=1, maximum=MAX_LIMIT)


def _offset() -> int:
    """The offset parameter: rows skipped."""
    return int_arg("offset", 0, minimum=0, maximum=MAX_OFFSET)


@overload
def _namespace(default: int) -> int: ...


@overload
def _namespace(default: None) -> int | None: ...


def _namespace(default: int | None) -> int | None:
    """The namespace parameter: a name ("Talk"; "all" where the default is every namespace) or
    a number, read by the one integer parser; `default` when absent or empty."""
    raw = request.args.get("namespace")
    if not raw:
        return default
    if not any(char.isalpha() for char in raw):  # not a name: it must be a number
        raw = str(parse_int("namespace", raw, minimum=min(NAMESPACES), maximum=max(NAMESPACES)))
    namespace = lists.parse_namespace(raw, default=default)
    if namespace is None and default is not None:
        raise BadParameter('"all" namespaces cannot be listed here; name one.')
    return namespace


def _namespace_choices() -> list[tuple[int, str]]:
    """(number, name) of each namespace a reader can pick."""
    return [(n, NAMESPACES[n] or "(Main)") for n in lists.LISTED_NAMESPACES]


@special.special_page("RecentChanges", "The latest edits across the wiki", sidebar="Recent changes",
                  order=10)
def recent_changes(_subpage: str) -> ResponseReturnValue:
    """Newest edits first, with filters for minor edits, namespace and age; or their feed. 304
    while the reader's copy is current (see `_changes_validator`)."""
    as_feed = feeds.wants_feed()
    hide_minor = _flag("hideminor")
    namespace = _namespace(None)
    days = int_arg("days", None, minimum=1, maximum=MAX_DAYS)
    limit, offset = _limit(50), _offset()
    now = clock.utcnow()
    mark = lists.changes_mark(days=days, now=now)
    filters: dict[str, Any] = {"hideminor": 1 if hide_minor else None, "namespace": namespace,
                               "days": days, "limit": limit}

    def build() -> Response:
        changes, more = lists.recent_changes(limit=limit, offset=offset, hide_minor=hide_minor,
                                             namespace=namespace, days=days, now=now)
        if as_feed:
            return feeds.recent_changes_feed(changes, filters, mark)
        return make_response(render_template(
            "special/recent_changes.html", changes=changes, more=more, offset=offset,
            filters=filters, hide_minor=hide_minor, namespace=namespace, days=days, limit=limit,
            namespaces=_namespace_choices(), day_choices=DAY_CHOICES,
            limit_choices=LIMIT_CHOICES, list_page="Special:RecentChanges", related=False,
            target=None,
        ))

    return conditional.answer(lambda: _changes_validator(mark), build)


def _changes_validator(mark: lists.ChangesMark) -> conditional.Validator:
    """The validator of a list of changes: the list's URL (its filters) and the mark of every
    such list, read before the list with the same `now`. Nothing else they show can change: a
    revision is never altered, a page never renamed, and links change only with a revision, a
    deletion or a restoration (see lists.changes_mark)."""
    return conditional.validator("changes", mark.parts, mark.modified, mark.changes_at)


@special.special_page("RecentChangesLinked",
                      "Related changes: recent edits to the pages a page links to (or from)")
def recent_changes_linked(subpage: str) -> ResponseReturnValue:
    """Special:RecentChangesLinked/<Title> (or ?target=): the recent changes of the pages the
    title links to, or with target_links_to=1 of the pages linking to it; a form without one.
    304 while the reader's copy is current, as for Special:RecentChanges."""
    raw = subpage or request.args.get("target", "")
    hide_minor, links_to = _flag("hideminor"), _flag("target_links_to")
    namespace = _namespace(None)
    days = int_arg("days", None, minimum=1, maximum=MAX_DAYS)
    limit, offset = _limit(50), _offset()
    target = parse_title(raw) if raw.strip() else None
    now = clock.utcnow()
    mark = lists.changes_mark(days=days, now=now)

    def build() -> Response:
        changes: list[lists.Change] = []
        more = False
        if target is not None:
            changes, more = lists.recent_changes(
                limit=limit, offset=offset, hide_minor=hide_minor, namespace=namespace,
                days=days, now=now, pages=lists.linked_pages(target, links_to=links_to))
        filters: dict[str, Any] = {"hideminor": 1 if hide_minor else None,
                                   "namespace": namespace, "days": days, "limit": limit,
                                   "target_links_to": 1 if links_to else None}
        return make_response(render_template(
            "special/recent_changes.html", changes=changes, more=more, offset=offset,
            filters=filters, hide_minor=hide_minor, namespace=namespace, days=days, limit=limit,
            namespaces=_namespace_choices(), day_choices=DAY_CHOICES,
            limit_choices=LIMIT_CHOICES,
            list_page=("Special:RecentChangesLinked/" + target.full) if target
            else "Special:RecentChangesLinked",
            related=True, target=target, links_to=links_to,
            target_exists=bool(existing_titles([target])) if target else False,
        ))

    return conditional.answer(lambda: _changes_validator(mark), build)


@special.special_page("Random", "A random article", sidebar="Random page", order=20)
def random_page(subpage: str) -> ResponseReturnValue:
    """Redirect to a random non-redirect page (of the namespace named after a slash)."""
    namespace = lists.parse_namespace(subpage or None, default=MAIN)
    assert namespace is not None
    title = lists.random_page(namespace)
    response = redirect(page_url(title or "Main Page"))
    response.headers["Cache-Control"] = "no-store"
    return response


@special.special_page("AllPages", "Every page of a namespace in alphabetical order",
                  sidebar="All pages", order=30)
def all_pages(subpage: str) -> ResponseReturnValue:
    """Pages of a namespace from ?from= (or Special:AllPages/<from>), in title order."""
    namespace = _namespace(MAIN)
    start = lists.start_text(request.args.get("from") or subpage)
    limit = _limit(200)

    def build() -> Response:
        entries, next_from = lists.all_pages(namespace, start, limit)
        return make_response(render_template(
            "special/all_pages.html", entries=entries, next_from=next_from, start=start,
            namespace=namespace, limit=limit, namespaces=_namespace_choices(),
        ))

    return conditional.answer(lambda: conditional.pages_validator("allpages"), build)


@special.special_page("WhatLinksHere", "The pages that link to a page, and its redirects")
def what_links_here(subpage: str) -> ResponseReturnValue:
    """Backlinks of Special:WhatLinksHere/<Title> (or ?target=); a form without a title."""
    raw = subpage or request.args.get("target", "")
    target = parse_title(raw) if raw.strip() else None
    limit, offset = _limit(50), _offset()

    def build() -> Response:
        if target is None:
            return make_response(render_template("special/what_links_here.html", target=None))
        entries, more = lists.what_links_here(target, limit, offset)
        return make_response(render_template(
            "special/what_links_here.html", target=target, entries=entries, more=more,
            limit=limit, offset=offset,
            target_exists=bool(existing_titles([target])),
        ))

    return conditional.answer(lambda: conditional.pages_validator("whatlinkshere"), build)


@special.special_page("WantedPages", "Pages that do not exist yet, by how many pages link to them")
def wanted_pages(_subpage: str) -> ResponseReturnValue:
    """Red links ranked by the number of pages wanting them."""
    limit, offset = _limit(100), _offset()

    def build() -> Response:
        entries, more = lists.wanted_pages(limit, offset)
        return make_response(render_template("special/wanted_pages.html", entries=entries,
                                             more=more, limit=limit, offset=offset))

    return conditional.answer(lambda: conditional.pages_validator("wantedpages"), build)


@special.special_page("Categories", "Every category with the number of its pages")
def categories(subpage: str) -> ResponseReturnValue:
    """Categories in name order from ?from=, with member counts."""
    start = lists.start_text(request.args.get("from") or subpage)
    limit = _limit(200)

    def build() -> Response:
        entries, next_from = lists.categories(start, limit)
        return make_response(render_template("special/categories.html", entries=entries,
                                             next_from=next_from, start=start, limit=limit))

    return conditional.answer(lambda: conditional.pages_validator("categories"), build)


@dataclass(frozen=True)
class CategoryListing:
    """The members shown under a Category: page, from ?pagefrom=, and where the next batch
    starts."""

    name: str
    members: list[lists.Listed]
    start: str
    next_from: str | None


def category_listing(title: Title) -> CategoryListing | None:
    """The members of a Category: title for its page; None in other namespaces."""
    if title.namespace != CATEGORY:
        return None
    start = lists.start_text(request.args.get("pagefrom"))
    members, next_from = lists.category_members(title.text, start, CATEGORY_PAGE_SIZE)
    return CategoryListing(title.text, members, start, next_from)


def missing_category(title: Title) -> ResponseReturnValue | None:
    """A category with members but no page of its own: its list, 200. None otherwise."""
    listing = category_listing(title)
    if listing is None or not (listing.members or listing.start):
        return None
    return render_template("articles/category.html", title=title, category=listing)


@dataclass(frozen=True)
class TalkTabs:
    """The two tabs of a subject page and its talk page, and which of them exist."""

    subject: Title
    talk: Title
    subject_label: str
    subject_exists: bool
    talk_exists: bool
    on_talk: bool


def talk_tabs(title: Title | str) -> TalkTabs | None:
    """Tabs for a page with a talk namespace (one query per title and request), else None."""
    if isinstance(title, str):
        title = parse_title(title)
    pair = subject_and_talk(title)
    if pair is None:
        return None
    cache: dict[Title, TalkTabs] = g.setdefault("talk_tabs", {})
    if title not in cache:
        subject, talk = pair
        existing = lists.existing_pair(subject, talk)
        label = _SUBJECT_LABELS.get(subject.namespace, f"{NAMESPACES[subject.namespace]} page")
        cache[title] = TalkTabs(subject, talk, label, subject in existing, talk in existing,
                                title == talk)
    return cache[title]


def init_app(app: Flask) -> None:
    """Register the list pages and offer the tabs' page existence to templates."""
    special.register_declared(app, sys.modules[__name__])
    app.jinja_env.globals["talk_tabs"] = talk_tabs
