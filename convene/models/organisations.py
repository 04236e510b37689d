"""Organisations: companies, stakeholders and groups (covenants, networks, programmes)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict
from sqlalchemy import Index, Text, func, text
from sqlmodel import Field, SQLModel

from convene.models.common import OrganisationKind, SizeBand, created_at_field

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MAX = 100
NAME_MAX = 200
TEXT_MAX = 5000
WEBSITE_PATTERN = r"^https?://[^\s/$.?#].[^\s]*$"


def _check_country(code: str) -> str:
    code = code.strip().upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"unknown country code {code!r} (ISO 3166-1 alpha-2 expected)")
    return code


CountryCode = Annotated[str, AfterValidator(_check_country)]


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


class OrganisationBase(SQLModel):
    slug: str = Field(
        max_length=SLUG_MAX, schema_extra={"pattern": SLUG_PATTERN}, unique=True, index=True
    )
    name: str = Field(min_length=1, max_length=NAME_MAX, index=True)
    kind: OrganisationKind = Field(sa_type=Text, index=True)
    description: str = Field(default="", max_length=TEXT_MAX, sa_type=Text)
    offers: str = Field(default="", max_length=TEXT_MAX, sa_type=Text)
    seeks: str = Field(default="", max_length=TEXT_MAX, sa_type=Text)
    size_band: SizeBand | None = Field(default=None, sa_type=Text)
    website: str | None = Field(
        default=None, max_length=300, schema_extra={"pattern": WEBSITE_PATTERN}
    )
    open_to_introductions: bool = True


class Organisation(OrganisationBase, table=True):
    __table_args__ = (
        Index("ix_organisation_sort_name", func.lower(text("name")), "slug"),
        # the directory's in-memory index checks max(updated_at) on every page (0007)
        Index("ix_organisation_updated_at", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class OrganisationTag(SQLModel, table=True):
    """A sector, country or theme of an organisation: one row per value, for filtering."""

    __tablename__ = "organisation_tag"
    __table_args__ = (
        Index("ix_organisation_tag_facet_value", "facet", "value", "organisation_id"),
    )

    organisation_id: int = Field(
        foreign_key="organisation.id", primary_key=True, ondelete="CASCADE"
    )
    facet: str = Field(primary_key=True, max_length=16)
    value: str = Field(primary_key=True, max_length=100)


TagList = Annotated[list[str], AfterValidator(_dedupe)]
CountryList = Annotated[list[CountryCode], AfterValidator(_dedupe)]


class OrganisationCreate(OrganisationBase):
    """An organisation as imported or created: the row plus its tags."""

    sectors: TagList = []
    countries: CountryList = []
    themes: TagList = []


class OrganisationUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    description: str | None = Field(default=None, max_length=TEXT_MAX)
    offers: str | None = Field(default=None, max_length=TEXT_MAX)
    seeks: str | None = Field(default=None, max_length=TEXT_MAX)
    size_band: SizeBand | None = None
    website: str | None = Field(
        default=None, max_length=300, schema_extra={"pattern": WEBSITE_PATTERN}
    )
    open_to_introductions: bool | None = None
    sectors: TagList | None = None
    countries: CountryList | None = None
    themes: TagList | None = None


class GroupRef(BaseModel):
    slug: str
    name: str
    kind: OrganisationKind


class OrganisationPublic(BaseModel):
    slug: str
    name: str
    kind: OrganisationKind
    description: str
    offers: str
    seeks: str
    size_band: SizeBand | None
    website: str | None
    open_to_introductions: bool
    sectors: list[str]
    countries: list[str]
    themes: list[str]
    groups: list[GroupRef] = []
    created_at: datetime
    updated_at: datetime

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "slug": "fnv-mondiaal",
                "name": "FNV Mondiaal",
                "kind": "union",
                "description": "International solidarity arm of the Dutch FNV federation.",
                "offers": "Contacts with unions in garment-producing countries.",
                "seeks": "Brands willing to sign enforceable agreements.",
                "size_band": "medium",
                "website": "https://www.fnv.nl/mondiaal-fnv",
                "open_to_introductions": True,
                "sectors": ["garment-textile"],
                "countries": ["BD", "IN"],
                "themes": ["freedom-of-association"],
                "groups": [],
                "created_at": "2026-11-25T10:00:00Z",
                "updated_at": "2026-11-25T10:00:00Z",
            }
        }
    )


__all__ = [
    "GroupRef",
    "Organisation",
    "OrganisationBase",
    "OrganisationCreate",
    "OrganisationPublic",
    "OrganisationTag",
    "OrganisationUpdate",
]
