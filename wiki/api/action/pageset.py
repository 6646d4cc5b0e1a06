"""The pages a query is about: from titles=, pageids=, revids= or a generator, normalized as the
wiki normalizes titles, with redirects resolved on request. Missing and invalid titles get the
negative keys MediaWiki gives them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import sqlalchemy as sa

from wiki.api.action.errors import ApiError
from wiki.api.action.params import Param, Parsed
from wiki.db import db
from wiki.models import Page, Revision
from wiki.pages import redirect_target
from wiki.titles import SPECIAL, InvalidTitleError, Title, parse_title

MAX_REDIRECT_HOPS = 1
# The parameters that name pages directly, as every module taking a page set declares them.
SOURCES = ("titles", "pageids", "revids")
SOURCE_PARAMS = (
    Param("titles", multi=True, help="A list of titles to work on."),
    Param("pageids", "integer", multi=True, help="A list of page IDs to work on."),
    Param("revids", "integer", multi=True, help="A list of revision IDs to work on."),
)
REDIRECT_PARAMS = (
    Param("redirects", "boolean", help="Automatically resolve redirects."),
    Param("converttitles", "boolean", help="This wiki has no language variants."),
)


@dataclass
class PageRef:
    """One page of the set: its row if it exists, its title if valid, and its output entry."""

    key: int
    entry: dict[str, Any]
    title: Title | None = None
    page: Page | None = None

    @property
    def exists(self) -> bool:
        """Whether the page exists and can be read."""
        return self.page is not None


@dataclass
class PageSet:
    """The pages of one query and what was done to their titles on the way."""

    pages: list[PageRef] = field(default_factory=list)
    normalized: list[dict[str, str]] = field(default_factory=list)
    redirects: list[dict[str, str]] = field(default_factory=list)
    bad_revids: dict[str, dict[str, Any]] = field(default_factory=dict)
    revision_ids: list[int] = field(default_factory=list)
    _next_missing: int = -1
    _seen: set[tuple[int, str]] = field(default_factory=set)

    @property
    def existing(self) -> list[PageRef]:
        """The pages that exist, in set order."""
        return [ref for ref in self.pages if ref.page is not None]

    def _missing_key(self) -> int:
        key = self._next_missing
        self._next_missing -= 1
        return key

    def add_invalid(self, raw: str, reason: str) -> None:
        """A title that cannot be a page title."""
        self.pages.append(PageRef(self._missing_key(), {"title": raw, "invalidreason": reason,
                                                        "invalid": True}))

    def add_title(self, title: Title, page: Page | None) -> None:
        """A valid title, existing (page given) or missing; each title once."""
        if (title.namespace, title.text) in self._seen:
            return
        self._seen.add((title.namespace, title.text))
        if title.namespace == SPECIAL:
            self.pages.append(PageRef(self._missing_key(), {"ns": SPECIAL, "title": title.full,
                                                            "special": True}, title))
        elif page is None:
            self.pages.append(PageRef(self._missing_key(), {"ns": title.namespace,
                                                            "title": title.full,
                                                            "missing": True}, title))
        else:
            self.pages.append(PageRef(page.id, {"pageid": page.id, "ns": page.namespace,
                                                "title": title.full}, title, page))

    def add_outside(self, namespace: int, full_title: str) -> None:
        """A title of a namespace that holds no pages here (a wiki template, "Template:X"):
        missing, each once, and without a Title, so that no prop module looks for its page."""
        if (namespace, full_title) in self._seen:
            return
        self._seen.add((namespace, full_title))
        self.pages.append(PageRef(self._missing_key(), {"ns": namespace, "title": full_title,
                                                        "missing": True}))

    def add_missing_id(self, page_id: int) -> None:
        """A page id that names no readable page."""
        self.pages.append(PageRef(page_id, {"pageid": page_id, "missing": True}))

    def result(self) -> dict[str, Any]:
        """The keys the page set adds to ``query`` (pages are added by the caller)."""
        out: dict[str, Any] = {}
        if self.normalized:
            out["normalized"] = self.normalized
        if self.redirects:
            out["redirects"] = self.redirects
        if self.bad_revids:
            out["badrevids"] = self.bad_revids
        return out


@cache
def _one_page_query() -> sa.Select[Page]:
    """Built once: for one title (the commonest query) building costs more than running."""
    return sa.select(Page).where(
        Page.namespace == sa.bindparam("namespace"), Page.title == sa.bindparam("title"),
        Page.is_deleted.is_(False), Page.latest_revision_id.is_not(None))


def readable_pages(titles: list[Title]) -> dict[tuple[int, str], Page]:
    """Existing, undeleted pages for the titles, by (namespace, title)."""
    if not titles:
        return {}
    if len(titles) == 1:
        found = db.session.scalar(_one_page_query(), {"namespace": titles[0].namespace,
                                                      "title": titles[0].text})
        return {} if found is None else {(found.namespace, found.title): found}
    condition = sa.or_(*[sa.and_(Page.namespace == title.namespace, Page.title == title.text)
                         for title in titles])
    rows = db.session.scalars(sa.select(Page).where(condition, Page.is_deleted.is_(False),
                                                    Page.latest_revision_id.is_not(None)))
    return {(row.namespace, row.title): row for row in rows}


def _resolve_redirects(found: PageSet, titles: list[Title],
                       pages: dict[tuple[int, str], Page]) -> list[Title]:
    resolved: list[Title] = []
    targets: dict[Title, Title] = {}
    for title in titles:
        page = pages.get((title.namespace, title.text))
        if page is not None and page.is_redirect and page.latest_revision is not None:
            target = redirect_target(page.latest_revision.text)
            if target is not None and target != title:
                targets[title] = target
                found.redirects.append({"from": title.full, "to": target.full})
                resolved.append(target)
                continue
        resolved.append(title)
    missing = [target for target in targets.values()
               if (target.namespace, target.text) not in pages]
    pages.update(readable_pages(missing))
    return resolved


def from_titles(raw_titles: list[str], *, redirects: bool) -> PageSet:
    """The page set of titles=, in the order given."""
    found = PageSet()
    titles: list[Title] = []
    for raw in raw_titles:
        try:
            title = parse_title(raw)
        except InvalidTitleError as error:
            found.add_invalid(raw, str(error))
            continue
        if title.full != raw:
            found.normalized.append({"from": raw, "to": title.full})
        titles.append(title)
    pages = readable_pages(titles)
    if redirects:
        titles = _resolve_redirects(found, titles, pages)
    for title in titles:
        found.add_title(title, pages.get((title.namespace, title.text)))
    return found


def from_page_rows(rows: list[Page], *, redirects: bool) -> PageSet:
    """The page set of pages already found (by id, revision or generator), in that order."""
    titles = [Title(row.namespace, row.title) for row in rows]
    pages = {(row.namespace, row.title): row for row in rows}
    found = PageSet()
    if redirects:
        titles = _resolve_redirects(found, titles, pages)
    for title in titles:
        found.add_title(title, pages.get((title.namespace, title.text)))
    return found


def from_page_ids(page_ids: list[int], *, redirects: bool) -> PageSet:
    """The page set of pageids=."""
    rows = {row.id: row for row in db.session.scalars(
        sa.select(Page).where(Page.id.in_(page_ids), Page.is_deleted.is_(False),
                              Page.latest_revision_id.is_not(None)))}
    found = from_page_rows([rows[page_id] for page_id in page_ids if page_id in rows],
                           redirects=redirects)
    for page_id in page_ids:
        if page_id not in rows:
            found.add_missing_id(page_id)
    return found


def from_revision_ids(revision_ids: list[int]) -> PageSet:
    """The page set of revids=: the pages those revisions belong to (revisions of deleted pages
    are not found)."""
    rows = db.session.execute(
        sa.select(Revision.id, Page).join(Page, Page.id == Revision.page_id)
        .where(Revision.id.in_(revision_ids), Page.is_deleted.is_(False))).all()
    page_of = {revision_id: page for revision_id, page in rows}
    ordered: list[Page] = []
    for revision_id in revision_ids:
        page = page_of.get(revision_id)
        if page is not None and page not in ordered:
            ordered.append(page)
    found = from_page_rows(ordered, redirects=False)
    found.revision_ids = [revision_id for revision_id in revision_ids if revision_id in page_of]
    for revision_id in revision_ids:
        if revision_id not in page_of:
            found.bad_revids[str(revision_id)] = {"revid": revision_id, "missing": True}
    return found


def from_title_objects(titles: list[Title], *, redirects: bool) -> PageSet:
    """The page set of titles a generator named, existing or not, in that order."""
    pages = readable_pages(titles)
    found = PageSet()
    if redirects:
        titles = _resolve_redirects(found, titles, pages)
    for title in titles:
        found.add_title(title, pages.get((title.namespace, title.text)))
    return found


def require_one_source(given: list[str]) -> None:
    """Refuse a request that names its pages in more than one way."""
    if len(given) > 1:
        names = ", ".join(f'"{name}"' for name in given)
        raise ApiError("invalidparammix", f"The parameters {names} can not be used together.")


def given_sources(parsed: Parsed) -> list[str]:
    """Which of titles=, pageids= and revids= the request gives."""
    return [name for name in SOURCES if parsed.present(name)]


def from_sources(parsed: Parsed, *, redirects: bool) -> PageSet | None:
    """The page set titles=, pageids= or revids= names (the first given), or None."""
    if parsed.present("titles"):
        return from_titles(parsed["titles"], redirects=redirects)
    if parsed.present("pageids"):
        return from_page_ids(parsed["pageids"], redirects=redirects)
    if parsed.present("revids"):
        return from_revision_ids(parsed["revids"])
    return None
