"""Reading pages the MediaWiki way: /wiki/<Title> with ?action=, ?oldid= and ?diff=.

One URL per title; the query string picks what to show. Each view parses the request, calls the
page service, and renders a template; editing lives in views/editing.py.
"""

from __future__ import annotations

from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, Response, make_response, redirect, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import aliased

from wiki import actionlog, clock, pages, permissions, rendering, throttle
from wiki.db import db
from wiki.errors import BadParameter, PageNotFound
from wiki.existence import is_readable, readable
from wiki.models import Page, RenderedRevision, Revision
from wiki.titles import FILE, MEDIA, SPECIAL, Title, page_url, parse_title, try_parse_title
from wiki.views import (
    conditional,
    editing,
    feeds,
    files,
    kept_diffs,
    lists,
    missing,
    moderation,
    page_cache,
    pageinfo,
    purging,
    revision_pages,
)
from wiki.views.helpers import int_arg, required_int_arg

bp = Blueprint("articles", __name__)

READ_ACTIONS = {"view", "history", "raw", "edit", "info", "protect", "delete", "undelete",
                "purge"}
WRITE_ACTIONS = {"submit", "restore", "protect", "delete", "undelete", "rollback", "revert",
                 "purge"}


@bp.get("/")
def main_page() -> ResponseReturnValue:
    """The front door: the Main Page."""
    return redirect(page_url("Main Page"))


@bp.get("/wiki/")
def empty_title() -> ResponseReturnValue:
    """/wiki/ alone shows the Main Page too."""
    return redirect(page_url("Main Page"))


@bp.post("/wiki/<title:raw_title>")
@throttle.limiter.limit(throttle.edit_limit, exempt_when=throttle.is_not_a_save, scope="edit-ip")
@throttle.limiter.limit(throttle.edit_limit, key_func=throttle.account_key,
                        exempt_when=throttle.is_not_a_save, scope="edit-account")
def dispatch_post(raw_title: str) -> ResponseReturnValue:
    """Form posts (saves are rate-limited; reads are not, so they skip the limiter)."""
    return dispatch(raw_title)


@bp.get("/wiki/<title:raw_title>")
def dispatch(raw_title: str) -> ResponseReturnValue:
    """Pick the view from the title and the query string."""
    title = parse_title(raw_title)
    if title.namespace == SPECIAL:
        from wiki.views import special

        return special.dispatch(title)
    if title.namespace == MEDIA:  # a Media: link names the file; its page is File:
        return redirect(Title(FILE, title.text).path, code=301)
    if raw_title != title.url_part:
        query = request.query_string.decode()
        return redirect(title.path + ("?" + query if query else ""), code=301)
    action = request.args.get("action", "view")
    if request.method == "POST":
        if action not in WRITE_ACTIONS:
            raise BadParameter(f'"{action[:50]}" is not an action that can be posted.')
        if action == "submit":
            return editing.submit(title)
        if action == "restore":
            return editing.restore(title)
        if action == "revert" and title.namespace == FILE:
            return files.revert(title)
        if action == "revert":
            raise BadParameter("Only a file's page has versions to revert to.")
        if action == "purge":
            return purging.post(title)
        return moderation.post(action, title)
    if action == "revert" and title.namespace == FILE:  # the confirmation; its post reverts
        return files.revert_form(title)
    if action not in READ_ACTIONS:
        if action in WRITE_ACTIONS:
            raise BadParameter(f'The action "{action}" needs a form post.')
        raise BadParameter(f'"{action[:50]}" is not a known action.')
    if action == "edit":
        return editing.edit_form(title)
    if action == "purge":
        return purging.form(title)
    if action in moderation.FORMS:
        return moderation.form(action, title)
    if action == "history":
        return show_history(title)
    if action == "info":
        return pageinfo.show_info(title)
    if "diff" in request.args:
        return show_diff(title)
    if action == "raw":
        return show_raw(title)
    if request.args.get("oldid"):  # an empty oldid= means none, as in MediaWiki
        return show_old_revision(title)
    return show_page(title)


def show_page(title: Title) -> ResponseReturnValue:
    """The current revision of a page (from the page cache when still valid). A
    "redirectedfrom" that names no redirect to this page (stored, or a missing title a resolver
    sends here) is dropped (301 to the clean URL), so nobody can make a page say it was reached
    from anywhere, or fill the cache with variants."""
    source = request.args.get("redirectedfrom")
    if source is not None and not (pages.redirects_to(source, title)
                                   or missing.leads_to(source, title)):
        query = [(k, v) for k, v in request.args.items(multi=True) if k != "redirectedfrom"]
        return redirect(title.path + ("?" + urlencode(query) if query else ""), code=301)
    return page_cache.serve(title, clock.utcnow(), lambda: make_response(build_page(title)))


