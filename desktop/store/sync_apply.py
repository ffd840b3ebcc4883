"""Writing changes that came from elsewhere (the server, another laptop) into the registry tables.

The save path (``desktop.store.save``) is for a worker's own edit: it books every field and queues
an outbox change. A change that arrives by sync is different: it is already on the server, so it
writes no outbox row; it is booked (一簿) with the remote device (or user) as the actor and the
reason ``"同步"``. Every write here happens under ``registry_writer(session, "sync")``.

Both ends use this module: the laptop applies pulled changes with it, and the server applies
pushed changes with it into the same registry schema. Values travel as the outbox's JSON
(``desktop.store.save.to_wire``); ``canonical_fields`` checks them against the column types and
brings them into one form (money quantized to the column's scale, dates as ISO text) so that the
merge can compare ``"6000"`` with ``"6000.00"``, and so that a value the server accepted can be
written by every laptop (string lengths are checked here because SQLite does not check them).

No sync policy lives here: which fields to write is decided by ``sync.merge``; this module only
converts, writes and books.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    Numeric,
    String,
    inspect,
)
from sqlalchemy.orm import Session

from desktop.store.db import registry_writer
from desktop.store.models import (
    REGISTRY_MODELS,
    Division,
    Household,
    LedgerEntry,
    Member,
    Synced,
    utcnow,
)
from desktop.store.save import to_book, to_wire

SYNC_WRITER = "sync"
SYNC_REASON = "同步"
NOT_SYNCED_FIELDS = frozenset({"id", "version", "updated_at"})

MODELS_BY_ENTITY: dict[str, type[Synced]] = {
    model.__tablename__: model  # type: ignore[attr-defined]
    for model in REGISTRY_MODELS
}
"""Entity names on the wire are the registry table names."""


class WireValueError(ValueError):
    """A field of an incoming change is unknown or its value does not fit the column."""

    def __init__(self, field: str, message: str, *, unknown: bool = False) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.unknown = unknown


def model_for(entity: str) -> type[Synced] | None:
    """The registry model of an entity name, or ``None`` for a name this release does not know."""
    return MODELS_BY_ENTITY.get(entity)


def synced_columns(model: type[Synced]) -> dict[str, Any]:
    """The columns a change may carry: every column but ``id``, ``version`` and ``updated_at``."""
    return {
        attr.key: attr.columns[0]
        for attr in inspect(model).column_attrs
        if attr.key not in NOT_SYNCED_FIELDS
    }


def _canonical(column: Any, value: Any) -> Any:
    """One value in canonical wire form for ``column``; raises ``ValueError`` if it does not fit."""
    if value is None:
        if not column.nullable:
            raise ValueError("不能为空")
        return None
    kind = column.type
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise ValueError("应为是/否")
        return value
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("应为整数")
        return value
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("应为数字")
        return float(value)
    if isinstance(kind, Numeric):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError("应为数字")
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise ValueError("应为数字") from exc
        if not number.is_finite():
            raise ValueError("应为有限的数字")
        scale = kind.scale or 0
        number = number.quantize(Decimal(1).scaleb(-scale))
        if kind.precision is not None and len(number.as_tuple().digits) > kind.precision:
            raise ValueError("数值太大")
        return format(number, "f")
    if isinstance(kind, DateTime):
        if not isinstance(value, str):
            raise ValueError("应为日期时间")
        return dt.datetime.fromisoformat(value).isoformat()
    if isinstance(kind, Date):
        if not isinstance(value, str):
            raise ValueError("应为日期")
        return dt.date.fromisoformat(value).isoformat()
    if isinstance(kind, String):  # Text is a String
        if not isinstance(value, str):
            raise ValueError("应为文字")
        if kind.length is not None and len(value) > kind.length:
            raise ValueError(f"超过 {kind.length} 个字符")
        return value
    if isinstance(kind, JSON):
        if not isinstance(value, list | dict):
            raise ValueError("应为列表")
        return value
    return value


def canonical_fields(entity: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """``fields`` checked against the entity's columns, in canonical wire form.

    Raises ``WireValueError`` for an unknown field (``unknown=True``) or a value that does not fit.
    """
    model = model_for(entity)
    if model is None:
        raise WireValueError("entity", f"未知的数据类型 {entity}", unknown=True)
    columns = synced_columns(model)
    out: dict[str, Any] = {}
    for name, value in fields.items():
        column = columns.get(name)
        if column is None:
            raise WireValueError(name, "未知字段", unknown=True)
        try:
            out[name] = _canonical(column, value)
        except (ValueError, TypeError) as exc:
            raise WireValueError(name, str(exc)) from exc
    return out


def from_wire(model: type[Synced], name: str, value: Any) -> Any:
    """A canonical wire value as the Python value of the column (``date``, ``Decimal`` …)."""
    if value is None:
        return None
    kind = synced_columns(model)[name].type
    if isinstance(kind, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return Decimal(value)
    return value


def row_values(obj: Synced, names: Iterable[str] | None = None) -> dict[str, Any]:
    """A row's values in canonical wire form (all synced columns, or only ``names``)."""
    model = type(obj)
    columns = synced_columns(model)
    keys = columns if names is None else [n for n in names if n in columns]
    return {key: _canonical_or_raw(columns[key], to_wire(getattr(obj, key))) for key in keys}


