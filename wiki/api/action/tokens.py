"""API tokens, bound to the caller's session cookie (anonymous callers get one on their first
token request). They carry MediaWiki's "+\\" suffix, which shows a token survived URL encoding.

The csrf token is Flask-WTF's (the REST API and the web forms accept it too), valid for the
CSRF time limit; the login token is kept in the session under its own key and is reusable until
the session changes, as clients cache it (MediaWiki does the same).
"""

from __future__ import annotations

from flask_wtf.csrf import generate_csrf, validate_csrf

SUFFIX = "+\\"
TOKEN_TYPES = ("csrf", "login", "patrol", "rollback", "watch")
_LOGIN_KEY = "api_login_token"


def token(kind: str) -> str:
    """A token of that type for this session."""
    if kind == "login":
        return str(generate_csrf(token_key=_LOGIN_KEY)) + SUFFIX
    return str(generate_csrf()) + SUFFIX


def is_valid(kind: str, given: str, *, suffix_required: bool = True) -> bool:
    """Whether ``given`` is a valid token of that type for this session. The Action API refuses
    a token without its suffix, as MediaWiki does (it was mangled on the way); the REST API
    also takes the bare token the web forms carry."""
    raw = given.removesuffix(SUFFIX)
    if not raw or (raw == given and suffix_required):
        return False
    try:
        if kind == "login":
            validate_csrf(raw, token_key=_LOGIN_KEY, time_limit=None)
        else:
            validate_csrf(raw)
    except ValueError:  # wtforms' ValidationError
        return False
    return True
