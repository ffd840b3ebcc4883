"""Read-only queries behind the desktop's lists: household rows in keyset pages, division counts.

Everything here reads; nothing writes. The GUI's table models call these (from the task runner,
each job with its own session) and never build SQL themselves.

Household pages are *keyset* pages: each page asks for the rows after the last row of the
previous one (``HouseholdPage.after``), ordered by the chosen column with the household number
and then the id as tiebreaks, so every order is total and stable and a page costs the same at
any depth (OFFSET grows with it). Sort keys never are NULL (missing values are coalesced to a
value that sorts first), so the keyset comparison needs no NULL cases.

Marginal and monitored households (边缘户, 脱贫监测户) are internal lists (Q6): their flags are
only returned, sorted or filtered on when the caller passes ``internal=True``; asking to filter
on them without it raises ``InternalListRefused``. Who may see them is the caller's decision.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session, aliased

from desktop.domain import procedure as rules
from desktop.domain.codes import code_table
from desktop.domain.operations import Operation
from desktop.domain.policy import PolicyYear
from desktop.store.models import (
    CrosscheckResult,
    Division,
    Household,
    Income,
    LedgerEntry,
    Member,
    OutboxChange,
    ProcedureStep,
)
from desktop.store.reviews import ReviewState, review_state

CANDIDATE_OPERATIONS = (Operation.identify.value, Operation.return_.value)
"""The operations whose households go through the identification procedure (Q15, Q16)."""

PAGE_SIZE = 200
HEAD_RELATION = "01"  # 户主 in the relation code table


class HouseholdColumn(StrEnum):
    """The columns of the household list, in display order; each is sortable."""

    NUMBER = "household_number"
    HEAD = "head_name"
    VILLAGE = "village"
    HAMLET = "hamlet"
    STATUS = "status"
    MEMBERS = "member_count"
    INCOME = "per_capita_net_income"
    FLAGS = "flags"
    UPDATED = "updated_at"


class Flag(StrEnum):
    """Markers shown in the list's flags column."""

    MARGINAL = "marginal"  # 边缘户, internal
    MONITORED = "monitored"  # 脱贫监测户, internal
    AWAY = "away_long_term"  # 整户长期外出 (Q19)


INTERNAL_FLAGS = frozenset({Flag.MARGINAL, Flag.MONITORED})


class InternalListRefused(PermissionError):
    """A filter on marginal or monitored households was asked for without ``internal=True``."""


@dataclass(frozen=True)
class HouseholdFilter:
    """What the household list shows. ``None`` means "no condition".

    ``division_id`` is a county, township, village or hamlet; ``household_ids`` (from a search)
    limits the list to those households — an empty tuple matches nothing.
    """

    division_id: str | None = None
    status: str | None = None
    marginal: bool | None = None
    monitored: bool | None = None
    household_ids: tuple[str, ...] | None = None
    visited_since: date | None = None  # visited on or after this day (the work year's start)
    not_visited_since: date | None = None  # not visited since this day
    unsynced: bool | None = None  # True: has changes the server has not acknowledged

    @property
    def asks_internal(self) -> bool:
        return self.marginal is not None or self.monitored is not None


@dataclass(frozen=True)
class HouseholdRow:
    """One line of the household list."""

    id: str
    household_number: str
    head_name: str | None
    village: str
    hamlet: str | None
    status: str
    member_count: int
    per_capita_net_income: Decimal | None
    flags: tuple[Flag, ...]
    updated_at: datetime | None


@dataclass(frozen=True)
class HouseholdPage:
    """A page of rows and the cursor of the next page (``None``: this was the last page)."""

    rows: list[HouseholdRow]
    after: tuple[Any, ...] | None


@dataclass(frozen=True)
class DivisionNode:
    """A division of the tree, without its children (``parent_id`` links them)."""

    id: str
    parent_id: str | None
    level: str
    code: str
    name: str


@dataclass(frozen=True)
class MemberLine:
    """A member of a household as the read-only detail shows it (codes, not labels)."""

    id: str
    name: str
    relation: str | None
    sex: str | None
    birth_date: date | None
    id_type: str
    id_number: str | None


