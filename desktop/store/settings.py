"""Small facts kept in the database itself: the device, the county, the policy year being worked."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.policy import PolicyYear, policy_for, policy_year
from desktop.store.models import Setting

POLICY_YEAR_KEY = "policy_year"
PRACTICE_DATE_KEY = "practice_date"
DEMO_SEED_KEY = "demo_seed"


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


def is_practice_database(session: Session) -> bool:
    """Whether this is the practice (demo) county: only a demo database carries its seed."""
    return get_setting(session, DEMO_SEED_KEY) is not None


def practice_date(session: Session) -> date | None:
    """The practice county's date, or ``None``: a real database always runs on the real clock.

    The demo stores the date it runs on (``practice_date``, inside its policy year's work window)
    so every step of the walk-through works on any real date; a demo file made before the date
    was stored runs on its policy year's snapshot date. A ``practice_date`` setting in a database
    that is not a demo is ignored.
    """
    if not is_practice_database(session):
        return None
    stored = get_setting(session, PRACTICE_DATE_KEY)
    if stored:
        try:
            return datetime.fromisoformat(stored).date()  # a day, or a moment of that day
        except ValueError:
            pass
    return working_policy(session).snapshot_date