def _canonical_or_raw(column: Any, value: Any) -> Any:
    try:
        return _canonical(column, value)
    except (ValueError, TypeError):
        return value  # a value the row already holds is shown as it is


# --- where a record belongs ------------------------------------------------------------------------

PARENT_KEYS: dict[str, tuple[str, type[Synced]]] = {
    "households": ("village_id", Division),
    "members": ("household_id", Household),
    "incomes": ("household_id", Household),
    "income_items": ("income_id", MODELS_BY_ENTITY["incomes"]),
    "assistance_measures": ("household_id", Household),
    "risks": ("household_id", Household),
    "natural_changes": ("household_id", Household),
    "procedure_steps": ("village_id", Division),
    "crosscheck_results": ("member_id", Member),
    "medical_settlements": ("member_id", Member),
}
"""The column that ties each entity to the row above it, up to its administrative village."""


def village_code_of(
    session: Session, entity: str, get: Callable[[str], Any], *, depth: int = 0
) -> str | None:
    """The administrative village (12-digit code) a record belongs to, found through its parents.

    ``get(name)`` reads a field of the record (from a row or from a change's fields). ``None`` when
    the chain is broken (a parent this database does not have) or the entity belongs to no village
    (an assistance person).
    """
    if depth > 6:
        return None
    if entity == "divisions":
        level = get("level")
        if level == "village":
            return get("code")
        if level == "hamlet" and get("parent_id"):
            parent = session.get(Division, get("parent_id"))
            return parent.code if parent is not None and parent.level == "village" else None
        return None
    link = PARENT_KEYS.get(entity)
    if link is None:
        return None
    key, parent_model = link
    parent_id = get(key)
    if parent_id is None:
        return None
    parent = session.get(parent_model, parent_id)
    if parent is None:
        return None
    return village_code_of(
        session, parent_model.__tablename__, lambda name: getattr(parent, name), depth=depth + 1
    )


def household_id_of(session: Session, obj: Synced) -> str | None:
    """The household a row belongs to, for the household book (``None`` for shared rows)."""
    if isinstance(obj, Household):
        return obj.id
    household_id = getattr(obj, "household_id", None)
    if household_id is not None:
        return household_id
    member_id = getattr(obj, "member_id", None)
    if member_id is not None:
        member = session.get(Member, member_id)
        return member.household_id if member is not None else None
    income_id = getattr(obj, "income_id", None)
    if income_id is not None:
        income = session.get(MODELS_BY_ENTITY["incomes"], income_id)
        return getattr(income, "household_id", None)
    return None


# --- writing ---------------------------------------------------------------------------------------


def write_remote_fields(
    session: Session,
    entity: str,
    entity_id: str,
    fields: Mapping[str, Any],
    *,
    version: int | None,
    actor: str,
    change_id: str | None = None,
    reason: str = SYNC_REASON,
    at: dt.datetime | None = None,
    row: Synced | None = None,
    looked_up: bool = False,
    flush: bool = True,
) -> Synced:
    """Write canonical ``fields`` of one record (creating it if this database lacks it) and book them.

    ``version`` (when given) becomes the row's version. One book entry per field whose value
    changes, with ``actor`` and ``reason``. No outbox row is written: the change is the server's
    already. The caller owns the transaction. With ``flush`` the row is flushed, so constraint
    errors surface here. A caller that has already looked the row up passes it as ``row`` with
    ``looked_up=True`` (``row=None`` then means: create it).
    """
    model = model_for(entity)
    if model is None:
        raise WireValueError("entity", f"未知的数据类型 {entity}", unknown=True)
    at = at or utcnow()
    with registry_writer(session, SYNC_WRITER):
        obj = row if looked_up else session.get(model, entity_id)
        created = obj is None
        if obj is None:
            obj = model(id=entity_id)
            if version is not None:
                obj.version = version
            session.add(obj)
        old_values = {} if created else row_values(obj, fields)
        for name, value in fields.items():
            setattr(obj, name, from_wire(model, name, value))
        if version is not None:
            obj.version = version
        if flush:
            session.flush()
        household_id = household_id_of(session, obj)
        for name, value in fields.items():
            old = old_values.get(name)
            if not created and old == value:
                continue
            session.add(
                LedgerEntry(
                    at=at,
                    actor=actor[:40],
                    household_id=household_id,
                    entity=entity,
                    entity_id=entity_id,
                    field=name,
                    old_value=to_book(from_wire(model, name, old)) if old is not None else None,
                    new_value=to_book(from_wire(model, name, value)),
                    reason=reason,
                    change_id=change_id,
                )
            )
        return obj


def set_version(session: Session, entity: str, entity_id: str, version: int) -> None:
    """Set a row's server version (after the server acknowledged the laptop's own change)."""
    model = model_for(entity)
    if model is None:
        return
    with registry_writer(session, SYNC_WRITER):
        obj = session.get(model, entity_id)
        if obj is not None and obj.version != version:
            obj.version = version
            session.flush()


def reindex(session: Session, household_ids: Iterable[str]) -> None:
    """Bring the laptop's search index in step with households written by sync (no-op on PG)."""
    ids = sorted({h for h in household_ids if h})
    if not ids:
        return
    from desktop.store.search import reindex_households

    reindex_households(session, ids)
