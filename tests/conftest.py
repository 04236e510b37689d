"""Test databases: every test that needs one gets a schema built by Alembic, on SQLite and,
when CONVENE_TEST_DATABASE_URL is set, on PostgreSQL too (the fixture is parametrised)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from convene import migrate
from convene.db import dispose_engines, get_engine, make_engine, unit_of_work
from convene.settings import get_settings

PG_URL = os.environ.get("CONVENE_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    """Drop everything in the PostgreSQL test database, then migrate it to head once."""
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    engine.dispose()
    return PG_URL


def _truncate_all(engine: Engine) -> None:
    with engine.begin() as conn:
        tables = [
            row[0]
            for row in conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
        ]
        if tables:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """A migrated, empty database, configured as the app's database for this test."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "convene.db"
        shutil.copy(template, path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_migrated")
        engine = make_engine(url)
        _truncate_all(engine)
        engine.dispose()
    monkeypatch.setenv("CONVENE_DATABASE_URL", url)
    monkeypatch.setenv("CONVENE_MAIL_URL", f"file://{tmp_path / 'outbox'}")
    monkeypatch.setenv("CONVENE_SECRET_KEY_FILE", str(tmp_path / "secret"))
    get_settings.cache_clear()
    yield url
    dispose_engines()
    get_settings.cache_clear()


@pytest.fixture
def engine(database_url: str) -> Engine:
    return get_engine(database_url)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A unit of work committed at the end of the test (like a request)."""
    with unit_of_work(engine) as s:
        yield s
