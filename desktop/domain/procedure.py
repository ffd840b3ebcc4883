"""The identification procedure (两公示一比对一公告, guide Q15, Q16) and when an operation may end.

The steps, in the order of code table ``procedure_step``: 民主评议 ``appraisal``, 第一次公示
``first_notice``, 比对 ``crosscheck``, 第二次评议 ``second_appraisal``, 第二次公示 ``second_notice``,
公告 ``announcement``. A new identification (新识别) and a return to poverty (返贫, Q10: "符合贫困人口
识别标准和程序") run all six. An exit (脱贫) runs 民主评议, 公示 and 公告 (``appraisal``,
``first_notice``, ``announcement``; the guide does not describe the exit procedure: UNCONFIRMED,
taken from the Shaanxi 2017 exit rules' 评议—公示—公告).

Counting a notice's days. Both ends count: a notice posted on the 1st and taken down on the 10th
lasted 10 days (``notice_days``). Each notice is counted on its own (Q16): every one must last at
least the policy year's ``notice_min_days``; two notices of 5 days are not one of 10.

The order of the steps (a step's "last day" is its end date, or its start date when it has none):

- the first notice starts on or after the appraisal's last day;
- the cross-check starts on or after the appraisal's last day; it may run while the first notice
  is up (Q7: "不要等待省级比对结果，按照工作程序正常推进");
- the second appraisal starts after the first notice's last day (the notice runs its full length)
  and on or after the cross-check's last day (it judges the cross-check's findings, Q15);
- the second notice starts on or after the second appraisal's last day;
- the announcement starts after the second notice's last day.

A step counts as done when its dates are recorded and valid: a start date for every step, an end
date too for the notices and the cross-check (the day its results came back). Every person the
cross-check flagged (civil servant, public institution or enterprise staff, vehicle, housing,
company legal person) needs a recorded appraisal decision before the procedure goes on to the
second notice; a person decided ``exclude`` stops the household's identification or return.

A village with no new or returning household still records its second appraisal and second
notice (Q15): ``village_procedure_check``. Steps recorded for the whole village (no household)
count for each of its households unless the household has its own record of that step.

Everything returns ``Problem`` lists; nothing raises. ``procedure_complete`` is what an operation
dialog asks before it completes an identification, a return or an exit, and
``completion_problems`` adds the work calendar of ``desktop.domain.operations``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from desktop.domain.codes import code_table
from desktop.domain.operations import Operation, Status, check_operation, operation_label
from desktop.domain.policy import PolicyYear, local_moment
from desktop.domain.problems import Problem, Severity, Text, problem, t, term

APPRAISAL = "appraisal"
FIRST_NOTICE = "first_notice"
CROSSCHECK = "crosscheck"
SECOND_APPRAISAL = "second_appraisal"
SECOND_NOTICE = "second_notice"
ANNOUNCEMENT = "announcement"

IDENTIFY_STEPS = (
    APPRAISAL,
    FIRST_NOTICE,
    CROSSCHECK,
    SECOND_APPRAISAL,
    SECOND_NOTICE,
    ANNOUNCEMENT,
)
EXIT_STEPS = (APPRAISAL, FIRST_NOTICE, ANNOUNCEMENT)
REQUIRED_STEPS: dict[str, tuple[str, ...]] = {
    Operation.identify.value: IDENTIFY_STEPS,
    Operation.return_.value: IDENTIFY_STEPS,
    Operation.exit.value: EXIT_STEPS,
}
"""The steps each procedure needs, in order."""

VILLAGE_STEPS_WITHOUT_CANDIDATES = (SECOND_APPRAISAL, SECOND_NOTICE)
"""What a village with no new or returning household still records (Q15)."""

STEPS_WITH_END = frozenset({FIRST_NOTICE, SECOND_NOTICE, CROSSCHECK})
"""Steps that are only done once their end date is recorded."""

# step -> ((step it follows, strictly after that step's last day), ...), per procedure
_IDENTIFY_ORDER: dict[str, tuple[tuple[str, bool], ...]] = {
    FIRST_NOTICE: ((APPRAISAL, False),),
    CROSSCHECK: ((APPRAISAL, False),),
    SECOND_APPRAISAL: ((FIRST_NOTICE, True), (CROSSCHECK, False)),
    SECOND_NOTICE: ((SECOND_APPRAISAL, False),),
    ANNOUNCEMENT: ((SECOND_NOTICE, True),),
}
_EXIT_ORDER: dict[str, tuple[tuple[str, bool], ...]] = {
    FIRST_NOTICE: ((APPRAISAL, False),),
    ANNOUNCEMENT: ((FIRST_NOTICE, True),),
}
ORDER: dict[str, dict[str, tuple[tuple[str, bool], ...]]] = {
    Operation.identify.value: _IDENTIFY_ORDER,
    Operation.return_.value: _IDENTIFY_ORDER,
    Operation.exit.value: _EXIT_ORDER,
}

# Appraisal decisions on a person the cross-check flagged (CrosscheckResult.decision).
DECISION_INCLUDE = "include"
DECISION_EXCLUDE = "exclude"
DECISION_LABELS: dict[str, str] = {
    DECISION_INCLUDE: "经综合研判，予以纳入",
    DECISION_EXCLUDE: "经综合研判，不予纳入",
}
CROSSCHECK_FLAGS: dict[str, str] = {
    "civil_servant": "公务员",
    "institution_staff": "企事业单位人员",
    "vehicle": "拥有车辆",
    "housing": "拥有住房",
    "company_legal_person": "企业法人",
}
"""The five cross-check findings (Q4, Q15), attribute -> Chinese label."""
_FLAG_TERMS = {
    "civil_servant": term("公务员"),
    "institution_staff": term("企事业单位人员"),
    "vehicle": term("拥有车辆"),
    "housing": term("拥有住房"),
    "company_legal_person": term("企业法人"),
}

REJECTED_OUTCOMES = frozenset({"不通过", "未通过", "不予纳入", "不同意"})
"""Outcomes that stop a procedure (an outcome is free text; only these exact words stop it)."""
_REJECTED_OUTCOME_TERMS = {
    "不通过": term("不通过"),
    "未通过": term("未通过"),
    "不予纳入": term("不予纳入"),
    "不同意": term("不同意"),
}

# Problem codes (stable).
PROC_STEP_UNKNOWN = "PROC_STEP_UNKNOWN"
PROC_STEP_NO_START = "PROC_STEP_NO_START"
PROC_STEP_NO_END = "PROC_STEP_NO_END"
PROC_END_BEFORE_START = "PROC_END_BEFORE_START"
PROC_NOTICE_TOO_SHORT = "PROC_NOTICE_TOO_SHORT"
PROC_STEP_ORDER = "PROC_STEP_ORDER"
PROC_STEP_DUPLICATE = "PROC_STEP_DUPLICATE"
PROC_STEP_REJECTED = "PROC_STEP_REJECTED"
PROC_OUTSIDE_WORK_WINDOW = "PROC_OUTSIDE_WORK_WINDOW"
PROC_AFTER_DUE = "PROC_AFTER_DUE"
PROC_STEP_MISSING = "PROC_STEP_MISSING"
PROC_CROSSCHECK_UNDECIDED = "PROC_CROSSCHECK_UNDECIDED"
PROC_CROSSCHECK_EXCLUDED = "PROC_CROSSCHECK_EXCLUDED"
PROC_NOT_YET_ANNOUNCED = "PROC_NOT_YET_ANNOUNCED"
PROC_NO_PROCEDURE = "PROC_NO_PROCEDURE"

ERROR = Severity.ERROR
WARNING = Severity.WARNING


class StepLike(Protocol):
    """A recorded step (``ProcedureStep``): the attributes the procedure rules read."""

    id: str | None
    operation: str | None
    step: str | None
    start_date: date | None
    end_date: date | None
    outcome: str | None
    recorded_by: str | None
    deleted: bool | None


class CrosscheckLike(Protocol):
    """A person's cross-check result (``CrosscheckResult``)."""

    member_id: str | None
    civil_servant: bool | None
    institution_staff: bool | None
    vehicle: bool | None
    housing: bool | None
    company_legal_person: bool | None
    decision: str | None
    deleted: bool | None


