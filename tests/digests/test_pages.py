"""Unsubscribe pages (RFC 8058 one-click) and the coordinator's preview, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from convene.asgi import create_app
from convene.db import unit_of_work
from convene.digests.tokens import unsubscribe_token
from convene.models import Contact
from tests.digests.support import WEEK, add_suggestion, send, to_addresses
from tests.factories import (
    bearer,
    make_contact,
    make_organisation,
    make_token,
    make_user,
    make_vocabulary,
)
from tests.smtp import smtp_server


@dataclass
class People:
    anna: int
    coordinator_token: str
    member_token: str


@pytest.fixture
def people(engine: Engine) -> People:
    with unit_of_work(engine) as session:
        make_vocabulary(session)
        hoogveld = make_organisation(session, slug="hoogveld-stone", name="Hoogveld Stone")
        arisa = make_organisation(session, slug="arisa", name="Arisa", kind="ngo")
        anna = make_contact(session, organisation=hoogveld, name="Anna", email="anna@example.org")
        add_suggestion(session, hoogveld, arisa, kind="stakeholder")
        coordinator = make_user(session, role="coordinator", email="coord@example.org")
        member = make_user(session, organisation=hoogveld, email="member@example.org")
        people = People(
            anna=int(anna.id or 0),
            coordinator_token=make_token(session, coordinator),
            member_token=make_token(session, member),
        )
    return people


@pytest.fixture
def client(people: People) -> Iterator[TestClient]:  # noqa: ARG001 (the data must exist first)
    with TestClient(create_app()) as test_client:
        yield test_client


def _digest(engine: Engine, contact_id: int) -> str:
    with unit_of_work(engine, readonly=True) as session:
        return str(session.get_one(Contact, contact_id).digest)


def _unsubscribe_path(engine: Engine) -> str:
    """Send this week's digests and read Anna's List-Unsubscribe URL (as a path)."""
    with smtp_server() as (sink, port):
        send(engine, port, WEEK)
    [message] = [m for m in sink.messages if m["To"] == "anna@example.org"]
    return "/" + str(message["List-Unsubscribe"]).strip("<>").split("/", 3)[3]


def test_post_to_the_list_unsubscribe_url_stops_next_weeks_digest(
    engine: Engine, people: People, client: TestClient
) -> None:
    path = _unsubscribe_path(engine)
    fresh = TestClient(client.app)  # a mail client: no cookies, no sign-in, no CSRF token
    response = fresh.post(
        path,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    assert "will no longer receive" in response.text
    assert _digest(engine, people.anna) == "never"
    with smtp_server() as (sink, port):
        send(engine, port, WEEK.next())
    assert "anna@example.org" not in to_addresses(sink.messages)


def test_get_only_asks_and_changes_nothing(
    engine: Engine, people: People, client: TestClient
) -> None:
    path = _unsubscribe_path(engine)
    response = client.get(path)
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    form = page.find("form", attrs={"action": path})
    assert isinstance(form, Tag) and form["method"] == "post"
    assert form.find("input", attrs={"name": "csrf_token"}) is not None
    assert page.find("main") is not None  # in the site's layout
    assert "a…@example.org" in response.text and "anna@example.org" not in response.text
    assert _digest(engine, people.anna) == "weekly"
    with smtp_server() as (sink, port):
        send(engine, port, WEEK.next())
    assert "anna@example.org" in to_addresses(sink.messages)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_forged_or_broken_token_is_not_found(
    engine: Engine, people: People, client: TestClient, method: str
) -> None:
    forged = unsubscribe_token(people.anna)[:-2] + "xx"
    response = client.request(method, f"/unsubscribe/{forged}")
    assert response.status_code == 404
    assert _digest(engine, people.anna) == "weekly"


def test_coordinator_preview_shows_the_digest_as_it_will_be_sent(
    people: People, client: TestClient
) -> None:
    response = client.get(
        "/coordinator/digests/preview",
        params={"contact": "anna@example.org"},
        headers=bearer(people.coordinator_token),
    )
    assert response.status_code == 200, response.text
    page = BeautifulSoup(response.text, "html.parser")
    subject = page.find(class_="subject")
    assert subject is not None and subject.get_text().startswith("Your Convene week ")
    frame = page.find("iframe", class_="digest-html")
    assert isinstance(frame, Tag)
    sent_html = BeautifulSoup(str(frame["srcdoc"]), "html.parser")
    assert [a.get_text() for a in sent_html.select("a.name")] == ["Arisa"]
    assert sent_html.find("style") is None
    text = page.find("pre", class_="digest-text")
    assert text is not None and "Works on child labour in India" in text.get_text()


def test_preview_is_for_coordinators_only(people: People, client: TestClient) -> None:
    url = "/coordinator/digests/preview?contact=anna@example.org"
    assert client.get(url, headers=bearer(people.member_token)).status_code == 403
    anonymous = client.get(url, follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login?next=")


def test_preview_of_an_unknown_contact_is_not_found(people: People, client: TestClient) -> None:
    response = client.get(
        "/coordinator/digests/preview?contact=nobody@example.org",
        headers=bearer(people.coordinator_token),
    )
    assert response.status_code == 404
