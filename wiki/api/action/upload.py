"""action=upload: a file sent as the multipart part "file", stored through the file service.

Answers as MediaWiki does: {"upload": {"result": "Success", "filename", "imageinfo"}}, or
"Warning" with the warnings (exists, duplicate) when ignorewarnings is not given. Stashed and
chunked uploads (filekey, stash, chunk) and uploads from a URL are not offered.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from wiki.api.action.catinfo import IMAGEINFO_PROPS, version_entry
from wiki.api.action.context import Context
from wiki.api.action.errors import ApiError
from wiki.api.action.modules import Module, ModuleRegistry
from wiki.api.action.params import Param, Parsed
from wiki.errors import BadUpload, Forbidden, UploadTooLarge, UploadWarning
from wiki.files import storage

PARAMS = (
    Param("filename", help="Target filename.", required=True),
    Param("comment", "text", default="", help="Upload comment; also the initial page text "
                                              "when text is not given."),
    Param("text", "text", help="Initial page text for new files."),
    Param("ignorewarnings", "boolean", help="Ignore any warnings."),
    Param("file", "upload", help="File contents (a multipart part)."),
    Param("filekey", help="Not supported: this wiki keeps no stash."),
    Param("stash", "boolean", help="Not supported: this wiki keeps no stash."),
    Param("filesize", "integer", help="Not supported (chunked uploads)."),
    Param("offset", "integer", help="Not supported (chunked uploads)."),
    Param("chunk", "upload", help="Not supported (chunked uploads)."),
    Param("url", help="Not supported: files are not fetched from URLs."),
)


def upload(context: Context, params: Parsed) -> dict[str, Any]:
    """action=upload."""
    if params.get("filekey") or params.get("stash") or "chunk" in request.files:
        raise ApiError("stashfailed", "This wiki does not keep stashed or chunked uploads; "
                                      "send the whole file in one request.")
    if params.get("url"):
        raise ApiError("copyuploaddisabled", "Upload by URL is disabled.")
    chosen = request.files.get("file")
    if chosen is None:
        raise ApiError("missingparam", "One of the parameters filekey, file and url is "
                                       "required.")
    limit = int(current_app.config["WIKI_MAX_UPLOAD_BYTES"])
    data = chosen.stream.read(limit + 1)
    comment = params.get("comment") or ""
    text = params.get("text")
    try:
        title = storage.file_title(params["filename"])
        result = storage.upload(title, data, author=context.author,
                                text=text if text is not None else comment, summary=comment,
                                ignore_warnings=bool(params.get("ignorewarnings")))
    except UploadWarning as warning:
        return {"upload": {"result": "Warning", "warnings": _warnings(warning)}}
    except UploadTooLarge as error:
        raise ApiError("file-too-large", error.message) from error
    except BadUpload as error:
        raise ApiError("verification-error", error.message) from error
    except Forbidden as error:
        raise ApiError("permissiondenied", error.message) from error
    return {"upload": {
        "result": "Success", "filename": title.text,
        "imageinfo": version_entry(title.text, result.version, set(IMAGEINFO_PROPS)),
    }}


def _warnings(warning: UploadWarning) -> dict[str, Any]:
    """MediaWiki's warnings object for an upload that was not made."""
    kind = warning.details.get("kind")
    existing = warning.details.get("existing") or ""
    if kind == "duplicate":
        return {"duplicate": [existing]}
    if kind == "nochange":
        return {"exists": existing, "nochange": {"timestamp": ""}}
    return {"exists": existing}


def register(registry: ModuleRegistry) -> None:
    """Offer action=upload."""
    registry.add(Module("upload", "action", upload, "Upload a file.", params=PARAMS,
                        must_post=True, token="csrf", write=True))
