"""Revisions remember whether they came from an imported dump, so history can say so.

Revision ID: 7c3e91a4d2b8
Revises: 4e7d2a9c1b35
Create Date: 2026-11-30 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c3e91a4d2b8"
down_revision = "4e7d2a9c1b35"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch: on SQLite a batch would copy revisions to a new table,
    # which the foreign keys pointing at it forbid once pages exist.
    op.add_column("revisions", sa.Column("imported", sa.Boolean(), server_default=sa.false(),
                                         nullable=False))


def downgrade() -> None:
    # Not a batch either: ALTER TABLE ... DROP COLUMN works on both engines.
    op.execute("ALTER TABLE revisions DROP COLUMN imported")
