"""the server's tables: record versions, change log, applied changes, devices, enrollment codes, conflicts

Revision ID: s0001
Revises:
Create Date: 2026-11-29 04:51:19.410447
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "applied_changes",
        sa.Column("change_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("device_seq", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("server_seq", sa.Integer(), nullable=True),
        sa.Column("reason_code", sa.String(length=40), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_applied_changes")),
        sa.UniqueConstraint("device_id", "device_seq", name=op.f("uq_applied_changes_device_id")),
    )
    with op.batch_alter_table("applied_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_applied_changes_device_id"), ["device_id"], unique=False
        )

    op.create_table(
        "change_log",
        sa.Column("server_seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("change_id", sa.String(length=36), nullable=True),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("origin", sa.String(length=60), nullable=True),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("village_code", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("edited_at", sa.String(length=40), nullable=True),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("server_seq", name=op.f("pk_change_log")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_change_log_entity", ["entity", "entity_id", "version"], unique=False
        )
        batch_op.create_index(
            "ix_change_log_village_seq", ["village_code", "server_seq"], unique=False
        )

    op.create_table(
        "conflicts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("village_code", sa.String(length=20), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("base_value", sa.JSON(), nullable=True),
        sa.Column("server_value", sa.JSON(), nullable=True),
        sa.Column("incoming_value", sa.JSON(), nullable=True),
        sa.Column("change_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("edited_at", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("resolved_value", sa.JSON(), nullable=True),
        sa.Column("resolved_by", sa.String(length=60), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflicts")),
    )
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conflicts_change_id"), ["change_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_conflicts_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(
            "ix_conflicts_village_status", ["village_code", "status"], unique=False
        )

    op.create_table(
        "devices",
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("villages", sa.JSON(), nullable=False),
        sa.Column("last_acked_seq", sa.Integer(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.Column("hostname", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_devices")),
    )
    op.create_table(
        "enrollment_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("villages", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_enrollment_codes")),
    )
    op.create_table(
        "record_versions",
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("field_versions", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "entity_id", name=op.f("pk_record_versions")),
    )


def downgrade() -> None:

    op.drop_table("record_versions")
    op.drop_table("enrollment_codes")
    op.drop_table("devices")
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.drop_index("ix_conflicts_village_status")
        batch_op.drop_index(batch_op.f("ix_conflicts_entity_id"))
        batch_op.drop_index(batch_op.f("ix_conflicts_change_id"))

    op.drop_table("conflicts")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_change_log_village_seq")
        batch_op.drop_index("ix_change_log_entity")

    op.drop_table("change_log")
    with op.batch_alter_table("applied_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applied_changes_device_id"))

    op.drop_table("applied_changes")
