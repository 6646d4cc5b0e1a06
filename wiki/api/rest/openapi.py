"""The OpenAPI 3.1 description of the REST API, served at /w/rest.php/v1/openapi.json.

Written by hand beside the handlers it describes; tests run schemathesis against it, so every
status a handler can answer and every body it sends must be declared here (objects are closed:
no undeclared keys).
"""

from __future__ import annotations

from typing import Any

from wiki.api.rest.shapes import BASE, CONTENT_MODEL

JSON = "application/json"
MAX_REVISION_ID = 2**31 - 1

Schema = dict[str, Any]


def _object(properties: dict[str, Schema], required: list[str] | None = None,
            description: str = "") -> Schema:
    """A closed object: the listed keys, required unless named otherwise."""
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
ID: Schema = {"type": "integer", "minimum": 1}
TIMESTAMP: Schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
                     "description": "UTC, to the second."}
NULLABLE_INTEGER: Schema = {"type": ["integer", "null"]}
# Text the wiki stores: no control characters but tab, LF and CR (the input gate's rule).
TEXT: Schema = {"type": "string",
                "pattern": r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"}
# A title: none of # < > [ ] | { } and no control characters (more rules apply: 400 says which).
TITLE: Schema = {"type": "string", "minLength": 1,
                 "pattern": r"^[^#<>\[\]|{}\u0000-\u001f\u007f]+$"}


def _schemas() -> dict[str, Schema]:
    """The components: every body the API sends or accepts."""
    message = _object({"en": STRING})
    error_properties: dict[str, Schema] = {
        "httpCode": INTEGER,
        "httpReason": STRING,
        "errorKey": {**STRING, "description": "What went wrong, for programs to test: "
                     "rest-nonexistent-title, rest-invalid-title, rest-badtoken, ..."},
        "messageTranslations": message,
    }
    diff = _object({"diff": {"type": "array", "items": _ref("DiffLine")}})
    page_core: dict[str, Schema] = {
        "id": ID,
        "key": {**STRING, "description": "The title with underscores for spaces."},
        "title": STRING,
        "latest": _object({"id": ID, "timestamp": TIMESTAMP}),
        "content_model": {"const": CONTENT_MODEL},
        "license": _ref("License"),
    }
    revision_core: dict[str, Schema] = {
        "id": ID,
        "size": {**INTEGER, "minimum": 0, "description": "Bytes of UTF-8."},
        "minor": {"type": "boolean"},
        "timestamp": TIMESTAMP,
        "content_model": {"const": CONTENT_MODEL},
        "page": _object({"id": ID, "key": STRING, "title": STRING}),
        "license": _ref("License"),
        "user": _ref("User"),
        "comment": {"type": ["string", "null"]},
        "delta": {**NULLABLE_INTEGER,
                  "description": "Size minus the parent's size; null when it is unknown."},
    }
    edit_body: dict[str, Schema] = {
        "source": {**TEXT, "description": "The page's new Markdown."},
        "comment": {**TEXT, "description": "The edit summary (may be empty)."},
        "content_model": {"const": CONTENT_MODEL},
        "token": {**STRING, "description": "The session's CSRF token (MediaWiki's \"+\\\" "
                  "suffix optional); required on every write."},
    }
    return {
        "Error": _object(error_properties),
        "ConflictError": _object(
            {**error_properties, "base": ID, "current": ID, "local": diff, "remote": diff},
            required=list(error_properties),
            description="An error; for rest-edit-conflict also the base and current revision "
            "ids, and the changes from the base to the text sent (local) and to the current "
            "text (remote)."),
        "License": _object({"url": STRING, "title": STRING}),
        "User": _object({"id": {**NULLABLE_INTEGER, "description": "null for an anonymous "
                                "editor or a name without an account"},
                         "name": STRING}),
        "Page": _object({**page_core, "source": STRING}),
        "PageBare": _object({**page_core, "html_url": STRING}),
        "History": _object({
            "revisions": {"type": "array", "maxItems": 20, "items": _object({
                "id": ID, "timestamp": TIMESTAMP, "minor": {"type": "boolean"},
                "size": {**INTEGER, "minimum": 0}, "comment": {"type": ["string", "null"]},
                "user": _ref("User"), "delta": NULLABLE_INTEGER,
            })},
            "latest": {**STRING, "description": "The URL of the newest revisions."},
            "older": {**STRING, "description": "The URL of the next older revisions, if any."},
            "newer": {**STRING, "description": "The URL of the next newer revisions, if any."},
        }, required=["revisions", "latest"]),
        "Revision": _object({**revision_core, "source": STRING}),
        "RevisionBare": _object({**revision_core, "html_url": STRING}),
        "DiffLine": _object({
            "type": {"enum": [0, 1, 2, 3, 4, 5], "description": "0 context, 1 added, 2 deleted, "
                     "3 changed in-line, 4 and 5 moved paragraph (never sent here)."},
            "lineNumber": {**INTEGER, "minimum": 1, "description": "The line in the newer "
                           "text; for a deleted line, in the older one."},
            "text": STRING,
            "offset": _object({"from": NULLABLE_INTEGER, "to": NULLABLE_INTEGER},
                              description="Byte offsets of the line in each text."),
            "highlightRanges": {"type": "array", "items": _object({
                "start": {**INTEGER, "minimum": 0}, "length": {**INTEGER, "minimum": 1},
                "type": {"enum": [0, 1], "description": "0 inserted, 1 deleted"},
            }, description="Byte ranges of text.")},
        }, required=["type", "lineNumber", "text", "offset"]),
        "Section": _object({"level": {**INTEGER, "minimum": 1, "maximum": 6},
                            "heading": STRING, "offset": {**INTEGER, "minimum": 0}}),
        "CompareSide": _object({"id": ID, "slot_role": {"const": "main"},
                                "sections": {"type": "array", "items": _ref("Section")}}),
        "Compare": _object({"from": _ref("CompareSide"), "to": _ref("CompareSide"),
                            "diff": {"type": "array", "items": _ref("DiffLine")}}),
        "SearchResults": _object({"pages": {"type": "array", "items": _object({
            "id": ID, "key": STRING, "title": STRING,
            "excerpt": {**STRING, "description": "Escaped HTML; matches are marked with "
                        "<span class=\"searchmatch\">."},
            "matched_title": {"type": ["string", "null"]},
            "description": {"type": ["string", "null"]},
            "thumbnail": {"type": ["object", "null"]},
        })}}),
        "PutPage": _object({**edit_body, "latest": _object(
            {"id": {**ID, "maximum": MAX_REVISION_ID}},
            description="The revision the edit started from; leave it out only to create "
            "the page.")}, required=["source", "comment"]),
        "CreatePage": _object({**edit_body, "title": TITLE},
                              required=["source", "comment", "title"]),
    }


_REASONS = {
    304: "Not modified: the client's copy (If-None-Match / If-Modified-Since) is current.",
    307: "The page is a redirect: the same request for its target (send ?redirect=no for the "
         "redirect page itself).",
    400: "A malformed title, parameter or body.",
    403: "No valid CSRF token, a protected page, or anonymous editing is off.",
    404: "No such page or revision.",
    405: "The method is not allowed here.",
    409: "An edit conflict, or the page exists and no base revision was sent.",
    410: "The page was deleted.",
    413: "The body or the page's text is too large.",
    415: "The body is not JSON.",
    422: "The text takes too long to render; nothing was saved.",
    429: "Too many edits; see Retry-After.",
    503: "The page is changing too often to save a text this large; see Retry-After.",
}


def _error(status: int, schema: str = "Error") -> Schema:
    return {"description": _REASONS[status], "content": {JSON: {"schema": _ref(schema)}}}


def _json(description: str, schema: str, headers: tuple[str, ...] = ()) -> Schema:
    response: Schema = {"description": description, "content": {JSON: {"schema": _ref(schema)}}}
    if headers:
        response["headers"] = {name: {"schema": STRING} for name in headers}
    return response


_VALIDATORS = ("ETag", "Last-Modified")
_NOT_MODIFIED: Schema = {"description": _REASONS[304]}
_REDIRECT: Schema = {"description": _REASONS[307],
                     "headers": {"Location": {"schema": STRING, "required": True}}}


def _title(description: str = "The page's title in URL form (spaces or underscores; a \"/\" "
           "within it as %2F).") -> Schema:
    return {"name": "title", "in": "path", "required": True, "schema": TITLE,
            "description": description}


def _revision_id(name: str = "id") -> Schema:
    return {"name": name, "in": "path", "required": True,
            "schema": {**ID, "maximum": MAX_REVISION_ID}}


_REDIRECT_PARAMETER: Schema = {
    "name": "redirect", "in": "query", "required": False, "schema": STRING,
    "description": "\"no\" to get a redirect page itself instead of a 307 to its target."}
_SEARCH_PARAMETERS: list[Schema] = [
    {"name": "q", "in": "query", "required": True, "schema": {**STRING, "minLength": 1},
     "description": "The search terms (blank is refused)."},
    {"name": "limit", "in": "query", "required": False,
     "schema": {**INTEGER, "minimum": 1, "maximum": 100, "default": 50}},
]
_WRITE_ERRORS = (400, 403, 409, 410, 413, 415, 422, 429, 503)


def _page_read(summary: str, ok: Schema, *parameters: Schema) -> Schema:
    return {"get": {
        "summary": summary,
        "parameters": [_title(), _REDIRECT_PARAMETER, *parameters],
        "responses": {"200": ok, "304": _NOT_MODIFIED, "307": _REDIRECT,
                      "400": _error(400), "404": _error(404)},
    }}


def _paths() -> dict[str, Schema]:
    html = {"description": "The rendered article (an HTML fragment).",
            "headers": {name: {"schema": STRING} for name in _VALIDATORS},
            "content": {"text/html": {"schema": STRING}}}
    page = _page_read("A page's latest revision with its source.",
                      _json("The page.", "Page", _VALIDATORS))
    writes = {str(status): _error(status, "ConflictError" if status == 409 else "Error")
              for status in _WRITE_ERRORS}
    page["put"] = {
        "summary": "Save a new revision of the page (or create it, when no base is sent).",
        "description": "The edit is merged three ways with whatever was saved since "
                       "latest.id; overlapping changes answer 409 rest-edit-conflict. Without "
                       "latest, an existing page answers 409 rest-update-cannot-create-page. "
                       "Sending the current text saves nothing and answers 200.",
        "parameters": [_title()],
        "requestBody": {"required": True, "content": {JSON: {"schema": _ref("PutPage")}}},
        "responses": {"200": _json("Saved (or nothing to save): the page.", "Page"),
                      "201": _json("Created: the page.", "Page", ("Location",)),
                      "404": _error(404), **writes},
    }
    history_parameters: list[Schema] = [
        {"name": name, "in": "query", "required": False,
         "schema": {**ID, "maximum": MAX_REVISION_ID},
         "description": f"Revisions {side} than this revision id (not with {other})."}
        for name, side, other in (("older_than", "older", "newer_than"),
                                  ("newer_than", "newer", "older_than"))
    ] + [{"name": "filter", "in": "query", "required": False,
          "schema": {"enum": ["minor", "anonymous"]}}]
    revision_reads = {"304": _NOT_MODIFIED, "400": _error(400), "404": _error(404)}
    return {
        "/page": {"post": {
            "summary": "Create a page.",
            "requestBody": {"required": True, "content": {JSON: {"schema": _ref("CreatePage")}}},
            "responses": {"201": _json("Created: the page.", "Page", ("Location",)), **writes},
        }},
        "/page/{title}": page,
        "/page/{title}/bare": _page_read("A page's latest revision without its source.",
                                         _json("The page.", "PageBare", _VALIDATORS)),
        "/page/{title}/html": _page_read("A page's latest revision rendered.", html),
        "/page/{title}/history": {"get": {
            "summary": "A page's revisions, 20 at a time, newest first.",
            "parameters": [_title(), *history_parameters],
            "responses": {"200": _json("Revisions.", "History", _VALIDATORS),
                          "304": _NOT_MODIFIED, "400": _error(400), "404": _error(404)},
        }},
        "/revision/{id}": {"get": {
            "summary": "A revision with its source.", "parameters": [_revision_id()],
            "responses": {"200": _json("The revision.", "Revision", _VALIDATORS),
                          **revision_reads}}},
        "/revision/{id}/bare": {"get": {
            "summary": "A revision without its source.", "parameters": [_revision_id()],
            "responses": {"200": _json("The revision.", "RevisionBare", _VALIDATORS),
                          **revision_reads}}},
        "/revision/{id}/html": {"get": {
            "summary": "A revision rendered.", "parameters": [_revision_id()],
            "responses": {"200": html, **revision_reads}}},
        "/revision/{from}/compare/{to}": {"get": {
            "summary": "The changes from one revision of a page to another.",
            "parameters": [_revision_id("from"), _revision_id("to")],
            "responses": {"200": _json("The difference.", "Compare", _VALIDATORS),
                          **revision_reads}}},
        "/search/page": {"get": {
            "summary": "Full-text search, best matches first.",
            "parameters": _SEARCH_PARAMETERS,
            "responses": {"200": _json("Matching pages.", "SearchResults", _VALIDATORS),
                          "304": _NOT_MODIFIED, "400": _error(400)}}},
        "/search/title": {"get": {
            "summary": "Pages whose titles start with q (case and diacritics ignored).",
            "parameters": _SEARCH_PARAMETERS,
            "responses": {"200": _json("Matching pages.", "SearchResults", _VALIDATORS),
                          "304": _NOT_MODIFIED, "400": _error(400)}}},
        "/openapi.json": {"get": {
            "summary": "This document.",
            "responses": {"200": {"description": "The OpenAPI document.",
                                  "content": {JSON: {"schema": {"type": "object"}}}}}}},
    }


def document() -> Schema:
    """The whole OpenAPI document (built on each call: nothing shared is kept)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Wiki REST API",
            "version": "1.0.0",
            "description": "MediaWiki's REST API (/w/rest.php/v1/) for this wiki. Errors are "
                           "JSON with httpCode, httpReason, errorKey and messageTranslations, "
                           "with real HTTP statuses; unknown paths answer 404 and wrong methods "
                           "405 in the same shape.",
        },
        "servers": [{"url": BASE}],
        "paths": _paths(),
        "components": {"schemas": _schemas()},
    }
