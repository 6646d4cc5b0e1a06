"""A counter of invalidations, so that a render made outside the write lock can be stored
without re-asking its questions when nothing was invalidated meanwhile.

Revision ID: 4e7d2a9c1b35
Revises: 4e2a7c91b5d3
Create Date: 2026-11-30 13:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4e7d2a9c1b35"
down_revision = "4e2a7c91b5d3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "invalidation_epoch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invalidation_epoch")),
    )
    op.bulk_insert(table, [{"id": 1, "value": 0}])


def downgrade() -> None:
    op.drop_table("invalidation_epoch")
