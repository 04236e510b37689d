"""Load the vocabulary and the demo network through the ordinary import path."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sqlmodel import Session

import seed_data
from convene.accounts import repository as accounts_repo
from convene.accounts.service import create_user
from convene.models import Contact, Role
from convene.organisations import repository as orgs_repo
from convene.transfer.service import ImportKind, ImportReport, Progress, import_file
from convene.vocabulary.service import sync_vocabulary

DEMO_DIR = Path(str(resources.files(seed_data) / "demo"))


# network staff are contacts of the SER network, so they get the coordinators' digest
DEMO_STAFF_ORG = "ser-imvo-network"
DEMO_STAFF = (
    ("coordinator@example.org", Role.coordinator, "Coordinator (demo)"),
    ("admin@example.org", Role.admin, "Admin (demo)"),
)
# members for a few organisations: the first contact of each
DEMO_MEMBER_ORGS = ("hoogveld-stone", "dommel-apparel", "arisa", "fnv-mondiaal")


@dataclass
class SeedReport:
    vocabulary_changed: int
    imports: list[ImportReport]
    accounts: list[tuple[str, str, str | None, str]] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.vocabulary_changed + sum(r.created + r.updated for r in self.imports)


def seed_vocabulary(session: Session) -> int:
    return sync_vocabulary(session)


def seed_demo(session: Session, *, progress: Progress | None = None) -> SeedReport:
    """Create or update the demo network; a second run changes nothing."""
    vocabulary_changed = sync_vocabulary(session)
    reports = []
    for kind in (ImportKind.organisations, ImportKind.relationships, ImportKind.contacts):
        path = DEMO_DIR / f"{kind.value}.csv"
        reports.append(
            import_file(
                session, kind, path, display_name=f"seed_data/demo/{path.name}", progress=progress
            )
        )
    return SeedReport(vocabulary_changed, reports, seed_demo_accounts(session))


def _demo_member_orgs(session: Session) -> list[str]:
    """The named organisations if the demo has them, else the first few companies."""
    from sqlalchemy import select
    from sqlmodel import col

    from convene.models import Organisation

    found = [slug for slug in DEMO_MEMBER_ORGS if orgs_repo.get_by_slug(session, slug)]
    if found:
        return found
    rows = session.execute(
        select(col(Organisation.slug))
        .where(col(Organisation.kind) == "company")
        .order_by(col(Organisation.slug))
        .limit(3)
    )
    return list(rows.scalars())


def seed_demo_accounts(session: Session) -> list[tuple[str, str, str | None, str]]:
    """A coordinator, an admin and a member for a few organisations, with passwords made
    now (never fixed in code). Existing accounts are left alone: their passwords were
    shown when they were made, and `convene users reset-password` makes new ones."""
    from sqlalchemy import select
    from sqlmodel import col

    made: list[tuple[str, str, str | None, str]] = []
    for email, role, name in DEMO_STAFF:
        if accounts_repo.user_by_email(session, email) is None:
            password = secrets.token_urlsafe(12)
            staff_org = DEMO_STAFF_ORG if orgs_repo.get_by_slug(session, DEMO_STAFF_ORG) else None
            create_user(
                session, email=email, role=role, password=password, name=name, org_slug=staff_org
            )
            made.append((email, role.value, None, password))
    for slug in _demo_member_orgs(session):
        org = orgs_repo.get_by_slug(session, slug)
        assert org is not None
        contact = session.execute(
            select(Contact)
            .where(col(Contact.organisation_id) == org.id)
            .order_by(col(Contact.id))
            .limit(1)
        ).scalar_one_or_none()
        if contact is None or accounts_repo.user_by_email(session, contact.email):
            continue
        password = secrets.token_urlsafe(12)
        create_user(
            session, email=contact.email, role=Role.member, password=password, org_slug=slug
        )
        made.append((contact.email, "member", slug, password))
    return made
