"""The store-side audit runner: every household of a database through the domain audit.

Households are read in keyset-ordered chunks (``households.id > last id``: the same cost for
every page at any depth). Each chunk's members, incomes and income items come with one
``IN (…)`` query per table, the queries ``selectinload`` would issue, but as SQLAlchemy Core
rows turned into light read-only records instead of ORM objects: on a 10,000-household sample
the ORM load (with or without ``load_only``) cost 2.6–2.7 s of CPU and the Core load 0.9 s. The
records carry exactly the attributes ``desktop.domain.records`` declares (the contract of what
the rules read), and each household goes through ``desktop.domain.audit.audit_household``.

One more rule needs the whole database: ``R1_01_001_DUPLICATE_ID``, the same person (ID number,
first 18 characters, so a disability certificate number matches its holder's ID) among the
current members of two different households, found by one ``GROUP BY`` query.

The runner only reads: it adds, changes and flushes nothing, and commits nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, and_, func, select
from sqlalchemy.orm import Session

from desktop.domain.audit import RULES_BY_ID, audit_household
from desktop.domain.geo import LatLon
from desktop.domain.policy import PolicyYear, policy_for
from desktop.domain.problems import Problem
from desktop.domain.records import HouseholdLike, IncomeItemLike, IncomeLike, MemberLike
from desktop.store.models import Division, Household, Income, IncomeItem, Member

DUPLICATE_ID = "R1_01_001_DUPLICATE_ID"
DEFAULT_CHUNK_SIZE = 2000
IN_LIST_SIZE = 1000  # ids per IN (…): well under SQLite's and PostgreSQL's parameter limits
ID_KEY_LENGTH = 18  # a resident ID, or the ID part of a 20-character disability number
DUPLICATE_ID_LENGTHS = (18, 20)  # shorter or longer numbers are already R40_ID_LENGTH errors
MAX_OTHERS_NAMED = 5

HOUSEHOLDS: Table = Household.__table__  # type: ignore[assignment]
MEMBERS: Table = Member.__table__  # type: ignore[assignment]
INCOMES: Table = Income.__table__  # type: ignore[assignment]
INCOME_ITEMS: Table = IncomeItem.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class AuditFinding:
    """One problem of one household, with what a problem list prints beside it."""

    household_id: str
    household_number: str
    village_code: str | None
    village_name: str | None
    problem: Problem


def _columns(table: Table, protocol: type, *extra: str) -> list[Column[Any]]:
    """The table's columns the domain reads (the protocol's attributes), plus ``extra``."""
    names = dict.fromkeys([*protocol.__annotations__, *extra])
    return [table.c[name] for name in names if name in table.c]


def _record(row: Any, **relations: list[Any]) -> SimpleNamespace:
    """A light read-only record of a row: its columns as attributes, plus related lists."""
    return SimpleNamespace(**row._mapping, **relations)


def _in_chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), IN_LIST_SIZE):
        yield ids[start : start + IN_LIST_SIZE]


def _load_chunk(
    session: Session, *, after: str | None, chunk_size: int, village_ids: list[str] | None
) -> list[SimpleNamespace]:
    """The next ``chunk_size`` live households after ``after`` (in id order), with their rows."""
    query = (
        select(*_columns(HOUSEHOLDS, HouseholdLike, "village_id"))
        .where(HOUSEHOLDS.c.deleted.is_(False))
        .order_by(HOUSEHOLDS.c.id)
        .limit(chunk_size)
    )
    if village_ids is not None:
        query = query.where(HOUSEHOLDS.c.village_id.in_(village_ids))
    if after is not None:
        query = query.where(HOUSEHOLDS.c.id > after)
    households = [_record(row, members=[], incomes=[]) for row in session.execute(query)]
    by_id = {h.id: h for h in households}
    ids = list(by_id)

    member_columns = _columns(MEMBERS, MemberLike, "household_id", "position")
    income_columns = _columns(INCOMES, IncomeLike, "household_id")
    item_columns = _columns(INCOME_ITEMS, IncomeItemLike, "income_id")
    incomes: dict[str, SimpleNamespace] = {}
    for part in _in_chunks(ids):
        for row in session.execute(
            select(*member_columns)
            .where(MEMBERS.c.household_id.in_(part))
            .order_by(MEMBERS.c.household_id, MEMBERS.c.position, MEMBERS.c.id)
        ):
            by_id[row.household_id].members.append(_record(row))
        for row in session.execute(
            select(*income_columns)
            .where(INCOMES.c.household_id.in_(part))
            .order_by(INCOMES.c.household_id, INCOMES.c.policy_year)
        ):
            income = _record(row, items=[])
            incomes[income.id] = income
            by_id[row.household_id].incomes.append(income)
    for part in _in_chunks(list(incomes)):
        for row in session.execute(
            select(*item_columns)
            .where(INCOME_ITEMS.c.income_id.in_(part))
            .order_by(INCOME_ITEMS.c.income_id, INCOME_ITEMS.c.id)
        ):
            incomes[row.income_id].items.append(_record(row))
    return households


def _division_names(session: Session) -> dict[str, tuple[str, str]]:
    """Division id -> (code, name), for every division (a county has a few hundred)."""
    rows = session.execute(select(Division.id, Division.code, Division.name))
    return {division_id: (code, name) for division_id, code, name in rows}


def _committee_points(session: Session) -> dict[str, LatLon]:
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
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be positive, got {chunk_size}")
    names = divisions if divisions is not None else _division_names(session)
    committees = _committee_points(session)
    wanted = list(village_ids) if village_ids is not None else None
    last_id: str | None = None
    while True:
        with session.no_autoflush:
            households = _load_chunk(
                session, after=last_id, chunk_size=chunk_size, village_ids=wanted
            )
        if not households:
            return
        for household in households:
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
        last_id = households[-1].id


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

    names = divisions if divisions is not None else _division_names(session)
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
    """Audit every live household (or those of ``village_ids``): domain rules plus duplicate IDs.

    ``policy`` defaults to the year in force on ``on`` (default today). Findings come sorted by
    village code and household number; within a household in rule order, the database-wide
    duplicate-ID findings last. Read-only: nothing is flushed, written or committed.
    """
    today = on or date.today()
    if policy is None:
        policy = policy_for(today)
    with session.no_autoflush:
        divisions = _division_names(session)
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
    findings.sort(key=lambda f: (f.village_code or "", f.household_number))
    return findings