@dataclass(frozen=True)
class HouseholdDetail:
    """A household with its current members, for the read-only detail dialog."""

    row: HouseholdRow
    address: str | None
    phone: str | None
    members: list[MemberLine] = field(default_factory=list)
    review: ReviewState | None = None
    """The household's latest review by the township or county (issue 17), if any."""


# --- expressions ---------------------------------------------------------------------------------

_village = aliased(Division, name="village")
_hamlet = aliased(Division, name="hamlet")
_LIVE = Household.deleted.is_(False)


def _head_name() -> ColumnElement[str | None]:
    return (
        select(Member.name)
        .where(
            Member.household_id == Household.id,
            Member.relation == HEAD_RELATION,
            Member.deleted.is_(False),
            Member.left_date.is_(None),
        )
        .order_by(Member.position)
        .limit(1)
        .correlate(Household)
        .scalar_subquery()
    )


def _income(year: int | None) -> ColumnElement[Decimal | None]:
    """Per-capita net income of ``year``, or of the latest year on record when ``year`` is None."""
    query = select(Income.per_capita_net_income).where(
        Income.household_id == Household.id, Income.deleted.is_(False)
    )
    if year is not None:
        query = query.where(Income.policy_year == year)
    return query.order_by(Income.policy_year.desc()).limit(1).correlate(Household).scalar_subquery()


def _status_rank() -> ColumnElement[int]:
    """The status in code-table order (poor, exited, exited_stable, ordinary)."""
    codes = code_table("status").codes()
    return case(
        {code: rank for rank, code in enumerate(codes)}, value=Household.status, else_=len(codes)
    )


def _flag_bits(internal: bool) -> ColumnElement[int]:
    bits: ColumnElement[int] = case((Household.away_long_term.is_(True), 1), else_=0)
    if internal:
        bits = (
            bits
            + case((Household.marginal.is_(True), 4), else_=0)
            + case((Household.monitored.is_(True), 2), else_=0)
        )
    return bits


def _sort_keys(
    column: HouseholdColumn, *, internal: bool, income_year: int | None
) -> list[ColumnElement[Any]]:
    """The ORDER BY keys of a column before the id tiebreak; none of them is ever NULL."""
    number = Household.household_number
    match column:
        case HouseholdColumn.NUMBER:
            return [number]
        case HouseholdColumn.HEAD:
            return [func.coalesce(_head_name(), ""), number]
        case HouseholdColumn.VILLAGE:
            return [_village.code, number]
        case HouseholdColumn.HAMLET:
            return [func.coalesce(_hamlet.code, ""), number]
        case HouseholdColumn.STATUS:
            return [_status_rank(), number]
        case HouseholdColumn.MEMBERS:
            return [func.coalesce(Household.member_count, 0), number]
        case HouseholdColumn.INCOME:
            return [func.coalesce(_income(income_year), literal(-1.0e15)), number]
        case HouseholdColumn.FLAGS:
            return [_flag_bits(internal), number]
        case HouseholdColumn.UPDATED:
            epoch = datetime(1900, 1, 1)
            return [func.coalesce(Household.updated_at, epoch), number]
    raise ValueError(f"unknown column {column!r}")


def _after(
    keys: Sequence[ColumnElement[Any]], values: Sequence[Any], *, descending: bool
) -> ColumnElement[bool]:
    """Rows strictly after ``values`` in the lexicographic order of ``keys``.

    A row-value comparison: SQLite (3.15+) and PostgreSQL use an index whose leading column is
    the first key, and a computed key is evaluated once per row.
    """
    if len(keys) != len(values):
        raise ValueError("the cursor does not belong to this sort order")
    left, right = (
        tuple_(*keys),
        tuple_(*(literal(v, k.type) for k, v in zip(keys, values, strict=True))),
    )
    return left < right if descending else left > right


def _division_condition(session: Session, division_id: str) -> ColumnElement[bool]:
    level = session.scalar(select(Division.level).where(Division.id == division_id))
    if level == "hamlet":
        return Household.hamlet_id == division_id
    if level == "village":
        return Household.village_id == division_id
    if level is None:
        return false()
    return Household.village_id.in_(_villages_under_query(division_id))


def _villages_under_query(division_id: str) -> Select[tuple[str]]:
    """Ids of the villages below a division of any level (a recursive walk down the tree)."""
    tree = (
        select(Division.id, Division.level)
        .where(Division.id == division_id)
        .cte("tree", recursive=True)
    )
    child = aliased(Division)
    tree = tree.union_all(
        select(child.id, child.level).where(child.parent_id == tree.c.id, tree.c.level != "village")
    )
    return select(tree.c.id).where(tree.c.level == "village")


