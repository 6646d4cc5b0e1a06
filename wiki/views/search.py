"""Special:Search and the search box's suggestions (/api/suggest).

Special:Search?search=X goes to the page titled X when there is one (MediaWiki's "Go"), unless
fulltext is set; otherwise it lists ranked results with highlighted snippets, paged, and offers
to create X. Parameters are checked strictly: a bad one is a 400, never a 500. A page of results
and the suggestions answer a conditional GET from one small query (see wiki.views.conditional).
"""

from __future__ import annotations

import sys

from flask import (
    Blueprint,
    Flask,
    Response,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue

from wiki import search
from wiki.errors import BadParameter, WikiError
from wiki.titles import MAIN, NAMESPACES, VIRTUAL_NAMESPACES, page_url
from wiki.views import conditional, special
from wiki.views.helpers import int_arg

bp = Blueprint("search", __name__)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 10_000  # deeper than anyone pages; keeps OFFSET scans bounded
LIMIT_CHOICES = (20, 50, 100)
MAX_PREFIX_CHARS = 255
SEARCHABLE_NAMESPACES = tuple(sorted(n for n in NAMESPACES if n not in VIRTUAL_NAMESPACES))


def _namespace() -> int:
    """The namespace parameter: a namespace number, Main when absent."""
    number = int_arg("namespace", MAIN, minimum=min(NAMESPACES), maximum=max(NAMESPACES))
    if number not in SEARCHABLE_NAMESPACES:
        known = ", ".join(f"{n} ({NAMESPACES[n] or 'Main'})" for n in SEARCHABLE_NAMESPACES)
        raise BadParameter(f'"{number}" is not a namespace that can be searched. '
                           f"Namespaces: {known}.")
    return number


def _paging() -> tuple[int, int]:
    """The limit (results per page) and offset (results skipped) parameters."""
    limit = int_arg("limit", DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)
    offset = int_arg("offset", 0, minimum=0, maximum=MAX_OFFSET)
    return limit, offset


@special.special_page("Search", "Search the wiki's pages", sidebar=None)
def search_page(subpage: str) -> ResponseReturnValue:
    """The search form, a "Go" redirect to an exact title, or a page of ranked results."""
    query = search.clean_query(request.args.get("search", subpage.replace("_", " ")))
    namespace = _namespace()
    limit, offset = _paging()
    fulltext = bool(request.args.get("fulltext"))
    choices = [(n, NAMESPACES[n] or "(Main)") for n in SEARCHABLE_NAMESPACES]

    def build() -> Response:
        if not query:
            return make_response(render_template(
                "special/search.html", query="", results=None, namespace=namespace,
                namespaces=choices, limit=limit))
        if not fulltext:
            target = search.go_target(query)
            if target is not None:
                return make_response(redirect(page_url(target)))
        results = search.search(query, namespace, limit, offset)
        return make_response(render_template(
            "special/search.html", query=query, results=results, namespace=namespace,
            namespaces=choices, limit=limit, limit_choices=LIMIT_CHOICES,
            exact=search.go_target(query) if fulltext else None,
            create=search.creatable_title(query),
        ))

    # The index is written with each revision and a deletion is logged, so the results (and
    # whether a title to go to exists) change only with a revision or a log entry.
    return conditional.answer(lambda: conditional.pages_validator("search"), build)


@bp.get("/api/suggest")
def suggest_titles() -> ResponseReturnValue:
    """{"query": q, "titles": [...]}: up to ten page titles starting with q, for the search box."""
    raw = request.args.get("q")
    if raw is None:
        raise BadParameter('The parameter "q" (the start of a title) is missing.')
    if len(raw) > MAX_PREFIX_CHARS:
        raise BadParameter(f'The parameter "q" is longer than {MAX_PREFIX_CHARS} characters.')
    limit = int_arg("limit", search.MAX_SUGGESTIONS, minimum=1, maximum=search.MAX_SUGGESTIONS)
    prefix = search.clean_query(raw)

    def build() -> Response:
        titles = search.suggest_titles(prefix, limit)
        return jsonify(query=prefix, titles=[title.full for title in titles])

    # Titles come and go only with a revision or a log entry, as the search results do.
    return conditional.answer(lambda: conditional.pages_validator("suggest"), build)


@bp.errorhandler(WikiError)
def json_error(error: WikiError) -> ResponseReturnValue:
    """The suggestion endpoint answers its errors (bad parameters, bad UTF-8) in JSON."""
    return jsonify(error={"code": error.code, "info": error.message}), error.status


def init_app(app: Flask) -> None:
    """Register Special:Search and the suggestion endpoint."""
    special.register_declared(app, sys.modules[__name__])
    app.register_blueprint(bp)