# --- small helpers ------------------------------------------------------------------------------


def step_label(step: str) -> str:
    """The Chinese name of a step (民主评议 …)."""
    return code_table("procedure_step").label(step)


def is_notice(step: str) -> bool:
    """Whether a step is a public notice (公示) that must last ``notice_min_days``."""
    entry = code_table("procedure_step").entry(step)
    return bool(entry and entry.get("notice"))


def notice_days(start: date, end: date) -> int:
    """How long a notice lasted, both ends counted: from the 1st to the 10th is 10 days."""
    return (end - start).days + 1


def day_text(d: date) -> str:
    """A day the way the guide writes it: 2019年10月1日."""
    return f"{d.year}年{d.month}月{d.day}日"


def last_day(step: StepLike) -> date | None:
    """The step's last day: its end date, else its start date."""
    return step.end_date or step.start_date


def is_flagged(result: CrosscheckLike) -> bool:
    """Whether the cross-check found anything on the person (any of the five findings)."""
    return any(getattr(result, name) for name in CROSSCHECK_FLAGS)


def flag_labels(result: CrosscheckLike) -> list[str]:
    """The Chinese labels of the person's findings."""
    return [label for name, label in CROSSCHECK_FLAGS.items() if getattr(result, name)]


def step_year_window(policy: PolicyYear) -> tuple[date, date]:
    """The days whose steps belong to ``policy``'s year: the 12 months ending at its work end."""
    return policy.work_end - timedelta(days=365) + timedelta(days=1), policy.work_end


