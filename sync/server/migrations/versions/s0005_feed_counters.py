"""the feed numbered per county: feed_counters, change_log keyed by (county_code, server_seq)

Every county gets a counter row that a push locks for its transaction (``sync.server.feed``),
instead of one advisory lock and one sequence for the whole server. Existing feed rows keep their
numbers; every county's counter starts at the feed's highest number so far, so a cursor a laptop
holds (a ``server_seq`` of any county, or a snapshot's high-water mark) never lies above the next
number its county gives.

Revision ID: s0005
Revises: s0004
Create Date: 2026-12-04 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0005"
down_revision: str | None = "s0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _change_log(key: tuple[str, ...]) -> sa.Table:
    """``change_log`` as of s0002 plus ``county_code``, with ``key`` as its primary key."""
    return sa.Table(
        "change_log",
        sa.MetaData(),
        sa.Column("server_seq", sa.Integer(), autoincrement=False, nullable=False),
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
        sa.Column("household_id", sa.String(length=36), nullable=True),
        sa.Column("county_code", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint(*key, name="pk_change_log"),
        sa.Index("ix_change_log_entity", "entity", "entity_id", "version"),
        sa.Index("ix_change_log_village_seq", "village_code", "server_seq"),
    )


def upgrade() -> None:
    op.create_table(
        "feed_counters",
        sa.Column("county_code", sa.String(length=20), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", name=op.f("pk_feed_counters")),
    )
    op.add_column("change_log", sa.Column("county_code", sa.String(length=20), nullable=True))
    op.execute("UPDATE change_log SET county_code = substr(village_code, 1, 6)")
    op.execute(
        "INSERT INTO feed_counters (county_code, last_seq) "
        "SELECT county_code, (SELECT max(server_seq) FROM change_log) "
        "FROM change_log GROUP BY county_code"
    )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite changes a primary key only by copying the table: into this layout
        with op.batch_alter_table(
            "change_log", recreate="always", copy_from=_change_log(("county_code", "server_seq"))
        ):
            pass
        return
    op.alter_column("change_log", "county_code", existing_type=sa.String(20), nullable=False)
    op.drop_constraint("pk_change_log", "change_log", type_="primary")
    op.create_primary_key("pk_change_log", "change_log", ["county_code", "server_seq"])
    op.execute("ALTER TABLE change_log ALTER COLUMN server_seq DROP DEFAULT")
    op.execute("DROP SEQUENCE IF EXISTS change_log_server_seq_seq")


def downgrade() -> None:
    """One sequence again: the rows are numbered anew in the order they were applied, so every
    laptop's cursor is stale afterwards (they provision from a snapshot again)."""
    rows = op.get_bind().execute(
        sa.text("SELECT county_code, server_seq FROM change_log ORDER BY applied_at, server_seq")
    ).all()
    op.execute("UPDATE change_log SET server_seq = -server_seq")
    renumber = sa.text(
        "UPDATE change_log SET server_seq = :new WHERE county_code = :county AND server_seq = :old"
    )
    for new, (county, old) in enumerate(rows, start=1):
        op.get_bind().execute(renumber, {"new": new, "county": county, "old": -old})
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "change_log", recreate="always", copy_from=_change_log(("server_seq",))
        ) as batch_op:
            batch_op.drop_column("county_code")
    else:
        op.drop_constraint("pk_change_log", "change_log", type_="primary")
        op.drop_column("change_log", "county_code")
        op.create_primary_key("pk_change_log", "change_log", ["server_seq"])
        op.execute("CREATE SEQUENCE change_log_server_seq_seq OWNED BY change_log.server_seq")
        op.execute(
            "SELECT setval('change_log_server_seq_seq', "
            "(SELECT coalesce(max(server_seq), 0) + 1 FROM change_log), false)"
        )
        op.execute(
            "ALTER TABLE change_log ALTER COLUMN server_seq "
            "SET DEFAULT nextval('change_log_server_seq_seq')"
        )
    op.drop_table("feed_counters")
