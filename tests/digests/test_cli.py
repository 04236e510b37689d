"""`convene digest send|preview` as cron and an operator run them: real processes, one-line
errors, the summary."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from convene.db import unit_of_work
from convene.models import Contact
from tests.digests.support import WEEK, Network, convene, states, to_addresses
from tests.smtp import free_port, smtp_server

pytestmark = pytest.mark.usefixtures("network")


def _smtp(port: int) -> dict[str, str]:
    return {"CONVENE_MAIL_URL": f"smtp://127.0.0.1:{port}"}


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2027-W53", "error: --week '2027-W53' does not exist: 2027 has weeks 1 to 52"),
        ("2026-48", "error: --week must look like 2026-W48 (ISO year and week), not '2026-48'"),
    ],
)
def test_a_bad_week_is_one_line_and_exit_2(week: str, message: str) -> None:
    result = convene("digest", "send", "--week", week)
    assert (result.returncode, result.stderr.splitlines(), result.stdout) == (2, [message], "")


def test_smtp_server_down_is_one_clear_line_and_nothing_is_marked(
    engine: Engine,
) -> None:
    port = free_port()
    result = convene("digest", "send", "--week", str(WEEK), env=_smtp(port))
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: cannot reach the mail server 127.0.0.1:{port}: ")
    assert line.endswith("; nothing was sent")
    assert states(engine) == {}


def test_send_reports_the_summary_and_the_suppressed(engine: Engine, network: Network) -> None:
    with unit_of_work(engine) as session:
        contact = session.get_one(Contact, network.bram)
        contact.email = "bounce-bram@example.org"
        session.add(contact)
    with smtp_server() as (sink, port):
        result = convene("digest", "send", "--week", str(WEEK), env=_smtp(port))
        again = convene("digest", "send", "--week", str(WEEK), env=_smtp(port))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "digests for 2026-W48: sent 1, skipped 1 as empty, suppressed 1, failed 0",
        "suppressed bounce-bram@example.org: recipient refused: 550 5.1.1 no such mailbox",
    ]
    assert again.stdout.splitlines() == [
        "digests for 2026-W48: sent 0, skipped 0 as empty, suppressed 0, failed 0",
        "(3 contact(s) already handled for 2026-W48 earlier)",
    ]
    assert to_addresses(sink.messages) == ["anna@example.org"]
    assert states(engine)[network.bram] == ("suppressed", 1)


def test_dry_run_sends_and_changes_nothing(engine: Engine) -> None:
    with smtp_server() as (sink, port):
        result = convene("digest", "send", "--week", str(WEEK), "--dry-run", env=_smtp(port))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "digests for 2026-W48: would send 2, skipped 1 as empty, suppressed 0, failed 0"
    ]
    assert sink.messages == [] and states(engine) == {}


def test_preview_prints_the_digest_as_it_will_be_sent() -> None:
    text = convene("digest", "preview", "--contact", "bram@example.org", "--week", str(WEEK))
    html = convene("digest", "preview", "--contact", "bram@example.org", "--html")
    assert text.returncode == 0 and html.returncode == 0, text.stderr + html.stderr
    lines = text.stdout.splitlines()
    assert lines[:2] == ["To: bram@example.org", "Subject: Je Convene-week 2026-W48: 1 suggestie"]
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in lines
    assert "Hallo Bram," in lines and "* SOMO" in lines
    assert '<html lang="nl">' in html.stdout and "<style" not in html.stdout


def test_preview_of_a_contact_with_nothing_new_says_so() -> None:
    result = convene("digest", "preview", "--contact", "q@example.org", "--week", str(WEEK))
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr.splitlines() == [
        "note: nothing is new for this contact this week, so no digest is sent (2026-W48)"
    ]


@pytest.mark.parametrize(
    ("contact", "message"),
    [
        ("", "error: give the contact's email address"),
        ("nobody@example.org", "error: no contact with the email 'nobody@example.org'"),
    ],
)
def test_preview_of_no_contact_is_one_line(contact: str, message: str) -> None:
    result = convene("digest", "preview", "--contact", contact)
    assert (result.returncode, result.stderr.splitlines()) == (1, [message])
