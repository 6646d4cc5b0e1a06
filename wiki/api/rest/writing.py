"""The REST API's writes: PUT page/{title} (update, or create when no base is named) and
POST page (create). Both go through the one writer, pages.save_edit, as web edits do: the
base revision (`latest.id`) is merged three ways with whatever was saved since, overlapping
changes answer 409, protection and the anonymous-editing rule answer 403, sizes 413.

Every write needs the CSRF token of the caller's session in the body (`token`): the session
cookie is the only way this wiki knows anyone, so a write without the token could have been
sent by another site through the reader's browser. The token is the one the Action API hands out
(`meta=tokens`, with MediaWiki's "+\\" suffix, accepted with or without it) and the one in the
wiki's own forms.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, jsonify, request

from wiki import pages, permissions
from wiki.api.action import tokens
from wiki.api.rest import compare
from wiki.api.rest.errors import RestError
from wiki.api.rest.shapes import CONTENT_MODEL, page_json, page_path
from wiki.errors import EditConflict, RevisionNotFound
from wiki.existence import is_readable
from wiki.security import FORBIDDEN_CHARACTERS
from wiki.titles import Title, parse_title
from wiki.views.helpers import MAX_ID, current_author


def _bad_body(message: str) -> RestError:
    return RestError(400, "rest-bad-json-body", message)


def json_body() -> dict[str, Any]:
    """The request's JSON object: 415 unless it says it is JSON, 400 unless it is an object."""
    if not request.is_json:
        raise RestError(415, "rest-unsupported-content-type",
                        "The body must be JSON, sent as Content-Type: application/json.")
    raw = request.get_data(cache=True)  # 413 above the request size limit
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise _bad_body("The body is not valid JSON.") from error
    if not isinstance(body, dict):
        raise _bad_body("The body must be a JSON object.")
    return body


def _encodable(value: str) -> bool:
    """False for a string JSON can carry but UTF-8 cannot (an unpaired surrogate, "\\ud800")."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_field(body: dict[str, Any], name: str, *, required: bool) -> str | None:
    """A string field of the body (null counts as absent), holding text the wiki can store."""
    value = body.get(name)
    if value is None:
        if required:
            raise _bad_body(f'The body has no "{name}" field.')
        return None
    if not isinstance(value, str):
        raise _bad_body(f'"{name}" must be a string.')
    if not _encodable(value):
        raise _bad_body(f'"{name}" holds an unpaired surrogate, which is not text.')
    if FORBIDDEN_CHARACTERS.search(value):
        raise _bad_body(f'"{name}" contains a control character; text on this wiki cannot hold '
                        "control characters other than tab and line breaks.")
    return value


def check_token(body: dict[str, Any]) -> None:
    """403 unless the body's `token` is the CSRF token of this session (Flask-WTF's; checking is
    off only where Flask-WTF's own WTF_CSRF_ENABLED turns it off)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    token = body.get("token")
    if token is None:
        raise RestError(403, "rest-badtoken-missing",
                        'Writes need the session\'s CSRF token in the body ("token"); fetch it '
                        "from /w/api.php?action=query&meta=tokens.")
    if not isinstance(token, str) or not _encodable(token):
        raise RestError(403, "rest-badtoken", "The CSRF token is not valid for this session.")
    if not tokens.is_valid("csrf", token, suffix_required=False):
        raise RestError(403, "rest-badtoken", "The CSRF token is not valid for this session.")


def _base_revision(body: dict[str, Any]) -> int | None:
    """`latest.id`: the revision the edit started from, or None (create only)."""
    latest = body.get("latest")
    if latest is None:
        return None
    revision_id = latest.get("id") if isinstance(latest, dict) else None
    if isinstance(revision_id, bool) or not isinstance(revision_id, int) or \
            not 1 <= revision_id <= MAX_ID:
        raise _bad_body('"latest" must be an object whose "id" is a revision id.')
    return revision_id


def _edit_fields(body: dict[str, Any]) -> tuple[str, str]:
    """The source and the comment (the edit summary), after the content model is checked."""
    check_token(body)
    source = text_field(body, "source", required=True) or ""
    comment = text_field(body, "comment", required=True) or ""
    model = text_field(body, "content_model", required=False)
    if model is not None and model != CONTENT_MODEL:
        raise RestError(400, "rest-bad-content-model",
                        f'This wiki\'s pages are "{CONTENT_MODEL}", not "{model[:50]}".')
    return source, comment


def _cannot_create(title: Title) -> RestError:
    return RestError(409, "rest-update-cannot-create-page",
                     f'"{title.full}" already exists; to change it, send the revision the edit '
                     'started from as "latest": {"id": ...}.')


def put_page(raw_title: str) -> Response:
    """PUT page/{title}: save the source as the page's new revision."""
    body = json_body()
    source, comment = _edit_fields(body)
    base_id = _base_revision(body)
    title = parse_title(raw_title)
    page = pages.find_page(title)
    permissions.check_edit(page if is_readable(page) else None, current_author().role)
    if base_id is None:
        if is_readable(page):
            raise _cannot_create(title)
    else:
        if not is_readable(page):
            raise RestError(404, "rest-nonexistent-title",
                            f'The specified page ("{title.full}") does not exist.')
        try:
            pages.get_revision(base_id, page)
        except RevisionNotFound as error:
            raise RestError(400, "rest-bad-latest",
                            f"Revision {base_id} is not a revision of this page.") from error
    return _save(title, source, comment, base_id)


def create_page() -> Response:
    """POST page: create the page named in the body; 409 if it exists."""
    body = json_body()
    source, comment = _edit_fields(body)
    title = parse_title(text_field(body, "title", required=True) or "")
    page = pages.find_page(title)
    permissions.check_edit(page if is_readable(page) else None, current_author().role)
    if is_readable(page):
        raise _cannot_create(title)
    return _save(title, source, comment, None)


def _save(title: Title, source: str, comment: str, base_id: int | None) -> Response:
    """Save through the one writer: 201 for a new page, else 200 (merged, or nothing to save)."""
    try:
        result = pages.save_edit(title, source, author=current_author(),
                                 base_revision_id=base_id, summary=comment)
    except EditConflict as conflict:
        raise _conflict(title, conflict) from conflict
    revision = result.revision
    response = jsonify(page_json(title, result.page.id, revision.id, revision.timestamp,
                                 revision.text))
    if result.status == "created":
        response.status_code = 201
        response.headers["Location"] = page_path(title)
    return response


def _conflict(title: Title, conflict: EditConflict) -> RestError:
    """409 with the base and current revisions and both sides' changes since the base."""
    base = conflict.details.get("base")
    if base is None:  # the page was created by someone else meanwhile
        return _cannot_create(title)
    current = conflict.details["current"]
    submitted: str = conflict.details["text"]
    return RestError(
        409, "rest-edit-conflict", conflict.message, base=base.id, current=current.id,
        local={"diff": compare.diff_entries(base.text, submitted)},
        remote={"diff": compare.diff_entries(base.text, current.text)},
    )
