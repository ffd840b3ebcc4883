"""The audit runner: every household of a database through every audit rule, in one pass.

``audit_database`` is the one runner: the problem lists (``desktop.store.problems``), the printed
problem lists (``desktop.cards``) and the ``fieldbook audit`` command all use it. Each household
goes through ``desktop.domain.audit.audit_household``, which runs every rule of
``desktop.domain.audit.RULES`` — the core rules, the location rules and the guide's rules
(``desktop.domain.audit_guide``) — on one ``HouseholdAudit``.

Households are read in keyset-ordered chunks (``households.id > last id``: the same cost for
every page at any depth). Each chunk's members, incomes, income items, assistance measures,
risks, procedure steps, cross-check results and medical settlement slips come with one
``IN (…)`` query per table, the queries ``selectinload`` would issue, but as SQLAlchemy Core
rows turned into light read-only records instead of ORM objects: on a 10,000-household sample
the ORM load (with or without ``load_only``) cost 2.6–2.7 s of CPU and the Core load 0.9 s. The
records carry exactly the attributes the rules declare they read (``desktop.domain.records``
and the protocols of ``desktop.domain.audit_guide``), and each household also carries its
village's own procedure steps as ``village_procedure_steps`` (Q15: a step the village holds for
all its candidates counts for each of them).

One more rule needs the whole database: ``R1_01_001_DUPLICATE_ID``, the same person (ID number,
first 18 characters, so a disability certificate number matches its holder's ID) among the
current members of two different households, found by one ``GROUP BY`` query.

The runner only reads: it adds, changes and flushes nothing, and commits nothing.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, make_dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    ColumnElement,
    Result,
    Table,
    Text,
    and_,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from desktop.domain.audit import RULES_BY_ID, audit_household
from desktop.domain.audit_guide import GuideHouseholdLike, GuideMemberLike, MeasureLike
from desktop.domain.clock import today as clock_today
from desktop.domain.geo import LatLon
from desktop.domain.location_rules import FALLBACK_SOURCES, many_on_one_point
from desktop.domain.medical import SettlementLike
from desktop.domain.monitoring import RiskLike
from desktop.domain.policy import PolicyYear
from desktop.domain.problems import Problem
from desktop.domain.procedure import CrosscheckLike, StepLike
from desktop.domain.records import HouseholdLike, IncomeItemLike, IncomeLike, MemberLike
from desktop.store.models import (
    AssistanceMeasure,
    CrosscheckResult,
    Division,
    Household,
    Income,
    IncomeItem,
    MedicalSettlement,
    Member,
    ProcedureStep,
    Risk,
)
from desktop.store.settings import working_policy

DUPLICATE_ID = "R1_01_001_DUPLICATE_ID"
DEFAULT_CHUNK_SIZE = 2000
IN_LIST_SIZE = 1000  # ids per IN (…): well under SQLite's and PostgreSQL's parameter limits
ID_KEY_LENGTH = 18  # a resident ID, or the ID part of a 20-character disability number
DUPLICATE_ID_LENGTHS = (18, 20)  # shorter or longer numbers are already R40_ID_LENGTH errors
MAX_OTHERS_NAMED = 5

_JSON_NAMES = frozenset(
    column.name
    for model in (
        Household,
        Member,
        Income,
        IncomeItem,
        AssistanceMeasure,
        Risk,
        ProcedureStep,
        CrosscheckResult,
        MedicalSettlement,
    )
    for column in model.__table__.columns  # type: ignore[attr-defined]
    if isinstance(column.type, JSON)
)
"""Names of the JSON columns the audit reads: their text is decoded by ``records_of``."""

HOUSEHOLDS: Table = Household.__table__  # type: ignore[assignment]
MEMBERS: Table = Member.__table__  # type: ignore[assignment]
INCOMES: Table = Income.__table__  # type: ignore[assignment]
INCOME_ITEMS: Table = IncomeItem.__table__  # type: ignore[assignment]
MEASURES: Table = AssistanceMeasure.__table__  # type: ignore[assignment]
RISKS: Table = Risk.__table__  # type: ignore[assignment]
STEPS: Table = ProcedureStep.__table__  # type: ignore[assignment]
CROSSCHECKS: Table = CrosscheckResult.__table__  # type: ignore[assignment]
SETTLEMENTS: Table = MedicalSettlement.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class AuditFinding:
    """One problem of one household, with what a problem list prints beside it."""

    household_id: str
    household_number: str
    village_code: str | None
    village_name: str | None
    problem: Problem


def columns_of(table: Table, protocols: type | tuple[type, ...], *extra: str) -> list[Any]:
    """The table's columns the domain reads (the protocols' attributes), plus ``extra``, each
    once.

    JSON columns come as their stored text (``records_of`` decodes it once per distinct text).
    """
    shapes = protocols if isinstance(protocols, tuple) else (protocols,)
    names = dict.fromkeys([*(n for shape in shapes for n in shape.__annotations__), *extra])
    return [
        type_coerce(table.c[name], Text).label(name)
        if isinstance(table.c[name].type, JSON)
        else table.c[name]
        for name in names
        if name in table.c
    ]


@lru_cache(maxsize=4096)
def _decoded(text: str) -> Any:
    return json.loads(text)


def _json_value(text: Any) -> Any:
    """A JSON column's value from its text: a county holds a few hundred distinct code lists
    (``[]``, ``["01"]`` …) in hundreds of thousands of rows, so each is decoded once and copied."""
    if text is None:
        return None
    # PostgreSQL's driver hands JSON over decoded already
    value = _decoded(text) if isinstance(text, str) else text
    return list(value) if isinstance(value, list) else value


@lru_cache(maxsize=64)
def record_class(columns: tuple[str, ...], lists: tuple[str, ...]) -> type:
    """A slotted dataclass with ``columns`` as positional fields and a new empty list for each
    name in ``lists``: built in 1 µs a row where ``SimpleNamespace(**row._mapping)`` took 5."""
    return make_dataclass(
        "AuditRecord",
        [*columns, *((name, list, field(default_factory=list)) for name in lists)],
        slots=True,
        eq=False,
    )


def records_of(result: Result[Any], *lists: str) -> Iterator[Any]:
    """Light read-only records of ``result``'s rows: the columns as attributes, plus a new empty
    list for each name in ``lists`` (the related rows, appended later)."""
    keys = tuple(result.keys())
    make = record_class(keys, lists)
    json_at = [index for index, key in enumerate(keys) if key in _JSON_NAMES]
    rows = result.all()  # one fetchall, not a fetchone per row
    if not json_at:
        for row in rows:
            yield make(*row)
        return
    for row in rows:
        values = list(row)
        for index in json_at:
            values[index] = _json_value(values[index])
        yield make(*values)


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection for the duration (re-enabled after, as it was).

    Loading a chunk makes tens of thousands of records (and their lists) that live until the
    chunk is audited, and no reference cycles; the collector's passes over them took half of
    the loading (50,000 households: 6.9 s of CPU with, 3.3 s without) and a third of the
    audit. The few cycles made meanwhile are collected once it is back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def in_chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    """``ids`` in slices short enough for one ``IN (…)`` list."""
    for start in range(0, len(ids), IN_LIST_SIZE):
        yield ids[start : start + IN_LIST_SIZE]


def _in_scope(
    after: str | None, last: str | None, village_ids: list[str] | None
) -> list[ColumnElement[bool]]:
    """The conditions on ``households`` of one chunk: live, of ``village_ids``, id in
    (``after``, ``last``]. Related rows are selected by a join on the same conditions, not by
    an ``IN`` list of the chunk's ids, whose thousand parameters cost more to bind than the
    query to run."""
    scope: list[ColumnElement[bool]] = [HOUSEHOLDS.c.deleted.is_(False)]
    if village_ids is not None:
        scope.append(HOUSEHOLDS.c.village_id.in_(village_ids))
    if after is not None:
        scope.append(HOUSEHOLDS.c.id > after)
    if last is not None:
        scope.append(HOUSEHOLDS.c.id <= last)
    return scope


PARENT_KEYS: dict[str, str] = {"incomes": "income_id", "members": "member_id"}
"""The column by which a row of a grandchild table names its parent (which names the household)."""
LISTED_AS: dict[str, str] = {
    "members": "members",
    "incomes": "incomes",
    "income_items": "items",
    "assistance_measures": "measures",
    "risks": "risks",
    "procedure_steps": "procedure_steps",
    "crosscheck_results": "crosschecks",
    "medical_settlements": "settlements",
}
"""Each related table's rows, as the list of their owner (household, member or income)."""
LISTS: dict[str, tuple[str, ...]] = {
    "members": ("settlements", "crosschecks"),
    "incomes": ("items",),
}
"""The lists a member's and an income's record carry."""


