"""The one save path: validate a household, then write its rows, book entries and outbox together.

A caller loads or builds a ``Household`` (with members and records) in a session, changes it
through plain attribute assignment, and calls ``save_household``. SQLAlchemy's own change
tracking tells which fields of which rows changed; for each changed row the save appends one
ledger entry per field (the household book, 一簿) and one outbox change with only the changed
fields (../shared/SYNC.md), and commits all of it in one transaction. If anything fails, nothing
is written and the session is rolled back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from desktop.domain.clock import Clock, as_clock
from desktop.domain.field_bounds import check_fields
from desktop.domain.operations import (
    INTERNAL_OPERATIONS,
    STATUS_OPERATIONS,
    HouseholdState,
    OperationRecord,
    Status,
    Subject,
    check_transition,
    end_flags,
    operation_label,
)
from desktop.domain.policy import local_moment
from desktop.domain.problems import Problem, Severity
from desktop.store.db import registry_writer
from desktop.store.engine import begin_write
from desktop.store.models import (
    Division,
    Household,
    HouseholdOperation,
    LedgerEntry,
    Member,
    OutboxChange,
    Synced,
    new_id,
    utcnow,
)

Validator = Callable[[Household], list[Problem]]
NOT_TRACKED = frozenset({"id", "version", "updated_at"})


class SaveRefused(Exception):
    """The household was not saved: errors were found, or warnings came without a reason."""

    def __init__(self, problems: list[Problem], message: str) -> None:
        super().__init__(message)
        self.problems = problems
        self.message = message


@dataclass
class SaveResult:
    """What one save wrote."""

    household_id: str | None
    problems: list[Problem] = field(default_factory=list)
    change_ids: list[str] = field(default_factory=list)
    ledger_entries: int = 0


class HybridClock:
    """A hybrid logical clock: wall time in ms that never goes backwards, plus a counter.

    Laptop clocks are wrong in the field; this orders a laptop's own edits for the book and
    decides nothing on the server.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = 0
        self._counter = 0

    def now(self) -> str:
        with self._lock:
            wall_ms = time.time_ns() // 1_000_000
            if wall_ms > self._last_ms:
                self._last_ms, self._counter = wall_ms, 0
            else:
                self._counter += 1
            return f"{self._last_ms:013d}-{self._counter:04d}"


CLOCK = HybridClock()


def to_wire(value: Any) -> Any:
    """A column value as JSON for the outbox: dates as ISO text, money as exact decimal text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple):
        return [to_wire(v) for v in value]
    return value


def to_book(value: Any) -> str | None:
    """A column value as text for the household book."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    wired = to_wire(value)
    return wired if isinstance(wired, str) else str(wired)


def household_rows(household: Household) -> Iterable[Synced]:
    """The household and every row that belongs to it, for change collection."""
    if household.assistance_person is not None:
        yield household.assistance_person  # first: the household's foreign key points at it
    yield household
    for member in household.members:
        yield member
        yield from member.crosschecks
        yield from member.settlements
    for income in household.incomes:
        yield income
        yield from income.items
    yield from household.measures
    yield from household.risks
    yield from household.natural_changes
    yield from household.procedure_steps
    yield from household.operations


