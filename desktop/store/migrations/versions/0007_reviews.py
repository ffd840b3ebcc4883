"""household reviews: a reviewer's verdict (accepted or returned with a comment), synced (issue 17)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "household_reviews",
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(length=40), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_household_reviews_household_id_households"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_reviews")),
    )
    with op.batch_alter_table("household_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_household_reviews_household_id"), ["household_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("household_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_reviews_household_id"))
    op.drop_table("household_reviews")
