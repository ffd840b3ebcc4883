"""Problem lists per village (问题清单, guide Q4): the whole audit, with explanations kept.

``audit_findings`` runs every rule — ``desktop.domain.audit`` and ``desktop.domain.audit_guide``
(one ``HouseholdAudit`` per household), the database-wide duplicate-ID check, and the villages'
own procedure records (Q15) — over the households of a database or of some villages. Households
are read in keyset chunks as light records like ``desktop.store.audit`` reads them, with the
extra rows the guide rules read (measures, risks, procedure steps, cross-check results,
settlement slips) and each village's own procedure steps attached as
``village_procedure_steps``.

A problem is listed until it is fixed (the audit no longer finds it). A warning may instead be
explained: the explanation is kept as a ``ProblemNote`` (household, rule, member or household
concerned) and the problem stays listed with it. Errors must be fixed; they cannot be explained.
Notes are matched like the printed list matches them: by household, rule and entity, else by
household and rule with no entity.

Problems about marginal and monitored households (rules ``Q6_…``) are internal (Q6): a list
leaves them out unless it is asked for as an internal one, and an internal export says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from desktop.domain.audit_guide import (
    GuideHouseholdLike,
    GuideMemberLike,
    MeasureLike,
    full_audit,
)
from desktop.domain.medical import SettlementLike
from desktop.domain.monitoring import RiskLike
from desktop.domain.policy import PolicyYear
from desktop.domain.problems import Problem, Severity
from desktop.domain.procedure import CrosscheckLike, StepLike
from desktop.domain.records import HouseholdLike, IncomeItemLike, IncomeLike, MemberLike
from desktop.store.audit import (
    DEFAULT_CHUNK_SIZE,
    AuditFinding,
    _columns,
    _committee_points,
    _division_names,
    _in_chunks,
    _record,
    duplicate_id_findings,
)
from desktop.store.exchange import (
    ColumnSpec,
    ExportSummary,
    add_sheet,
    column_map,
    new_workbook,
    save_workbook,
)
from desktop.store.models import (
    AssistanceMeasure,
    CrosscheckResult,
    Division,
    Household,
    Income,
    IncomeItem,
    MedicalSettlement,
    Member,
    ProblemNote,
    ProcedureStep,
    Risk,
)
from desktop.store.procedures import village_findings, write_rows
from desktop.store.settings import working_policy

INTERNAL_PREFIX = "Q6_"
NOTE_REASON = "问题情况说明（导引第4问）"

HOUSEHOLDS: Table = Household.__table__  # type: ignore[assignment]
MEMBERS: Table = Member.__table__  # type: ignore[assignment]
INCOMES: Table = Income.__table__  # type: ignore[assignment]
INCOME_ITEMS: Table = IncomeItem.__table__  # type: ignore[assignment]
MEASURES: Table = AssistanceMeasure.__table__  # type: ignore[assignment]
RISKS: Table = Risk.__table__  # type: ignore[assignment]
STEPS: Table = ProcedureStep.__table__  # type: ignore[assignment]
CROSSCHECKS: Table = CrosscheckResult.__table__  # type: ignore[assignment]
SETTLEMENTS: Table = MedicalSettlement.__table__  # type: ignore[assignment]


class ProblemNoteError(Exception):
    """An explanation was not recorded; the message is for the person."""


def is_internal(problem: Problem) -> bool:
    """Whether a problem concerns the internal marginal and monitored lists (Q6)."""
    return problem.code.startswith(INTERNAL_PREFIX)


# --- the full audit over the database ---------------------------------------------------------------


def _load_children(
    session: Session,
    table: Table,
    columns: list[Any],
    key: str,
    owners: dict[str, SimpleNamespace],
    attribute: str,
    *,
    extra_where: Any = None,
) -> None:
    ids = list(owners)
    for part in _in_chunks(ids):
        query = select(*columns).where(table.c[key].in_(part)).order_by(table.c[key], table.c.id)
        if extra_where is not None:
            query = query.where(extra_where)
        for row in session.execute(query):
            getattr(owners[row._mapping[key]], attribute).append(_record(row))


def load_chunk(
    session: Session,
    *,
    after: str | None,
    chunk_size: int,
    village_ids: list[str] | None,
    village_steps: dict[str, list[SimpleNamespace]],
) -> list[SimpleNamespace]:
    """The next ``chunk_size`` live households after ``after`` (id order) with every row the
    audit rules read, as light read-only records."""
    query = (
        select(
            *_columns(HOUSEHOLDS, HouseholdLike, "village_id", "head_name"),
            *_columns(HOUSEHOLDS, GuideHouseholdLike),
        )
        .where(HOUSEHOLDS.c.deleted.is_(False))
        .order_by(HOUSEHOLDS.c.id)
        .limit(chunk_size)
    )
    if village_ids is not None:
        query = query.where(HOUSEHOLDS.c.village_id.in_(village_ids))
    if after is not None:
        query = query.where(HOUSEHOLDS.c.id > after)
    households = [
        _record(row, members=[], incomes=[], measures=[], risks=[], procedure_steps=[])
        for row in session.execute(query)
    ]
    for h in households:
        h.village_procedure_steps = village_steps.get(h.village_id, [])
    by_id = {h.id: h for h in households}
    ids = list(by_id)

    member_columns = list(
        dict.fromkeys(
            [
                *_columns(MEMBERS, MemberLike, "household_id", "position"),
                *_columns(MEMBERS, GuideMemberLike),
            ]
        )
    )
    members: dict[str, SimpleNamespace] = {}
    incomes: dict[str, SimpleNamespace] = {}
    for part in _in_chunks(ids):
        for row in session.execute(
            select(*member_columns)
            .where(MEMBERS.c.household_id.in_(part))
            .order_by(MEMBERS.c.household_id, MEMBERS.c.position, MEMBERS.c.id)
        ):
            member = _record(row, settlements=[], crosschecks=[])
            members[member.id] = member
            by_id[row.household_id].members.append(member)
        for row in session.execute(
            select(*_columns(INCOMES, IncomeLike, "household_id"))
            .where(INCOMES.c.household_id.in_(part))
            .order_by(INCOMES.c.household_id, INCOMES.c.policy_year)
        ):
            income = _record(row, items=[])
            incomes[income.id] = income
            by_id[row.household_id].incomes.append(income)
    _load_children(
        session,
        INCOME_ITEMS,
        _columns(INCOME_ITEMS, IncomeItemLike, "income_id"),
        "income_id",
        incomes,
        "items",
    )
    _load_children(
        session,
        MEASURES,
        _columns(MEASURES, MeasureLike, "household_id"),
        "household_id",
        by_id,
        "measures",
    )
    _load_children(
        session, RISKS, _columns(RISKS, RiskLike, "household_id"), "household_id", by_id, "risks"
    )
    _load_children(
        session,
        STEPS,
        _columns(STEPS, StepLike, "household_id"),
        "household_id",
        by_id,
        "procedure_steps",
    )
    _load_children(
        session,
        CROSSCHECKS,
        _columns(CROSSCHECKS, CrosscheckLike, "checked_date", "id"),
        "member_id",
        members,
        "crosschecks",
    )
    _load_children(
        session,
        SETTLEMENTS,
        _columns(SETTLEMENTS, SettlementLike, "member_id"),
        "member_id",
        members,
        "settlements",
    )
    return households


def _village_steps(
    session: Session, village_ids: list[str] | None
) -> dict[str, list[SimpleNamespace]]:
    query = select(*_columns(STEPS, StepLike, "village_id")).where(
        STEPS.c.household_id.is_(None), STEPS.c.deleted.is_(False)
    )
    if village_ids is not None:
        query = query.where(STEPS.c.village_id.in_(village_ids))
    found: dict[str, list[SimpleNamespace]] = defaultdict(list)
    for row in session.execute(query):
        found[row.village_id].append(_record(row))
    return found


def iter_chunks(
    session: Session,
    *,
    village_ids: Collection[str] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[list[SimpleNamespace]]:
    """The live households in id order, chunk by chunk, as ``load_chunk`` reads them."""
    wanted = list(village_ids) if village_ids is not None else None
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


def audit_findings(
    session: Session,
    *,
    policy: PolicyYear | None = None,
    on: date | None = None,
    village_ids: Collection[str] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> list[AuditFinding]:
    """Every rule over every live household (or those of ``village_ids``), plus duplicate IDs.

    Sorted by village code and household number; within a household in rule order, duplicate
    IDs last. Village-level procedure problems are not households' and come from
    ``village_problem_list``. Read-only.
    """
    today = on or date.today()
    policy = policy or working_policy(session, today=today)
    with session.no_autoflush:
        names = _division_names(session)
        committees = _committee_points(session)
        findings: list[AuditFinding] = []
        for chunk in iter_chunks(session, village_ids=village_ids, chunk_size=chunk_size):
            for household in chunk:
                problems = full_audit(
                    household,
                    policy=policy,
                    on=today,
                    committee=committees.get(household.village_id),
                    fast_distances=True,
                )
                if not problems:
                    continue
                code, name = names.get(household.village_id, (None, None))
                findings.extend(
                    AuditFinding(household.id, household.household_number, code, name, p)
                    for p in problems
                )
        findings.extend(duplicate_id_findings(session, village_ids=village_ids, divisions=names))
    findings.sort(key=lambda f: (f.village_code or "", f.household_number))
    return findings


# --- explanations ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteInfo:
    """An explanation as a list shows it."""

    explanation: str
    explained_by: str
    explained_at: datetime


def notes_for(
    session: Session, household_ids: Collection[str]
) -> dict[tuple[str, str, str | None], NoteInfo]:
    """(household id, rule code, entity id) -> the newest explanation."""
    found: dict[tuple[str, str, str | None], NoteInfo] = {}
    ids = list(household_ids)
    for part in _in_chunks(ids):
        for note in session.scalars(
            select(ProblemNote)
            .where(ProblemNote.household_id.in_(part), ProblemNote.deleted.is_(False))
            .order_by(ProblemNote.explained_at)
        ):
            found[(note.household_id, note.rule_code, note.entity_id)] = NoteInfo(
                note.explanation, note.explained_by, note.explained_at
            )
    return found


def note_of(
    notes: dict[tuple[str, str, str | None], NoteInfo], household_id: str, problem: Problem
) -> NoteInfo | None:
    """The explanation of one problem: by its entity, else one given for the whole rule."""
    return notes.get((household_id, problem.code, problem.entity_id)) or notes.get(
        (household_id, problem.code, None)
    )


def explain_problem(
    session: Session,
    *,
    household_id: str,
    rule_code: str,
    entity_id: str | None,
    explanation: str,
    actor: str,
    policy: PolicyYear | None = None,
    on: date | None = None,
) -> ProblemNote:
    """Keep an explanation of a warning the audit finds now; it stays listed with it.

    Explaining again replaces the text (the book keeps the old one). Refused with
    ``ProblemNoteError``: an empty explanation, a problem the audit does not find (fixed
    already, or never there), an error (errors must be fixed).
    """
    text = (explanation or "").strip()
    if not text:
        raise ProblemNoteError("请填写情况说明")
    household = session.get(Household, household_id)
    if household is None or household.deleted:
        raise ProblemNoteError(f"找不到农户 {household_id}")
    findings = [
        f
        for f in audit_findings(session, policy=policy, on=on, village_ids=[household.village_id])
        if f.household_id == household_id and f.problem.code == rule_code
    ]
    matching = [f for f in findings if entity_id is None or f.problem.entity_id == entity_id]
    if not matching:
        raise ProblemNoteError(
            f"户编号 {household.household_number} 现在没有问题 {rule_code}，不需要说明"
        )
    if all(f.problem.is_error for f in matching):
        raise ProblemNoteError("错误必须改正后才能保存，不能用情况说明代替")
    note = session.scalars(
        select(ProblemNote).where(
            ProblemNote.household_id == household_id,
            ProblemNote.rule_code == rule_code,
            ProblemNote.entity_id.is_(None)
            if entity_id is None
            else ProblemNote.entity_id == entity_id,
            ProblemNote.deleted.is_(False),
        )
    ).first()
    village = session.get(Division, household.village_id)
    with session.no_autoflush:
        if note is None:
            note = ProblemNote(household_id=household_id, rule_code=rule_code, entity_id=entity_id)
        note.explanation = text
        note.explained_by = actor
        note.explained_at = datetime.now().replace(microsecond=0)
    write_rows(
        session,
        [note],
        actor=actor,
        reason=NOTE_REASON,
        village_code=village.code if village is not None else None,
        household_id=household_id,
    )
    return note


# --- the list of one village ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ListedProblem:
    """One line of a problem list; ``household_id`` is None for the village's own problems."""

    household_id: str | None
    household_number: str | None
    head_name: str | None
    problem: Problem
    note: NoteInfo | None

    @property
    def explained(self) -> bool:
        return self.note is not None


