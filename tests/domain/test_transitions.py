"""``check_transition``: the rule every write path (save, CLI, imports, the server's merge) asks
before a household's status or flags change (issue 12)."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from desktop.domain.clock import FixedClock, SystemClock, as_clock, practice_clock
from desktop.domain.operations import (
    OP_FLAG_WITHOUT_OPERATION,
    OP_STATUS_WITHOUT_OPERATION,
    HouseholdState,
    Operation,
    OperationRecord,
    Status,
    check_transition,
    end_flags,
)
from desktop.domain.policy import policy_year

POLICY = policy_year(2019)
IN_WINDOW = FixedClock(datetime(2019, 11, 5, 10, 0))
LATER = FixedClock(datetime(2026, 12, 4, 9, 0))
POOR = HouseholdState(Status.poor)
EXITED = HouseholdState(Status.exited)


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def test_nothing_changed_and_nothing_done_needs_nothing() -> None:
    assert check_transition(POOR, POOR, [], LATER, policy=POLICY) == []


def test_a_status_change_needs_the_operation_that_makes_it() -> None:
    assert codes(check_transition(POOR, EXITED, [], IN_WINDOW, policy=POLICY)) == [
        OP_STATUS_WITHOUT_OPERATION
    ]
    assert check_transition(POOR, EXITED, ["exit"], IN_WINDOW, policy=POLICY) == []
    wrong = check_transition(POOR, EXITED, [Operation.identify], IN_WINDOW, policy=POLICY)
    assert OP_STATUS_WITHOUT_OPERATION in codes(wrong)


def test_the_operation_is_judged_on_the_clocks_date_not_on_a_date_it_claims() -> None:
    found = check_transition(
        POOR, EXITED, [{"op": "exit", "at": "2019-11-05T10:00:00"}], LATER, policy=POLICY
    )
    assert found and all(p.is_error for p in found)
    assert "2019年10月1日至2020年1月10日" in found[0].message


def test_a_new_household_starts_ordinary_and_needs_identify_to_be_poor() -> None:
    assert codes(check_transition(None, POOR, [], IN_WINDOW, policy=POLICY)) == [
        OP_STATUS_WITHOUT_OPERATION
    ]
    assert check_transition(None, POOR, ["identify"], IN_WINDOW, policy=POLICY) == []


def test_flags_are_set_by_their_mark_and_ended_by_identify_return_or_end_monitoring() -> None:
    ordinary = HouseholdState(Status.ordinary)
    marginal = HouseholdState(Status.ordinary, marginal=True)
    assert codes(check_transition(ordinary, marginal, [], IN_WINDOW, policy=POLICY)) == [
        OP_FLAG_WITHOUT_OPERATION
    ]
    assert check_transition(ordinary, marginal, ["mark_marginal"], IN_WINDOW, policy=POLICY) == []
    assert codes(check_transition(marginal, ordinary, [], IN_WINDOW, policy=POLICY)) == [
        OP_FLAG_WITHOUT_OPERATION
    ]
    ended = check_transition(marginal, ordinary, ["end_monitoring"], IN_WINDOW, policy=POLICY)
    assert ended == []
    monitored = HouseholdState(Status.exited, monitored=True)
    assert check_transition(monitored, POOR, ["return"], IN_WINDOW, policy=POLICY) == []


def test_a_field_worker_never_reads_the_name_of_a_list() -> None:
    marginal = HouseholdState(Status.ordinary, marginal=True)
    for problems in (
        check_transition(marginal, HouseholdState(), [], IN_WINDOW, policy=POLICY, internal=False),
        check_transition(
            marginal, HouseholdState(), ["end_monitoring"], IN_WINDOW, policy=POLICY, internal=False
        ),
    ):
        assert problems
        assert not any("边缘" in p.message or "监测" in p.message for p in problems)


def test_dispersed_to_centralised_support_passes_only_as_an_exit() -> None:
    before = HouseholdState(Status.poor, special_support_mode="1")
    moved = HouseholdState(Status.poor, special_support_mode="2")
    decrease = OperationRecord(Operation.member_out, change_reason="08")
    found = check_transition(before, moved, [decrease], IN_WINDOW, policy=POLICY)
    assert "Q17_CENTRALISED_SUPPORT_IS_EXIT" in codes(found)
    exited = HouseholdState(Status.exited, special_support_mode="2")
    assert check_transition(before, exited, ["exit"], IN_WINDOW, policy=POLICY) == []


def test_the_server_reads_a_changes_fields_as_the_state_after() -> None:
    after = POOR.with_fields({"status": "exited", "monitored": True, "phone": "1"})
    assert after == HouseholdState(Status.exited, monitored=True)


def test_end_flags_closes_the_open_risks_with_the_operation_and_date() -> None:
    risk = SimpleNamespace(kind="marginal", deleted=False, eliminated=False)
    other = SimpleNamespace(kind="monitored", deleted=False, eliminated=False)
    household = SimpleNamespace(marginal=True, monitored=False, risks=[risk, other])
    assert end_flags(household, ["identify"], on=date(2019, 11, 5)) == ["marginal"]
    assert household.marginal is False
    assert (risk.eliminated, risk.eliminated_date, risk.elimination_method) == (
        True,
        date(2019, 11, 5),
        "identify",
    )
    assert other.eliminated is False


def test_clocks_real_fixed_and_practice() -> None:
    assert as_clock(datetime(2019, 11, 5, 10)).now() == datetime(2019, 11, 5, 10)
    assert as_clock(lambda: datetime(2019, 11, 6)).now() == datetime(2019, 11, 6)
    assert practice_clock("2019-11-05").now().date() == date(2019, 11, 5)
    assert isinstance(practice_clock(None), SystemClock)  # no practice date: the real clock
    assert isinstance(practice_clock("not a date"), SystemClock)


def test_the_server_passes_the_fields_of_a_pushed_operation_record() -> None:
    record = OperationRecord.coerce(
        {
            "operation": "member_out",
            "done_at": "2019-11-05T10:00:00",
            "detail": {"change_reason": "08"},
        }
    )
    assert (record.op, record.change_reason) == (Operation.member_out, "08")
    assert check_transition(POOR, EXITED, [{"operation": "exit"}], IN_WINDOW, policy=POLICY) == []
