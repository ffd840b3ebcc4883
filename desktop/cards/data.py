"""Reading what the printed documents need from the store; everything here only reads.

Each function returns the plain records of ``desktop.cards.records``; the PDF builders never
see a session. Marginal and monitored households (Q6) never reach a card or a publicity list:
publicity rows are queried with those flags excluded in SQL, and card records have no field that
could carry them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from desktop.cards.labels import (
    INTERNAL_ENTITIES,
    INTERNAL_FIELDS,
    book_value,
    entity_label,
    field_label,
)
from desktop.cards.payload import encode_card
from desktop.cards.records import (
    BookEntry,
    CardRecord,
    DayReport,
    HouseholdBook,
    Place,
    ProblemList,
    ProblemRow,
    PublicityList,
    PublicityRow,
    ReportHousehold,
)
from desktop.domain.codes import code_table
from desktop.domain.policy import BEIJING, PolicyYear
from desktop.store.card_register import issues_in_force
from desktop.store.models import (
    AssistanceMeasure,
    AssistancePerson,
    CardIssue,
    Division,
    Household,
    Income,
    LedgerEntry,
    Member,
    OutboxChange,
    ProblemNote,
    ProcedureStep,
)
from desktop.store.problems import is_internal
from desktop.store.settings import working_policy

NOTICE_STEPS = ("first_notice", "second_notice", "announcement")
PUBLIC_OPERATIONS = ("identify", "return", "exit")
HEAD_RELATION = "01"  # 户主 in the relation code table
CARD_STATUSES = ("poor", "exited", "exited_stable")  # registered households (建档立卡户)


class NotFound(LookupError):
    """A village or household named by the caller is not in the database (Chinese message)."""


class NoticeDatesError(ValueError):
    """A publicity list's notice dates are missing or wrong (Chinese message)."""


class NoticeDatesMissing(NoticeDatesError):
    """No notice dates were given and the village has none recorded."""


class NoticeTooShort(NoticeDatesError):
    """The notice ends before it starts, or lasts less than the policy's minimum (Q16)."""


