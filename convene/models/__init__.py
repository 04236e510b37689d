"""Domain models. Importing this package registers every table on ``SQLModel.metadata``."""

from convene.models.accounts import User
from convene.models.common import (
    GROUP_KINDS,
    STAKEHOLDER_KINDS,
    SYMMETRIC_TYPES,
    DigestPreference,
    Facet,
    Language,
    OrganisationKind,
    RelationshipType,
    Role,
    SizeBand,
)
from convene.models.contacts import Contact, ContactCreate, ContactPublic
from convene.models.organisations import (
    GroupRef,
    Organisation,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationTag,
    OrganisationUpdate,
)
from convene.models.relationships import Relationship, RelationshipCreate, RelationshipPublic
from convene.models.vocabulary import TermPublic, VocabularyPublic, VocabularyTerm

__all__ = [
    "GROUP_KINDS",
    "STAKEHOLDER_KINDS",
    "SYMMETRIC_TYPES",
    "Contact",
    "ContactCreate",
    "ContactPublic",
    "DigestPreference",
    "Facet",
    "GroupRef",
    "Language",
    "Organisation",
    "OrganisationCreate",
    "OrganisationKind",
    "OrganisationPublic",
    "OrganisationTag",
    "OrganisationUpdate",
    "Relationship",
    "RelationshipCreate",
    "RelationshipPublic",
    "RelationshipType",
    "Role",
    "SizeBand",
    "TermPublic",
    "User",
    "VocabularyPublic",
    "VocabularyTerm",
]