def steps_of_year(steps: Iterable[StepLike], policy: PolicyYear) -> list[StepLike]:
    """Live steps that belong to ``policy``'s year (a step without a start date always does)."""
    first, last = step_year_window(policy)
    return [
        s
        for s in steps
        if not s.deleted and (s.start_date is None or first <= s.start_date <= last)
    ]


def _problem(
    code: str, severity: Severity, field: str, message: Text, entity: str | None
) -> Problem:
    return problem(code, field, severity, message, entity)


def _day(d: date) -> Text:
    """``day_text`` as a message value."""
    return t("{year}年{month}月{day}日", year=d.year, month=d.month, day=d.day)


def _step(code: str) -> Text:
    return term(step_label(code))


def _quoted_steps(codes: Iterable[str]) -> tuple[Text, ...]:
    return tuple(t("“{step}”", step=_step(c)) for c in codes)


_SUBJECTS = {"本户": term("本户"), "本村": term("本村")}


def _subject_words(subject: str) -> str | Text:
    """The subject that starts a message, as words the interface translates when it knows them."""
    return _SUBJECTS.get(subject, subject)


# --- checking recorded steps --------------------------------------------------------------------


def _latest_per_step(
    steps: Sequence[StepLike], found: list[Problem], subject: str
) -> dict[str, StepLike]:
    """The step records by code, the latest start winning; repeats are reported as warnings."""
    by_step: dict[str, list[StepLike]] = {}
    for s in steps:
        if s.step:
            by_step.setdefault(s.step, []).append(s)
    latest: dict[str, StepLike] = {}
    for code, records in by_step.items():
        records.sort(key=lambda s: (s.start_date or date.min, s.end_date or date.min))
        latest[code] = records[-1]
        if len(records) > 1:
            found.append(
                _problem(
                    PROC_STEP_DUPLICATE,
                    WARNING,
                    "procedure_step.step",
                    t(
                        "{subject}“{step}”登记了{count}次，以开始日期最晚的一次（{day}）为准，"
                        "请删除重复或作废的记录。",
                        subject=_subject_words(subject),
                        step=_step(code),
                        count=len(records),
                        day=_day(records[-1].start_date)
                        if records[-1].start_date
                        else term("未填日期"),
                    ),
                    records[-1].id,
                )
            )
    return latest


