"""/w/api.php: read the main parameters, run the action module, and answer in MediaWiki's
envelope. Every answer is HTTP 200 with JSON, errors included (clients treat 4xx as fatal and
retry 5xx for minutes); an unexpected exception becomes ``internal_api_error_<Name>``."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from wiki.api.action import tokens
from wiki.api.action.context import Context
from wiki.api.action.errors import ApiError, missing_param
from wiki.api.action.modules import Module, api_modules
from wiki.api.action.params import Param, format_timestamp
from wiki.api.action.result import content, formatted
from wiki.clock import utcnow
from wiki.errors import BadParameter, WikiError
from wiki.views.accounts import ENDED_SESSION_AWARE, ENDED_SESSION_MESSAGE

log = logging.getLogger(__name__)
bp = Blueprint("action_api", __name__)
API_PATH = "/w/api.php"
FORMATS = ("json", "jsonfm")
MAIN_PARAMS = (
    Param("action", help="Which action to perform.", default="help"),
    Param("format", values=FORMATS, default="jsonfm", help="The format of the output."),
    Param("formatversion", values=("1", "2", "latest"), default="1",
          help="Output formatting: 1 (backwards-compatible) or 2 (modern)."),
    Param("maxlag", "integer", help="Accepted for compatibility; this wiki has no replicas."),
    Param("smaxage", "integer", default=0, minimum=0, help="Accepted; no shared caching."),
    Param("maxage", "integer", default=0, minimum=0, help="Accepted; no caching."),
    Param("assert", values=("anon", "user", "bot"),
          help="Verify that the caller is logged in (user, bot) or not (anon)."),
    Param("assertuser", "user", help="Verify the caller is the named user."),
    Param("requestid", help="Any value given here is included in the response."),
    Param("servedby", "boolean", help="Include the host name that served the request."),
    Param("curtimestamp", "boolean", help="Include the current timestamp in the result."),
    Param("responselanginfo", "boolean", help="Include the languages used for uselang."),
    Param("origin", help="Accepted for compatibility; cross-site requests are not answered."),
    Param("uselang", default="user", help="Language to use for message translations."),
    Param("variant", help="Variant of the language."),
    Param("errorformat", values=("bc", "plaintext", "wikitext", "html", "raw", "none"),
          default="bc", help="Format to use for warning and error text output."),
    Param("errorlang", default="uselang", help="Language to use for warnings and errors."),
    Param("errorsuselocal", "boolean", help="Use locally customized error messages."),
    Param("utf8", "boolean", help="Output non-ASCII characters as they are in JSON."),
    Param("ascii", "boolean", help="Escape all non-ASCII characters."),
    Param("callback", help="JSONP is not offered."),
)


def _values() -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in request.values.items():
        values[key] = value
    return values


def _docref() -> str:
    base = current_app.config["WIKI_BASE_URL"].rstrip("/")
    return f"See {base}{API_PATH} for API usage."


def _error_body(error: ApiError, version: int) -> dict[str, Any]:
    body: dict[str, Any] = {"code": error.code, "info": error.info, **error.extra}
    if version == 1:
        body["*"] = _docref()
    else:
        body["docref"] = _docref()
    return body


def _check_assert(context: Context, parsed: dict[str, Any]) -> None:
    wanted = parsed.get("assert")
    user = context.user
    if wanted == "user" and user is None:
        raise ApiError("assertuserfailed", "You are no longer logged in, so the action could "
                                           "not be completed.")
    if wanted == "bot":
        raise ApiError("assertbotfailed", 'You do not have the "bot" right, so the action could '
                                          "not be completed.")
    if wanted == "anon" and user is not None:
        raise ApiError("assertanonfailed", "You are no longer logged out, so the action could "
                                           "not be completed.")
    named = parsed.get("assertuser")
    if named and (user is None or user.name != named.replace("_", " ").strip()):
        raise ApiError("assertnameduserfailed",
                       f'You are no longer logged in as "{named[:100]}", so the action could not '
                       "be completed.")


def _check_token(module: Module, context: Context) -> None:
    if module.token is None:
        return
    name = module.prefix + "token"  # "token", or "logintoken" for clientlogin
    given = context.values.get(name)
    if given is None:
        raise missing_param(name)
    if not tokens.is_valid(module.token, given):
        kind = "CSRF" if module.token == "csrf" else module.token
        raise ApiError("badtoken", f"Invalid {kind} token.")


def _run(context: Context) -> Any:
    main = context.parse("main", MAIN_PARAMS)
    context.format_version = 2 if main["formatversion"] in ("2", "latest") else 1
    name = main["action"]
    if name == "help":
        return {"help": {"mime": "text/plain",
                         "help": "MediaWiki Action API of this wiki. Use action=paraminfo to "
                                 "describe the modules."}}
    module = api_modules().get("action", name)
    if module is None or module.internal:
        raise ApiError("badvalue", f'Unrecognized value for parameter "action": {name[:100]}.')
    _check_assert(context, main.values)
    if module.must_post and not context.is_post:
        raise ApiError("mustbeposted", f'The "{name}" module requires a POST request.')
    if module.write and g.get("session_ended"):
        # Sent by a session that has been logged out: refused, not done anonymously (logins and
        # reads go on; assert=user has already answered assertuserfailed).
        raise ApiError("sessionended", ENDED_SESSION_MESSAGE)
    parsed = context.parse(name, module.all_params, module.prefix)
    _check_token(module, context)
    result: dict[str, Any] | Response = module.handler(context, parsed)
    if isinstance(result, Response):  # a module with its own format (action=rsd)
        raise _OwnFormat(result)
    if main.get("curtimestamp"):
        result["curtimestamp"] = format_timestamp(utcnow())
    if main.get("requestid") is not None:
        result["requestid"] = main["requestid"]
    return result


class _OwnFormat(Exception):  # noqa: N818 - carries an answer, not an error
    """A module's answer that is not written in the envelope."""

    def __init__(self, response: Response) -> None:
        super().__init__("own format")
        self.response = response