def _where(
    session: Session, filters: HouseholdFilter, *, internal: bool
) -> list[ColumnElement[bool]]:
    if filters.asks_internal and not internal:
        raise InternalListRefused("边缘户和脱贫监测户名单仅限内部掌握,当前角色不能按此筛选")
    conditions: list[ColumnElement[bool]] = [_LIVE]
    if filters.division_id is not None:
        conditions.append(_division_condition(session, filters.division_id))
    if filters.status is not None:
        conditions.append(Household.status == filters.status)
    if filters.marginal is not None:
        conditions.append(Household.marginal.is_(filters.marginal))
    if filters.monitored is not None:
        conditions.append(Household.monitored.is_(filters.monitored))
    if filters.household_ids is not None:
        ids = list(dict.fromkeys(filters.household_ids))
        conditions.append(Household.id.in_(ids) if ids else false())
    if filters.visited_since is not None:
        conditions.append(Household.last_visit_date >= filters.visited_since)
    if filters.not_visited_since is not None:
        conditions.append(
            Household.last_visit_date.is_(None)
            | (Household.last_visit_date < filters.not_visited_since)
        )
    if filters.unsynced is not None:
        pending = (
            select(LedgerEntry.household_id)
            .join(OutboxChange, OutboxChange.change_id == LedgerEntry.change_id)
            .where(OutboxChange.state == "pending", LedgerEntry.household_id.is_not(None))
        )
        in_pending = Household.id.in_(pending)
        conditions.append(in_pending if filters.unsynced else ~in_pending)
    return conditions


def _flags(marginal: bool, monitored: bool, away: bool, *, internal: bool) -> tuple[Flag, ...]:
    found = []
    if internal and marginal:
        found.append(Flag.MARGINAL)
    if internal and monitored:
        found.append(Flag.MONITORED)
    if away:
        found.append(Flag.AWAY)
    return tuple(found)


def _row_columns(income_year: int | None) -> list[ColumnElement[Any]]:
    return [
        Household.id,
        Household.household_number,
        _head_name().label("head_name"),
        _village.name.label("village_name"),
        _hamlet.name.label("hamlet_name"),
        Household.status,
        Household.member_count,
        _income(income_year).label("income"),
        Household.marginal,
        Household.monitored,
        Household.away_long_term,
        Household.updated_at,
    ]


def _make_row(values: Sequence[Any], *, internal: bool) -> HouseholdRow:
    (
        hid,
        number,
        head,
        village,
        hamlet,
        status,
        count,
        income,
        marginal,
        monitored,
        away,
        updated,
    ) = values[:12]
    return HouseholdRow(
        id=hid,
        household_number=number,
        head_name=head,
        village=village,
        hamlet=hamlet,
        status=status,
        member_count=count or 0,
        per_capita_net_income=None if income is None else Decimal(str(income)),
        flags=_flags(bool(marginal), bool(monitored), bool(away), internal=internal),
        updated_at=updated,
    )


def _from_households(query: Select[Any]) -> Select[Any]:
    return query.join(_village, _village.id == Household.village_id).outerjoin(
        _hamlet, _hamlet.id == Household.hamlet_id
    )


# --- public queries ------------------------------------------------------------------------------


