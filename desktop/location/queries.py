"""Reads for the location features: a village's points for its map, and the database-wide checks.

Nothing here writes. The village map and the audit runner call these (the map from the task
runner, with its own session).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.geo import LatLon
from desktop.domain.location_rules import (
    FALLBACK_SOURCES,
    PointRow,
    many_on_one_point,
    village_location_problems,
)
from desktop.domain.location_settings import LocationSettings, location_settings
from desktop.domain.problems import Problem
from desktop.store.models import Division, Household


@dataclass(frozen=True, slots=True)
class MapHousehold:
    """One household as the village map needs it."""

    id: str
    household_number: str
    head_name: str | None
    status: str
    latitude: float | None
    longitude: float | None
    location_source: str | None
    accuracy_m: float | None
    away_long_term: bool


@dataclass(frozen=True)
class VillageMap:
    """A village, its committee point and its households, located or not."""

    village_id: str
    code: str
    name: str
    committee: LatLon | None
    located: list[MapHousehold] = field(default_factory=list)
    unlocated: list[MapHousehold] = field(default_factory=list)


def village_map(session: Session, village_id: str) -> VillageMap | None:
    """The map data of one administrative village (None if there is no such village)."""
    village = session.get(Division, village_id)
    if village is None:
        return None
    committee = None
    if village.committee_latitude is not None and village.committee_longitude is not None:
        committee = LatLon(village.committee_latitude, village.committee_longitude)
    rows = session.execute(
        select(
            Household.id,
            Household.household_number,
            Household.head_name,
            Household.status,
            Household.latitude,
            Household.longitude,
            Household.location_source,
            Household.location_accuracy_m,
            Household.away_long_term,
        )
        .where(Household.village_id == village_id, Household.deleted.is_(False))
        .order_by(Household.household_number)
    ).all()
    located, unlocated = [], []
    for row in rows:
        item = MapHousehold(*row)
        (located if item.latitude is not None and item.longitude is not None else unlocated).append(
            item
        )
    return VillageMap(village.id, village.code, village.name, committee, located, unlocated)


def point_rows(session: Session, *, village_id: str | None = None) -> list[PointRow]:
    """(id, latitude, longitude) of located households, leaving out the Q19 fallbacks."""
    query = select(Household.id, Household.latitude, Household.longitude).where(
        Household.deleted.is_(False),
        Household.latitude.is_not(None),
        Household.longitude.is_not(None),
        (Household.location_source.is_(None))
        | (Household.location_source.not_in(sorted(FALLBACK_SOURCES))),
    )
    if village_id is not None:
        query = query.where(Household.village_id == village_id)
    return [(hid, lat, lon) for hid, lat, lon in session.execute(query)]


def database_location_problems(
    session: Session, settings: LocationSettings | None = None
) -> list[Problem]:
    """The checks that need more than one household: committee points and shared points."""
    s = settings or location_settings()
    villages = session.scalars(
        select(Division)
        .where(Division.level == "village", Division.deleted.is_(False))
        .order_by(Division.code)
    ).all()
    problems: list[Problem] = []
    for village in villages:
        problems += village_location_problems(village, s)
    problems += many_on_one_point(point_rows(session), s)
    return problems