def head_name_column() -> ColumnElement[str | None]:
    """The head's name: the column the save keeps, else the current head among the members
    (bulk loads such as the demo county leave the column empty)."""
    from_members = (
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
    return func.coalesce(Household.head_name, from_members)


# --- places ---------------------------------------------------------------------------------


def _division_map(session: Session) -> dict[str, tuple[str, str, str | None, str]]:
    """Division id -> (code, name, parent id, level) for every division (a county has a few hundred)."""
    rows = session.execute(
        select(Division.id, Division.code, Division.name, Division.parent_id, Division.level)
    )
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


def _place(divisions: dict[str, tuple[str, str, str | None, str]], village_id: str) -> Place:
    code, name, parent, _level = divisions[village_id]
    township = county = ""
    if parent in divisions:
        township = divisions[parent][1]
        grand = divisions[parent][2]
        if grand in divisions:
            county = divisions[grand][1]
    return Place(village_id, code, name, township, county)


def village_by_code(session: Session, code: str) -> Place:
    """The administrative village with division code ``code``; raises ``NotFound``."""
    village_id = session.scalar(
        select(Division.id).where(
            Division.code == code.strip(), Division.level == "village", Division.deleted.is_(False)
        )
    )
    if village_id is None:
        raise NotFound(f"数据库中没有代码为 {code} 的行政村")
    return _place(_division_map(session), village_id)


def household_ids_by_number(session: Session, numbers: Sequence[str]) -> list[str]:
    """Household ids for ``numbers``, in the order given; raises ``NotFound`` naming the missing."""
    wanted = [n.strip() for n in numbers]
    found = dict(
        session.execute(
            select(Household.household_number, Household.id).where(
                Household.household_number.in_(wanted), Household.deleted.is_(False)
            )
        ).all()
    )
    missing = [n for n in wanted if n not in found]
    if missing:
        raise NotFound("数据库中没有这些户编号: " + "、".join(missing))
    return list(dict.fromkeys(found[n] for n in wanted))


def village_household_ids(session: Session, village_id: str) -> list[str]:
    """The live households of a village, by household number."""
    return list(
        session.scalars(
            select(Household.id)
            .where(Household.village_id == village_id, Household.deleted.is_(False))
            .order_by(Household.household_number)
        )
    )


# --- cards ----------------------------------------------------------------------------------


def card_household_ids(session: Session, village_id: str) -> list[str]:
    """The households of a village that get a card: the registered ones (poor or exited, Q12),
    by household number. Ordinary households (marginal ones among them) get none."""
    return list(
        session.scalars(
            select(Household.id)
            .where(
                Household.village_id == village_id,
                Household.deleted.is_(False),
                Household.status.in_(CARD_STATUSES),
            )
            .order_by(Household.household_number)
        )
    )


def card_records(
    session: Session,
    household_ids: Sequence[str],
    *,
    key: bytes,
    issues: dict[str, int] | None = None,
    year: int | None = None,
) -> list[CardRecord]:
    """Card records of ``household_ids`` in the order given, signed with ``key``.

    ``issues`` overrides the issue printed for some households (a reprint prints the next
    issue before it is saved); otherwise the issue in force is printed.
    """
    divisions = _division_map(session)
    year = year if year is not None else working_policy(session).year
    rows: dict[str, Any] = {}
    ids = list(household_ids)
    for start in range(0, len(ids), 900):
        part = ids[start : start + 900]
        for row in session.execute(
            select(
                Household.id,
                Household.household_number,
                Household.village_id,
                Household.hamlet_id,
                head_name_column(),
                Household.card_issue,
                AssistancePerson.name,
                AssistancePerson.phone,
            )
            .outerjoin(AssistancePerson, Household.assistance_person_id == AssistancePerson.id)
            .where(Household.id.in_(part))
        ):
            rows[row[0]] = row
    issues = dict(issues or {})
    issues.update(issues_in_force(session, [i for i in ids if i not in issues]))
    records = []
    for household_id in ids:
        row = rows.get(household_id)
        if row is None:
            raise NotFound(f"数据库中没有这一户: {household_id}")
        _id, number, village_id, hamlet_id, head, issue, person, phone = row
        issue = issues.get(household_id, issue)
        place = _place(divisions, village_id)
        hamlet = divisions[hamlet_id][1] if hamlet_id in divisions else ""
        records.append(
            CardRecord(
                household_id=household_id,
                household_number=number,
                village_code=place.village_code,
                county=place.county,
                township=place.township,
                village=place.village,
                hamlet=hamlet,
                head_name=head or "",
                assistance_person=person or "",
                assistance_phone=phone or "",
                year=year,
                issue=issue,
                qr_text=encode_card(place.village_code, number, issue, key),
            )
        )
    return records


# --- the publicity list ---------------------------------------------------------------------


def _notice_dates(
    session: Session, village_id: str, policy: PolicyYear, step: str | None
) -> tuple[str, date, date | None] | None:
    """(step, start, end) of the village's latest notice step in the policy year's work."""
    query = (
        select(ProcedureStep.step, ProcedureStep.start_date, ProcedureStep.end_date)
        .where(
            ProcedureStep.village_id == village_id,
            ProcedureStep.deleted.is_(False),
            ProcedureStep.step.in_([step] if step else NOTICE_STEPS),
            ProcedureStep.start_date.is_not(None),
            ProcedureStep.start_date >= policy.work_start - timedelta(days=90),
            ProcedureStep.start_date <= policy.work_end,
        )
        .order_by(
            ProcedureStep.start_date.desc(),
            ProcedureStep.household_id.is_not(None),  # the village's own row first
            ProcedureStep.end_date.desc(),
        )
        .limit(1)
    )
    row = session.execute(query).first()
    return (row[0], row[1], row[2]) if row else None


def publicity_list(
    session: Session,
    village_id: str,
    *,
    start: date | None = None,
    end: date | None = None,
    step: str | None = None,
) -> PublicityList:
    """The village's publicity list (公示名单) of the working policy year.

    Households: those with an identify / return / exit procedure step in the village this year,
    and those whose identified / returned / exited year is this year — never a marginal or
    monitored household (Q6). Dates: ``start``/``end`` when given, else the village's latest
    notice step (``step`` picks first_notice / second_notice / announcement). The notice must
    last at least the policy's ``notice_min_days``, counted inclusively (Q16).
    """
    policy = working_policy(session)
    divisions = _division_map(session)
    place = _place(divisions, village_id)

    found = _notice_dates(session, village_id, policy, step)
    label_step = step or (found[0] if found else None)
    start = start or (found[1] if found else None)
    end = end or (found[2] if found else None)
    if start is None or end is None:
        raise NoticeDatesMissing(
            f"{place.village}没有登记公示日期(识别程序中的公示或公告步骤),请指定公示起止日期"
        )
    if end < start:
        raise NoticeTooShort(f"公示截止日期 {end} 早于开始日期 {start}")
    days = (end - start).days + 1
    if days < policy.notice_min_days:
        raise NoticeTooShort(
            f"公示期 {start} 至 {end} 只有 {days} 天,每次公示不得少于 {policy.notice_min_days} 天"
            "(导引第16问)"
        )

    public = and_(
        Household.village_id == village_id,
        Household.deleted.is_(False),
        Household.marginal.is_(False),
        Household.monitored.is_(False),
    )
    operations: dict[str, str] = {}
    for household_id, operation in session.execute(
        select(ProcedureStep.household_id, ProcedureStep.operation)
        .join(Household, ProcedureStep.household_id == Household.id)
        .where(
            public,
            ProcedureStep.deleted.is_(False),
            ProcedureStep.operation.in_(PUBLIC_OPERATIONS),
            or_(
                ProcedureStep.start_date.is_(None),
                ProcedureStep.start_date.between(
                    policy.work_start - timedelta(days=90), policy.work_end
                ),
            ),
        )
        .order_by(ProcedureStep.start_date)
    ):
        operations[household_id] = operation
    year = policy.year
    for household_id, identified, returned, exited, status in session.execute(
        select(
            Household.id,
            Household.identified_year,
            Household.returned_year,
            Household.exited_year,
            Household.status,
        ).where(
            public,
            or_(
                Household.identified_year == year,
                Household.returned_year == year,
                Household.exited_year == year,
            ),
        )
    ):
        if household_id in operations:
            continue
        if exited == year and status in ("exited", "exited_stable"):
            operations[household_id] = "exit"
        elif returned == year:
            operations[household_id] = "return"
        elif identified == year:
            operations[household_id] = "identify"

    causes = code_table("poverty_cause")
    return_causes = code_table("return_cause")
    rows: list[PublicityRow] = []
    ids = list(operations)
    for start_at in range(0, len(ids), 900):
        for row in session.execute(
            select(
                Household.id,
                Household.hamlet_id,
                head_name_column(),
                Household.household_number,
                Household.member_count,
                Household.main_cause,
                Household.return_causes,
            ).where(Household.id.in_(ids[start_at : start_at + 900]), public)
        ):
            household_id, hamlet_id, head, number, count, main, returns = row
            operation = operations[household_id]
            if operation == "identify":
                cause = causes.label(main) if main else ""
            elif operation == "return":
                cause = "、".join(return_causes.label(c) for c in (returns or []))
            else:
                cause = ""
            rows.append(
                PublicityRow(
                    operation=operation,
                    hamlet=divisions[hamlet_id][1] if hamlet_id in divisions else "",
                    head_name=head or "",
                    household_number=number,
                    member_count=count or 0,
                    cause=cause,
                )
            )
    order = {op: i for i, op in enumerate(PUBLIC_OPERATIONS)}
    rows.sort(key=lambda r: (order[r.operation], r.household_number))
    notice_label = code_table("procedure_step").label(label_step) if label_step else "公示"
    return PublicityList(place, year, notice_label, start, end, rows)


# --- the household book ---------------------------------------------------------------------


def _subjects(session: Session, entries: Sequence[Any]) -> dict[tuple[str, str], str]:
    """(entity, entity id) -> what the entry is about, in words (``成员 王芳``, ``收入 2019年`` …)."""
    by_entity: dict[str, set[str]] = {}
    for entry in entries:
        by_entity.setdefault(entry.entity, set()).add(entry.entity_id)
    found: dict[tuple[str, str], str] = {}
    if by_entity.get("members"):
        for member_id, name in session.execute(
            select(Member.id, Member.name).where(Member.id.in_(by_entity["members"]))
        ):
            found[("members", member_id)] = f"成员 {name}"
    if by_entity.get("incomes"):
        for income_id, year in session.execute(
            select(Income.id, Income.policy_year).where(Income.id.in_(by_entity["incomes"]))
        ):
            found[("incomes", income_id)] = f"收入 {year}年度"
    if by_entity.get("assistance_measures"):
        categories = code_table("assistance_category")
        for measure_id, year, category in session.execute(
            select(AssistanceMeasure.id, AssistanceMeasure.year, AssistanceMeasure.category).where(
                AssistanceMeasure.id.in_(by_entity["assistance_measures"])
            )
        ):
            found[("assistance_measures", measure_id)] = (
                f"帮扶措施 {year}年 {categories.label(category)}"
            )
    return found


CARD_ENTITY = CardIssue.__tablename__


def _card_lines(session: Session, household_id: str) -> list[BookEntry]:
    """The household's cards (一卡) from the card register, as lines of its book: a card issue
    is no edit of the household, but its history belongs with it."""
    lines = []
    previous = 0
    for issue in session.scalars(
        select(CardIssue)
        .where(CardIssue.household_id == household_id, CardIssue.deleted.is_(False))
        .order_by(CardIssue.issue, CardIssue.issued_at)
    ):
        lines.append(
            BookEntry(
                at=issue.issued_at,
                actor=issue.issued_by,
                subject="户卡",
                field=field_label("card_issue"),
                old=str(previous) if previous else "",
                new=str(issue.issue),
                reason="补打户卡" if issue.reprint else "首次打印户卡",
            )
        )
        previous = issue.issue
    return lines


def household_book(session: Session, household_id: str, *, internal: bool = False) -> HouseholdBook:
    """The book (一簿) of one household: every recorded change, oldest first (a history reads
    forward, like the paper book). Entries about the internal lists (the marginal and monitored
    flags, risks) are only included with ``internal``; ID and account numbers are masked."""
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound(f"数据库中没有这一户: {household_id}")
    divisions = _division_map(session)
    place = _place(divisions, household.village_id)
    entries = session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.household_id == household_id, LedgerEntry.entity != CARD_ENTITY)
        .order_by(LedgerEntry.at, LedgerEntry.seq)
    ).all()
    subjects = _subjects(session, entries)
    lines = _card_lines(session, household_id)
    for entry in entries:
        if not internal and (entry.entity in INTERNAL_ENTITIES or entry.field in INTERNAL_FIELDS):
            continue
        subject = subjects.get((entry.entity, entry.entity_id), entity_label(entry.entity))
        lines.append(
            BookEntry(
                at=entry.at,
                actor=entry.actor,
                subject=subject,
                field=field_label(entry.field),
                old=book_value(entry.field, entry.old_value),
                new=book_value(entry.field, entry.new_value),
                reason=entry.reason or "",
            )
        )
    lines.sort(key=lambda line: line.at)  # the cards among the edits, in time order
    hamlet = divisions[household.hamlet_id][1] if household.hamlet_id in divisions else ""
    head = session.scalar(select(head_name_column()).where(Household.id == household_id))
    return HouseholdBook(
        place=place,
        household_number=household.household_number,
        head_name=head or "",
        hamlet=hamlet,
        entries=lines,
    )


