"""MediaWiki's REST API at /w/rest.php/v1/: pages (source, bare, HTML, history), revisions,
compare, search, and page edits through the one writer. Unlike /w/api.php it answers real HTTP
statuses, with MediaWiki's JSON error body (errors.py). Every endpoint is described in the
OpenAPI document served at /w/rest.php/v1/openapi.json (openapi.py).

A title in a path is in URL form (spaces or underscores, percent-encoded). A "/" inside a title
is sent as %2F; a literal "/history", "/bare" or "/html" at the end of the path names that
sub-resource. Where the server does not pass on the undecoded path (RAW_URI or REQUEST_URI;
Werkzeug's and gunicorn's do), a title ending in one of those words cannot be read whole.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from wiki import throttle
from wiki.api.rest import errors, openapi, reading, writing
from wiki.api.rest.errors import RestError
from wiki.api.rest.shapes import BASE, PREFIX
from wiki.errors import WikiError
from wiki.security import csrf
from wiki.titles import InvalidTitleError

bp = Blueprint("rest", __name__, url_prefix=BASE)
bp.register_error_handler(RestError, errors.handle_rest_error)
bp.register_error_handler(WikiError, errors.handle_wiki_error)
bp.register_error_handler(InvalidTitleError, errors.handle_invalid_title)
bp.register_error_handler(HTTPException, errors.handle_http_error)
bp.register_error_handler(Exception, errors.handle_unexpected)

PAGE_PARTS = ("history", "bare", "html")
# Revision ids are 32-bit in every database the wiki runs on; larger ones match no route (404).
REVISION = "int(min=1, max=2147483647)"


def _split_part(raw_title: str) -> tuple[str, str | None]:
    """The title and the sub-resource (history, bare, html) of page/{title}[/{part}]: a part
    counts only when its "/" was literal in the request, not %2F."""
    environ = request.environ
    raw_path = (environ.get("RAW_URI") or environ.get("REQUEST_URI") or "").partition("?")[0]
    for part in PAGE_PARTS:
        ending = "/" + part
        if raw_title.endswith(ending) and len(raw_title) > len(ending) \
                and (raw_path or raw_title).endswith(ending):
            return raw_title[:-len(ending)], part
    return raw_title, None


@bp.route("/page/<title:raw_title>", methods=["GET", "PUT"])
@throttle.limiter.limit(throttle.edit_limit, scope="edit-ip")
@throttle.limiter.limit(throttle.edit_limit, key_func=throttle.account_key, scope="edit-account")
def page_resource(raw_title: str) -> ResponseReturnValue:
    """GET or PUT page/{title}; GET page/{title}/history, /bare or /html. Saves count against
    the same edit limits as the edit form (reads are never limited)."""
    title, part = _split_part(raw_title)
    if part is None:
        return writing.put_page(title) if request.method == "PUT" else \
            reading.page(title, "source")
    if request.method == "PUT":
        raise RestError(405, "rest-wrong-method", f"page/{{title}}/{part} is read-only.",
                        headers={"Allow": "GET, HEAD"})
    return reading.history(title) if part == "history" else reading.page(title, part)


@bp.post("/page")
@throttle.limiter.limit(throttle.edit_limit, scope="edit-ip")
@throttle.limiter.limit(throttle.edit_limit, key_func=throttle.account_key, scope="edit-account")
def create_page() -> ResponseReturnValue:
    """POST page: create a page."""
    return writing.create_page()


@bp.get(f"/revision/<{REVISION}:revision_id>")
def get_revision(revision_id: int) -> ResponseReturnValue:
    """GET revision/{id}: a revision with its source."""
    return reading.revision(revision_id, "source")


@bp.get(f"/revision/<{REVISION}:revision_id>/bare")
def get_revision_bare(revision_id: int) -> ResponseReturnValue:
    """GET revision/{id}/bare: a revision without its source."""
    return reading.revision(revision_id, "bare")


@bp.get(f"/revision/<{REVISION}:revision_id>/html")
def get_revision_html(revision_id: int) -> ResponseReturnValue:
    """GET revision/{id}/html: a revision rendered."""
    return reading.revision(revision_id, "html")


@bp.get(f"/revision/<{REVISION}:from_id>/compare/<{REVISION}:to_id>")
def compare_revisions(from_id: int, to_id: int) -> ResponseReturnValue:
    """GET revision/{from}/compare/{to}."""
    return reading.compare_revisions(from_id, to_id)


@bp.get("/search/page")
def search_pages() -> ResponseReturnValue:
    """GET search/page?q=&limit=."""
    return reading.search_pages()


@bp.get("/search/title")
def search_titles() -> ResponseReturnValue:
    """GET search/title?q=&limit=."""
    return reading.search_titles()


@bp.get("/openapi.json")
def openapi_document() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi.document())


def answer_routing_errors() -> Response | None:
    """Unknown paths and wrong methods under /w/rest.php answer in the API's JSON too (routing
    fails before any blueprint is chosen, so the blueprint's handlers never see them)."""
    error = request.routing_exception
    if error is None or not (request.path == PREFIX or request.path.startswith(PREFIX + "/")):
        return None
    if isinstance(error, MethodNotAllowed):
        return errors.handle_http_error(error)
    if isinstance(error, NotFound):
        return errors.error_response(
            404, "rest-no-match",
            f"The requested path ({request.path[:200]}) matches no endpoint of the REST API; "
            f"{BASE}/openapi.json lists them.")
    return None


def init_app(app: Flask) -> None:
    """Register the REST API. It checks CSRF tokens itself (in the JSON body), so the app-wide
    form check leaves it alone."""
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.before_request(answer_routing_errors)
