"""Special:Import: an administrator uploads a MediaWiki XML export (plain, gzip or bzip2) and
gets the import's report as a page. The work is wiki.dumps.importer's, as for `flask import`."""

from __future__ import annotations

import os
import sys
from typing import IO

from flask import Flask, current_app, render_template, request
from flask.typing import ResponseReturnValue

from wiki import permissions
from wiki.dumps import importer
from wiki.dumps.source import DumpTooLarge
from wiki.errors import BadParameter
from wiki.views import special
from wiki.views.helpers import current_author


def upload_limit() -> int:
    """The largest file Special:Import takes: its own limit, within the request limit."""
    config = current_app.config
    return min(int(config["WIKI_IMPORT_MAX_BYTES"]), int(config["WIKI_MAX_REQUEST_BYTES"]))


@special.special_page("Import", "Import pages with their history from a MediaWiki XML export "
                      "(administrators)")
def import_pages(_subpage: str) -> ResponseReturnValue:
    """The upload form; a posted file is imported and the report shown."""
    author = current_author()
    permissions.require_admin(author.role, "import pages")
    if request.method != "POST":
        return render_template("special/import.html", limit=upload_limit(), report=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadParameter("Choose a MediaWiki XML export (.xml, .xml.gz or .xml.bz2) to import.")
    name = importer.display_name(upload.filename)
    size = _size(upload.stream)
    if size > upload_limit():
        raise DumpTooLarge(f"{name} is {size:,} bytes; Special:Import takes files of up to "
                           f"{upload_limit():,} bytes. Import a larger dump on the server with "
                           "`flask import`.")
    report = importer.import_dump(
        upload.stream, name, by=author, dry_run=bool(request.form.get("dry_run")),
        max_xml_bytes=int(current_app.config["WIKI_IMPORT_MAX_DECOMPRESSED_BYTES"]),
    )
    status = report.error_status if report.error else 200
    return render_template("special/import.html", limit=upload_limit(), report=report), status


def _size(stream: IO[bytes]) -> int:
    """The uploaded file's size, leaving the stream at its start."""
    size = stream.seek(0, os.SEEK_END)
    stream.seek(0)
    return size


def init_app(app: Flask) -> None:
    """Register Special:Import."""
    special.register_declared(app, sys.modules[__name__])
