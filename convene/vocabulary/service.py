"""The vocabularies: loaded from ``seed_data/vocabulary.json`` into the database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pycountry
from sqlalchemy import select
from sqlmodel import Session, col

import seed_data
from convene.models import VocabularyTerm

VOCABULARY_FILE = Path(str(resources.files(seed_data) / "vocabulary.json"))
FACETS = {"sectors": "sector", "themes": "theme", "size_bands": "size_band"}


@dataclass(frozen=True)
class Term:
    slug: str
    en: str
    nl: str

    def name(self, language: str = "en") -> str:
        return self.nl if language == "nl" else self.en


@dataclass(frozen=True)
class Vocabulary:
    sectors: dict[str, Term]
    themes: dict[str, Term]
    size_bands: dict[str, Term]


def read_vocabulary_file(path: Path = VOCABULARY_FILE) -> dict[str, list[Term]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {key: [Term(t["slug"], t["en"], t["nl"]) for t in data.get(key, [])] for key in FACETS}


def sync_vocabulary(session: Session, path: Path = VOCABULARY_FILE) -> int:
    """Create or update the terms from the file; returns how many rows changed."""
    existing = {(t.facet, t.slug): t for t in session.execute(select(VocabularyTerm)).scalars()}
    changed = 0
    for key, terms in read_vocabulary_file(path).items():
        facet = FACETS[key]
        for term in terms:
            row = existing.get((facet, term.slug))
            if row is None:
                session.add(
                    VocabularyTerm(facet=facet, slug=term.slug, name_en=term.en, name_nl=term.nl)
                )
                changed += 1
            elif (row.name_en, row.name_nl) != (term.en, term.nl):
                row.name_en, row.name_nl = term.en, term.nl
                changed += 1
    session.flush()
    return changed


def load_vocabulary(session: Session) -> Vocabulary:
    found: dict[str, dict[str, Term]] = {facet: {} for facet in FACETS.values()}
    rows = session.execute(select(VocabularyTerm).order_by(col(VocabularyTerm.id))).scalars()
    for row in rows:
        found.setdefault(row.facet, {})[row.slug] = Term(row.slug, row.name_en, row.name_nl)
    return Vocabulary(found["sector"], found["theme"], found["size_band"])


@lru_cache(maxsize=2)
def countries(language: str = "en") -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → country name (in Dutch when ``language`` is ``nl``)."""
    names = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    if language != "en":
        try:
            from babel import Locale

            territories = Locale.parse(language).territories
            names = {code: territories.get(code, name) for code, name in names.items()}
        except (ImportError, ValueError):
            pass
    return dict(sorted(names.items(), key=lambda item: item[1]))
