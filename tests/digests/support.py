"""Builders and readers shared by the digest tests."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from convene.db import unit_of_work
from convene.digests.sender import SendReport, send_week
from convene.digests.weeks import IsoWeek
from convene.models import DigestDelivery, Organisation, Suggestion
from convene.models.common import utcnow
from tests.factories import make_contact, make_organisation, make_vocabulary

CONVENE = str(Path(sys.executable).parent / "convene")
WEEK = IsoWeek(2026, 48)
BASE_URL = "https://convene.example.org"

CHILD_LABOUR_IN_INDIA = {
    "code": "theme_in_country",
    "params": {"theme": "child-labour", "country": "IN"},
    "weight": 0.41,
}
NATURAL_STONE = {"code": "shared_sector", "params": {"sector": "natural-stone"}, "weight": 0.2}


def add_suggestion(
    session: Session,
    org: Organisation,
    candidate: Organisation,
    *,
    kind: str = "peer",
    rank: int = 1,
    reasons: list[dict[str, Any]] | None = None,
) -> None:
    session.execute(
        insert(Suggestion).values(
            organisation_id=org.id,
            candidate_id=candidate.id,
            kind=kind,
            rank=rank,
            score=0.5,
            reasons=reasons if reasons is not None else [CHILD_LABOUR_IN_INDIA, NATURAL_STONE],
            model_version="test-1",
            created_at=utcnow(),
        )
    )


def send(engine: Engine, port: int, week: IsoWeek = WEEK, **kwargs: Any) -> SendReport:
    return send_week(engine, week, mail_url=f"smtp://127.0.0.1:{port}", **kwargs)


def states(engine: Engine, week: IsoWeek = WEEK) -> dict[int, tuple[str, int]]:
    """contact id → (state, attempts) of the week's outbox rows."""
    with unit_of_work(engine, readonly=True) as session:
        rows = session.execute(
            select(
                col(DigestDelivery.contact_id),
                col(DigestDelivery.state),
                col(DigestDelivery.attempts),
            ).where(col(DigestDelivery.week) == str(week))
        )
        return {int(c): (str(s), int(a)) for c, s, a in rows}


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML alternatives of a received message."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


def to_addresses(messages: list[EmailMessage]) -> list[str]:
    return [str(m["To"]) for m in messages]


def convene(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CONVENE, *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


@dataclass
class Network:
    anna: int  # en contact at Hoogveld Stone, two suggestions
    bram: int  # nl contact at Bremer Steen, one suggestion
    quiet: int  # contact with nothing new
    hoogveld: int
    bremer: int
    arisa: int
    somo: int


def build_network(engine: Engine) -> Network:
    """Three contacts: Anna (en, two suggestions), Bram (nl, one), and one with nothing new."""
    with unit_of_work(engine) as session:
        make_vocabulary(session)
        hoogveld = make_organisation(session, slug="hoogveld-stone", name="Hoogveld Stone")
        bremer = make_organisation(session, slug="bremer-steen", name="Bremer Steen")
        arisa = make_organisation(session, slug="arisa", name="Arisa", kind="ngo")
        somo = make_organisation(session, slug="somo", name="SOMO", kind="ngo")
        quiet_org = make_organisation(session, slug="stil-bv", name="Stil B.V.")
        anna = make_contact(session, organisation=hoogveld, name="Anna", email="anna@example.org")
        bram = make_contact(
            session, organisation=bremer, name="Bram", email="bram@example.org", language="nl"
        )
        quiet = make_contact(session, organisation=quiet_org, name="Q", email="q@example.org")
        add_suggestion(session, hoogveld, bremer, kind="peer")
        add_suggestion(session, hoogveld, arisa, kind="stakeholder")
        add_suggestion(session, bremer, somo, kind="stakeholder")
        ids = [x.id for x in (anna, bram, quiet, hoogveld, bremer, arisa, somo)]
    assert all(i is not None for i in ids)
    return Network(*[int(i) for i in ids if i is not None])