def _check_one(step: StepLike, policy: PolicyYear, subject: str) -> list[Problem]:
    """The dates of one step: present, in order, long enough, inside the work calendar."""
    found: list[Problem] = []
    name = t("{subject}“{step}”", subject=_subject_words(subject), step=_step(step.step or ""))
    start, end = step.start_date, step.end_date
    if start is None:
        found.append(
            _problem(
                PROC_STEP_NO_START,
                ERROR,
                "procedure_step.start_date",
                t("{name}没有填写开始日期，请补录。", name=name),
                step.id,
            )
        )
        return found
    if end is not None and end < start:
        found.append(
            _problem(
                PROC_END_BEFORE_START,
                ERROR,
                "procedure_step.end_date",
                t(
                    "{name}的结束日期{end}早于开始日期{start}，请核对日期。",
                    name=name,
                    end=_day(end),
                    start=_day(start),
                ),
                step.id,
            )
        )
        return found
    if is_notice(step.step or "") and end is not None:
        days = notice_days(start, end)
        if days < policy.notice_min_days:
            found.append(
                _problem(
                    PROC_NOTICE_TOO_SHORT,
                    ERROR,
                    "procedure_step.end_date",
                    t(
                        "{name}从{start}到{end}共{days}天，每一次公示都不少于"
                        "{least}天（两端都算，导引第16问），请延长公示或核对日期。",
                        name=name,
                        start=_day(start),
                        end=_day(end),
                        days=days,
                        least=policy.notice_min_days,
                    ),
                    step.id,
                )
            )
    if start < policy.work_start or (end or start) > policy.work_end:
        found.append(
            _problem(
                PROC_OUTSIDE_WORK_WINDOW,
                WARNING,
                "procedure_step.start_date",
                t(
                    "{name}的日期不在{year}年度动态管理工作期间（{start}至{end}，导引第2问），"
                    "请核对日期。",
                    name=name,
                    year=policy.year,
                    start=_day(policy.work_start),
                    end=_day(policy.work_end),
                ),
                step.id,
            )
        )
    elif (end or start) > policy.procedures_due:
        found.append(
            _problem(
                PROC_AFTER_DUE,
                WARNING,
                "procedure_step.end_date",
                t(
                    "{name}在{end}才结束，各项程序性工作应在{due}前完成（导引第2问）。",
                    name=name,
                    end=_day(end or start),
                    due=_day(policy.procedures_due),
                ),
                step.id,
            )
        )
    if step.outcome and step.outcome.strip() in REJECTED_OUTCOMES:
        found.append(
            _problem(
                PROC_STEP_REJECTED,
                ERROR,
                "procedure_step.outcome",
                t(
                    "{name}的结果为“{outcome}”，程序不能继续。",
                    name=name,
                    outcome=_REJECTED_OUTCOME_TERMS[step.outcome.strip()],
                ),
                step.id,
            )
        )
    return found


def _is_done(step: StepLike | None, problems_of_step: list[Problem]) -> bool:
    if step is None or step.start_date is None:
        return False
    if step.step in STEPS_WITH_END and step.end_date is None:
        return False
    return not any(p.is_error for p in problems_of_step)


