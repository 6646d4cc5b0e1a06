"""Request hardening: the input gate (a 400 for request text that is not UTF-8 or holds control
characters, instead of storing or silently replacing it), CSRF on every form, session cookie
flags, and security headers on every response."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote_to_bytes

from flask import Flask, Response, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder

from wiki.errors import BadParameter

csrf = CSRFProtect()

URLENCODED = "application/x-www-form-urlencoded"
FORM_TYPES = frozenset({URLENCODED, "multipart/form-data"})
MAX_FIELDS = 1000  # Werkzeug's own limit of form parts
# C0 and C1 control characters and DEL, except tab, LF and CR (CR is normalised away on save).
# XML 1.0 cannot carry most of them and no wiki text needs any.
FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie is marked Secure whenever the request came over HTTPS
    (behind a proxy, configure ProxyFix so Flask sees the scheme)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure over HTTPS, or always when SESSION_COOKIE_SECURE is set."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (
            has_request_context() and request.is_secure
        )


def init_app(app: Flask) -> None:
    """Attach CSRF protection, session cookie flags, the input gate and the response headers."""
    app.session_interface = SessionInterface()
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    # Before CSRF: its check reads the form, and a form that fails the gate must be refused first.
    app.before_request(check_input)
    csrf.init_app(app)
    app.after_request(add_security_headers)


def check_input() -> None:
    """The input gate: every query parameter and every field of a form body (urlencoded or
    multipart; names, values and file names, but not file contents) must be valid UTF-8 and
    hold no NUL or other control character except tab, CR and LF, and the path must be valid
    UTF-8 (a title's own rules refuse control characters in it, saying why). Anything else is a
    400 that names the parameter, before any view (or the CSRF check) reads it."""
    raw_path = request.environ.get("PATH_INFO", "").encode("latin-1", "replace")
    form_type = request.mimetype in FORM_TYPES
    if raw_path.isascii() and b"%" not in raw_path and not request.query_string and not form_type:
        return  # nothing that could be invalid (the common page view)
    try:
        unquote_to_bytes(raw_path).decode("utf-8")
        _check_fields(_query_fields(request.query_string), "parameter")
    except UnicodeDecodeError as error:
        raise BadParameter("The address is not valid UTF-8.") from error
    if not form_type:
        return
    fields = _form_fields()
    try:
        _check_fields(fields, "form field")
    except BadParameter as error:
        # Give back what the person typed, without the characters that were refused.
        typed = next((value for name, value in fields if name == "text"), None)
        if typed is not None:
            error.details.setdefault("text", FORBIDDEN_CHARACTERS.sub("", typed))
        raise


def _query_fields(query: bytes) -> list[tuple[str, str]]:
    """The query string's parameters, decoded strictly (UnicodeDecodeError when not UTF-8)."""
    if not query:
        return []
    try:
        return parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding="utf-8",
                         errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise
    except ValueError as error:
        raise BadParameter("The address has too many parameters.") from error


def _form_fields() -> list[tuple[str, str]]:
    """Every field of the form body as (name, value), file fields as (name, file name)."""
    body = request.get_data(cache=True)  # Werkzeug's form parsing reuses the cached bytes
    try:
        if request.mimetype == URLENCODED:
            return parse_qsl(body.decode("utf-8"), keep_blank_values=True, encoding="utf-8",
                             errors="strict", max_num_fields=MAX_FIELDS)
        return _multipart_fields(body, request.mimetype_params.get("boundary", ""))
    except UnicodeDecodeError as error:
        raise BadParameter("The form is not valid UTF-8.") from error
    except ValueError as error:
        raise BadParameter("The form could not be read: it is malformed or has more than "
                           f"{MAX_FIELDS} fields.") from error


def _multipart_fields(body: bytes, boundary: str) -> list[tuple[str, str]]:
    """The fields of a multipart body as the form parser will see them: each value decoded
    strictly in its part's charset (UTF-8 unless the part names ASCII or Latin-1), and each
    file as its name and file name (its contents are not text and are not checked)."""
    if not boundary:
        raise ValueError("a multipart body needs a boundary")
    decoder = MultipartDecoder(boundary.encode("ascii"), max_parts=MAX_FIELDS)
    decoder.receive_data(body)
    decoder.receive_data(None)
    fields: list[tuple[str, str]] = []
    part: Field | File | None = None
    chunks: list[bytes] = []
    while not isinstance(event := decoder.next_event(), Epilogue):
        if isinstance(event, File):
            part = event
            fields.append((event.name or "", event.filename))
        elif isinstance(event, Field):
            part, chunks = event, []
        elif isinstance(event, Data) and isinstance(part, Field):
            chunks.append(event.data)
            if not event.more_data:
                fields.append((part.name or "", b"".join(chunks).decode(_charset(part), "strict")))
    return fields


def _charset(part: Field) -> str:
    """The charset Werkzeug decodes a multipart field with."""
    charset = parse_options_header(part.headers.get("content-type", ""))[1].get("charset", "")
    return charset.lower() if charset.lower() in {"ascii", "us-ascii", "iso-8859-1"} else "utf-8"


def _check_fields(fields: list[tuple[str, str]], kind: str) -> None:
    """BadParameter naming the first field whose name or value holds a forbidden character."""
    for name, value in fields:
        found = FORBIDDEN_CHARACTERS.search(name) or FORBIDDEN_CHARACTERS.search(value)
        if found is None:
            continue
        shown = FORBIDDEN_CHARACTERS.sub("", name)[:40] or "?"
        character = found.group()
        what = "a NUL character" if character == "\x00" else \
            f"the control character U+{ord(character):04X}"
        raise BadParameter(f'The {kind} "{shown}" contains {what}; text on this wiki cannot '
                           "hold control characters other than tab and line breaks.")


def add_security_headers(response: Response) -> Response:
    """Headers that keep scripts, frames and sniffing out."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
