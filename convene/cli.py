"""The ``convene`` command. Heavy libraries are imported inside the commands that need them,
so ``convene --help`` stays fast."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from convene.digests.cli import digest_app

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="convene",
    help="Convene: stakeholder matching for responsible-business networks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(digest_app, name="digest")


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def handle_errors(func: F) -> F:
    """Turn every failure into one line on stderr and a non-zero exit, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from pydantic import ValidationError
        from sqlalchemy.exc import OperationalError, ProgrammingError

        from convene.errors import ConveneError
        from convene.transfer.service import ImportFailed

        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except ImportFailed as exc:
            for error in exc.errors:
                typer.echo(str(error), err=True)
            fail(f"{exc.message}; nothing was changed")
        except ConveneError as exc:
            fail(exc.message)
        except ValidationError as exc:
            first = exc.errors()[0]
            fail(f"invalid setting: {first['msg'].removeprefix('Value error, ')}")
        except (OperationalError, ProgrammingError) as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            if "no such table" in reason or "does not exist" in reason:
                fail(f"the database is not migrated ({reason}); run `convene db upgrade`")
            fail(f"database error: {reason}")
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except Exception as exc:
            if os.environ.get("CONVENE_DEBUG"):
                raise
            fail(f"{type(exc).__name__}: {exc} (set CONVENE_DEBUG=1 for a traceback)")

    return wrapper  # type: ignore[return-value]


# --------------------------------------------------------------------------- db


@db_app.command("upgrade")
@handle_errors
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision")] = "head",
) -> None:
    """Create or migrate the schema to the latest revision (Alembic)."""
    from convene import migrate
    from convene.db import get_engine

    engine = get_engine()
    before = migrate.current_revision(engine)
    migrate.upgrade(engine, revision)
    after = migrate.current_revision(engine)
    if before == after:
        typer.echo(f"database already at {after}")
    else:
        typer.echo(f"database upgraded from {before or 'empty'} to {after}")


@db_app.command("current")
@handle_errors
def db_current() -> None:
    """Show the schema revision of the database."""
    from convene import migrate
    from convene.db import get_engine

    engine = get_engine()
    typer.echo(
        f"{migrate.current_revision(engine) or 'empty'} (head: {migrate.head_revision(engine)})"
    )


# --------------------------------------------------------------------------- data


def _progress() -> tuple[Any, Callable[[str, int, int], None]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = _console()
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        console=console,
        disable=not console.is_terminal,
    )
    tasks: dict[str, Any] = {}

    def update(label: str, done: int, total: int) -> None:
        if label not in tasks:
            tasks[label] = progress.add_task(f"writing {label}", total=total)
        progress.update(tasks[label], completed=done, total=total)

    return progress, update


def _console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@app.command()
@handle_errors
def seed(
    demo: Annotated[bool, typer.Option("--demo", help="Load the demo network")] = False,
) -> None:
    """Load the vocabularies and, with --demo, the demo network (idempotent)."""
    from convene.db import unit_of_work
    from convene.seed import seed_demo, seed_vocabulary

    progress, update = _progress()
    with progress, unit_of_work() as session:
        if not demo:
            changed = seed_vocabulary(session)
            typer.echo(f"vocabulary: {changed} term(s) created or updated")
            return
        report = seed_demo(session, progress=update)
    typer.echo(f"vocabulary: {report.vocabulary_changed} term(s) created or updated")
    for item in report.imports:
        typer.echo(item.summary())
    typer.echo("demo network loaded" if report.changed else "demo network already up to date")
    if report.accounts:
        typer.echo("demo accounts (passwords are shown only now):")
        for email, role, org, password in report.accounts:
            where = f" for {org}" if org else ""
            typer.echo(f"  {role:<11} {email}{where}  password: {password}")
    else:
        typer.echo(
            "demo accounts exist; `convene users reset-password EMAIL` gives one a new "
            "password (e.g. coordinator@example.org)"
        )


