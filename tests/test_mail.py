"""The mail sender against a real SMTP server and the file outbox."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest

from convene.mail import FileMailer, Mail, MailError, SmtpMailer, build_message, mailer_from_url
from tests.smtp import free_port, smtp_server

SENDER = "Convene <convene@example.org>"


def test_smtp_delivers_text_and_html_parts() -> None:
    mail = Mail(
        to="anna@example.org",
        subject="Welkom bij Convene",
        text="Hallo Anna — welkom.",
        html="<p>Hallo Anna — welkom.</p>",
        headers={"List-Unsubscribe": "<https://convene.example/u/abc>"},
    )
    with smtp_server() as (sink, port):
        SmtpMailer("127.0.0.1", port).send(build_message(mail, sender=SENDER))
    assert len(sink.messages) == 1
    received = sink.messages[0]
    assert received["Subject"] == "Welkom bij Convene"
    assert received["To"] == "anna@example.org"
    assert received["List-Unsubscribe"] == "<https://convene.example/u/abc>"
    assert sink.envelopes[0][1] == ["anna@example.org"]
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert text is not None and text.get_content().strip() == "Hallo Anna — welkom."
    assert html is not None and html.get_content().strip() == "<p>Hallo Anna — welkom.</p>"


def test_smtp_permanent_and_temporary_refusals() -> None:
    with smtp_server() as (sink, port):
        mailer = SmtpMailer("127.0.0.1", port)
        with pytest.raises(MailError) as permanent:
            mailer.send(build_message(Mail("bounce@example.org", "s", "t"), sender=SENDER))
        with pytest.raises(MailError) as temporary:
            mailer.send(build_message(Mail("later@example.org", "s", "t"), sender=SENDER))
    assert (permanent.value.permanent, permanent.value.code) == (True, 550)
    assert (temporary.value.permanent, temporary.value.code) == (False, 451)
    assert sink.messages == []


def test_smtp_server_down_is_a_clear_temporary_error() -> None:
    port = free_port()  # nothing listens here
    with pytest.raises(MailError, match=rf"cannot reach the mail server 127.0.0.1:{port}") as info:
        SmtpMailer("127.0.0.1", port, timeout=2).send(
            build_message(Mail("a@example.org", "s", "t"), sender=SENDER)
        )
    assert info.value.permanent is False


def test_file_mailer_writes_one_eml_per_message(tmp_path: Path) -> None:
    mailer = mailer_from_url(f"file://{tmp_path / 'outbox'}")
    assert isinstance(mailer, FileMailer)
    for n in range(3):
        mailer.send(build_message(Mail(f"p{n}@example.org", f"Hello {n}", "Body"), sender=SENDER))
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 3
    subjects = sorted(
        message_from_bytes(f.read_bytes(), policy=policy.default)["Subject"] for f in files
    )
    assert subjects == ["Hello 0", "Hello 1", "Hello 2"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org:2525", ("mail.example.org", 2525, "plain")),
        ("smtps://mail.example.org", ("mail.example.org", 465, "ssl")),
        ("smtp+starttls://u:p%40ss@mail.example.org:587", ("mail.example.org", 587, "starttls")),
    ],
)
def test_mail_url_parsing(url: str, expected: tuple[str, int, str]) -> None:
    mailer = mailer_from_url(url)
    assert isinstance(mailer, SmtpMailer)
    assert (mailer.host, mailer.port, mailer.mode) == expected


def test_bad_mail_url_is_refused() -> None:
    with pytest.raises(ValueError, match="must start with file://"):
        mailer_from_url("http://example.org")
