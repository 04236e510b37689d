"""Sending a week's digests through the outbox, safe to re-run and to kill midway.

1. The week's rows are created first (one per due contact, ``pending``; existing rows are
   left alone), so a second run finds only what is still to do.
2. Pending rows are read in batches; each digest is built, sent, and then its row is
   marked ``sent`` in its own small transaction. A ``kill -9`` between a message leaving
   and its row being marked sends that one message again on the next run: nothing else.
3. A temporary refusal (4xx) keeps the row pending for the next run until
   ``MAX_ATTEMPTS``; a permanent one (5xx) suppresses the address. If the mail server
   cannot be reached the run stops with an error, marking nothing for what was not sent.

This is a runner, like a request: it owns its transactions (one per message), which is
why it lives apart from the services.
"""

from __future__ import annotations

import fcntl
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from convene.db import READONLY, unit_of_work
from convene.digests import repository as repo
from convene.digests.content import Digest, build_digests, render_mail
from convene.digests.weeks import IsoWeek
from convene.errors import Conflict, ConveneError, Invalid
from convene.mail import (
    BulkMailer,
    Mail,
    MailError,
    build_bytes,
    build_message,
    is_ascii,
    mail_session,
)
from convene.models import DigestState
from convene.settings import get_settings

log = logging.getLogger("convene")

BATCH = 250
QUEUE_SIZE = 64  # messages built ahead of the one being sent
MAX_ATTEMPTS = 3
HEADER_LINE_MAX = 998
LOCK_KEY = 0x636F6E76  # "conv": PostgreSQL advisory lock for one sender at a time

Progress = Callable[[int, int], None]


class MailServerUnavailable(ConveneError):
    status_code = 503
    code = "mail_server_unavailable"


@dataclass
class SendReport:
    week: str
    due: int = 0
    sent: int = 0
    empty: int = 0
    unsubscribed: int = 0
    retry: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    suppressed: list[tuple[str, str]] = field(default_factory=list)
    already_done: int = 0
    dry_run: bool = False

    @property
    def handled(self) -> int:
        return (
            self.sent + self.empty + self.unsubscribed + self.retry
            + len(self.failed) + len(self.suppressed)
        )  # fmt: skip

    def summary(self) -> str:
        verb = "would send" if self.dry_run else "sent"
        parts = [
            f"{verb} {self.sent}",
            f"skipped {self.empty} as empty",
            f"suppressed {len(self.suppressed)}",
            f"failed {len(self.failed)}",
        ]
        if self.retry:
            parts.append(f"{self.retry} to retry on the next run")
        if self.unsubscribed:
            parts.append(f"{self.unsubscribed} unsubscribed meanwhile")
        return f"digests for {self.week}: " + ", ".join(parts)


@contextmanager
def run_lock(engine: Engine) -> Iterator[None]:
    """One sender at a time per database (two would send the same pending rows). The lock
    dies with the process, so a killed run never blocks the next one."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar()
            conn.commit()
            if not got:
                raise Conflict("another `convene digest send` is running on this database")
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
                conn.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with Path(f"{database}.digest-lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Conflict("another `convene digest send` is running on this database") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read(engine: Engine) -> Session:
    return Session(engine.execution_options(**{READONLY: True}), expire_on_commit=False)


def _build_batch(
    engine: Engine, week: IsoWeek, contact_ids: list[int]
) -> tuple[list[Digest], dict[int, bool]]:
    """Digests of a batch, built in one read transaction that ends before anything is sent;
    and whether each contact's address is suppressed."""
    with _read(engine) as session:
        contacts = repo.contacts_by_id(session, contact_ids)
        ordered = [contacts[i] for i in contact_ids if i in contacts]
        digests = build_digests(session, ordered, week)
        refused = repo.suppressed_emails(session, [c.email for c in ordered])
    suppressed = {d.contact_id: d.email.lower() in refused for d in digests}
    return digests, suppressed


def dry_run(engine: Engine, week: IsoWeek, *, progress: Progress | None = None) -> SendReport:
    """What a run would send now, changing nothing."""
    report = SendReport(week=str(week), dry_run=True)
    with unit_of_work(engine, readonly=True) as session:
        due = repo.due_contact_ids(session)
        done = repo.settled_contact_ids(session, str(week))
    todo = [i for i in due if i not in done]
    report.due, report.already_done = len(todo), len(due) - len(todo)
    for start in range(0, len(todo), BATCH):
        digests, _ = _build_batch(engine, week, todo[start : start + BATCH])
        for digest in digests:
            if digest.is_empty:
                report.empty += 1
            else:
                render_mail(digest)  # what would be sent must render
                report.sent += 1
        if progress:
            progress(min(start + BATCH, len(todo)), len(todo))
    return report


