"""Q6: marginal and monitored households — the income test, risks, decisions, the exit standard
they must meet, and the county quota of 15 % of the end-2013 poor population."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest

from desktop.domain import monitoring as mon
from desktop.domain.policy import policy_year

POLICY = policy_year(2019)


@dataclass
class RiskRecord:
    kind: str = "marginal"
    risk_type: str | None = "01"
    identified_date: date | None = date(2019, 10, 10)
    decided_by: str | None = "01"
    decision_date: date | None = date(2019, 10, 15)
    eliminated: bool | None = False
    eliminated_date: date | None = None
    deleted: bool | None = False
    id: str = "risk-1"


@dataclass
class Home:
    status: str = "ordinary"
    marginal: bool = True
    monitored: bool = False
    risks: list[RiskRecord] = field(default_factory=lambda: [RiskRecord()])
    food_assured: bool | None = True
    clothing_assured: bool | None = True
    education_assured: bool | None = True
    medical_assured: bool | None = True
    housing_assured: bool | None = True
    water_assured: bool | None = True
    id: str = "hh-1"


def codes(home: Home, per_capita: Decimal | None = Decimal("4200")) -> set[str]:
    return {p.code for p in mon.monitoring_problems(home, per_capita=per_capita, policy=POLICY)}


@pytest.mark.parametrize(
    ("per_capita", "passes"),
    [
        (Decimal("4999.99"), True),
        (Decimal("5000"), False),
        (Decimal("5000.01"), False),
        (None, None),
    ],
)
def test_the_income_line_is_a_strict_bound(per_capita: Decimal | None, passes: bool | None) -> None:
    assert mon.passes_income_test(per_capita, mon.MARGINAL, POLICY) is passes
    assert mon.passes_income_test(per_capita, mon.MONITORED, POLICY) is passes


def test_each_group_is_taken_from_its_own_statuses() -> None:
    assert mon.kind_for_status("ordinary") == mon.MARGINAL
    assert mon.kind_for_status("exited") == mon.MONITORED
    assert mon.kind_for_status("exited_stable") == mon.MONITORED
    assert mon.kind_for_status("poor") is None


def test_a_proper_marginal_household_has_no_problems() -> None:
    assert codes(Home()) == set()
    monitored = Home(
        status="exited_stable", marginal=False, monitored=True, risks=[RiskRecord(kind="monitored")]
    )
    assert codes(monitored) == set()


def test_a_poor_household_cannot_be_marginal() -> None:
    found = mon.monitoring_problems(Home(status="poor"), per_capita=Decimal(4200), policy=POLICY)
    assert [(p.code, p.is_error) for p in found] == [(mon.Q6_FLAG_STATUS, True)]


def test_both_flags_at_once_are_an_error() -> None:
    assert mon.Q6_BOTH_FLAGS in codes(Home(monitored=True))


def test_income_at_the_line_or_unknown_is_reported() -> None:
    assert codes(Home(), Decimal(5000)) == {mon.Q6_INCOME_NOT_BELOW_LINE}
    assert codes(Home(), None) == {mon.Q6_NO_INCOME}


def test_a_flag_without_a_risk_or_without_a_decision_is_reported() -> None:
    assert codes(Home(risks=[])) == {mon.Q6_NO_RISK}
    assert codes(Home(risks=[RiskRecord(decided_by=None)])) == {mon.Q6_NO_DECISION}
    assert codes(Home(risks=[RiskRecord(decision_date=None)])) == {mon.Q6_NO_DECISION}
    assert codes(Home(risks=[RiskRecord(deleted=True)])) == {mon.Q6_NO_RISK}


def test_a_risk_of_the_other_group_is_reported() -> None:
    home = Home(risks=[RiskRecord(), RiskRecord(kind="monitored", id="r2")])
    found = mon.monitoring_problems(home, per_capita=Decimal(4200), policy=POLICY)
    assert {(p.code, p.entity_id) for p in found} == {
        (mon.Q6_RISK_KIND_MISMATCH, "r2"),
        (mon.Q6_RISK_WITHOUT_FLAG, "hh-1"),
    }


def test_marginal_households_must_meet_the_exit_standard_themselves() -> None:
    unsafe_water = mon.monitoring_problems(
        Home(water_assured=False), per_capita=Decimal(4200), policy=POLICY
    )
    assert [p.code for p in unsafe_water] == [mon.Q6_NOT_MEETING_EXIT_STANDARD]
    assert "饮水安全有保障" in unsafe_water[0].message and "识别为贫困户" in unsafe_water[0].message
    below_exit = codes(Home(), POLICY.exit_line_per_capita - 1)
    assert below_exit == {mon.Q6_NOT_MEETING_EXIT_STANDARD}
    assert codes(Home(), POLICY.exit_line_per_capita) == set()


def test_all_risks_eliminated_while_income_stays_below_the_line_is_reported() -> None:
    home = Home(risks=[RiskRecord(eliminated=True, eliminated_date=date(2019, 11, 1))])
    assert codes(home) == {mon.Q6_RISK_ELIMINATED_BELOW_LINE}


def test_an_open_risk_on_an_unflagged_household_is_reported() -> None:
    home = Home(marginal=False)
    assert codes(home) == {mon.Q6_RISK_WITHOUT_FLAG}
    assert codes(Home(marginal=False, risks=[RiskRecord(eliminated=True)])) == set()


# --- the quota ----------------------------------------------------------------------------------------


def test_the_quota_is_fifteen_per_cent_of_the_base_rounded_down() -> None:
    assert mon.quota_limit(1000, POLICY) == 150
    assert mon.quota_limit(1006, POLICY) == 150  # 150.9 people: at most 150
    assert mon.quota_limit(1007, POLICY) == 151


def test_a_county_at_its_quota_passes_and_one_person_more_fails() -> None:
    at = mon.quota_check(
        base_population=1000, marginal_people=100, monitored_people=50, policy=POLICY
    )
    assert at.within is True and at.limit == 150 and at.problems == ()
    assert at.used_share == Decimal("0.15")
    over = mon.quota_check(
        base_population=1000,
        marginal_people=101,
        monitored_people=50,
        policy=POLICY,
        county="略阳县",
    )
    assert over.within is False
    assert [p.code for p in over.problems] == [mon.Q6_OVER_QUOTA]
    assert "略阳县" in over.problems[0].message and "151人" in over.problems[0].message
    assert "15%" in over.problems[0].message


def test_a_county_without_its_2013_figure_cannot_be_checked() -> None:
    check = mon.quota_check(
        base_population=None, marginal_people=3, monitored_people=0, policy=POLICY
    )
    assert check.within is None and check.limit is None
    assert [p.code for p in check.problems] == [mon.Q6_NO_QUOTA_BASE]
    assert "2013年底" in check.problems[0].message


def test_people_are_counted_per_group() -> None:
    assert mon.people_in(
        [(True, False, 3), (False, True, 4), (False, False, 9), (True, False, 1)]
    ) == (4, 4)
