"""Account safety: each account's look-alike key and session version, and failed logins kept in
the database so every server process counts them together.

Existing accounts get their look-alike key computed here; every session that logged in before
this migration ends once (it has no session version to compare).

Revision ID: 4e2a7c91b5d3
Revises: 9b1f4c2d7e60
Create Date: 2026-12-01 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

from wiki.usernames import skeleton

# revision identifiers, used by Alembic.
revision = "4e2a7c91b5d3"
down_revision = "9b1f4c2d7e60"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_skeleton", sa.String(length=512), nullable=True))
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="0",
                                      nullable=False))
    users = sa.table("users", sa.column("id", sa.Integer()), sa.column("name", sa.String()),
                     sa.column("name_skeleton", sa.String()))
    connection = op.get_bind()
    for user_id, name in connection.execute(sa.select(users.c.id, users.c.name)).all():
        connection.execute(sa.update(users).where(users.c.id == user_id)
                           .values(name_skeleton=skeleton(name)))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("name_skeleton", existing_type=sa.String(length=512),
                              nullable=False)
        batch_op.create_index(batch_op.f("ix_users_name_skeleton"), ["name_skeleton"],
                              unique=False)

    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("throttle_key", sa.String(length=320), nullable=False),
        sa.Column("failed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failures_failed_at"), ["failed_at"],
                              unique=False)
        batch_op.create_index("ix_login_failures_key_failed_at", ["throttle_key", "failed_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_key_failed_at")
        batch_op.drop_index(batch_op.f("ix_login_failures_failed_at"))
    op.drop_table("login_failures")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_name_skeleton"))
        batch_op.drop_column("session_version")
        batch_op.drop_column("name_skeleton")