def household_page(
    session: Session,
    filters: HouseholdFilter | None = None,
    *,
    sort: HouseholdColumn = HouseholdColumn.NUMBER,
    descending: bool = False,
    after: tuple[Any, ...] | None = None,
    limit: int = PAGE_SIZE,
    internal: bool = False,
    income_year: int | None = None,
) -> HouseholdPage:
    """One keyset page of household rows.

    ``after`` is the previous page's ``HouseholdPage.after`` (``None`` for the first page); it
    belongs to the ``sort``/``descending``/``internal`` it was made with. Income is the
    per-capita net income of ``income_year`` (default: each household's latest year on record).
    """
    filters = filters or HouseholdFilter()
    keys = [*_sort_keys(sort, internal=internal, income_year=income_year), Household.id]
    conditions = _where(session, filters, internal=internal)
    if after is not None:
        conditions.append(_after(keys, after, descending=descending))

    # Two steps: the page's ids by their keys alone (so the costly display columns are computed
    # for the page's rows only, not for every row the sort passes), then the page's rows.
    labels = [k.label(f"k{i}") for i, k in enumerate(keys)]
    inner = select(*labels).select_from(Household)
    if sort is HouseholdColumn.VILLAGE:
        inner = inner.join(_village, _village.id == Household.village_id)
    if sort is HouseholdColumn.HAMLET:
        inner = inner.outerjoin(_hamlet, _hamlet.id == Household.hamlet_id)
    inner = inner.where(*conditions).order_by(*(_ordered(k, descending) for k in labels))
    page = inner.limit(limit + 1).subquery("page")
    page_keys = [page.c[f"k{i}"] for i in range(len(keys))]
    query = _from_households(
        select(*_row_columns(income_year), *page_keys)
        .select_from(page)
        .join(Household, Household.id == page_keys[-1])
    ).order_by(*(_ordered(k, descending) for k in page_keys))
    results = session.execute(query).all()
    more = len(results) > limit
    results = results[:limit]
    rows = [_make_row(r, internal=internal) for r in results]
    cursor = tuple(results[-1][12:]) if more and results else None
    return HouseholdPage(rows=rows, after=cursor)


def _ordered(key: ColumnElement[Any], descending: bool) -> ColumnElement[Any]:
    return key.desc() if descending else key.asc()


def count_households(
    session: Session, filters: HouseholdFilter | None = None, *, internal: bool = False
) -> int:
    """How many households the filter matches (the list's total)."""
    filters = filters or HouseholdFilter()
    query = (
        select(func.count())
        .select_from(Household)
        .where(*_where(session, filters, internal=internal))
    )
    return session.scalar(query) or 0


def division_nodes(session: Session) -> list[DivisionNode]:
    """Every live division, parents before children, siblings in code order."""
    order = case(
        {"county": 0, "township": 1, "village": 2, "hamlet": 3}, value=Division.level, else_=4
    )
    rows = session.execute(
        select(Division.id, Division.parent_id, Division.level, Division.code, Division.name)
        .where(Division.deleted.is_(False))
        .order_by(order, Division.code)
    ).all()
    return [DivisionNode(*row) for row in rows]


def household_counts(session: Session, *, status: str | None = None) -> dict[str, int]:
    """Live households per division id, every level (a township counts its villages' households).

    Divisions without households are absent (count 0).
    """
    conditions: list[ColumnElement[bool]] = [_LIVE]
    if status is not None:
        conditions.append(Household.status == status)
    grouped = session.execute(
        select(Household.village_id, Household.hamlet_id, func.count())
        .where(*conditions)
        .group_by(Household.village_id, Household.hamlet_id)
    ).all()
    parents: dict[str, str | None] = {
        division_id: parent_id
        for division_id, parent_id in session.execute(select(Division.id, Division.parent_id))
    }
    counts: dict[str, int] = {}
    for village_id, hamlet_id, n in grouped:
        if hamlet_id is not None:
            counts[hamlet_id] = counts.get(hamlet_id, 0) + n
        node: str | None = village_id
        seen: set[str] = set()
        while node is not None and node not in seen:  # a cycle in bad data must not hang the GUI
            seen.add(node)
            counts[node] = counts.get(node, 0) + n
            node = parents.get(node)
    return counts


def village_ids_under(session: Session, division_id: str) -> list[str]:
    """Ids of the administrative villages at or below a division (a hamlet gives its village)."""
    level, parent = session.execute(
        select(Division.level, Division.parent_id).where(Division.id == division_id)
    ).one_or_none() or (None, None)
    if level is None:
        return []
    if level == "hamlet":
        return [parent] if parent else []
    return list(session.scalars(_villages_under_query(division_id)))


def unsynced_count(session: Session) -> int:
    """Changes saved on this laptop and not yet acknowledged by the server (outbox ``pending``)."""
    query = select(func.count()).select_from(OutboxChange).where(OutboxChange.state == "pending")
    return session.scalar(query) or 0


