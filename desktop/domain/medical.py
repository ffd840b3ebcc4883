"""Whether a person received medical assistance (是否接受医疗救助), from settlement slips (guide Q20).

A settlement slip (医疗结算单) shows what each tier paid. From the policy year's
``medical_assistance_rule_change`` (2019-08-01) Shaanxi runs three tiers — basic insurance,
serious-illness insurance, medical assistance — and a slip's ``medical_assistance`` above 0 means
the person received medical assistance. Before that day there were four tiers — basic insurance,
serious-illness insurance, civil-affairs medical aid (民政医疗救助) and the government subsidy
(政府补助). Q20 read with Q8: civil-affairs aid and the government subsidy received anywhere in
the income period (2018-10-01 to 2019-09-30) count as medical assistance, and so does the
medical-assistance tier: a slip with any of the three above 0 counts, whichever side of the
rule change it was settled on. Which column a slip *should* use is a separate, warning-level
check (``settlement_problems``).

Only slips settled inside the policy year's income period count (Q8, both ends included); a slip
settled later belongs to the next year.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Protocol

from desktop.domain.income import money
from desktop.domain.policy import PolicyYear
from desktop.domain.problems import Problem, Severity, Text, problem, t, term

Q20_MEDICAL_ASSISTANCE_MISMATCH = "Q20_MEDICAL_ASSISTANCE_MISMATCH"
Q20_SETTLEMENT_WRONG_TIER = "Q20_SETTLEMENT_WRONG_TIER"
Q20_SETTLEMENT_NEGATIVE = "Q20_SETTLEMENT_NEGATIVE"

AMOUNTS: dict[str, str] = {
    "basic_insurance": "基本医保报销",
    "serious_illness_insurance": "大病保险报销",
    "medical_assistance": "医疗救助",
    "civil_affairs_aid": "民政医疗救助",
    "government_subsidy": "政府补助",
}
"""The amounts of a slip, attribute -> Chinese label."""
AMOUNT_TERMS: dict[str, Text] = {
    "basic_insurance": term("基本医保报销"),
    "serious_illness_insurance": term("大病保险报销"),
    "medical_assistance": term("医疗救助"),
    "civil_affairs_aid": term("民政医疗救助"),
    "government_subsidy": term("政府补助"),
}
"""The same labels as words of a message (translated by the interface)."""

BEFORE_CHANGE = ("civil_affairs_aid", "government_subsidy")
FROM_CHANGE = ("medical_assistance",)
COUNTED = (*FROM_CHANGE, *BEFORE_CHANGE)
"""Every amount the guide counts as medical assistance over the whole income period (Q20, Q8)."""


class SettlementLike(Protocol):
    """One entry of a settlement slip (``MedicalSettlement``)."""

    id: str | None
    settled_on: date | None
    basic_insurance: Decimal | int | float | None
    serious_illness_insurance: Decimal | int | float | None
    medical_assistance: Decimal | int | float | None
    civil_affairs_aid: Decimal | int | float | None
    government_subsidy: Decimal | int | float | None
    deleted: bool | None


def _day(d: date) -> Text:
    return t("{year}年{month}月{day}日", year=d.year, month=d.month, day=d.day)


def assistance_columns(settled_on: date, policy: PolicyYear) -> tuple[str, ...]:
    """The tier a slip settled on ``settled_on`` should record its medical assistance in."""
    return BEFORE_CHANGE if settled_on < policy.medical_assistance_rule_change else FROM_CHANGE


def counts_as_medical_assistance(entry: SettlementLike, policy: PolicyYear) -> bool:
    """Whether this slip shows medical assistance received in ``policy``'s income period."""
    if entry.deleted or entry.settled_on is None or not policy.in_income_period(entry.settled_on):
        return False
    return any(money(getattr(entry, name)) > 0 for name in COUNTED)


def qualifying_settlements(
    entries: Iterable[SettlementLike], policy: PolicyYear
) -> list[SettlementLike]:
    """The slips that show medical assistance in the policy year, in settlement order."""
    found = [e for e in entries if counts_as_medical_assistance(e, policy)]
    return sorted(found, key=lambda e: e.settled_on or date.min)


