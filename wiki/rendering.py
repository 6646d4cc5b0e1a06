"""The render cache: each revision's HTML is rendered at save time and stored; a view reads it.

What a rendering depended on is kept in the links and template_uses tables, so when a page is
created or deleted the pages that link to it (or show it through a template) lose their cached
HTML and are rendered again, once, on their next view.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from wiki.db import db
from wiki.markup import Lookups, Rendered, render
from wiki.markup.toc import TocEntry
from wiki.models import CategoryLink, Link, Page, RenderedRevision, Revision, TemplateUse
from wiki.titles import Title

# Template keys whose output lists pages by title; creating or deleting a page re-renders them.
_live_functions: dict[str, Callable[..., Any]] = {}


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


def register_live_function(name: str, function: Callable[..., Any]) -> None:
    """Offer a function to wiki templates as live.<name> (e.g. the relations pages of a country)."""
    _live_functions[name] = function


def page_exists(title: Title) -> bool:
    """True when a page with this title exists."""
    return db.session.scalar(
        sa.select(Page.id).where(
            Page.namespace == title.namespace, Page.title == title.text,
            Page.is_deleted.is_(False),
        )
    ) is not None


def database_lookups() -> Lookups:
    """Lookups answered from the database, memoized for one rendering."""
    known: dict[Title, bool] = {}

    def exists(title: Title) -> bool:
        if title not in known:
            known[title] = page_exists(title)
        return known[title]

    return Lookups(exists=exists, live=dict(_live_functions))


def render_text(text: str) -> Rendered:
    """Render text against the current state of the wiki."""
    return render(text, database_lookups())


def _to_cached(row: RenderedRevision) -> CachedRender:
    toc = tuple(TocEntry(*entry) for entry in json.loads(row.toc_json))
    links = json.loads(row.links_json)
    categories = tuple(links.get("categories", [])) if isinstance(links, dict) else ()
    return CachedRender(Markup(row.html), toc, categories)


def store_render(revision_id: int, rendered: Rendered) -> RenderedRevision:
    """Add a revision's render to the session (the caller's transaction commits it)."""
    row = RenderedRevision(
        revision_id=revision_id,
        html=str(rendered.html),
        toc_json=json.dumps([[e.level, e.anchor, e.text, e.number] for e in rendered.toc]),
        links_json=json.dumps({
            "links": [[t.namespace, t.text] for t in rendered.links],
            "categories": list(rendered.categories),
        }),
        rendered_at=datetime.now(UTC).replace(tzinfo=None),
    )
    db.session.add(row)
    return row


def cached_render(revision: Revision, row: RenderedRevision | None = None) -> CachedRender:
    """The revision's stored render (pass the row if already fetched); rendered and stored now
    if it was invalidated."""
    row = row if row is not None else db.session.get(RenderedRevision, revision.id)
    if row is not None:
        return _to_cached(row)
    rendered = render_text(revision.text)
    try:
        with db.session.begin_nested():
            row = store_render(revision.id, rendered)
        db.session.commit()
    except IntegrityError:  # another request stored the same render first
        db.session.rollback()
        row = db.session.get(RenderedRevision, revision.id)
        if row is None:
            raise
    return _to_cached(row)


def record_dependencies(page: Page, rendered: Rendered) -> None:
    """Replace the page's rows in the links, categories and template uses with this render's.

    When the relations titles the page links to change, hubs that list wanted relations pages
    are re-rendered too.
    """
    old_relations_links = set(db.session.scalars(
        sa.select(Link.to_title).where(Link.from_page_id == page.id,
                                       Link.to_title.like("%relations"))
    ))
    new_relations_links = {t.text for t in rendered.links if t.text.endswith("relations")}
    if old_relations_links != new_relations_links:
        invalidate_for(None, (("relations_of", None),))
    db.session.execute(sa.delete(Link).where(Link.from_page_id == page.id))
    db.session.execute(sa.delete(TemplateUse).where(TemplateUse.from_page_id == page.id))
    db.session.execute(sa.delete(CategoryLink).where(CategoryLink.from_page_id == page.id))
    for title in rendered.links:
        db.session.add(
            Link(from_page_id=page.id, to_namespace=title.namespace, to_title=title.text)
        )
    for category in rendered.categories:
        db.session.add(CategoryLink(from_page_id=page.id, category=category[:255]))
    for key, argument in rendered.templates:
        db.session.add(TemplateUse(from_page_id=page.id, template=key, argument=argument[:255]))


def invalidate_for(title: Title | None,
                   template_keys: tuple[tuple[str, str | None], ...] = ()) -> None:
    """Drop cached renders of pages that link to `title` (if given) or use one of the given
    templates (with a given first argument, or any when None)."""
    page_ids = []
    if title is not None:
        page_ids.append(sa.select(Link.from_page_id).where(
            Link.to_namespace == title.namespace, Link.to_title == title.text
        ))
    for key, argument in template_keys:
        query = sa.select(TemplateUse.from_page_id).where(TemplateUse.template == key)
        if argument is not None:
            query = query.where(TemplateUse.argument == argument)
        page_ids.append(query)
    if not page_ids:
        return
    affected = sa.union(*page_ids) if len(page_ids) > 1 else page_ids[0]
    revisions = sa.select(Revision.id).where(Revision.page_id.in_(affected))
    db.session.execute(
        sa.delete(RenderedRevision).where(RenderedRevision.revision_id.in_(revisions))
    )


def purge_all() -> int:
    """Drop every cached render; returns how many there were."""
    count = db.session.scalar(sa.select(sa.func.count()).select_from(RenderedRevision)) or 0
    db.session.execute(sa.delete(RenderedRevision))
    return count


def hub_templates(title: Title) -> tuple[tuple[str, str | None], ...]:
    """Templates whose output lists pages like this one, to re-render when it comes or goes."""
    if title.namespace == 0 and title.text.endswith(" relations"):
        return (("relations_of", None), ("relations_pages", None))
    return ()


def forget_page(page: Page) -> None:
    """Drop a (deleted) page's links, categories and template uses, so lists leave it out."""
    db.session.execute(sa.delete(Link).where(Link.from_page_id == page.id))
    db.session.execute(sa.delete(TemplateUse).where(TemplateUse.from_page_id == page.id))
    db.session.execute(sa.delete(CategoryLink).where(CategoryLink.from_page_id == page.id))
