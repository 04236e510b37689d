"""Import (create-or-update by key, all-or-nothing) and export of the network.

An import reads the whole file, validates every row against the same models the API
uses, and only when no row is wrong plans and applies the changes in bulk. A bad file
raises :class:`ImportFailed` carrying every ``file:line: column: reason`` and leaves the
database as it was. ``dry_run`` plans without writing.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import delete, insert, select, text, update
from sqlmodel import Session, col

from convene.errors import ConveneError
from convene.models import (
    GROUP_KINDS,
    Contact,
    ContactCreate,
    Facet,
    Organisation,
    OrganisationCreate,
    OrganisationTag,
    Relationship,
    RelationshipCreate,
    RelationshipType,
)
from convene.models.common import canonical_pair, utcnow
from convene.organisations import repository as orgs_repo
from convene.suggestions.repository import mark_stale
from convene.transfer.reading import FILE, RawRow, RowError, read_file
from convene.vocabulary.service import load_vocabulary

Progress = Callable[[str, int, int], None]


class ImportKind(StrEnum):
    organisations = "organisations"
    relationships = "relationships"
    contacts = "contacts"


ORG_FIELDS = (
    "slug", "name", "kind", "description", "offers", "seeks",
    "sectors", "countries", "themes", "size_band", "website", "open_to_introductions",
)  # fmt: skip
ORG_SCALARS = ORG_FIELDS[:6] + ("size_band", "website", "open_to_introductions")
LIST_FIELDS = {"sectors", "countries", "themes"}
REL_FIELDS = ("source", "target", "type", "since", "until")
CONTACT_FIELDS = ("organisation", "name", "role", "email", "phone", "language", "digest")
CONTACT_SCALARS = ("name", "role", "phone", "language", "digest")

COLUMNS: dict[ImportKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    ImportKind.organisations: (("slug", "name", "kind"), ORG_FIELDS[3:]),
    ImportKind.relationships: (("source", "target", "type", "since"), ("until",)),
    ImportKind.contacts: (
        ("organisation", "name", "email"),
        ("role", "phone", "language", "digest"),
    ),
}
BOOL_TEXT = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


class ImportFailed(ConveneError):
    status_code = 422
    code = "import_failed"

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors)
        super().__init__(f"{len(self.errors)} problem(s) in the import file")


@dataclass
class Change:
    action: str  # "create" or "update"
    key: str
    fields: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if self.action == "create":
            return f"create {self.key}"
        return f"update {self.key}: {', '.join(self.fields)}"


@dataclass
class ImportReport:
    kind: ImportKind
    file: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    changes: list[Change] = field(default_factory=list)

    def summary(self) -> str:
        verb = "would change" if self.dry_run else "changed"
        return (
            f"{self.file}: {self.rows} {self.kind.value} read; {verb}: {self.created} created, "
            f"{self.updated} updated; {self.unchanged} unchanged"
        )


# --------------------------------------------------------------------------- reading


def _coerce(row: RawRow) -> dict[str, Any]:
    """Turn CSV text into the shapes the models take; JSON values pass through."""
    out: dict[str, Any] = {}
    for key, value in row.values.items():
        if row.from_csv:
            value = value.strip()
            if key in LIST_FIELDS:
                value = [part.strip() for part in value.split(";") if part.strip()]
            elif value == "":
                continue  # an empty optional cell means "use the default"
            elif key == "open_to_introductions":
                value = BOOL_TEXT.get(value.lower(), value)
        elif key in LIST_FIELDS and isinstance(value, str):
            value = [part.strip() for part in value.split(";") if part.strip()]
        out[key] = value
    return out


FRIENDLY = {
    ("slug", "string_pattern_mismatch"): "not a valid slug (lowercase letters, digits, hyphens)",
    ("website", "string_pattern_mismatch"): "not an http:// or https:// URL",
    ("email", "string_pattern_mismatch"): "not an email address",
}


def _validation_errors(exc: ValidationError, name: str, line: int) -> list[RowError]:
    errors = []
    for err in exc.errors():
        column = str(err["loc"][0]) if err["loc"] else FILE
        reason = FRIENDLY.get((column, err["type"]), err["msg"])
        if err["type"] == "enum":
            expected = err["msg"].replace("Input should be ", "expected ")
            reason = f"unknown {column} {err['input']!r} ({expected})"
        elif err["type"] == "missing":
            reason = "required"
        elif err["type"] == "value_error":
            reason = err["msg"].removeprefix("Value error, ")
        elif err["type"] == "extra_forbidden":
            reason = "unknown column"
        errors.append(RowError(name, line, column, reason))
    return errors


M = TypeVar("M", bound=BaseModel)


def validate_file_rows(
    rows: list[RawRow], model: type[M], name: str
) -> tuple[list[tuple[int, M]], list[RowError]]:
    valid: list[tuple[int, M]] = []
    errors: list[RowError] = []
    for row in rows:
        try:
            valid.append((row.line, model.model_validate(_coerce(row))))
        except ValidationError as exc:
            errors.extend(_validation_errors(exc, name, row.line))
    return valid, errors


# --------------------------------------------------------------------------- entry point


def import_file(
    session: Session,
    kind: ImportKind,
    path: Path,
    *,
    dry_run: bool = False,
    display_name: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``path``; raise :class:`ImportFailed` with every bad row, changing nothing."""
    name = display_name or str(path)
    required, optional = COLUMNS[kind]
    read = read_file(path, required=required, optional=optional, display_name=name)
    errors = list(read.errors)
    report = ImportReport(kind=kind, file=name, rows=len(read.rows), dry_run=dry_run)
    if kind is ImportKind.organisations:
        _import_organisations(session, read.rows, name, errors, report, progress)
    elif kind is ImportKind.relationships:
        _import_relationships(session, read.rows, name, errors, report, progress)
    else:
        _import_contacts(session, read.rows, name, errors, report, progress)
    if dry_run:
        session.rollback()
    else:
        # fresh planner statistics, so SQLite picks the selective index for the directory's
        # filters after a bulk load (tens of ms at 25,000 organisations)
        for table in _ANALYZED[kind]:
            session.execute(text(f"ANALYZE {table}"))
    return report


