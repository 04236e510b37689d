"""Accounts over real HTTP through the ASGI app: the signed-in user, personal API tokens,
user management by admins, password changes, invitations and password resets (with the
mails caught by a real SMTP server)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import col

from convene.asgi import create_app
from convene.db import unit_of_work
from convene.models import OneTimeToken
from convene.models.common import utcnow
from convene.settings import get_settings
from tests.factories import (
    bearer,
    make_contact,
    make_organisation,
    make_token,
    make_user,
)
from tests.smtp import SmtpSink, smtp_server

BASE_URL = "http://convene.test:8000"
PASSWORD = "a-long-test-password"
NEW_PASSWORD = "river-stone-lantern-42"
INVITEE = "invitee@example.org"


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    token: str


@dataclass(frozen=True)
class Network:
    admin: Person
    coordinator: Person
    member: Person


@pytest.fixture
def network(engine: Engine) -> Network:
    """Two organisations, an admin, a coordinator, a member with a token each, and a
    contact (``INVITEE``) who has no account yet."""
    people = {}
    with unit_of_work(engine) as session:
        stone = make_organisation(session, slug="bremer-stone", name="Bremer Stone")
        arisa = make_organisation(session, slug="arisa", name="Arisa", kind="ngo")
        make_contact(session, organisation=arisa, name="Ina Vitee", email=INVITEE)
        for role, org in (("admin", None), ("coordinator", None), ("member", stone)):
            user = make_user(session, role=role, organisation=org, email=f"{role}@example.org")
            assert user.id is not None
            people[role] = Person(user.id, user.email, make_token(session, user))
    return Network(**people)


@pytest.fixture
def smtp(
    network: Network,  # noqa: ARG001 (after the database fixture, which sets a file mailer)
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[SmtpSink]:
    """A real SMTP server the app sends to, and a base URL the links must start with."""
    with smtp_server() as (sink, port):
        monkeypatch.setenv("CONVENE_MAIL_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("CONVENE_BASE_URL", BASE_URL)
        get_settings.cache_clear()
        yield sink
    get_settings.cache_clear()


@pytest.fixture
def client(network: Network) -> Iterator[TestClient]:  # noqa: ARG001 (data first)
    with TestClient(create_app()) as test_client:
        yield test_client


def new_client(**kwargs: object) -> TestClient:
    return TestClient(create_app(), **kwargs)  # type: ignore[arg-type]


def form_csrf(html: str) -> str:
    field = BeautifulSoup(html, "html.parser").find("input", attrs={"name": "csrf_token"})
    assert field is not None, "the page has no form with a csrf_token"
    return str(field["value"])


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Sign in through the login page; returns the session cookie's value."""
    csrf = form_csrf(client.get("/login").text)
    response = client.post(
        "/login",
        data={"csrf_token": csrf, "email": email, "password": password},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.cookies["convene_session"])


def me_with_cookie(session_cookie: str) -> int:
    """The status a fresh browser gets on /api/v1/me with only this session cookie."""
    with new_client(cookies={"convene_session": session_cookie}) as browser:
        return int(browser.get("/api/v1/me").status_code)


def error(response: object) -> dict[str, str]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}, body
    detail: dict[str, str] = body["error"]
    return detail


def link_in(message: EmailMessage, path: str) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = re.search(rf"{re.escape(BASE_URL)}(/{path}/[A-Za-z0-9_-]+)\s", body.get_content())
    assert found, body.get_content()
    return found.group(1)


# --------------------------------------------------------------------------- me and tokens


def test_me_with_a_bearer_token(client: TestClient, network: Network) -> None:
    response = client.get("/api/v1/me", headers=bearer(network.member.token))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "member@example.org"
    assert body["role"] == "member"
    assert body["organisation"] == "bremer-stone"
    assert body["is_active"] is True
    assert client.get("/api/v1/me").status_code == 401


