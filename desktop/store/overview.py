"""Counts that describe a database at a glance (``fieldbook info``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.store.models import Division, Household, Member, OutboxChange

FLAG_COLUMNS = {
    "marginal": Household.marginal,
    "monitored": Household.monitored,
    "away_long_term": Household.away_long_term,
}


def database_overview(session: Session) -> dict[str, Any]:
    """Households and members by status, flag and village, and the changes not yet synced."""
    live = Household.deleted.is_(False)
    households = session.scalar(select(func.count()).where(live)) or 0
    members = (
        session.scalar(
            select(func.count())
            .select_from(Member)
            .where(Member.deleted.is_(False), Member.left_date.is_(None))
        )
        or 0
    )
    by_status = dict(
        session.execute(
            select(Household.status, func.count()).where(live).group_by(Household.status)
        ).all()
    )
    by_flag = {
        name: session.scalar(select(func.count()).where(live, column.is_(True))) or 0
        for name, column in FLAG_COLUMNS.items()
    }
    village_rows = session.execute(
        select(Division.code, Division.name, Division.is_poor_village, func.count(Household.id))
        .join(Household, (Household.village_id == Division.id) & live, isouter=True)
        .where(Division.level == "village")
        .group_by(Division.id)
        .order_by(Division.code)
    ).all()
    unsynced = (
        session.scalar(
            select(func.count()).select_from(OutboxChange).where(OutboxChange.state == "pending")
        )
        or 0
    )
    return {
        "households": households,
        "members": members,
        "by_status": by_status,
        "by_flag": by_flag,
        "by_village": [
            {"code": code, "name": name, "is_poor_village": bool(poor), "households": count}
            for code, name, poor, count in village_rows
        ],
        "unsynced_changes": unsynced,
    }
