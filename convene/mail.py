"""The one mail sender, chosen by ``CONVENE_MAIL_URL``.

``file://DIR`` (the default) writes one ``.eml`` file per message so a demo needs no mail
server; ``smtp://host:port`` (or ``smtps://``, or ``smtp+starttls://``, with optional
``user:password@``) hands messages to an SMTP server. Errors from the server surface as
:class:`MailError` with ``permanent`` set for 5xx replies, so callers can retry 4xx.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from convene.models.common import utcnow


class MailError(Exception):
    def __init__(self, message: str, *, permanent: bool = False, code: int | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.code = code


@dataclass
class Mail:
    """A message to build: plain text always, HTML as an alternative when given."""

    to: str
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] | None = None


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


def build_message(mail: Mail, *, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(utcnow())
    domain = sender.rsplit("@", 1)[-1].rstrip(">") or "convene.local"
    message["Message-ID"] = make_msgid(domain=domain)
    for name, value in (mail.headers or {}).items():
        message[name] = value
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    return message


class FileMailer:
    """Write each message as an ``.eml`` file in a directory."""

    def __init__(self, directory: Path):
        self.directory = directory

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S")
        name = f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
        tmp = self.directory / f".{name}.tmp"
        tmp.write_bytes(message.as_bytes())
        tmp.replace(self.directory / name)  # readers never see half a message


class SmtpMailer:
    """Send through an SMTP server; one connection per message keeps failures isolated."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        mode: str = "plain",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
    ):
        self.host, self.port, self.mode = host, port, mode
        self.username, self.password, self.timeout = username, password, timeout

    def send(self, message: EmailMessage) -> None:
        try:
            if self.mode == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.mode == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
            raise MailError(
                f"recipient refused: {code} {text}",
                permanent=code >= 500,
                code=code,
            ) from exc
        except smtplib.SMTPResponseException as exc:
            error = exc.smtp_error
            detail = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
            raise MailError(
                f"SMTP error {exc.smtp_code}: {detail}",
                permanent=exc.smtp_code >= 500,
                code=exc.smtp_code,
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"cannot reach the mail server {self.host}:{self.port}: {exc}") from exc


def mailer_from_url(url: str) -> Mailer:
    parts = urlsplit(url)
    if parts.scheme == "file":
        return FileMailer(Path(unquote((parts.netloc or "") + parts.path)))
    modes = {"smtp": "plain", "smtps": "ssl", "smtp+starttls": "starttls"}
    if parts.scheme in modes:
        if not parts.hostname:
            raise ValueError(f"CONVENE_MAIL_URL {url!r} names no host")
        default_port = 465 if parts.scheme == "smtps" else 25
        return SmtpMailer(
            parts.hostname,
            parts.port or default_port,
            mode=modes[parts.scheme],
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )
    raise ValueError(
        f"CONVENE_MAIL_URL must start with file://, smtp://, smtps:// or smtp+starttls://, "
        f"not {url!r}"
    )


def get_mailer() -> Mailer:
    from convene.settings import get_settings

    return mailer_from_url(get_settings().mail_url)


def send_mail(mail: Mail, *, mailer: Mailer | None = None) -> EmailMessage:
    from convene.settings import get_settings

    message = build_message(mail, sender=get_settings().mail_from)
    (mailer or get_mailer()).send(message)
    return message
