"""REST API errors: every failure is a real HTTP status with MediaWiki's JSON error body,
`{"httpCode", "httpReason", "errorKey", "messageTranslations": {"en": ...}}`, whatever raised it:
the API's own checks (RestError), the wiki's domain errors, bad titles, Werkzeug's HTTP errors
(413, 429 from Flask-Limiter, ...) and routing (404, 405)."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from wiki.errors import Forbidden, WikiError
from wiki.titles import InvalidTitleError

log = logging.getLogger(__name__)


class RestError(Exception):
    """A refusal with its status, MediaWiki-style error key, English message, and any extra
    keys the body carries (an edit conflict's revisions and diffs)."""

    def __init__(self, status: int, key: str, message: str, *,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.key = key
        self.message = message
        self.headers = headers or {}
        self.extra = extra


# The wiki's error codes (wiki.errors) as REST error keys.
_WIKI_KEYS = {
    "badparameter": "rest-bad-parameter",
    "missingtitle": "rest-nonexistent-title",
    "nosuchrevid": "rest-nonexistent-revision",
    "contenttoobig": "rest-content-too-big",
    "editconflict": "rest-edit-conflict",
    "noedit": "rest-cannot-edit",
    "pagedeleted": "rest-page-deleted",
    "ratelimited": "rest-rate-limited",
    "rendertimeout": "rest-render-timeout",
    "pagebusy": "rest-page-busy",
    "sessionended": "rest-session-ended",
}
# Why an edit was refused (Forbidden's "reason") as REST error keys.
_FORBIDDEN_KEYS = {"protected": "rest-protected-page", "login": "rest-login-required"}
# Werkzeug's HTTP errors as REST error keys; any other status gets rest-http-<status>.
_HTTP_KEYS = {
    404: "rest-no-match",
    405: "rest-wrong-method",
    413: "rest-request-too-large",
    415: "rest-unsupported-content-type",
    429: "rest-rate-limited",
}


def reason_phrase(status: int) -> str:
    """The standard reason phrase of a status ("Not Found")."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_response(status: int, key: str, message: str, *,
                   headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """The JSON error body with its status (and any headers, such as Retry-After or Allow)."""
    body: dict[str, Any] = {
        "httpCode": status,
        "httpReason": reason_phrase(status),
        "errorKey": key,
        "messageTranslations": {"en": message},
    }
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def handle_rest_error(error: RestError) -> Response:
    """The API's own refusals."""
    return error_response(error.status, error.key, error.message, headers=error.headers,
                          **error.extra)


def handle_wiki_error(error: WikiError) -> Response:
    """Domain errors from the services (and the input gate), with their own status."""
    key = _WIKI_KEYS.get(error.code, f"rest-{error.code}")
    if isinstance(error, Forbidden):
        key = _FORBIDDEN_KEYS.get(error.details.get("reason", ""), "rest-permission-denied")
    headers = {}
    if "retry_after" in error.details:
        headers["Retry-After"] = str(error.details["retry_after"])
    return error_response(error.status, key, error.message, headers=headers)


def handle_invalid_title(error: InvalidTitleError) -> Response:
    """A title that breaks the wiki's rules: 400 with the reason."""
    return error_response(400, "rest-invalid-title", f"Bad title: {error}")


def handle_http_error(error: HTTPException) -> Response:
    """Werkzeug's errors: too large a body, too many edits (Flask-Limiter), and the like."""
    status = error.code or 500
    message = error.description or error.name
    headers = {}
    if status == 413:
        message = "The request is too large for this wiki."
    elif status == 429:
        message = "Too many edits from this address or account; wait a little and try again."
        retry = getattr(error, "retry_after", None)
        headers["Retry-After"] = str(retry or 60)
    elif isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return error_response(status, _HTTP_KEYS.get(status, f"rest-http-{status}"), message,
                          headers=headers)


def handle_unexpected(error: Exception) -> Response:
    """Last resort: log it, and answer in the API's shape."""
    log.exception("unhandled error in the REST API")
    return error_response(500, "rest-internal-error", "Something went wrong on the server.")