def _check_order(
    steps: dict[str, StepLike], operation: str, subject: str
) -> dict[str, list[Problem]]:
    """Order problems by the step that starts too early."""
    found: dict[str, list[Problem]] = {}
    for code, predecessors in ORDER.get(operation, {}).items():
        step = steps.get(code)
        if step is None or step.start_date is None:
            continue
        for before_code, strict in predecessors:
            before = steps.get(before_code)
            before_last = last_day(before) if before is not None else None
            if before_last is None:
                continue
            if step.start_date > before_last if strict else step.start_date >= before_last:
                continue
            relation = term("之后") if strict else term("当天或之后")
            found.setdefault(code, []).append(
                _problem(
                    PROC_STEP_ORDER,
                    ERROR,
                    "procedure_step.start_date",
                    t(
                        "{subject}“{step}”于{start}开始，应在“{before}”结束（{before_end}）"
                        "{relation}开始，请核对日期。",
                        subject=_subject_words(subject),
                        step=_step(code),
                        start=_day(step.start_date),
                        before=_step(before_code),
                        before_end=_day(before_last),
                        relation=relation,
                    ),
                    step.id,
                )
            )
    return found


@dataclass
class _Review:
    """Recorded steps of one procedure, reviewed: the record of each step and its problems."""

    latest: dict[str, StepLike]
    by_step: dict[str, list[Problem]]
    problems: list[Problem]


def _review(steps: Iterable[StepLike], operation: str, policy: PolicyYear, subject: str) -> _Review:
    problems: list[Problem] = []
    table = code_table("procedure_step")
    live = [s for s in steps if not s.deleted and s.operation == operation]
    for s in live:
        if s.step not in table:
            problems.append(
                _problem(
                    PROC_STEP_UNKNOWN,
                    ERROR,
                    "procedure_step.step",
                    t(
                        "{subject}程序步骤代码“{step}”不在代码表中。",
                        subject=_subject_words(subject),
                        step=s.step,
                    ),
                    s.id,
                )
            )
    latest = _latest_per_step([s for s in live if s.step in table], problems, subject)
    by_step = {code: _check_one(s, policy, subject) for code, s in latest.items()}
    for code, found in _check_order(latest, operation, subject).items():
        by_step[code].extend(found)
    for code in table.codes():
        problems.extend(by_step.get(code, ()))
    return _Review(latest, by_step, problems)


def check_steps(
    steps: Iterable[StepLike], *, operation: str, policy: PolicyYear, subject: str = ""
) -> list[Problem]:
    """What is wrong with recorded steps of one procedure: dates, notice lengths, order, repeats.

    Only live steps of ``operation`` are read; missing steps are not reported here (see
    ``procedure_complete``). ``subject`` starts each message (``"本户"``, ``"本村"`` …).
    """
    return _review(steps, Operation(operation).value, policy, subject).problems


# --- is the procedure complete? -----------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureCheck:
    """Where one procedure stands. ``bool(check)`` is ``check.complete``.

    ``done`` and ``missing`` are step codes in procedure order; ``next_step`` is the first
    missing one; ``completed_on`` is the announcement's day when the procedure is complete (the
    first day the operation may be completed). ``problems`` explain everything that keeps it
    from being complete, and warnings about the recorded steps.
    """

    operation: str
    complete: bool
    done: tuple[str, ...]
    missing: tuple[str, ...]
    next_step: str | None
    completed_on: date | None
    problems: tuple[Problem, ...]

    def __bool__(self) -> bool:
        return self.complete

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def merge_steps(
    own: Sequence[StepLike], village: Sequence[StepLike], operation: str
) -> list[StepLike]:
    """The household's live steps of ``operation``, plus its village's steps of the codes the
    household has not recorded itself (a village step counts for every household of the village)."""
    own_live = [s for s in own if not s.deleted and s.operation == operation]
    own_codes = {s.step for s in own_live}
    shared = [
        s for s in village if not s.deleted and s.operation == operation and s.step not in own_codes
    ]
    return own_live + shared