@dataclass
class ProblemList:
    """A village's problems on a day under a policy year."""

    village_id: str
    village_code: str
    village_name: str
    policy_year: int
    on: date
    internal: bool
    rows: list[ListedProblem] = field(default_factory=list)
    internal_left_out: int = 0

    def count(self, severity: Severity, *, explained: bool | None = None) -> int:
        return sum(
            1
            for r in self.rows
            if r.problem.severity is severity and (explained is None or r.explained == explained)
        )


def _village(session: Session, village: str) -> Division:
    found = session.scalars(
        select(Division).where(
            Division.level == "village", (Division.id == village) | (Division.code == village)
        )
    ).first()
    if found is None:
        raise LookupError(f"找不到行政村 {village}")
    return found


def _head_names(session: Session, village_id: str) -> dict[str, str | None]:
    """Household id -> the head's name (kept by the save; else read from the members)."""
    heads = dict(
        session.execute(
            select(Household.id, Household.head_name).where(Household.village_id == village_id)
        ).all()
    )
    missing = [h for h, name in heads.items() if not name]
    for part in _in_chunks(missing):
        for household_id, name in session.execute(
            select(Member.household_id, Member.name).where(
                Member.household_id.in_(part),
                Member.relation == "01",
                Member.deleted.is_(False),
                Member.left_date.is_(None),
            )
        ):
            heads[household_id] = heads[household_id] or name
    return heads


