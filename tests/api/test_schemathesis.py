"""Property-based checks of the whole JSON API against its own OpenAPI schema (Schemathesis,
in-process through ASGI) on the seeded demo network, as a coordinator and as a member:
no request may produce a 5xx or a body that breaks the schema. (Status-code conformance is
not checked: the schema does not yet document 400, 403 and 409 answers.)

Slow (about a minute): ``pytest -m slow tests/api/test_schemathesis.py``. SQLite only — the
point is the API contract, which does not depend on the database.
"""

from __future__ import annotations

import logging
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from convene.accounts.service import create_token
from convene.asgi import create_app
from convene.db import dispose_engines, get_engine, unit_of_work
from convene.models import User
from convene.seed import seed_demo
from convene.settings import get_settings
from tests.factories import bearer, make_contact, make_organisation, make_token, make_user

log = logging.getLogger(__name__)

# cases per operation, per role: the figures the run reports (and checks are not zero)
CASES: dict[str, Counter[str]] = {}


# loaded once at import: reading the schema needs no database
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app())


@pytest.fixture(scope="module", params=["coordinator", "member"])
def role(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def seeded_user_id(
    role: str, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[int]:
    """A copy of the migrated SQLite template with the demo network, shared by every
    operation for one role; the id of a user with ``role`` in it."""
    tmp_path = tmp_path_factory.mktemp(f"schemathesis-{role}")
    path = tmp_path / "convene.db"
    shutil.copy(sqlite_template, path)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("CONVENE_DATABASE_URL", f"sqlite:///{path}")
        monkeypatch.setenv("CONVENE_MAIL_URL", f"file://{tmp_path / 'outbox'}")
        monkeypatch.setenv("CONVENE_SECRET_KEY_FILE", str(tmp_path / "secret"))
        get_settings.cache_clear()
        with unit_of_work(get_engine()) as session:
            seed_demo(session)
            user_id = session.execute(
                select(col(User.id)).where(col(User.role) == role).order_by(col(User.id)).limit(1)
            ).scalar_one()
        yield user_id
        dispose_engines()
    get_settings.cache_clear()


def fresh_token(user_id: int) -> str:
    """A new token per case: a generated DELETE /tokens/{id} may revoke an earlier one."""
    with unit_of_work() as session:
        user = session.get(User, user_id)
        assert user is not None
        return create_token(session, user, "schemathesis").token


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_keeps_its_contract(
    case: schemathesis.Case[Any], role: str, seeded_user_id: int
) -> None:
    CASES.setdefault(role, Counter())[case.operation.label] += 1
    case.call_and_validate(
        headers=bearer(fresh_token(seeded_user_id)),
        checks=[not_a_server_error, response_schema_conformance],
    )


@pytest.mark.slow
def test_every_operation_was_exercised_for_both_roles() -> None:
    """Runs after the property tests (file order): the figures, and proof they ran."""
    if set(CASES) != {"coordinator", "member"}:
        pytest.skip("run together with test_api_keeps_its_contract")
    operations = set(CASES["coordinator"]) | set(CASES["member"])
    for role, counts in CASES.items():
        log.warning(
            "schemathesis %s: %d operations, %d cases", role, len(counts), sum(counts.values())
        )
        assert set(counts) == operations, role
        assert min(counts.values()) >= 1, role
    assert len(operations) >= 20


# --------------------------------------------------------------------------- found by it
# Inputs Schemathesis found, kept as plain tests so they run every time (on every backend).

# one past PostgreSQL's INTEGER, one past SQLite's (both valid JSON integers)
OUT_OF_RANGE = (2**31, 2**63)


@pytest.fixture
def admin_client(engine: Engine) -> Iterator[TestClient]:
    with unit_of_work(engine) as session:
        org = make_organisation(session, slug="bremer-stone")
        make_contact(session, organisation=org, email="anna@example.org")
        token = make_token(session, make_user(session, role="admin"))
    with TestClient(create_app(), headers=bearer(token), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("number", OUT_OF_RANGE)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/introductions/{n}", None),
        ("GET", "/api/v1/introductions/{n}/events", None),
        ("POST", "/api/v1/introductions/{n}/approve", None),
        ("PATCH", "/api/v1/contacts/{n}", {}),
        ("DELETE", "/api/v1/contacts/{n}", None),
        ("POST", "/api/v1/relationships/{n}/end", {"until": "2000-01-01"}),
        ("DELETE", "/api/v1/tokens/{n}", None),
        ("PATCH", "/api/v1/users/{n}", {}),
    ],
)
def test_an_id_out_of_range_is_not_a_server_error(
    admin_client: TestClient, method: str, path: str, body: dict[str, str] | None, number: int
) -> None:
    response = admin_client.request(method, path.format(n=number), json=body)
    assert response.status_code in (404, 422), response.text
    assert response.json()["error"]["code"] in ("not_found", "invalid")


def test_a_null_email_in_a_contact_patch_is_refused(admin_client: TestClient) -> None:
    contact = admin_client.get("/api/v1/organisations/bremer-stone/contacts").json()["items"][0]
    response = admin_client.patch(f"/api/v1/contacts/{contact['id']}", json={"email": None})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == "email"
    again = admin_client.get("/api/v1/organisations/bremer-stone/contacts").json()["items"][0]
    assert again["email"] == "anna@example.org"


def test_timestamps_carry_a_timezone(admin_client: TestClient) -> None:
    # an RFC 3339 date-time, as the schema promises, has an offset; SQLite hands back
    # naive datetimes, so the API must add it
    created = admin_client.post("/api/v1/tokens", json={"name": "laptop"}).json()
    assert datetime.fromisoformat(created["created_at"]).tzinfo is not None, created
    org = admin_client.get("/api/v1/organisations/bremer-stone").json()
    assert datetime.fromisoformat(org["created_at"]).tzinfo is not None, org