def send_week(
    engine: Engine,
    week: IsoWeek,
    *,
    limit: int | None = None,
    progress: Progress | None = None,
    mail_url: str | None = None,
) -> SendReport:
    """Send ``week``'s digests to every due contact who has not had it yet."""
    report = SendReport(week=str(week))
    with run_lock(engine), ExitStack() as stack:
        try:
            mailer = stack.enter_context(mail_session(mail_url))
        except MailError as exc:
            raise MailServerUnavailable(f"{exc}; nothing was sent") from exc
        except ValueError as exc:  # a CONVENE_MAIL_URL we cannot use
            raise Invalid(str(exc), field="mail_url") from exc
        with unit_of_work(engine) as session:
            repo.enqueue(session, str(week), repo.due_contact_ids(session))
            counts = repo.count_by_state(session, str(week))
        report.due = counts.get(DigestState.pending.value, 0)
        report.already_done = sum(counts.values()) - report.due
        _send_pending(engine, week, mailer, report, limit, progress)
    return report


def _send_pending(
    engine: Engine,
    week: IsoWeek,
    mailer: BulkMailer,
    report: SendReport,
    limit: int | None,
    progress: Progress | None,
) -> None:
    """Build digests here and hand them to the courier thread, which sends and marks them
    one at a time: building the next messages overlaps with waiting for the mail server
    and the database, and still only the message between "sent" and "marked" is at risk."""
    sender = get_settings().mail_from
    week_text = str(week)
    submitted = 0
    after = 0
    courier = _Courier(engine, mailer, report, progress)
    courier.start()
    try:
        while limit is None or submitted < limit:
            with _read(engine) as session:
                rows = repo.pending_after(session, week_text, after, BATCH)
            if not rows:
                break
            after = rows[-1][0]
            attempts = {contact_id: (delivery_id, n) for delivery_id, contact_id, n in rows}
            digests, suppressed = _build_batch(engine, week, list(attempts))
            built = {d.contact_id for d in digests}
            empty = [attempts[d.contact_id][0] for d in digests if d.is_empty]
            gone = [attempts[i][0] for i in attempts if i not in built] + [
                attempts[d.contact_id][0]
                for d in digests
                if not d.is_empty and (not d.wants_digest or suppressed[d.contact_id])
            ]
            courier.submit(_Skip(empty, None, unsubscribed=False))
            courier.submit(_Skip(gone, "unsubscribed, suppressed or removed before sending"))
            for digest in digests:
                if digest.is_empty or not digest.wants_digest or suppressed[digest.contact_id]:
                    continue
                if limit is not None and submitted >= limit:
                    break
                delivery_id, tried = attempts[digest.contact_id]
                try:
                    deliver: Deliver | str = _prepare(render_mail(digest), sender)
                except Exception as exc:  # one unbuildable message must not stop the others
                    log.exception("digest %s for contact %s: cannot build", week, digest.contact_id)
                    deliver = f"could not build the message: {exc}"
                courier.submit(_Outgoing(digest, delivery_id, tried, deliver))
                submitted += 1
    except BaseException:
        courier.stop()
        raise
    courier.finish()


Deliver = Callable[[BulkMailer], None]


@dataclass
class _Outgoing:
    digest: Digest
    delivery_id: int
    tried: int
    deliver: Deliver | str  # the sending, or why the message could not be built


@dataclass
class _Skip:
    delivery_ids: list[int]
    reason: str | None
    unsubscribed: bool = True


