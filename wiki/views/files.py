"""Files on the web: Special:Upload, Special:ListFiles, what a File: page shows besides its
text, reverting to an old version, and serving originals (/files/) and thumbnails (/thumb/).

Originals and thumbnails are named by the SHA-1 of the bytes, so a URL's answer never changes:
they are sent with a strong ETag and cached for a year. Each is sent with the type it was
stored as (never guessed from the name) and nosniff; an SVG only as a sandboxed download.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
)
from flask.typing import ResponseReturnValue

from wiki import pages, permissions, throttle
from wiki.errors import BadUpload, Forbidden, UploadTooLarge, UploadWarning
from wiki.extensions import MissingPageOffer, registry
from wiki.files import storage
from wiki.files.cached_thumbs import CachedThumbnails
from wiki.files.thumbnail import (
    STANDARD_WIDTHS,
    SVG_MIME,
    BadImage,
    ThumbCache,
    make_thumbnail,
    thumb_width,
)
from wiki.markup.files import FileInfo
from wiki.models import FileVersion, Page
from wiki.titles import FILE, SPECIAL, Title, page_url, try_parse_title
from wiki.views import conditional
from wiki.views.helpers import current_author, int_arg, required_int_arg
from wiki.views.special import register_declared, special_page

bp = Blueprint("files", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"
SVG_POLICY = "sandbox; default-src 'none'"
LICENCES = (
    ("", "None selected"),
    ("CC BY-SA 4.0", "Creative Commons Attribution-ShareAlike 4.0"),
    ("CC BY 4.0", "Creative Commons Attribution 4.0"),
    ("CC0 1.0", "Creative Commons Zero (public domain dedication)"),
    ("Public domain", "Public domain (for example, expired copyright)"),
)
LIST_LIMIT = 50
PAGE_THUMB_WIDTH = 400
HISTORY_THUMB_WIDTH = 120
EXTENSION_OF_MIME = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif",
                     "image/webp": "webp"}


@dataclass(frozen=True)
class UploadForm:
    """The upload form's fields as typed (the file itself cannot be given back)."""

    destination: str = ""
    description: str = ""
    source: str = ""
    licence: str = ""
    summary: str = ""
    reupload: bool = False

    def page_text(self) -> str:
        """The description page's text: the description, then its source and licence."""
        parts = [self.description.strip()]
        if self.source.strip():
            parts.append(f"Source: {self.source.strip()}")
        if self.licence.strip():
            parts.append(f"Licence: {self.licence.strip()}")
        return "\n\n".join(part for part in parts if part)


def _form_from_request() -> UploadForm:
    form = request.form
    return UploadForm(
        destination=form.get("wpDestFile", "")[:255], description=form.get("description", ""),
        source=form.get("source", "")[:500], licence=form.get("licence", "")[:100],
        summary=form.get("summary", "")[:500], reupload=bool(form.get("wpForReUpload")),
    )


def _upload_form(form: UploadForm, *, status: int = 200, **extra: Any) -> ResponseReturnValue:
    """The upload form, filled in."""
    author = current_author()
    allowed = permissions.may_upload(author.role)
    return render_template(
        "files/upload.html", form=form, licences=LICENCES, allowed=allowed,
        anonymous=author.is_ip, max_bytes=current_app.config["WIKI_MAX_UPLOAD_BYTES"],
        allow_svg=current_app.config["WIKI_ALLOW_SVG"], **extra,
    ), status if allowed or status != 200 else 403


