"""prop=categories: the categories each page of the set is in (from its latest revision), and
generator=categories: those category pages as the set to work on (existing or not)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wiki.api.action import continuation
from wiki.api.action.context import Context
from wiki.api.action.errors import bad_continue
from wiki.api.action.modules import ListResult, Module, ModuleRegistry, PropResult
from wiki.api.action.pageset import PageSet
from wiki.api.action.params import Param, Parsed, limit_param
from wiki.db import db
from wiki.models import CategoryLink
from wiki.titles import CATEGORY, InvalidTitleError, Title, parse_title

CATEGORY_PROPS = ("sortkey", "timestamp", "hidden")


def _filter(params: Parsed) -> set[str] | None:
    """The category names of ``categories=``, if given."""
    if not params.present("categories"):
        return None
    names: set[str] = set()
    for raw in params["categories"]:
        try:
            title = parse_title(raw, CATEGORY)
        except InvalidTitleError:
            continue
        if title.namespace == CATEGORY:
            names.add(title.text)
    return names


def _memberships(params: Parsed, found: PageSet, cont: str | None
                 ) -> tuple[list[tuple[int, str]], str | None]:
    """(page id, category) pairs of the set's existing pages, one batch in order, and the
    value that continues after it."""
    page_ids = [ref.key for ref in found.existing]
    if not page_ids:
        return [], None
    descending = params.get("dir") == "descending"
    query = sa.select(CategoryLink.from_page_id, CategoryLink.category).where(
        CategoryLink.from_page_id.in_(page_ids))
    wanted = _filter(params)
    if wanted is not None:
        if not wanted:
            return [], None
        query = query.where(CategoryLink.category.in_(wanted))
    if cont is not None:
        page_part, name_part = continuation.split(cont, 2)
        page_id = continuation.integer(page_part)
        if page_id not in page_ids:
            raise bad_continue()
        name = continuation.title_text(name_part, CATEGORY)
        after = sa.tuple_(CategoryLink.from_page_id, CategoryLink.category)
        query = query.where(after < sa.tuple_(sa.literal(page_id), sa.literal(name))
                            if descending else
                            after >= sa.tuple_(sa.literal(page_id), sa.literal(name)))
    order = (CategoryLink.from_page_id, CategoryLink.category)
    query = query.order_by(*(column.desc() for column in order) if descending else order)
    limit: int = params["limit"]
    rows = [(int(page_id), str(name))
            for page_id, name in db.session.execute(query.limit(limit + 1)).all()]
    following = None
    if len(rows) > limit:
        page_id, name = rows[limit]
        following = continuation.join(page_id, continuation.title_key(Title(CATEGORY, name)))
    return rows[:limit], following


def _entry(name: str, props: list[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"ns": CATEGORY, "title": Title(CATEGORY, name).full}
    if "sortkey" in props:
        entry["sortkey"] = ""
        entry["sortkeyprefix"] = ""
    return entry


def page_categories(context: Context, params: Parsed, found: PageSet, cont: str | None
                    ) -> PropResult:
    """prop=categories."""
    rows, following = _memberships(params, found, cont)
    per_page: dict[int, dict[str, Any]] = {}
    for page_id, name in rows:
        per_page.setdefault(page_id, {"categories": []})["categories"].append(
            _entry(name, params["prop"]))
    return PropResult(per_page, following)


def category_pages(context: Context, params: Parsed, found: PageSet, cont: str | None
                   ) -> ListResult:
    """generator=categories: the categories of the given pages, as pages."""
    rows, following = _memberships(params, found, cont)
    names = list(dict.fromkeys(name for _page_id, name in rows))
    return ListResult([{"_title": Title(CATEGORY, name)} for name in names], following)


def register(registry: ModuleRegistry) -> None:
    """Offer prop=categories (also as a generator)."""
    registry.add(Module(
        "categories", "prop", page_categories, "List all categories the pages belong to.",
        prefix="cl", page_generator=category_pages, params=(
            Param("prop", values=CATEGORY_PROPS, multi=True,
                  help="Which additional properties to get for each category."),
            Param("show", values=("hidden", "!hidden"), multi=True,
                  help="Which kind of categories to show (this wiki has no hidden ones)."),
            limit_param(help="How many categories to return."),
            Param("continue", help="When more results are available, use this to continue."),
            Param("categories", multi=True,
                  help="Only list these categories. Useful for checking whether a certain page "
                       "is in a certain category."),
            Param("dir", values=("ascending", "descending"), default="ascending",
                  help="The direction in which to list."),
        )))
