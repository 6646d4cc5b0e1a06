"""Request hardening: CSRF on every form, security headers on every response, and a 400 for
request bytes that are not UTF-8 (instead of silently replacing them)."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote_to_bytes

from flask import Flask, Response, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from wiki.errors import BadParameter

csrf = CSRFProtect()

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
    """Attach CSRF protection, session cookie flags, the UTF-8 check and the response headers."""
    app.session_interface = SessionInterface()
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    # Before CSRF: its check reads the form, and a body that is not UTF-8 must be refused first.
    app.before_request(reject_invalid_utf8)
    csrf.init_app(app)
    app.after_request(add_security_headers)


def reject_invalid_utf8() -> None:
    """Refuse a path, query string or form body whose percent-escapes are not UTF-8, and any
    parameter holding a NUL character (no text in the wiki may hold one; PostgreSQL refuses it)."""
    raw_path = request.environ.get("PATH_INFO", "").encode("latin-1", "replace")
    if raw_path.isascii() and b"%" not in raw_path and not request.query_string \
            and request.mimetype != "application/x-www-form-urlencoded":
        return  # nothing that could be invalid (the common page view)
    fields: list[tuple[str, str]] = []
    try:
        unquote_to_bytes(raw_path).decode("utf-8")
        unquote_to_bytes(request.query_string).decode("utf-8")
        fields += parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True,
                            encoding="utf-8", errors="strict", max_num_fields=1000)
        if request.mimetype == "application/x-www-form-urlencoded":
            body = request.get_data(cache=True)  # form parsing reuses the cached bytes
            fields += parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                                encoding="utf-8", errors="strict", max_num_fields=1000)
    except UnicodeDecodeError as error:
        raise BadParameter("The request is not valid UTF-8.") from error
    except ValueError as error:
        raise BadParameter("The form has too many fields.") from error
    for name, value in fields:
        if "\x00" in name or "\x00" in value:
            shown = name.replace("\x00", "")[:40] or "?"
            raise BadParameter(f'The parameter "{shown}" contains a NUL character; '
                               "text on this wiki cannot hold one.")


def add_security_headers(response: Response) -> Response:
    """Headers that keep scripts, frames and sniffing out."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
