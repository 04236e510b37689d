"""The vocabulary as the API shows it."""

from __future__ import annotations

from sqlmodel import Session

from convene.models import OrganisationKind, RelationshipType, TermPublic, VocabularyPublic
from convene.vocabulary.service import Term, countries, load_vocabulary


def _terms(terms: dict[str, Term]) -> list[TermPublic]:
    return [TermPublic(slug=t.slug, name=t.en, name_nl=t.nl) for t in terms.values()]


def vocabulary_public(session: Session) -> VocabularyPublic:
    vocabulary = load_vocabulary(session)
    names_nl = countries("nl")
    return VocabularyPublic(
        sectors=_terms(vocabulary.sectors),
        themes=_terms(vocabulary.themes),
        size_bands=_terms(vocabulary.size_bands),
        countries=[
            TermPublic(slug=code, name=name, name_nl=names_nl.get(code, name))
            for code, name in countries("en").items()
        ],
        kinds=[k.value for k in OrganisationKind],
        relationship_types=[t.value for t in RelationshipType],
    )
