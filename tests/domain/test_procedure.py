"""The identification procedure: notice lengths counted inclusively and separately, step order,
the cross-check gate, village steps, Q15, and the day an operation may be completed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from desktop.domain import procedure as p
from desktop.domain.operations import OP_AFTER_ENTRY_DEADLINE, OP_EXIT_SAME_YEAR
from desktop.domain.policy import policy_year

POLICY = policy_year(2019)


@dataclass
class Step:
    step: str
    start_date: date | None
    end_date: date | None = None
    operation: str = "identify"
    outcome: str | None = None
    recorded_by: str | None = "王干部"
    deleted: bool = False
    id: str | None = None

    def __post_init__(self) -> None:
        if self.id is None:
            self.id = f"{self.operation}-{self.step}-{self.start_date}"


@dataclass
class Result:
    member_id: str
    civil_servant: bool | None = False
    institution_staff: bool | None = False
    vehicle: bool | None = False
    housing: bool | None = False
    company_legal_person: bool | None = False
    decision: str | None = None
    deleted: bool = False


def d(month: int, day: int, year: int = 2019) -> date:
    return date(year, month, day)


def full_procedure(operation: str = "identify") -> list[Step]:
    """All six steps, each notice exactly 10 days, every step as early as the order allows."""
    return [
        Step("appraisal", d(10, 8), operation=operation),
        Step("first_notice", d(10, 8), d(10, 17), operation=operation),
        Step("crosscheck", d(10, 9), d(10, 15), operation=operation),
        Step("second_appraisal", d(10, 18), operation=operation),
        Step("second_notice", d(10, 18), d(10, 27), operation=operation),
        Step("announcement", d(10, 28), operation=operation),
    ]


def replace(steps: list[Step], code: str, **changes) -> list[Step]:
    out = []
    for s in steps:
        if s.step == code:
            values = {**s.__dict__, **changes, "id": None}
            s = Step(**values)
        out.append(s)
    return out


def codes(problems) -> set[str]:
    return {x.code for x in problems}


# --- counting days ---------------------------------------------------------------------------------


def test_a_notice_from_the_first_to_the_tenth_lasted_ten_days() -> None:
    assert p.notice_days(d(10, 1), d(10, 10)) == 10
    assert p.notice_days(d(10, 1), d(10, 1)) == 1


def test_a_nine_day_notice_is_refused_and_a_ten_day_notice_passes() -> None:
    nine = [Step("appraisal", d(10, 1)), Step("first_notice", d(10, 1), d(10, 9))]
    ten = [Step("appraisal", d(10, 1)), Step("first_notice", d(10, 1), d(10, 10))]

    short = p.check_steps(nine, operation="identify", policy=POLICY)
    assert codes(short) == {p.PROC_NOTICE_TOO_SHORT}
    assert "共9天" in short[0].message and "不少于10天" in short[0].message
    assert short[0].entity_id == nine[1].id
    assert p.check_steps(ten, operation="identify", policy=POLICY) == []


def test_each_notice_is_counted_on_its_own_not_summed() -> None:
    steps = replace(full_procedure(), "first_notice", end_date=d(10, 12))  # 5 days
    steps = replace(steps, "second_notice", end_date=d(10, 22))  # 5 days
    problems = p.check_steps(steps, operation="identify", policy=POLICY)
    short = [x for x in problems if x.code == p.PROC_NOTICE_TOO_SHORT]
    assert len(short) == 2  # 5 + 5 = 10 does not make either notice long enough


def test_the_second_notice_of_nine_days_fails_even_when_the_first_was_long() -> None:
    steps = replace(full_procedure(), "first_notice", end_date=d(10, 17))
    steps = replace(steps, "second_notice", end_date=d(10, 26))  # 9 days
    check = p.procedure_complete(steps, operation="identify", policy=POLICY)
    assert not check
    assert "second_notice" in check.missing
    assert p.PROC_NOTICE_TOO_SHORT in codes(check.problems)


# --- order -----------------------------------------------------------------------------------------


def test_a_complete_procedure_is_complete_from_the_announcement_day() -> None:
    check = p.procedure_complete(full_procedure(), operation="identify", policy=POLICY)
    assert check.complete and bool(check)
    assert check.missing == () and check.next_step is None
    assert check.completed_on == d(10, 28)
    assert check.problems == ()


def test_the_second_appraisal_on_the_first_notices_last_day_is_too_early() -> None:
    on_last_day = replace(full_procedure(), "second_appraisal", start_date=d(10, 17))
    problems = p.check_steps(on_last_day, operation="identify", policy=POLICY)
    assert codes(problems) == {p.PROC_STEP_ORDER}
    assert "第一次公示" in problems[0].message

    assert p.check_steps(full_procedure(), operation="identify", policy=POLICY) == []


def test_the_announcement_comes_after_the_second_notice_has_run_its_length() -> None:
    same_day = replace(full_procedure(), "announcement", start_date=d(10, 27))
    assert codes(p.check_steps(same_day, operation="identify", policy=POLICY)) == {
        p.PROC_STEP_ORDER
    }


def test_the_crosscheck_may_run_while_the_first_notice_is_up_but_ends_before_the_second_appraisal() -> (
    None
):
    late_results = replace(full_procedure(), "crosscheck", end_date=d(10, 20))
    problems = p.check_steps(late_results, operation="identify", policy=POLICY)
    assert codes(problems) == {p.PROC_STEP_ORDER}
    assert "比对" in problems[0].message


def test_an_end_before_the_start_and_a_missing_start_are_errors() -> None:
    steps = [
        Step("appraisal", None),
        Step("first_notice", d(10, 10), d(10, 1)),
    ]
    assert codes(p.check_steps(steps, operation="identify", policy=POLICY)) == {
        p.PROC_STEP_NO_START,
        p.PROC_END_BEFORE_START,
    }


def test_a_notice_without_an_end_date_is_not_done_yet() -> None:
    steps = replace(full_procedure(), "second_notice", end_date=None)
    check = p.procedure_complete(steps, operation="identify", policy=POLICY)
    assert check.missing == ("second_notice",)
    assert check.next_step == "second_notice"


def test_an_appraisal_that_did_not_pass_stops_the_procedure() -> None:
    steps = replace(full_procedure(), "second_appraisal", outcome="不通过")
    check = p.procedure_complete(steps, operation="identify", policy=POLICY)
    assert not check
    assert p.PROC_STEP_REJECTED in codes(check.problems)


def test_no_steps_at_all_means_no_procedure() -> None:
    check = p.procedure_complete([], operation="return", policy=POLICY)
    assert not check
    assert codes(check.problems) == {p.PROC_NO_PROCEDURE}
    assert check.next_step == "appraisal"
    assert "返贫" in check.problems[0].message


def test_missing_steps_are_named_in_order() -> None:
    steps = full_procedure()[:3]
    check = p.procedure_complete(steps, operation="identify", policy=POLICY)
    assert check.done == ("appraisal", "first_notice", "crosscheck")
    assert check.missing == ("second_appraisal", "second_notice", "announcement")
    assert "第二次评议" in check.errors[0].message


def test_a_repeated_step_counts_once_the_latest_winning() -> None:
    steps = full_procedure() + [Step("first_notice", d(10, 1), d(10, 5))]
    problems = p.check_steps(steps, operation="identify", policy=POLICY)
    assert codes(problems) == {p.PROC_STEP_DUPLICATE}
    assert all(not x.is_error for x in problems)


def test_steps_of_another_year_and_deleted_steps_do_not_count() -> None:
    old = [
        Step(s.step, s.start_date.replace(year=2018), s.end_date and s.end_date.replace(year=2018))
        for s in full_procedure()
    ]
    check = p.procedure_complete(old, operation="identify", policy=POLICY)
    assert codes(check.problems) == {p.PROC_NO_PROCEDURE}

    deleted = replace(full_procedure(), "announcement", deleted=True)
    assert p.procedure_complete(deleted, operation="identify", policy=POLICY).missing == (
        "announcement",
    )


def test_a_step_after_the_procedures_due_day_is_a_warning_on_the_day_after() -> None:
    due = POLICY.procedures_due  # 2019-11-10
    on_time = [Step("appraisal", due)]
    late = [Step("appraisal", due + timedelta(days=1))]
    assert p.check_steps(on_time, operation="identify", policy=POLICY) == []
    warned = p.check_steps(late, operation="identify", policy=POLICY)
    assert codes(warned) == {p.PROC_AFTER_DUE}
    assert not warned[0].is_error


def test_a_step_before_the_work_starts_is_a_warning() -> None:
    early = [Step("appraisal", POLICY.work_start - timedelta(days=1))]
    assert codes(p.check_steps(early, operation="identify", policy=POLICY)) == {
        p.PROC_OUTSIDE_WORK_WINDOW
    }


def test_an_unknown_step_code_is_an_error() -> None:
    assert codes(
        p.check_steps([Step("meeting", d(10, 8))], operation="identify", policy=POLICY)
    ) == {p.PROC_STEP_UNKNOWN}


# --- village steps and the cross-check gate --------------------------------------------------------


def test_village_steps_count_for_the_household_and_its_own_records_win() -> None:
    village = full_procedure()
    own = [Step("second_notice", d(10, 18), d(10, 26))]  # the household's own, 9 days
    assert p.procedure_complete([], operation="identify", policy=POLICY, village_steps=village)
    check = p.procedure_complete(own, operation="identify", policy=POLICY, village_steps=village)
    assert not check
    assert check.missing == ("second_notice",)


def test_a_flagged_person_without_a_decision_holds_the_procedure_at_the_second_appraisal() -> None:
    flagged = Result("m-1", vehicle=True)
    check = p.procedure_complete(
        full_procedure(),
        operation="identify",
        policy=POLICY,
        crosschecks=[flagged],
        names={"m-1": "张三"},
    )
    assert not check
    assert check.missing == ("second_notice", "announcement")
    undecided = [x for x in check.problems if x.code == p.PROC_CROSSCHECK_UNDECIDED]
    assert undecided and "张三" in undecided[0].message and "拥有车辆" in undecided[0].message
    assert undecided[0].entity_id == "m-1"


def test_an_included_person_lets_the_procedure_go_on_and_an_excluded_one_stops_it() -> None:
    included = Result("m-1", housing=True, decision=p.DECISION_INCLUDE)
    excluded = Result("m-1", civil_servant=True, decision=p.DECISION_EXCLUDE)
    clean = Result("m-2")
    steps = full_procedure()
    assert p.procedure_complete(
        steps, operation="identify", policy=POLICY, crosschecks=[included, clean]
    )
    stopped = p.procedure_complete(
        steps, operation="identify", policy=POLICY, crosschecks=[excluded]
    )
    assert not stopped
    assert codes(stopped.errors) == {p.PROC_CROSSCHECK_EXCLUDED}


def test_an_exit_needs_appraisal_notice_and_announcement_only() -> None:
    steps = [
        Step("appraisal", d(10, 8), operation="exit"),
        Step("first_notice", d(10, 9), d(10, 18), operation="exit"),
        Step("announcement", d(10, 19), operation="exit"),
    ]
    check = p.procedure_complete(
        steps, operation="exit", policy=POLICY, crosschecks=[Result("m", vehicle=True)]
    )
    assert check.complete  # the cross-check gate belongs to identification and return
    assert check.completed_on == d(10, 19)
    identify = p.procedure_complete(steps, operation="identify", policy=POLICY)
    assert codes(identify.problems) == {p.PROC_NO_PROCEDURE}  # steps of another operation


# --- Q15: a village without candidates --------------------------------------------------------------


def test_a_village_without_new_or_returning_households_still_needs_its_second_appraisal_and_notice() -> (
    None
):
    nothing = p.village_procedure_check([], has_candidates=False, policy=POLICY)
    assert not nothing
    assert nothing.missing == ("second_appraisal", "second_notice")
    assert "第15问" in nothing.errors[0].message

    done = [
        Step("second_appraisal", d(10, 20)),
        Step("second_notice", d(10, 21), d(10, 30)),
    ]
    assert p.village_procedure_check(done, has_candidates=False, policy=POLICY)

    nine_days = [Step("second_appraisal", d(10, 20)), Step("second_notice", d(10, 21), d(10, 29))]
    short = p.village_procedure_check(nine_days, has_candidates=False, policy=POLICY)
    assert not short and short.missing == ("second_notice",)
    assert p.PROC_NOTICE_TOO_SHORT in codes(short.problems)
    assert "本村" in short.problems[0].message


def test_a_village_with_candidates_needs_nothing_of_its_own() -> None:
    assert p.village_procedure_check([], has_candidates=True, policy=POLICY)


# --- completing the operation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (datetime(2019, 11, 30, 0, 0), True),
        (datetime(2019, 11, 30, 23, 59, 59), True),  # the deadline day: 11月30日24时前
        (datetime(2019, 12, 1, 0, 0), False),  # the day after
    ],
)
def test_an_identification_on_the_deadline_day_passes_and_the_day_after_is_refused(
    moment: datetime, allowed: bool
) -> None:
    problems = p.completion_problems(
        "identify", status="ordinary", moment=moment, policy=POLICY, steps=full_procedure()
    )
    if allowed:
        assert problems == []
    else:
        assert codes(problems) == {OP_AFTER_ENTRY_DEADLINE}


def test_an_identification_before_the_announcement_day_is_refused() -> None:
    before = p.completion_problems(
        "identify",
        status="ordinary",
        moment=datetime(2019, 10, 27, 9),
        policy=POLICY,
        steps=full_procedure(),
    )
    assert codes(before) == {p.PROC_NOT_YET_ANNOUNCED}
    on_the_day = p.completion_problems(
        "identify",
        status="ordinary",
        moment=datetime(2019, 10, 28, 9),
        policy=POLICY,
        steps=full_procedure(),
    )
    assert on_the_day == []


def test_a_return_without_its_procedure_cannot_be_completed() -> None:
    problems = p.completion_problems(
        "return", status="exited_stable", moment=datetime(2019, 11, 1), policy=POLICY, steps=[]
    )
    assert codes(problems) == {p.PROC_NO_PROCEDURE}


def test_an_exit_is_checked_for_the_same_year_rule_and_its_procedure_together() -> None:
    problems = p.completion_problems(
        "exit",
        status="poor",
        moment=datetime(2019, 11, 1),
        policy=POLICY,
        steps=[],
        identified_year=2019,
    )
    assert codes(problems) == {OP_EXIT_SAME_YEAR, p.PROC_NO_PROCEDURE}
