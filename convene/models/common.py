"""Shared column helpers and the domain's closed vocabularies (kinds, types)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp on every database: SQLite keeps no offset, so values are
    stored as UTC and read back with UTC attached (PostgreSQL does this itself)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value  # type: ignore[no-any-return]


def created_at_field() -> datetime:
    return Field(  # type: ignore[no-any-return]
        default_factory=utcnow, sa_type=UtcDateTime, nullable=False
    )


class OrganisationKind(StrEnum):
    company = "company"
    union = "union"
    ngo = "ngo"
    initiative = "initiative"
    government = "government"
    knowledge_institute = "knowledge_institute"
    industry_association = "industry_association"
    covenant = "covenant"
    network = "network"
    programme = "programme"


GROUP_KINDS = frozenset(
    {OrganisationKind.covenant, OrganisationKind.network, OrganisationKind.programme}
)
STAKEHOLDER_KINDS = frozenset(OrganisationKind) - GROUP_KINDS - {OrganisationKind.company}


class RelationshipType(StrEnum):
    member_of = "member_of"
    partner = "partner"
    supplier_of = "supplier_of"
    introduced = "introduced"
    dispute = "dispute"


SYMMETRIC_TYPES = frozenset(
    {RelationshipType.partner, RelationshipType.introduced, RelationshipType.dispute}
)


def canonical_pair(source: str, target: str, rel_type: str) -> tuple[str, str]:
    """Symmetric types are stored once, alphabetically first slug as source."""
    if rel_type in SYMMETRIC_TYPES and target < source:
        return target, source
    return source, target


class SizeBand(StrEnum):
    micro = "micro"
    small = "small"
    medium = "medium"
    large = "large"
    enterprise = "enterprise"


class Language(StrEnum):
    en = "en"
    nl = "nl"


class DigestPreference(StrEnum):
    weekly = "weekly"
    never = "never"


class Role(StrEnum):
    member = "member"
    coordinator = "coordinator"
    admin = "admin"


class Facet(StrEnum):
    """What an organisation tag describes."""

    sector = "sector"
    country = "country"
    theme = "theme"
