"""The introduction story over HTTP, the permission matrix, and every refusal."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine

from convene.asgi import create_app
from convene.db import unit_of_work
from convene.models import IntroductionRequest
from convene.settings import get_settings
from tests.factories import (
    bearer,
    make_organisation,
    make_relationship,
    make_token,
    make_user,
    make_vocabulary,
)
from tests.smtp import SmtpSink, smtp_server

MOTIVATION = "We source granite in Telangana and want to act on child labour together."


@dataclass
class World:
    client: TestClient
    tokens: dict[str, dict[str, str]]
    sink: SmtpSink

    def as_(self, who: str) -> TestClient:
        self.client.headers.clear()
        self.client.headers.update(self.tokens[who])
        return self.client

    def request(self, to: str = "bremer-ngo", who: str = "a") -> int:
        response = self.as_(who).post(
            "/api/v1/introductions", json={"to": to, "motivation": MOTIVATION}
        )
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def act(self, request_id: int, action: str, who: str, note: str | None = None) -> int:
        body = {"note": note} if note is not None else None
        url = f"/api/v1/introductions/{request_id}/{action}"
        return int(self.as_(who).post(url, json=body).status_code)


@pytest.fixture
def world(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with smtp_server() as (sink, port):
        monkeypatch.setenv("CONVENE_MAIL_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("CONVENE_BASE_URL", "https://convene.example")
        get_settings.cache_clear()
        with unit_of_work(engine) as session:
            make_vocabulary(session)
            a = make_organisation(session, slug="acme-stone", name="Acme Stone")
            b = make_organisation(session, slug="bremer-ngo", name="Bremer NGO", kind="ngo")
            c = make_organisation(session, slug="cobalt-co", name="Cobalt Co")
            make_organisation(session, slug="shy-ngo", name="Shy NGO", kind="ngo",
                              open_to_introductions=False)  # fmt: skip
            make_organisation(session, slug="stone-covenant", kind="covenant")
            user_a = make_user(
                session,
                organisation=a,
                name="Anna Smit",
                email="anna@acme.example",
                contact_role="CSR manager",
            )
            user_b = make_user(
                session,
                organisation=b,
                name="Bas Kok",
                email="bas@bremer.example",
                contact_role="Programme officer",
            )
            user_c = make_user(session, organisation=c, name="Cor Vos", email="cor@cobalt.example")
            tokens = {
                "a": make_token(session, user_a),
                "b": make_token(session, user_b),
                "c": make_token(session, user_c),
                "coordinator": make_token(session, make_user(session, role="coordinator")),
                "admin": make_token(session, make_user(session, role="admin")),
            }
        with TestClient(create_app()) as client:
            yield World(client, {k: bearer(v) for k, v in tokens.items()}, sink)


def contact_emails(world: World, who: str, slug: str) -> list[str | None]:
    response = world.as_(who).get(f"/api/v1/organisations/{slug}/contacts")
    assert response.status_code == 200
    return [c["email"] for c in response.json()["items"]]


def test_the_whole_story(world: World) -> None:
    request_id = world.request()
    assert world.as_("a").get(f"/api/v1/introductions/{request_id}").json()["state"] == "requested"
    # before approval the target does not even see the request
    assert world.as_("b").get(f"/api/v1/introductions/{request_id}").status_code == 404
    assert world.act(request_id, "approve", "a") == 403  # a member cannot approve
    assert world.act(request_id, "approve", "coordinator") == 200
    waiting = [m for m in world.sink.messages if m["To"] == "bas@bremer.example"]
    assert [m["Subject"] for m in waiting] == ["Introduction request: Acme Stone"]
    body = waiting[0].get_content()
    assert MOTIVATION in body
    assert f"https://convene.example/introductions/{request_id}" in body
    assert "anna@acme.example" not in body  # no contact detail before both consent

    # a third organisation learns nothing
    c = world.as_("c")
    assert c.get(f"/api/v1/introductions/{request_id}").status_code == 404
    assert c.get(f"/api/v1/introductions/{request_id}/events").status_code == 404
    assert world.act(request_id, "accept", "c") == 404
    assert contact_emails(world, "a", "bremer-ngo") == [None]

    assert world.act(request_id, "accept", "b") == 200
    request = world.as_("a").get(f"/api/v1/introductions/{request_id}").json()
    assert request["state"] == "introduced"
    intro = [m for m in world.sink.messages if m["Subject"].startswith("Introduction:")]
    assert len(intro) == 1
    text = intro[0].get_content()
    assert "Anna Smit, CSR manager: anna@acme.example" in text
    assert "Bas Kok, Programme officer: bas@bremer.example" in text
    assert MOTIVATION in text
    assert sorted(intro[0]["To"].split(", ")) == ["anna@acme.example", "bas@bremer.example"]

    assert contact_emails(world, "a", "bremer-ngo") == ["bas@bremer.example"]
    assert contact_emails(world, "b", "acme-stone") == ["anna@acme.example"]
    assert contact_emails(world, "c", "bremer-ngo") == [None]
    assert contact_emails(world, "c", "acme-stone") == [None]
    assert contact_emails(world, "coordinator", "acme-stone") == ["anna@acme.example"]

    events = world.as_("b").get(f"/api/v1/introductions/{request_id}/events").json()
    assert [(e["action"], e["from_state"], e["to_state"]) for e in events["items"]] == [
        ("request", None, "requested"),
        ("approve", "requested", "approved"),
        ("accept", "approved", "introduced"),
    ]
    rels = world.as_("a").get("/api/v1/organisations/acme-stone/relationships").json()
    assert [(r["source"], r["type"], r["target"]) for r in rels["items"]] == [
        ("acme-stone", "introduced", "bremer-ngo")
    ]
    again = world.as_("a").post(
        "/api/v1/introductions", json={"to": "bremer-ngo", "motivation": MOTIVATION}
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "existing_relationship"
    log = world.as_("coordinator").get("/api/v1/audit").json()
    assert log["total"] == 3
    assert world.as_("a").get("/api/v1/audit").status_code == 403


def test_coordinator_proposal_needs_both_sides(world: World) -> None:
    response = world.as_("coordinator").post(
        "/api/v1/introductions",
        json={"from": "acme-stone", "to": "bremer-ngo", "motivation": MOTIVATION},
    )
    assert response.status_code == 201
    request_id = response.json()["id"]
    assert response.json()["state"] == "approved"
    assert sorted(m["To"] for m in world.sink.messages) == [
        "anna@acme.example",
        "bas@bremer.example",
    ]
    assert world.act(request_id, "accept", "b") == 200
    assert world.as_("a").get(f"/api/v1/introductions/{request_id}").json()["state"] == "accepted"
    assert world.act(request_id, "accept", "b") == 409  # the same side twice
    assert contact_emails(world, "a", "bremer-ngo") == [None]
    assert world.act(request_id, "accept", "a") == 200
    state = world.as_("b").get(f"/api/v1/introductions/{request_id}").json()["state"]
    assert state == "introduced"
    assert contact_emails(world, "a", "bremer-ngo") == ["bas@bremer.example"]


def test_rejection_needs_a_note_and_tells_the_requester(world: World) -> None:
    request_id = world.request()
    response = world.as_("coordinator").post(f"/api/v1/introductions/{request_id}/reject")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "note"
    assert world.act(request_id, "reject", "coordinator", "Not the right partner yet") == 200
    rejected = world.as_("a").get(f"/api/v1/introductions/{request_id}").json()
    assert (rejected["state"], rejected["note"]) == ("rejected", "Not the right partner yet")
    assert [m["Subject"] for m in world.sink.messages] == [
        "Your introduction request to Bremer NGO was rejected"
    ]
    # a recent rejection blocks a new request for the pair, either direction
    blocked = world.as_("b").post(
        "/api/v1/introductions", json={"to": "acme-stone", "motivation": MOTIVATION}
    )
    assert (blocked.status_code, blocked.json()["error"]["code"]) == (409, "recently_declined")


def test_any_other_transition_is_409_with_the_current_state(world: World) -> None:
    request_id = world.request()
    response = world.as_("b").post(f"/api/v1/introductions/{request_id}/accept")
    assert response.status_code == 404  # not yet visible to the target
    assert world.act(request_id, "withdraw", "a") == 200
    response = world.as_("coordinator").post(f"/api/v1/introductions/{request_id}/approve")
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "invalid_transition",
        "message": "cannot approve: the request is withdrawn",
    }


@pytest.mark.parametrize(
    ("body", "code", "status"),
    [
        ({"to": "acme-stone"}, "self", 409),
        ({"to": "shy-ngo"}, "opted_out", 409),
        ({"to": "cobalt-co"}, "dispute", 409),
        ({"to": "nope"}, "not_found", 404),
        ({"to": "stone-covenant"}, "invalid", 422),
        ({"to": "bremer-ngo", "motivation": "too short"}, "invalid", 422),
        ({"to": "bremer-ngo", "motivation": "x" * 2001}, "invalid", 422),
        ({"from": "cobalt-co", "to": "bremer-ngo"}, "forbidden", 403),
    ],
)
def test_refusals(
    world: World, engine: Engine, body: dict[str, str], code: str, status: int
) -> None:
    with unit_of_work(engine) as session:
        from convene.organisations.repository import get_by_slug

        a, c = get_by_slug(session, "acme-stone"), get_by_slug(session, "cobalt-co")
        assert a is not None and c is not None
        make_relationship(session, source=a, target=c, type="dispute")
    response = world.as_("a").post("/api/v1/introductions", json={"motivation": MOTIVATION, **body})
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    if "motivation" in body:
        assert response.json()["error"]["field"] == "motivation"


def test_pending_request_blocks_both_directions(world: World) -> None:
    world.request()
    response = world.as_("b").post(
        "/api/v1/introductions", json={"to": "acme-stone", "motivation": MOTIVATION}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (409, "pending_request")


def test_ended_partnership_does_not_block_but_a_current_one_does(
    world: World, engine: Engine
) -> None:
    with unit_of_work(engine) as session:
        from convene.organisations.repository import get_by_slug

        a, b, c = (get_by_slug(session, s) for s in ("acme-stone", "bremer-ngo", "cobalt-co"))
        assert a is not None and b is not None and c is not None
        make_relationship(session, source=a, target=b, until=date.today() - timedelta(days=1))
        make_relationship(session, source=a, target=c)
    assert world.request() > 0
    response = world.as_("a").post(
        "/api/v1/introductions", json={"to": "cobalt-co", "motivation": MOTIVATION}
    )
    assert response.json()["error"]["code"] == "existing_relationship"


def test_expire_moves_old_requests_and_tells_the_requester(world: World, engine: Engine) -> None:
    from convene.introductions.service import expire

    old, fresh = world.request(), world.request("cobalt-co")
    with unit_of_work(engine) as session:
        session.execute(
            update(IntroductionRequest)
            .where(IntroductionRequest.id == old)  # type: ignore[arg-type]
            .values(updated_at=datetime.now(UTC) - timedelta(days=40))
        )
    with unit_of_work(engine) as session:
        assert expire(session) == 1
    assert world.as_("a").get(f"/api/v1/introductions/{old}").json()["state"] == "expired"
    assert world.as_("a").get(f"/api/v1/introductions/{fresh}").json()["state"] == "requested"
    assert [m["Subject"] for m in world.sink.messages] == [
        "Your introduction request to Bremer NGO was expired"
    ]


def test_boxes(world: World) -> None:
    first = world.request()
    second = world.request("cobalt-co")
    world.act(first, "approve", "coordinator")

    def ids(who: str, box: str) -> list[int]:
        items = world.as_(who).get(f"/api/v1/introductions?box={box}").json()["items"]
        return [int(r["id"]) for r in items]

    assert ids("coordinator", "queue") == [second]
    assert sorted(ids("a", "outgoing")) == sorted([first, second])
    assert ids("b", "incoming") == [first]
    assert ids("c", "incoming") == []  # not approved yet
    assert world.as_("a").get("/api/v1/introductions?box=queue").status_code == 403
    state = world.as_("a").get("/api/v1/introductions?state=approved").json()
    assert [r["id"] for r in state["items"]] == [first]


# (who, action, note) on a fresh request in the given state → status
REQUESTED_MATRIX = [
    ("a", "read", 200), ("b", "read", 404), ("c", "read", 404),
    ("coordinator", "read", 200), ("admin", "read", 200),
    ("a", "events", 200), ("b", "events", 404), ("c", "events", 404),
    ("coordinator", "events", 200),
    ("a", "approve", 403), ("b", "approve", 404), ("c", "approve", 404),
    ("coordinator", "approve", 200), ("admin", "approve", 200),
    ("a", "reject", 403), ("c", "reject", 404), ("coordinator", "reject", 200),
    ("a", "accept", 403), ("b", "accept", 404), ("coordinator", "accept", 403),
    ("a", "decline", 403), ("c", "decline", 404),
    ("a", "withdraw", 200), ("b", "withdraw", 404), ("c", "withdraw", 404),
    ("coordinator", "withdraw", 200),
]  # fmt: skip
APPROVED_MATRIX = [
    ("a", "read", 200), ("b", "read", 200), ("c", "read", 404),
    ("b", "events", 200),
    ("a", "accept", 403), ("b", "accept", 200), ("c", "accept", 404),
    ("coordinator", "accept", 403),
    ("a", "decline", 403), ("b", "decline", 200), ("c", "decline", 404),
    ("coordinator", "approve", 409), ("coordinator", "reject", 409),
    ("b", "withdraw", 403), ("a", "withdraw", 200),
]  # fmt: skip


def _do(world: World, request_id: int, who: str, action: str) -> int:
    client = world.as_(who)
    if action == "read":
        return int(client.get(f"/api/v1/introductions/{request_id}").status_code)
    if action == "events":
        return int(client.get(f"/api/v1/introductions/{request_id}/events").status_code)
    return world.act(request_id, action, who, "a note" if action == "reject" else None)


@pytest.mark.parametrize(("who", "action", "expected"), REQUESTED_MATRIX)
def test_permission_matrix_requested(world: World, who: str, action: str, expected: int) -> None:
    assert _do(world, world.request(), who, action) == expected


@pytest.mark.parametrize(("who", "action", "expected"), APPROVED_MATRIX)
def test_permission_matrix_approved(world: World, who: str, action: str, expected: int) -> None:
    request_id = world.request()
    assert world.act(request_id, "approve", "coordinator") == 200
    assert _do(world, request_id, who, action) == expected


def test_nobody_acts_for_an_organisation_they_do_not_belong_to(world: World) -> None:
    patch = {"description": "Taken over"}
    assert world.as_("c").patch("/api/v1/organisations/acme-stone", json=patch).status_code == 403
    assert world.as_("a").patch("/api/v1/organisations/acme-stone", json=patch).status_code == 200
    contact = {"name": "Eve", "email": "eve@acme.example"}
    assert (
        world.as_("c").post("/api/v1/organisations/acme-stone/contacts", json=contact).status_code
        == 403
    )
    dismiss = "/api/v1/organisations/acme-stone/suggestions/cobalt-co/dismiss"
    assert world.as_("c").post(dismiss).status_code == 403
    suggestions = "/api/v1/organisations/acme-stone/suggestions?kind=peer"
    assert world.as_("c").get(suggestions).status_code == 404
    assert world.as_("a").get(suggestions).status_code == 200
    relationship = {"target": "cobalt-co", "type": "dispute", "since": "2026-01-01"}
    rel_url = "/api/v1/organisations/acme-stone/relationships"
    assert world.as_("a").post(rel_url, json=relationship).status_code == 403
    assert world.as_("coordinator").post(rel_url, json=relationship).status_code == 201
