"""The render cache: each revision's HTML, stored with the topics it depended on.

render_text() renders against the current wiki through a RecordingLookups. The one writer stores
the render of each new revision with it (store_render). When a write drops a render (see
wiki.invalidation), the next view renders the revision again and stores the result through
store_if_current(): a quick attempt at the write lock that checks the render's answers still
hold. If the lock is busy, or the answers changed meanwhile, the view serves its render
unstored; a read never fails or waits long because someone is writing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from markupsafe import Markup

from wiki import clock, purge
from wiki.db import WriteBusy, db, write_transaction
from wiki.errors import RenderTooSlow
from wiki.extensions import registry
from wiki.files import storage
from wiki.invalidation import (
    category_topic,
    file_topic,
    file_usage_topic,
    invalidate,
    template_topic,
    title_topic,
)
from wiki.lookups import RecordingLookups
from wiki.markup import Rendered, RenderTimeout, render
from wiki.markup.toc import TocEntry
from wiki.markup.wikitemplates import TEMPLATE_DIR, TemplateLibrary
from wiki.models import (
    CategoryLink,
    Link,
    Page,
    RenderDependency,
    RenderedRevision,
    Revision,
    TemplateVersion,
    table,
)
from wiki.shared_answers import SharedAnswers
from wiki.titles import CATEGORY, FILE, Title, subject_and_talk

TEMPLATES_KEY = "wiki.templates"
ANSWERS_KEY = "wiki.shared_answers"
STORE_ATTEMPTS = 3
STORE_RETRY_SECONDS = 0.02


@dataclass(frozen=True)
class CachedRender:
    """What a page view needs from the cache: trusted HTML and its table of contents."""

    html: Markup
    toc: tuple[TocEntry, ...]
    categories: tuple[str, ...]

    @property
    def show_toc(self) -> bool:
        """Shown from four headings on, as on Wikipedia."""
        return len(self.toc) >= 4

    @property
    def lead(self) -> Markup:
        """HTML before the first heading."""
        return Rendered(self.html, self.toc, (), (), ()).lead

    @property
    def body(self) -> Markup:
        """HTML from the first heading on."""
        return Rendered(self.html, self.toc, (), (), ()).body


@dataclass(frozen=True)
class FreshRender:
    """A render just made, the topics it depends on, and the answers it was given."""

    rendered: Rendered
    topics: frozenset[str]
    recorder: RecordingLookups

    def cached(self) -> CachedRender:
        """The render as a view shows it."""
        return CachedRender(self.rendered.html, self.rendered.toc, self.rendered.categories)


def template_library() -> TemplateLibrary:
    """The current app's wiki templates."""
    library: TemplateLibrary = current_app.extensions[TEMPLATES_KEY]
    return library


def shared_answers() -> SharedAnswers:
    """The answers the current app's renders share while the epoch stays the same."""
    answers: SharedAnswers = current_app.extensions[ANSWERS_KEY]
    return answers


def render_text(text: str, title: Title | None = None, *, budgeted: bool = False
                ) -> FreshRender:
    """Render text (of the page `title`, if it is one) against the current state of the wiki.

    A budgeted render (a save or a preview) that takes longer than WIKI_RENDER_BUDGET_SECONDS
    raises RenderTooSlow; a view's render is never cut short.
    """
    recorder = RecordingLookups(registry().live_data, template_library(),
                                frozenset(registry().special_pages),
                                spelling=registry().canonical_spelling,
                                files=storage.file_info, shared=shared_answers())
    seconds = float(current_app.config["WIKI_RENDER_BUDGET_SECONDS"])
    deadline = time.monotonic() + seconds if budgeted else None
    try:
        rendered = render(text, recorder.lookups(), deadline=deadline)
    except RenderTimeout as timeout:
        raise RenderTooSlow(
            f"This text takes more than {seconds:g} seconds to render, so it was not saved. "
            "Split it into smaller pages, or simplify its tables, links and templates.",
            text=text) from timeout
    topics = set(recorder.topics)
    topics.update(template_topic(key) for key, _argument in rendered.templates)
    if title is not None:
        topics |= view_topics(title)
    return FreshRender(rendered, frozenset(topics), recorder)


