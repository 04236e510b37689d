"""The SQLite discipline (WAL, foreign keys, busy timeout, BEGIN IMMEDIATE) and the unit
of work."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import col

from convene import migrate
from convene.db import make_engine, unit_of_work
from convene.models import Organisation, OrganisationKind
from tests.factories import make_organisation

WRITERS = 8
ROWS = 50


@pytest.fixture
def sqlite_file(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'writers.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


def test_sqlite_pragmas(sqlite_file: str) -> None:
    engine = make_engine(sqlite_file)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30_000


def _write_rows(url: str, writer: int, errors: list[str]) -> None:
    engine = make_engine(url)
    for row in range(ROWS):
        try:
            with unit_of_work(engine) as session:
                # read, then write: the pattern that fails with "database is locked"
                # under deferred transactions
                session.execute(select(func.count()).select_from(Organisation)).scalar_one()
                session.add(
                    Organisation(
                        slug=f"w{writer}-r{row}",
                        name=f"W{writer} R{row}",
                        kind=OrganisationKind.company,
                    )
                )
        except OperationalError as exc:
            errors.append(str(exc))
    engine.dispose()


def _count(url: str) -> int:
    engine = make_engine(url)
    with unit_of_work(engine, readonly=True) as session:
        n = session.execute(select(func.count()).select_from(Organisation)).scalar_one()
    engine.dispose()
    return int(n)


def test_concurrent_writer_threads_never_see_locked(sqlite_file: str) -> None:
    errors: list[str] = []
    threads = [
        threading.Thread(target=_write_rows, args=(sqlite_file, w, errors)) for w in range(WRITERS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _count(sqlite_file) == WRITERS * ROWS


WRITER_SCRIPT = """
import sys
from tests.test_db import _write_rows
errors = []
_write_rows(sys.argv[1], int(sys.argv[2]), errors)
print(len(errors))
for e in errors:
    print(e)
"""


def test_concurrent_writer_processes_never_see_locked(sqlite_file: str) -> None:
    root = Path(__file__).resolve().parent.parent
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER_SCRIPT, sqlite_file, str(w)],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * WRITERS, [err for _, err in outputs]
    assert [out.splitlines()[0] for out, _ in outputs] == ["0"] * WRITERS
    assert _count(sqlite_file) == WRITERS * ROWS


def test_unit_of_work_rolls_back_on_error(engine: Engine) -> None:
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        make_organisation(session, slug="kept-out")
        raise RuntimeError("boom")
    with unit_of_work(engine, readonly=True) as session:
        assert session.execute(select(Organisation)).first() is None


def test_unit_of_work_commits_on_success(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        make_organisation(session, slug="kept-in")
    with unit_of_work(engine, readonly=True) as session:
        slugs = session.execute(select(col(Organisation.slug))).scalars().all()
    assert slugs == ["kept-in"]


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    from convene.models import Contact

    with pytest.raises(Exception, match=r"(?i)foreign key"), unit_of_work(engine) as session:
        session.add(Contact(organisation_id=999, name="Nobody", email="n@example.org"))
        session.flush()