def _changed_fields(obj: Synced, *, is_new: bool) -> dict[str, tuple[Any, Any]]:
    """Changed columns of a row as ``{field: (old, new)}`` from SQLAlchemy's attribute history."""
    state = inspect(obj)
    changes: dict[str, tuple[Any, Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in NOT_TRACKED:
            continue
        if is_new:
            value = getattr(obj, key)
            if value is not None and value != [] and not (key == "deleted" and value is False):
                changes[key] = (None, value)
            continue
        history = state.attrs[key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[key] = (old, new)
    return changes


def _fill_defaults(obj: Synced) -> None:
    """Give a new row its id and column defaults now, so the book and outbox can name them."""
    for attr in inspect(obj).mapper.column_attrs:
        default = attr.columns[0].default
        if default is None or getattr(obj, attr.key) is not None:
            continue
        setattr(obj, attr.key, default.arg(None) if default.is_callable else default.arg)


def _copy_foreign_keys(obj: Synced) -> None:
    """Set foreign-key columns from many-to-one relationships now rather than at flush.

    A row attached through a relationship (``household.members.append(m)``) gets its
    ``household_id`` only when SQLAlchemy flushes; the book and the outbox are collected before
    that, and a create that reached the server without its foreign keys would be refused.
    """
    mapper = inspect(obj).mapper
    for relation in mapper.relationships:
        if relation.direction.name != "MANYTOONE":
            continue
        related = getattr(obj, relation.key)
        if related is None:
            continue
        related_mapper = inspect(related).mapper
        for local, remote in relation.local_remote_pairs:
            local_key = mapper.get_property_by_column(local).key
            value = getattr(related, related_mapper.get_property_by_column(remote).key)
            if getattr(obj, local_key) != value:
                setattr(obj, local_key, value)


def normalise_id_numbers(household: Household) -> None:
    """ID numbers as the registry keeps them: no spaces, ASCII digits, an upper-case X (4a)."""
    from desktop.domain.idcard import normalize_id

    for member in household.members:
        if member.id_number:
            cleaned = normalize_id(member.id_number)
            if cleaned and cleaned != member.id_number:
                member.id_number = cleaned


def keep_derived_fields(household: Household) -> None:
    """Fields the save computes rather than trusts: member count, head's name, per-capita income."""
    household.member_count = len(household.current_members)
    head = household.head
    household.head_name = head.name if head is not None else None
    from desktop.domain.income import per_capita_net_income

    for income in household.incomes:
        income.per_capita_net_income = per_capita_net_income(income, household.member_count)


def duplicate_id_problems(session: Session, household: Household) -> list[Problem]:
    """ID numbers of this household's members that another household's member already has."""
    numbers = {m.id_number: m for m in household.current_members if m.id_number}
    if not numbers:
        return []
    rows = session.execute(
        select(Member.id_number, Household.household_number)
        .join(Household, Member.household_id == Household.id)
        .where(
            Member.id_number.in_(numbers),
            Member.household_id != household.id,
            Member.deleted.is_(False),
            Member.left_date.is_(None),
        )
    ).all()
    return [
        Problem(
            code="R1_01_001_DUPLICATE_ID",
            field="member.id_number",
            severity=Severity.ERROR,
            message=f"证件号码 {number} 已登记在户编号 {other} 中,同一人不能在两户重复登记",
            entity_id=numbers[number].id,
        )
        for number, other in rows
    ]


SEARCH_FIELDS: dict[type, frozenset[str]] = {
    Household: frozenset({"household_number", "village_id", "deleted"}),
    Member: frozenset({"name", "id_number", "deleted", "left_date", "household_id", "position"}),
}
"""The columns the search index is made of (``desktop.store.search``): a save that changes none
of them leaves the index as it is (a reindex was a quarter of an average save)."""


def _touches_search_index(rows: Iterable[Synced]) -> bool:
    for obj in rows:
        fields = SEARCH_FIELDS.get(type(obj))
        if fields is None:
            continue
        state = inspect(obj)
        if state.pending or state.transient:
            return True
        attrs = state.attrs
        if any(attrs[name].history.has_changes() for name in fields):
            return True
    return False


def _audit_under_working_policy(session: Session, on: date | None = None) -> Validator:
    from desktop.domain.audit import SAVE_EXEMPT, audit_household
    from desktop.store.settings import working_policy

    policy = working_policy(session)

    def validate(household: Household) -> list[Problem]:
        found = audit_household(household, policy=policy, on=on)
        return [p for p in found if p.code not in SAVE_EXEMPT]

    return validate


def _next_device_seq(session: Session) -> int:
    last = session.execute(select(func.max(OutboxChange.device_seq))).scalar()
    return (last or 0) + 1


def _book_and_queue(
    session: Session,
    rows: list[Synced],
    result: SaveResult,
    *,
    actor: str,
    reason: str | None,
    household_id: str | None,
    village_code: str | None,
) -> None:
    """Append the book entries and outbox changes for the changed ``rows`` (no flush, no commit)."""
    seq = _next_device_seq(session)
    row_changes = []
    for obj in rows:
        state = inspect(obj)
        is_new = state.pending or state.transient
        changes = _changed_fields(obj, is_new=is_new)
        if not changes:
            continue
        if changes.get("deleted", (None, False))[1] is True:
            op = "delete"
        else:
            op = "create" if is_new else "update"
        row_changes.append((obj, op, changes))
    # every value within its type and bounds (the server checks the same table) before any write
    for obj, _op, changes in row_changes:
        wire = {name: to_wire(new) for name, (_old, new) in changes.items()}
        if bad := check_fields(type(obj).__tablename__, wire):
            raise SaveRefused(bad, f"有 {len(bad)} 个字段的值不合法,不能保存")
    at = utcnow()
    for obj, op, changes in row_changes:
        change_id = new_id()
        entity = type(obj).__tablename__
        for name, (old, new) in changes.items():
            session.add(
                LedgerEntry(
                    at=at,
                    actor=actor,
                    household_id=household_id,
                    entity=entity,
                    entity_id=obj.id,
                    field=name,
                    old_value=to_book(old),
                    new_value=to_book(new),
                    reason=reason,
                    change_id=change_id,
                )
            )
            result.ledger_entries += 1
        session.add(
            OutboxChange(
                change_id=change_id,
                device_seq=seq,
                entity=entity,
                entity_id=obj.id,
                village_code=village_code,
                op=op,
                base_version=obj.version or 0,
                fields={name: to_wire(new) for name, (_old, new) in changes.items()},
                edited_at=CLOCK.now(),
            )
        )
        seq += 1
        result.change_ids.append(change_id)


def save_village_rows(
    session: Session,
    village: Division | None,
    rows: Iterable[Synced],
    *,
    actor: str,
    reason: str | None = None,
    household_id: str | None = None,
) -> SaveResult:
    """Save registry rows that belong to a village but to no household, in one transaction.

    The village itself (its committee location, Q18), village-level procedure steps (Q15) and
    the like: the book entries carry no household, the outbox changes carry the village's code.
    Domain checks of these rows are the caller's (they differ by kind of row).

    Two more kinds of row go the same way: a row about a household that is no part of the
    household's own save (a problem explanation, booked under ``household_id`` so the
    household's book shows it), and a county's row (its quota base: ``village`` None, the
    outbox change carries no village code).
    """
    rows = list(rows)
    for obj in rows:
        # A household's status and flags change only through its own save, with an operation.
        before = state_before(obj) if isinstance(obj, Household) else None
        if before is not None and HouseholdState.of(obj) != before:
            problem = Problem(
                "OP_STATUS_WITHOUT_OPERATION",
                "household.status",
                Severity.ERROR,
                "户的状态和内部标识只能通过办理相应操作改变",
                obj.id,
            )
            raise SaveRefused([problem], problem.message)
    try:
        with registry_writer(session, "save"), session.no_autoflush:
            for obj in rows:
                if obj not in session:
                    session.add(obj)
                if inspect(obj).transient or inspect(obj).pending:
                    _fill_defaults(obj)
            for obj in rows:
                _copy_foreign_keys(obj)
            result = SaveResult(household_id=household_id)
            _book_and_queue(
                session,
                rows,
                result,
                actor=actor,
                reason=reason,
                household_id=household_id,
                village_code=village.code if village is not None else None,
            )
            session.commit()
            return result
    except BaseException:
        session.rollback()
        raise


def session_clock(session: Session) -> Clock:
    """The database's *now*: its practice date (a demo's setting), else the real clock."""
    from desktop.domain.clock import SYSTEM_CLOCK, FixedClock
    from desktop.store.settings import practice_date

    day = practice_date(session)  # None for a real database: it always runs on the real clock
    return SYSTEM_CLOCK if day is None else FixedClock(day)


def _value_before(household: Household, key: str) -> Any:
    history = inspect(household).attrs[key].history
    if history.deleted:
        return history.deleted[0]
    return getattr(household, key)


def state_before(household: Household) -> HouseholdState | None:
    """The household's status and flags as stored before this save (None for a new household)."""
    state = inspect(household)
    if state.transient or state.pending:
        return None
    return HouseholdState(
        status=Status(_value_before(household, "status") or Status.ordinary),
        marginal=bool(_value_before(household, "marginal")),
        monitored=bool(_value_before(household, "monitored")),
        special_support_mode=_value_before(household, "special_support_mode"),
    )


def _subject_of(session: Session, household: Household) -> Subject:
    """What the operation rules need of a household: its procedure, cross-checks and names."""
    from desktop.store.queries import village_steps

    members = household.current_members
    village_rows = village_steps(session, household.village_id) if household.village_id else []
    year = _value_before(household, "identified_year") if inspect(household).persistent else None
    return Subject(
        status=household.status or Status.ordinary,
        identified_year=year,
        special_support_mode=household.special_support_mode,
        steps=[s for s in household.procedure_steps if not s.deleted],
        village_steps=[s for s in village_rows if not s.deleted],
        crosschecks=[r for m in members for r in m.crosschecks if not r.deleted],
        names={m.id: m.name for m in members},
    )


def book_reason(operations: Iterable[OperationRecord], reason: str | None) -> str | None:
    """The book's reason for a save: the operations done (their Chinese names), then the text."""
    parts = [operation_label(o.op) for o in operations]
    parts += [o.reason for o in operations if o.reason]
    parts += [p for p in (reason or "").split(";") if p.strip()]
    return ";".join(dict.fromkeys(p.strip() for p in parts)) or None


def apply_operation_rules(
    session: Session,
    household: Household,
    operations: Iterable[Any],
    *,
    actor: str,
    reason: str | None,
    clock: Clock,
    internal: bool,
    as_registered: bool,
) -> tuple[list[Problem], list[OperationRecord]]:
    """The operation rules of one save: end the flags the operations end, check the change of
    status and flags against the operations at ``clock``'s now, and record each operation.

    Returns the problems (errors refuse the save) and the operations. A household new to the
    database starts as an ordinary one unless ``as_registered`` (an import of the registry).
    """
    from desktop.store.settings import working_policy

    records = [OperationRecord.coerce(o) for o in operations]
    before = state_before(household)
    if before is None and as_registered:
        return [], records
    if before is not None and not records and HouseholdState.of(household) == before:
        return [], records  # no status or flag change, no operation: nothing to check
    moment = local_moment(clock.now())
    end_flags(household, records, on=moment.date())
    after = HouseholdState.of(household)
    policy = working_policy(session)
    plain = HouseholdState(special_support_mode=after.special_support_mode)
    if before is None and after == plain and not records:
        return [], records  # a new ordinary household
    problems = check_transition(
        before,
        after,
        records,
        clock,
        policy=policy,
        subject=_subject_of(session, household),
        internal=internal,
    )
    if any(p.is_error for p in problems):
        return problems, records
    start = before or HouseholdState()
    text = book_reason(records, reason)
    for record in records:
        row = HouseholdOperation(
            id=new_id(),
            operation=record.op.value,
            done_at=moment,
            policy_year=policy.year,
            status_before=start.status.value,
            status_after=after.status.value,
            actor=actor[:40],
            reason=text,
            detail={
                k: v
                for k, v in {
                    "change_reason": record.change_reason,
                    "member_id": record.member_id,
                    "special_support_change": (
                        list(record.special_support_change)
                        if record.special_support_change
                        else None
                    ),
                }.items()
                if v is not None
            }
            or None,
        )
        household.operations.append(row)
        changes_state = record.op in STATUS_OPERATIONS or record.op in INTERNAL_OPERATIONS
        if changes_state and after != start:
            household.operation_id = row.id
    return problems, records


def _as_field_worker_reads(problems: list[Problem]) -> list[Problem]:
    """A field worker's view of the save's findings (Q6): an error about the internal lists is
    reworded so as not to name them; a warning about them is the reviewer's to explain, so it
    asks the field worker for no reason."""
    from desktop.domain.roles import Role, is_internal_problem, redact_internal

    kept = [p for p in problems if p.is_error or not is_internal_problem(p)]
    return redact_internal(kept, Role.FIELD_WORKER)


def save_household(
    session: Session,
    household: Household,
    *,
    actor: str,
    reason: str | None = None,
    validator: Validator | None = None,
    operations: Iterable[Any] = (),
    clock: Clock | Callable[[], datetime] | datetime | None = None,
    internal: bool = True,
    as_registered: bool = True,
) -> SaveResult:
    """Validate and save ``household`` with everything that belongs to it, in one transaction.

    Errors refuse the save; warnings refuse it too unless a ``reason`` is given (the reason is
    kept in the book). ``SaveRefused`` carries the problems; nothing was flushed, so the objects
    keep everything typed into them. Any other failure rolls the whole transaction back.
    Rows are never deleted: a removed row is a tombstone (``deleted = True``), synced as a delete.

    A change of status or of the marginal/monitored flags goes in only with the ``operations``
    that allow it at ``clock``'s now (default: the database's practice date or the real clock):
    ``desktop.domain.operations.check_transition``. The save records each operation
    (``HouseholdOperation``) and books every change with the operations' names and ``reason``.
    ``internal`` is whether the person may see the internal lists (the messages never name them
    otherwise). ``as_registered`` (the default) lets a household *new to the database* keep the
    status and flags it comes with: a row of the registry entered as it stands (an import, a
    county's seed). The form and the CLI pass False: there a new household is an ordinary one
    until an identification (or a mark) makes it otherwise. Changes to a stored household are
    always checked.
    """
    # A write transaction before the first read: max(device_seq) and the duplicate-ID checks
    # below then read what the last writer committed, not a moment before it.
    begin_write(session)
    try:
        # No autoflush until every change is collected: a flush clears the attribute history
        # that the book and the outbox are made from.
        with registry_writer(session, "save"), session.no_autoflush:
            now = as_clock(clock) if clock is not None else session_clock(session)
            validate = validator or _audit_under_working_policy(session, now.now().date())
            if household not in session:
                session.add(household)
            operation_problems, records = apply_operation_rules(
                session,
                household,
                operations,
                actor=actor,
                reason=reason,
                clock=now,
                internal=internal,
                as_registered=as_registered,
            )
            if any(p.is_error for p in operation_problems):
                errors = [p for p in operation_problems if p.is_error]
                raise SaveRefused(operation_problems, f"不能保存:{errors[0].message}")
            booked = book_reason(records, reason) if records else reason
            rows = list(household_rows(household))
            for obj in rows:
                if inspect(obj).transient or inspect(obj).pending:
                    _fill_defaults(obj)
            for obj in rows:
                _copy_foreign_keys(obj)
            normalise_id_numbers(household)
            keep_derived_fields(household)

            problems = validate(household) + duplicate_id_problems(session, household)
            if not internal:
                problems = _as_field_worker_reads(problems)
            blocking = [p for p in problems if p.is_error]
            if blocking:
                raise SaveRefused(problems, f"有 {len(blocking)} 个错误,不能保存")
            if problems and not (reason and reason.strip()):
                raise SaveRefused(problems, f"有 {len(problems)} 个疑似问题,保存时请说明原因")

            result = SaveResult(household_id=household.id, problems=problems)
            village_code = household.village.code if household.village is not None else None
            _book_and_queue(
                session,
                rows,
                result,
                actor=actor,
                reason=booked,
                household_id=household.id,
                village_code=village_code,
            )
            reindex = _touches_search_index(rows)  # read before the flush clears the history
            session.flush()
            if reindex:
                from desktop.store.search import reindex_households

                reindex_households(session, [household.id])
            session.commit()
            return result
    except SaveRefused:
        raise  # nothing was flushed: the objects keep what was typed into them
    except BaseException:
        session.rollback()
        raise
