"""Accounts on the web: Special:CreateAccount, Special:UserLogin, Special:UserLogout,
Special:ChangePassword, Special:EndSessions/<name> (administrators), Special:Contributions/<name
or IP> and Special:Log; and who the current user is, checked against the account's session
version on every request."""

from __future__ import annotations

import sys

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
)
from flask.typing import ResponseReturnValue

from wiki import accounts, actionlog, returnto, throttle
from wiki.accounts import AccountError, LoginFailed
from wiki.errors import BadParameter, Forbidden, WikiError
from wiki.models import User
from wiki.titles import SPECIAL, page_url, try_parse_title
from wiki.views import conditional, special
from wiki.views.helpers import current_author, int_arg

LOG_ACTIONS = sorted(actionlog.ACTIONS)
# app.extensions key: endpoints that answer a post from an ended session themselves (the Action
# API goes on with logins and reads, and refuses writes in its own envelope).
ENDED_SESSION_AWARE = "wiki.ended_session_aware"
ENDED_SESSION_MESSAGE = ("You were logged out (this account logged out of every session, changed "
                         "its password, or an administrator ended its sessions), so nothing was "
                         "done.")
# Forms that work the same whether or not the session that sent them has ended.
_ACCOUNT_FORMS = {"userlogin", "userlogout", "createaccount"}


class SessionEnded(WikiError):
    """A form came from a session that has been logged out (here, on another device, by a
    password change or by an administrator); nothing was done."""

    status = 403
    code = "sessionended"


def load_user() -> None:
    """Put the logged-in account (or None) on g for this request. A session whose account has
    moved its session version on is over: it is cleared, and a form it sent is refused rather
    than carried out anonymously."""
    user = accounts.session_user(session.get("user_id"), session.get("session_version"))
    g.user = user
    if user is None and "user_id" in session:
        session.clear()
        if request.method == "POST" and not _is_account_form():
            if request.endpoint in current_app.extensions.get(ENDED_SESSION_AWARE, ()):
                g.session_ended = True
                return
            raise SessionEnded(f"{ENDED_SESSION_MESSAGE} What you typed is below: copy it, log "
                               "in again and retry.")


def _is_account_form() -> bool:
    raw = (request.view_args or {}).get("raw_title", "")
    title = try_parse_title(raw) if isinstance(raw, str) else None
    return title is not None and title.namespace == SPECIAL and \
        title.text.partition("/")[0].lower() in _ACCOUNT_FORMS


def log_in(user: User) -> None:
    """Start a logged-in session for the account (the login form and the API's logins)."""
    session.clear()  # a new session (and CSRF token) on every login
    session["user_id"] = user.id
    session["session_version"] = user.session_version
    session.permanent = True


@special.special_page("CreateAccount", "Create an account")
def create_account(_subpage: str) -> ResponseReturnValue:
    """Sign-up form; on success the new account is logged in."""
    target = returnto.safe_target(request.args.get("returnto"))
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
    log_in(user)
    flash(f"Welcome, {user.name}! Your account has been created.", "success")
    return redirect(target, code=303)


@special.special_page("UserLogin", "Log in")
def login(_subpage: str) -> ResponseReturnValue:
    """Log-in form; failures are throttled per account (every spelling of its name) and per
    address."""
    raw_target = request.values.get("returnto", "")
    target = returnto.safe_target(raw_target)
    if request.method != "POST":
        return render_template("accounts/login.html", name="", returnto=raw_target[:2000])
    name = request.form.get("name", "")[:100]
    attempt = throttle.begin_login(accounts.login_name(name))
    try:
        user = accounts.authenticate(name, request.form.get("password", ""))
    except LoginFailed as error:
        return render_template("accounts/login.html", name=name, returnto=raw_target[:2000],
                               error=error.message), 401
    throttle.succeeded(attempt)
    log_in(user)
    flash(f"You are logged in as {user.name}.", "success")
    return redirect(target, code=303)


@special.special_page("UserLogout", "Log out")
def logout(_subpage: str) -> ResponseReturnValue:
    """A button (GET) that logs out when pressed (POST, with the CSRF token). Logging out ends
    every session of the account, on every device."""
    if request.method != "POST":
        return render_template("accounts/logout.html")
    user = g.get("user")
    if user is not None:
        accounts.end_sessions(user.id)
    session.clear()
    g.user = None
    flash("You are now logged out, on this and every other device.", "success")
    return redirect(page_url("Main Page"), code=303)