# --- the problem list -----------------------------------------------------------------------


def _household_names(
    session: Session, village_ids: Collection[str] | None
) -> dict[str, tuple[str, str, str | None, str | None]]:
    """Household id -> (number, head name, village id, hamlet id)."""
    query = select(
        Household.id,
        Household.household_number,
        head_name_column(),
        Household.village_id,
        Household.hamlet_id,
    ).where(Household.deleted.is_(False))
    if village_ids is not None:
        query = query.where(Household.village_id.in_(list(village_ids)))
    return {r[0]: (r[1], r[2] or "", r[3], r[4]) for r in session.execute(query)}


def _explanations(session: Session, household_ids: Collection[str]) -> dict[tuple, str]:
    """(household id, rule code, entity id) -> explanation, newest explanation winning."""
    found: dict[tuple, str] = {}
    ids = list(household_ids)
    for start in range(0, len(ids), 900):
        for household_id, rule, entity_id, text in session.execute(
            select(
                ProblemNote.household_id,
                ProblemNote.rule_code,
                ProblemNote.entity_id,
                ProblemNote.explanation,
            )
            .where(ProblemNote.household_id.in_(ids[start : start + 900]))
            .where(ProblemNote.deleted.is_(False))
            .order_by(ProblemNote.explained_at)
        ):
            found[(household_id, rule, entity_id)] = text
    return found


