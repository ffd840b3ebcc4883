"""device roles and bundle keys, per-field writers, the household of each feed entry, resolutions

Revision ID: s0002
Revises: s0001
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0002"
down_revision: str | None = "s0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("record_versions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("field_writers", sa.JSON(), server_default=sa.text("'{}'"), nullable=False)
        )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("household_id", sa.String(length=36), nullable=True))
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=20), server_default="field_worker", nullable=False)
        )
        batch_op.add_column(sa.Column("public_key", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column(
                "retry_token_hashes", sa.JSON(), server_default=sa.text("'[]'"), nullable=False
            )
        )
    with op.batch_alter_table("enrollment_codes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=20), server_default="field_worker", nullable=False)
        )
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolved_change_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.drop_column("resolved_change_id")
    with op.batch_alter_table("enrollment_codes", schema=None) as batch_op:
        batch_op.drop_column("role")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_column("retry_token_hashes")
        batch_op.drop_column("public_key")
        batch_op.drop_column("role")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_column("household_id")
    with op.batch_alter_table("record_versions", schema=None) as batch_op:
        batch_op.drop_column("field_writers")