_ANALYZED = {
    ImportKind.organisations: ("organisation", "organisation_tag"),
    ImportKind.relationships: ("relationship",),
    ImportKind.contacts: ("contact",),
}


def _fail_if(errors: list[RowError]) -> None:
    if errors:
        raise ImportFailed(errors)


def _raw_keys(rows: list[RawRow], column: str, *, lower: bool = False) -> list[tuple[int, str]]:
    """The key column of every row that has one, as written (a duplicate is a duplicate even
    when the row has other problems)."""
    keys = []
    for row in rows:
        value = row.values.get(column)
        if isinstance(value, str) and value.strip():
            keys.append((row.line, value.strip().lower() if lower else value.strip()))
    return keys


def _duplicates(
    keyed: Iterable[tuple[int, str]], name: str, column: str, what: str
) -> list[RowError]:
    first: dict[str, int] = {}
    errors = []
    for line, key in keyed:
        if key in first:
            errors.append(
                RowError(name, line, column, f"{what} {key!r} already appears on line {first[key]}")
            )
        else:
            first[key] = line
    return errors


# --------------------------------------------------------------------------- organisations


def _import_organisations(
    session: Session,
    rows: list[RawRow],
    name: str,
    errors: list[RowError],
    report: ImportReport,
    progress: Progress | None,
) -> None:
    valid, row_errors = validate_file_rows(rows, OrganisationCreate, name)
    errors.extend(row_errors)
    vocabulary = load_vocabulary(session)
    for line, org in valid:
        for column, values, known in (
            ("sectors", org.sectors, vocabulary.sectors),
            ("themes", org.themes, vocabulary.themes),
        ):
            for value in values:
                if value not in known:
                    errors.append(RowError(name, line, column, f"unknown {column[:-1]} {value!r}"))
    errors.extend(_duplicates(_raw_keys(rows, "slug"), name, "slug", "slug"))
    _fail_if(errors)
    apply_organisations(session, [o for _, o in valid], report, progress)


