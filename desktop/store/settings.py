"""Small facts kept in the database itself: the device, the county, the policy year being worked."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.policy import PolicyYear, policy_for, policy_year
from desktop.store.models import Setting

POLICY_YEAR_KEY = "policy_year"


def get_setting(session: Session, key: str, default: str | None = None) -> str | None:
    """The stored value of ``key``, or ``default``."""
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return default if value is None else value


def set_setting(session: Session, key: str, value: str) -> None:
    """Store ``key``; the caller commits."""
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def working_policy(session: Session, *, today: date | None = None) -> PolicyYear:
    """The policy year this database is worked under: its setting, else the year in force today."""
    stored = get_setting(session, POLICY_YEAR_KEY)
    if stored is not None:
        return policy_year(int(stored))
    return policy_for(today or date.today())
