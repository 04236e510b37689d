"""drop the index on relationship.type

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 17:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Five values: SQLite's planner chose it over ix_relationship_source_id and scanned every
    # member_of row to find 25 organisations' groups (5 ms per directory page at 25,000).
    with op.batch_alter_table("relationship", schema=None) as batch_op:
        batch_op.drop_index("ix_relationship_type")


def downgrade() -> None:
    with op.batch_alter_table("relationship", schema=None) as batch_op:
        batch_op.create_index("ix_relationship_type", ["type"], unique=False)
