"""``kill -9`` a real ``convene digest send`` halfway, run it again: everyone due gets the
week's digest, and at most the one message in flight at the kill arrives twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections import Counter
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from convene.db import unit_of_work
from convene.models import Contact, Organisation, Suggestion
from convene.models.common import utcnow
from tests.digests.support import CHILD_LABOUR_IN_INDIA, CONVENE, WEEK, convene, states
from tests.smtp import SmtpSink, smtp_server

CONTACTS = 300


class SlowSink(SmtpSink):
    """Takes 10 ms per message, so there is time to kill the sender in the middle."""

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


def _due_contacts(engine: Engine) -> list[str]:
    """``CONTACTS`` organisations with one contact and one suggestion each."""
    now = utcnow()
    with unit_of_work(engine) as session:
        session.execute(
            insert(Organisation),
            [
                {"slug": f"org-{n}", "name": f"Organisation {n}", "kind": "company",
                 "open_to_introductions": True, "description": "", "offers": "", "seeks": "",
                 "created_at": now, "updated_at": now}
                for n in range(CONTACTS + 1)
            ],
        )  # fmt: skip
        slugs = select(col(Organisation.slug), col(Organisation.id))
        by_slug = dict(session.execute(slugs).all())
        emails = [f"person{n}@example.org" for n in range(CONTACTS)]
        session.execute(
            insert(Contact),
            [
                {"organisation_id": by_slug[f"org-{n}"], "name": f"Person {n}", "email": email,
                 "role": "", "language": "en", "digest": "weekly", "receives_requests": True,
                 "created_at": now}
                for n, email in enumerate(emails)
            ],
        )  # fmt: skip
        session.execute(
            insert(Suggestion),
            [
                {"organisation_id": by_slug[f"org-{n}"], "candidate_id": by_slug[f"org-{CONTACTS}"],
                 "kind": "peer", "rank": 1, "score": 0.5, "reasons": [CHILD_LABOUR_IN_INDIA],
                 "model_version": "test-1", "created_at": now}
                for n in range(CONTACTS)
            ],
        )  # fmt: skip
    return emails


def test_kill_9_midway_then_run_again(engine: Engine) -> None:
    emails = _due_contacts(engine)
    with smtp_server(SlowSink()) as (sink, port):
        env = {**os.environ, "CONVENE_MAIL_URL": f"smtp://127.0.0.1:{port}"}
        sender = subprocess.Popen(
            [CONVENE, "digest", "send", "--week", str(WEEK)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while len(sink.messages) < CONTACTS // 2 and time.monotonic() < deadline:
            assert sender.poll() is None, "the sender finished before it could be killed"
            time.sleep(0.005)
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait()
        at_kill = len(sink.messages)
        assert CONTACTS // 2 <= at_kill < CONTACTS
        again = convene("digest", "send", "--week", str(WEEK), env=env)
        assert again.returncode == 0, again.stderr
    received = Counter(str(m["To"]) for m in sink.messages)
    assert set(received) == set(emails)  # nobody lost a digest
    duplicates = sum(received.values()) - len(emails)
    assert duplicates <= 1, received.most_common(3)
    assert {state for state, _ in states(engine).values()} == {"sent"}
