"""The wiki's domain errors. Services raise them; views/errors.py answers each with its status."""

from __future__ import annotations

from typing import Any


class WikiError(Exception):
    """Base of every error a reader or client can cause; `status` is its HTTP status."""

    status = 400
    code = "badrequest"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadParameter(WikiError):
    """A query parameter or form field is malformed or missing."""

    code = "badparameter"


class PageNotFound(WikiError):
    """No page has this title."""

    status = 404
    code = "missingtitle"


class RevisionNotFound(WikiError):
    """No revision has this id (or not on this page)."""

    status = 404
    code = "nosuchrevid"


class ArticleTooLarge(WikiError):
    """The text is longer than the wiki's largest article."""

    status = 413
    code = "contenttoobig"


class EditConflict(WikiError):
    """The page changed since the edit began and the changes overlap; nothing was saved."""

    status = 409
    code = "editconflict"


class NotEditable(WikiError):
    """The title names a page nobody can edit (a Special: page)."""

    status = 400
    code = "noedit"


class Forbidden(WikiError):
    """The user may not do this (a protected page, an admin-only action, anonymous editing off)."""

    status = 403
    code = "permissiondenied"


class PageDeleted(WikiError):
    """The page was deleted; an administrator can restore it."""

    status = 410
    code = "pagedeleted"


class TooManyRequests(WikiError):
    """Too many attempts; try again after `retry_after` seconds."""

    status = 429
    code = "ratelimited"


class RenderTooSlow(WikiError):
    """The text takes longer to render than the wiki allows a save; nothing was saved."""

    status = 422
    code = "rendertimeout"


class PageBusy(WikiError):
    """The page kept changing while a large save was being prepared; nothing was saved."""

    status = 503
    code = "pagebusy"


class BadUpload(WikiError):
    """The uploaded file is refused: not an image this wiki takes, a bad name, or no file."""

    status = 415
    code = "verification-error"


class UploadTooLarge(WikiError):
    """The uploaded file is larger than the wiki accepts."""

    status = 413
    code = "file-too-large"


class UploadWarning(WikiError):
    """The upload would duplicate or replace a file; `kind` says which ("duplicate", "exists",
    "nochange"). Nothing was saved; all but "nochange" may be overridden."""

    status = 409
    code = "fileexists"
