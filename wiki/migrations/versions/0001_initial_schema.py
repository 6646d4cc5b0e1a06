"""Initial schema: pages, revisions, links, template uses, render cache.

Revision ID: 5d8f21b320ca
Revises:
Create Date: 2026-11-28 01:26:41.876763

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5d8f21b320ca"
down_revision = None
branch_labels = None
depends_on = None


def _latest_revision_fk_inline() -> list[sa.ForeignKeyConstraint]:
    """SQLite cannot add a foreign key later, but accepts one to a table not yet created."""
    if op.get_bind().dialect.name != "sqlite":
        return []
    return [
        sa.ForeignKeyConstraint(
            ["latest_revision_id"], ["revisions.id"], name="fk_pages_latest_revision_id_revisions"
        )
    ]


def upgrade() -> None:
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("namespace", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("latest_revision_id", sa.Integer(), nullable=True),
        sa.Column("is_redirect", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        *_latest_revision_fk_inline(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
        sa.UniqueConstraint("namespace", "title", name="uq_pages_namespace_title"),
    )
    op.create_table(
        "links",
        sa.Column("from_page_id", sa.Integer(), nullable=False),
        sa.Column("to_namespace", sa.Integer(), nullable=False),
        sa.Column("to_title", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_page_id"],
            ["pages.id"],
            name=op.f("fk_links_from_page_id_pages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("from_page_id", "to_namespace", "to_title", name=op.f("pk_links")),
    )
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.create_index("ix_links_to", ["to_namespace", "to_title"], unique=False)

    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("timestamp", sa.DateTime(), nullable=False),
        sa.Column("author", sa.String(length=255), nullable=False),
        sa.Column("author_is_ip", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("minor", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha1", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name=op.f("fk_revisions_page_id_pages")),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["revisions.id"], name=op.f("fk_revisions_parent_id_revisions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revisions")),
    )
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.create_index("ix_revisions_page_id_id", ["page_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_revisions_timestamp"), ["timestamp"], unique=False)

    if op.get_bind().dialect.name != "sqlite":
        # pages and revisions point at each other; outside SQLite the second key comes after
        op.create_foreign_key(
            "fk_pages_latest_revision_id_revisions",
            "pages",
            "revisions",
            ["latest_revision_id"],
            ["id"],
        )

    op.create_table(
        "template_uses",
        sa.Column("from_page_id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=255), nullable=False),
        sa.Column("argument", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_page_id"],
            ["pages.id"],
            name=op.f("fk_template_uses_from_page_id_pages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "from_page_id", "template", "argument", name=op.f("pk_template_uses")
        ),
    )
    with op.batch_alter_table("template_uses", schema=None) as batch_op:
        batch_op.create_index("ix_template_uses_key", ["template", "argument"], unique=False)

    op.create_table(
        "rendered_revisions",
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("toc_json", sa.Text(), nullable=False),
        sa.Column("links_json", sa.Text(), nullable=False),
        sa.Column("rendered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["revisions.id"],
            name=op.f("fk_rendered_revisions_revision_id_revisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("revision_id", name=op.f("pk_rendered_revisions")),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_pages_latest_revision_id_revisions", "pages", type_="foreignkey")
    op.drop_table("rendered_revisions")
    with op.batch_alter_table("template_uses", schema=None) as batch_op:
        batch_op.drop_index("ix_template_uses_key")

    op.drop_table("template_uses")
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revisions_timestamp"))
        batch_op.drop_index("ix_revisions_page_id_id")

    op.drop_table("revisions")
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_index("ix_links_to")

    op.drop_table("links")
    op.drop_table("pages")