@special.special_page("ChangePassword", "Change your password")
def change_password(_subpage: str) -> ResponseReturnValue:
    """Current password, new one twice; success logs out every other session."""
    user = g.get("user")
    if user is None:
        return redirect(page_url("Special:UserLogin", returnto="Special:ChangePassword"))
    if request.method != "POST":
        return render_template("accounts/change_password.html")
    attempt = throttle.begin_login(user.name)
    try:
        user = accounts.change_password(
            user.id, request.form.get("current", ""), request.form.get("password", ""),
            request.form.get("confirm", ""),
        )
    except AccountError as error:
        if error.field != "current":  # only a wrong current password counts as a guess
            throttle.succeeded(attempt)
        return render_template("accounts/change_password.html",
                               errors={error.field: error.message}), 400
    throttle.succeeded(attempt)
    log_in(user)
    flash("Your password has been changed. Every other session of this account has been "
          "logged out.", "success")
    return redirect(page_url(accounts.user_page(user.name)), code=303)


@special.special_page("EndSessions", "End every session of an account (administrators)")
def end_sessions(subpage: str) -> ResponseReturnValue:
    """Special:EndSessions/<name>: an administrator logs an account out everywhere."""
    author = current_author()
    if author.role != "admin":
        raise Forbidden("Only administrators can end the sessions of an account.")
    raw = subpage or request.values.get("target", "")
    account = accounts.find_user(raw) if raw else None
    if raw and account is None:
        return render_template("errors/error.html", status=404, code="nosuchuser",
                               message=f'There is no account "{raw[:85]}".'), 404
    if request.method != "POST" or account is None:
        return render_template("accounts/end_sessions.html", account=account)
    reason = " ".join(request.form.get("reason", "").split())
    if len(reason) > 500:
        raise BadParameter("The reason is longer than 500 characters.")
    accounts.end_sessions_of(account.name, reason, author)
    if account.id == g.user.id:  # an administrator who ends their own sessions is logged out
        session.clear()
    flash(f"Every session of {account.name} has ended.", "success")
    return redirect(page_url("Special:Log", type="endsessions"), code=303)


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

    def build() -> Response:
        user = accounts.find_user(target)
        name = user.name if user else target
        rows, more = accounts.contributions(name, limit, offset)
        return make_response(render_template(
            "accounts/contributions.html", target=name, account=user, rows=rows, more=more,
            limit=limit, offset=offset))

    # An author's edits, their pages and the account's role change only with a revision or a
    # log entry.
    return conditional.answer(lambda: conditional.pages_validator("contributions"), build)


@special.special_page("Log", "Protections, deletions, rollbacks, new accounts and imports")
def action_log(subpage: str) -> ResponseReturnValue:
    """Special:Log (?type=, ?page=, ?user=), newest first; 304 while the reader's copy is
    current."""
    kind = request.args.get("type", subpage or "")[:32]
    if kind and kind not in actionlog.ACTIONS:
        raise BadParameter(f'"{kind}" is not a kind of log entry.')
    page_text = request.args.get("page", "").strip()
    title = try_parse_title(page_text) if page_text else None
    if page_text and title is None:
        raise BadParameter("That page title is not valid.")
    limit = int_arg("limit", 50, minimum=1, maximum=current_app.config["WIKI_HISTORY_MAX_LIMIT"])
    offset = int_arg("offset", 0, minimum=0, maximum=10_000_000)
    assert limit is not None and offset is not None
    newest_id, logged = actionlog.newest()

    def build() -> Response:
        entries, more = actionlog.entries(action=kind or None, title=title,
                                          actor=request.args.get("user") or None,
                                          limit=limit, offset=offset)
        return make_response(render_template(
            "accounts/log.html", entries=entries, more=more, kind=kind, page=page_text,
            actions=actionlog.ACTIONS, limit=limit, offset=offset))

    # 304 while the reader's copy is current: its filters are in the URL, and the log only grows.
    return conditional.answer(lambda: conditional.validator("log", (newest_id,), logged), build)


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
