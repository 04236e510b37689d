"""Every form on every page carries the CSRF token, and every form's action refuses a POST
without it (or with a wrong one): a 403 page in the site's layout, and nothing changed in
the database.

The forms are not listed by hand: each reader (signed out, three members, a coordinator)
opens the pages they can see, and every ``<form method="post">`` found there is tested.
A last test checks that those forms reach every POST route of the pages, so a new form
cannot slip by untested.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup, Tag
from fastapi.routing import APIRoute
from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine

import web
from convene.accounts import repository as accounts_repo
from convene.accounts import service as accounts
from convene.asgi import create_app
from convene.db import unit_of_work
from convene.deps import CSRF_COOKIE
from tests.factories import make_token
from tests.web.test_pages import (
    EMAILS,
    MOTIVATION,
    Site,
    approve,
    build_world,
    form_fields,
    get,
    in_layout,
    request_introduction,
)

REFUSAL = "did not come from this site"
# POST routes of the pages that take no CSRF token, and why
NO_CSRF = {
    # RFC 8058 one-click unsubscribe: mail clients post without a page; the signed token
    # in the address is the proof
    "/unsubscribe/{token}",
}


class FormSite(Site):
    approved: int = 0
    queued: int = 0
    reset_token: str = ""
    invite_token: str = ""

    def pages(self) -> dict[str, list[str]]:
        """What each reader can open, with every kind of form on it."""
        approved, queued = f"/introductions/{self.approved}", f"/introductions/{self.queued}"
        return {
            "anonymous": [
                "/",
                "/login",
                "/password-reset",
                f"/password-reset/{self.reset_token}",
                f"/invitations/{self.invite_token}",
            ],
            "a": [
                "/",
                "/organisations",
                "/organisations/acme-stone",
                "/organisations/acme-stone/edit",
                "/organisations/bremer-stone",
                "/introductions/new?to=nomad-ngo",
                approved,
                "/account",
            ],
            "b": ["/", approved, "/organisations/bremer-stone/edit", "/account"],
            "c": ["/", queued, "/organisations/nomad-ngo", "/account"],
            "coordinator": [
                "/",
                "/coordinator/queue",
                "/coordinator/network",
                "/coordinator/organisations/new",
                "/coordinator/import",
                "/coordinator/digests/preview",
                "/organisations/acme-stone",
                "/organisations/acme-stone/edit",
                queued,
                "/introductions/new?to=nomad-ngo",
                "/account",
            ],
        }


@pytest.fixture
def forms_site(engine: Engine) -> Iterator[FormSite]:
    sessions = build_world(engine)
    world = FormSite(engine, create_app(), sessions)
    try:
        world.approved = request_introduction(world, "a", "bremer-stone")
        approve(world, world.approved)  # B sees accept/decline
        world.queued = request_introduction(world, "c", "nomad-ngo")  # the queue has a row
        with unit_of_work(engine) as session:
            for email in (EMAILS["acme-stone"], "coord@example.org"):
                user = accounts_repo.user_by_email(session, email)
                assert user is not None
                make_token(session, user)  # a revoke form on /account
            c = accounts_repo.user_by_email(session, EMAILS["cobalt-co"])
            assert c is not None
            world.reset_token = accounts._one_time(session, c, accounts.RESET, timedelta(hours=1))
            world.invite_token = accounts._one_time(session, c, accounts.INVITE, timedelta(hours=1))
        yield world
    finally:
        world.close()


# --------------------------------------------------------------------------- helpers


_TABLES: dict[str, MetaData] = {}


def snapshot(engine: Engine) -> dict[str, list[str]]:
    """Every row of every table, as text: equal before and after means nothing changed."""
    meta = _TABLES.get(str(engine.url))
    if meta is None:
        meta = _TABLES[str(engine.url)] = MetaData()
        meta.reflect(engine)
    with engine.connect() as conn:
        return {
            name: sorted(repr(tuple(row)) for row in conn.execute(select(table)))
            for name, table in meta.tables.items()
        }


FILLERS = {
    "email": "someone@example.org",
    "password": "a-long-test-password",
    "date": "2024-01-01",
    "url": "https://example.org",
}


def complete(form: Tag, values: dict[str, Any]) -> dict[str, Any]:
    """The form's values with every required field filled in, as a user would."""
    for element in form.find_all(["input", "textarea"]):
        name = element.get("name")
        if not name or not element.has_attr("required") or values.get(str(name)):
            continue
        kind = "textarea" if element.name == "textarea" else str(element.get("type", "text"))
        values[str(name)] = FILLERS.get(kind, MOTIVATION if kind == "textarea" else "filler")
    return values


