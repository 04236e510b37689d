"""The read API over real HTTP through the ASGI app: list shape, filters, errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from convene.asgi import create_app
from convene.db import unit_of_work
from tests.factories import (
    bearer,
    make_organisation,
    make_relationship,
    make_token,
    make_user,
    make_vocabulary,
)


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with unit_of_work(engine) as session:
        make_vocabulary(session)
        covenant = make_organisation(
            session, slug="natural-stone-covenant", name="Natural Stone Covenant", kind="covenant"
        )
        ended = make_organisation(
            session, slug="old-covenant", name="Old Covenant", kind="covenant"
        )
        stone = make_organisation(
            session,
            slug="bremer-stone",
            name="Bremer Stone",
            description="Imports granite from India",
            sectors=("natural-stone",),
            countries=("IN", "CN"),
            themes=("child-labour",),
        )
        make_organisation(
            session,
            slug="arisa",
            name="Arisa",
            kind="ngo",
            countries=("IN",),
            themes=("child-labour", "forced-labour"),
        )
        bank = make_organisation(session, slug="acme-bank", name="Acme Bank", sectors=("banking",))
        token = make_token(session, make_user(session, organisation=bank))
        make_relationship(session, source=stone, target=covenant, type="member_of")
        make_relationship(
            session,
            source=stone,
            target=ended,
            type="member_of",
            since=date(2016, 1, 1),
            until=date(2020, 1, 1),
        )
    with TestClient(create_app(), headers=bearer(token)) as test_client:
        yield test_client


def slugs(body: dict[str, object]) -> list[str]:
    return [item["slug"] for item in body["items"]]  # type: ignore[attr-defined]


def test_list_shape_sorted_by_name(client: TestClient) -> None:
    body = client.get("/api/v1/organisations").json()
    assert body["total"] == 5
    assert slugs(body) == [
        "acme-bank",
        "arisa",
        "bremer-stone",
        "natural-stone-covenant",
        "old-covenant",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=ngo", ["arisa"]),
        ("sector=natural-stone", ["bremer-stone"]),
        ("country=in", ["arisa", "bremer-stone"]),
        ("theme=forced-labour", ["arisa"]),
        ("group=natural-stone-covenant", ["bremer-stone"]),
        ("group=old-covenant", []),  # ended memberships do not count
        ("q=GRANITE", ["bremer-stone"]),
        ("country=IN&kind=company", ["bremer-stone"]),
    ],
)
def test_filters(client: TestClient, query: str, expected: list[str]) -> None:
    body = client.get(f"/api/v1/organisations?{query}").json()
    assert slugs(body) == expected
    assert body["total"] == len(expected)


def test_pagination(client: TestClient) -> None:
    body = client.get("/api/v1/organisations?limit=2&offset=2").json()
    assert slugs(body) == ["bremer-stone", "natural-stone-covenant"]
    assert body["total"] == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=101", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("kind=charity", "kind"),
    ],
)
def test_bad_query_is_422_naming_the_field(client: TestClient, query: str, field: str) -> None:
    response = client.get(f"/api/v1/organisations?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["field"] == field


def test_profile_with_tags_and_current_groups(client: TestClient) -> None:
    body = client.get("/api/v1/organisations/bremer-stone").json()
    assert body["countries"] == ["CN", "IN"]
    assert body["sectors"] == ["natural-stone"]
    assert [g["slug"] for g in body["groups"]] == ["natural-stone-covenant"]


def test_unknown_organisation_is_404_in_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/v1/organisations/nope")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "no organisation 'nope'"}}


def test_unknown_route_is_404_in_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_relationships_list(client: TestClient) -> None:
    body = client.get("/api/v1/organisations/bremer-stone/relationships").json()
    assert body["total"] == 2
    assert [(r["target"], r["active"]) for r in body["items"]] == [
        ("natural-stone-covenant", True),
        ("old-covenant", False),
    ]


def test_vocabulary(client: TestClient) -> None:
    body = client.get("/api/v1/vocabulary").json()
    assert {"slug": "child-labour", "name": "Child labour", "name_nl": "Kinderarbeid"} in body[
        "themes"
    ]
    countries = {c["slug"]: c for c in body["countries"]}
    assert countries["NL"]["name"] == "Netherlands"
    assert countries["NL"]["name_nl"] == "Nederland"
    assert "covenant" in body["kinds"]


def test_api_needs_a_user_or_token(client: TestClient) -> None:
    anonymous = client.get("/api/v1/organisations", headers={"Authorization": ""})
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthorized"
    bad = client.get("/api/v1/organisations", headers=bearer("cvn_not-a-real-token"))
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "bad_token"


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_every_api_route_declares_a_response_model(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert len(success) == 1, f"{method.upper()} {path}"
            if success[0] == "204":
                continue
            content = operation["responses"][success[0]].get("content", {})
            assert "application/json" in content, f"{method.upper()} {path}"
            assert content["application/json"]["schema"], f"{method.upper()} {path}"


def test_pages_need_sign_in_and_name_the_way_in(client: TestClient) -> None:
    from bs4 import BeautifulSoup

    anonymous = {"Authorization": ""}
    welcome = BeautifulSoup(client.get("/", headers=anonymous).text, "html.parser")
    assert [a["href"] for a in welcome.select("main a")] == ["/login"]
    directory = client.get("/organisations?q=stone", headers=anonymous, follow_redirects=False)
    assert directory.status_code == 303
    assert directory.headers["location"] == "/login?next=/organisations%3Fq%3Dstone"
