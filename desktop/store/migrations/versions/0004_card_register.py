"""the card register: one synced row per household card printed

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 15:50:00.000000

No data moves: a card recorded before the register (``households.card_issue``) stays in force
until a higher issue is registered.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "card_issues",
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("issue", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by", sa.String(length=40), nullable=False),
        sa.Column("reprint", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_card_issues_household_id_households"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_issues")),
    )
    with op.batch_alter_table("card_issues", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_card_issues_household_id"), ["household_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("card_issues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_issues_household_id"))
    op.drop_table("card_issues")