def build_page(title: Title) -> ResponseReturnValue:
    """The current revision of a page, or a 404 that offers to create it."""
    current = pages.current_page(title)
    if current is None:
        return lists.missing_category(title) or missing.missing_page(title)
    page, revision = current.page, current.revision
    if page.is_deleted:
        return moderation.deleted_page(title)
    redirected_from = request.args.get("redirectedfrom")
    target = pages.redirect_target(revision.text) if page.is_redirect else None
    if target is not None and request.args.get("redirect") != "no" and redirected_from is None:
        return redirect(page_url(target, redirectedfrom=title.full))
    protection = permissions.active_protection(page, row=current.protection) \
        if current.protection is not None else None
    return render_template(
        "articles/view.html", title=title, page=page, revision=revision,
        rendered=rendering.cached_render(revision, current.render, title),
        redirected_from=redirected_from, is_current=True, protection=protection,
        category=lists.category_listing(title), redirect_to=target,
        redirect_loop=target is not None and redirected_from is not None
        and try_parse_title(redirected_from) == target,
        file_page=files.file_page(title, page) if title.namespace == FILE else None,
    )


def _page_or_404(title: Title) -> Page:
    return pages.get_page(title)


def show_old_revision(title: Title) -> Response:
    """An old revision, with a banner and links to the previous, next and current revisions."""
    return conditional.answer(lambda: _revision_validator("oldid", title),
                              lambda: make_response(build_old_revision(title)),
                              after=lambda: _revision_validator("oldid", title))


def _digits(name: str) -> int | None:
    """A query parameter that is a plain revision id, else None (the view will complain)."""
    value = request.args.get(name, "")
    # ASCII only: str.isdigit() also accepts "²", which int() refuses
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def _revision_validator(kind: str, title: Title | None) -> conditional.Validator | None:
    """A revision's page only changes with its render (current templates, which links are blue)
    and with the page's latest revision (the "newer" links): one query reads both. A diff
    shows the newer of its two revisions."""
    revision_id = max(_digits(kind) or 0, _digits("oldid") or 0)
    if not revision_id:
        return None
    latest = aliased(Revision)
    query = (
        sa.select(Revision.timestamp, Page.latest_revision_id, latest.timestamp,
                  RenderedRevision.rendered_at)
        .join(Page, Page.id == Revision.page_id)
        .join(latest, latest.id == Page.latest_revision_id)
        .outerjoin(RenderedRevision, RenderedRevision.revision_id == Revision.id)
        .where(Revision.id == revision_id, readable())
    )
    if title is not None:
        query = query.where(Page.namespace == title.namespace, Page.title == title.text)
    row = db.session.execute(query).first()
    if row is None or row.rendered_at is None:
        return None
    saved, latest_id, latest_saved, rendered_at = row
    return conditional.validator(kind, (revision_id, latest_id, rendered_at),
                                 max(saved, latest_saved, rendered_at))


def build_old_revision(title: Title) -> ResponseReturnValue:
    """The old revision's page."""
    page = _page_or_404(title)
    revision = pages.get_revision(required_int_arg("oldid", minimum=1), page)
    return render_template(
        "articles/view.html", title=title, page=page, revision=revision,
        rendered=rendering.cached_render(revision, title=title),
        is_current=revision.id == page.latest_revision_id,
        older=pages.previous_revision(revision), newer=pages.next_revision(revision),
        redirected_from=None,
    )


def show_raw(title: Title) -> Response:
    """The Markdown of the current revision (or ?oldid=), as text/markdown; its ETag is the
    revision's SHA-1."""
    return conditional.answer(lambda: _raw_validator(title), lambda: build_raw(title))


def _raw_validator(title: Title) -> conditional.Validator | None:
    oldid = request.args.get("oldid")
    revision_id = _digits("oldid") if oldid else None
    if oldid and revision_id is None:
        return None
    query = (sa.select(Revision.sha1, Revision.timestamp).join(Page, Page.id == Revision.page_id)
             .where(Page.namespace == title.namespace, Page.title == title.text, readable(),
                    Revision.id == (revision_id or Page.latest_revision_id)))
    row = db.session.execute(query).first()
    return None if row is None else conditional.Validator(row.sha1, row.timestamp)


def build_raw(title: Title) -> Response:
    """The raw text."""
    page = _page_or_404(title)
    revision_id = int_arg("oldid", minimum=1)
    revision = pages.get_revision(revision_id or page.latest_revision_id or 0, page)
    return Response(revision.text, mimetype="text/markdown", headers={
        "Content-Type": "text/markdown; charset=utf-8",
    })


