"""Uploaded files: their bytes once per content (file_blobs) and every version of each file,
tied to the File: page that describes it (file_versions).

Revision ID: 6a3f9d2e8c14
Revises: 7c3e91a4d2b8
Create Date: 2026-11-30 16:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "6a3f9d2e8c14"
down_revision = "7c3e91a4d2b8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "file_blobs",
        sa.Column("sha1", sa.String(length=40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sha1", name=op.f("pk_file_blobs")),
    )
    op.create_table(
        "file_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("sha1", sa.String(length=40), nullable=False),
        sa.Column("mime", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploader", sa.String(length=255), nullable=False),
        sa.Column("uploader_is_ip", sa.Boolean(), nullable=False),
        sa.Column("timestamp", sa.DateTime(), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"],
                                name=op.f("fk_file_versions_page_id_pages")),
        sa.ForeignKeyConstraint(["sha1"], ["file_blobs.sha1"],
                                name=op.f("fk_file_versions_sha1_file_blobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_file_versions")),
    )
    with op.batch_alter_table("file_versions", schema=None) as batch_op:
        batch_op.create_index("ix_file_versions_page_id_id", ["page_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_file_versions_sha1"), ["sha1"], unique=False)
        batch_op.create_index(batch_op.f("ix_file_versions_timestamp"), ["timestamp"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("file_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_file_versions_timestamp"))
        batch_op.drop_index(batch_op.f("ix_file_versions_sha1"))
        batch_op.drop_index("ix_file_versions_page_id_id")
    op.drop_table("file_versions")
    op.drop_table("file_blobs")