def test_token_is_shown_once_listed_without_value_and_revocable(
    client: TestClient, network: Network
) -> None:
    auth = bearer(network.member.token)
    created = client.post("/api/v1/tokens", json={"name": "laptop"}, headers=auth)
    assert created.status_code == 201
    raw = created.json()["token"]
    assert raw.startswith("cvn_") and len(raw) > 40
    assert created.json()["prefix"] == raw[:10]
    token_id = created.json()["id"]

    listed = client.get("/api/v1/tokens", headers=auth)
    assert listed.status_code == 200
    assert raw not in listed.text
    assert [(t["name"], t["revoked"]) for t in listed.json()["items"]] == [
        ("tests", False),
        ("laptop", False),
    ]
    assert all("token" not in item for item in listed.json()["items"])
    assert client.get("/api/v1/me", headers=bearer(raw)).json()["email"] == network.member.email

    revoked = client.delete(f"/api/v1/tokens/{token_id}", headers=auth)
    assert revoked.status_code == 200
    assert revoked.json()["revoked"] is True
    refused = client.get("/api/v1/me", headers=bearer(raw))
    assert refused.status_code == 401
    assert error(refused)["code"] == "bad_token"
    # the other token of the same user is untouched
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    states = {
        t["name"]: t["revoked"] for t in client.get("/api/v1/tokens", headers=auth).json()["items"]
    }
    assert states == {"tests": False, "laptop": True}


def test_token_listing_shows_when_it_was_last_used(client: TestClient, network: Network) -> None:
    auth = bearer(network.member.token)
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    (token,) = client.get("/api/v1/tokens", headers=auth).json()["items"]
    assert token["last_used_at"] is not None, token


def test_another_users_token_is_not_found(client: TestClient, network: Network) -> None:
    mine = client.get("/api/v1/tokens", headers=bearer(network.member.token)).json()["items"]
    response = client.delete(
        f"/api/v1/tokens/{mine[0]['id']}", headers=bearer(network.coordinator.token)
    )
    assert response.status_code == 404
    assert error(response)["code"] == "not_found"
    assert client.get("/api/v1/me", headers=bearer(network.member.token)).status_code == 200


# --------------------------------------------------------------------------- users (admins)


def test_deactivating_a_user_ends_its_tokens_and_sessions(
    client: TestClient, network: Network
) -> None:
    with new_client() as browser:
        cookie = sign_in(browser, network.member.email)
        assert browser.get("/api/v1/me").status_code == 200

        response = client.patch(
            f"/api/v1/users/{network.member.id}",
            json={"is_active": False},
            headers=bearer(network.admin.token),
        )
        assert response.status_code == 200
        assert response.json()["is_active"] is False

        assert browser.get("/api/v1/me").status_code == 401
    refused = client.get("/api/v1/me", headers=bearer(network.member.token))
    assert refused.status_code == 401
    assert error(refused)["code"] == "bad_token"
    assert me_with_cookie(cookie) == 401
    with new_client() as browser:
        csrf = form_csrf(browser.get("/login").text)
        login = browser.post(
            "/login",
            data={"csrf_token": csrf, "email": network.member.email, "password": PASSWORD},
            follow_redirects=False,
        )
        assert login.status_code == 401


def test_admin_changes_a_role(client: TestClient, network: Network) -> None:
    member = bearer(network.member.token)
    assert client.get("/api/v1/audit", headers=member).status_code == 403
    response = client.patch(
        f"/api/v1/users/{network.member.id}",
        json={"role": "coordinator"},
        headers=bearer(network.admin.token),
    )
    assert response.status_code == 200
    assert response.json()["role"] == "coordinator"
    assert client.get("/api/v1/me", headers=member).json()["role"] == "coordinator"
    assert client.get("/api/v1/audit", headers=member).status_code == 200


