"""household operations: the record behind every status or flag change (issue 12)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "household_operations",
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("operation", sa.String(length=20), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.Column("policy_year", sa.Integer(), nullable=False),
        sa.Column("status_before", sa.String(length=16), nullable=True),
        sa.Column("status_after", sa.String(length=16), nullable=True),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_household_operations_household_id_households"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_operations")),
    )
    with op.batch_alter_table("household_operations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_household_operations_household_id"), ["household_id"], unique=False
        )
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.add_column(sa.Column("operation_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_column("operation_id")
    with op.batch_alter_table("household_operations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_operations_household_id"))
    op.drop_table("household_operations")
