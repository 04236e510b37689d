"""Races on the introduction workflow, over real HTTP: two coordinators approving the same
request at the same moment (threads in one process, and two worker processes of
``convene serve``), and two members asking for the same pair from both ends. Exactly one
wins; the other gets a 409 with a reason code, and the audit log records one event."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from convene.asgi import create_app
from convene.db import unit_of_work
from tests.factories import bearer, make_organisation, make_token, make_user
from tests.servers import serving
from tests.smtp import free_port

ROUNDS = 5
MOTIVATION = "We share sourcing risks in the same quarries and want to compare audits."


@dataclass(frozen=True)
class Network:
    requester: str  # a member's token at "requester"
    coordinators: tuple[str, str]
    targets: tuple[str, ...]
    # pairs of (slug, member token) for the two-ended request race
    pairs: tuple[tuple[tuple[str, str], tuple[str, str]], ...]


@pytest.fixture
def network(engine: Engine) -> Network:
    with unit_of_work(engine) as session:
        requester = make_organisation(session, slug="requester", name="Requester BV")
        targets = [
            make_organisation(session, slug=f"target-{n}", name=f"Target {n}").slug
            for n in range(ROUNDS)
        ]
        coordinators = (
            make_token(session, make_user(session, role="coordinator")),
            make_token(session, make_user(session, role="coordinator")),
        )
        pairs = []
        for n in range(3):
            ends = []
            for side in ("east", "west"):
                org = make_organisation(session, slug=f"{side}-{n}", name=f"{side} {n}".title())
                ends.append((org.slug, make_token(session, make_user(session, organisation=org))))
            pairs.append((ends[0], ends[1]))
        return Network(
            requester=make_token(session, make_user(session, organisation=requester)),
            coordinators=coordinators,
            targets=tuple(targets),
            pairs=tuple(pairs),
        )


@pytest.fixture
def client(network: Network) -> Iterator[TestClient]:  # noqa: ARG001 (data first)
    with TestClient(create_app()) as test_client:
        yield test_client


def ask(client: TestClient | httpx.Client, token: str, to: str) -> int:
    response = client.post(
        "/api/v1/introductions",
        json={"to": to, "motivation": MOTIVATION},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    assert response.json()["state"] == "requested"
    request_id: int = response.json()["id"]
    return request_id


Call = Callable[[TestClient | httpx.Client], httpx.Response]


def race(calls: list[Call], make_client: Callable[[], TestClient | httpx.Client]) -> list[Any]:
    """Run each call on its own thread with its own client, released together."""
    barrier = threading.Barrier(len(calls))

    def run(call: Call) -> httpx.Response:
        with make_client() as own_client:
            barrier.wait(timeout=30)
            return call(own_client)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result(timeout=120) for future in futures]


def approve(token: str, request_id: int) -> Call:
    def call(client: TestClient | httpx.Client) -> httpx.Response:
        return client.post(f"/api/v1/introductions/{request_id}/approve", headers=bearer(token))

    return call


def create(token: str, to: str) -> Call:
    def call(client: TestClient | httpx.Client) -> httpx.Response:
        return client.post(
            "/api/v1/introductions",
            json={"to": to, "motivation": MOTIVATION},
            headers=bearer(token),
        )

    return call


def assert_one_approval(
    client: TestClient | httpx.Client, network: Network, request_id: int, responses: list[Any]
) -> None:
    assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 200)
    loser = next(r for r in responses if r.status_code == 409)
    assert winner.json()["state"] == "approved"
    assert loser.json()["error"]["code"] == "invalid_transition"
    assert "approved" in loser.json()["error"]["message"]
    coordinator = bearer(network.coordinators[0])
    current = client.get(f"/api/v1/introductions/{request_id}", headers=coordinator)
    assert current.json()["state"] == "approved"
    events = client.get(f"/api/v1/introductions/{request_id}/events", headers=coordinator)
    actions = [event["action"] for event in events.json()["items"]]
    assert actions.count("approve") == 1, actions
    assert actions.count("request") == 1, actions


# --------------------------------------------------------------------------- threads


def test_two_coordinators_approving_at_once_one_wins(client: TestClient, network: Network) -> None:
    first, second = network.coordinators
    for target in network.targets:
        request_id = ask(client, network.requester, target)
        responses = race(
            [approve(first, request_id), approve(second, request_id)],
            lambda: TestClient(create_app()),
        )
        assert_one_approval(client, network, request_id, responses)


def test_both_ends_asking_for_the_same_pair_at_once_one_wins(
    client: TestClient, network: Network
) -> None:
    for (east, east_token), (west, west_token) in network.pairs:
        responses = race(
            [create(east_token, west), create(west_token, east)],
            lambda: TestClient(create_app()),
        )
        assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
        loser = next(r for r in responses if r.status_code == 409)
        assert loser.json()["error"]["code"] == "pending_request"
        mine = client.get("/api/v1/introductions?box=outgoing", headers=bearer(east_token))
        theirs = client.get("/api/v1/introductions?box=outgoing", headers=bearer(west_token))
        assert mine.json()["total"] + theirs.json()["total"] == 1


# --------------------------------------------------------------------------- processes


@pytest.fixture
def server(network: Network, tmp_path: Path) -> Iterator[str]:  # noqa: ARG001 (data first)
    """``convene serve --workers 2`` on a free port, against the test database (the
    environment the ``database_url`` fixture set); always stopped afterwards."""
    with serving(free_port(), dict(os.environ), tmp_path / "serve.log", workers=2) as base:
        yield base


def test_two_worker_processes_approving_at_once_one_wins(server: str, network: Network) -> None:
    first, second = network.coordinators
    with httpx.Client(base_url=server, timeout=60) as client:
        for target in network.targets[:3]:
            request_id = ask(client, network.requester, target)
            responses = race(
                [approve(first, request_id), approve(second, request_id)],
                lambda: httpx.Client(base_url=server, timeout=60),
            )
            assert_one_approval(client, network, request_id, responses)
