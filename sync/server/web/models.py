"""The staff's tables: web accounts, their sessions, the audit log and the cookie key.

They live on ``ServerBase`` (the server's own MetaData and Alembic history, revision ``s0004``).
Passwords are argon2id hashes; a session is kept as the SHA-256 of its random id (the cookie
holds the id, signed), with the CSRF token of its forms. The audit log records who signed in
and who opened which internal list, by division code or record id only: never a name, an ID
number or a phone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import utcnow
from sync.server.models import ServerBase

STAFF_ROLES = ("township_reviewer", "county_admin")
"""A staff account's role: a township's reviewer (their township only) or the county office."""


class StaffUser(ServerBase):
    """A person of the township or county office who signs in to the web pages."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    township_code: Mapped[str | None] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)


class StaffSession(ServerBase):
    """A signed-in browser: the hash of its session id, its user, its CSRF token, its expiry."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class StaffAudit(ServerBase):
    """One audited event: a sign-in (or a refused one) or a view of an internal list."""

    __tablename__ = "staff_audit"
    __table_args__ = (Index("ix_staff_audit_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_name: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(100))


class WebKey(ServerBase):
    """A secret of the web pages kept in the database (the cookie-signing key), so that every
    server process signs alike and a restart keeps everyone signed in."""

    __tablename__ = "web_keys"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
