"""Injected things, each a named ``Annotated`` alias; ``api/`` and ``web/`` use these."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlmodel import Session

from convene.accounts import service as accounts
from convene.db import unit_of_work
from convene.errors import Forbidden, Unauthorized
from convene.permissions import Actor

SESSION_COOKIE = "convene_session"
CSRF_COOKIE = "convene_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed when the route returns, rolled back on error.

    GET and HEAD requests only read, so on SQLite they take no write lock.
    """
    with unit_of_work(readonly=request.method in ("GET", "HEAD")) as session:
        yield session


# scope="function": commit before the response is sent, so a client never sees a success
# for a write that then fails to commit.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def optional_actor(request: Request, session: SessionDep) -> Actor | None:
    """The signed-in user (session cookie) or the bearer of an API token, if any."""
    cached: Actor | None = getattr(request.state, "actor", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization", "")
    user = None
    if header.lower().startswith("bearer "):
        found = accounts.token_and_user(session, header[7:].strip())
        if found is None:
            raise Unauthorized("the API token is not valid or was revoked", code="bad_token")
        token, user = found
        if request.method in SAFE_METHODS:
            # a read request holds a read-only transaction: note the use in a small one
            # of its own (on SQLite it waits for the write lock like any writer)
            with unit_of_work() as own:
                accounts.note_token_use(own, token)
        else:
            accounts.note_token_use(session, token)
    else:
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            signed_in = accounts.user_for_session(session, raw)
            if signed_in is not None:
                user, user_session = signed_in
                request.state.session_id = user_session.id
                if request.method not in SAFE_METHODS and request.url.path.startswith("/api/"):
                    # a browser calling the API with its cookie must prove it is our page
                    sent = request.headers.get(CSRF_HEADER, "")
                    expected = request.cookies.get(CSRF_COOKIE, "")
                    if not expected or not hmac.compare_digest(sent, expected):
                        raise Forbidden("missing or wrong X-CSRF-Token header", code="csrf")
    if user is None:
        return None
    actor = accounts.actor_for(session, user)
    request.state.actor = actor
    return actor


OptionalActor = Annotated[Actor | None, Depends(optional_actor)]


def current_actor(actor: OptionalActor) -> Actor:
    if actor is None:
        raise Unauthorized("sign in or send an API token (Authorization: Bearer ...)")
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


class Page:
    """``limit`` (default 20, at most 100) and ``offset`` for every list."""

    def __init__(
        self,
        limit: Annotated[int, Query(ge=1, le=100, description="At most 100 items")] = 20,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ):
        self.limit = limit
        self.offset = offset


PageDep = Annotated[Page, Depends()]


# Ids in paths: positive and within a 32-bit integer (PostgreSQL's INTEGER), so an absurd
# id is a 422, not a database overflow.
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