def village_problem_list(
    session: Session,
    village: str,
    *,
    policy: PolicyYear | None = None,
    on: date | None = None,
    internal: bool = False,
) -> ProblemList:
    """The village's problem list (``village`` is its id or 12-digit code).

    The village's own procedure problems first, then household problems by household number;
    each with its explanation when one is kept.
    """
    today = on or date.today()
    policy = policy or working_policy(session, today=today)
    division = _village(session, village)
    findings = audit_findings(session, policy=policy, on=today, village_ids=[division.id])
    heads = _head_names(session, division.id)
    notes = notes_for(session, {f.household_id for f in findings})
    listed = ProblemList(
        village_id=division.id,
        village_code=division.code,
        village_name=division.name,
        policy_year=policy.year,
        on=today,
        internal=internal,
    )
    for _village_row, problem in village_findings(
        session, policy=policy, village_ids=[division.id]
    ):
        listed.rows.append(ListedProblem(None, None, None, problem, None))
    for f in findings:
        if is_internal(f.problem) and not internal:
            listed.internal_left_out += 1
            continue
        listed.rows.append(
            ListedProblem(
                f.household_id,
                f.household_number,
                heads.get(f.household_id),
                f.problem,
                note_of(notes, f.household_id, f.problem),
            )
        )
    return listed


