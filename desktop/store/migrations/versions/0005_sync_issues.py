"""sync history: refused and conflicting changes kept until dealt with

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_issues",
        sa.Column("change_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("household_id", sa.String(length=36), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_sync_issues")),
    )
    with op.batch_alter_table("sync_issues", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_issues_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sync_issues_resolved_at"), ["resolved_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sync_issues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_issues_resolved_at"))
        batch_op.drop_index(batch_op.f("ix_sync_issues_household_id"))
    op.drop_table("sync_issues")
