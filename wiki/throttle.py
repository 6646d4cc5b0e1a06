"""Rate limits: edits per IP address and per account (Flask-Limiter; API saves count against the
same limits), and failed logins per account and per IP address.

Failed logins are counted where every server process sees them: in the database (the
login_failures table), or in Redis when WIKI_RATELIMIT_STORAGE is a redis:// URL (through the
`limits` library that Flask-Limiter uses, so the one setting names one store). An attempt takes
its place in the count before its password is checked, and a successful one gives it back, so
with a limit of five exactly five wrong passwords are tried, however many arrive at once and
whichever worker answers them. Edit limits use Flask-Limiter's own storage (memory:// keeps them
per process).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

import sqlalchemy as sa
from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string

from wiki import clock
from wiki.db import db, write_transaction
from wiki.errors import TooManyRequests
from wiki.models import LoginFailure

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)

REDIS_SCHEMES = ("redis://", "rediss://", "redis+unix://", "redis+sentinel://",
                 "redis+cluster://")


@limiter.request_filter
def _reads_are_free() -> bool:
    """Only form posts are limited; reading skips the limiter's work altogether."""
    return request.method in ("GET", "HEAD")


def edit_limit() -> str:
    """The configured edit limit (read per request, so tests and operators can change it)."""
    limit: str = current_app.config["WIKI_EDIT_RATE_LIMIT"]
    return limit


def account_key() -> str:
    """Edits by an account count against the account, wherever they come from."""
    user = g.get("user")
    return f"account:{user.name}" if user is not None else f"ip:{get_remote_address()}"


def is_not_a_save() -> bool:
    """Only saving counts: previews, show changes and reading are free."""
    return not (request.method == "POST" and request.args.get("action") == "submit"
                and "save" in request.form)


# The edit form's limits as Flask-Limiter keys them: the endpoint of the view it decorates
# (views/articles.py) and the scope each decorator names.
EDIT_FORM_ENDPOINT = "articles.dispatch_post"
# Purges have no view of their own to decorate: the purge form and the Action API count them
# under this name.
PURGE_SCOPE = "purge"


def _take(limit: str, scopes: tuple[tuple[str, str], ...]) -> int:
    """Count one hit against each (scope, key) under every item of the limit, in Flask-Limiter's
    storage and key layout; the seconds to wait when one is used up (then the hit must not be
    acted on), else 0."""
    if not (limiter.enabled and limiter.initialized):
        return 0
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    for scope, key in scopes:
        identifiers = [prefix, key, scope] if prefix else [key, scope]
        for item in sorted(parse_many(limit)):
            if not limiter.limiter.hit(item, *identifiers):
                reset = limiter.limiter.get_window_stats(item, *identifiers).reset_time
                return max(1, int(reset - time.time() + 0.999))
    return 0


def take_edit() -> int:
    """Count a save that comes by another way than the edit form (the Action API) against the
    form's own limits, per address and per account, so that both ways share one allowance.
    Returns the seconds to wait when a limit is used up (the save must not happen), else 0."""
    return _take(edit_limit(), ((f"{EDIT_FORM_ENDPOINT}:edit-ip", get_remote_address()),
                                (f"{EDIT_FORM_ENDPOINT}:edit-account", account_key())))


def take_purge() -> int:
    """Count purging one page against WIKI_PURGE_RATE_LIMIT, per address and per account
    (MediaWiki limits purges too: each one makes the next view render afresh). Returns the
    seconds to wait when a limit is used up (the page must not be purged), else 0."""
    limit: str = current_app.config["WIKI_PURGE_RATE_LIMIT"]
    return _take(limit, ((f"{PURGE_SCOPE}:ip", get_remote_address()),
                         (f"{PURGE_SCOPE}:account", account_key())))


# ---------------------------------------------------------------------------------------------
# failed logins


@dataclass
class LoginAttempt:
    """The places one login attempt holds in the counts, to give back if it succeeds."""

    held: list[object] = field(default_factory=list)


class FailureCounter(Protocol):
    """Where failed logins are counted."""

    def take(self, limits: list[tuple[str, RateLimitItem]]) -> tuple[list[object], float]:
        """Hold one place under every limit, or none: (places held, 0) or ([], retry seconds)."""

    def give_back(self, held: list[object]) -> None:
        """Release places taken by `take` (the attempt succeeded)."""


