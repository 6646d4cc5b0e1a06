"""What each stored render depended on, and the wiki templates' digests.

Stored renders are dropped here: they were made without a record of their dependencies, and
each re-renders once on its next view.

Revision ID: 9b1f4c2d7e60
Revises: 3c7a9e41d2b8
Create Date: 2026-11-30 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9b1f4c2d7e60"
down_revision = "3c7a9e41d2b8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM rendered_revisions")
    op.create_table(
        "render_dependencies",
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["rendered_revisions.revision_id"],
            name=op.f("fk_render_dependencies_revision_id_rendered_revisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("revision_id", "topic", name=op.f("pk_render_dependencies")),
    )
    with op.batch_alter_table("render_dependencies", schema=None) as batch_op:
        batch_op.create_index("ix_render_dependencies_topic", ["topic"], unique=False)
    op.create_table(
        "template_versions",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("digest", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_template_versions")),
    )
    with op.batch_alter_table("template_uses", schema=None) as batch_op:
        batch_op.drop_index("ix_template_uses_key")
    op.drop_table("template_uses")


def downgrade() -> None:
    op.create_table(
        "template_uses",
        sa.Column("from_page_id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=255), nullable=False),
        sa.Column("argument", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_page_id"], ["pages.id"],
            name=op.f("fk_template_uses_from_page_id_pages"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("from_page_id", "template", "argument",
                                name=op.f("pk_template_uses")),
    )
    with op.batch_alter_table("template_uses", schema=None) as batch_op:
        batch_op.create_index("ix_template_uses_key", ["template", "argument"], unique=False)
    op.drop_table("template_versions")
    with op.batch_alter_table("render_dependencies", schema=None) as batch_op:
        batch_op.drop_index("ix_render_dependencies_topic")
    op.drop_table("render_dependencies")
    op.execute("DELETE FROM rendered_revisions")
