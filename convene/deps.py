"""Injected things, each a named ``Annotated`` alias; ``api/`` and ``web/`` use these."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlmodel import Session

from convene.db import unit_of_work


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed when the route returns, rolled back on error.

    GET and HEAD requests only read, so on SQLite they take no write lock.
    """
    with unit_of_work(readonly=request.method in ("GET", "HEAD")) as session:
        yield session


# scope="function": commit before the response is sent, so a client never sees a success
# for a write that then fails to commit.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


class Page:
    """``limit`` (default 20, at most 100) and ``offset`` for every list."""

    def __init__(
        self,
        limit: Annotated[int, Query(ge=1, le=100, description="At most 100 items")] = 20,
        offset: Annotated[int, Query(ge=0)] = 0,
    ):
        self.limit = limit
        self.offset = offset


PageDep = Annotated[Page, Depends()]