def _warn_unused(context: Context) -> None:
    unused = sorted(key for key in context.values if key not in context.used)
    if unused:
        shown = ", ".join(name[:100] for name in unused[:20])
        context.warn("main", f"Unrecognized parameter{'s' if len(unused) > 1 else ''}: "
                             f"{shown}.")


def _warnings(context: Context) -> dict[str, Any]:
    key = content("warnings")
    return {module: {key: "\n".join(texts)} for module, texts in context.warnings.items()}


def answer(context: Context) -> Response:
    """Run the request and write the envelope."""
    error_code = None
    try:
        result = _run(context)
    except _OwnFormat as own:
        return own.response
    except ApiError as error:
        error_code = error.code
        result = {"error": _error_body(error, context.format_version)}
    except WikiError as error:
        error_code = getattr(error, "code", None) or "internal_api_error_" + type(error).__name__
        result = {"error": _error_body(ApiError(error_code, error.message),
                                       context.format_version)}
    except HTTPException as error:
        error_code = f"http{error.code}"
        result = {"error": _error_body(ApiError(error_code, error.description or error.name),
                                       context.format_version)}
    except Exception as error:  # noqa: BLE001 - every answer must be 200 JSON, never a 5xx
        log.exception("API request failed")
        error_code = "internal_api_error_" + type(error).__name__
        result = {"error": _error_body(ApiError(
            error_code, "[An internal error occurred; it was logged.] Exception caught: "
                        f"{type(error).__name__}"), context.format_version)}
    _warn_unused(context)
    return _envelope(context, result, error_code)


def _envelope(context: Context, result: dict[str, Any], error_code: str | None) -> Response:
    if context.warnings:
        result = {"warnings": _warnings(context), **result}
    body = formatted(result, context.format_version)
    ascii_only = context.format_version == 1 and "utf8" not in context.values
    response = Response(json.dumps(body, ensure_ascii=ascii_only),
                        content_type="application/json; charset=utf-8")
    if error_code is not None:
        response.headers["MediaWiki-API-Error"] = error_code
    response.headers["Cache-Control"] = "private, must-revalidate, max-age=0"
    return response


@bp.errorhandler(Exception)
def _refused(error: Exception) -> Response:
    """Errors raised before the module ran (the input gate, a body too large, a rate limit)
    still answer 200 with the envelope."""
    version = 2 if request.args.get("formatversion") in ("2", "latest") else 1
    context = Context({}, version)
    if isinstance(error, WikiError):
        # The input gate refuses text that is not UTF-8 or holds control characters.
        code = "badinput" if isinstance(error, BadParameter) else error.code
        return _envelope(context, {"error": _error_body(ApiError(code, error.message), version)},
                         code)
    if isinstance(error, HTTPException):
        code = "ratelimited" if error.code == 429 else f"http{error.code}"
        info = error.description or error.name
        return _envelope(context, {"error": _error_body(ApiError(code, info), version)}, code)
    log.exception("API request failed")
    code = "internal_api_error_" + type(error).__name__
    return _envelope(context, {"error": _error_body(ApiError(code, code), version)}, code)


@bp.route(API_PATH, methods=["GET", "POST"])
def api() -> Response:
    """The Action API entry point."""
    return answer(Context(_values()))


def init_app(app: Flask) -> None:
    """Serve /w/api.php (its tokens are checked by the modules, not by the forms' CSRF check)
    and fill the module registry."""
    from wiki.api.action import modules, register
    from wiki.security import csrf

    registry = modules.init_app(app)
    register.register_all(registry)
    app.extensions.setdefault(ENDED_SESSION_AWARE, set()).add(f"{bp.name}.{api.__name__}")
    csrf.exempt(bp)
    app.register_blueprint(bp)
