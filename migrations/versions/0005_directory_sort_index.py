"""directory sort index: lower(name), slug

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The directory orders by lower(name), slug; without this index every page sorts all
    # organisations (6 ms at 25,000 on SQLite; 0.1 ms with it).
    op.create_index("ix_organisation_sort_name", "organisation", [sa.text("lower(name)"), "slug"])


def downgrade() -> None:
    op.drop_index("ix_organisation_sort_name", table_name="organisation")
