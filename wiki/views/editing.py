"""Editing: the edit form, preview, show changes, save, conflicts, and restoring an old revision.

Every save goes through pages.save_edit; a failure shows the form again with the user's text.
Restoring opens the form with the old text and a summary filled in (?action=edit&oldid=N&
restore=1), so the editor sees what they are about to save.
"""

from __future__ import annotations

from typing import Any, TypedDict

from flask import current_app, flash, redirect, render_template, request
from flask.typing import ResponseReturnValue

from wiki import moderation, pages, permissions, rendering
from wiki.diff import diff_texts
from wiki.errors import BadParameter, EditConflict, RenderTooSlow, WikiError
from wiki.models import Revision
from wiki.titles import Title, page_url
from wiki.views import moderation as moderation_views
from wiki.views.helpers import current_author, int_arg, required_int_arg


class _EditForm(TypedDict):
    """What the edit form sent, as the form template and the conflict page take it."""

    text: str
    base: Revision | None
    summary: str
    minor: bool


def _form_template(title: Title, *, text: str, base: Revision | None, summary: str = "",
                   minor: bool = False, status: int = 200, **extra: Any) -> ResponseReturnValue:
    """The edit form, filled in; an anonymous editor is told their IP address will be shown."""
    return render_template(
        "articles/edit.html", title=title, text=text, base=base, summary=summary, minor=minor,
        max_bytes=current_app.config["WIKI_MAX_ARTICLE_BYTES"],
        anonymous=current_author().is_ip, returnto=page_url(title, action="edit"), **extra,
    ), status


def edit_form(title: Title) -> ResponseReturnValue:
    """The form for a page's current text (or an old revision's, with ?oldid=; or an undo), or a
    new page; a page the user may not edit shows its source read-only (403)."""
    page = pages.find_page(title)
    if page is not None and page.is_deleted:
        return moderation_views.deleted_page(title)
    current = pages.latest_revision(page) if page and page.latest_revision_id else None
    protection = permissions.active_protection(page)
    author = current_author()
    if not permissions.may_edit(author.role, protection):
        return render_template(
            "articles/view_source.html", title=title, text=current.text if current else "",
            protection=protection, anonymous_blocked=author.role == "anonymous"
            and not current_app.config["WIKI_ANONYMOUS_EDITS"],
        ), 403
    text = current.text if current else request.args.get("preload", "")[:10_000]
    undo_id = int_arg("undo", None, minimum=1)
    if undo_id is not None:
        result = moderation.undo(title, undo_id, int_arg("undoafter", None, minimum=1))
        if result.text is None:
            return _form_template(
                title, text=result.base.text, base=result.base, summary=result.summary,
                status=409, error="The edit could not be undone because of conflicting "
                "intermediate edits. The current text is below; change it by hand.")
        flash("The edit can be undone. Check the changes below, then save to finish.", "notice")
        return _form_template(title, text=result.text, base=result.base, summary=result.summary,
                              changes=diff_texts(result.base.text, result.text),
                              current=result.base)
    old_id = int_arg("oldid", None, minimum=1)
    restoring = _restore_flag()
    if restoring and old_id is None:
        raise BadParameter('Restoring needs the revision to restore: add "oldid=".')
    old = None
    if old_id is not None:
        if page is None:
            raise BadParameter("A page that does not exist has no old revisions.")
        old = pages.get_revision(old_id, page)
        text = old.text
    summary = pages.restore_summary(old) if restoring and old is not None else ""
    return _form_template(title, text=text, base=current, editing_old=old_id,
                          protection=protection, summary=summary,
                          restoring=old if restoring else None)


def _restore_flag() -> bool:
    """The restore=0/1 parameter of the edit form."""
    raw = request.args.get("restore", "")
    if raw not in ("", "0", "1"):
        raise BadParameter(f'The parameter "restore" must be 0 or 1, not "{raw[:50]}".')
    return raw == "1"


def _form_value(name: str) -> str:
    value = request.form.get(name)
    if value is None:
        raise BadParameter(f'The form has no "{name}" field.', text=request.form.get("text"))
    return value


def submit(title: Title) -> ResponseReturnValue:
    """The edit form's three buttons: save, show preview, show changes."""
    text = _form_value("text")
    _form_value("base_revision")  # present in every edit form; empty for a new page
    summary = request.form.get("summary", "")
    minor = request.form.get("minor") == "1"
    base_id = int_arg("base_revision", None, minimum=1, in_form=True)
    page = pages.find_page(title)
    current = pages.latest_revision(page) if page and page.latest_revision_id else None
    base = pages.get_revision(base_id, page) if base_id and page else None
    if base_id and base is None:
        raise BadParameter("The base revision does not belong to this page.", text=text)
    form = _EditForm(text=text, base=base, summary=summary, minor=minor)
    limit = current_app.config["WIKI_MAX_ARTICLE_BYTES"]
    too_large = len(text.encode("utf-8")) > limit

    if "preview" in request.form or "diff" in request.form:
        if too_large:
            return _form_template(title, **form, status=413,
                                  error=f"The text is longer than {limit:,} bytes.")
        signed = pages.pre_save_transform(pages.normalize_text(text), current_author())
        if "preview" in request.form:
            try:
                preview = rendering.render_text(signed, title, budgeted=True).rendered
            except RenderTooSlow as error:
                return _form_template(title, **form, status=error.status, error=error.message)
            return _form_template(title, **form, preview=preview)
        rows = diff_texts(current.text if current else "", signed)
        return _form_template(title, **form, changes=rows, current=current)

    try:
        result = pages.save_edit(title, text, author=current_author(), base_revision_id=base_id,
                                 summary=summary, minor=minor)
    except EditConflict as conflict:
        return _conflict_page(title, conflict, form)
    except WikiError as error:
        if "text" not in error.details:
            raise
        return _form_template(title, **form, status=error.status, error=error.message)
    if result.status == "nochange":
        flash("Nothing was saved: the text is the same as the current version.", "notice")
    elif result.status == "merged":
        flash("Someone else edited this page while you were writing. Your edit was merged with "
              "theirs.", "notice")
        return redirect(page_url(title, diff=result.revision.id, oldid=base_id), code=303)
    else:
        flash("Your edit was saved." if result.status == "saved" else "The page was created.",
              "success")
    return redirect(page_url(title), code=303)


def _conflict_page(title: Title, conflict: EditConflict, form: _EditForm) -> ResponseReturnValue:
    """Both texts, editable current text on top, the user's text below, and their diff."""
    current: Revision = conflict.details["current"]
    mine = pages.normalize_text(form["text"])
    return render_template(
        "articles/conflict.html", title=title, current=current, mine=mine,
        summary=form["summary"], minor=form["minor"], message=conflict.message,
        rows=diff_texts(current.text, mine), conflicts=conflict.details.get("conflicts", ()),
    ), 409


def restore(title: Title) -> ResponseReturnValue:
    """A posted "Restore this version" (the form old-revision pages had before restoring went
    through the edit form, kept for old clients): the old text becomes a new revision."""
    revision_id = required_int_arg("oldid", minimum=1, in_form=True)
    result = pages.restore(title, revision_id, author=current_author())
    if result.status == "nochange":
        flash("That revision's text is already the current text; nothing was saved.", "notice")
    else:
        flash(f"Revision {revision_id} was restored as a new revision.", "success")
    return redirect(page_url(title), code=303)
