"""Special:Export: pages in MediaWiki's XML export format.

Special:Export/<Title> answers with the page's current revision as XML. Special:Export alone is a
form (titles one per line, a category whose members to add, full history or not, download or
not); it posts with its CSRF token, and the same fields in a GET address export too, so an export
can be linked. The XML streams from wiki.dumps.export as it is written, never held whole.
"""

from __future__ import annotations

import sys

from flask import Flask, Response, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue

from wiki import clock, pages
from wiki.dumps import export, siteinfo
from wiki.errors import BadParameter
from wiki.titles import parse_title
from wiki.views import special

XML_TYPE = "application/xml"


def _flag(name: str) -> bool:
    """A checkbox of the form (or a 0/1 parameter of the address); absent means no."""
    raw = (request.form if request.method == "POST" else request.args).get(name, "")
    if raw not in ("", "0", "1"):
        raise BadParameter(f'The parameter "{name}" must be 0 or 1, not "{raw[:50]}".')
    return raw == "1"


@special.special_page("Export", "Export pages and their history in MediaWiki's XML format")
def export_pages(subpage: str) -> ResponseReturnValue:
    """Special:Export/<Title>: one page's current revision; Special:Export: the form, or the
    export it asks for."""
    if subpage:
        page = pages.get_page(parse_title(subpage))  # a missing or deleted page is a 404
        return xml_response(export.Selection(page_ids=(page.id,)))
    fields = request.form if request.method == "POST" else request.args
    names = fields.get("pages", "")
    category = fields.get("category", "").strip()
    full_history, download = _flag("history"), _flag("download")
    if not names.strip() and not category:
        return render_template("special/export.html", names="", category="",
                               full_history=False, download=True, skipped=[])
    selection, skipped = export.choose(names.splitlines(), [category])
    if selection.empty:
        return render_template("special/export.html", names=names, category=category,
                               full_history=full_history, download=download,
                               skipped=skipped), 404
    return xml_response(selection, full_history=full_history, download=download)


def xml_response(selection: export.Selection, *, full_history: bool = False,
                 download: bool = False) -> Response:
    """The export streamed as application/xml (as an attachment to save, if asked)."""
    body = stream_with_context(export.export_xml(selection, full_history=full_history))
    response = Response(body, mimetype=XML_TYPE)
    if download:
        name = f"{siteinfo.DBNAME}-{clock.utcnow():%Y%m%d%H%M%S}.xml"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def init_app(app: Flask) -> None:
    """Register Special:Export."""
    special.register_declared(app, sys.modules[__name__])
