"""The cross-check (比对, guide Q4, Q7, Q15): who is sent, what comes back, what the appraisal decided.

Persons sent: every current member of a household being newly identified or returned this year
(``procedures.candidate_household_ids``), and the people who joined a registered household by
marriage (嫁入, ``joined_reason`` 05) or by moving in (其他转入 / 户籍迁入, 07) in the policy year
(joined within the 12 months before the work ends, or with no joining date recorded). The export
lists name, ID number, household number and village.

The result sheet comes back with five yes/no findings per person — civil servant, public
institution or enterprise staff, vehicle, housing, company legal person. Rows are matched by ID
number: first among the persons sent, then among all current members; a row that matches nobody,
or people in several households, is reported and never dropped. Results are stored as one
``CrosscheckResult`` per person and policy year through the household's save; a later result
for the same person replaces the findings, and clears an appraisal decision taken on different
findings. Each flagged person needs a recorded decision (``record_decision``) before the
procedure goes on (``desktop.domain.procedure``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from desktop.domain import procedure as rules
from desktop.domain.codes import code_table
from desktop.domain.policy import PolicyYear
from desktop.store.db import Database
from desktop.store.exchange.columns import column_map
from desktop.store.exchange.importing import (
    ImportRefused,
    ImportResult,
    RowIssue,
    holders_by_id,
    import_transaction,
    save_in_import,
)
from desktop.store.exchange.reading import id_key, read_sheet
from desktop.store.exchange.registry_export import ExportSummary
from desktop.store.exchange.writing import add_sheet, new_workbook, save_workbook
from desktop.store.models import CrosscheckResult, Division, Household, Member
from desktop.store.queries import candidate_household_ids, crosscheck_results_of_year
from desktop.store.save import SaveResult, save_household
from desktop.store.settings import working_policy

FLAGS = tuple(rules.CROSSCHECK_FLAGS)
JOIN_REASONS = ("05", "07")  # natural_change_reason 嫁入, 其他转入 (户籍迁入)
REGISTERED = ("poor", "exited", "exited_stable")
REASON_LABELS = {"identify": "新识别", "return": "返贫"}
IMPORT_REASON = "导入比对结果（导引第4、15问）"
DECISION_REASON = "登记比对结果的评议结论（导引第15问）"


class CrosscheckError(Exception):
    """A decision could not be recorded; the message is for the person."""


@dataclass(frozen=True)
class CrosscheckPerson:
    """One person to be cross-checked."""

    member_id: str
    household_id: str
    household_number: str
    village_code: str
    village_name: str
    name: str
    id_number: str | None
    reason: str  # 新识别 | 返贫 | 嫁入 | 其他转入


def crosscheck_persons(
    session: Session,
    *,
    policy: PolicyYear | None = None,
    village_ids: Collection[str] | None = None,
) -> list[CrosscheckPerson]:
    """The persons to send for the cross-check, by village code, household number, form order."""
    policy = policy or working_policy(session)
    candidates = candidate_household_ids(session, policy, village_ids)
    first, last = rules.step_year_window(policy)
    joined = and_(
        Household.status.in_(REGISTERED),
        Member.joined_reason.in_(JOIN_REASONS),
        or_(
            Member.joined_date.is_(None),
            and_(Member.joined_date >= first, Member.joined_date <= last),
        ),
    )
    conditions = [joined]
    ids = list(candidates)
    for start in range(0, len(ids), 900):
        conditions.append(Member.household_id.in_(ids[start : start + 900]))
    query = (
        select(
            Member.id,
            Member.name,
            Member.id_number,
            Member.joined_reason,
            Member.position,
            Household.id,
            Household.household_number,
            Division.code,
            Division.name,
        )
        .join(Household, Member.household_id == Household.id)
        .join(Division, Household.village_id == Division.id)
        .where(
            Member.deleted.is_(False),
            Member.left_date.is_(None),
            Household.deleted.is_(False),
            or_(*conditions),
        )
        .order_by(Division.code, Household.household_number, Member.position, Member.id)
    )
    if village_ids is not None:
        query = query.where(Household.village_id.in_(list(village_ids)))
    reasons = code_table("natural_change_reason")
    persons: list[CrosscheckPerson] = []
    for row in session.execute(query):
        member_id, name, number, joined_reason, _pos, hid, hnumber, vcode, vname = row
        if hid in candidates:
            reason = REASON_LABELS[candidates[hid]]
        else:
            reason = reasons.label(joined_reason)
        persons.append(
            CrosscheckPerson(member_id, hid, hnumber, vcode, vname, name, number, reason)
        )
    return persons


def export_crosscheck(
    session: Session,
    path: str | Path,
    *,
    policy: PolicyYear | None = None,
    village_ids: Collection[str] | None = None,
) -> ExportSummary:
    """Write the persons to cross-check as xlsx (序号, 姓名, 证件号码, 户编号, 行政村 …)."""
    policy = policy or working_policy(session)
    persons = crosscheck_persons(session, policy=policy, village_ids=village_ids)
    rows = [
        {
            "seq": n,
            "name": p.name,
            "id_number": p.id_number,
            "household_number": p.household_number,
            "village_code": p.village_code,
            "village_name": p.village_name,
            "reason": p.reason,
        }
        for n, p in enumerate(persons, start=1)
    ]
    colmap = column_map("crosscheck_export")
    workbook = new_workbook(title=f"{policy.year}年度拟纳入人员比对名单")
    count = add_sheet(
        workbook,
        colmap.columns,
        rows,
        sheet=colmap.sheet,
        title_line=f"{policy.year}年度新识别、返贫及嫁入、户籍迁入拟纳入人员比对名单（共{len(rows)}人）",
        printable=True,
    )
    return ExportSummary(save_workbook(workbook, path), {colmap.sheet: count}, False)


# --- importing the results --------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultMatch:
    """A result row matched to a person."""

    row: int
    member_id: str
    member_name: str
    household_id: str
    household_number: str
    flags: dict[str, bool]
    name_in_file: str | None
    on_list: bool  # the person was among those sent

    @property
    def flagged(self) -> bool:
        return any(self.flags.values())

    @property
    def name_differs(self) -> bool:
        return bool(self.name_in_file) and self.name_in_file != self.member_name


@dataclass
class CrosscheckPreview:
    """What a result import would record; nothing has been written."""

    path: Path
    sheet: str
    matched: list[ResultMatch] = field(default_factory=list)
    unmatched: list[RowIssue] = field(default_factory=list)
    ambiguous: list[RowIssue] = field(default_factory=list)
    invalid: list[RowIssue] = field(default_factory=list)
    not_returned: list[CrosscheckPerson] = field(default_factory=list)

    @property
    def flagged(self) -> list[ResultMatch]:
        return [m for m in self.matched if m.flagged]

    @property
    def has_issues(self) -> bool:
        return bool(self.unmatched or self.ambiguous or self.invalid)

    def summary(self) -> dict[str, Any]:
        """The preview as plain data (for ``--json`` and the report)."""

        def issue(i: RowIssue) -> dict[str, Any]:
            return {"row": i.row, "id_number": i.id_number, "name": i.name, "reason": i.reason}

        return {
            "file": str(self.path),
            "sheet": self.sheet,
            "matched": len(self.matched),
            "flagged": [
                {
                    "row": m.row,
                    "household_number": m.household_number,
                    "name": m.member_name,
                    "findings": [rules.CROSSCHECK_FLAGS[k] for k, v in m.flags.items() if v],
                }
                for m in self.flagged
            ],
            "unmatched": [issue(i) for i in self.unmatched],
            "ambiguous": [issue(i) for i in self.ambiguous],
            "invalid": [issue(i) for i in self.invalid],
            "name_differs": [
                {"row": m.row, "name": m.member_name, "name_in_file": m.name_in_file}
                for m in self.matched
                if m.name_differs
            ],
            "not_returned": [
                {"name": p.name, "id_number": p.id_number, "household_number": p.household_number}
                for p in self.not_returned
            ],
        }


def preview_crosscheck_import(
    session: Session, path: str | Path, *, policy: PolicyYear | None = None
) -> CrosscheckPreview:
    """Read a result sheet and match its rows to persons by ID number; writes nothing."""
    policy = policy or working_policy(session)
    parsed = read_sheet(path, column_map("crosscheck_result"))
    preview = CrosscheckPreview(path=parsed.path, sheet=parsed.sheet)
    sent = crosscheck_persons(session, policy=policy)
    sent_by_key: dict[str, list[CrosscheckPerson]] = defaultdict(list)
    for person in sent:
        if (key := id_key(person.id_number)) is not None:
            sent_by_key[key].append(person)
    keys = {k for r in parsed.rows if (k := id_key(r.values.get("id_number")))}
    holders = holders_by_id(session, keys)
    seen: dict[str, int] = {}
    for row in parsed.rows:
        number, name = row.values.get("id_number"), row.values.get("name")
        if row.problems:
            preview.invalid.append(RowIssue(row.number, number, name, "；".join(row.problems)))
            continue
        key = id_key(number)
        if key is None:
            preview.invalid.append(RowIssue(row.number, number, name, "证件号码不足18位"))
            continue
        if key in seen:
            preview.invalid.append(
                RowIssue(row.number, number, name, f"与第{seen[key]}行是同一人，重复的结果未导入")
            )
            continue
        seen[key] = row.number
        found = holders.get(key, [])
        if not found:
            preview.unmatched.append(
                RowIssue(row.number, number, name, "没有找到持有此证件号码的现有家庭成员")
            )
            continue
        on_list = [h for h in found if any(p.member_id == h.member_id for p in sent_by_key[key])]
        chosen = on_list or found
        if len({h.household_id for h in chosen}) > 1 or len(chosen) > 1:
            numbers = "、".join(sorted({h.household_number for h in chosen}))
            preview.ambiguous.append(
                RowIssue(
                    row.number, number, name, f"此证件号码登记在多名成员上（户编号 {numbers}）"
                )
            )
            continue
        holder = chosen[0]
        preview.matched.append(
            ResultMatch(
                row=row.number,
                member_id=holder.member_id,
                member_name=holder.name,
                household_id=holder.household_id,
                household_number=holder.household_number,
                flags={f: bool(row.values.get(f)) for f in FLAGS},
                name_in_file=name,
                on_list=bool(on_list),
            )
        )
    returned = {m.member_id for m in preview.matched}
    preview.not_returned = [p for p in sent if p.member_id not in returned]
    return preview


def _year_result(member: Member, policy: PolicyYear) -> CrosscheckResult | None:
    first, last = rules.step_year_window(policy)
    live = [
        r
        for r in member.crosschecks
        if not r.deleted and (r.checked_date is None or first <= r.checked_date <= last)
    ]
    live.sort(key=lambda r: r.checked_date or date.min)
    return live[-1] if live else None


def commit_crosscheck_import(
    db: Database,
    preview: CrosscheckPreview,
    *,
    actor: str,
    checked_date: date | None = None,
) -> ImportResult:
    """Record the preview's results through each household's save, all in one transaction.

    ``checked_date`` (default today) is the day the results came back; it must fall in the policy
    year (``step_year_window``). A household whose save is refused rolls everything back and
    raises ``ImportRefused``.
    """
    day = checked_date or date.today()
    by_household: dict[str, list[ResultMatch]] = defaultdict(list)
    for match in preview.matched:
        by_household[match.household_id].append(match)
    changes = 0
    with import_transaction(db) as session:
        policy = working_policy(session)
        first, last = rules.step_year_window(policy)
        if not first <= day <= last:
            raise ImportRefused(
                "",
                [],
                f"比对结果返回日期{day.isoformat()}不在{policy.year}年度（{first.isoformat()}至"
                f"{last.isoformat()}）内，请核对日期，没有写入任何数据。",
            )
        for household_id, matches in by_household.items():
            household = session.scalars(
                select(Household)
                .where(Household.id == household_id)
                .options(selectinload(Household.members).selectinload(Member.crosschecks))
            ).one()
            members = {m.id: m for m in household.members}
            with session.no_autoflush:
                for match in matches:
                    member = members[match.member_id]
                    result = _year_result(member, policy)
                    if result is None:
                        result = CrosscheckResult()
                        member.crosschecks.append(result)
                    elif any(getattr(result, f) != v for f, v in match.flags.items()):
                        result.decision = None  # decided on other findings: decide again
                        result.decision_note = None
                    result.checked_date = day
                    for name, value in match.flags.items():
                        setattr(result, name, value)
            saved = save_in_import(session, household, actor=actor, reason=IMPORT_REASON)
            changes += len(saved.change_ids)
    return ImportResult(households=len(by_household), rows=len(preview.matched), change_ids=changes)


# --- decisions and the review list -------------------------------------------------------------------


def record_decision(
    session: Session,
    member_id: str,
    decision: str,
    *,
    actor: str,
    note: str | None = None,
    policy: PolicyYear | None = None,
) -> SaveResult:
    """Record the appraisal's decision on a flagged person (include or exclude), via the save."""
    if decision not in rules.DECISION_LABELS:
        raise CrosscheckError("评议结论只能是：" + "、".join(rules.DECISION_LABELS.values()))
    policy = policy or working_policy(session)
    member = session.scalars(
        select(Member).where(Member.id == member_id).options(selectinload(Member.crosschecks))
    ).one_or_none()
    if member is None:
        raise CrosscheckError(f"找不到成员 {member_id}")
    household = member.household
    result = _year_result(member, policy)
    if result is None or not rules.is_flagged(result):
        raise CrosscheckError(f"“{member.name}”今年的比对没有发现问题，不需要评议结论")
    with session.no_autoflush:
        result.decision = decision
        result.decision_note = note
    return save_household(
        session,
        household,
        actor=actor,
        reason=DECISION_REASON,
    )


