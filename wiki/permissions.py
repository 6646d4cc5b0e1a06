"""Who may do what: roles, page protection, and whether anonymous editing is on.

Roles are "anonymous" (an IP address), "editor" (logged in) and "admin". A protection names the
least role that may edit a page until it expires. The checks raise Forbidden with a reason the
edit page can show; the one writer (pages.save_edit) asks them for every edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from wiki import clock
from wiki.db import db
from wiki.errors import Forbidden
from wiki.models import Page, Protection, table

ROLE_RANK = {"anonymous": 0, "editor": 1, "admin": 2}
_protections = table(Protection)
_PROTECTION = sa.select(_protections.c.level, _protections.c.reason,
                        _protections.c.protected_by, _protections.c.expires_at
                        ).where(_protections.c.page_id == sa.bindparam("page"))
PROTECTION_LEVELS = {"editor": "editors only", "admin": "admins only"}


@dataclass(frozen=True)
class ActiveProtection:
    """A protection in force: its level, reason, who set it and until when (None: forever)."""

    level: str
    reason: str
    protected_by: str
    expires_at: datetime | None

    @property
    def label(self) -> str:
        """"editors only" or "admins only"."""
        return PROTECTION_LEVELS.get(self.level, self.level)


def active_protection(page: Page | None, now: datetime | None = None,
                      row: Protection | None = None) -> ActiveProtection | None:
    """The page's protection if it has one that has not expired (pass the row if fetched)."""
    if row is not None:
        found = ActiveProtection(row.level, row.reason, row.protected_by, row.expires_at)
    elif page is None or page.id is None:
        return None
    else:  # asked on every edit, twice on a save: a plain row, not an ORM object
        fetched = db.session.execute(_PROTECTION, {"page": page.id}).first()
        if fetched is None:
            return None
        found = ActiveProtection(*fetched)
    now = now or clock.utcnow()
    if found.expires_at is not None and found.expires_at <= now:
        return None
    return found


def may_edit(role: str, protection: ActiveProtection | None) -> bool:
    """True when the role reaches the protection's level (and anonymous editing is allowed)."""
    if role == "anonymous" and not current_app.config["WIKI_ANONYMOUS_EDITS"]:
        return False
    needed = ROLE_RANK.get(protection.level, 2) if protection else 0
    return ROLE_RANK.get(role, 0) >= needed


def check_edit(page: Page | None, role: str, text: str = "") -> None:
    """Raise Forbidden, keeping the typed text, when the role may not edit the page."""
    if role == "anonymous" and not current_app.config["WIKI_ANONYMOUS_EDITS"]:
        raise Forbidden("This wiki asks editors to log in before editing.", text=text,
                        reason="login")
    protection = active_protection(page)
    if not may_edit(role, protection):
        assert protection is not None
        why = protection.reason or "no reason given"
        raise Forbidden(
            f"This page is protected ({protection.label}): {why}.",
            text=text, reason="protected", protection=protection,
        )


def may_upload(role: str) -> bool:
    """Whether the role may upload files: any account; a visitor only while both anonymous
    edits and anonymous uploads are on."""
    if role != "anonymous":
        return True
    config = current_app.config
    return bool(config["WIKI_ANONYMOUS_EDITS"] and config["WIKI_ANONYMOUS_UPLOADS"])


def check_upload(role: str) -> None:
    """Raise Forbidden when the role may not upload files."""
    if not may_upload(role):
        raise Forbidden("This wiki asks you to log in before uploading files.", reason="login")


def require_admin(role: str, action: str) -> None:
    """Raise Forbidden unless the role is admin."""
    if role != "admin":
        raise Forbidden(f"Only administrators can {action}.")
