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
import functools
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
    bindparam,
    inspect,
    select,
    update,
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


Lookup = Callable[[type[Synced], str], Any]
"""``lookup(model, id)``: a registry row by primary key (``Session.get``, or a batch's cache)."""


@functools.cache
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
    "problem_notes": ("household_id", Household),
    "household_operations": ("household_id", Household),
    "card_issues": ("household_id", Household),
    "household_reviews": ("household_id", Household),
}
"""The column that ties each entity to the row above it, up to its administrative village."""


def village_code_of(
    session: Session,
    entity: str,
    get: Callable[[str], Any],
    *,
    depth: int = 0,
    lookup: Lookup | None = None,
) -> str | None:
    """The administrative village (12-digit code) a record belongs to, found through its parents.

    ``get(name)`` reads a field of the record (from a row or from a change's fields). ``None`` when
    the chain is broken (a parent this database does not have) or the entity belongs to no village
    (an assistance person). Parents are read with ``lookup`` (default ``session.get``).
    """
    find: Lookup = lookup or session.get
    if depth > 6:
        return None
    if entity == "divisions":
        level = get("level")
        if level == "village":
            return get("code")
        if level == "hamlet" and get("parent_id"):
            parent = find(Division, get("parent_id"))
            return parent.code if parent is not None and parent.level == "village" else None
        return None
    link = PARENT_KEYS.get(entity)
    if link is None:
        return None
    key, parent_model = link
    parent_id = get(key)
    if parent_id is None:
        return None
    parent = find(parent_model, parent_id)
    if parent is None:
        return None
    return village_code_of(
        session,
        parent_model.__tablename__,
        lambda name: getattr(parent, name),
        depth=depth + 1,
        lookup=find,
    )


def household_id_of(session: Session, obj: Synced, *, lookup: Lookup | None = None) -> str | None:
    """The household a row belongs to, for the household book (``None`` for shared rows)."""
    find: Lookup = lookup or session.get
    if isinstance(obj, Household):
        return obj.id
    household_id = getattr(obj, "household_id", None)
    if household_id is not None:
        return household_id
    member_id = getattr(obj, "member_id", None)
    if member_id is not None:
        member = find(Member, member_id)
        return member.household_id if member is not None else None
    income_id = getattr(obj, "income_id", None)
    if income_id is not None:
        income = find(MODELS_BY_ENTITY["incomes"], income_id)
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
    lookup: Lookup | None = None,
    book: list[dict[str, Any]] | None = None,
    updates: RowUpdates | None = None,
) -> Synced:
    """Write canonical ``fields`` of one record (creating it if this database lacks it) and book them.

    ``version`` (when given) becomes the row's version. One book entry per field whose value
    changes, with ``actor`` and ``reason``. No outbox row is written: the change is the server's
    already. The caller owns the transaction. With ``flush`` the row is flushed, so constraint
    errors surface here. A caller that has already looked the row up passes it as ``row`` with
    ``looked_up=True`` (``row=None`` then means: create it); ``lookup`` finds parent rows (for the
    book's household) in a caller's cache, e.g. rows created earlier in an unflushed batch.
    With ``book`` the book entries are appended to it as ``ledger`` rows (dicts) for the caller
    to insert in one statement, instead of being added to the session one object each; with
    ``updates`` an existing row's new values are collected there (``RowUpdates``) instead of
    going through the session's unit of work.
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
        values = {name: from_wire(model, name, value) for name, value in fields.items()}
        if version is not None:
            values["version"] = version
        if updates is not None and not created and not inspect(obj).pending:
            updates.add(obj, values)
        else:
            for name, value in values.items():
                setattr(obj, name, value)
        if flush:
            session.flush()
        if entity == "households" and not created:
            reason = pulled_status_reason(old_values, fields, reason)
        household_id = household_id_of(session, obj, lookup=lookup)
        for name, value in fields.items():
            old = old_values.get(name)
            if not created and old == value:
                continue
            entry = {
                "at": at,
                "actor": actor[:40],
                "household_id": household_id,
                "entity": entity,
                "entity_id": entity_id,
                "field": name,
                "old_value": to_book(from_wire(model, name, old)) if old is not None else None,
                "new_value": to_book(from_wire(model, name, value)),
                "reason": reason,
                "change_id": change_id,
            }
            if book is not None:
                book.append(entry)
            else:
                session.add(LedgerEntry(**entry))
        return obj


STATE_FIELDS = ("status", "marginal", "monitored")
PULLED_WITH_OPERATION = "同步:服务器已审定的操作"
PULLED_WITHOUT_OPERATION = "同步:服务器已审定,未附操作记录,请核对"


def pulled_status_reason(
    old_values: Mapping[str, Any], fields: Mapping[str, Any], reason: str
) -> str:
    """The book's reason for a household change that came by sync and changes status or flags.

    Pulled changes were decided centrally: the server ran the operation rules on what it merged
    (``desktop.domain.operations.check_transition``), so the laptop applies them and never jams
    on them. A change that carries its operation record (``operation_id``, set by the save that
    made it) is booked as the server's decided operation; one without (a correction made at the
    county, an older client) still goes in, booked so that it stands out in the household book for
    the worker and the reviewer. Either way the laptop's own rules are untouched: the pull writes
    only what the server sent, and a laptop's own status change still needs its operation.
    """
    changed = any(name in fields and fields[name] != old_values.get(name) for name in STATE_FIELDS)
    if not changed or reason != SYNC_REASON:
        return reason
    if fields.get("operation_id") and fields.get("operation_id") != old_values.get("operation_id"):
        return PULLED_WITH_OPERATION
    return PULLED_WITHOUT_OPERATION


class RowUpdates:
    """New values of existing registry rows, written later with one statement per table and
    set of columns (an ORM flush issues one statement per row).

    ``add`` puts the values into the in-memory row at once (as committed values, so the unit of
    work leaves the row alone) and remembers them; ``flush`` writes them. If the transaction is
    rolled back instead, the caller must ``expire_all`` the session: the rows hold values the
    database never got.
    """

    def __init__(self) -> None:
        self.rows: dict[tuple[type[Synced], str], dict[str, Any]] = {}

    def add(self, obj: Synced, values: Mapping[str, Any]) -> None:
        from sqlalchemy.orm.attributes import set_committed_value

        for name, value in values.items():
            set_committed_value(obj, name, value)
        self.rows.setdefault((type(obj), obj.id), {}).update(values)

    def flush(self, session: Session) -> int:
        """Write the collected values; the number of rows written."""
        groups: dict[tuple[type[Synced], tuple[str, ...]], list[dict[str, Any]]] = {}
        now = utcnow()
        for (model, entity_id), values in self.rows.items():
            names = tuple(sorted(values))
            params = {f"b_{name}": value for name, value in values.items()}
            params["b_id"] = entity_id
            params["b_updated_at"] = now
            groups.setdefault((model, names), []).append(params)
        with registry_writer(session, SYNC_WRITER):
            for (model, names), params in groups.items():
                table = model.__table__  # type: ignore[attr-defined]
                session.execute(
                    update(table)
                    .where(table.c.id == bindparam("b_id"))
                    .values({name: bindparam(f"b_{name}") for name in (*names, "updated_at")}),
                    params,
                )
        written = len(self.rows)
        self.rows.clear()
        return written


def local_versions(session: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The versions of records ``(entity, id)`` this database has (only ``id`` and ``version``
    are read: a batch's answers need no more)."""
    wanted: dict[str, list[str]] = {}
    for entity, entity_id in keys:
        if model_for(entity) is not None:
            wanted.setdefault(entity, []).append(entity_id)
    found: dict[tuple[str, str], int] = {}
    for entity, ids in wanted.items():
        table = model_for(entity).__table__  # type: ignore[union-attr]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for entity_id, version in session.execute(
                select(table.c.id, table.c.version).where(table.c.id.in_(chunk))
            ):
                found[(entity, entity_id)] = version
    return found


