"""Vocabularies kept as data: sectors, themes and size bands (countries come from pycountry)."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class VocabularyTerm(SQLModel, table=True):
    __tablename__ = "vocabulary_term"
    __table_args__ = (UniqueConstraint("facet", "slug", name="uq_vocabulary_facet_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    facet: str = Field(max_length=16)
    slug: str = Field(max_length=100)
    name_en: str = Field(max_length=200)
    name_nl: str = Field(max_length=200)


class TermPublic(BaseModel):
    slug: str
    name: str
    name_nl: str


class VocabularyPublic(BaseModel):
    sectors: list[TermPublic]
    themes: list[TermPublic]
    size_bands: list[TermPublic]
    countries: list[TermPublic]
    kinds: list[str]
    relationship_types: list[str]
