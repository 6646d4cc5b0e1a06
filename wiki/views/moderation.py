"""Page actions beyond editing: protect, delete, undelete (admins), rollback (admins), and the
page shown for a deleted title. Each parses the form, calls wiki.moderation, and redirects."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import flash, redirect, render_template, request
from flask.typing import ResponseReturnValue

from wiki import actionlog, clock, moderation, pages, permissions
from wiki.errors import BadParameter
from wiki.titles import Title, page_url
from wiki.views.helpers import current_author

FORMS = {"protect", "delete", "undelete"}
EXPIRIES = {"1 hour": timedelta(hours=1), "1 day": timedelta(days=1),
            "1 week": timedelta(weeks=1), "1 month": timedelta(days=31),
            "1 year": timedelta(days=365), "infinite": None}


def _reason() -> str:
    reason = " ".join(request.form.get("reason", "").split())
    if len(reason) > 500:
        raise BadParameter("The reason is longer than 500 characters.")
    return reason


def form(action: str, title: Title) -> ResponseReturnValue:
    """The confirmation form of protect, delete or undelete (admins only)."""
    author = current_author()
    permissions.require_admin(author.role, f"{action} pages")
    page = pages.find_page(title)
    if page is None:
        return render_template("errors/error.html", status=404, code="missingtitle",
                               message=f'There is no page titled "{title.full}".'), 404
    log, _ = actionlog.entries(title=title, limit=20)
    return render_template(
        f"moderation/{action}.html", title=title, page=page, log=log,
        protection=permissions.active_protection(page), expiries=list(EXPIRIES),
        levels=permissions.PROTECTION_LEVELS,
    )


def _expiry(choice: str) -> datetime | None:
    if choice not in EXPIRIES:
        raise BadParameter(f'"{choice[:30]}" is not an expiry this form offers.')
    delta = EXPIRIES[choice]
    return clock.utcnow() + delta if delta else None


def post(action: str, title: Title) -> ResponseReturnValue:
    """Carry out protect, delete, undelete or rollback."""
    author = current_author()
    if action == "protect":
        level = request.form.get("level", "")
        if level not in {"", *permissions.PROTECTION_LEVELS}:
            raise BadParameter(f'"{level[:30]}" is not a protection level.')
        moderation.protect(title, level or None, _reason(),
                           _expiry(request.form.get("expiry", "infinite")), author)
        flash("Protection removed." if not level else
              f"The page is now protected: {permissions.PROTECTION_LEVELS[level]}.", "success")
    elif action == "delete":
        moderation.delete(title, _reason(), author)
        flash(f'"{title.full}" has been deleted. Its history is kept; see the deletion log.',
              "success")
        return redirect(page_url("Special:Log", type="delete"), code=303)
    elif action == "undelete":
        moderation.undelete(title, _reason(), author)
        flash(f'"{title.full}" has been restored with its history.', "success")
    elif action == "rollback":
        from_author = request.form.get("from", "")
        if not from_author:
            raise BadParameter("Whose edits to roll back is missing.")
        result = moderation.rollback(title, from_author, author)
        flash(f"Edits by {from_author} were rolled back.", "success")
        return redirect(page_url(title, diff=result.revision.id), code=303)
    return redirect(page_url(title), code=303)


def deleted_page(title: Title) -> ResponseReturnValue:
    """404 for a deleted page, with its deletion log (and undelete for admins)."""
    log, _ = actionlog.entries(title=title, limit=10)
    return render_template("moderation/deleted.html", title=title, log=log,
                           is_admin=current_author().role == "admin"), 404