def action_of(form: Tag, page: str) -> str:
    """Where the form posts (no action: the page's own address)."""
    action = str(form.get("action") or page.split("?", 1)[0])
    assert action.startswith("/"), action
    return action


def post(client: Any, form: Tag, action: str, data: dict[str, Any]) -> httpx.Response:
    files = None
    if form.get("enctype") == "multipart/form-data":
        files = {
            str(f["name"]): ("upload.csv", b"slug,name\nnew-org,New Org\n", "text/csv")
            for f in form.find_all("input", attrs={"type": "file"})
        }
    response: httpx.Response = client.post(action, data=data, files=files, follow_redirects=False)
    return response


def post_forms(site: FormSite, who: str) -> list[tuple[str, str, Tag]]:
    """(page, action, form) for each distinct form action the reader's pages show."""
    found: dict[str, tuple[str, str, Tag]] = {}
    client = site.as_(who)
    for page in site.pages()[who]:
        soup = get(client, page)
        for form in soup.find_all("form"):
            assert isinstance(form, Tag)
            method = str(form.get("method", "get")).lower()
            if method != "post":
                continue
            action = action_of(form, page)
            found.setdefault(action, (page, action, form))
    return list(found.values())


# --------------------------------------------------------------------------- the tests


READERS = ["anonymous", "a", "b", "c", "coordinator"]


@pytest.mark.parametrize("who", READERS)
def test_every_form_carries_the_csrf_token_of_the_cookie(forms_site: FormSite, who: str) -> None:
    client = forms_site.as_(who)
    forms = post_forms(forms_site, who)
    assert forms
    cookie = client.cookies[CSRF_COOKIE]
    assert len(cookie) >= 32
    missing = []
    for page, action, form in forms:
        hidden = form.find_all("input", attrs={"name": "csrf_token"})
        if [(h.get("type"), h.get("value")) for h in hidden] != [("hidden", cookie)]:
            missing.append((page, action))
    assert missing == []


@pytest.mark.parametrize("who", READERS)
@pytest.mark.parametrize("token", [None, "", "forged-token"], ids=["absent", "empty", "forged"])
def test_every_form_refuses_a_post_without_its_token(
    forms_site: FormSite, who: str, token: str | None
) -> None:
    client = forms_site.as_(who)
    wrong = []
    for page, action, form in post_forms(forms_site, who):
        data = complete(form, form_fields(form))
        data.pop("csrf_token", None)
        if token is not None:
            data["csrf_token"] = token
        before = snapshot(forms_site.engine)
        response = post(client, form, action, data)
        soup = (
            in_layout(response) if response.status_code == 403 else BeautifulSoup("", "html.parser")
        )
        refused = response.status_code == 403 and REFUSAL in soup.get_text()
        if not refused:
            wrong.append((page, action, response.status_code, response.text[:300]))
        elif snapshot(forms_site.engine) != before:
            wrong.append((page, action, 403, "the database changed"))
        assert "convene_session=" not in response.headers.get("set-cookie", "")
    assert wrong == []
    # still signed in, still the same reader
    if who != "anonymous":
        assert client.get("/api/v1/me").status_code == 200


def test_the_same_forms_with_their_token_are_accepted(forms_site: FormSite) -> None:
    """The control: the refusals above are the token's doing, not the form's."""
    client = forms_site.as_("a")
    for page, action in (
        ("/organisations/acme-stone/edit", "/organisations/acme-stone/edit"),
        ("/", "/organisations/acme-stone/suggestions/nomad-ngo/dismiss"),
        ("/account", "/account/preferences"),
    ):
        form = get(client, page).find("form", attrs={"action": action})
        assert isinstance(form, Tag), (page, action)
        response = post(client, form, action, complete(form, form_fields(form)))
        assert response.status_code == 303, (action, response.text[:300])


def test_the_forms_reach_every_post_route_of_the_pages(forms_site: FormSite) -> None:
    actions = {action for who in READERS for _page, action, _form in post_forms(forms_site, who)}
    routes = [r for r in page_routes(web.router.routes) if "POST" in (r.methods or ())]
    assert len(routes) > 20
    untested = sorted(
        r.path
        for r in routes
        if r.path not in NO_CSRF and not any(r.path_regex.match(a) for a in actions)
    )
    assert untested == []
    assert NO_CSRF <= {r.path for r in routes}


def page_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """The page routes, through included routers."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None) or getattr(route, "routes", None)
        if included is not None and not isinstance(route, APIRoute):
            yield from page_routes(getattr(included, "routes", included))
