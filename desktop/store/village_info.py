"""Read and save a village's own information (guide Q3, Q18) through the one save path.

``save_village_info`` checks the new values with ``desktop.domain.village``, sets them on the
village row and saves it with ``save_village_rows``: one book entry per changed field (entity
``divisions``, no household) and one outbox change carrying the village's code, in one
transaction, so the village syncs like a household. ``village_history`` is the village's book.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.location_rules import village_location_problems
from desktop.domain.policy import PolicyYear
from desktop.domain.problems import Problem
from desktop.domain.village import VILLAGE_FIELDS, VillageInfo, village_info_problems
from desktop.store.models import Division, LedgerEntry
from desktop.store.save import SaveResult, save_village_rows
from desktop.store.settings import working_policy

REASON = "村级信息更新(导引第3、18问)"


class VillageNotFound(LookupError):
    """No administrative village has that id or code; the message is for the person."""


class VillageInfoRefused(Exception):
    """The village was not saved: its new values have errors. Nothing was written."""

    def __init__(self, problems: list[Problem], message: str) -> None:
        super().__init__(message)
        self.problems = problems
        self.message = message


@dataclass
class VillageSaveResult:
    """What a village save wrote, and the warnings it was saved with."""

    changed: list[str]
    warnings: list[Problem] = field(default_factory=list)
    saved: SaveResult | None = None


@dataclass(frozen=True)
class VillageBookLine:
    """One entry of a village's book."""

    at: datetime
    actor: str
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None


def find_village(session: Session, key: str) -> Division:
    """The administrative village with this id or 12-digit code."""
    village = session.scalars(
        select(Division).where(
            Division.level == "village", (Division.id == key) | (Division.code == key)
        )
    ).first()
    if village is None:
        raise VillageNotFound(f"找不到行政村 {key}")
    return village


def info_of(village: Division) -> VillageInfo:
    """The village row's own information as plain values."""
    return VillageInfo(
        id=village.id,
        code=village.code,
        name=village.name,
        **{name: getattr(village, name) for name in VILLAGE_FIELDS},
    )


def read_village_info(session: Session, key: str) -> VillageInfo:
    """The village's own information (by id or code)."""
    return info_of(find_village(session, key))


def village_problems(info: VillageInfo, *, policy: PolicyYear) -> list[Problem]:
    """Every problem of the village's information: its own rules and its committee location."""
    return village_info_problems(info, policy=policy) + village_location_problems(info)


def save_village_info(
    session: Session,
    key: str,
    changes: Mapping[str, Any],
    *,
    actor: str,
    policy: PolicyYear | None = None,
    reason: str = REASON,
) -> VillageSaveResult:
    """Set ``changes`` (field -> new value) on the village and save it, booked and queued.

    Errors refuse the whole save (``VillageInfoRefused``, nothing written); warnings come back
    with the result. Only the fields of ``VILLAGE_FIELDS`` may change. Saving the values the
    village already has writes nothing.
    """
    unknown = sorted(set(changes) - set(VILLAGE_FIELDS))
    if unknown:
        raise ValueError(f"not a village field: {', '.join(unknown)}")
    village = find_village(session, key)
    policy = policy or working_policy(session)
    current = info_of(village)
    values = {**current.values(), **dict(changes)}
    proposed = VillageInfo(id=current.id, code=current.code, name=current.name, **values)
    problems = village_problems(proposed, policy=policy)
    blocking = [p for p in problems if p.is_error]
    if blocking:
        raise VillageInfoRefused(problems, f"有 {len(blocking)} 个错误,不能保存")
    changed = [name for name in VILLAGE_FIELDS if getattr(village, name) != values[name]]
    warnings = [p for p in problems if not p.is_error]
    if not changed:
        return VillageSaveResult([], warnings)
    for name in changed:
        setattr(village, name, values[name])
    saved = save_village_rows(session, village, [village], actor=actor, reason=reason)
    return VillageSaveResult(changed, warnings, saved)


def village_history(session: Session, key: str) -> list[VillageBookLine]:
    """The village's own book: every booked change of the village row, oldest first."""
    village = find_village(session, key)
    return [
        VillageBookLine(e.at, e.actor, e.field, e.old_value, e.new_value, e.reason)
        for e in session.scalars(
            select(LedgerEntry)
            .where(
                LedgerEntry.entity == Division.__tablename__, LedgerEntry.entity_id == village.id
            )
            .order_by(LedgerEntry.seq)
        )
    ]
