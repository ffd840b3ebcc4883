"""Q20: whether a person received medical assistance, from settlement slips, around 2019-08-01."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from desktop.domain import medical as m
from desktop.domain.policy import policy_year

POLICY = policy_year(2019)
CHANGE = POLICY.medical_assistance_rule_change  # 2019-08-01


@dataclass
class Slip:
    settled_on: date | None
    basic_insurance: Decimal | int = 0
    serious_illness_insurance: Decimal | int = 0
    medical_assistance: Decimal | int = 0
    civil_affairs_aid: Decimal | int = 0
    government_subsidy: Decimal | int = 0
    deleted: bool = False
    id: str = "slip-1"


@pytest.mark.parametrize(
    ("slip", "counts"),
    [
        (Slip(date(2019, 7, 31), civil_affairs_aid=300), True),
        (Slip(date(2019, 7, 31), government_subsidy=120), True),
        (Slip(date(2019, 7, 31), medical_assistance=500), True),
        (Slip(date(2019, 8, 1), medical_assistance=500), True),
        (Slip(date(2019, 8, 1), civil_affairs_aid=300), True),
        (Slip(date(2019, 9, 30), government_subsidy=120), True),
        (Slip(date(2018, 10, 1), medical_assistance=80), True),
        (Slip(date(2019, 5, 1), basic_insurance=2000, serious_illness_insurance=800), False),
    ],
    ids=[
        "civil-aid-the-day-before",
        "subsidy-the-day-before",
        "assistance-column-before-the-change",
        "assistance-on-the-day-of-the-change",
        "civil-aid-on-the-day-of-the-change",
        "subsidy-on-the-last-day-of-the-income-period",
        "assistance-column-on-the-first-day-of-the-income-period",
        "insurance-only",
    ],
)
def test_every_assistance_tier_counts_over_the_whole_income_period(
    slip: Slip, counts: bool
) -> None:
    assert m.counts_as_medical_assistance(slip, POLICY) is counts


@pytest.mark.parametrize(
    ("day", "counts"),
    [
        (date(2018, 9, 30), False),
        (date(2018, 10, 1), True),
        (date(2019, 9, 30), True),
        (date(2019, 10, 1), False),
    ],
)
def test_only_slips_inside_the_income_period_count(day: date, counts: bool) -> None:
    column = "civil_affairs_aid" if day < CHANGE else "medical_assistance"
    slip = Slip(day, **{column: 100})
    assert m.counts_as_medical_assistance(slip, POLICY) is counts


def test_a_deleted_slip_and_a_slip_without_a_date_count_for_nothing() -> None:
    assert not m.counts_as_medical_assistance(
        Slip(date(2019, 9, 1), medical_assistance=1, deleted=True), POLICY
    )
    assert not m.counts_as_medical_assistance(Slip(None, medical_assistance=1), POLICY)


def test_the_flag_is_derived_from_all_slips_and_undecided_without_any() -> None:
    assert m.derived_flag([], POLICY) is None
    assert m.derived_flag([Slip(date(2019, 10, 5), medical_assistance=100)], POLICY) is None
    insurance_only = [Slip(date(2019, 3, 1), basic_insurance=900)]
    assert m.derived_flag(insurance_only, POLICY) is False
    both = [*insurance_only, Slip(date(2019, 9, 2), medical_assistance=Decimal("88.50"))]
    assert m.derived_flag(both, POLICY) is True
    assert [s.settled_on for s in m.qualifying_settlements(both, POLICY)] == [date(2019, 9, 2)]


def test_a_form_that_says_no_while_the_slips_show_assistance_is_reported() -> None:
    slips = [Slip(date(2019, 6, 1), civil_affairs_aid=300)]
    problems = m.medical_assistance_problems(False, slips, POLICY, who="成员“张三”", entity_id="m1")
    assert [p.code for p in problems] == [m.Q20_MEDICAL_ASSISTANCE_MISMATCH]
    assert "改为“是”" in problems[0].message and problems[0].entity_id == "m1"
    assert m.medical_assistance_problems(True, slips, POLICY) == []


def test_a_form_that_says_yes_without_assistance_on_the_slips_is_reported() -> None:
    slips = [Slip(date(2019, 8, 15), basic_insurance=300, serious_illness_insurance=40)]
    problems = m.medical_assistance_problems(True, slips, POLICY)
    assert [p.code for p in problems] == [m.Q20_MEDICAL_ASSISTANCE_MISMATCH]
    assert m.medical_assistance_problems(False, slips, POLICY) == []
    assert m.medical_assistance_problems(True, [], POLICY) == []  # no slips: the form stands


def test_civil_aid_after_the_rule_change_still_means_assistance_was_received() -> None:
    # Q20 with Q8: civil-affairs aid and the subsidy received 2018-10-01..2019-09-30 count.
    slips = [Slip(date(2019, 8, 15), civil_affairs_aid=300)]
    assert m.derived_flag(slips, POLICY) is True
    assert m.medical_assistance_problems(True, slips, POLICY) == []
    assert [p.code for p in m.medical_assistance_problems(False, slips, POLICY)] == [
        m.Q20_MEDICAL_ASSISTANCE_MISMATCH
    ]


def test_an_amount_in_the_tier_of_the_wrong_period_is_a_warning() -> None:
    after = m.settlement_problems(Slip(date(2019, 8, 1), government_subsidy=50), POLICY)
    assert [(p.code, p.field) for p in after] == [
        (m.Q20_SETTLEMENT_WRONG_TIER, "medical_settlement.government_subsidy")
    ]
    before = m.settlement_problems(Slip(date(2019, 7, 31), medical_assistance=50), POLICY)
    assert [p.field for p in before] == ["medical_settlement.medical_assistance"]
    assert all(not p.is_error for p in before + after)
    assert m.settlement_problems(Slip(date(2019, 7, 31), civil_affairs_aid=50), POLICY) == []


def test_a_negative_amount_is_an_error() -> None:
    problems = m.settlement_problems(Slip(date(2019, 9, 1), medical_assistance=-5), POLICY)
    assert [(p.code, p.is_error) for p in problems] == [(m.Q20_SETTLEMENT_NEGATIVE, True)]