def _tag_rows(org_id: int, org: OrganisationCreate) -> list[dict[str, Any]]:
    return [
        {"organisation_id": org_id, "facet": facet.value, "value": value}
        for facet, values in (
            (Facet.sector, org.sectors),
            (Facet.country, org.countries),
            (Facet.theme, org.themes),
        )
        for value in values
    ]


def apply_organisations(
    session: Session,
    incoming: list[OrganisationCreate],
    report: ImportReport,
    progress: Progress | None = None,
) -> None:
    existing = {o.slug: o for o in session.execute(select(Organisation)).scalars()}
    tags = orgs_repo.all_tags(session) if existing else {}
    now = utcnow()
    creates: list[OrganisationCreate] = []
    updates: list[tuple[Organisation, OrganisationCreate, list[str]]] = []
    for org in incoming:
        row = existing.get(org.slug)
        if row is None:
            creates.append(org)
            report.changes.append(Change("create", org.slug))
            continue
        assert row.id is not None
        current = tags.get(row.id, orgs_repo.TagSet())
        changed = [f for f in ORG_SCALARS if getattr(row, f) != getattr(org, f)]
        for facet in ("sectors", "countries", "themes"):
            if sorted(getattr(current, facet)) != sorted(getattr(org, facet)):
                changed.append(facet)
        if changed:
            updates.append((row, org, changed))
            report.changes.append(Change("update", org.slug, changed))
    report.created, report.updated = len(creates), len(updates)
    report.unchanged = len(incoming) - len(creates) - len(updates)
    if report.dry_run:
        return
    total = len(creates) + len(updates)
    done = 0
    for part in orgs_repo.chunks(creates, 2000):  # type: ignore[arg-type]
        session.execute(
            insert(Organisation),
            [
                {**o.model_dump(include=set(ORG_SCALARS)), "created_at": now, "updated_at": now}
                for o in part
            ],
        )
        ids = dict(
            session.execute(
                select(col(Organisation.slug), col(Organisation.id)).where(
                    col(Organisation.slug).in_([o.slug for o in part])
                )
            ).all()
        )
        tag_rows = [t for o in part for t in _tag_rows(ids[o.slug], o)]
        if tag_rows:
            session.execute(insert(OrganisationTag), tag_rows)
        done += len(part)
        if progress:
            progress("organisations", done, total)
    if updates:
        session.execute(
            update(Organisation),
            [
                {"id": row.id, **org.model_dump(include=set(ORG_SCALARS)), "updated_at": now}
                for row, org, _ in updates
            ],
        )
        ids_to_retag = [row.id for row, _, changed in updates if LIST_FIELDS & set(changed)]
        for part in orgs_repo.chunks(ids_to_retag):  # type: ignore[arg-type]
            session.execute(
                delete(OrganisationTag).where(col(OrganisationTag.organisation_id).in_(part))
            )
        tag_rows = [
            t
            for row, org, changed in updates
            if LIST_FIELDS & set(changed)
            for t in _tag_rows(row.id, org)  # type: ignore[arg-type]
        ]
        if tag_rows:
            session.execute(insert(OrganisationTag), tag_rows)
        if progress:
            progress("organisations", total, total)
    changed_slugs = [o.slug for o in creates] + [org.slug for _, org, _ in updates]
    ids = orgs_repo.slug_to_id(session)
    mark_stale(session, [ids[slug] for slug in changed_slugs])
    session.expire_all()


# --------------------------------------------------------------------------- relationships