@special_page("Upload", "Upload a file", sidebar="Upload file", order=45)
def upload_page(_subpage: str) -> ResponseReturnValue:
    """The upload form (GET), or an upload (POST): redirects to the file's page when stored."""
    if request.method != "POST":
        return _upload_form(UploadForm(
            destination=request.args.get("wpDestFile", "")[:255],
            reupload=bool(request.args.get("wpForReUpload"))))
    form = _form_from_request()
    wait = throttle.take_edit()
    if wait:  # an upload is a save: it shares the edit form's allowance
        return _upload_form(form, status=429, error="You are saving too fast. Wait "
                            f"{wait} seconds and upload again; nothing was stored.")
    chosen = request.files.get("file")
    limit = int(current_app.config["WIKI_MAX_UPLOAD_BYTES"])
    data = chosen.stream.read(limit + 1) if chosen is not None else b""
    destination = form.destination or (chosen.filename or "" if chosen is not None else "")
    try:
        title = storage.file_title(destination)
        result = storage.upload(
            title, data, author=current_author(), text=form.page_text(), summary=form.summary,
            ignore_warnings=bool(request.form.get("ignore_warnings")), reupload=form.reupload)
    except (BadUpload, UploadTooLarge, UploadWarning, Forbidden) as error:
        kind = error.details.get("kind") if isinstance(error, UploadWarning) else None
        return _upload_form(form, status=error.status, error=error.message, warning=kind,
                            existing=error.details.get("existing"))
    flash("The file was uploaded." if result.status == "created"
          else "A new version of the file was uploaded.", "notice")
    return redirect(result.title.path, code=303)


@special_page("ListFiles", "Every uploaded file, newest first", order=35)
def list_files_page(_subpage: str) -> ResponseReturnValue:
    """The files by their current version, newest first, paged."""
    limit = int_arg("limit", LIST_LIMIT, minimum=1,
                    maximum=current_app.config["WIKI_HISTORY_MAX_LIMIT"])
    offset = int_arg("offset", 0, minimum=0, maximum=10_000_000)

    def build() -> Response:
        files, more = storage.list_files(limit, offset)
        infos = [_info(entry.name, entry.version) for entry in files]
        return make_response(render_template(
            "files/list_files.html", files=list(zip(files, infos, strict=True)), limit=limit,
            offset=offset, more=more))

    # Every upload or revert saves the description page, and a deletion is logged.
    return conditional.answer(lambda: conditional.pages_validator("listfiles"), build)


def _info(name: str, version: FileVersion) -> FileInfo:
    return FileInfo(name=name, sha1=version.sha1, mime=version.mime, width=version.width,
                    height=version.height)


@dataclass(frozen=True)
class FilePage:
    """What a File: page shows besides its text: the current file, every version, who may
    upload or revert, and the pages that show it."""

    current: FileInfo | None
    versions: list[tuple[FileVersion, FileInfo]]
    may_upload: bool
    usage: list[Title]


def file_page(title: Title, page: Page) -> FilePage:
    """The file part of a File: page's view."""
    versions = [(version, _info(title.text, version)) for version in storage.versions(page)]
    return FilePage(
        current=versions[0][1] if versions else None, versions=versions,
        may_upload=permissions.may_upload(current_author().role), usage=storage.usage(title),
    )


def revert_form(title: Title) -> ResponseReturnValue:
    """GET ?action=revert&version=N: the form that confirms a revert. The file page links here
    instead of carrying a form, so it holds no visitor's CSRF token and reads the same for every
    anonymous reader (and stays in the page cache and in a shared cache)."""
    permissions.check_upload(current_author().role)
    version_id = required_int_arg("version", minimum=1)
    version = storage.revertible_version(title, pages.get_page(title), version_id)
    return render_template("files/revert.html", title=title, version=version,
                           info=_info(title.text, version))


def revert(title: Title) -> ResponseReturnValue:
    """POST ?action=revert&version=N: make an old version current again."""
    version_id = required_int_arg("version", minimum=1, in_form=True)
    storage.revert(title, version_id, author=current_author())
    flash("The file was reverted to the chosen version.", "notice")
    return redirect(title.path, code=303)


def _immutable(response: Response, sha1: str, etag_suffix: str = "") -> Response:
    response.set_etag(sha1 + etag_suffix)
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.make_conditional(request)  # 304 when the browser has these bytes
    return response


def _is_sha1(text: str) -> bool:
    return len(text) == 40 and not text.strip("0123456789abcdef")