def set_versions(session: Session, versions: Mapping[str, Mapping[str, int]]) -> None:
    """Set many rows' server versions, ``{entity: {id: version}}``, one statement per entity.

    Run after any pending ORM changes of the same rows are flushed; the caller commits.
    """
    for entity, by_id in versions.items():
        model = model_for(entity)
        if model is None or not by_id:
            continue
        table = model.__table__  # type: ignore[attr-defined]
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(version=bindparam("b_version"), updated_at=utcnow()),
            [{"b_id": entity_id, "b_version": version} for entity_id, version in by_id.items()],
        )


def reindex(session: Session, household_ids: Iterable[str]) -> None:
    """Bring the laptop's search index in step with households written by sync (no-op on PG)."""
    ids = sorted({h for h in household_ids if h})
    if not ids:
        return
    from desktop.store.search import reindex_households

    reindex_households(session, ids)


# --- a value a reviewer typed --------------------------------------------------------------------

DELETED_FIELD = "deleted"
"""The field a change names to delete or restore a row (``sync.merge.DELETED``)."""
LIST_SEPARATORS = (",", "，", "、", ";", "；", " ")
"""What may stand between the codes of a list field the reviewer typed."""


def parse_value(entity: str, field: str, text: str) -> Any:
    """A value the reviewer typed, as the wire value of the field; ``WireValueError`` (with a
    Chinese message) when it does not fit the field."""
    from sqlalchemy import JSON, Boolean, Integer

    if field == DELETED_FIELD:
        kind: Any = Boolean()
    else:
        model = model_for(entity)
        columns = synced_columns(model) if model is not None else {}
        if field not in columns:
            raise WireValueError(field, "未知字段", unknown=True)
        kind = columns[field].type
    text = text.strip()
    value: Any = text
    if text == "":
        value = [] if isinstance(kind, JSON) else None
    elif isinstance(kind, Boolean):
        if text in ("是", "true", "True", "1", "有"):
            value = True
        elif text in ("否", "false", "False", "0", "无"):
            value = False
        else:
            raise WireValueError(field, "应填 是 或 否")
    elif isinstance(kind, Integer):
        try:
            value = int(text)
        except ValueError as exc:
            raise WireValueError(field, "应为整数") from exc
    elif isinstance(kind, JSON):
        parts = [text]
        for separator in LIST_SEPARATORS:
            parts = [piece for part in parts for piece in part.split(separator)]
        value = [part for part in (p.strip() for p in parts) if part]
    if field == DELETED_FIELD:
        return value
    return canonical_fields(entity, {field: value})[field]