def crosscheck_problems(
    results: Iterable[CrosscheckLike],
    *,
    names: dict[str, str] | None = None,
    operation: str | None = None,
) -> list[Problem]:
    """Flagged persons without a decision (error), and persons decided ``exclude``.

    ``names`` maps member ids to names for the messages. An exclusion stops an identification
    or a return (error); otherwise it is reported as a warning (the person must not be added).
    """
    names = names or {}
    found: list[Problem] = []
    for r in results:
        if r.deleted or not is_flagged(r):
            continue
        name = names.get(r.member_id or "")
        who = t("“{name}”", name=name if name is not None else term("未知人员"))
        flags = tuple(words for name, words in _FLAG_TERMS.items() if getattr(r, name))
        if not r.decision:
            found.append(
                _problem(
                    PROC_CROSSCHECK_UNDECIDED,
                    ERROR,
                    "crosscheck.decision",
                    t(
                        "比对发现{who}为{flags}，须经第二次评议综合研判并登记结论，"
                        "程序才能继续（导引第15问）。",
                        who=who,
                        flags=flags,
                    ),
                    r.member_id,
                )
            )
        elif r.decision == DECISION_EXCLUDE:
            stops = operation in (Operation.identify.value, Operation.return_.value)
            found.append(
                _problem(
                    PROC_CROSSCHECK_EXCLUDED,
                    ERROR if stops else WARNING,
                    "crosscheck.decision",
                    t(
                        "比对发现{who}为{flags}，评议结论为不予纳入，本户不能完成新识别或返贫。",
                        who=who,
                        flags=flags,
                    )
                    if stops
                    else t(
                        "比对发现{who}为{flags}，评议结论为不予纳入，不应纳入建档立卡。",
                        who=who,
                        flags=flags,
                    ),
                    r.member_id,
                )
            )
    return found


def procedure_complete(
    steps: Iterable[StepLike],
    *,
    operation: str,
    policy: PolicyYear,
    village_steps: Iterable[StepLike] = (),
    crosschecks: Iterable[CrosscheckLike] = (),
    names: dict[str, str] | None = None,
    on: date | None = None,
) -> ProcedureCheck:
    """Whether a household's ``operation`` (identify, return, exit) has finished its procedure.

    ``steps`` are the household's own records, ``village_steps`` its village's (household_id
    None); only steps of the policy year count (``steps_of_year``). ``crosschecks`` are the
    results of the household's persons, ``names`` their names by member id. With ``on`` (the day
    the operation would be completed) the announcement must have started by that day.
    """
    operation = Operation(operation).value
    required = REQUIRED_STEPS[operation]
    own = steps_of_year(steps, policy)
    village = steps_of_year(village_steps, policy)
    merged = merge_steps(own, village, operation)
    review = _review(merged, operation, policy, "")
    problems = list(review.problems)
    latest = review.latest
    done: list[str] = []
    missing: list[str] = []
    for code in required:
        step = latest.get(code)
        ok = _is_done(step, review.by_step.get(code, []))
        (done if ok else missing).append(code)

    results = list(crosschecks)
    if operation in (Operation.identify.value, Operation.return_.value):
        cross = crosscheck_problems(results, names=names, operation=operation)
        undecided = any(p.code == PROC_CROSSCHECK_UNDECIDED for p in cross)
        if undecided:
            # the procedure goes no further than the second appraisal until every flagged
            # person has a decision
            for code in (SECOND_NOTICE, ANNOUNCEMENT):
                if code in done:
                    done.remove(code)
                    missing.append(code)
            missing.sort(key=required.index)
        problems += cross

    label = term(operation_label(Operation(operation)))
    if missing:
        if not merged:
            problems.append(
                _problem(
                    PROC_NO_PROCEDURE,
                    ERROR,
                    "procedure_step.step",
                    t(
                        "没有登记{operation}程序（{steps}），程序完成前不能办理{operation}"
                        "（导引第15、16问）。",
                        operation=label,
                        steps=[_step(c) for c in required],
                    ),
                    None,
                )
            )
        else:
            problems.append(
                _problem(
                    PROC_STEP_MISSING,
                    ERROR,
                    "procedure_step.step",
                    t(
                        "{operation}程序尚未完成：缺少或未完成{steps}，程序完成前不能办理{operation}"
                        "（导引第15、16问）。",
                        operation=label,
                        steps=_quoted_steps(missing),
                    ),
                    None,
                )
            )
    announcement = latest.get(ANNOUNCEMENT) if ANNOUNCEMENT in done else None
    completed_on = announcement.start_date if announcement is not None else None
    if on is not None and completed_on is not None and on < completed_on:
        problems.append(
            _problem(
                PROC_NOT_YET_ANNOUNCED,
                ERROR,
                "operation.moment",
                t(
                    "公告于{start}开始，{on}还不能办理{operation}。",
                    start=_day(completed_on),
                    on=_day(on),
                    operation=label,
                ),
                announcement.id if announcement is not None else None,
            )
        )
    complete = not missing and not any(p.is_error for p in problems)
    return ProcedureCheck(
        operation=operation,
        complete=complete,
        done=tuple(done),
        missing=tuple(missing),
        next_step=missing[0] if missing else None,
        completed_on=completed_on if complete else None,
        problems=tuple(problems),
    )


