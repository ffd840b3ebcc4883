"""The server's own tables, beside the registry tables, with their own MetaData and migrations.

Where the data lives (a departure from SYNC.md's ``records(… data JSON)``): pushed changes are
applied straight into the **registry tables** (the laptop's schema, opened by
``desktop.store.db.open_database``), and this module adds only what the registry does not have:

- ``record_versions``: the version at which each field of a record last changed and the device
  that wrote it (the per-field clock of the merge). The record's own ``version`` and ``deleted`` tombstone are the registry
  row's columns, so there is one truth for them.
- ``change_log``: the pull feed, one row per change that wrote something, with the fields it
  wrote (after the merge) and the village it belongs to; ``server_seq`` is numbered per county
  (``county_code``, the village code's first six digits) by that county's ``feed_counters`` row.
- ``feed_counters``: one row per county, the last ``server_seq`` its feed gave; a push locks the
  rows of its counties for its whole transaction (``sync.server.feed``), so one county's pushes
  take their numbers and commit one after another while other counties' pushes run beside them.
- ``applied_changes``: the dedup ledger: every answered ``change_id`` with its payload hash and
  first outcome.
- ``devices`` / ``enrollment_codes``: who may push and pull which villages, in which role (tokens
  and codes are stored as SHA-256 hashes only; a device's Ed25519 public key checks the bundles
  it writes for USB transfer).
- ``conflicts``: both values of every field two edits disagreed on, for the township reviewer.

Why the registry tables and not a JSON ``records`` table: (1) a value the server accepted is one
every laptop can write, because the server wrote it into the very same columns and constraints
first; with a JSON store a bad date or a dangling reference would be accepted once and then stop
every laptop's pull at the same feed entry, forever; (2) the county's reports, audits and the
export for the national system run on the server with the same ``desktop.store`` queries and
``desktop.domain`` rules as on a laptop; (3) the village of a record is derived from the registry
(household -> village division), so a device cannot write into a village that is not its own by
naming another village code in its change. The price: the server needs the division tree (with
the same ids as the laptops) before households can be pushed, and parents must arrive before
children (the save path sends them in that order).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from desktop.store.models import NAMING_CONVENTION, utcnow

VERSION_TABLE = "alembic_version_server"
ROLES = ("field_worker", "reviewer", "admin")
"""A device's role (the desktop's ``desktop.domain.roles.Role`` values): reviewers and
administrators may read the county reports and resolve conflicts."""


class ServerBase(DeclarativeBase):
    """Declarative base of the server's tables; separate MetaData, separate Alembic history."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class RecordVersions(ServerBase):
    """The per-field versions of one registry record (the merge's clock)."""

    __tablename__ = "record_versions"

    entity: Mapped[str] = mapped_column(String(30), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    field_versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    field_writers: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )


class ChangeLogEntry(ServerBase):
    """One entry of the pull feed: what one change wrote, after the merge."""

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_village_seq", "village_code", "server_seq"),
        Index("ix_change_log_entity", "entity", "entity_id", "version"),
    )

    county_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    server_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    change_id: Mapped[str | None] = mapped_column(String(36))
    device_id: Mapped[str | None] = mapped_column(String(36))
    origin: Mapped[str | None] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(36))
    village_code: Mapped[str] = mapped_column(String(20))
    household_id: Mapped[str | None] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(String(10))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    edited_at: Mapped[str | None] = mapped_column(String(40))
    applied_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class FeedCounter(ServerBase):
    """The last ``server_seq`` one county's feed gave (the county's writer lock, too)."""

    __tablename__ = "feed_counters"

    county_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class AppliedChange(ServerBase):
    """The dedup ledger: each answered change, its payload hash and its first outcome."""

    __tablename__ = "applied_changes"
    __table_args__ = (UniqueConstraint("device_id", "device_seq"),)

    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    device_seq: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[str] = mapped_column(String(64))
    payload_hash: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(36))
    outcome: Mapped[str] = mapped_column(String(10))  # applied | merged | conflict | refused
    version: Mapped[int | None] = mapped_column(Integer)
    server_seq: Mapped[int | None] = mapped_column(Integer)
    reason_code: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str | None] = mapped_column(Text)
    applied_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Device(ServerBase):
    """An enrolled laptop: its token hash, its villages, the last device_seq it was answered."""

    __tablename__ = "devices"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64))
    villages: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_acked_seq: Mapped[int] = mapped_column(Integer, default=0)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    hostname: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(
        String(20), default="field_worker", server_default="field_worker"
    )
    public_key: Mapped[str | None] = mapped_column(String(64))
    retry_token_hashes: Mapped[list[str]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )


class EnrollmentCode(ServerBase):
    """A one-time code that an administrator hands to a laptop (text or QR)."""

    __tablename__ = "enrollment_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    villages: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    device_id: Mapped[str | None] = mapped_column(String(36))
    role: Mapped[str] = mapped_column(
        String(20), default="field_worker", server_default="field_worker"
    )


class Conflict(ServerBase):
    """Two edits disagreed on one field: the server value stayed, the incoming one is kept here."""

    __tablename__ = "conflicts"
    __table_args__ = (Index("ix_conflicts_village_status", "village_code", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    village_code: Mapped[str | None] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(40))
    base_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    server_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    incoming_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    change_id: Mapped[str] = mapped_column(String(36), index=True)
    device_id: Mapped[str] = mapped_column(String(36))
    edited_at: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | resolved
    resolved_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(60))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_change_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
