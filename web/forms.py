"""Reading HTML forms into the service layer's models, and errors back next to fields."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from convene.errors import ConveneError

M = TypeVar("M", bound=BaseModel)
LIST_FIELDS = ("sectors", "countries", "themes")


async def read_form(request: Request) -> FormData:
    """The posted form, read once (async) so page routes can stay synchronous."""
    return await request.form()


FormDep = Annotated[FormData, Depends(read_form)]


def form_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def form_values(
    form: FormData, fields: tuple[str, ...], *, lists: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The named fields of a form: multi-selects as lists; empty optional text as absent."""
    values: dict[str, Any] = {}
    for name in fields:
        if name in lists:
            values[name] = [v for v in form.getlist(name) if isinstance(v, str) and v]
            continue
        raw = form.get(name)
        if isinstance(raw, str):
            values[name] = raw.strip()
    return values


def validate(model: type[M], values: dict[str, Any]) -> tuple[M | None, dict[str, str]]:
    try:
        return model.model_validate(values), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "form"
            errors.setdefault(field, err["msg"].removeprefix("Value error, "))
        return None, errors


def error_for(exc: ConveneError) -> dict[str, str]:
    return {exc.field or "form": exc.message}