@dataclass(frozen=True)
class ReviewRow:
    """A flagged person in the review list."""

    member_id: str
    name: str
    id_number: str | None
    household_id: str
    household_number: str
    village_code: str
    village_name: str
    findings: tuple[str, ...]
    checked_date: date | None
    decision: str | None
    decision_note: str | None

    @property
    def decided(self) -> bool:
        return self.decision is not None


def crosscheck_review(
    session: Session,
    *,
    policy: PolicyYear | None = None,
    village_ids: Collection[str] | None = None,
) -> list[ReviewRow]:
    """Every person this year's cross-check flagged, undecided first, then by village and household."""
    policy = policy or working_policy(session)
    first, last = rules.step_year_window(policy)
    query = (
        select(CrosscheckResult, Member, Household.household_number, Division.code, Division.name)
        .join(Member, CrosscheckResult.member_id == Member.id)
        .join(Household, Member.household_id == Household.id)
        .join(Division, Household.village_id == Division.id)
        .where(
            CrosscheckResult.deleted.is_(False),
            Member.deleted.is_(False),
            Household.deleted.is_(False),
            or_(
                CrosscheckResult.checked_date.is_(None),
                and_(CrosscheckResult.checked_date >= first, CrosscheckResult.checked_date <= last),
            ),
            or_(*(getattr(CrosscheckResult, f).is_(True) for f in FLAGS)),
        )
    )
    if village_ids is not None:
        query = query.where(Household.village_id.in_(list(village_ids)))
    rows = [
        ReviewRow(
            member_id=member.id,
            name=member.name,
            id_number=member.id_number,
            household_id=member.household_id,
            household_number=number,
            village_code=code,
            village_name=vname,
            findings=tuple(rules.flag_labels(result)),
            checked_date=result.checked_date,
            decision=result.decision,
            decision_note=result.decision_note,
        )
        for result, member, number, code, vname in session.execute(query)
    ]
    rows.sort(key=lambda r: (r.decided, r.village_code, r.household_number, r.name))
    return rows


def person_result(
    session: Session, member_id: str, *, policy: PolicyYear | None = None
) -> CrosscheckResult | None:
    """The person's cross-check result of the policy year (what the person's screen shows)."""
    policy = policy or working_policy(session)
    return crosscheck_results_of_year(session, [member_id], policy).get(member_id)