def household_detail(
    session: Session, household_id: str, *, internal: bool = False, income_year: int | None = None
) -> HouseholdDetail | None:
    """A household's list row, address, phone and current members (``None`` if there is none)."""
    found = session.execute(
        _from_households(
            select(*_row_columns(income_year), Household.address, Household.phone)
        ).where(Household.id == household_id, _LIVE)
    ).one_or_none()
    if found is None:
        return None
    members = session.execute(
        select(
            Member.id,
            Member.name,
            Member.relation,
            Member.sex,
            Member.birth_date,
            Member.id_type,
            Member.id_number,
        )
        .where(
            Member.household_id == household_id,
            Member.deleted.is_(False),
            Member.left_date.is_(None),
        )
        .order_by(Member.position, Member.id)
    ).all()
    return HouseholdDetail(
        row=_make_row(found, internal=internal),
        address=found[12],
        phone=found[13],
        members=[MemberLine(*m) for m in members],
        review=review_state(session, household_id),
    )


__all__ = [
    "INTERNAL_FLAGS",
    "PAGE_SIZE",
    "DivisionNode",
    "Flag",
    "HouseholdColumn",
    "HouseholdDetail",
    "HouseholdFilter",
    "HouseholdPage",
    "HouseholdRow",
    "InternalListRefused",
    "MemberLine",
    "count_households",
    "division_nodes",
    "household_counts",
    "household_detail",
    "household_page",
    "unsynced_count",
    "village_ids_under",
]


def village_steps(session: Session, village_id: str) -> list[ProcedureStep]:
    """The live steps recorded for the whole village (no household), oldest first."""
    return list(
        session.scalars(
            select(ProcedureStep)
            .where(
                ProcedureStep.village_id == village_id,
                ProcedureStep.household_id.is_(None),
                ProcedureStep.deleted.is_(False),
            )
            .order_by(ProcedureStep.start_date, ProcedureStep.id)
        )
    )


def candidate_household_ids(
    session: Session, policy: PolicyYear, village_ids: Collection[str] | None = None
) -> dict[str, str]:
    """Households that are new or returning this year: id -> operation (identify or return).

    New: poor and identified in the policy year; returning: poor and returned in the policy
    year; and households still in the procedure (own identify or return steps this year).
    """
    first, last = rules.step_year_window(policy)
    query = select(
        Household.id, Household.status, Household.identified_year, Household.returned_year
    ).where(
        Household.deleted.is_(False),
        Household.status == "poor",
        or_(Household.identified_year == policy.year, Household.returned_year == policy.year),
    )
    if village_ids is not None:
        query = query.where(Household.village_id.in_(list(village_ids)))
    found: dict[str, str] = {}
    for household_id, _status, _identified, returned in session.execute(query):
        found[household_id] = (
            Operation.return_.value if returned == policy.year else Operation.identify.value
        )
    steps = (
        select(ProcedureStep.household_id, ProcedureStep.operation)
        .join(Household, ProcedureStep.household_id == Household.id)
        .where(Household.deleted.is_(False))
    ).where(
        ProcedureStep.deleted.is_(False),
        ProcedureStep.operation.in_(CANDIDATE_OPERATIONS),
        or_(
            ProcedureStep.start_date.is_(None),
            and_(ProcedureStep.start_date >= first, ProcedureStep.start_date <= last),
        ),
    )
    if village_ids is not None:
        steps = steps.where(ProcedureStep.village_id.in_(list(village_ids)))
    for household_id, operation in session.execute(steps):
        found.setdefault(household_id, operation)
    return found


def crosscheck_results_of_year(
    session: Session, member_ids: Collection[str], policy: PolicyYear
) -> dict[str, CrosscheckResult]:
    """Each member's live cross-check result of the policy year (the latest checked)."""
    first, last = rules.step_year_window(policy)
    found: dict[str, CrosscheckResult] = {}
    ids = list(member_ids)
    for start in range(0, len(ids), 900):
        for result in session.scalars(
            select(CrosscheckResult)
            .where(
                CrosscheckResult.member_id.in_(ids[start : start + 900]),
                CrosscheckResult.deleted.is_(False),
                or_(
                    CrosscheckResult.checked_date.is_(None),
                    and_(
                        CrosscheckResult.checked_date >= first,
                        CrosscheckResult.checked_date <= last,
                    ),
                ),
            )
            .order_by(CrosscheckResult.checked_date)
        ):
            found[result.member_id] = result
    return found