class RecordIds(Protocol):
    """Columns a cross-check record also carries: the problem lists name the check by them."""

    id: str
    checked_date: date | None


def load_chunk(
    session: Session,
    *,
    after: str | None,
    chunk_size: int,
    village_ids: list[str] | None,
    village_steps: dict[str, list[Any]],
) -> list[Any]:
    """The next ``chunk_size`` live households after ``after`` (id order) with every row the
    audit rules read, as light read-only records.

    Each household carries its village's own procedure steps (``village_steps``, from
    ``_village_steps``) as ``village_procedure_steps``.
    """
    with paused_gc():
        return _load_chunk(session, after, chunk_size, village_ids, village_steps)


def _load_chunk(
    session: Session,
    after: str | None,
    chunk_size: int,
    village_ids: list[str] | None,
    village_steps: dict[str, list[Any]],
) -> list[Any]:
    query = (
        select(
            *columns_of(HOUSEHOLDS, (HouseholdLike, GuideHouseholdLike), "village_id", "head_name")
        )
        .where(*_in_scope(after, None, village_ids))
        .order_by(HOUSEHOLDS.c.id)
        .limit(chunk_size)
    )
    households = list(
        records_of(
            session.execute(query),
            "members",
            "incomes",
            "measures",
            "risks",
            "procedure_steps",
            "village_procedure_steps",
        )
    )
    if not households:
        return households
    scope = _in_scope(after, households[-1].id, village_ids)
    for h in households:
        h.village_procedure_steps = village_steps.get(h.village_id, [])

    def rows_of(
        table: Table, protocols: type | tuple[type, ...], order: tuple[str, ...], via: Table
    ) -> Result[Any]:
        """``table``'s rows of the chunk's households, ``via`` the table that holds the
        household id (``table`` itself or its parent), in ``order`` (then id order)."""
        tables = table
        if via is not table:
            tables = tables.join(via, table.c[PARENT_KEYS[via.name]] == via.c.id)
        tables = tables.join(HOUSEHOLDS, via.c.household_id == HOUSEHOLDS.c.id)
        return session.execute(
            select(*columns_of(table, protocols, *order))
            .select_from(tables)
            .where(*scope)
            .order_by(*(table.c[name] for name in order), table.c.id)
        )

    by_id = {h.id: h for h in households}
    members: dict[str, Any] = {}
    incomes: dict[str, Any] = {}
    owners = {"households": by_id, "members": members, "incomes": incomes}
    loads = (  # table, what it holds, its owner's key and order, via (holds the household id)
        (MEMBERS, (MemberLike, GuideMemberLike), ("household_id", "position"), MEMBERS),
        (INCOMES, IncomeLike, ("household_id", "policy_year"), INCOMES),
        (INCOME_ITEMS, IncomeItemLike, ("income_id",), INCOMES),
        (MEASURES, MeasureLike, ("household_id",), MEASURES),
        (RISKS, RiskLike, ("household_id",), RISKS),
        (STEPS, StepLike, ("household_id",), STEPS),
        (CROSSCHECKS, (CrosscheckLike, RecordIds), ("member_id",), MEMBERS),
        (SETTLEMENTS, SettlementLike, ("member_id",), MEMBERS),
    )
    for table, protocols, order, via in loads:
        key = order[0]
        owner = owners["households" if key == "household_id" else via.name]
        attribute = LISTED_AS[table.name]
        keep = owners.get(table.name)
        for record in records_of(rows_of(table, protocols, order, via), *LISTS.get(table.name, ())):
            held_by = owner.get(getattr(record, key))
            if held_by is None:  # written since the chunk was read (another connection)
                continue
            getattr(held_by, attribute).append(record)
            if keep is not None:
                keep[record.id] = record
    return households