def village_procedure_check(
    village_steps: Iterable[StepLike],
    *,
    has_candidates: bool,
    policy: PolicyYear,
) -> ProcedureCheck:
    """The village's own procedure records for the identification (Q15).

    A village with no new or returning household (``has_candidates`` False) still records its
    second appraisal and second notice; a village with candidates has its households checked one
    by one (``procedure_complete``), and here only the recorded village steps are validated.
    """
    operation = Operation.identify.value
    review = _review(steps_of_year(village_steps, policy), operation, policy, "本村")
    problems = list(review.problems)
    required = () if has_candidates else VILLAGE_STEPS_WITHOUT_CANDIDATES
    done: list[str] = []
    missing: list[str] = []
    for code in IDENTIFY_STEPS:
        if _is_done(review.latest.get(code), review.by_step.get(code, [])):
            done.append(code)
        elif code in required:
            missing.append(code)
    if missing:
        problems.append(
            _problem(
                PROC_STEP_MISSING,
                ERROR,
                "procedure_step.step",
                t(
                    "本村今年没有新识别和返贫户，也要开展第二次评议和公示（导引第15问）：尚未登记{steps}。",
                    steps=_quoted_steps(missing),
                ),
                None,
            )
        )
    complete = not missing and not any(p.is_error for p in problems)
    return ProcedureCheck(
        operation=operation,
        complete=complete,
        done=tuple(done),
        missing=tuple(missing),
        next_step=missing[0] if missing else None,
        completed_on=None,
        problems=tuple(problems),
    )


def completion_problems(
    op: Operation | str,
    *,
    status: Status | str,
    moment: datetime,
    policy: PolicyYear,
    steps: Iterable[StepLike],
    village_steps: Iterable[StepLike] = (),
    crosschecks: Iterable[CrosscheckLike] = (),
    names: dict[str, str] | None = None,
    identified_year: int | None = None,
    special_support_change: tuple[str | None, str | None] | None = None,
) -> list[Problem]:
    """Every reason an identification, a return or an exit may not be completed at ``moment``.

    The work calendar, the status and the same-year and Q17 rules (``check_operation``), then
    the procedure (``procedure_complete`` on the moment's day). An empty list means go ahead.
    """
    op = Operation(op)
    problems = check_operation(
        op,
        status=Status(status),
        moment=moment,
        policy=policy,
        identified_year=identified_year,
        special_support_change=special_support_change,
    )
    if op.value in REQUIRED_STEPS:
        check = procedure_complete(
            steps,
            operation=op.value,
            policy=policy,
            village_steps=village_steps,
            crosschecks=crosschecks,
            names=names,
            on=local_moment(moment).date(),
        )
        problems += [p for p in check.problems if p.is_error]
    return problems