def _import_relationships(
    session: Session,
    rows: list[RawRow],
    name: str,
    errors: list[RowError],
    report: ImportReport,
    progress: Progress | None,
) -> None:
    valid, row_errors = validate_file_rows(rows, RelationshipCreate, name)
    errors.extend(row_errors)
    kinds = dict(session.execute(select(col(Organisation.slug), col(Organisation.kind))).all())
    keyed: list[tuple[int, str]] = []
    for line, rel in valid:
        for column in ("source", "target"):
            slug = getattr(rel, column)
            if slug not in kinds:
                errors.append(RowError(name, line, column, f"unknown organisation {slug!r}"))
        if rel.source == rel.target:
            errors.append(
                RowError(name, line, "target", "an organisation cannot be related to itself")
            )
        if rel.until is not None and rel.until < rel.since:
            errors.append(RowError(name, line, "until", "is before since"))
        if (
            rel.type is RelationshipType.member_of
            and rel.target in kinds
            and kinds[rel.target] not in GROUP_KINDS
        ):
            errors.append(
                RowError(
                    name,
                    line,
                    "target",
                    f"member_of needs a covenant, network or programme; "
                    f"{rel.target!r} is a {kinds[rel.target]}",
                )
            )
        source, target = canonical_pair(rel.source, rel.target, rel.type)
        keyed.append((line, f"{source} {rel.type.value} {target}"))
    errors.extend(_duplicates(keyed, name, "target", "relationship"))
    _fail_if(errors)
    apply_relationships(session, [r for _, r in valid], report, progress)


def apply_relationships(
    session: Session,
    incoming: list[RelationshipCreate],
    report: ImportReport,
    progress: Progress | None = None,
) -> None:
    ids = orgs_repo.slug_to_id(session)
    existing = {
        (s, t, ty): (id_, since, until)
        for id_, s, t, ty, since, until in session.execute(
            select(
                col(Relationship.id),
                col(Relationship.source_id),
                col(Relationship.target_id),
                col(Relationship.type),
                col(Relationship.since),
                col(Relationship.until),
            )
        )
    }
    creates: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    now = utcnow()
    for rel in incoming:
        source, target = canonical_pair(rel.source, rel.target, rel.type)
        key = (ids[source], ids[target], rel.type.value)
        label = f"{source} {rel.type.value} {target}"
        found = existing.get(key)
        if found is None:
            creates.append(
                {
                    "source_id": key[0],
                    "target_id": key[1],
                    "type": key[2],
                    "since": rel.since,
                    "until": rel.until,
                    "created_at": now,
                }
            )
            report.changes.append(Change("create", label))
        elif (found[1], found[2]) != (rel.since, rel.until):
            changed = [
                f for f, old in (("since", found[1]), ("until", found[2])) if getattr(rel, f) != old
            ]
            updates.append({"id": found[0], "since": rel.since, "until": rel.until})
            report.changes.append(Change("update", label, changed))
    report.created, report.updated = len(creates), len(updates)
    report.unchanged = len(incoming) - len(creates) - len(updates)
    if report.dry_run:
        return
    total = len(creates) + len(updates)
    done = 0
    for part in orgs_repo.chunks(creates, 5000):  # type: ignore[arg-type]
        session.execute(insert(Relationship), part)
        done += len(part)
        if progress:
            progress("relationships", done, total)
    if updates:
        session.execute(update(Relationship), updates)
        if progress:
            progress("relationships", total, total)
    touched_ids = {r["source_id"] for r in creates} | {r["target_id"] for r in creates}
    by_id = {id_: key for key, (id_, _, _) in existing.items()}
    for row in updates:
        touched_ids.update(by_id[row["id"]][:2])
    mark_stale(session, touched_ids)
    session.expire_all()


# --------------------------------------------------------------------------- contacts


def _import_contacts(
    session: Session,
    rows: list[RawRow],
    name: str,
    errors: list[RowError],
    report: ImportReport,
    progress: Progress | None,
) -> None:
    valid, row_errors = validate_file_rows(rows, ContactCreate, name)
    errors.extend(row_errors)
    ids = orgs_repo.slug_to_id(session)
    for line, contact in valid:
        if contact.organisation not in ids:
            errors.append(
                RowError(
                    name, line, "organisation", f"unknown organisation {contact.organisation!r}"
                )
            )
    errors.extend(_duplicates(_raw_keys(rows, "email", lower=True), name, "email", "email"))
    _fail_if(errors)
    apply_contacts(session, [c for _, c in valid], report, progress)


