"""Drafts: what an open household form held when it was last autosaved.

A form autosaves its payload (``desktop.store.household_edit``) every few seconds while it has
unsaved changes; each autosave is its own committed transaction, so a crash or a power cut loses
at most the last few seconds. A draft is deleted when its form is saved or its changes are
discarded; one that is still there on the next start is offered back.

Drafts live in the local ``drafts`` table, never in the registry and never synced. The key is the
household's id, or ``new-<uuid>`` for a household that was never saved.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop.store.models import Draft, utcnow
from desktop.store.settings import get_setting

AUTOSAVE_SETTING = "draft_autosave_seconds"
"""Setting: seconds between two autosaves of an open form with unsaved changes."""
DEFAULT_AUTOSAVE_SECONDS = 3.0
MIN_AUTOSAVE_SECONDS = 0.2
NEW_PREFIX = "new-"


@dataclass(frozen=True)
class DraftData:
    """A stored draft. ``saved_at`` is UTC (naive)."""

    key: str
    household_id: str | None
    user_name: str
    payload: dict[str, Any]
    saved_at: datetime

    @property
    def is_new_household(self) -> bool:
        return self.household_id is None


def draft_key(household_id: str | None) -> str:
    """The key of a household's draft; a household never saved gets a fresh ``new-…`` key."""
    return household_id if household_id else f"{NEW_PREFIX}{uuid.uuid4()}"


def _data(row: Draft) -> DraftData:
    return DraftData(
        key=row.draft_key,
        household_id=row.household_id,
        user_name=row.user_name,
        payload=dict(row.payload or {}),
        saved_at=row.saved_at,
    )


def save_draft(
    session: Session,
    key: str,
    payload: dict[str, Any],
    *,
    household_id: str | None,
    user_name: str,
    now: datetime | None = None,
) -> DraftData:
    """Store (or replace) the draft under ``key`` and commit it at once."""
    row = session.get(Draft, key)
    if row is None:
        row = Draft(draft_key=key)
        session.add(row)
    row.household_id = household_id
    row.user_name = user_name
    row.payload = payload
    row.saved_at = now or utcnow()
    session.commit()
    return _data(row)


def load_draft(session: Session, key: str) -> DraftData | None:
    """The draft stored under ``key``, or None."""
    row = session.get(Draft, key)
    return _data(row) if row is not None else None


def delete_draft(session: Session, key: str) -> bool:
    """Delete the draft under ``key`` and commit; whether there was one."""
    result = session.execute(delete(Draft).where(Draft.draft_key == key))
    session.commit()
    return bool(result.rowcount)


def list_drafts(session: Session, *, user_name: str | None = None) -> list[DraftData]:
    """Stored drafts, newest first; only ``user_name``'s when given."""
    query = select(Draft).order_by(Draft.saved_at.desc(), Draft.draft_key)
    if user_name is not None:
        query = query.where(Draft.user_name == user_name)
    return [_data(row) for row in session.scalars(query)]


def autosave_seconds(session: Session) -> float:
    """The autosave interval of this database (setting ``draft_autosave_seconds``, default 3 s)."""
    raw = get_setting(session, AUTOSAVE_SETTING)
    try:
        seconds = float(raw) if raw is not None else DEFAULT_AUTOSAVE_SECONDS
    except ValueError:
        seconds = DEFAULT_AUTOSAVE_SECONDS
    return max(seconds, MIN_AUTOSAVE_SECONDS)
