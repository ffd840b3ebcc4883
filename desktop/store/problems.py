"""Problem lists per village (问题清单, guide Q4): the whole audit, with explanations kept.

The findings are the one audit runner's, ``desktop.store.audit.audit_database`` (every rule of
``desktop.domain.audit.RULES``, core and guide, and the database-wide duplicate IDs); a village's
list puts its own procedure problems (Q15, ``desktop.store.procedures.village_findings``) first.

A problem is listed until it is fixed (the audit no longer finds it). A warning may instead be
explained: the explanation is kept as a ``ProblemNote`` (household, rule, member or household
concerned) and the problem stays listed with it. Errors must be fixed; they cannot be explained.
Notes are matched like the printed list matches them: by household, rule and entity, else by
household and rule with no entity.

Problems about marginal and monitored households (rules ``Q6_…``) are internal (Q6): a list
leaves them out unless it is asked for as an internal one, and an internal export says so.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.policy import PolicyYear
from desktop.domain.problems import Problem, Severity
from desktop.store.audit import audit_database, in_chunks
from desktop.store.exchange.columns import ColumnSpec, column_map
from desktop.store.exchange.registry_export import ExportSummary
from desktop.store.exchange.writing import add_sheet, new_workbook, save_workbook
from desktop.store.models import Division, Household, Member, ProblemNote
from desktop.store.procedures import village_findings
from desktop.store.save import save_village_rows
from desktop.store.settings import working_policy

INTERNAL_PREFIX = "Q6_"
NOTE_REASON = "问题情况说明（导引第4问）"


class ProblemNoteError(Exception):
    """An explanation was not recorded; the message is for the person."""


def is_internal(problem: Problem) -> bool:
    """Whether a problem concerns the internal marginal and monitored lists (Q6)."""
    return problem.code.startswith(INTERNAL_PREFIX)


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
    for part in in_chunks(ids):
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
        for f in audit_database(session, policy=policy, on=on, village_ids=[household.village_id])
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
    save_village_rows(
        session, village, [note], actor=actor, reason=NOTE_REASON, household_id=household_id
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
    for part in in_chunks(missing):
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
    division = _village(session, village)
    return village_problem_lists(session, [division.id], policy=policy, on=on, internal=internal)[
        division.id
    ]


def village_problem_lists(
    session: Session,
    village_ids: Collection[str],
    *,
    policy: PolicyYear | None = None,
    on: date | None = None,
    internal: bool = False,
) -> dict[str, ProblemList]:
    """The problem lists of several villages (by village id) from one audit: the database-wide
    checks (duplicate IDs, shared points) run once for all of them, not once per village."""
    today = on or date.today()
    policy = policy or working_policy(session, today=today)
    divisions = {
        d.id: d
        for d in session.scalars(
            select(Division).where(Division.level == "village", Division.id.in_(list(village_ids)))
        )
    }
    if missing := set(village_ids) - set(divisions):
        raise LookupError(f"找不到行政村 {sorted(missing)[0]}")
    findings = audit_database(session, policy=policy, on=today, village_ids=list(divisions))
    notes = notes_for(session, {f.household_id for f in findings})
    lists = {
        d.id: ProblemList(
            village_id=d.id,
            village_code=d.code,
            village_name=d.name,
            policy_year=policy.year,
            on=today,
            internal=internal,
        )
        for d in divisions.values()
    }
    by_code = {d.code: lists[d.id] for d in divisions.values()}
    for village_row, problem in village_findings(session, policy=policy, village_ids=list(lists)):
        lists[village_row.id].rows.append(ListedProblem(None, None, None, problem, None))
    heads: dict[str, dict[str, str | None]] = {}
    for f in findings:
        listed = by_code.get(f.village_code or "")
        if listed is None:
            continue
        if is_internal(f.problem) and not internal:
            listed.internal_left_out += 1
            continue
        if listed.village_id not in heads:
            heads[listed.village_id] = _head_names(session, listed.village_id)
        listed.rows.append(
            ListedProblem(
                f.household_id,
                f.household_number,
                heads[listed.village_id].get(f.household_id),
                f.problem,
                note_of(notes, f.household_id, f.problem),
            )
        )
    return lists


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


def households_with_open_problems(
    session: Session,
    *,
    village_ids: Collection[str] | None = None,
    policy: PolicyYear | None = None,
    on: date | None = None,
    internal: bool = False,
) -> list[str]:
    """Ids of the households with a problem neither fixed nor explained (the list's filter).

    Internal problems (Q6) count only for roles that may see them.
    """
    findings = audit_database(session, policy=policy, village_ids=village_ids, on=on)
    notes = notes_for(session, {f.household_id for f in findings})
    open_ids = {
        f.household_id
        for f in findings
        if (internal or not is_internal(f.problem))
        and note_of(notes, f.household_id, f.problem) is None
    }
    return sorted(open_ids)