def _village_steps(session: Session, village_ids: list[str] | None) -> dict[str, list[Any]]:
    """Village id -> its own live procedure steps (rows with no household)."""
    query = select(*columns_of(STEPS, StepLike, "village_id")).where(
        STEPS.c.household_id.is_(None), STEPS.c.deleted.is_(False)
    )
    if village_ids is not None:
        query = query.where(STEPS.c.village_id.in_(village_ids))
    found: dict[str, list[Any]] = defaultdict(list)
    for step in records_of(session.execute(query.order_by(STEPS.c.village_id, STEPS.c.id))):
        found[step.village_id].append(step)
    return found


def iter_chunks(
    session: Session,
    *,
    village_ids: Collection[str] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[list[Any]]:
    """The live households (of ``village_ids``) in id order, chunk by chunk, as ``load_chunk``
    reads them. Nothing is flushed while they are read."""
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be positive, got {chunk_size}")
    wanted = list(village_ids) if village_ids is not None else None
    with session.no_autoflush:
        steps = _village_steps(session, wanted)
    last_id: str | None = None
    while True:
        with session.no_autoflush:
            chunk = load_chunk(
                session,
                after=last_id,
                chunk_size=chunk_size,
                village_ids=wanted,
                village_steps=steps,
            )
        if not chunk:
            return
        yield chunk
        last_id = chunk[-1].id


def division_names(session: Session) -> dict[str, tuple[str, str]]:
    """Division id -> (code, name), for every division (a county has a few hundred)."""
    rows = session.execute(select(Division.id, Division.code, Division.name))
    return {division_id: (code, name) for division_id, code, name in rows}


def committee_points(session: Session) -> dict[str, LatLon]:
    """Village id -> its committee's point, for the far-from-village rule."""
    rows = session.execute(
        select(Division.id, Division.committee_latitude, Division.committee_longitude).where(
            Division.committee_latitude.is_not(None), Division.committee_longitude.is_not(None)
        )
    )
    return {village_id: LatLon(lat, lon) for village_id, lat, lon in rows}


def iter_household_findings(
    session: Session,
    *,
    policy: PolicyYear,
    on: date | None = None,
    village_ids: Collection[str] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    divisions: dict[str, tuple[str, str]] | None = None,
) -> Iterator[AuditFinding]:
    """The per-household audit's findings, household by household in id order, chunk by chunk."""
    names = divisions if divisions is not None else division_names(session)
    committees = committee_points(session)
    for chunk in iter_chunks(session, village_ids=village_ids, chunk_size=chunk_size):
        for household in chunk:
            problems = audit_household(
                household,
                policy=policy,
                on=on,
                committee=committees.get(household.village_id),
                fast_distances=True,
            )
            if not problems:
                continue
            code, name = names.get(household.village_id, (None, None))
            for problem in problems:
                yield AuditFinding(household.id, household.household_number, code, name, problem)


def duplicate_id_findings(
    session: Session,
    *,
    village_ids: Collection[str] | None = None,
    divisions: dict[str, tuple[str, str]] | None = None,
) -> list[AuditFinding]:
    """``R1_01_001_DUPLICATE_ID``: one finding per current member whose ID another household's
    current member also has (duplicates within one household are the domain audit's).

    Numbers are compared by their first 18 characters, upper-cased, among numbers of 18 or 20
    characters. Duplicates are searched in the whole database; with ``village_ids`` only the
    members of households in those villages are reported (the other household may be anywhere).
    """
    key = func.upper(func.substr(Member.id_number, 1, ID_KEY_LENGTH))
    live: ColumnElement[bool] = and_(
        Member.deleted.is_(False),
        Member.left_date.is_(None),
        func.length(Member.id_number).in_(DUPLICATE_ID_LENGTHS),
        Household.deleted.is_(False),
    )
    duplicated = (
        select(key)
        .join(Household, Member.household_id == Household.id)
        .where(live)
        .group_by(key)
        .having(func.count(func.distinct(Member.household_id)) > 1)
    )
    rows = session.execute(
        select(
            key.label("key"),
            Member.id,
            Member.name,
            Member.id_number,
            Household.id,
            Household.household_number,
            Household.village_id,
        )
        .join(Household, Member.household_id == Household.id)
        .where(live, key.in_(duplicated))
        .order_by(key, Household.household_number, Member.id)
    ).all()
    by_key: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_key[row[0]].append(row)

    names = divisions if divisions is not None else division_names(session)
    wanted = set(village_ids) if village_ids is not None else None
    rule = RULES_BY_ID[DUPLICATE_ID]
    findings: list[AuditFinding] = []
    for holders in by_key.values():
        for _key, member_id, name, number, household_id, household_number, village_id in holders:
            if wanted is not None and village_id not in wanted:
                continue
            others = sorted({row[5] for row in holders if row[4] != household_id})
            shown = "、".join(others[:MAX_OTHERS_NAMED])
            if len(others) > MAX_OTHERS_NAMED:
                shown += f"等{len(others)}户"
            code, village_name = names.get(village_id, (None, None))
            message = (
                f"成员“{name or '未填姓名'}”的证件号码{number}也登记在户编号{shown}中，"
                "同一人不能在两户重复登记，请核实此人应属哪一户，更正证件号码或办理人员减少。"
            )
            findings.append(
                AuditFinding(
                    household_id,
                    household_number,
                    code,
                    village_name,
                    rule.problem("member.id_number", message, member_id),
                )
            )
    return findings


def audit_database(
    session: Session,
    *,
    policy: PolicyYear | None = None,
    village_ids: Collection[str] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on: date | None = None,
) -> list[AuditFinding]:
    """The whole audit over every live household (or those of ``village_ids``): every rule of
    ``desktop.domain.audit.RULES`` (core and guide) and the database-wide duplicate IDs.

    ``policy`` defaults to the year this database is worked under
    (``desktop.store.settings.working_policy`` on ``on``, default today). Findings come sorted
    by village code and household number; within a household in rule order, the database-wide
    duplicate-ID findings last. Village-level procedure problems are not households' (see
    ``desktop.store.procedures.village_findings``). Read-only: nothing is flushed, written or
    committed.
    """
    today = on or clock_today()
    if policy is None:
        policy = working_policy(session, today=today)
    with session.no_autoflush, paused_gc():
        divisions = division_names(session)
        findings = list(
            iter_household_findings(
                session,
                policy=policy,
                on=today,
                village_ids=village_ids,
                chunk_size=chunk_size,
                divisions=divisions,
            )
        )
        findings.extend(
            duplicate_id_findings(session, village_ids=village_ids, divisions=divisions)
        )
        findings.extend(
            shared_point_findings(session, village_ids=village_ids, divisions=divisions)
        )
    findings.sort(key=lambda f: (f.village_code or "", f.household_number))
    return findings


def shared_point_findings(
    session: Session,
    *,
    village_ids: Collection[str] | None = None,
    divisions: dict[str, tuple[str, str]] | None = None,
) -> list[AuditFinding]:
    """``LOC_MANY_ON_ONE_POINT``: households whose points lie together (a copied location?).

    Searched over the whole database, as a copied point may cross a village boundary; Q19
    fallbacks (original address, village committee) share points by design and are left out.
    """
    located = session.execute(
        select(
            Household.id,
            Household.latitude,
            Household.longitude,
            Household.household_number,
            Household.village_id,
        ).where(
            Household.deleted.is_(False),
            Household.latitude.is_not(None),
            Household.longitude.is_not(None),
            or_(
                Household.location_source.is_(None),
                Household.location_source.not_in(sorted(FALLBACK_SOURCES)),
            ),
        )
    ).all()
    by_id = {row[0]: row for row in located}
    names = divisions if divisions is not None else division_names(session)
    wanted = set(village_ids) if village_ids is not None else None
    findings = []
    for problem in many_on_one_point([(hid, lat, lon) for hid, lat, lon, _n, _v in located]):
        _hid, _lat, _lon, number, village_id = by_id[problem.entity_id]
        if wanted is not None and village_id not in wanted:
            continue
        code, name = names.get(village_id, (None, None))
        findings.append(AuditFinding(problem.entity_id, number, code, name, problem))
    return findings
