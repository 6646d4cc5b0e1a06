"""Rate limits: edits per IP address and per account (Flask-Limiter), and failed logins per
account and per IP address (counted only on failure). Storage is in memory unless
WIKI_RATELIMIT_STORAGE names a shared one."""

from __future__ import annotations

import time

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from wiki.errors import TooManyRequests

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)


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


def _login_limiter() -> MovingWindowRateLimiter:
    state: MovingWindowRateLimiter = current_app.extensions["wiki_login_limiter"]
    return state


def check_login_allowed(name: str) -> None:
    """Raise TooManyRequests (with Retry-After) when this account or address failed too often."""
    strategy = _login_limiter()
    for key, items in _login_keys(name):
        for item in items:
            if not strategy.test(item, "login", key):
                reset, _remaining = strategy.get_window_stats(item, "login", key)
                retry = max(1, int(reset - time.time()))
                raise TooManyRequests(
                    f"Too many failed logins. Try again in {retry} seconds.", retry_after=retry
                )


def record_login_failure(name: str) -> None:
    """Count one failed login against the account and the address."""
    strategy = _login_limiter()
    for key, items in _login_keys(name):
        for item in items:
            strategy.hit(item, "login", key)


def _login_keys(name: str) -> list[tuple[str, list[RateLimitItem]]]:
    config = current_app.config
    return [
        (f"account:{name.strip().lower()}", parse_many(config["WIKI_LOGIN_RATE_LIMIT"])),
        (f"ip:{get_remote_address()}", parse_many(config["WIKI_LOGIN_IP_RATE_LIMIT"])),
    ]


def init_app(app: Flask) -> None:
    """Attach Flask-Limiter and the login counter to the app."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["WIKI_RATELIMIT_STORAGE"])
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    storage = storage_from_string(app.config["WIKI_RATELIMIT_STORAGE"])
    app.extensions["wiki_login_limiter"] = MovingWindowRateLimiter(storage)