@pytest.mark.parametrize("role", ["coordinator", "member"])
def test_only_admins_manage_users(client: TestClient, network: Network, role: str) -> None:
    caller: Person = getattr(network, role)
    for body in ({"role": "admin"}, {"is_active": False}):
        response = client.patch(
            f"/api/v1/users/{network.member.id}", json=body, headers=bearer(caller.token)
        )
        assert response.status_code == 403
        assert error(response)["code"] == "forbidden"
    me = client.get("/api/v1/me", headers=bearer(network.member.token)).json()
    assert (me["role"], me["is_active"]) == ("member", True)


def test_admin_cannot_deactivate_or_demote_itself(client: TestClient, network: Network) -> None:
    admin = bearer(network.admin.token)
    for body in ({"is_active": False}, {"role": "coordinator"}):
        response = client.patch(f"/api/v1/users/{network.admin.id}", json=body, headers=admin)
        assert response.status_code == 409
        assert error(response)["code"] == "self_demotion"
    me = client.get("/api/v1/me", headers=admin).json()
    assert (me["role"], me["is_active"]) == ("admin", True)


# --------------------------------------------------------------------------- password change


def test_password_change_errors_name_the_field(client: TestClient, network: Network) -> None:
    auth = bearer(network.member.token)
    wrong = client.post(
        "/api/v1/me/password",
        json={"current_password": "not-my-password", "new_password": NEW_PASSWORD},
        headers=auth,
    )
    assert wrong.status_code == 422
    assert error(wrong)["field"] == "current_password"
    weak = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=auth,
    )
    assert weak.status_code == 422
    assert error(weak)["field"] == "new_password"
    assert error(weak)["code"] == "weak_password"
    with new_client() as browser:
        sign_in(browser, network.member.email, PASSWORD)  # unchanged


def test_password_change_ends_the_other_sessions_only(network: Network) -> None:
    with new_client() as here, new_client() as elsewhere:
        sign_in(here, network.member.email)
        other_cookie = sign_in(elsewhere, network.member.email)
        body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}

        # a browser calling the API with its cookie must echo the CSRF cookie in a header
        missing = here.post("/api/v1/me/password", json=body)
        assert missing.status_code == 403
        assert error(missing)["code"] == "csrf"
        wrong = here.post("/api/v1/me/password", json=body, headers={"X-CSRF-Token": "nope"})
        assert wrong.status_code == 403

        csrf = here.cookies["convene_csrf"]
        changed = here.post("/api/v1/me/password", json=body, headers={"X-CSRF-Token": csrf})
        assert changed.status_code == 200, changed.text

        assert here.get("/api/v1/me").status_code == 200
        assert elsewhere.get("/api/v1/me").status_code == 401
    assert me_with_cookie(other_cookie) == 401
    with new_client() as browser:
        sign_in(browser, network.member.email, NEW_PASSWORD)


# --------------------------------------------------------------------------- invitations


def test_invitation_mail_link_sets_a_password_and_signs_in(
    client: TestClient, network: Network, smtp: SmtpSink
) -> None:
    response = client.post(
        "/api/v1/invitations", json={"email": INVITEE}, headers=bearer(network.coordinator.token)
    )
    assert response.status_code == 202
    assert [m["To"] for m in smtp.messages] == [INVITEE]
    path = link_in(smtp.messages[0], "invitations")

    with new_client() as browser:
        page = browser.get(path)
        assert page.status_code == 200
        soup = BeautifulSoup(page.text, "html.parser")
        form = soup.find("form", attrs={"method": "post"})
        assert form is not None and INVITEE in soup.get_text()
        assert form.find("input", attrs={"name": "password", "type": "password"}) is not None
        accepted = browser.post(
            path,
            data={"csrf_token": form_csrf(page.text), "password": NEW_PASSWORD},
            follow_redirects=False,
        )
        assert accepted.status_code == 303
        assert "convene_session" in accepted.cookies
        me = browser.get("/api/v1/me").json()
        assert (me["email"], me["role"], me["organisation"]) == (INVITEE, "member", "arisa")

        again = browser.get(path)
        assert again.status_code == 404
        reuse = browser.post(
            path,
            data={"csrf_token": browser.cookies["convene_csrf"], "password": "another-password-9"},
            follow_redirects=False,
        )
        assert reuse.status_code == 404
    with new_client() as browser:
        sign_in(browser, INVITEE, NEW_PASSWORD)


