"""The registry as it stood at the start of a day, rebuilt from the household book (guide Q13).

Every write books each changed field with its old value (``LedgerEntry``), so the values a row
had at a moment are its values now with every later entry undone, oldest first. A row whose
creation was booked after that moment did not exist yet: a bulk load books a household's
creation as field ``*``, and every other create books a NOT NULL column (the household's
number, a member's household …) with no old value, which an update never does.

The day is a calendar day in Beijing time (the book's times are UTC); "as of 2019-10-01" means
before anything booked on 2019-10-01, i.e. before the work began that day.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, Numeric, select
from sqlalchemy.orm import Session

from desktop.domain.policy import BEIJING
from desktop.store.models import Base, LedgerEntry

BULK_FIELD = "*"


def day_start_utc(day: date) -> datetime:
    """The first moment of ``day`` in Beijing, as the book's naive UTC time."""
    return datetime.combine(day, time(), tzinfo=BEIJING).astimezone(UTC).replace(tzinfo=None)


def from_book(column: Any, text: str | None) -> Any:
    """A book value (``to_book`` text) as the Python value of ``column``."""
    if text is None:
        return None
    kind = column.type
    if isinstance(kind, Boolean):
        return text == "是"
    if isinstance(kind, JSON):
        return text.split(",") if text else []
    if isinstance(kind, Integer):
        return int(text)
    if isinstance(kind, Float):
        return float(text)
    if isinstance(kind, Numeric):
        return Decimal(text)
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(text)
    if isinstance(kind, Date):
        return date.fromisoformat(text)
    return text


@dataclass
class Rewind:
    """What undoes the book since ``cutoff``: rows created since, and fields' earlier values."""

    cutoff: datetime
    created: set[tuple[str, str]] = field(default_factory=set)
    earlier: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    @property
    def entries(self) -> int:
        return sum(len(v) for v in self.earlier.values())

    def row(self, entity: str, values: Mapping[str, Any]) -> dict[str, Any] | None:
        """``values`` (a row of table ``entity`` as a dict with its ``id``) as they were at the
        cutoff, or None when the row did not exist yet."""
        key = (entity, values["id"])
        if key in self.created:
            return None
        restored = dict(values)
        for name, value in self.earlier.get(key, {}).items():
            if name in restored:
                restored[name] = value
        return restored


def rewind_to(session: Session, day: date, *, entities: Collection[str] | None = None) -> Rewind:
    """Read the book from the start of ``day`` on and say how to undo it (for the rows of the
    tables ``entities`` only, when given)."""
    rewind = Rewind(day_start_utc(day))
    tables = Base.metadata.tables
    query = (
        select(
            LedgerEntry.entity,
            LedgerEntry.entity_id,
            LedgerEntry.field,
            LedgerEntry.old_value,
        )
        .where(LedgerEntry.at >= rewind.cutoff)
        .order_by(LedgerEntry.seq)
    )
    if entities is not None:
        query = query.where(LedgerEntry.entity.in_(list(entities)))
    for entity, entity_id, name, old in session.execute(query):
        key = (entity, entity_id)
        if name == BULK_FIELD:
            rewind.created.add(key)
            continue
        table = tables.get(entity)
        column = table.columns.get(name) if table is not None else None
        if column is None:
            continue  # a field this release no longer has: nothing to restore
        if old is None and not column.nullable:
            rewind.created.add(key)
        # the first entry since the cutoff holds the value the field had at the cutoff
        rewind.earlier.setdefault(key, {}).setdefault(name, from_book(column, old))
    return rewind
