"""Import is all-or-nothing and names every bad row as file:line: column: reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from convene.db import unit_of_work
from convene.transfer.service import (
    ImportFailed,
    ImportKind,
    ImportReport,
    export_rows,
    import_file,
)
from tests.factories import make_organisation, make_vocabulary

ORG_HEADER = "slug,name,kind,description,offers,seeks,sectors,countries,themes,size_band,website,open_to_introductions\n"  # noqa: E501
REL_HEADER = "source,target,type,since,until\n"
CONTACT_HEADER = "organisation,name,role,email,phone,language,digest\n"


@pytest.fixture
def base(engine: Engine) -> Engine:
    """Vocabulary plus a company and a covenant already in the database."""
    with unit_of_work(engine) as session:
        make_vocabulary(session)
        make_organisation(session, slug="acme-textiles", name="Acme Textiles")
        make_organisation(session, slug="garment-covenant", kind="covenant")
    return engine


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def snapshot(engine: Engine) -> dict[str, list[dict[str, object]]]:
    with unit_of_work(engine, readonly=True) as session:
        return {kind.value: export_rows(session, kind) for kind in ImportKind}


def run(engine: Engine, kind: ImportKind, path: Path, *, dry_run: bool = False) -> ImportReport:
    with unit_of_work(engine) as session:
        return import_file(session, kind, path, dry_run=dry_run, display_name=path.name)


def errors_of(engine: Engine, kind: ImportKind, path: Path) -> list[str]:
    before = snapshot(engine)
    with pytest.raises(ImportFailed) as info:
        run(engine, kind, path)
    assert snapshot(engine) == before, "a failed import must change nothing"
    return [str(e) for e in info.value.errors]


class TestOrganisations:
    def test_creates_then_updates_by_slug(self, base: Engine, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            "orgs.csv",
            ORG_HEADER
            + "acme-textiles,Acme Textiles BV,company,Jeans,,,garment-textile,BD;IN,living-wage-income,large,https://acme.example,true\n"  # noqa: E501
            + "new-ngo,New NGO,ngo,,,,,,child-labour,,,\n",
        )
        report = run(base, ImportKind.organisations, path)
        assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
        orgs = {o["slug"]: o for o in snapshot(base)["organisations"]}
        assert orgs["acme-textiles"]["name"] == "Acme Textiles BV"
        assert orgs["acme-textiles"]["countries"] == ["BD", "IN"]
        assert orgs["acme-textiles"]["themes"] == ["living-wage-income"]
        assert orgs["new-ngo"]["kind"] == "ngo"
        again = run(base, ImportKind.organisations, path)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 2)

    def test_dry_run_reports_and_changes_nothing(self, base: Engine, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            "orgs.csv",
            ORG_HEADER
            + "acme-textiles,Acme Renamed,company,,,,,,,,,\n"
            + "brand-new,Brand New,company,,,,,,,,,\n",
        )
        before = snapshot(base)
        report = run(base, ImportKind.organisations, path, dry_run=True)
        assert snapshot(base) == before
        assert [str(c) for c in report.changes] == [
            "update acme-textiles: name",
            "create brand-new",
        ]
        assert report.summary() == (
            "orgs.csv: 2 organisations read; would change: 1 created, 1 updated; 0 unchanged"
        )

    def test_every_bad_row_is_reported(self, base: Engine, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            "orgs.csv",
            ORG_HEADER
            + "good-one,Good,company,,,,,NL,,,,\n"
            + "bad-country,Bad,company,,,,,XX,,,,\n"
            + "bad-theme,Bad,company,,,,,,happiness,,,\n"
            + "bad-sector,Bad,company,,,,space-travel,,,,,\n"
            + "bad-kind,Bad,charity,,,,,,,,,\n"
            + "good-one,Again,company,,,,,,,,,\n"
            + "Bad Slug,Bad,company,,,,,,,,,\n",
        )
        errors = errors_of(base, ImportKind.organisations, path)
        assert errors[0] == (
            "orgs.csv:3: countries: unknown country code 'XX' (ISO 3166-1 alpha-2 expected)"
        )
        assert errors[1] == "orgs.csv:4: themes: unknown theme 'happiness'"
        assert errors[2] == "orgs.csv:5: sectors: unknown sector 'space-travel'"
        assert errors[3].startswith("orgs.csv:6: kind: unknown kind 'charity' (expected 'company'")
        assert errors[4] == "orgs.csv:7: slug: slug 'good-one' already appears on line 2"
        assert errors[5] == (
            "orgs.csv:8: slug: not a valid slug (lowercase letters, digits, hyphens)"
        )
        assert len(errors) == 6

    def test_line_numbers_count_physical_lines(self, base: Engine, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            "orgs.csv",
            ORG_HEADER
            + 'multi,Multi,company,"first line\nsecond line\nthird line",,,,,,,,\n'
            + "after,After,company,,,,,ZZ,,,,\n",
        )
        assert errors_of(base, ImportKind.organisations, path) == [
            "orgs.csv:5: countries: unknown country code 'ZZ' (ISO 3166-1 alpha-2 expected)"
        ]

    def test_missing_required_column(self, base: Engine, tmp_path: Path) -> None:
        path = write(tmp_path, "orgs.csv", "slug,name\nx,X\n")
        assert errors_of(base, ImportKind.organisations, path) == [
            "orgs.csv:1: kind: missing required column"
        ]

    def test_wrong_column_count(self, base: Engine, tmp_path: Path) -> None:
        path = write(tmp_path, "orgs.csv", "slug,name,kind\nx,X\ny,Y,company,extra\n")
        assert errors_of(base, ImportKind.organisations, path) == [
            "orgs.csv:2: -: expected 3 fields, found 2",
            "orgs.csv:3: -: expected 3 fields, found 4",
        ]

    def test_unclosed_quote(self, base: Engine, tmp_path: Path) -> None:
        path = write(tmp_path, "orgs.csv", 'slug,name,kind\nok,OK,company\nx,"X,company\ny,Y,ngo\n')
        assert errors_of(base, ImportKind.organisations, path) == [
            "orgs.csv:3: -: malformed CSV: unclosed quote: "
            "the quoted field runs to the end of the file"
        ]

    def test_not_utf8(self, base: Engine, tmp_path: Path) -> None:
        path = write(tmp_path, "orgs.csv", b"slug,name,kind\nx,Caf\xe9,company\n")
        assert errors_of(base, ImportKind.organisations, path) == [
            "orgs.csv:2: -: not UTF-8: byte 0xe9 at column 6"
        ]

    def test_utf8_bom_is_fine(self, base: Engine, tmp_path: Path) -> None:
        path = write(tmp_path, "orgs.csv", "\ufeffslug,name,kind\ncafe,Café,company\n".encode())
        assert run(base, ImportKind.organisations, path).created == 1

    def test_empty_file(self, base: Engine, tmp_path: Path) -> None:
        path = write(tmp_path, "orgs.csv", "")
        assert errors_of(base, ImportKind.organisations, path) == ["orgs.csv:1: -: file is empty"]

    def test_json_rows_report_their_lines(self, base: Engine, tmp_path: Path) -> None:
        rows = [
            {"slug": "j-one", "name": "J One", "kind": "company", "countries": ["NL"]},
            {"slug": "j-two", "name": "J Two", "kind": "company", "countries": ["QQ"]},
        ]
        path = write(tmp_path, "orgs.json", json.dumps(rows, indent=2))
        # each object spans 9 lines (indent=2); the second starts on line 10
        assert errors_of(base, ImportKind.organisations, path) == [
            "orgs.json:10: countries: unknown country code 'QQ' (ISO 3166-1 alpha-2 expected)"
        ]

    def test_malformed_json(self, base: Engine, tmp_path: Path) -> None:
        path = write(tmp_path, "orgs.json", '[\n{"slug": "a",\n "name": }\n]')
        assert errors_of(base, ImportKind.organisations, path) == [
            "orgs.json:3: -: malformed JSON: Expecting value"
        ]


class TestRelationships:
    def test_creates_and_stores_symmetric_pairs_once(self, base: Engine, tmp_path: Path) -> None:
        orgs = write(tmp_path, "orgs.csv", ORG_HEADER + "zeta-ngo,Zeta,ngo,,,,,,,,,\n")
        run(base, ImportKind.organisations, orgs)
        path = write(
            tmp_path,
            "rels.csv",
            REL_HEADER
            + "zeta-ngo,acme-textiles,partner,2020-01-01,\n"
            + "acme-textiles,garment-covenant,member_of,2016-07-01,2021-06-30\n",
        )
        assert run(base, ImportKind.relationships, path).created == 2
        rels = snapshot(base)["relationships"]
        assert [(r["source"], r["type"], r["target"]) for r in rels] == [
            ("acme-textiles", "member_of", "garment-covenant"),
            ("acme-textiles", "partner", "zeta-ngo"),
        ]
        reversed_ = write(
            tmp_path, "rels2.csv", REL_HEADER + "acme-textiles,zeta-ngo,partner,2020-01-01,\n"
        )
        report = run(base, ImportKind.relationships, reversed_)
        assert (report.created, report.unchanged) == (0, 1)

    def test_every_bad_row_is_reported(self, base: Engine, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            "rels.csv",
            REL_HEADER
            + "acme-textiles,nope,partner,2020-01-01,\n"
            + "acme-textiles,acme-textiles,partner,2020-01-01,\n"
            + "acme-textiles,garment-covenant,member_of,2020-01-01,2019-01-01\n"
            + "garment-covenant,acme-textiles,member_of,2020-01-01,\n"
            + "acme-textiles,garment-covenant,friend_of,2020-01-01,\n"
            + "acme-textiles,garment-covenant,member_of,yesterday,\n",
        )
        errors = errors_of(base, ImportKind.relationships, path)
        assert errors[:4] == [
            "rels.csv:2: target: unknown organisation 'nope'",
            "rels.csv:3: target: an organisation cannot be related to itself",
            "rels.csv:4: until: is before since",
            "rels.csv:5: target: member_of needs a covenant, network or programme; "
            "'acme-textiles' is a company",
        ]
        assert errors[4].startswith("rels.csv:6: type: unknown type 'friend_of'")
        assert errors[5].startswith("rels.csv:7: since: ")
        assert len(errors) == 6


class TestContacts:
    def test_create_update_by_email_and_errors(self, base: Engine, tmp_path: Path) -> None:
        good = write(
            tmp_path,
            "contacts.csv",
            CONTACT_HEADER
            + "acme-textiles,Anna de Vries,CSR manager,anna@example.org,,nl,weekly\n",
        )
        assert run(base, ImportKind.contacts, good).created == 1
        bad = write(
            tmp_path,
            "bad.csv",
            CONTACT_HEADER
            + "acme-textiles,Anna de Vries,CSR lead,ANNA@example.org,,nl,weekly\n"
            + "ghost-org,Piet,,piet@example.org,,nl,weekly\n"
            + "acme-textiles,Anna Again,,anna@example.org,,xx,weekly\n"
            + "acme-textiles,No Mail,,not-an-email,,en,never\n",
        )
        errors = errors_of(base, ImportKind.contacts, bad)
        assert errors[0] == "bad.csv:3: organisation: unknown organisation 'ghost-org'"
        assert errors[1] == "bad.csv:4: email: email 'anna@example.org' already appears on line 2"
        assert errors[2].startswith("bad.csv:4: language: unknown language 'xx'")
        assert errors[3] == "bad.csv:5: email: not an email address"


def test_export_then_import_into_empty_database_reproduces_the_data(
    base: Engine, tmp_path: Path
) -> None:
    from convene.transfer.service import export_all

    write(
        tmp_path,
        "orgs.csv",
        ORG_HEADER
        + 'zeta-ngo,"Zeta, the NGO",ngo,"Line one\nline two",helps,seeks,,IN;BD,child-labour,small,,false\n',  # noqa: E501
    )
    run(base, ImportKind.organisations, tmp_path / "orgs.csv")
    write(
        tmp_path,
        "rels.csv",
        REL_HEADER
        + "zeta-ngo,acme-textiles,dispute,2021-01-01,\n"
        + "acme-textiles,garment-covenant,member_of,2016-07-01,2021-06-30\n",
    )
    run(base, ImportKind.relationships, tmp_path / "rels.csv")
    write(
        tmp_path,
        "c.csv",
        CONTACT_HEADER + "zeta-ngo,Ravi,Director,ravi@example.org,+91 1,en,never\n",
    )
    run(base, ImportKind.contacts, tmp_path / "c.csv")
    original = snapshot(base)

    for fmt in ("csv", "json"):
        out = tmp_path / f"export-{fmt}"
        with unit_of_work(base, readonly=True) as session:
            export_all(session, out, fmt=fmt)
        # an empty database (vocabulary only) receives the three files
        with unit_of_work(base) as session:
            from sqlalchemy import delete

            from convene.models import Organisation

            session.execute(delete(Organisation))
        assert snapshot(base)["organisations"] == []
        for kind in ImportKind:
            run(base, kind, out / f"{kind.value}.{fmt}")
        assert snapshot(base) == original