# --- the list as xlsx ------------------------------------------------------------------------------------

LIST_COLUMNS = (
    ColumnSpec("seq", "序号", kind="int", width=6),
    ColumnSpec("household_number", "户编号", width=19),
    ColumnSpec("head_name", "户主", width=9),
    ColumnSpec("severity", "问题类别", width=10),
    ColumnSpec("code", "规则编号", width=34),
    ColumnSpec("message", "问题描述", width=64, wrap=True),
    ColumnSpec("field", "需核改的项", width=14, wrap=True),
    ColumnSpec("explanation", "情况说明", width=30, wrap=True),
    ColumnSpec("explained_by", "说明人", width=9),
    ColumnSpec("explained_at", "说明时间", width=18),
)


def field_label(field_name: str) -> str:
    """A problem's field in Chinese, from the export column maps (``member.id_number`` → 证件号码)."""
    entity, _, attribute = field_name.partition(".")
    maps = {"household": "households", "member": "members", "income": "income"}
    name = maps.get(entity)
    if name is not None:
        for spec in column_map(name).columns:
            if spec.field == attribute:
                prefix = {"member": "成员", "income": "收入"}.get(entity, "")
                return prefix + spec.header
    labels = {
        "procedure_step": "识别程序",
        "crosscheck": "比对评议结论",
        "risk": "风险",
        "assistance_measure": "帮扶措施",
        "medical_settlement": "医疗结算单",
        "income_item": "收入明细",
        "division": "县基础信息",
        "operation": "办理日期",
    }
    return labels.get(entity, field_name)


def export_problem_list(listed: ProblemList, path: str | Path) -> ExportSummary:
    """Write a village's problem list as xlsx; an internal list is marked 内部资料."""
    rows = []
    for n, r in enumerate(listed.rows, start=1):
        p = r.problem
        rows.append(
            {
                "seq": n,
                "household_number": r.household_number or "（本村）",
                "head_name": r.head_name,
                "severity": "错误" if p.is_error else "疑似问题",
                "code": p.code,
                "message": p.message,
                "field": field_label(p.field),
                "explanation": r.note.explanation if r.note else None,
                "explained_by": r.note.explained_by if r.note else None,
                "explained_at": r.note.explained_at.isoformat(sep=" ") if r.note else None,
            }
        )
    sheet = f"{listed.village_name}问题清单"
    workbook = new_workbook(
        title=f"{listed.village_name}{listed.policy_year}年度数据质量问题清单",
        internal=listed.internal,
    )
    errors = listed.count(Severity.ERROR)
    warnings = listed.count(Severity.WARNING)
    explained = sum(1 for r in listed.rows if r.explained)
    title = (
        f"{listed.village_name}（{listed.village_code}）{listed.policy_year}年度数据质量问题清单，"
        f"{listed.on.isoformat()}：错误{errors}个，疑似问题{warnings}个（已说明{explained}个）"
    )
    count = add_sheet(
        workbook,
        LIST_COLUMNS,
        rows,
        sheet=sheet,
        internal=listed.internal,
        title_line=title,
        national_row=False,
        printable=True,
    )
    return ExportSummary(save_workbook(workbook, path), {sheet: count}, listed.internal)
