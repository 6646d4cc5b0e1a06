"""A second invalidation counter: the writes that change whether a title is a page or what an
uploaded file is, so that renders can share those answers while it stays the same.

Revision ID: 8d2c5e7a4f19
Revises: 6a3f9d2e8c14
Create Date: 2026-12-01 11:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8d2c5e7a4f19"
down_revision = "6a3f9d2e8c14"
branch_labels = None
depends_on = None

_epochs = sa.table("invalidation_epoch",
                   sa.column("id", sa.Integer), sa.column("value", sa.Integer))


def upgrade() -> None:
    # Starts at the count of all invalidations so far: never lower than a value it had before.
    op.execute(sa.insert(_epochs).from_select(
        ["id", "value"], sa.select(sa.literal(2), _epochs.c.value).where(_epochs.c.id == 1)))


def downgrade() -> None:
    op.execute(sa.delete(_epochs).where(_epochs.c.id == 2))
