"""Category membership of pages.

Revision ID: ef918a53eef3
Revises: 845ef64e53be
Create Date: 2026-11-28 01:35:53.111523

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "ef918a53eef3"
down_revision = "845ef64e53be"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "category_links",
        sa.Column("from_page_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_page_id"],
            ["pages.id"],
            name=op.f("fk_category_links_from_page_id_pages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("from_page_id", "category", name=op.f("pk_category_links")),
    )
    with op.batch_alter_table("category_links", schema=None) as batch_op:
        batch_op.create_index("ix_category_links_category", ["category"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("category_links", schema=None) as batch_op:
        batch_op.drop_index("ix_category_links_category")

    op.drop_table("category_links")
