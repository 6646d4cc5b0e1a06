"""Accounts on the web: Special:CreateAccount, Special:UserLogin, Special:UserLogout,
Special:Contributions/<name or IP> and Special:Log; and who the current user is."""

from __future__ import annotations

import sys

from flask import Flask, current_app, flash, g, redirect, render_template, request, session
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from wiki import accounts, actionlog
from wiki.accounts import AccountError, LoginFailed
from wiki.db import db
from wiki.models import User
from wiki.throttle import check_login_allowed, record_login_failure
from wiki.titles import page_url, try_parse_title
from wiki.views import special
from wiki.views.helpers import int_arg

LOG_ACTIONS = sorted(actionlog.ACTIONS)


def load_user() -> None:
    """Put the logged-in account (or None) on g for this request."""
    user_id = session.get("user_id")
    g.user = db.session.get(User, user_id) if isinstance(user_id, int) else None


def _safe_next(target: str | None) -> str:
    """Only redirect to paths on this wiki after logging in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return page_url("Main Page")


def _log_in(user: User) -> None:
    session.clear()  # a new session (and CSRF token) on every login
    session["user_id"] = user.id
    session.permanent = True


@special.special_page("CreateAccount", "Create an account")
def create_account(_subpage: str) -> ResponseReturnValue:
    """Sign-up form; on success the new account is logged in."""
    values = {"name": request.form.get("name", "")[:100] if request.method == "POST" else ""}
    if request.method != "POST":
        return render_template("accounts/create_account.html", values=values)
    try:
        user = accounts.create_account(
            request.form.get("name", ""), request.form.get("password", ""),
            request.form.get("confirm", ""),
        )
    except AccountError as error:
        return render_template("accounts/create_account.html", values=values,
                               errors={error.field: error.message}), 400
    _log_in(user)
    flash(f"Welcome, {user.name}! Your account has been created.", "success")
    return redirect(_safe_next(request.args.get("returnto")), code=303)


@special.special_page("UserLogin", "Log in")
def login(_subpage: str) -> ResponseReturnValue:
    """Log-in form; failures are throttled per account and per address."""
    returnto = request.values.get("returnto", "")[:500]
    if request.method != "POST":
        return render_template("accounts/login.html", name="", returnto=returnto)
    name = request.form.get("name", "")[:100]
    check_login_allowed(name)
    try:
        user = accounts.authenticate(name, request.form.get("password", ""))
    except LoginFailed as error:
        record_login_failure(name)
        return render_template("accounts/login.html", name=name, returnto=returnto,
                               error=error.message), 401
    _log_in(user)
    flash(f"You are logged in as {user.name}.", "success")
    return redirect(_safe_next(returnto), code=303)


@special.special_page("UserLogout", "Log out")
def logout(_subpage: str) -> ResponseReturnValue:
    """A button (GET) that logs out when pressed (POST, with the CSRF token)."""
    if request.method != "POST":
        return render_template("accounts/logout.html")
    session.clear()
    flash("You are now logged out.", "success")
    return redirect(page_url("Main Page"), code=303)


@special.special_page("Contributions", "The edits of one account or IP address")
def contributions(subpage: str) -> ResponseReturnValue:
    """Special:Contributions/<name or IP>: that author's revisions, newest first."""
    target = (subpage or request.args.get("target", "")).replace("_", " ").strip()[:255]
    if not target:
        return render_template("accounts/contributions.html", target="", rows=[], more=False,
                               limit=50, offset=0)
    limit = int_arg("limit", 50, minimum=1, maximum=current_app.config["WIKI_HISTORY_MAX_LIMIT"])
    offset = int_arg("offset", 0, minimum=0, maximum=10_000_000)
    assert limit is not None and offset is not None
    user = accounts.find_user(target)
    name = user.name if user else target
    rows, more = accounts.contributions(name, limit, offset)
    return render_template("accounts/contributions.html", target=name, account=user, rows=rows,
                           more=more, limit=limit, offset=offset)


@special.special_page("Log", "Protections, deletions, rollbacks and new accounts")
def action_log(subpage: str) -> ResponseReturnValue:
    """Special:Log (?type=, ?page=, ?user=), newest first."""
    kind = request.args.get("type", subpage or "")[:32]
    if kind and kind not in actionlog.ACTIONS:
        from wiki.errors import BadParameter

        raise BadParameter(f'"{kind}" is not a kind of log entry.')
    page_text = request.args.get("page", "").strip()
    title = try_parse_title(page_text) if page_text else None
    if page_text and title is None:
        from wiki.errors import BadParameter

        raise BadParameter("That page title is not valid.")
    limit = int_arg("limit", 50, minimum=1, maximum=current_app.config["WIKI_HISTORY_MAX_LIMIT"])
    offset = int_arg("offset", 0, minimum=0, maximum=10_000_000)
    assert limit is not None and offset is not None
    entries, more = actionlog.entries(action=kind or None, title=title,
                                      actor=request.args.get("user") or None,
                                      limit=limit, offset=offset)
    return render_template("accounts/log.html", entries=entries, more=more, kind=kind,
                           page=page_text, actions=actionlog.ACTIONS, limit=limit, offset=offset)


def add_user_to_response(response: Response) -> Response:
    """Pages differ per user; shared caches must not mix them."""
    if g.get("user") is not None:
        response.headers.setdefault("Cache-Control", "private, no-cache")
    return response


def init_app(app: Flask) -> None:
    """Load the user on every request; register the account pages."""
    special.register_declared(app, sys.modules[__name__])
    app.before_request(load_user)
    app.after_request(add_user_to_response)