@app.command("import")
@handle_errors
def import_(
    kind: Annotated[str, typer.Argument(help="organisations, relationships or contacts")],
    file: Annotated[Path, typer.Argument(help="A .csv or .json file", dir_okay=False)],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; change nothing")
    ] = False,
) -> None:
    """Create or update organisations, relationships or contacts from a CSV or JSON file.

    All or nothing: a file with any bad row changes nothing and every bad row is reported
    as file:line: column: reason.
    """
    from convene.db import unit_of_work
    from convene.transfer.service import ImportKind, import_file

    try:
        import_kind = ImportKind(kind)
    except ValueError:
        fail(f"unknown kind {kind!r}: use organisations, relationships or contacts", 2)
    if not file.exists():
        fail(f"no such file: {file}", 2)
    progress, update = _progress()
    with progress, unit_of_work() as session:
        report = import_file(session, import_kind, file, dry_run=dry_run, progress=update)
    typer.echo(report.summary())
    if dry_run:
        shown = report.changes[:50]
        for change in shown:
            typer.echo(f"  {change}")
        if len(report.changes) > len(shown):
            typer.echo(f"  … and {len(report.changes) - len(shown)} more")


@app.command()
@handle_errors
def export(
    directory: Annotated[Path, typer.Argument(help="Directory to write into", file_okay=False)],
    fmt: Annotated[str, typer.Option("--format", help="csv or json")] = "csv",
) -> None:
    """Write organisations, relationships and contacts in the import format."""
    from convene.db import unit_of_work
    from convene.transfer.service import export_all

    if fmt not in ("csv", "json"):
        fail("--format must be csv or json", 2)
    with unit_of_work(readonly=True) as session:
        counts = export_all(session, directory, fmt=fmt)
    for kind, count in counts.items():
        typer.echo(f"{directory / (kind + '.' + fmt)}: {count} {kind}")


# --------------------------------------------------------------------------- users


