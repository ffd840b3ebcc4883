"""Putting a chosen location on a household or a village, always with its source, accuracy and time.

A ``LocationChoice`` is what the capture dialog (or a script) decided: a GPS capture, typed
coordinates, or the Q19 fallback (original address or village committee, with a note and a
contact). ``apply_to_household`` sets the attributes on the ORM object and nothing else: the
caller saves through ``desktop.store.save.save_household`` so the change is audited, booked and
synced. ``apply_to_village`` does the same for a village committee (the caller writes it inside
``registry_writer`` until the store has a save path for divisions).

Times are naive Beijing time, like every local moment the store keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from desktop.domain.geo import LatLon
from desktop.domain.location_rules import (
    FALLBACK_SOURCES,
    GPS,
    MANUAL,
    ORIGINAL_ADDRESS,
    SOURCES,
    VILLAGE_COMMITTEE,
    household_location_problems,
)
from desktop.domain.location_settings import LocationSettings
from desktop.domain.phone import check_phone, normalize_phone
from desktop.domain.problems import Problem
from desktop.location.coords import ParsedPoint
from desktop.location.gps import Capture, beijing_time

HOUSEHOLD_FIELDS = (
    "latitude",
    "longitude",
    "location_source",
    "location_accuracy_m",
    "location_time",
    "away_long_term",
    "location_note",
    "location_contact",
)
COORDINATE_DECIMALS = 7  # about 1 cm


class LocationChoiceError(ValueError):
    """A choice that cannot be applied (unknown source, a fallback on a village …)."""


@dataclass(frozen=True, slots=True)
class LocationChoice:
    """A location to store, with where it came from.

    ``away_long_term``, ``note`` and ``contact`` are None to leave the household's values as
    they are (a GPS point for a family that is away but still has its house keeps its flag).
    """

    latitude: float
    longitude: float
    source: str
    accuracy_m: float | None
    taken_at: datetime
    away_long_term: bool | None = None
    note: str | None = None
    contact: str | None = None

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise LocationChoiceError(f"未知的位置来源“{self.source}”")


@dataclass(frozen=True, slots=True)
class CurrentLocation:
    """A household's stored location fields as plain values (what the dialog starts from)."""

    id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    location_source: str | None = None
    location_accuracy_m: float | None = None
    location_time: datetime | None = None
    away_long_term: bool = False
    location_note: str | None = None
    location_contact: str | None = None
    housing_area_m2: Any = None


@dataclass(frozen=True, slots=True)
class LocationContext:
    """What the capture dialog needs about the place it locates, read before it opens."""

    title: str
    committee: LatLon | None
    current: CurrentLocation | None  # None when locating a village committee

    @property
    def for_village(self) -> bool:
        return self.current is None


def context_for_household(household: Any) -> LocationContext:
    """The dialog's context for a household (reads its village: call it inside the session)."""
    from desktop.domain.location_rules import committee_of

    current = CurrentLocation(
        id=getattr(household, "id", None),
        housing_area_m2=getattr(household, "housing_area_m2", None),
        **{name: getattr(household, name) for name in HOUSEHOLD_FIELDS},
    )
    head = getattr(household, "head_name", None) or ""
    title = f"户编号 {household.household_number} {head}".strip()
    return LocationContext(title, committee_of(household), current)


def context_for_village(village: Any) -> LocationContext:
    """The dialog's context for a village committee (the title shows the point it has now)."""
    title = f"{village.name} 村委会"
    if village.committee_latitude is not None and village.committee_longitude is not None:
        title += f"(现有位置 {village.committee_latitude:.6f}, {village.committee_longitude:.6f})"
    return LocationContext(title, None, None)


def now_local() -> datetime:
    """The laptop's clock as naive Beijing time."""
    from desktop.location.gps import now_utc

    return beijing_time(now_utc())


