"""A snapshot of one assigned village, in pages, for a laptop provisioned from nothing.

``GET /v1/sync/snapshot?village=CODE&after=CURSOR&limit=N`` (Bearer token, like pull) answers the
registry rows of one village the device is assigned, parents before children: the division chain
down to the village (county, township, village), its hamlets, the assistance persons its
households name, its households, their members and every child entity. Within a table rows come
in ``id`` order and the cursor is ``"<phase>:<last id>"`` (keyset paging: a page never skips or
repeats a row, however long the laptop waits between pages). The first page (no ``after``) also
carries ``feed_cursor``: the feed's ``server_seq`` high-water mark taken *before* any row was
read, so a laptop that pulls the feed from there afterwards receives every change the snapshot
may have missed (a row the snapshot already holds at that version is skipped by the pull).

The server never sends a row of a village the device is not assigned (403), and a device whose
role may not see the internal lists (Q6, ``desktop.domain.roles.may_see_internal_lists``) never
receives the marginal and monitored flags, risks, the operations that set or end those flags, or
notes on internal audit rules: ``visible_fields`` decides, and the pull feed asks it too.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Annotated, Any

from fastapi import FastAPI, Header, Query, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, Date, DateTime, Float, Numeric, select
from sqlalchemy.orm import Session

from desktop.domain.operations import INTERNAL_OPERATIONS
from desktop.domain.roles import INTERNAL_CODE_PREFIX, may_see_internal_lists
from desktop.store.models import (
    AssistanceMeasure,
    AssistancePerson,
    CardIssue,
    CrosscheckResult,
    Division,
    Household,
    HouseholdOperation,
    HouseholdReview,
    Income,
    IncomeItem,
    MedicalSettlement,
    Member,
    NaturalChange,
    ProblemNote,
    ProcedureStep,
    Risk,
    Synced,
)
from desktop.store.save import to_wire
from desktop.store.sync_apply import row_values, synced_columns
from sync.protocol import API_PREFIX, ErrorCode
from sync.server.errors import ERROR_RESPONSES, ApiError
from sync.server.feed import feed_high_water
from sync.server.models import ChangeLogEntry, Device

SNAPSHOT_PATH = f"{API_PREFIX}/sync/snapshot"
MAX_SNAPSHOT_LIMIT = 5000
DEFAULT_SNAPSHOT_LIMIT = 2000
CURSOR_PATTERN = re.compile(r"^(\d{1,2}):([0-9A-Za-z-]{0,36})$")

INTERNAL_HOUSEHOLD_FIELDS = ("marginal", "monitored")
INTERNAL_OPERATION_NAMES = frozenset(str(op) for op in INTERNAL_OPERATIONS)


class SnapshotRow(BaseModel):
    """One registry row: its entity (table), id, server version and synced fields."""

    model_config = ConfigDict(extra="forbid")

    entity: str
    entity_id: str
    version: int
    fields: dict[str, Any]


class SnapshotPage(BaseModel):
    """A page of a village's snapshot; ask again with ``after=next_after`` while ``has_more``."""

    model_config = ConfigDict(extra="forbid")

    village: str
    rows: list[SnapshotRow]
    next_after: str
    has_more: bool
    feed_cursor: int | None = None


# --- who may see what ------------------------------------------------------------------------------


def sees_internal(device: Device) -> bool:
    """Whether the device's role may receive the internal lists (Q6)."""
    return may_see_internal_lists(device.role)


