"""Errors as answers: every WikiError and HTTP error becomes an HTML page, or JSON for clients
that ask for it, with the right status. Nothing reaches the reader as a bare 500."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from wiki.errors import WikiError
from wiki.titles import InvalidTitleError

log = logging.getLogger(__name__)


def wants_json() -> bool:
    """True when the client prefers JSON to HTML."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > \
        request.accept_mimetypes["text/html"]


def error_response(
    status: int, code: str, message: str, **context: object
) -> tuple[Response | str, int]:
    """The error page (or JSON) for a status."""
    if wants_json():
        return jsonify(error={"code": code, "info": message}), status
    return render_template("errors/error.html", status=status, code=code,
                           message=message, **context), status


def handle_wiki_error(error: WikiError) -> ResponseReturnValue:
    """Domain errors keep what the user typed (details["text"]) so the page can show it again."""
    details = dict(error.details)
    posted_form = request.method == "POST" and request.mimetype.endswith("urlencoded")
    if "text" not in details and posted_form:
        details["text"] = request.form.get("text")
    body, status = error_response(error.status, error.code, error.message, **details)
    response = make_response(body, status)
    if "retry_after" in details:
        response.headers["Retry-After"] = str(details["retry_after"])
    return response


def handle_invalid_title(error: InvalidTitleError) -> ResponseReturnValue:
    """A title that breaks the rules: 400 with the reason."""
    return error_response(400, "invalidtitle", f"Bad title: {error}")


# Never echoed back: secrets, and the fields the wiki itself fills in.
_NOT_SHOWN_BACK = {"csrf_token", "password", "confirm", "base_revision", "save", "preview", "diff"}


def typed_fields() -> list[tuple[str, str]]:
    """What the user typed into the refused form, to hand it back."""
    if not request.mimetype.endswith("urlencoded"):
        return []
    return [(name, value) for name, value in request.form.items(multi=True)
            if name not in _NOT_SHOWN_BACK and value.strip()][:20]


def handle_csrf_error(error: CSRFError) -> ResponseReturnValue:
    """A form without a valid token: refuse it, but hand everything typed back."""
    fields = typed_fields()
    text = dict(fields).get("text")
    return error_response(
        400, "badtoken",
        "Your session token was missing or expired, so nothing was saved. "
        "What you typed is below: copy it, reload the page and try again.",
        text=text, fields=[(n, v) for n, v in fields if n != "text"],
    )


def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    """404, 405, 413 and the rest from Werkzeug."""
    status = error.code or 500
    message = error.description or error.name
    context = {}
    if status == 413:
        message = "The request is too large for this wiki."
    if status == 429:
        message = "You are editing too fast. Wait a little, then save again; your text is below."
        if request.mimetype.endswith("urlencoded"):
            context["text"] = request.form.get("text")
    body, status = error_response(status, error.name.lower().replace(" ", ""), message, **context)
    response = make_response(body, status)
    if status == 429 and "Retry-After" not in response.headers:
        retry = getattr(error, "retry_after", None)
        response.headers["Retry-After"] = str(retry or 60)
    return response


def handle_unexpected(error: Exception) -> ResponseReturnValue:
    """Last resort: log it and answer a plain error page."""
    log.exception("unhandled error")
    return error_response(500, "internal", "Something went wrong on the server.")


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(WikiError, handle_wiki_error)
    app.register_error_handler(InvalidTitleError, handle_invalid_title)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