def view_topics(title: Title) -> set[str]:
    """What a page's view shows besides its text, tied to its render so that the view changes
    when they do: its talk (or subject) tab, a category page's member list, and a file page's
    file and usage."""
    topics = set()
    pair = subject_and_talk(title)
    if pair is not None:
        topics.add(title_topic(pair[1] if pair[0] == title else pair[0]))
    if title.namespace == CATEGORY:
        topics.add(category_topic(title.text))
    if title.namespace == FILE:  # the file, its versions and the pages using it
        topics.update({file_topic(title.text), file_usage_topic(title.text)})
    return topics


def _to_cached(row: RenderedRevision) -> CachedRender:
    toc = tuple(TocEntry(*entry) for entry in json.loads(row.toc_json))
    links = json.loads(row.links_json)
    categories = tuple(links.get("categories", [])) if isinstance(links, dict) else ()
    return CachedRender(Markup(row.html), toc, categories)


_INSERT_RENDER = sa.insert(table(RenderedRevision))  # built once: every save runs them
_INSERT_DEPENDENCY = sa.insert(table(RenderDependency))


def store_render(revision_id: int, fresh: FreshRender) -> None:
    """Add a revision's render and its topics to the caller's write transaction."""
    rendered = fresh.rendered
    connection = db.session.connection()  # Core: nothing reads the rows back as objects here
    connection.execute(_INSERT_RENDER, {
        "revision_id": revision_id,
        "html": str(rendered.html),
        "toc_json": json.dumps([[e.level, e.anchor, e.text, e.number] for e in rendered.toc]),
        "links_json": json.dumps({
            "links": [[t.namespace, t.text] for t in rendered.links],
            "categories": list(rendered.categories),
        }),
        "rendered_at": clock.precise_utcnow(),
    })
    if fresh.topics:  # a page may depend on 100,000 topics
        connection.execute(_INSERT_DEPENDENCY, [
            {"revision_id": revision_id, "topic": topic} for topic in sorted(fresh.topics)
        ])


def store_if_current(revision_id: int, fresh: FreshRender) -> bool:
    """Store a render made during a read, if its answers still hold and the write lock is free
    within a few short tries; True when the revision has a stored render afterwards."""
    for attempt in range(STORE_ATTEMPTS):
        try:
            with write_transaction(wait=False):
                if db.session.scalar(sa.select(RenderedRevision.revision_id).where(
                        RenderedRevision.revision_id == revision_id)) is not None:
                    return True  # someone else stored it meanwhile
                if not fresh.recorder.still_current():
                    return False
                store_render(revision_id, fresh)
            return True
        except WriteBusy:
            time.sleep(STORE_RETRY_SECONDS * (attempt + 1))
    return False


def cached_render(revision: Revision, row: RenderedRevision | None = None,
                  title: Title | None = None) -> CachedRender:
    """The revision's stored render (pass the row if already fetched); rendered now, and stored
    when that can be done without waiting, if it was dropped."""
    row = row if row is not None else db.session.get(RenderedRevision, revision.id)
    if row is not None:
        return _to_cached(row)
    fresh = render_text(revision.text, title)
    store_if_current(revision.id, fresh)
    return fresh.cached()


def render_missing() -> int:
    """Render and store each page's latest revision that has no stored render (after seeding
    or an import, so that first views need not render); returns how many were stored."""
    missing = db.session.execute(
        sa.select(Page.namespace, Page.title, Revision.id, Revision.text)
        .join(Revision, Revision.id == Page.latest_revision_id)
        .outerjoin(RenderedRevision, RenderedRevision.revision_id == Revision.id)
        .where(RenderedRevision.revision_id.is_(None), Page.is_deleted.is_(False))
    ).all()
    stored = 0
    for namespace, text_title, revision_id, text in missing:
        fresh = render_text(text, Title(namespace, text_title))
        with write_transaction():
            if fresh.recorder.still_current():
                store_render(revision_id, fresh)
                stored += 1
    return stored


def record_links(page: Page, rendered: Rendered,
                 stored: tuple[frozenset[Title], frozenset[str]] | None = None) -> None:
    """Make the page's rows in the links and categories tables this render's.

    `stored` is the page's links and categories as this transaction read them: then only the
    difference is written (an edit seldom changes a page's links). Without it every row is
    replaced."""
    links = list(dict.fromkeys(rendered.links))
    categories = list(dict.fromkeys(category[:255] for category in rendered.categories))
    if stored is None:
        forget_links(page)
        old_links: frozenset[Title] = frozenset()
        old_categories: frozenset[str] = frozenset()
    else:
        old_links, old_categories = stored
        _drop_rows(page, old_links - set(links), old_categories - set(categories))
    connection = db.session.connection()
    added_links = [title for title in links if title not in old_links]
    if added_links:  # Core, not the ORM's bulk insert: a page may have 100,000 links
        connection.execute(sa.insert(Link), [
            {"from_page_id": page.id, "to_namespace": title.namespace, "to_title": title.text}
            for title in added_links
        ])
    added_categories = [category for category in categories if category not in old_categories]
    if added_categories:
        connection.execute(sa.insert(CategoryLink), [
            {"from_page_id": page.id, "category": category} for category in added_categories
        ])


