"""Sending digests to a real SMTP server (aiosmtpd) and reading what it received with
Python's ``email`` package: content, links, headers, language, the outbox's guarantees."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from convene.db import unit_of_work
from convene.digests.sender import MAX_ATTEMPTS, MailServerUnavailable
from convene.digests.weeks import IsoWeek
from convene.models import (
    AuditEvent,
    Contact,
    DigestDelivery,
    DigestPreference,
    Dismissal,
    EmailSuppression,
    IntroductionRequest,
    Organisation,
    Suggestion,
)
from tests.digests.support import BASE_URL, WEEK, Network, parts, send, states, to_addresses
from tests.factories import make_contact, make_user
from tests.smtp import free_port, smtp_server


def _by_recipient(messages: list[EmailMessage]) -> dict[str, EmailMessage]:
    return {str(m["To"]): m for m in messages}


class TestContent:
    def test_both_parts_inlined_html_names_reasons_links_and_unsubscribe_headers(
        self, engine: Engine, network: Network
    ) -> None:
        with smtp_server() as (sink, port):
            report = send(engine, port)
        assert (report.sent, report.empty) == (2, 1)
        anna = next(m for m in sink.messages if m["To"] == "anna@example.org")
        assert anna["Subject"] == "Your Convene week 2026-W48: 2 suggestions"
        assert anna.get_content_type() == "multipart/alternative"
        text, html = parts(anna)
        assert "<style" not in html and "<link" not in html
        assert re.search(r'<h2 style="[^"]+">Companies like yours</h2>', html)
        for body in (text, html):
            assert "Bremer Steen" in body and "Arisa" in body
            assert "Works on child labour in India, where you operate or source" in body
            assert "Both in natural stone" in body
            assert "starting November 23, 2026" in body
        links = set(re.findall(r'href="([^"]+)"', html))
        assert {
            f"{BASE_URL}/",
            f"{BASE_URL}/organisations/bremer-steen",
            f"{BASE_URL}/organisations/arisa",
            f"{BASE_URL}/account",
        } <= links
        assert all(link.startswith(f"{BASE_URL}/") for link in links)
        assert f"{BASE_URL}/organisations/bremer-steen" in text
        unsubscribe = anna["List-Unsubscribe"]
        assert re.fullmatch(rf"<{re.escape(BASE_URL)}/unsubscribe/[\w.-]+>", unsubscribe)
        assert anna["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe.strip("<>") in links and unsubscribe.strip("<>") in text
        assert sink.envelopes[0][0] == "convene@example.org"

    def test_dutch_contact_gets_the_digest_in_dutch(self, engine: Engine, network: Network) -> None:
        with smtp_server() as (sink, port):
            send(engine, port)
        bram = next(m for m in sink.messages if m["To"] == "bram@example.org")
        assert bram["Subject"] == "Je Convene-week 2026-W48: 1 suggestie"
        text, html = parts(bram)
        for body in (text, html):
            assert "Hallo Bram," in body
            assert "vanaf 23 november 2026" in body  # Babel's Dutch date
            assert "Stakeholders die kunnen helpen" in body
            assert "SOMO" in body
            assert "kinderarbeid" in body  # the reason's theme in Dutch
            assert "Afmelden" in body
        assert 'lang="nl"' in html

    def test_nothing_new_sends_nothing(self, engine: Engine, network: Network) -> None:
        with smtp_server() as (sink, port):
            send(engine, port)
        assert sorted(to_addresses(sink.messages)) == ["anna@example.org", "bram@example.org"]
        assert states(engine)[network.quiet] == ("skipped", 0)

    def test_requests_waiting_what_happened_and_the_queue(
        self, engine: Engine, network: Network
    ) -> None:
        with unit_of_work(engine) as session:
            session.execute(delete(Suggestion))
            coordinator = make_user(session, role="coordinator", email="coord@example.org")
            staff = make_contact(
                session,
                organisation=session.get_one(Organisation, network.somo),
                name="Cora",
                email="cora@example.org",
            )
            coordinator.contact_id = staff.id
            session.add(coordinator)
            approved_at = datetime(2026, 11, 18, 9, tzinfo=UTC)
            waiting = self._request(network.bremer, network.hoogveld, "approved", approved_at)
            outgoing = self._request(network.hoogveld, network.arisa, "rejected", approved_at)
            queued = self._request(network.bremer, network.somo, "requested", approved_at)
            rows = [
                session.execute(
                    insert(IntroductionRequest)
                    .values(**values)
                    .returning(col(IntroductionRequest.id))
                ).scalar_one()
                for values in (waiting, outgoing, queued)
            ]
            session.execute(
                insert(AuditEvent),
                [
                    {
                        "at": datetime(2026, 11, 20, 10, tzinfo=UTC),  # in week 47
                        "entity_type": "introduction",
                        "entity_id": rows[1],
                        "action": "reject",
                        "from_state": "requested",
                        "to_state": "rejected",
                        "note": "Please say what you want to do in India first.",
                    },
                    {
                        "at": datetime(2026, 11, 10, 10, tzinfo=UTC),  # week 46: old news
                        "entity_type": "introduction",
                        "entity_id": rows[1],
                        "action": "approve",
                        "from_state": "requested",
                        "to_state": "approved",
                    },
                ],
            )
        with smtp_server() as (sink, port):
            send(engine, port)
        received = _by_recipient(sink.messages)
        assert set(received) == {"anna@example.org", "cora@example.org"}
        anna = received["anna@example.org"]
        assert anna["Subject"] == (
            "Your Convene week 2026-W48: 1 request waiting, 1 update on your requests"
        )
        text, html = parts(anna)
        assert "Waiting for your answer" in text and "Bremer Steen" in text
        assert f"{BASE_URL}/introductions/{rows[0]}" in html
        assert "Arisa: rejected by a coordinator (November 20, 2026)" in text
        assert "Please say what you want to do in India first." in text
        assert "approved by a coordinator" not in text
        cora_text, cora_html = parts(received["cora@example.org"])
        assert "1 request waits for a coordinator." in cora_text
        assert "Bremer Steen → SOMO" in cora_text
        assert f"{BASE_URL}/coordinator/queue" in cora_html

    @staticmethod
    def _request(source: int, target: int, state: str, at: datetime) -> dict[str, object]:
        low, high = sorted((source, target))
        return {
            "from_org_id": source,
            "to_org_id": target,
            "pair_low": low,
            "pair_high": high,
            "proposed": False,
            "motivation": "We source granite in Telangana and want to work on child labour.",
            "state": state,
            "created_at": at,
            "updated_at": at,
            "approved_at": at if state != "requested" else None,
        }


class TestWhichSuggestions:
    def test_a_suggestion_appears_in_at_most_three_digests(
        self, engine: Engine, network: Network
    ) -> None:
        weeks = [IsoWeek(2026, w) for w in (45, 46, 47, 48)]
        seen: list[list[str]] = []
        with smtp_server() as (sink, port):
            for week in weeks:
                before = len(sink.messages)
                send(engine, port, week)
                # a refresh replaces the rows: the count is kept per pair, not per row
                with unit_of_work(engine) as session:
                    columns = [c for c in Suggestion.__table__.c if c.name != "id"]  # type: ignore[attr-defined]
                    data = [dict(r._mapping) for r in session.execute(select(*columns))]
                    session.execute(delete(Suggestion))
                    session.execute(insert(Suggestion), data)
                seen.append(sorted(to_addresses(sink.messages[before:])))
        assert seen == [["anna@example.org", "bram@example.org"]] * 3 + [[]]

    def test_dismissed_or_requested_candidates_never_appear(
        self, engine: Engine, network: Network
    ) -> None:
        with unit_of_work(engine) as session:
            session.add(Dismissal(organisation_id=network.hoogveld, candidate_id=network.arisa))
            session.execute(
                insert(IntroductionRequest).values(
                    **TestContent._request(
                        network.somo, network.bremer, "declined", datetime(2026, 1, 5, tzinfo=UTC)
                    )
                )
            )
        with smtp_server() as (sink, port):
            send(engine, port)
        assert to_addresses(sink.messages) == ["anna@example.org"]
        text, _ = parts(sink.messages[0])
        assert "Bremer Steen" in text and "Arisa" not in text
        assert sink.messages[0]["Subject"].endswith(": 1 suggestion")


class TestOutbox:
    def test_a_second_run_for_the_same_week_sends_nothing(
        self, engine: Engine, network: Network
    ) -> None:
        with smtp_server() as (sink, port):
            first = send(engine, port)
            second = send(engine, port)
        assert (first.sent, second.sent, second.already_done) == (2, 0, 3)
        assert len(sink.messages) == 2
        assert {s for s, _ in states(engine).values()} == {"sent", "skipped"}

    def test_limit_sends_at_most_n_and_the_next_run_the_rest(
        self, engine: Engine, network: Network
    ) -> None:
        with smtp_server() as (sink, port):
            assert send(engine, port, limit=1).sent == 1
            assert send(engine, port).sent == 1
        assert sorted(to_addresses(sink.messages)) == ["anna@example.org", "bram@example.org"]

    def test_smtp_server_down_is_an_error_and_nothing_is_marked(
        self, engine: Engine, network: Network
    ) -> None:
        with pytest.raises(MailServerUnavailable, match=r"cannot reach the mail server"):
            send(engine, free_port())
        assert states(engine) == {}

    def test_permanent_refusal_suppresses_the_address(
        self, engine: Engine, network: Network
    ) -> None:
        with unit_of_work(engine) as session:
            contact = session.get_one(Contact, network.anna)
            contact.email = "bounce-anna@example.org"
            session.add(contact)
        with smtp_server() as (sink, port):
            report = send(engine, port)
            later = send(engine, port, WEEK.next())
        assert report.suppressed == [
            ("bounce-anna@example.org", "recipient refused: 550 5.1.1 no such mailbox")
        ]
        assert states(engine)[network.anna] == ("suppressed", 1)
        assert network.anna not in states(engine, WEEK.next())
        assert later.sent == 1 and to_addresses(sink.messages) == ["bram@example.org"] * 2
        with unit_of_work(engine, readonly=True) as session:
            assert session.get(EmailSuppression, "bounce-anna@example.org") is not None

    def test_temporary_refusal_is_retried_on_the_next_run_then_failed(
        self, engine: Engine, network: Network
    ) -> None:
        with unit_of_work(engine) as session:
            contact = session.get_one(Contact, network.anna)
            contact.email = "later-anna@example.org"
            session.add(contact)
        seen: list[tuple[str, int]] = []
        with smtp_server() as (sink, port):
            for _ in range(MAX_ATTEMPTS + 1):
                report = send(engine, port)
                seen.append(states(engine)[network.anna])
        assert seen == [("pending", 1), ("pending", 2), ("failed", 3), ("failed", 3)]
        assert report.sent == 0 and to_addresses(sink.messages) == ["bram@example.org"]

    def test_a_contact_without_an_email_is_not_due(self, engine: Engine, network: Network) -> None:
        with unit_of_work(engine) as session:
            contact = session.get_one(Contact, network.anna)
            contact.email = ""
            session.add(contact)
        with smtp_server() as (sink, port):
            report = send(engine, port)
        assert report.sent == 1 and network.anna not in states(engine)
        assert to_addresses(sink.messages) == ["bram@example.org"]

    def test_unsubscribed_after_the_rows_were_made_is_skipped(
        self, engine: Engine, network: Network
    ) -> None:
        with unit_of_work(engine) as session:
            session.execute(
                insert(DigestDelivery).values(
                    contact_id=network.anna, week=str(WEEK), state="pending", attempts=0
                )
            )
            contact = session.get_one(Contact, network.anna)
            contact.digest = DigestPreference.never
            session.add(contact)
        with smtp_server() as (sink, port):
            send(engine, port)
        assert to_addresses(sink.messages) == ["bram@example.org"]
        assert states(engine)[network.anna] == ("skipped", 0)


def test_a_stakeholders_headings_say_what_its_suggestions_are(
    engine: Engine, network: Network
) -> None:
    """For an NGO, peers are other stakeholders and "stakeholder" suggestions are companies."""
    from convene.models import Organisation
    from tests.digests.support import add_suggestion

    with unit_of_work(engine) as session:
        arisa = session.get(Organisation, network.arisa)
        somo = session.get(Organisation, network.somo)
        hoogveld = session.get(Organisation, network.hoogveld)
        assert arisa is not None and somo is not None and hoogveld is not None
        make_contact(session, organisation=arisa, name="Amina", email="amina@example.org")
        add_suggestion(session, arisa, somo, kind="peer")
        add_suggestion(session, arisa, hoogveld, kind="stakeholder")
    with smtp_server() as (sink, port):
        send(engine, port)
    messages = _by_recipient(sink.messages)
    ngo_text, _ = parts(messages["amina@example.org"])
    company_text, _ = parts(messages["anna@example.org"])
    assert "== Organisations like yours ==" in ngo_text
    assert "== Companies you could help ==" in ngo_text
    assert "== Companies like yours ==" in company_text
    assert "== Stakeholders who could help ==" in company_text
