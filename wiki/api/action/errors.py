"""Errors an API module raises: MediaWiki's error code and a readable message."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An answer in MediaWiki's error envelope: {"error": {"code": ..., "info": ...}}."""

    def __init__(self, code: str, info: str, **extra: Any) -> None:
        super().__init__(info)
        self.code = code
        self.info = info
        self.extra = extra


def missing_param(name: str) -> ApiError:
    """A required parameter was not given."""
    return ApiError("missingparam", f'The "{name}" parameter must be set.')


def bad_continue() -> ApiError:
    """A continuation value this API never issued."""
    return ApiError("badcontinue", "Invalid continue param. You should pass the original value "
                                   "returned by the previous query.")