def _open_findings(session: Session, village_ids: Collection[str] | None, on: date):
    """The audit's findings with their explanations (``""`` when none)."""
    from desktop.store.audit import audit_database

    policy = working_policy(session, today=on)
    findings = audit_database(session, policy=policy, village_ids=village_ids, on=on)
    notes = _explanations(session, {f.household_id for f in findings})
    return policy, [
        (
            f,
            notes.get((f.household_id, f.problem.code, f.problem.entity_id))
            or notes.get((f.household_id, f.problem.code, None))
            or "",
        )
        for f in findings
    ]


def problem_list(
    session: Session, village_id: str, *, on: date | None = None, internal: bool = False
) -> ProblemList:
    """The audit's problem list (问题清单) of one village, with explanations already given.

    Problems about marginal and monitored households (Q6) are internal: left out unless
    ``internal`` is asked for by a role that may see them.
    """
    day = on or date.today()
    divisions = _division_map(session)
    place = _place(divisions, village_id)
    policy, findings = _open_findings(session, [village_id], day)
    names = _household_names(session, [village_id])
    rows = []
    for finding, explanation in findings:
        if not internal and is_internal(finding.problem):
            continue
        _number, head, _village, hamlet_id = names.get(finding.household_id, ("", "", None, None))
        rows.append(
            ProblemRow(
                household_number=finding.household_number,
                head_name=head,
                hamlet=divisions[hamlet_id][1] if hamlet_id in divisions else "",
                severity=str(finding.problem.severity),
                code=finding.problem.code,
                message=finding.problem.message,
                explanation=explanation,
            )
        )
    return ProblemList(place, policy.year, day, rows)