@bp.get("/files/<sha1>/<path:name>")
def original(sha1: str, name: str) -> ResponseReturnValue:
    """The file itself, as stored."""
    if not _is_sha1(sha1):
        abort(404)
    mime = storage.stored_mime(sha1)
    if mime is None or (mime == SVG_MIME and not current_app.config["WIKI_ALLOW_SVG"]):
        abort(404)
    if request.if_none_match.contains(sha1):  # the browser has these bytes: do not load them
        return _immutable(Response(status=304), sha1)
    response = Response(storage.blob_data(sha1), mimetype=mime)
    if mime == SVG_MIME:
        response.headers["Content-Security-Policy"] = SVG_POLICY
        response.headers["Content-Disposition"] = "attachment"
    return _immutable(response, sha1)


@bp.get("/thumb/<sha1>/<int:width>px-<path:name>")
def thumbnail(sha1: str, width: int, name: str) -> ResponseReturnValue:
    """A thumbnail at a standard width, made on first request and kept on this server's disk;
    another width is redirected to the standard one it rounds up to."""
    if not _is_sha1(sha1):
        abort(404)
    if width not in STANDARD_WIDTHS:
        return redirect(f"/thumb/{sha1}/{thumb_width(width)}px-{name}", code=301)
    cache = ThumbCache(Path(current_app.config["WIKI_THUMB_DIR"]))
    for cached_mime, extension in EXTENSION_OF_MIME.items():
        # A thumbnail this server made already is sent with no question to the database:
        # its bytes are named by the content hash, so they are right for as long as they exist.
        path = cache.path_for(sha1, width, extension)
        if path.is_file():
            return _thumbnail_response(path, cached_mime, sha1, width)
    mime = storage.stored_mime(sha1)
    if mime not in EXTENSION_OF_MIME:
        abort(404)
    try:  # the bytes are read from the database only when the thumbnail is missing
        path = cache.get_or_make(sha1, width, EXTENSION_OF_MIME[mime],
                                 lambda: make_thumbnail(storage.blob_data(sha1), mime, width))
    except BadImage:
        abort(404)
    return _thumbnail_response(path, mime, sha1, width)


def _thumbnail_response(path: Path, mime: str, sha1: str, width: int) -> Response:
    if request.if_none_match.contains(f"{sha1}-{width}"):
        return _immutable(Response(status=304), sha1, f"-{width}")
    response = send_file(path, mimetype=mime, conditional=False, etag=False)
    return _immutable(response, sha1, f"-{width}")


def _allow_upload_bodies() -> None:
    """Let an upload's body be as large as a file the wiki accepts plus an ordinary form:
    only the upload form and the API take files, so only they get the larger limit."""
    if request.method != "POST" or request.mimetype != "multipart/form-data":
        return
    raw = (request.view_args or {}).get("raw_title")
    title = try_parse_title(raw) if isinstance(raw, str) else None
    is_upload_form = title is not None and title.namespace == SPECIAL \
        and title.text.lower() == "upload"
    if is_upload_form or request.endpoint == "action_api.api":
        config = current_app.config
        request.max_content_length = int(config["WIKI_MAX_UPLOAD_BYTES"]) + int(
            config["WIKI_MAX_REQUEST_BYTES"])


def offer_upload(title: Title) -> MissingPageOffer | None:
    """On a missing File: page, offer the upload form with the name filled in."""
    if title.namespace != FILE:
        return None
    return MissingPageOffer(page_url("Special:Upload", wpDestFile=title.text),
                            "Upload this file", "then the page describes it")


def init_app(app: Flask) -> None:
    """Register the special pages, the file routes, the listener that follows File: pages,
    and the larger body limit of uploads (first, before the input gate reads any body)."""
    register_declared(app, sys.modules[__name__])
    app.register_blueprint(bp)
    # Flask's documented way to wrap the app in WSGI middleware is to replace wsgi_app; typed
    # as a method, it is set through the attribute name.
    wrapped = CachedThumbnails(app.wsgi_app, Path(app.config["WIKI_THUMB_DIR"]))
    attribute = "wsgi_app"
    setattr(app, attribute, wrapped)
    registry(app).add_change_listener(storage.file_changes)
    registry(app).add_missing_page_offer(offer_upload)
    app.before_request_funcs.setdefault(None, []).insert(0, _allow_upload_bodies)
    app.jinja_env.globals["upload_url"] = lambda name=None, reupload=None: page_url(
        "Special:Upload", wpDestFile=name, wpForReUpload=reupload)
