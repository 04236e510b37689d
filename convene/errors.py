"""Errors the service layer raises; ``api/`` and ``web/`` render them."""

from __future__ import annotations


class ConveneError(Exception):
    """A refusal a user can act on: a message, an HTTP status and a stable code."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field


class NotFound(ConveneError):
    status_code = 404
    code = "not_found"


class Forbidden(ConveneError):
    status_code = 403
    code = "forbidden"


class Unauthorized(ConveneError):
    status_code = 401
    code = "unauthorized"


class Conflict(ConveneError):
    status_code = 409
    code = "conflict"


class Invalid(ConveneError):
    status_code = 422
    code = "invalid"
