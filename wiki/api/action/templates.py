"""prop=templates (also as a generator): the wiki templates each page calls, as MediaWiki names
them ("Template:Infobox bilateral relations", namespace 10; see wiki.api.action.namespaces).

They come from the render of the page's latest revision: the topics a stored render keeps name
every template it called; a page whose render was dropped is rendered again (and stored, as a
page view would). pywikibot asks for them before every save, to honour {{bots}} and {{nobots}}.
As a generator it gives the templates as missing titles: they are not pages of the wiki.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wiki import rendering
from wiki.api.action import continuation
from wiki.api.action.context import Context
from wiki.api.action.errors import bad_continue
from wiki.api.action.modules import ListResult, Module, ModuleRegistry, PropResult
from wiki.api.action.namespaces import TEMPLATE, template_key_of, template_title
from wiki.api.action.pageset import PageRef, PageSet
from wiki.api.action.params import Param, Parsed, limit_param
from wiki.db import db
from wiki.invalidation import template_topic
from wiki.models import RenderDependency, RenderedRevision, Revision

_TOPIC_PREFIX = template_topic("")


def _keys_of(refs: list[PageRef]) -> dict[int, list[str]]:
    """Per page id: the keys of the templates its latest revision calls, sorted."""
    revision_of = {ref.key: ref.page.latest_revision_id for ref in refs
                   if ref.page is not None and ref.page.latest_revision_id is not None}
    if not revision_of:
        return {}
    stored = set(db.session.scalars(sa.select(RenderedRevision.revision_id).where(
        RenderedRevision.revision_id.in_(revision_of.values()))))
    keys: dict[int, set[str]] = {revision_id: set() for revision_id in revision_of.values()}
    for revision_id, topic in db.session.execute(
            sa.select(RenderDependency.revision_id, RenderDependency.topic).where(
                RenderDependency.revision_id.in_(stored),
                RenderDependency.topic.startswith(_TOPIC_PREFIX, autoescape=True))):
        keys[revision_id].add(topic.removeprefix(_TOPIC_PREFIX))
    for ref in refs:
        latest = revision_of.get(ref.key)
        if latest is None or latest in stored:
            continue
        revision = db.session.get(Revision, latest)
        assert revision is not None
        fresh = rendering.render_text(revision.text, ref.title)
        rendering.store_if_current(latest, fresh)
        keys[latest] = {key for key, _argument in fresh.rendered.templates}
    return {page_id: sorted(keys[revision_id]) for page_id, revision_id in revision_of.items()}


def _calls(params: Parsed, found: PageSet, cont: str | None
           ) -> tuple[list[tuple[int, str]], str | None]:
    """(page id, template key) pairs of the set's pages, one batch in order, and the value
    that continues after it."""
    namespaces: list[int] = params["namespace"]
    if params.present("namespace") and TEMPLATE not in namespaces:
        return [], None
    refs = sorted(found.existing, key=lambda ref: ref.key)
    wanted = ({template_key_of(name) for name in params["templates"]}
              if params.present("templates") else None)
    pairs = [(page_id, key) for page_id, keys in sorted(_keys_of(refs).items()) for key in keys
             if wanted is None or key in wanted]
    if params.get("dir") == "descending":
        pairs.reverse()
    if cont is not None:
        page_part, key_part = continuation.split(cont, 2)
        after = (continuation.integer(page_part), key_part)
        if after[0] not in {ref.key for ref in refs}:
            raise bad_continue()
        descending = params.get("dir") == "descending"
        pairs = [pair for pair in pairs if (pair <= after if descending else pair >= after)]
    limit: int = params["limit"]
    following = continuation.join(*pairs[limit]) if len(pairs) > limit else None
    return pairs[:limit], following


def page_templates(context: Context, params: Parsed, found: PageSet, cont: str | None
                   ) -> PropResult:
    """prop=templates."""
    pairs, following = _calls(params, found, cont)
    per_page: dict[int, dict[str, Any]] = {}
    for page_id, key in pairs:
        per_page.setdefault(page_id, {"templates": []})["templates"].append(
            {"ns": TEMPLATE, "title": template_title(key)})
    return PropResult(per_page, following)


def template_pages(context: Context, params: Parsed, found: PageSet, cont: str | None
                   ) -> ListResult:
    """generator=templates: the templates the given pages call, as missing titles of
    namespace 10 (they are not pages of the wiki)."""
    pairs, following = _calls(params, found, cont)
    keys = dict.fromkeys(key for _page_id, key in pairs)
    return ListResult([{"_outside": (TEMPLATE, template_title(key))} for key in keys], following)


def register(registry: ModuleRegistry) -> None:
    """Offer prop=templates (also as a generator)."""
    registry.add(Module(
        "templates", "prop", page_templates,
        "Returns all pages transcluded on the given pages.", prefix="tl",
        page_generator=template_pages, params=(
            Param("namespace", "namespace", multi=True, all_value="*",
                  help="Show templates in these namespaces only."),
            limit_param(help="How many templates to return."),
            Param("continue", help="When more results are available, use this to continue."),
            Param("templates", multi=True,
                  help="Only list these templates. Useful for checking whether a certain page "
                       "uses a certain template."),
            Param("dir", values=("ascending", "descending"), default="ascending",
                  help="The direction in which to list."),
        )))