def received_medical_assistance(entries: Iterable[SettlementLike], policy: PolicyYear) -> bool:
    """是否接受医疗救助 for the policy year, derived from the person's slips (Q20)."""
    return any(counts_as_medical_assistance(e, policy) for e in entries)


def derived_flag(entries: Iterable[SettlementLike], policy: PolicyYear) -> bool | None:
    """The flag the slips decide, or None when the person has no live slip of the income period
    (then the slips decide nothing and the form's answer stands)."""
    live = [
        e
        for e in entries
        if not e.deleted and e.settled_on is not None and policy.in_income_period(e.settled_on)
    ]
    if not live:
        return None
    return received_medical_assistance(live, policy)


def settlement_problems(
    entry: SettlementLike, policy: PolicyYear, *, who: str | Text = "", entity_id: str | None = None
) -> list[Problem]:
    """A slip with a negative amount (error), or an amount in the tier of the wrong period.

    From the rule change on, civil-affairs aid and government subsidy no longer exist as tiers
    (their amount belongs in 医疗救助); before it, 医疗救助 was paid as civil-affairs aid or
    government subsidy. Either is a warning: the slip may have been typed into the wrong column.
    """
    if entry.deleted:
        return []
    target = entity_id if entity_id is not None else entry.id
    found: list[Problem] = []
    for name, label in AMOUNT_TERMS.items():
        amount = money(getattr(entry, name))
        if amount < 0:
            found.append(
                problem(
                    Q20_SETTLEMENT_NEGATIVE,
                    f"medical_settlement.{name}",
                    Severity.ERROR,
                    t(
                        "{who}医疗结算单的{label}为负数（{amount}元），请核对。",
                        who=who,
                        label=label,
                        amount=amount,
                    ),
                    target,
                )
            )
    if entry.settled_on is None:
        return found
    change = policy.medical_assistance_rule_change
    if entry.settled_on < change:
        wrong = [n for n in FROM_CHANGE if money(getattr(entry, n)) > 0]
        advice = t("{day}前的医疗救助应按“民政医疗救助”或“政府补助”填写", day=_day(change))
    else:
        wrong = [n for n in BEFORE_CHANGE if money(getattr(entry, n)) > 0]
        advice = t(
            "{day}起医保扶贫按三重保障运行，医疗救助应填入“医疗救助”", day=_day(change)
        )
    for name in wrong:
        found.append(
            problem(
                Q20_SETTLEMENT_WRONG_TIER,
                f"medical_settlement.{name}",
                Severity.WARNING,
                t(
                    "{who}{day}的医疗结算单填写了“{label}”，{advice}（导引第20问），请核对结算单。",
                    who=who,
                    day=_day(entry.settled_on),
                    label=AMOUNT_TERMS[name],
                    advice=advice,
                ),
                target,
            )
        )
    return found


def medical_assistance_problems(
    flag: bool | None,
    entries: Iterable[SettlementLike],
    policy: PolicyYear,
    *,
    who: str | Text = "",
    entity_id: str | None = None,
) -> list[Problem]:
    """The form's 是否接受医疗救助 disagreeing with what the person's slips show (warning)."""
    derived = derived_flag(entries, policy)
    if derived is None or bool(flag) == derived:
        return []
    start, end = policy.income_period_start, policy.income_period_end
    if derived:
        message = t(
            "{who}在收入计算周期（{start}至{end}）内的医疗结算单显示接受了医疗救助，"
            "但“是否接受医疗救助”填的是“否”或未填，请改为“是”（导引第20问）。",
            who=who,
            start=_day(start),
            end=_day(end),
        )
    else:
        message = t(
            "{who}“是否接受医疗救助”填的是“是”，但收入计算周期（{start}至{end}）内的"
            "医疗结算单都没有医疗救助、民政医疗救助或政府补助，请核对（导引第20问）。",
            who=who,
            start=_day(start),
            end=_day(end),
        )
    return [
        problem(
            Q20_MEDICAL_ASSISTANCE_MISMATCH,
            "member.medical_assistance",
            Severity.WARNING,
            message,
            entity_id,
        )
    ]
