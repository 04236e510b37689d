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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
        self._write(message.as_bytes())

    def send_raw(self, sender: str, recipient: str, data: bytes) -> None:  # noqa: ARG002
        self._write(data)

    def _write(self, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S")
        name = f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
        tmp = self.directory / f".{name}.tmp"
        tmp.write_bytes(data)
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
        except (OSError, smtplib.SMTPException) as exc:
            raise smtp_error(exc, self.host, self.port) from exc


def smtp_error(exc: OSError | smtplib.SMTPException, host: str, port: int) -> MailError:
    """What went wrong, as a :class:`MailError`: ``code`` set when the server answered
    (``permanent`` for 5xx), ``None`` when it could not be reached."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()))
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return MailError(f"recipient refused: {code} {text}", permanent=code >= 500, code=code)
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        detail = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        return MailError(
            f"SMTP error {exc.smtp_code}: {detail}",
            permanent=exc.smtp_code >= 500,
            code=exc.smtp_code,
        )
    return MailError(f"cannot reach the mail server {host}:{port}: {exc}")


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


class SmtpConnection(SmtpMailer):
    """One SMTP connection reused for many messages (bulk sending, e.g. digests).

    A refusal (4xx/5xx) concerns one message and leaves the connection usable (smtplib
    resets the transaction); when the server drops the connection, it is opened again once.
    """

    _client: smtplib.SMTP | None = None

    def open(self) -> None:
        """Connect now, so that an unreachable server is reported before any work."""
        try:
            self._client = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise smtp_error(exc, self.host, self.port) from exc

    def _connect(self) -> smtplib.SMTP:
        if self.mode == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.mode == "starttls":
            client.starttls(context=ssl.create_default_context())
        if self.username:
            client.login(self.username, self.password or "")
        return client

    def send(self, message: EmailMessage) -> None:
        self._deliver(lambda client: client.send_message(message))

    def send_raw(self, sender: str, recipient: str, data: bytes) -> None:
        """Send an already built message (see :func:`build_bytes`) to one recipient."""
        self._deliver(lambda client: client.sendmail(sender, [recipient], data))

    def _deliver(self, action: Callable[[smtplib.SMTP], object]) -> None:
        try:
            if self._client is None:
                self._client = self._connect()
            try:
                action(self._client)
            except smtplib.SMTPServerDisconnected:
                self._client = self._connect()
                action(self._client)
        except (OSError, smtplib.SMTPException) as exc:
            if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
                self._client = None
            raise smtp_error(exc, self.host, self.port) from exc

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()


class BulkMailer(Mailer, Protocol):
    def send_raw(self, sender: str, recipient: str, data: bytes) -> None: ...


@contextmanager
def mail_session(url: str | None = None) -> Iterator[BulkMailer]:
    """A sender for many messages: one SMTP connection (opened at once, so an unreachable
    server fails here), or the file outbox."""
    if url is None:
        from convene.settings import get_settings

        url = get_settings().mail_url
    mailer = mailer_from_url(url)
    if isinstance(mailer, FileMailer):
        yield mailer
        return
    assert isinstance(mailer, SmtpMailer)
    connection = SmtpConnection(
        mailer.host,
        mailer.port,
        mode=mailer.mode,
        username=mailer.username,
        password=mailer.password,
        timeout=mailer.timeout,
    )
    connection.open()
    try:
        yield connection
    finally:
        connection.close()


def build_bytes(mail: Mail, *, sender: str) -> bytes:
    """The message :func:`build_message` makes, written out directly as bytes: several
    times faster than the email package, for bulk sending. Bodies are quoted-printable
    UTF-8; non-ASCII headers are RFC 2047 encoded; header lines are left unfolded (RFC
    5322 allows 998 characters). Addresses must be ASCII (check with :func:`is_ascii`)."""
    domain = sender.rsplit("@", 1)[-1].rstrip(">") or "convene.local"
    headers = [
        ("From", sender),
        ("To", mail.to),
        ("Subject", mail.subject),
        ("Date", format_datetime(utcnow())),
        ("Message-ID", make_msgid(domain=domain)),
        *(mail.headers or {}).items(),
        ("MIME-Version", "1.0"),
    ]
    lines = [f"{name}: {_header_value(value)}" for name, value in headers]
    if mail.html is None:
        lines += [*_part_headers("plain"), "", _qp(mail.text)]
    else:
        boundary = f"=_convene_{uuid.uuid4().hex}"
        lines += [f'Content-Type: multipart/alternative; boundary="{boundary}"', ""]
        for body, subtype in ((mail.text, "plain"), (mail.html, "html")):
            lines += [f"--{boundary}", *_part_headers(subtype), "", _qp(body)]
        lines += [f"--{boundary}--", ""]
    return "\r\n".join(lines).encode("ascii")


def _part_headers(subtype: str) -> list[str]:
    return [
        f'Content-Type: text/{subtype}; charset="utf-8"',
        "Content-Transfer-Encoding: quoted-printable",
    ]


def _header_value(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"a header value may not contain a line break: {value!r}")
    if value.isascii():
        return value
    from email.header import Header

    return Header(value, "utf-8").encode(maxlinelen=998)


def _qp(text: str) -> str:
    import binascii

    crlf = text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
    return binascii.b2a_qp(crlf, istext=True).decode("ascii")


def is_ascii(text: str) -> bool:
    return text.isascii()