def from_capture(capture: Capture, *, now: datetime | None = None) -> LocationChoice:
    """A GPS capture as a choice; the receiver's time when it gave a date, else the laptop's."""
    taken = beijing_time(capture.time_utc) if capture.time_utc else (now or now_local())
    return LocationChoice(
        latitude=round(capture.latitude, COORDINATE_DECIMALS),
        longitude=round(capture.longitude, COORDINATE_DECIMALS),
        source=GPS,
        accuracy_m=round(capture.accuracy_m, 1),
        taken_at=taken,
    )


def from_typed(point: ParsedPoint, *, now: datetime | None = None) -> LocationChoice:
    """Typed coordinates as a choice (their accuracy is unknown)."""
    return LocationChoice(
        latitude=round(point.latitude, COORDINATE_DECIMALS),
        longitude=round(point.longitude, COORDINATE_DECIMALS),
        source=MANUAL,
        accuracy_m=None,
        taken_at=now or now_local(),
    )


def fallback(
    source: str,
    point: LatLon,
    *,
    note: str,
    contact: str,
    now: datetime | None = None,
) -> LocationChoice:
    """The Q19 fallback: the original address or the committee's point, with note and contact.

    The note and contact are kept as typed (a valid phone in its canonical form); the audit
    refuses the save when they are missing or the phone is wrong, so nothing typed is lost.
    """
    if source not in FALLBACK_SOURCES:
        raise LocationChoiceError(f"“{source}”不是原住址或村委会位置")
    contact = (contact or "").strip()
    if contact and not check_phone(contact):
        contact = normalize_phone(contact)
    return LocationChoice(
        latitude=round(point.latitude, COORDINATE_DECIMALS),
        longitude=round(point.longitude, COORDINATE_DECIMALS),
        source=source,
        accuracy_m=None,
        taken_at=now or now_local(),
        away_long_term=True,
        note=(note or "").strip(),
        contact=contact,
    )


def apply_to_household(household: Any, choice: LocationChoice) -> list[str]:
    """Set the location attributes of ``household``; returns the names of those that changed."""
    values: dict[str, Any] = {
        "latitude": choice.latitude,
        "longitude": choice.longitude,
        "location_source": choice.source,
        "location_accuracy_m": choice.accuracy_m,
        "location_time": choice.taken_at,
    }
    if choice.away_long_term is not None:
        values["away_long_term"] = choice.away_long_term
    if choice.note is not None:
        values["location_note"] = choice.note or None
    if choice.contact is not None:
        values["location_contact"] = choice.contact or None
    changed = []
    for name, value in values.items():
        if getattr(household, name) != value:
            setattr(household, name, value)
            changed.append(name)
    return changed


def clear_household_location(household: Any) -> list[str]:
    """Remove the point and everything about it (a wrong point is better absent than kept)."""
    changed = []
    for name in HOUSEHOLD_FIELDS:
        empty: Any = False if name == "away_long_term" else None
        if getattr(household, name) != empty:
            setattr(household, name, empty)
            changed.append(name)
    return changed


def apply_to_village(village: Any, choice: LocationChoice) -> list[str]:
    """Set a village committee's location (GPS or typed only: a committee has no fallback)."""
    if choice.source in (ORIGINAL_ADDRESS, VILLAGE_COMMITTEE):
        raise LocationChoiceError("村委会位置只能用 GPS 采集或手工输入")
    values = {
        "committee_latitude": choice.latitude,
        "committee_longitude": choice.longitude,
        "committee_location_source": choice.source,
        "committee_location_time": choice.taken_at,
    }
    changed = []
    for name, value in values.items():
        if getattr(village, name) != value:
            setattr(village, name, value)
            changed.append(name)
    return changed


def preview_problems(
    household: Any,
    choice: LocationChoice,
    *,
    committee: LatLon | None = None,
    settings: LocationSettings | None = None,
) -> list[Problem]:
    """The location problems the household would have with ``choice``, without touching it."""
    current = {name: getattr(household, name, None) for name in HOUSEHOLD_FIELDS}
    view = SimpleNamespace(
        id=getattr(household, "id", None),
        village=getattr(household, "village", None),
        housing_area_m2=getattr(household, "housing_area_m2", None),
        **current,
    )
    apply_to_household(view, choice)
    return household_location_problems(view, committee=committee, settings=settings)