def apply_contacts(
    session: Session,
    incoming: list[ContactCreate],
    report: ImportReport,
    progress: Progress | None = None,
) -> None:
    ids = orgs_repo.slug_to_id(session)
    existing = {c.email.lower(): c for c in session.execute(select(Contact)).scalars()}
    creates: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    now = utcnow()
    for contact in incoming:
        values = contact.model_dump(include=set(CONTACT_SCALARS))
        values["organisation_id"] = ids[contact.organisation]
        row = existing.get(contact.email.lower())
        if row is None:
            creates.append({**values, "email": contact.email, "created_at": now})
            report.changes.append(Change("create", contact.email))
            continue
        changed = [k for k, v in values.items() if getattr(row, k) != v]
        if changed:
            updates.append({"id": row.id, **values})
            report.changes.append(
                Change("update", contact.email, [c.replace("_id", "") for c in changed])
            )
    report.created, report.updated = len(creates), len(updates)
    report.unchanged = len(incoming) - len(creates) - len(updates)
    if report.dry_run:
        return
    for part in orgs_repo.chunks(creates, 5000):  # type: ignore[arg-type]
        session.execute(insert(Contact), part)
    if updates:
        session.execute(update(Contact), updates)
    if progress:
        progress("contacts", len(creates) + len(updates), len(creates) + len(updates))
    session.expire_all()


# --------------------------------------------------------------------------- export


def export_rows(session: Session, kind: ImportKind) -> list[dict[str, Any]]:
    """Rows in the import format, sorted by key, so export → import → export is stable."""
    if kind is ImportKind.organisations:
        orgs = (
            session.execute(select(Organisation).order_by(col(Organisation.slug))).scalars().all()
        )
        tags = orgs_repo.all_tags(session)
        out = []
        for org in orgs:
            assert org.id is not None
            t = tags.get(org.id, orgs_repo.TagSet())
            row = {f: getattr(org, f) for f in ORG_SCALARS}
            row.update(
                sectors=sorted(t.sectors), countries=sorted(t.countries), themes=sorted(t.themes)
            )
            out.append({f: row[f] for f in ORG_FIELDS})
        return out
    slugs = orgs_repo.slugs_by_id(session, orgs_repo.slug_to_id(session).values())
    if kind is ImportKind.relationships:
        rels = session.execute(select(Relationship)).scalars().all()
        rows = [
            {
                "source": slugs[r.source_id],
                "target": slugs[r.target_id],
                "type": str(r.type),
                "since": r.since,
                "until": r.until,
            }
            for r in rels
        ]
        return sorted(rows, key=lambda r: (r["source"], r["type"], r["target"]))
    contacts = session.execute(select(Contact)).scalars().all()
    rows = [
        {
            "organisation": slugs[c.organisation_id],
            "name": c.name,
            "role": c.role,
            "email": c.email,
            "phone": c.phone,
            "language": str(c.language),
            "digest": str(c.digest),
        }
        for c in contacts
    ]
    return sorted(rows, key=lambda r: (r["organisation"], r["email"]))


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


EXPORT_COLUMNS = {
    ImportKind.organisations: ORG_FIELDS,
    ImportKind.relationships: REL_FIELDS,
    ImportKind.contacts: CONTACT_FIELDS,
}


def export_all(session: Session, directory: Path, *, fmt: str = "csv") -> dict[str, int]:
    """Write organisations, relationships and contacts to ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for kind in ImportKind:
        rows = export_rows(session, kind)
        columns = EXPORT_COLUMNS[kind]
        path = directory / f"{kind.value}.{fmt}"
        if fmt == "json":
            data = [{c: _json_value(r[c]) for c in columns} for r in rows]
            path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        else:
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(columns)
                writer.writerows([_csv_cell(r[c]) for c in columns] for r in rows)
        counts[kind.value] = len(rows)
    return counts