def test_members_cannot_invite(client: TestClient, network: Network, smtp: SmtpSink) -> None:
    response = client.post(
        "/api/v1/invitations", json={"email": INVITEE}, headers=bearer(network.member.token)
    )
    assert response.status_code == 403
    assert error(response)["code"] == "forbidden"
    assert smtp.messages == []


def test_inviting_an_unknown_contact_is_404_on_email(
    client: TestClient, network: Network, smtp: SmtpSink
) -> None:
    response = client.post(
        "/api/v1/invitations",
        json={"email": "nobody@example.org"},
        headers=bearer(network.coordinator.token),
    )
    assert response.status_code == 404
    assert error(response)["field"] == "email"
    assert smtp.messages == []


# --------------------------------------------------------------------------- password reset


def ask_for_reset(email: str) -> str:
    """Submit the reset form as a fresh browser; returns the text of the page shown."""
    with new_client() as browser:
        form = browser.get("/password-reset")
        response = browser.post(
            "/password-reset", data={"csrf_token": form_csrf(form.text), "email": email}
        )
        assert response.status_code == 200
        main = BeautifulSoup(response.text, "html.parser").find("main")
        assert main is not None
        return " ".join(main.get_text().split())


def test_reset_request_answers_the_same_and_mails_only_real_accounts(
    network: Network, smtp: SmtpSink
) -> None:
    unknown = ask_for_reset("nobody@example.org")
    assert smtp.messages == []
    known = ask_for_reset(network.member.email)
    assert known == unknown
    assert "reset link is on its way" in known
    assert [m["To"] for m in smtp.messages] == [network.member.email]
    assert link_in(smtp.messages[0], "password-reset")


def test_reset_link_changes_the_password_ends_sessions_and_works_once(
    network: Network, smtp: SmtpSink
) -> None:
    with new_client() as browser:
        old_cookie = sign_in(browser, network.member.email)
    ask_for_reset(network.member.email)
    path = link_in(smtp.messages[0], "password-reset")

    with new_client() as browser:
        page = browser.get(path)
        assert page.status_code == 200
        done = browser.post(
            path,
            data={"csrf_token": form_csrf(page.text), "password": NEW_PASSWORD},
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert done.headers["location"] == "/login"
        assert browser.get(path).status_code == 404
        second = browser.post(
            path,
            data={"csrf_token": browser.cookies["convene_csrf"], "password": "yet-another-pass-7"},
            follow_redirects=False,
        )
        assert second.status_code == 404
    assert me_with_cookie(old_cookie) == 401
    with new_client() as browser:
        sign_in(browser, network.member.email, NEW_PASSWORD)


def test_expired_reset_link_is_404(engine: Engine, network: Network, smtp: SmtpSink) -> None:
    ask_for_reset(network.member.email)
    path = link_in(smtp.messages[0], "password-reset")
    with unit_of_work(engine) as session:
        session.execute(
            update(OneTimeToken)
            .where(col(OneTimeToken.purpose) == "reset")
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    with new_client() as browser:
        csrf = form_csrf(browser.get("/password-reset").text)
        page = browser.get(path)
        assert page.status_code == 404
        assert "expired" in BeautifulSoup(page.text, "html.parser").get_text()
        response = browser.post(
            path,
            data={"csrf_token": csrf, "password": NEW_PASSWORD},
            follow_redirects=False,
        )
        assert response.status_code == 404
    with new_client() as browser:
        sign_in(browser, network.member.email, PASSWORD)  # unchanged
