"""Statuses and operations: the transition table, the work calendar, same-year exit and Q17."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from desktop.domain.operations import (
    OP_AFTER_ENTRY_DEADLINE,
    OP_BASIC_INFO_ONLY,
    OP_CHANGE_REASON_DIRECTION,
    OP_EXIT_SAME_YEAR,
    OP_NOT_ALLOWED_FROM_STATUS,
    OP_OUTSIDE_WORK_WINDOW,
    OP_UNKNOWN_CHANGE_REASON,
    Q17_CENTRALISED_SUPPORT_IS_EXIT,
    Operation,
    OperationNotAllowed,
    Status,
    allowed_operations,
    check_operation,
    check_special_support_change,
    classify_special_support_change,
    new_status,
)
from desktop.domain.policy import PolicyYear, policy_year
from desktop.domain.problems import Severity

S, Op = Status, Operation
# Written out independently of the module's table: (operation, from) -> to.
EXPECTED = {
    (Op.identify, S.ordinary): S.poor,
    (Op.return_, S.exited): S.poor,
    (Op.return_, S.exited_stable): S.poor,  # Q10: stable exits may return
    (Op.exit, S.poor): S.exited,
    (Op.member_in, S.poor): S.poor,
    (Op.member_in, S.exited): S.exited,
    (Op.member_in, S.exited_stable): S.exited_stable,
    (Op.member_out, S.poor): S.poor,
    (Op.member_out, S.exited): S.exited,
    (Op.member_out, S.exited_stable): S.exited_stable,
    (Op.mark_marginal, S.ordinary): S.ordinary,
    (Op.mark_monitored, S.exited): S.exited,
    (Op.mark_monitored, S.exited_stable): S.exited_stable,
    (Op.end_monitoring, S.ordinary): S.ordinary,  # a marginal household leaves the list
    (Op.end_monitoring, S.exited): S.exited,  # a monitored household leaves the list
    (Op.end_monitoring, S.exited_stable): S.exited_stable,
}
ALLOWED_FROM = {op: next(s for (o, s) in EXPECTED if o is op) for op in Operation}
IN_WINDOW = datetime(2019, 11, 1, 10, 0)
DISPERSED, CENTRALISED = "1", "2"
STATUS_OPS = [Op.identify, Op.return_, Op.exit]
MEMBER_OPS = [Op.member_in, Op.member_out]
MARK_OPS = [Op.mark_marginal, Op.mark_monitored]


@pytest.fixture
def p2019() -> PolicyYear:
    return policy_year(2019)


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def check(op, moment, policy, status=None, **kw):
    return check_operation(
        op, status=status or ALLOWED_FROM[op], moment=moment, policy=policy, **kw
    )


def test_operation_values_are_the_identifiers_and_return_is_spelled_return():
    assert [o.value for o in Operation] == [
        "identify", "return", "exit", "member_in", "member_out", "mark_marginal",
        "mark_monitored", "end_monitoring",
    ]  # fmt: skip
    assert Operation("return") is Operation.return_
    assert [s.value for s in Status] == ["poor", "exited", "exited_stable", "ordinary"]


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("op", list(Operation))
def test_every_status_and_operation_follows_the_transition_table(op, status, p2019):
    problems = check_operation(op, status=status, moment=IN_WINDOW, policy=p2019)
    if (op, status) in EXPECTED:
        assert problems == []
        assert new_status(op, status) is EXPECTED[(op, status)]
    else:
        assert codes(problems) == [OP_NOT_ALLOWED_FROM_STATUS]
        assert problems[0].field == "household.status"
        with pytest.raises(OperationNotAllowed):
            new_status(op, status)


def test_allowed_operations_lists_what_each_status_may_do():
    assert allowed_operations(S.ordinary) == [Op.identify, Op.mark_marginal, Op.end_monitoring]
    assert allowed_operations(S.poor) == [Op.exit, Op.member_in, Op.member_out]
    assert allowed_operations(S.exited_stable) == [
        Op.return_, Op.member_in, Op.member_out, Op.mark_monitored, Op.end_monitoring,
    ]  # fmt: skip


def test_refusal_names_the_status_the_operation_and_the_guide_question(p2019):
    (problem,) = check_operation(Op.mark_marginal, status=S.poor, moment=IN_WINDOW, policy=p2019)
    assert "贫困户(未脱贫)" in problem.message
    assert "标记边缘户" in problem.message
    assert "导引第6问" in problem.message


def test_ordinary_households_have_no_natural_changes(p2019):
    for op in MEMBER_OPS:
        problems = check_operation(op, status=S.ordinary, moment=IN_WINDOW, policy=p2019)
        assert codes(problems) == [OP_NOT_ALLOWED_FROM_STATUS]


@pytest.mark.parametrize("op", STATUS_OPS)
def test_status_operations_are_allowed_until_november_30_24h(op, p2019):
    assert check(op, datetime(2019, 11, 30, 23, 59), p2019) == []


@pytest.mark.parametrize("op", STATUS_OPS)
def test_status_operations_are_refused_from_december_1_00h(op, p2019):
    problems = check(op, datetime(2019, 12, 1, 0, 0), p2019)
    assert codes(problems) == [OP_AFTER_ENTRY_DEADLINE]
    assert problems[0].message.startswith("2019年11月30日24时后不能进行")
    assert problems[0].message.endswith("操作(导引第9问)")


def test_identify_refusal_reads_as_the_guide_says(p2019):
    (problem,) = check(Op.identify, datetime(2019, 12, 1, 0, 0), p2019)
    assert problem.message == "2019年11月30日24时后不能进行新识别操作(导引第9问)"
    assert problem.severity is Severity.ERROR


@pytest.mark.parametrize("op", STATUS_OPS)
def test_status_operations_stay_refused_after_december_10(op, p2019):
    problems = check(op, datetime(2019, 12, 15, 9, 0), p2019)
    assert codes(problems) == [OP_AFTER_ENTRY_DEADLINE]


@pytest.mark.parametrize("op", MEMBER_OPS)
def test_member_changes_are_allowed_through_december_10(op, p2019):
    assert check(op, datetime(2019, 12, 1, 0, 0), p2019) == []
    assert check(op, datetime(2019, 12, 10, 23, 59), p2019) == []


@pytest.mark.parametrize("op", MEMBER_OPS)
def test_member_changes_are_refused_from_december_11(op, p2019):
    problems = check(op, datetime(2019, 12, 11, 0, 0), p2019)
    assert codes(problems) == [OP_BASIC_INFO_ONLY]
    assert "2019年12月10日后" in problems[0].message
    assert "导引第9问" in problems[0].message


@pytest.mark.parametrize("op", MARK_OPS)
def test_marks_are_allowed_throughout_the_work_window(op, p2019):
    for moment in (datetime(2019, 10, 1, 0, 0), datetime(2019, 12, 20), datetime(2020, 1, 10, 23)):
        assert check(op, moment, p2019) == []


@pytest.mark.parametrize("op", list(Operation))
def test_every_operation_is_refused_outside_the_work_window(op, p2019):
    for moment in (datetime(2019, 9, 30, 23, 59), datetime(2020, 1, 11, 0, 0)):
        problems = check(op, moment, p2019)
        assert codes(problems) == [OP_OUTSIDE_WORK_WINDOW]
        assert "2019年10月1日至2020年1月10日" in problems[0].message
        assert "导引第2问" in problems[0].message


def test_aware_moments_are_judged_in_beijing_time(p2019):
    assert check(Op.identify, datetime(2019, 11, 30, 15, 59, tzinfo=UTC), p2019) == []
    late = check(Op.identify, datetime(2019, 11, 30, 16, 0, tzinfo=UTC), p2019)
    assert codes(late) == [OP_AFTER_ENTRY_DEADLINE]


def test_the_calendar_comes_from_the_policy_year_given():
    p2020 = policy_year(2020)
    assert check(Op.identify, datetime(2020, 11, 30, 23, 59), p2020) == []
    (problem,) = check(Op.identify, datetime(2020, 12, 1), p2020)
    assert problem.message == "2020年11月30日24时后不能进行新识别操作(导引第9问)"
    # a 2020 moment judged by 2019's policy is outside 2019's work window
    assert codes(check(Op.identify, datetime(2020, 11, 1), policy_year(2019))) == [
        OP_OUTSIDE_WORK_WINDOW
    ]


def test_household_identified_this_year_cannot_exit_this_year(p2019):
    problems = check(Op.exit, IN_WINDOW, p2019, identified_year=2019)
    assert codes(problems) == [OP_EXIT_SAME_YEAR]
    assert problems[0].field == "household.identified_year"
    assert "当年不能脱贫" in problems[0].message


def test_household_identified_in_an_earlier_year_may_exit(p2019):
    assert check(Op.exit, IN_WINDOW, p2019, identified_year=2018) == []
    assert check(Op.exit, IN_WINDOW, p2019, identified_year=None) == []


def test_same_year_rule_concerns_exit_only(p2019):
    assert check(Op.member_in, IN_WINDOW, p2019, identified_year=2019) == []


def test_several_reasons_are_all_reported(p2019):
    problems = check_operation(
        Op.exit, status=S.ordinary, moment=datetime(2019, 12, 2), policy=p2019, identified_year=2019
    )
    assert codes(problems) == [
        OP_NOT_ALLOWED_FROM_STATUS,
        OP_AFTER_ENTRY_DEADLINE,
        OP_EXIT_SAME_YEAR,
    ]


def test_dispersed_to_centralised_support_is_classified_as_exit():
    assert classify_special_support_change(DISPERSED, CENTRALISED) is Op.exit


@pytest.mark.parametrize(
    ("from_mode", "to_mode"),
    [(CENTRALISED, DISPERSED), (DISPERSED, DISPERSED), (CENTRALISED, CENTRALISED),
     (None, CENTRALISED), (DISPERSED, None)],
)  # fmt: skip
def test_other_support_changes_need_no_status_operation(from_mode, to_mode):
    assert classify_special_support_change(from_mode, to_mode) is None


def test_q17_member_out_for_centralised_support_is_refused_as_an_exit(p2019):
    problems = check(
        Op.member_out, IN_WINDOW, p2019, special_support_change=(DISPERSED, CENTRALISED)
    )
    assert codes(problems) == [Q17_CENTRALISED_SUPPORT_IS_EXIT]
    assert problems[0].is_error
    assert "按照脱贫处理" in problems[0].message
    assert "不得进行自然减少操作(导引第17问)" in problems[0].message


def test_q17_the_same_move_recorded_as_an_exit_is_accepted(p2019):
    assert check(Op.exit, IN_WINDOW, p2019, special_support_change=(DISPERSED, CENTRALISED)) == []


def test_q17_exit_still_obeys_the_calendar(p2019):
    problems = check(
        Op.exit, datetime(2019, 12, 5), p2019, special_support_change=(DISPERSED, CENTRALISED)
    )
    assert codes(problems) == [OP_AFTER_ENTRY_DEADLINE]


def test_q17_helper_accepts_member_out_for_other_moves():
    assert (
        check_special_support_change(Op.member_out, from_mode=CENTRALISED, to_mode=DISPERSED) == []
    )
    refused = check_special_support_change(Op.member_out, from_mode=DISPERSED, to_mode=CENTRALISED)
    assert codes(refused) == [Q17_CENTRALISED_SUPPORT_IS_EXIT]


def test_member_change_reason_must_point_the_right_way(p2019):
    assert check(Op.member_out, IN_WINDOW, p2019, change_reason="01") == []  # 死亡
    assert check(Op.member_in, IN_WINDOW, p2019, change_reason="06") == []  # 新生儿
    wrong = check(Op.member_out, IN_WINDOW, p2019, change_reason="06")
    assert codes(wrong) == [OP_CHANGE_REASON_DIRECTION]
    assert "新生儿" in wrong[0].message


def test_unknown_member_change_reason_is_reported(p2019):
    assert codes(check(Op.member_in, IN_WINDOW, p2019, change_reason="77")) == [
        OP_UNKNOWN_CHANGE_REASON
    ]


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("op", list(Operation))
@pytest.mark.parametrize(
    "moment",
    [datetime(2019, 9, 1), datetime(2019, 12, 1), datetime(2019, 12, 11), datetime(2020, 3, 1)],
)
def test_every_problem_is_an_error_with_a_chinese_message_citing_its_rule(
    op, status, moment, p2019
):
    problems = check_operation(op, status=status, moment=moment, policy=p2019, identified_year=2019)
    for problem in problems:
        assert problem.severity is Severity.ERROR
        assert re.search(r"[\u4e00-\u9fff]", problem.message)
        assert re.search(r"\(导引第[\d、]+问\)|实施细则", problem.message), problem.message
