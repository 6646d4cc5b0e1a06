"""Accounts: creating them, checking passwords, roles, and each account's User: page.

Passwords are stored only as Werkzeug hashes (scrypt). Names follow title rules, so "User:<Name>"
is always a valid page title.
"""

from __future__ import annotations

import ipaddress
import re

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from wiki import actionlog, clock, pages
from wiki.db import db, write_transaction
from wiki.errors import BadParameter, WikiError
from wiki.existence import readable
from wiki.models import Page, Revision, User
from wiki.titles import USER, InvalidTitleError, Title, parse_title

MIN_PASSWORD = 8
MAX_PASSWORD = 256
MAX_NAME = 85
_FORBIDDEN_NAME = re.compile(r"[@/:#<>\[\]|{}]")
# Checked only to resist timing probes for names that do not exist.
_DUMMY_HASH = generate_password_hash("not a real password")


class AccountError(WikiError):
    """The form cannot create this account; `field` names the offending input."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class LoginFailed(WikiError):
    """Wrong name or password (never says which)."""

    status = 401
    code = "wrongpassword"


def normalize_name(raw: str) -> str:
    """An account name as stored: title rules (first letter upper-case, single spaces)."""
    text = raw.strip()
    if not text:
        raise AccountError("Choose a user name.", "name")
    if len(text) > MAX_NAME:
        raise AccountError(f"User names have at most {MAX_NAME} characters.", "name")
    if _FORBIDDEN_NAME.search(text):
        raise AccountError("User names cannot contain @ / : # < > [ ] | { }.", "name")
    try:
        title = parse_title(text)
    except InvalidTitleError as error:
        raise AccountError(f"That cannot be a user name: {error}", "name") from error
    if title.namespace != 0:
        raise AccountError("That cannot be a user name.", "name")
    try:
        ipaddress.ip_address(title.text)
    except ValueError:
        return title.text
    raise AccountError("An IP address cannot be a user name.", "name")


def find_user(name: str) -> User | None:
    """The account with this name (normalized), or None."""
    try:
        normal = normalize_name(name)
    except AccountError:
        return None
    return db.session.scalar(sa.select(User).where(User.name == normal))


def user_page(name: str) -> Title:
    """User:<Name>."""
    return Title(USER, name)


def create_account(raw_name: str, password: str, confirm: str, *, role: str = "editor") -> User:
    """Create an account and its User: page in one transaction."""
    name = normalize_name(raw_name)
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD} characters.", "password")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"Passwords have at most {MAX_PASSWORD} characters.", "password")
    if password != confirm:
        raise AccountError("The two passwords differ.", "confirm")
    if find_user(name) is not None:
        raise AccountError(f'The name "{name}" is taken. Choose another.', "name")
    try:
        with write_transaction():
            user = User(name=name, password_hash=generate_password_hash(password), role=role,
                        created_at=clock.utcnow())
            db.session.add(user)
            db.session.flush()
            actionlog.record(action="newusers", actor=name, title=user_page(name))
            if pages.find_page(user_page(name)) is None:
                pages.save_edit(
                    user_page(name), f"This is the user page of {name}.",
                    author=pages.Author(name, role=role), base_revision_id=None,
                    summary="New user page",
                )
    except IntegrityError as error:  # two sign-ups for one name at the same moment
        raise AccountError(f'The name "{name}" is taken. Choose another.', "name") from error
    return user


def authenticate(name: str, password: str) -> User:
    """The account if the password is right, else LoginFailed."""
    user = find_user(name) if len(password) <= MAX_PASSWORD else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise LoginFailed("Incorrect user name or password. Please try again.")
    if not check_password_hash(user.password_hash, password):
        raise LoginFailed("Incorrect user name or password. Please try again.")
    return user


def set_role(name: str, role: str) -> User:
    """Give an existing account a role."""
    if role not in {"editor", "admin"}:
        raise BadParameter(f"Unknown role {role!r}.")
    user = find_user(name)
    if user is None:
        raise BadParameter(f'There is no account "{name}".')
    with write_transaction():
        user.role = role
    return user


def contributions(author: str, limit: int, offset: int = 0) -> tuple[list[Revision], bool]:
    """An account's or IP address's revisions, newest first, and whether more remain."""
    rows = list(db.session.scalars(
        sa.select(Revision).options(selectinload(Revision.page))
        .join(Page, Page.id == Revision.page_id)
        .where(Revision.author == author, readable())
        .order_by(Revision.id.desc()).offset(offset).limit(limit + 1)
    ))
    return rows[:limit], len(rows) > limit
