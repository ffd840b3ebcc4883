"""Per-capita net income by the national formula, and the checks of one income record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest

from desktop.domain.income import (
    INCOME_ITEMS_MISMATCH,
    INCOME_NEGATIVE,
    INCOME_PERIOD_MISMATCH,
    R45_INCOME_RANGE,
    income_problems,
    income_totals,
    per_capita_net_income,
)
from desktop.domain.policy import policy_year
from desktop.domain.problems import Severity
from desktop.store.models import Income, IncomeItem

POLICY = policy_year(2019)


@dataclass
class Item:
    component: str
    item: str
    amount: Decimal | int | float | None
    deleted: bool | None = False


@dataclass
class PlainIncome:
    """An income that is not an ORM object: the domain reads attributes only."""

    wage_income: Decimal | int | float | None = 0
    business_income: Decimal | int | float | None = 0
    property_income: Decimal | int | float | None = 0
    transfer_income: Decimal | int | float | None = 0
    production_costs: Decimal | int | float | None = 0
    policy_year: int | None = 2019
    period_start: date | None = date(2018, 10, 1)
    period_end: date | None = date(2019, 9, 30)
    items: list[Item] = field(default_factory=list)
    id: str | None = "income-1"
    deleted: bool | None = False


def s7_income(**overrides) -> Income:
    """The national-system record [S7]: 6000 + 6000 + 1180 + 4205 − 1000, 4 people."""
    values = {
        "id": "inc-s7",
        "policy_year": 2019,
        "period_start": date(2018, 10, 1),
        "period_end": date(2019, 9, 30),
        "wage_income": Decimal("6000"),
        "business_income": Decimal("6000"),
        "property_income": Decimal("1180"),
        "transfer_income": Decimal("4205"),
        "production_costs": Decimal("1000"),
    }
    values.update(overrides)
    return Income(**values)


def test_the_s7_record_gives_total_17385_net_16385_and_4096_25_per_person() -> None:
    totals = income_totals(s7_income(), 4)

    assert totals.total == Decimal("17385")
    assert totals.net == Decimal("16385")
    assert totals.per_capita == Decimal("4096.25")
    assert per_capita_net_income(s7_income(), 4) == Decimal("4096.25")


def test_per_capita_income_is_none_for_a_household_of_nobody() -> None:
    assert per_capita_net_income(s7_income(), 0) is None
    assert income_totals(s7_income(), 0).net == Decimal("16385")


def test_per_capita_income_rounds_half_up_to_the_cent() -> None:
    # 100.005 per person rounds up; banker's rounding would give 100.00
    income = PlainIncome(wage_income=Decimal("300.015"))
    assert per_capita_net_income(income, 3) == Decimal("100.01")
    assert per_capita_net_income(PlainIncome(wage_income=10), 3) == Decimal("3.33")
    assert per_capita_net_income(PlainIncome(wage_income=20), 3) == Decimal("6.67")


def test_missing_amounts_count_as_zero_and_floats_are_taken_as_written() -> None:
    transient = Income(policy_year=2019, wage_income=Decimal("1000"))  # other columns are None
    assert per_capita_net_income(transient, 2) == Decimal("500.00")
    assert per_capita_net_income(PlainIncome(wage_income=0.1, business_income=0.2), 1) == Decimal(
        "0.30"
    )


def test_production_costs_above_income_give_a_negative_net_income() -> None:
    totals = income_totals(PlainIncome(wage_income=1000, production_costs=3000), 2)
    assert totals.net == Decimal("-2000")
    assert totals.per_capita == Decimal("-1000.00")


def test_a_plausible_income_in_the_policy_period_has_no_problems() -> None:
    income = s7_income(
        items=[
            IncomeItem(component="transfer", item="ecological", amount=Decimal("540")),
            IncomeItem(component="transfer", item="other", amount=Decimal("3665")),
        ]
    )
    assert income_problems(income, 4, POLICY) == []


@pytest.mark.parametrize(
    ("attribute", "field"),
    [
        ("wage_income", "income.wage_income"),
        ("business_income", "income.business_income"),
        ("property_income", "income.property_income"),
        ("transfer_income", "income.transfer_income"),
        ("production_costs", "income.production_costs"),
    ],
)
def test_a_negative_component_is_an_error_naming_its_field(attribute: str, field: str) -> None:
    problems = income_problems(s7_income(**{attribute: Decimal("-1")}), 4, POLICY)

    negative = [p for p in problems if p.code == INCOME_NEGATIVE]
    assert len(negative) == 1
    assert negative[0].severity is Severity.ERROR
    assert negative[0].field == field
    assert negative[0].entity_id == "inc-s7"
    assert "负数" in negative[0].message


def test_a_negative_sub_item_is_an_error() -> None:
    income = PlainIncome(
        wage_income=5000, items=[Item("wage", "public_job", -10), Item("wage", "migrant", 5010)]
    )
    problems = income_problems(income, 1, POLICY)

    assert [p.field for p in problems if p.code == INCOME_NEGATIVE] == ["income_item.amount"]
    assert not [p for p in problems if p.code == INCOME_ITEMS_MISMATCH]


def test_sub_items_not_adding_up_to_their_component_are_a_warning_with_both_sums() -> None:
    income = s7_income(
        items=[
            IncomeItem(component="transfer", item="ecological", amount=Decimal("540")),
            IncomeItem(component="transfer", item="pension", amount=Decimal("4440")),
        ]
    )
    problems = income_problems(income, 4, POLICY)

    assert [p.code for p in problems] == [INCOME_ITEMS_MISMATCH]
    problem = problems[0]
    assert problem.severity is Severity.WARNING
    assert problem.field == "income.transfer_income"
    assert "转移性收入" in problem.message
    assert "4205" in problem.message and "4980" in problem.message


def test_tombstoned_sub_items_are_left_out_of_the_sum() -> None:
    income = PlainIncome(
        business_income=800,
        items=[Item("business", "crops", 800), Item("business", "crops", 300, deleted=True)],
    )
    assert income_problems(income, 1, POLICY) == []


def test_components_without_sub_items_are_not_compared() -> None:
    income = PlainIncome(wage_income=5000, business_income=900, items=[Item("wage", "x", 5000)])
    assert income_problems(income, 1, POLICY) == []


def test_an_income_period_other_than_the_policy_years_is_a_warning() -> None:
    income = s7_income(period_start=date(2019, 1, 1), period_end=date(2019, 12, 31))
    problems = income_problems(income, 4, POLICY)

    assert [p.code for p in problems] == [INCOME_PERIOD_MISMATCH]
    assert problems[0].severity is Severity.WARNING
    assert "2018-10-01" in problems[0].message and "2019-09-30" in problems[0].message


def test_a_missing_income_period_is_reported_as_a_mismatch() -> None:
    problems = income_problems(PlainIncome(wage_income=9000, period_start=None), 1, POLICY)
    assert [p.code for p in problems] == [INCOME_PERIOD_MISMATCH]
    assert "未填" in problems[0].message


def test_zero_per_capita_income_is_suspicious_under_rule_45() -> None:
    problems = income_problems(PlainIncome(), 3, POLICY)

    assert [p.code for p in problems] == [R45_INCOME_RANGE]
    assert problems[0].severity is Severity.WARNING


def test_per_capita_income_above_the_plausible_maximum_is_suspicious() -> None:
    limit = POLICY.income_plausible_max
    at_limit = PlainIncome(wage_income=limit * 2)
    above = PlainIncome(wage_income=limit * 2 + 1)

    assert income_problems(at_limit, 2, POLICY) == []
    problems = income_problems(above, 2, POLICY)
    assert [p.code for p in problems] == [R45_INCOME_RANGE]
    assert str(limit) in problems[0].message


def test_the_range_rule_is_skipped_when_there_are_no_members() -> None:
    assert income_problems(PlainIncome(), 0, POLICY) == []


def test_problems_can_be_pointed_at_the_household() -> None:
    problems = income_problems(PlainIncome(), 1, POLICY, entity_id="hh-1")
    assert {p.entity_id for p in problems} == {"hh-1"}