def _drop_rows(page: Page, links: Iterable[Title], categories: Iterable[str]) -> None:
    """Delete these of the page's link and category rows."""
    connection = db.session.connection()
    gone_links = [{"namespace": title.namespace, "text": title.text} for title in links]
    if gone_links:
        connection.execute(sa.delete(Link).where(
            Link.from_page_id == page.id, Link.to_namespace == sa.bindparam("namespace"),
            Link.to_title == sa.bindparam("text")), gone_links)
    gone_categories = [{"name": category} for category in categories]
    if gone_categories:
        connection.execute(sa.delete(CategoryLink).where(
            CategoryLink.from_page_id == page.id,
            CategoryLink.category == sa.bindparam("name")), gone_categories)


def forget_links(page: Page) -> None:
    """Drop a page's links and categories (a deleted page links nowhere)."""
    db.session.execute(sa.delete(Link).where(Link.from_page_id == page.id))
    db.session.execute(sa.delete(CategoryLink).where(CategoryLink.from_page_id == page.id))


def purge_all() -> int:
    """Drop every stored render (in the caller's write transaction); returns how many."""
    count = db.session.scalar(sa.select(sa.func.count()).select_from(RenderedRevision)) or 0
    db.session.execute(sa.delete(RenderedRevision))
    return count


def purge_pages(titles: Iterable[Title]) -> list[Title]:
    """What ?action=purge and the Action API's action=purge do: drop the stored render of each
    readable page's current revision, so that its next view renders it afresh and stores that
    (a new render time, so the page caches and ETags move on too), and have the cache servers
    drop the page's URLs once this commits. Nothing else changes: no revision, no log entry, no
    epoch (no answer changed). Returns the titles purged, in order; missing and deleted pages
    are left out."""
    wanted = list(dict.fromkeys(titles))
    purged: list[Title] = []
    if not wanted:
        return purged
    with write_transaction():
        for title in wanted:
            latest = db.session.scalar(_CURRENT_REVISION, {"namespace": title.namespace,
                                                           "title": title.text})
            if latest is None:
                continue
            db.session.execute(_DROP_RENDER, {"revision": latest})
            purged.append(title)
        purge.schedule(purged)
    return purged


_CURRENT_REVISION = sa.select(Page.latest_revision_id).where(
    Page.namespace == sa.bindparam("namespace"), Page.title == sa.bindparam("title"),
    Page.is_deleted.is_(False))
_DROP_RENDER = sa.delete(table(RenderedRevision)).where(
    table(RenderedRevision).c.revision_id == sa.bindparam("revision"))


def refresh_templates() -> list[str]:
    """Compare each wiki template's source with the digest renders were made with, drop the
    renders that used a changed, added or removed template, and remember the new digests;
    returns the keys that changed."""
    current = template_library().digests()
    with write_transaction():
        stored = {key: digest for key, digest in db.session.execute(
            sa.select(TemplateVersion.key, TemplateVersion.digest))}
        changed = sorted(key for key in current.keys() | stored.keys()
                         if current.get(key) != stored.get(key))
        if not changed:
            return []
        invalidate(template_topic(key) for key in changed)
        db.session.execute(sa.delete(TemplateVersion).where(TemplateVersion.key.in_(changed)))
        db.session.add_all(TemplateVersion(key=key, digest=current[key])
                           for key in changed if key in current)
    return changed


def init_app(app: Flask) -> None:
    """Give the app its wiki templates: the operator's folder first, then the built-in ones."""
    own = Path(app.config["WIKI_TEMPLATES_DIR"])
    app.extensions[TEMPLATES_KEY] = TemplateLibrary(
        [own, TEMPLATE_DIR], kept_bytes=int(app.config["WIKI_TEMPLATE_CALL_CACHE_BYTES"]))
    app.extensions[ANSWERS_KEY] = SharedAnswers(int(app.config["WIKI_SHARED_ANSWERS"]))
