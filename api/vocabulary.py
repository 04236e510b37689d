"""The controlled vocabularies: sectors, themes, size bands, countries, kinds."""

from __future__ import annotations

from fastapi import APIRouter

from convene.deps import SessionDep
from convene.models import VocabularyPublic
from convene.vocabulary.public import vocabulary_public

router = APIRouter(tags=["vocabulary"])


@router.get("/vocabulary", response_model=VocabularyPublic)
def get_vocabulary(session: SessionDep) -> VocabularyPublic:
    return vocabulary_public(session)
