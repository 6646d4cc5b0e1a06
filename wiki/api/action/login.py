"""action=login, action=clientlogin and action=logout: the web login form's rules through the API.

Both logins check passwords with wiki.accounts and count failures with the web form's throttle
(per account, whatever its spelling, and per address), and a successful one starts the session
exactly as the form does. Login tokens are reusable until the session changes; a missing or
stale one answers NeedToken with a token that works, so that clients never loop. Logging out
ends every session of the account, as the web's logout does.
"""

from __future__ import annotations

from typing import Any

from flask import g, session

from wiki import accounts, throttle
from wiki.accounts import LoginFailed
from wiki.api.action import tokens
from wiki.api.action.context import Context
from wiki.api.action.errors import ApiError
from wiki.api.action.modules import Module, ModuleRegistry
from wiki.api.action.params import Param, Parsed
from wiki.errors import TooManyRequests
from wiki.models import User
from wiki.views.accounts import log_in

NO_CREDENTIALS = "The supplied credentials could not be authenticated."
# The fields of clientlogin's username/password request (MediaWiki names them so).
CREDENTIAL_FIELDS = ("username", "password", "rememberMe", "domain")


def _authenticate(name: str, password: str) -> User:
    """The account, after the throttle has counted the attempt (LoginFailed or
    TooManyRequests otherwise)."""
    attempt = throttle.begin_login(accounts.login_name(name))
    if not name.strip() or not password:
        raise LoginFailed(NO_CREDENTIALS)
    user = accounts.authenticate(name, password)
    throttle.succeeded(attempt)
    return user


def login(context: Context, params: Parsed) -> dict[str, Any]:
    """action=login: lgname, lgpassword, lgtoken."""
    given = params.get("token")
    if given is None or not tokens.is_valid("login", given):
        reason = ("No login token was given." if given is None else
                  "The login token is not valid for this session (it may have ended).")
        return {"login": {"result": "NeedToken", "token": tokens.token("login"),
                          "reason": reason}}
    try:
        user = _authenticate(params.get("name", "")[:255], params.get("password", ""))
    except TooManyRequests as error:
        return {"login": {"result": "Throttled", "wait": error.details.get("retry_after", 5),
                          "reason": error.message}}
    except LoginFailed as error:
        return {"login": {"result": "Failed", "reason": error.message}}
    log_in(user)
    return {"login": {"result": "Success", "lguserid": user.id, "lgusername": user.name}}


def client_login(context: Context, params: Parsed) -> dict[str, Any]:
    """action=clientlogin with a user name and password (the only way this wiki offers)."""
    context.used.update(CREDENTIAL_FIELDS)
    if params.get("continue"):
        return {"clientlogin": {"status": "FAIL", "message": "There is no login in progress to "
                                "continue; start again with loginreturnurl.",
                                "messagecode": "authmanager-authn-not-in-progress"}}
    if params.get("returnurl") is None:
        raise ApiError("missingparam", 'At least one of the parameters "logincontinue" and '
                                       '"loginreturnurl" is required.')
    name = context.values.get("username", "")[:255]
    try:
        user = _authenticate(name, context.values.get("password", ""))
    except TooManyRequests as error:
        return {"clientlogin": {"status": "FAIL", "message": error.message,
                                "messagecode": "login-throttled"}}
    except LoginFailed as error:
        code = "authmanager-authn-no-primary" if error.message == NO_CREDENTIALS \
            else "wrongpassword"
        return {"clientlogin": {"status": "FAIL", "message": error.message,
                                "messagecode": code}}
    log_in(user)
    return {"clientlogin": {"status": "PASS", "username": user.name}}


def logout(context: Context, params: Parsed) -> dict[str, Any]:
    """action=logout: ends every session of the account, like the web's logout."""
    user = context.user
    if user is not None:
        accounts.end_sessions(user.id)
    session.clear()
    g.user = None
    return {}


def register(registry: ModuleRegistry) -> None:
    """Offer login, clientlogin and logout."""
    registry.add(Module("login", "action", login, "Log in and get authentication cookies.",
                        prefix="lg", must_post=True, write=False, params=(
                            Param("name", help="User name."),
                            Param("password", "password", sensitive=True, help="Password."),
                            Param("domain", help="Domain (optional; not used by this wiki)."),
                            Param("token", sensitive=True, help='A "login" token retrieved '
                                  "from action=query&meta=tokens")),
                        ))
    registry.add(Module("clientlogin", "action", client_login, "Log in to the wiki using the "
                        "interactive flow.", prefix="login", must_post=True, token="login",
                        params=(
                            Param("requests", multi=True, help="Only use these authentication "
                                  "requests."),
                            Param("messageformat", values=("html", "none", "raw", "wikitext"),
                                  default="wikitext", help="Format to use for returning "
                                  "messages."),
                            Param("mergerequestfields", "boolean", help="Merge field "
                                  "information for all authentication requests into one array."),
                            Param("preservestate", "boolean", help="Preserve state from a "
                                  "previous failed login attempt, if possible."),
                            Param("returnurl", help="Return URL for third-party authentication "
                                  "flows; required unless logincontinue is given."),
                            Param("continue", "boolean", help="This request is a continuation "
                                  "after an earlier UI or REDIRECT response."))))
    registry.add(Module("logout", "action", logout, "Log out and clear session data.",
                        must_post=True, token="csrf"))
