"""Shapes shared by every route: the list envelope and the error body."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail

    model_config = ConfigDict(
        json_schema_extra={
            "example": {"error": {"code": "not_found", "message": "no organisation 'x'"}}
        }
    )


class ListOf(BaseModel, Generic[T]):  # noqa: UP046 (PEP 695 needs Python 3.12)
    items: list[T]
    total: int


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed request"},
    403: {"model": ErrorBody, "description": "Not allowed for your role or organisation"},
    409: {"model": ErrorBody, "description": "Conflicts with the current state"},
    404: {"model": ErrorBody, "description": "Not found (or not yours to see)"},
    422: {"model": ErrorBody, "description": "Invalid input; `field` names the culprit"},
}