def visible_fields(
    internal: bool, entity: str, fields: dict[str, Any], *, known: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """``fields`` as a device may receive them: ``None`` when the row must not be sent at all.

    ``known`` adds what the row holds beside ``fields`` (an update's operation or rule code).
    """
    if internal:
        return fields
    facts = {**(known or {}), **fields}
    if entity == "risks":
        return None
    if entity == "household_operations" and facts.get("operation") in INTERNAL_OPERATION_NAMES:
        return None
    if entity == "problem_notes" and str(facts.get("rule_code") or "").startswith(
        INTERNAL_CODE_PREFIX
    ):
        return None
    if entity == "households" and any(name in fields for name in INTERNAL_HOUSEHOLD_FIELDS):
        return {k: v for k, v in fields.items() if k not in INTERNAL_HOUSEHOLD_FIELDS}
    return fields


def visible_feed(
    session: Session, device: Device, rows: Sequence[ChangeLogEntry]
) -> list[tuple[ChangeLogEntry, dict[str, Any]]]:
    """The feed entries a device may receive, each with the fields it may see."""
    internal = sees_internal(device)
    known: dict[str, dict[str, Any]] = {}
    if not internal:
        operations = [r.entity_id for r in rows if r.entity == "household_operations"]
        notes = [r.entity_id for r in rows if r.entity == "problem_notes"]
        if operations:
            for entity_id, operation in session.execute(
                select(HouseholdOperation.id, HouseholdOperation.operation).where(
                    HouseholdOperation.id.in_(operations)
                )
            ):
                known[entity_id] = {"operation": operation}
        if notes:
            for entity_id, rule_code in session.execute(
                select(ProblemNote.id, ProblemNote.rule_code).where(ProblemNote.id.in_(notes))
            ):
                known[entity_id] = {"rule_code": rule_code}
    out = []
    for row in rows:
        seen = visible_fields(
            internal, row.entity, dict(row.fields or {}), known=known.get(row.entity_id)
        )
        if seen is not None:
            out.append((row, seen))
    return out


# --- the phases ------------------------------------------------------------------------------------


def _division_chain(session: Session, village: Division) -> list[Division]:
    """The village's ancestors, top first, then the village (parents before children)."""
    chain = [village]
    current = village
    for _ in range(6):
        if current.parent_id is None:
            break
        parent = session.get(Division, current.parent_id)
        if parent is None:
            break
        chain.append(parent)
        current = parent
    return list(reversed(chain))


Where = Callable[[Any, Any], Any]
"""``where(village_division_ids_subquery, household_ids_subquery)`` -> a filter on the model."""


def _phases(internal: bool) -> list[tuple[type[Synced], Where | None]]:
    """The tables after the division chain, parents first, each with its village filter."""

    def members_of(hh: Any) -> Any:
        return select(Member.id).where(Member.household_id.in_(hh)).scalar_subquery()

    def incomes_of(hh: Any) -> Any:
        return select(Income.id).where(Income.household_id.in_(hh)).scalar_subquery()

    phases: list[tuple[type[Synced], Where | None]] = [
        (Division, lambda v, hh: Division.id.in_(v) & (Division.level == "hamlet")),
        (
            AssistancePerson,
            lambda v, hh: AssistancePerson.id.in_(
                select(Household.assistance_person_id).where(Household.id.in_(hh))
            ),
        ),
        (Household, lambda v, hh: Household.id.in_(hh)),
        (Member, lambda v, hh: Member.household_id.in_(hh)),
        (Income, lambda v, hh: Income.household_id.in_(hh)),
        (IncomeItem, lambda v, hh: IncomeItem.income_id.in_(incomes_of(hh))),
        (AssistanceMeasure, lambda v, hh: AssistanceMeasure.household_id.in_(hh)),
        (NaturalChange, lambda v, hh: NaturalChange.household_id.in_(hh)),
        (ProcedureStep, lambda v, hh: ProcedureStep.village_id.in_(v)),
        (CrosscheckResult, lambda v, hh: CrosscheckResult.member_id.in_(members_of(hh))),
        (MedicalSettlement, lambda v, hh: MedicalSettlement.member_id.in_(members_of(hh))),
        (ProblemNote, lambda v, hh: ProblemNote.household_id.in_(hh)),
        (HouseholdOperation, lambda v, hh: HouseholdOperation.household_id.in_(hh)),
        (CardIssue, lambda v, hh: CardIssue.household_id.in_(hh)),
    ]
    if internal:
        phases.append((Risk, lambda v, hh: Risk.household_id.in_(hh)))
    # last, so that the other phases keep their numbers in a download resumed across an upgrade
    phases.append((HouseholdReview, lambda v, hh: HouseholdReview.household_id.in_(hh)))
    return phases


def parse_cursor(after: str | None) -> tuple[int, str]:
    """``(phase, last id)`` of a cursor (``(0, "")`` for the first page); 400 when malformed."""
    if not after:
        return 0, ""
    match = CURSOR_PATTERN.match(after)
    if match is None:
        raise ApiError(400, ErrorCode.INVALID_REQUEST, "after", details={"field": "after"})
    return int(match.group(1)), match.group(2)


def snapshot_page(
    session: Session, device: Device, village: str, after: str | None, limit: int
) -> dict[str, Any]:
    """One page of the snapshot of ``village`` for ``device`` (see the module docstring), as the
    plain data of a ``SnapshotPage`` (a page's thousands of rows are not built as models twice:
    the endpoint sends this as it is)."""
    if village not in device.villages:
        raise ApiError(403, ErrorCode.VILLAGE_NOT_ASSIGNED, village, details={"village": village})
    phase, last_id = parse_cursor(after)
    internal = sees_internal(device)
    phases = _phases(internal)
    if phase > len(phases):
        raise ApiError(400, ErrorCode.INVALID_REQUEST, "after", details={"field": "after"})
    feed_cursor = None
    if not after:  # the high-water mark before any row is read
        feed_cursor = feed_high_water(session, village)  # the village's county's feed
    division = session.scalar(
        select(Division).where(Division.code == village, Division.level == "village")
    )
    rows: list[dict[str, Any]] = []
    if division is None:  # assigned but not on the server (yet): nothing to send
        return _page(village, rows, len(phases) + 1, "", False, feed_cursor)
    village_ids = select(Division.id).where(
        (Division.id == division.id) | (Division.parent_id == division.id)
    )
    household_ids = select(Household.id).where(Household.village_id.in_(village_ids))
    cursor_phase, cursor_id = phase, last_id

    def add(entity: str, entity_id: str, version: int, values: dict[str, Any]) -> bool:
        """Add a row if visible; ``True`` when the page is full."""
        nonlocal cursor_id
        fields = visible_fields(internal, entity, values)
        cursor_id = entity_id
        if fields is not None:
            rows.append(
                {"entity": entity, "entity_id": entity_id, "version": version, "fields": fields}
            )
        return len(rows) >= limit

    if cursor_phase == 0:
        chain = _division_chain(session, division)
        ids = [d.id for d in chain]
        start = ids.index(cursor_id) + 1 if cursor_id in ids else 0
        for obj in chain[start:]:
            if add("divisions", obj.id, obj.version, row_values(obj)):
                return _page(village, rows, 0, cursor_id, True, feed_cursor)
        cursor_phase, cursor_id = 1, ""
    while cursor_phase <= len(phases):
        model, where = phases[cursor_phase - 1]
        assert where is not None
        entity = model.__tablename__  # type: ignore[attr-defined]
        columns = _wire_columns(model)
        while True:  # a table may take several reads when rows are left out (Q6)
            query = select(
                model.id, model.version, *(getattr(model, key) for key, _c in columns)
            ).where(where(village_ids, household_ids))
            if cursor_id:
                query = query.where(model.id > cursor_id)
            wanted = limit - len(rows) + 1
            batch = list(session.execute(query.order_by(model.id).limit(wanted)))
            for obj in batch:
                values = {
                    key: (value if convert is None or value is None else convert(value))
                    for (key, convert), value in zip(columns, obj[2:], strict=True)
                }
                if add(entity, obj[0], obj[1], values):
                    more = obj is not batch[-1] or _more_after(
                        session, phases, cursor_phase, cursor_id, village_ids, household_ids
                    )
                    return _page(village, rows, cursor_phase, cursor_id, more, feed_cursor)
            if len(batch) < wanted:
                break
        cursor_phase, cursor_id = cursor_phase + 1, ""
    return _page(village, rows, len(phases) + 1, "", False, feed_cursor)


@functools.cache
def _wire_columns(model: type[Synced]) -> list[tuple[str, Callable[[Any], Any] | None]]:
    """The synced columns of ``model`` with the conversion of a stored value to its canonical
    wire form (what ``row_values`` gives, without checking values the database already holds)."""
    out: list[tuple[str, Callable[[Any], Any] | None]] = []
    for key, column in synced_columns(model).items():
        kind = column.type
        convert: Callable[[Any], Any] | None = None
        if isinstance(kind, DateTime | Date):
            convert = _iso
        elif isinstance(kind, Float):
            convert = float
        elif isinstance(kind, Numeric):
            convert = functools.partial(_decimal, Decimal(1).scaleb(-(kind.scale or 0)))
        elif isinstance(kind, JSON):
            convert = to_wire
        out.append((key, convert))
    return out


def _iso(value: Any) -> Any:
    return value if isinstance(value, str) else value.isoformat()


def _decimal(step: Decimal, value: Any) -> str:
    return format(Decimal(str(value)).quantize(step), "f")


def _more_after(
    session: Session,
    phases: list[tuple[type[Synced], Where | None]],
    phase: int,
    last_id: str,
    village_ids: Any,
    household_ids: Any,
) -> bool:
    """Whether any row follows ``(phase, last_id)`` (so a full last page says ``has_more``)."""
    for index in range(phase, len(phases) + 1):
        model, where = phases[index - 1]
        assert where is not None
        query = select(model.id).where(where(village_ids, household_ids))
        if index == phase:
            query = query.where(model.id > last_id)
        if session.scalar(query.limit(1)) is not None:
            return True
    return False


def _page(
    village: str,
    rows: list[dict[str, Any]],
    phase: int,
    last_id: str,
    more: bool,
    feed_cursor: int | None,
) -> dict[str, Any]:
    page = {"village": village, "rows": rows, "next_after": f"{phase}:{last_id}", "has_more": more}
    if feed_cursor is not None:
        page["feed_cursor"] = feed_cursor
    return page


def mount_snapshot(app: FastAPI, device_session: Callable[..., Any]) -> None:
    """Serve ``GET /v1/sync/snapshot`` on ``app`` (``device_session(authorization, work)`` runs
    ``work(session, device)`` for the authenticated device, read-only)."""

    @app.get(
        SNAPSHOT_PATH,
        response_model=SnapshotPage,
        response_model_exclude_none=True,
        responses=ERROR_RESPONSES,
        tags=["sync"],
    )
    def snapshot(
        village: Annotated[str, Query(min_length=1, max_length=20)],
        after: Annotated[str | None, Query(max_length=40)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_SNAPSHOT_LIMIT)] = DEFAULT_SNAPSHOT_LIMIT,
        authorization: Annotated[str | None, Header()] = None,
    ) -> Response:
        """One page of an assigned village's rows, parents first; the first page carries the
        feed cursor to pull from afterwards."""
        page = device_session(
            authorization,
            lambda session, device: snapshot_page(session, device, village, after, limit),
        )
        body = json.dumps(page, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return Response(body.encode("utf-8"), media_type="application/json")
