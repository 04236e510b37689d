"""`convene digest ...` (kept in its area; imports stay inside the commands)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from convene.digests.weeks import IsoWeek

F = TypeVar("F", bound=Callable[..., Any])

digest_app = typer.Typer(help="Weekly email digests.", no_args_is_help=True)


def handle_errors(func: F) -> F:
    """`convene.cli.handle_errors` (one line on stderr, non-zero exit), looked up when the
    command runs: `convene.cli` imports this module, so it cannot be imported here."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from convene.cli import handle_errors as one_line_errors

        return one_line_errors(func)(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _week(text: str | None) -> IsoWeek:
    """The --week option, or this week in Europe/Amsterdam; a bad one exits with 2."""
    from convene.digests.weeks import current_week, parse_week
    from convene.errors import Invalid

    if text is None:
        return current_week()
    try:
        return parse_week(text)
    except Invalid as exc:
        typer.echo(f"error: --{exc.message}", err=True)
        raise typer.Exit(2) from None


WeekOption = Annotated[
    str | None,
    typer.Option("--week", help="ISO week, e.g. 2026-W48 (default: this week in Europe/Amsterdam)"),
]


@digest_app.command("send")
@handle_errors
def send(
    week: WeekOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be sent; send and change nothing")
    ] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Send at most N digests in this run")
    ] = None,
) -> None:
    """Send this week's digests (for cron). Safe to re-run and to kill: nobody gets the
    same week twice; temporary refusals are retried on the next run."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from convene.db import get_engine
    from convene.digests.sender import dry_run as plan
    from convene.digests.sender import send_week

    iso_week = _week(week)
    engine = get_engine()
    console = _console()
    bar = Progress(
        TextColumn(f"digests {iso_week}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        console=console,
        disable=not console.is_terminal,
    )
    task = bar.add_task("send", total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        if dry_run:
            report = plan(engine, iso_week, progress=update)
        else:
            report = send_week(engine, iso_week, limit=limit, progress=update)
    typer.echo(report.summary())
    if report.already_done:
        typer.echo(f"({report.already_done} contact(s) already handled for {iso_week} earlier)")
    for email, reason in report.suppressed:
        typer.echo(f"suppressed {email}: {reason}")
    for email, reason in report.failed:
        typer.echo(f"failed {email}: {reason}")


def _console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@digest_app.command("preview")
@handle_errors
def preview(
    contact: Annotated[str, typer.Option("--contact", help="The contact's email")],
    html: Annotated[bool, typer.Option("--html", help="Print the HTML part")] = False,
    week: WeekOption = None,
) -> None:
    """Print a contact's digest for this week (or --week) as it will be sent."""
    from convene.db import unit_of_work
    from convene.digests.service import NOT_DUE
    from convene.digests.service import preview as build_preview

    iso_week = _week(week)
    with unit_of_work(readonly=True) as session:
        shown = build_preview(session, contact, iso_week)
    if shown.not_due is not None:
        typer.echo(f"note: {NOT_DUE[shown.not_due]} ({iso_week})", err=True)
    if shown.mail is None:
        return
    mail = shown.mail
    typer.echo(f"To: {mail.to}")
    typer.echo(f"Subject: {mail.subject}")
    for name, value in (mail.headers or {}).items():
        typer.echo(f"{name}: {value}")
    typer.echo("")
    typer.echo(mail.html if html and mail.html is not None else mail.text, nl=False)
