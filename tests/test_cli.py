"""The `convene` command as a user runs it: real processes, real files, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from convene import migrate
from convene.cli import app
from convene.db import make_engine, unit_of_work
from convene.models import Contact, User
from tests.factories import make_organisation, make_vocabulary

runner = CliRunner()
CONVENE = str(Path(sys.executable).parent / "convene")


def convene(
    *args: str, cwd: Path, env: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CONVENE, *args], cwd=cwd, env={**os.environ, **env}, input=stdin,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_works_from_any_directory_and_errors_are_one_line(tmp_path: Path) -> None:
    env = {"CONVENE_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    up = convene("db", "upgrade", cwd=elsewhere, env=env)
    assert up.returncode == 0, up.stderr
    head = migrate.head_revision(make_engine(env["CONVENE_DATABASE_URL"]))
    assert up.stdout.strip() == f"database upgraded from empty to {head}"
    seeded = convene("seed", cwd=elsewhere, env=env)
    assert seeded.returncode == 0, seeded.stderr

    bad = tmp_path / "bad.csv"
    bad.write_text("slug,name,kind\nok,OK,charity\n", encoding="utf-8")
    result = convene("import", "organisations", str(bad), cwd=elsewhere, env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{bad}:2: kind: unknown kind 'charity' (expected 'company', 'union', 'ngo', "
        "'initiative', 'government', 'knowledge_institute', 'industry_association', "
        "'covenant', 'network' or 'programme')",
        "error: 1 problem(s) in the import file; nothing was changed",
    ]


def test_unmigrated_database_is_a_one_line_error(tmp_path: Path) -> None:
    env = {"CONVENE_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    result = convene("export", str(tmp_path / "out"), cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "run `convene db upgrade`" in result.stderr


def test_unsafe_production_settings_are_refused(tmp_path: Path) -> None:
    env = {"CONVENE_ENV": "production", "CONVENE_DATABASE_URL": f"sqlite:///{tmp_path}/p.db"}
    result = convene("db", "upgrade", cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("error: invalid setting: ")
    assert "CONVENE_SECRET_KEY must be set" in result.stderr


class TestInProcess:
    @pytest.fixture
    def ready(self, engine: Engine) -> Engine:
        with unit_of_work(engine) as session:
            make_vocabulary(session)
            make_organisation(session, slug="acme", name="Acme")
        return engine

    def test_import_dry_run_then_real(self, ready: Engine, tmp_path: Path) -> None:
        path = tmp_path / "o.csv"
        path.write_text("slug,name,kind\nacme,Acme Renamed,company\nnew-co,New Co,company\n")
        dry = runner.invoke(app, ["import", "organisations", str(path), "--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert dry.stdout.splitlines() == [
            f"{path}: 2 organisations read; would change: 1 created, 1 updated; 0 unchanged",
            "  update acme: name",
            "  create new-co",
        ]
        real = runner.invoke(app, ["import", "organisations", str(path)])
        assert real.exit_code == 0
        again = runner.invoke(app, ["import", "organisations", str(path)])
        assert f"{path}: 2 organisations read; changed: 0 created, 0 updated; 2 unchanged" in (
            again.stdout
        )

    def test_unknown_import_kind(self, ready: Engine, tmp_path: Path) -> None:
        result = runner.invoke(app, ["import", "people", str(tmp_path / "x.csv")])
        assert result.exit_code == 2
        assert "unknown kind 'people'" in result.stderr

    def test_export_writes_three_files(self, ready: Engine, tmp_path: Path) -> None:
        result = runner.invoke(app, ["export", str(tmp_path / "out")])
        assert result.exit_code == 0
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
            "contacts.csv",
            "organisations.csv",
            "relationships.csv",
        ]
        assert (
            (tmp_path / "out" / "organisations.csv")
            .read_text()
            .splitlines()[1]
            .startswith("acme,Acme,company")
        )

    def test_users_create_links_a_new_contact(self, ready: Engine) -> None:
        result = runner.invoke(
            app,
            ["users", "create", "--email", "Eva@Example.org", "--role", "member", "--org", "acme",
             "--password-stdin"],
            input="correct horse battery staple\n",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == "created member Eva@Example.org"
        with unit_of_work(ready, readonly=True) as session:
            user = session.execute(select(User)).scalar_one()
            contact = session.execute(select(Contact)).scalar_one()
        assert user.contact_id == contact.id
        assert user.password_hash.startswith("$argon2id$")
        assert "correct horse" not in user.password_hash

    @pytest.mark.parametrize(
        ("args", "stdin", "message"),
        [
            (["--role", "member"], "long enough password 1", "a member acts for one organisation"),
            (["--role", "member", "--org", "nope"], "long enough password 1", "no organisation"),
            (["--role", "admin"], "short", "at least 12 characters"),
            (["--role", "king"], "long enough password 1", "unknown role 'king'"),
        ],
    )
    def test_users_create_refusals(
        self, ready: Engine, args: list[str], stdin: str, message: str
    ) -> None:
        result = runner.invoke(
            app,
            ["users", "create", "--email", "x@example.org", *args, "--password-stdin"],
            input=stdin + "\n",
        )
        assert result.exit_code != 0
        assert message in result.stderr
        with unit_of_work(ready, readonly=True) as session:
            assert session.execute(select(User)).first() is None

    def test_duplicate_user_is_refused(self, ready: Engine) -> None:
        args = ["users", "create", "--email", "a@example.org", "--role", "coordinator"]
        first = runner.invoke(app, args)
        assert first.exit_code == 0
        assert first.stdout.splitlines()[1].startswith("password: ")
        second = runner.invoke(app, [*args[:3], "A@EXAMPLE.ORG", *args[4:]])
        assert second.exit_code == 1
        assert "already exists" in second.stderr