def show_history(title: Title) -> ResponseReturnValue:
    """Paged revision history, newest first: 304 when the reader's copy is current, else from
    the kept pages while the history's fingerprint matches (see views.revision_pages)."""
    if request.args.get("feed"):
        return feeds.history_feed(title, lambda: _page_or_404(title))
    mark = revision_pages.history_mark(title)

    def build() -> Response:
        revision_pages.keep(mark)
        return make_response(build_history(title))

    return conditional.answer(
        lambda: None if mark is None else conditional.validator("history", mark, mark[-1]),
        lambda: revision_pages.serve(
            revision_pages.HISTORY_ARGS, lambda _stored: mark, build,
            lambda connection, _stored: revision_pages.read_history_mark(connection, title)))


def build_history(title: Title) -> ResponseReturnValue:
    """The history page."""
    page = _page_or_404(title)
    from flask import current_app

    maximum = current_app.config["WIKI_HISTORY_MAX_LIMIT"]
    limit = int_arg("limit", current_app.config["WIKI_HISTORY_LIMIT"], minimum=1, maximum=maximum)
    offset = int_arg("offset", 0, minimum=0, maximum=10_000_000)
    older_than = int_arg("older", None, minimum=1)
    entries, more = pages.history(page, limit, offset, older_than)
    log, _ = actionlog.entries(title=title, limit=50)
    return render_template(
        "articles/history.html", title=title, page=page, entries=entries, more=more,
        limit=limit, offset=offset, older_than=older_than, log=log,
    )


def _resolve_diff_pair(page: Page | None) -> tuple[Revision, Revision]:
    """MediaWiki's diff parameters: diff=N|prev|next|cur with an optional oldid=M."""
    diff = request.args.get("diff", "")
    old_id = int_arg("oldid", None, minimum=1)
    if diff in {"prev", "next", "cur", ""}:
        if old_id is None:
            if page is None:
                raise PageNotFound("There is no page by this title to compare.")
            base = pages.latest_revision(page)
        else:
            base = pages.get_revision(old_id)
        if diff in {"prev", ""}:
            older = pages.parent_revision(base) or pages.previous_revision(base)
            return (older or base), base
        if diff == "next":
            return base, (pages.next_revision(base) or base)
        current = db_latest(base)
        return base, current
    newer = pages.get_revision(required_int_arg("diff", minimum=1))
    older = pages.get_revision(old_id) if old_id else (pages.parent_revision(newer) or newer)
    if older.page_id != newer.page_id:
        raise BadParameter("These two revisions belong to different pages and cannot be compared.")
    if older.id > newer.id:
        older, newer = newer, older
    return older, newer


def db_latest(revision: Revision) -> Revision:
    """The latest revision of the page a revision belongs to."""
    return pages.latest_revision(revision.page)


def show_diff(title: Title) -> Response:
    """Two revisions side by side, the newer one rendered below, as Wikipedia shows a diff.
    Between two revision ids it can only change with the newer one's render and the page's
    latest revision, so it is answered conditionally; prev/next/cur are not."""
    def build() -> Response:
        return revision_pages.serve(revision_pages.DIFF_ARGS, revision_pages.diff_mark_again,
                                    lambda: make_response(build_diff(title)),
                                    revision_pages.reread_diff_mark)

    if _digits("diff") is None or (request.args.get("oldid") and _digits("oldid") is None):
        return build()
    return conditional.answer(lambda: _revision_validator("diff", None), build,
                              after=lambda: _revision_validator("diff", None))


def build_diff(title: Title) -> ResponseReturnValue:
    """The diff page."""
    older, newer = _resolve_diff_pair(pages.find_page(title))
    page = newer.page
    # A deleted page's revisions are for administrators to restore, not read.
    if not is_readable(page):
        raise PageNotFound(f'There is no page titled "{page.full_title}".')
    # Read before anything the page shows, and only if it tells of the same latest revision.
    mark = revision_pages.diff_mark(older.id, newer.id)
    revision_pages.keep(mark if mark is not None and mark[2] == page.latest_revision_id else None)
    return render_template(
        "articles/diff.html", title=Title(page.namespace, page.title), page=page,
        older=older, newer=newer, diff_table=kept_diffs.table(older, newer),
        older_delta=_delta(older), newer_delta=_delta(newer),
        before_older=pages.previous_revision(older), after_newer=pages.next_revision(newer),
        rendered=rendering.cached_render(newer, title=Title(page.namespace, page.title)),
    )


def _delta(revision: Revision) -> int:
    parent = pages.parent_revision(revision)
    return revision.size - (parent.size if parent else 0)