class _Courier(threading.Thread):
    """Sends each message and then marks its row, in order, in one thread with its own
    database connection (the only one that writes during the run)."""

    def __init__(
        self, engine: Engine, mailer: BulkMailer, report: SendReport, progress: Progress | None
    ) -> None:
        super().__init__(name="digest-courier", daemon=True)
        self.engine, self.mailer, self.report, self.progress = engine, mailer, report, progress
        self.items: queue.Queue[_Outgoing | _Skip | None] = queue.Queue(maxsize=QUEUE_SIZE)
        self.error: BaseException | None = None
        self.stopping = threading.Event()

    def submit(self, item: _Outgoing | _Skip) -> None:
        while True:
            if self.error is not None:
                raise self.error
            try:
                self.items.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def finish(self) -> None:
        """Wait until everything submitted is sent and marked; re-raise what stopped it."""
        while self.is_alive():
            try:
                self.items.put(None, timeout=0.1)
                break
            except queue.Full:
                continue
        self.join()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        """Finish the message in hand, drop the rest (they stay pending)."""
        self.stopping.set()
        self.join()

    def run(self) -> None:
        try:
            with self.engine.connect() as connection, Session(bind=connection) as write:
                if self.engine.dialect.name == "postgresql":
                    # Each row is committed right after its message; waiting for the WAL
                    # flush every time would cost a third of the rate. Like SQLite's
                    # synchronous=NORMAL: a killed sender loses nothing; a crash of the
                    # database server can lose the last instant of marks (sent again).
                    connection.exec_driver_sql("SET synchronous_commit TO OFF")
                    connection.commit()
                while not self.stopping.is_set():
                    try:
                        item = self.items.get(timeout=0.1)
                    except queue.Empty:
                        continue
                    if item is None:
                        return
                    if isinstance(item, _Skip):
                        self._skip(write, item)
                    else:
                        _send_one(write, self.mailer, item, self.report)
                    if self.progress:
                        self.progress(self.report.handled, self.report.due)
        except BaseException as exc:  # handed to the main thread, which re-raises it
            self.error = exc

    def _skip(self, write: Session, item: _Skip) -> None:
        if not item.delivery_ids:
            return
        repo.mark(write, item.delivery_ids, state=DigestState.skipped.value, last_error=item.reason)
        write.commit()
        if item.unsubscribed:
            self.report.unsubscribed += len(item.delivery_ids)
        else:
            self.report.empty += len(item.delivery_ids)


def _prepare(mail: Mail, sender: str) -> Deliver:
    """Build the message now (a failure here is this digest's alone); send it when called."""
    if is_ascii(sender) and is_ascii(mail.to):
        data = build_bytes(mail, sender=sender)  # the fast path
        envelope = parseaddr(sender)[1]
        return lambda mailer: mailer.send_raw(envelope, mail.to, data)
    # international addresses need the full email package (smtplib then uses SMTPUTF8).
    # It folds a long header right after its colon, which parsers read back with a
    # leading space; one unfolded line (RFC 5322 allows 998) keeps List-Unsubscribe exact.
    message = build_message(mail, sender=sender)
    message.policy = message.policy.clone(max_line_length=HEADER_LINE_MAX)
    return lambda mailer: mailer.send(message)


def _send_one(write: Session, mailer: BulkMailer, item: _Outgoing, report: SendReport) -> None:
    digest, delivery_id, attempts = item.digest, item.delivery_id, item.tried + 1
    if isinstance(item.deliver, str):
        repo.mark(write, [delivery_id], state=DigestState.failed.value, last_error=item.deliver)
        write.commit()
        report.failed.append((digest.email, item.deliver))
        return
    try:
        item.deliver(mailer)
    except MailError as exc:
        if exc.code is None:
            # the server went away: stop; this row stays pending for the next run
            raise MailServerUnavailable(
                f"{exc}; {report.sent} digest(s) sent before that, run again for the rest"
            ) from exc
        if exc.permanent:
            state, outcome = DigestState.suppressed, report.suppressed
            repo.suppress(write, digest.email, str(exc), exc.code)
        elif attempts >= MAX_ATTEMPTS:
            state, outcome = DigestState.failed, report.failed
        else:
            state, outcome = DigestState.pending, None
            report.retry += 1
        repo.mark(write, [delivery_id], state=state.value, attempts=attempts, last_error=str(exc))
        write.commit()
        if outcome is not None:
            detail = f" (after {attempts} attempts)" if state is DigestState.failed else ""
            outcome.append((digest.email, f"{exc}{detail}"))
        return
    repo.mark_sent(write, delivery_id, attempts)
    repo.record_shown(write, digest.contact_id, str(digest.week), digest.shown)
    write.commit()
    report.sent += 1


__all__ = ["MAX_ATTEMPTS", "MailServerUnavailable", "SendReport", "dry_run", "send_week"]
