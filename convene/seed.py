"""Load the vocabulary and the demo network through the ordinary import path."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlmodel import Session

import seed_data
from convene.transfer.service import ImportKind, ImportReport, Progress, import_file
from convene.vocabulary.service import sync_vocabulary

DEMO_DIR = Path(str(resources.files(seed_data) / "demo"))


@dataclass
class SeedReport:
    vocabulary_changed: int
    imports: list[ImportReport]

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
    return SeedReport(vocabulary_changed, reports)
