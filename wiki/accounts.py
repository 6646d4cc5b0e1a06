"""Accounts: creating them, checking and changing passwords, roles, sessions, and each account's
User: page.

Passwords are stored only as Werkzeug hashes (scrypt). Names follow wiki.usernames (title rules
after NFKC), so "User:<Name>" is always a valid page title; a new name may not look like an
existing one (the look-alike key is stored with each account, so the check is one query).
Every account has a session version: a session remembers the version it logged in with and
ends when the version moves on (logging out, a password change, an administrator's order).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from wiki import actionlog, clock, pages, passwords, permissions, usernames
from wiki.db import db, write_transaction
from wiki.errors import BadParameter, WikiError
from wiki.existence import readable
from wiki.models import Page, Revision, User
from wiki.passwords import MAX_PASSWORD, PasswordRefused
from wiki.titles import MAIN, USER, Title, try_parse_title
from wiki.usernames import NameRefused

# Checked only to resist timing probes for names that do not exist.
_DUMMY_HASH = generate_password_hash("not a real password")


class AccountError(WikiError):
    """The form cannot be accepted; `field` names the offending input."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class LoginFailed(WikiError):
    """Wrong name or password (never says which)."""

    status = 401
    code = "wrongpassword"


def canonical_name(raw: str) -> str | None:
    """The stored form of a typed account name, or None when it cannot be a name."""
    try:
        return usernames.canonical(raw)
    except NameRefused:
        return None


def _title_form(raw: str) -> str | None:
    """The name as the title rules alone write it: how accounts made before the current name
    rules (NFKC, no invisible characters) were stored."""
    title = try_parse_title(raw.strip()[:255])
    return title.text if title is not None and title.namespace == MAIN and title.text else None


def login_name(raw: str) -> str | None:
    """The name a login attempt is looked up and counted under: the canonical form, or the
    title form for a name the current rules refuse (None when it cannot be a name at all)."""
    return canonical_name(raw) or _title_form(raw)


def find_user(name: str) -> User | None:
    """The account with this name (in any spelling of it), or None."""
    for candidate in dict.fromkeys((canonical_name(name), _title_form(name))):
        if candidate is not None:
            user = db.session.scalar(sa.select(User).where(User.name == candidate))
            if user is not None:
                return user
    return None


def user_page(name: str) -> Title:
    """User:<Name>."""
    return Title(USER, name)


def _check_password(password: str, confirm: str, name: str, field: str = "password") -> None:
    try:
        passwords.check(password, name)
    except PasswordRefused as error:
        raise AccountError(str(error), field) from error
    if password != confirm:
        raise AccountError("The two passwords differ.", "confirm")


def create_account(raw_name: str, password: str, confirm: str, *, role: str = "editor") -> User:
    """Create an account and its User: page in one transaction."""
    try:
        name = usernames.canonical(raw_name)
        usernames.check_new(name)
    except NameRefused as error:
        raise AccountError(str(error), "name") from error
    _check_password(password, confirm, name)
    key = usernames.skeleton(name)
    password_hash = generate_password_hash(password)  # slow: before taking the write lock
    try:
        with write_transaction():
            # Writers take turns, so no other sign-up can slip in between this check and the
            # insert.
            clash = db.session.scalar(
                sa.select(User.name).where(sa.or_(User.name == name, User.name_skeleton == key))
                .order_by(User.id).limit(1)
            )
            if clash is not None:
                raise _name_taken(name, clash)
            user = User(name=name, name_skeleton=key, password_hash=password_hash, role=role,
                        created_at=clock.utcnow(), session_version=0)
            db.session.add(user)
            db.session.flush()
            actionlog.record(action="newusers", actor=name, title=user_page(name))
            if pages.find_page(user_page(name)) is None:
                pages.save_edit(
                    user_page(name), f"This is the user page of {name}.",
                    author=pages.Author(name, role=role), base_revision_id=None,
                    summary="New user page",
                )
    except IntegrityError as error:  # a name taken by a writer outside write_transaction
        raise _name_taken(name, name) from error
    return user


def _name_taken(name: str, existing: str) -> AccountError:
    if existing == name:
        return AccountError(f'The name "{name}" is taken. Choose another.', "name")
    return AccountError(f'The name "{name}" looks too much like the existing account '
                        f'"{existing}". Choose another.', "name")


def authenticate(name: str, password: str) -> User:
    """The account if the password is right, else LoginFailed."""
    user = find_user(name) if len(password) <= MAX_PASSWORD else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise LoginFailed("Incorrect user name or password. Please try again.")
    if not check_password_hash(user.password_hash, password):
        raise LoginFailed("Incorrect user name or password. Please try again.")
    return user


def change_password(user_id: int, current: str, new: str, confirm: str) -> User:
    """Set a new password after checking the current one; every session of the account ends."""
    user = db.session.get(User, user_id)
    if user is None:
        raise BadParameter("There is no such account.")
    if len(current) > MAX_PASSWORD or not check_password_hash(user.password_hash, current):
        raise AccountError("The current password is not right.", "current")
    _check_password(new, confirm, user.name)
    if new == current:
        raise AccountError("The new password is the one you have now.", "password")
    password_hash = generate_password_hash(new)
    with write_transaction():
        _next_session_version(user_id, password_hash=password_hash)
    db.session.refresh(user)
    return user


def _next_session_version(user_id: int, **changes: str) -> None:
    """Move the account's session version on (in the caller's transaction): every session
    that logged in before ends."""
    db.session.execute(
        sa.update(User).where(User.id == user_id)
        .values(session_version=User.session_version + 1, **changes)
    )


def end_sessions(user_id: int) -> None:
    """End every session of the account (logging out ends them all, on every device)."""
    with write_transaction():
        _next_session_version(user_id)


def end_sessions_of(name: str, reason: str, by: pages.Author) -> User:
    """An administrator ends every session of an account; the action log records it."""
    permissions.require_admin(by.role, "end the sessions of an account")
    user = find_user(name)
    if user is None:
        raise BadParameter(f'There is no account "{name[:85]}".')
    with write_transaction():
        _next_session_version(user.id)
        actionlog.record(action="endsessions", actor=by.name, title=user_page(user.name),
                         reason=reason)
    db.session.refresh(user)
    return user


def session_user(user_id: object, version: object) -> User | None:
    """The account a session belongs to, or None when it has none or has been ended."""
    if not isinstance(user_id, int) or not isinstance(version, int):
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version:
        return None
    return user


def set_role(name: str, role: str, by: str = pages.SYSTEM_USER) -> User:
    """Give an existing account a role, logged as a change of rights (as on Wikipedia) when
    it is a change."""
    if role not in {"editor", "admin"}:
        raise BadParameter(f"Unknown role {role!r}.")
    user = find_user(name)
    if user is None:
        raise BadParameter(f'There is no account "{name}".')
    with write_transaction():
        if user.role != role:
            actionlog.record(action="rights", actor=by, title=user_page(user.name),
                             details=f"from {user.role} to {role}")
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