@users_app.command("create")
@handle_errors
def users_create(
    email: Annotated[str, typer.Option("--email", help="Sign-in email")],
    role: Annotated[str, typer.Option("--role", help="member, coordinator or admin")],
    org: Annotated[str | None, typer.Option("--org", help="Organisation slug (members)")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Contact name if new")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Create a user (linking or creating its contact). Without --password-stdin a password
    is generated and printed once."""
    import secrets

    from convene.accounts.service import create_user
    from convene.db import unit_of_work
    from convene.models import Role

    try:
        user_role = Role(role)
    except ValueError:
        fail(f"unknown role {role!r}: use member, coordinator or admin", 2)
    generated = not password_stdin
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = secrets.token_urlsafe(12)
    with unit_of_work() as session:
        user = create_user(
            session, email=email, role=user_role, password=password, org_slug=org, name=name
        )
    typer.echo(f"created {user.role.value} {user.email}")
    if generated:
        typer.echo(f"password: {password}")


@users_app.command("token")
@handle_errors
def users_token(
    email: Annotated[str, typer.Argument(help="The user's email")],
    name: Annotated[str, typer.Option("--name", help="What the token is for")],
) -> None:
    """Create a personal API token; prints only the token, once."""
    from convene.accounts import repository
    from convene.accounts.service import create_token
    from convene.db import unit_of_work
    from convene.errors import NotFound

    with unit_of_work() as session:
        user = repository.user_by_email(session, email)
        if user is None or not user.is_active:
            raise NotFound(f"no active user {email}")
        created = create_token(session, user, name)
    typer.echo(created.token)


@users_app.command("reset-password")
@handle_errors
def users_reset_password(
    email: Annotated[str, typer.Argument(help="The user's email")],
) -> None:
    """Give a user a new random password (printed once) and end its sessions."""
    from convene.accounts.service import reset_password
    from convene.db import unit_of_work

    with unit_of_work() as session:
        password = reset_password(session, email)
    typer.echo(f"new password for {email}: {password}")


introductions_app = typer.Typer(help="Introduction requests.", no_args_is_help=True)
app.add_typer(introductions_app, name="introductions")


@introductions_app.command("expire")
@handle_errors
def introductions_expire() -> None:
    """Expire requests with no answer within CONVENE_INTRODUCTION_EXPIRY_DAYS (for cron)."""
    from convene.db import unit_of_work
    from convene.introductions.service import expire

    with unit_of_work() as session:
        count = expire(session)
    typer.echo(f"expired {count} request(s)")


# --------------------------------------------------------------------------- serve


@app.command()
@handle_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes", min=1)] = 1,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development)")] = False,
) -> None:
    """Serve the web pages and the API with uvicorn.

    With --workers N on Linux each worker listens on its own SO_REUSEPORT socket, so the
    kernel shares connections between them (see convene/serving.py).
    """
    import logging

    from convene import migrate
    from convene.db import get_engine
    from convene.serving import ServeOptions
    from convene.serving import serve as run_server
    from convene.settings import get_settings

    settings = get_settings()
    engine = get_engine()
    current, head = migrate.current_revision(engine), migrate.head_revision(engine)
    if current != head:
        fail(f"the database is at {current or 'empty'}, not {head}: run `convene db upgrade`")
    settings.resolved_secret_key()
    typer.echo(f"Convene on http://{host}:{port} ({settings.database_url})", err=True)
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s: %(message)s")
    options = ServeOptions(host=host, port=port, log_level=settings.log_level.lower())
    try:
        status = run_server(options, workers=workers, reload=reload)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    if status:
        raise typer.Exit(status)


def main() -> None:  # pragma: no cover - console entry point
    app()


# --------------------------------------------------------------------------- matching

match_app = typer.Typer(help="Suggestions: compute and store.", no_args_is_help=True)
app.add_typer(match_app, name="match")


@match_app.command("refresh")
@handle_errors
def match_refresh(
    stale: Annotated[
        bool, typer.Option("--stale", help="Only organisations changed since the last run")
    ] = False,
) -> None:
    """Compute the top 10 peer and stakeholder suggestions for every organisation and store
    them (with --stale: only for organisations whose profile or relationships changed)."""
    import time

    from convene.db import unit_of_work
    from convene.suggestions.service import refresh

    started = time.perf_counter()
    progress, update = _progress()
    with progress, unit_of_work() as session:
        report = refresh(session, stale_only=stale, progress=update)
    seconds = time.perf_counter() - started
    counts = ", ".join(f"{n} {kind}" for kind, n in report.suggestions.items()) or "nothing"
    typer.echo(
        f"refreshed {report.organisations} organisations: {counts} suggestions stored "
        f"({report.model_version}, {seconds:.1f} s)"
    )


@app.command()
@handle_errors
def suggest(
    org: Annotated[str, typer.Argument(help="Organisation slug")],
    kind: Annotated[str, typer.Option("--kind", help="peer or stakeholder")] = "peer",
    k: Annotated[int, typer.Option("-k", help="How many", min=1, max=100)] = 10,
    lang: Annotated[str, typer.Option("--lang", help="en or nl")] = "en",
) -> None:
    """Print an organisation's stored suggestions with their reasons."""
    from convene.db import unit_of_work
    from convene.suggestions.service import list_suggestions

    if lang not in ("en", "nl"):
        fail("--lang must be en or nl", 2)
    with unit_of_work(readonly=True) as session:
        items, total = list_suggestions(session, None, org, kind, limit=k, language=lang)
    if not items:
        typer.echo(f"no stored {kind} suggestions for {org}; run `convene match refresh`")
        return
    for item in items:
        typer.echo(
            f"{item.rank:>2}. {item.name} ({item.candidate}, {item.candidate_kind.value}) "
            f"score {item.score:.3f}"
        )
        for reason in item.reasons:
            typer.echo(f"      - {reason.text}")
    typer.echo(f"({len(items)} of {total}, model {items[0].model_version})")


@app.command()
@handle_errors
def evaluate(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", help="Directory with organisations.csv and relationships.csv", file_okay=False
        ),
    ] = None,
    edges: Annotated[
        str, typer.Option("--edges", help="Link types to hide")
    ] = "partner,introduced",
    holdout: Annotated[float, typer.Option("--holdout", min=0.01, max=0.9)] = 0.2,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    k: Annotated[int, typer.Option("-k", min=1, max=100)] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Hide a share of known links and measure how well each method finds them again."""
    import json

    from convene.suggestions.evaluation import evaluate_network, format_table

    edge_types = tuple(t.strip() for t in edges.split(",") if t.strip())
    result = evaluate_network(data, edge_types=edge_types, holdout=holdout, seed=seed, k=k)
    if as_json:
        typer.echo(json.dumps(result))
    else:
        typer.echo(format_table(result))


@app.command()
@handle_errors
def bench(
    orgs: Annotated[
        int, typer.Option("--orgs", min=100, help="Organisations to generate")
    ] = 25_000,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="A previous --json output to compare with")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Default: a temporary SQLite file")
    ] = None,
) -> None:
    """Synthetic network of N organisations: refresh time and peak RSS (storage included),
    on-demand latency, and the Adamic–Adar speed-up over networkx."""
    import json

    from benchmarks.common import load_baseline, print_table
    from convene.bench import run_bench

    result = run_bench(orgs, database_url=database_url, say=lambda m: typer.echo(m, err=True))
    if as_json:
        typer.echo(json.dumps(result))
    else:
        print_table(result, load_baseline(baseline))