class DatabaseCounter:
    """Failed logins as rows with a timestamp; a moving window counts the recent ones. Each
    take runs in one write transaction, and writers take turns, so counting and adding the
    attempt cannot interleave with another attempt's."""

    def take(self, limits: list[tuple[str, RateLimitItem]]) -> tuple[list[object], float]:
        """Count each key's rows inside its window; add one row per key if all are below."""
        now = clock.precise_utcnow()
        longest = max(item.get_expiry() for _key, item in limits)
        retry = 0.0
        with write_transaction():
            db.session.execute(sa.delete(LoginFailure).where(
                LoginFailure.failed_at < now - timedelta(seconds=longest)))
            for key, item in limits:
                window = timedelta(seconds=item.get_expiry())
                recent = db.session.scalars(
                    sa.select(LoginFailure.failed_at)
                    .where(LoginFailure.throttle_key == key, LoginFailure.failed_at > now - window)
                    .order_by(LoginFailure.failed_at.desc()).limit(item.amount)
                ).all()
                if len(recent) >= item.amount:
                    # The attempt is allowed again when the oldest of the last `amount` leaves
                    # the window.
                    retry = max(retry, (recent[-1] + window - now).total_seconds())
            if retry:
                return [], retry
            rows = [LoginFailure(throttle_key=key, failed_at=now)
                    for key in dict.fromkeys(key for key, _item in limits)]
            db.session.add_all(rows)
            db.session.flush()
            held: list[object] = [row.id for row in rows]
        return held, 0.0

    def give_back(self, held: list[object]) -> None:
        """Delete the rows of a successful attempt."""
        with write_transaction():
            db.session.execute(sa.delete(LoginFailure).where(LoginFailure.id.in_(held)))


class LimitsCounter:
    """Failed logins in a `limits` storage (Redis): one counter per key and limit, in a window
    that starts at the first counted failure. Increments are atomic in the store, so every
    process and server shares one exact count."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def take(self, limits: list[tuple[str, RateLimitItem]]) -> tuple[list[object], float]:
        """Increment every counter; if one goes over its limit, undo them all."""
        held: list[object] = []
        retry = 0.0
        for key, item in limits:
            counter = item.key_for("login", key)
            count = self.storage.incr(counter, item.get_expiry())
            held.append((counter, item.get_expiry()))
            if count > item.amount:
                retry = max(retry, self.storage.get_expiry(counter) - time.time(), 1.0)
        if retry:
            self.give_back(held)
            return [], retry
        return held, 0.0

    def give_back(self, held: list[object]) -> None:
        """Decrement the counters an attempt incremented."""
        for place in held:
            assert isinstance(place, tuple)
            counter, expiry = place
            self.storage.incr(counter, expiry, amount=-1)


def _counter() -> FailureCounter:
    counter: FailureCounter = current_app.extensions["wiki_login_counter"]
    return counter


def account_throttle_key(name: str) -> str:
    """The key an account's failures are counted under. A digest, not the name: what people
    type into the name field is sometimes their password."""
    return "account:" + hashlib.blake2b(name.encode("utf-8"), digest_size=16).hexdigest()


def _login_limits(account: str | None) -> list[tuple[str, RateLimitItem]]:
    config = current_app.config
    limits = [(f"ip:{get_remote_address()}", item)
              for item in parse_many(config["WIKI_LOGIN_IP_RATE_LIMIT"])]
    if account is not None:
        limits += [(account_throttle_key(account), item)
                   for item in parse_many(config["WIKI_LOGIN_RATE_LIMIT"])]
    return limits


def begin_login(account: str | None) -> LoginAttempt:
    """Count a login attempt against the account (its canonical name; None for a name no
    account can have) and the address, or raise TooManyRequests (with Retry-After) when either
    has failed too often. Call `succeeded` if the password turns out right."""
    held, retry = _counter().take(_login_limits(account))
    if retry:
        seconds = max(1, int(retry + 0.999))
        raise TooManyRequests(f"Too many failed logins. Try again in {seconds} seconds.",
                              retry_after=seconds)
    return LoginAttempt(held)


def succeeded(attempt: LoginAttempt) -> None:
    """A successful attempt does not count as a failure."""
    if attempt.held:
        _counter().give_back(attempt.held)
        attempt.held = []


def init_app(app: Flask) -> None:
    """Attach Flask-Limiter and the failed-login counter to the app."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["WIKI_RATELIMIT_STORAGE"])
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    url: str = app.config["WIKI_RATELIMIT_STORAGE"]
    counter: FailureCounter = DatabaseCounter()
    if url.startswith(REDIS_SCHEMES):
        storage = storage_from_string(url)
        assert isinstance(storage, Storage)  # a redis:// URL gives the synchronous storage
        counter = LimitsCounter(storage)
    app.extensions["wiki_login_counter"] = counter
