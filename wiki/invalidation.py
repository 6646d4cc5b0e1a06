"""Topics: what a stored render consulted, and which writes change it.

A topic names one answer a render was given:
- ``title:<namespace>:<text>``: whether that title is a page, and whether it is a redirect;
- ``template:<key>``: a wiki template's source;
- ``category:<name>``: which pages are in a category (what a category page lists);
- ``file:<name>``: an uploaded file's current version (what an image on a page shows);
- ``fileusage:<name>``: which pages show a file (what its File: page lists);
- whatever live data declares for its answers (``relations:SRB``, say).

Each stored render keeps its topics (the render_dependencies table). A write describes what it
did to a page as a PageChange; changed_topics() names the topics whose answers that changes,
asking every listener the app registered for the topics of its own data; invalidate() then drops
exactly the renders that consulted one of them, and counts the write in the epoch: a render
that began at the epoch still current when it is stored saw no answer change. A write that
invalidates a title or file topic also counts in the answers epoch, which the renders of one
process use to share those answers (wiki.shared_answers). Nothing here knows any particular
extension.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from wiki import purge
from wiki.db import db
from wiki.existence import is_readable
from wiki.extensions import Registry
from wiki.models import (
    CategoryLink,
    InvalidationEpoch,
    Link,
    Page,
    RenderDependency,
    RenderedRevision,
    table,
)
from wiki.titles import Title

BATCH = 400  # topics per statement
EPOCH_ROW = 1  # counts every invalidating write
ANSWERS_ROW = 2  # counts the writes that change whether a title is a page, or what a file is
ANSWER_TOPICS = ("title:", "file:")  # the topics of those answers (see wiki.shared_answers)


def title_topic(title: Title) -> str:
    """The topic of a title's state: a page or not, a redirect or not."""
    return f"title:{title.namespace}:{title.text}"


def template_topic(key: str) -> str:
    """The topic of a wiki template's source."""
    return f"template:{key}"


def category_topic(name: str) -> str:
    """The topic of a category's member list."""
    return f"category:{name}"


def file_topic(name: str) -> str:
    """The topic of an uploaded file's current version (name without "File:")."""
    return f"file:{name}"


def file_usage_topic(name: str) -> str:
    """The topic of the pages that show an uploaded file (they link to its File: title)."""
    return f"fileusage:{name}"


@dataclass(frozen=True)
class PageState:
    """What other pages can see of one page: whether it is readable, whether it redirects, and
    the categories and links of its latest revision."""

    exists: bool = False
    is_redirect: bool = False
    categories: frozenset[str] = frozenset()
    links: frozenset[Title] = frozenset()


MISSING = PageState()


@dataclass(frozen=True)
class PageChange:
    """One write's effect on one page."""

    title: Title
    before: PageState
    after: PageState


def page_state(page: Page | None) -> PageState:
    """A page's state as stored now (MISSING for no page, or a deleted one)."""
    if not is_readable(page) or page.id is None:
        return MISSING
    categories = db.session.scalars(_CATEGORIES, {"page": page.id})
    links = db.session.execute(_LINKS, {"page": page.id})
    return PageState(
        exists=True,
        is_redirect=bool(page.is_redirect),
        categories=frozenset(categories),
        links=frozenset(Title(namespace, text) for namespace, text in links),
    )


def changed_topics(change: PageChange, registry: Registry) -> set[str]:
    """The topics whose answers this change alters, the listeners' included."""
    before, after = change.before, change.after
    topics: set[str] = set()
    if (before.exists, before.is_redirect) != (after.exists, after.is_redirect):
        topics.add(title_topic(change.title))
    topics.update(category_topic(name) for name in before.categories ^ after.categories)
    for listener in registry.change_listeners:
        topics.update(listener(change))
    return topics


# The counters and stored renders as plain tables: these statements run on every save and
# render, and the ORM's handling of a statement costs several times what running it does.
_epochs = table(InvalidationEpoch)
_renders = table(RenderedRevision)
_dependencies = table(RenderDependency)
_EPOCH = sa.select(_epochs.c.value).where(_epochs.c.id == EPOCH_ROW)
_EPOCHS = sa.select(_epochs.c.id, _epochs.c.value).where(
    _epochs.c.id.in_((EPOCH_ROW, ANSWERS_ROW)))

_categories = table(CategoryLink)
_links = table(Link)
_CATEGORIES = sa.select(_categories.c.category).where(
    _categories.c.from_page_id == sa.bindparam("page"))
_LINKS = sa.select(_links.c.to_namespace, _links.c.to_title).where(
    _links.c.from_page_id == sa.bindparam("page"))

_BUMP = sa.update(_epochs).where(_epochs.c.id.in_(sa.bindparam("rows", expanding=True))
                                 ).values(value=_epochs.c.value + 1)
_DROP = sa.delete(_renders).where(_renders.c.revision_id.in_(
    sa.select(_dependencies.c.revision_id).where(
        _dependencies.c.topic.in_(sa.bindparam("topics", expanding=True)))))


def epoch() -> int:
    """How many invalidating writes have committed (as this transaction sees it)."""
    return db.session.scalar(_EPOCH) or 0


def epochs() -> tuple[int, int]:
    """The answers epoch (writes that changed whether a title is a page or what a file is) and
    the epoch (every invalidating write), in one query."""
    rows: dict[int, int] = dict(db.session.execute(_EPOCHS).all())
    return rows.get(ANSWERS_ROW, 0), rows.get(EPOCH_ROW, 0)


def invalidate(topics: Iterable[str]) -> int:
    """Drop every stored render that consulted one of the topics (in the caller's write
    transaction) and count the write in the epoch; returns how many renders were dropped."""
    wanted = sorted(set(topics))
    if not wanted:
        return 0
    purge.schedule_consumers(wanted)
    rows = [EPOCH_ROW]
    if any(topic.startswith(ANSWER_TOPICS) for topic in wanted):
        rows.append(ANSWERS_ROW)
    db.session.execute(_BUMP, {"rows": rows})
    dropped = 0
    for start in range(0, len(wanted), BATCH):
        result = db.session.execute(_DROP, {"topics": wanted[start:start + BATCH]})
        dropped += getattr(result, "rowcount", 0) or 0
    return dropped


def publish(changes: Iterable[PageChange], registry: Registry) -> set[str]:
    """Invalidate what these changes alter, and purge the changed pages from cache servers;
    returns the topics."""
    changes = list(changes)
    purge.schedule_changes(changes)
    topics: set[str] = set()
    for change in changes:
        topics |= changed_topics(change, registry)
    if topics:
        invalidate(topics)
    return topics