# --- the day-end report ---------------------------------------------------------------------


def _utc_window(day: date) -> tuple[datetime, datetime]:
    """The Beijing calendar day as naive UTC bounds (the book stores naive UTC)."""
    start = datetime.combine(day, time(), tzinfo=BEIJING).astimezone(UTC).replace(tzinfo=None)
    return start, start + timedelta(days=1)


def day_report(
    session: Session, day: date, *, village_ids: Collection[str] | None = None
) -> DayReport:
    """What happened on ``day`` (Beijing time) in the villages (all when ``None``): households
    visited, created and changed that day, those with changes not yet synced, those without a
    location and those with unexplained audit problems."""
    divisions = _division_map(session)
    names = _household_names(session, village_ids)

    def line(household_id: str, note: str = "") -> ReportHousehold:
        number, head, village_id, hamlet_id = names[household_id]
        return ReportHousehold(
            household_number=number,
            head_name=head,
            village=divisions[village_id][1] if village_id in divisions else "",
            hamlet=divisions[hamlet_id][1] if hamlet_id in divisions else "",
            note=note,
        )

    def ordered(ids: Collection[str], notes: dict[str, str] | None = None) -> list[ReportHousehold]:
        known = [i for i in ids if i in names]
        known.sort(key=lambda i: names[i][0])
        return [line(i, (notes or {}).get(i, "")) for i in known]

    in_scope = Household.deleted.is_(False)
    if village_ids is not None:
        in_scope = and_(in_scope, Household.village_id.in_(list(village_ids)))

    visited = session.scalars(
        select(Household.id).where(in_scope, Household.last_visit_date == day)
    ).all()

    start, end = _utc_window(day)
    first = (
        select(LedgerEntry.household_id, func.min(LedgerEntry.at).label("first_at"))
        .where(LedgerEntry.household_id.is_not(None))
        .group_by(LedgerEntry.household_id)
        .subquery()
    )
    touched = session.execute(
        select(LedgerEntry.household_id, func.count(), first.c.first_at)
        .join(first, first.c.household_id == LedgerEntry.household_id)
        # a card issue (one pulled from another laptop is booked too) is no edit of the household
        .where(LedgerEntry.at >= start, LedgerEntry.at < end, LedgerEntry.entity != CARD_ENTITY)
        .group_by(LedgerEntry.household_id, first.c.first_at)
    ).all()
    created = [h for h, _n, first_at in touched if first_at >= start]
    changed = {h: f"{n} 处修改" for h, n, first_at in touched if first_at < start}

    ledger = aliased(LedgerEntry)
    pending_counts: dict[str, int] = {}
    for household_id, count in session.execute(
        select(ledger.household_id, func.count(func.distinct(OutboxChange.change_id)))
        .join(ledger, ledger.change_id == OutboxChange.change_id)
        .where(OutboxChange.state == "pending", ledger.household_id.is_not(None))
        .group_by(ledger.household_id)
    ):
        pending_counts[household_id] = count
    unsynced = {h: f"{n} 条待同步" for h, n in pending_counts.items()}

    without_location = session.scalars(
        select(Household.id).where(
            in_scope, or_(Household.latitude.is_(None), Household.longitude.is_(None))
        )
    ).all()

    _policy, findings = _open_findings(session, village_ids, day)
    open_counts: dict[str, list[int]] = {}
    for finding, explanation in findings:
        if explanation:
            continue
        counts = open_counts.setdefault(finding.household_id, [0, 0])
        counts[0 if finding.problem.is_error else 1] += 1
    problem_notes = {
        h: "、".join(
            part
            for part in (f"错误 {c[0]}" if c[0] else "", f"疑似 {c[1]}" if c[1] else "")
            if part
        )
        for h, c in open_counts.items()
    }

    if village_ids is None:
        counties = [v[1] for v in divisions.values() if v[3] == "county"]
        scope = "、".join(counties) or "全部村"
    else:
        scope = "、".join(_place(divisions, v).village for v in village_ids if v in divisions)
    return DayReport(
        day=day,
        scope=scope,
        visited=ordered(visited),
        created=ordered(created),
        changed=ordered(changed, changed),
        unsynced=ordered(unsynced, unsynced),
        without_location=ordered(without_location),
        with_open_problems=ordered(problem_notes, problem_notes),
    )
