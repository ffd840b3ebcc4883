"""Household income: the national per-capita net income formula and the income checks.

The formula (domain-reference.md §1.3, checked by arithmetic on a real national-system record)::

    家庭年收入 total = 工资性 wage + 生产经营性 business + 财产性 property + 转移性 transfer
    家庭纯收入 net   = total − 生产经营性支出 production_costs
    人均纯收入        = net ÷ 家庭人口数, rounded to 0.01 yuan (half up)

Sub-items (``income.items``) are stored beside their component; public records show they do not
always add up to it, so a mismatch is a warning, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from desktop.domain.policy import PolicyYear
from desktop.domain.problems import Problem, Severity, Text, problem, t, term
from desktop.domain.records import IncomeItemLike, IncomeLike

CENT = Decimal("0.01")
ZERO = Decimal(0)

INCOME_NEGATIVE = "INCOME_NEGATIVE"
INCOME_ITEMS_MISMATCH = "INCOME_ITEMS_MISMATCH"
INCOME_PERIOD_MISMATCH = "INCOME_PERIOD_MISMATCH"
R45_INCOME_RANGE = "R45_INCOME_RANGE"
INCOME_TOTAL_MISMATCH = "INCOME_TOTAL_MISMATCH"

TOTAL_TOLERANCE = Decimal("1")
"""How far a recorded per-capita net income may be from the formula's (the national system
rounds to the yuan in places) before it does not add up."""

INCOME_SEVERITIES: dict[str, Severity] = {
    INCOME_NEGATIVE: Severity.ERROR,
    INCOME_ITEMS_MISMATCH: Severity.WARNING,
    INCOME_PERIOD_MISMATCH: Severity.WARNING,
    R45_INCOME_RANGE: Severity.WARNING,
    INCOME_TOTAL_MISMATCH: Severity.WARNING,
}
"""The codes ``income_problems`` reports, with their severity (the audit registers them as rules)."""

COMPONENTS: dict[str, tuple[str, str]] = {
    "wage": ("wage_income", "工资性收入"),
    "business": ("business_income", "生产经营性收入"),
    "property": ("property_income", "财产性收入"),
    "transfer": ("transfer_income", "转移性收入"),
    "costs": ("production_costs", "生产经营性支出"),
}
"""Income-item component name -> (attribute of the income, Chinese label)."""

INCOME_COMPONENTS = ("wage", "business", "property", "transfer")


def money(value: Decimal | int | float | str | None) -> Decimal:
    """An amount as ``Decimal`` yuan; ``None`` (not collected) is 0, floats go through ``str``."""
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(value)


def _yuan(value: Decimal) -> str:
    """An amount for a message: ``4096.25``, ``6000`` (no exponent, no trailing ``.00``)."""
    text = format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f")
    return text[:-3] if text.endswith(".00") else text


@dataclass(frozen=True, slots=True)
class IncomeTotals:
    """家庭年收入, 家庭纯收入 and 人均纯收入 (``per_capita`` is None for a household of 0 people)."""

    total: Decimal
    net: Decimal
    per_capita: Decimal | None


def income_totals(income: IncomeLike, member_count: int | None = None) -> IncomeTotals:
    """Total, net and per-capita net income of ``income`` for ``member_count`` people."""
    return _totals_of(
        {attribute: money(getattr(income, attribute)) for attribute, _label in COMPONENTS.values()},
        member_count,
    )


def _totals_of(amounts: dict[str, Decimal], member_count: int | None) -> IncomeTotals:
    """``income_totals`` of the amounts already read (attribute -> ``Decimal``)."""
    total = (
        ZERO
        + amounts["wage_income"]
        + amounts["business_income"]
        + amounts["property_income"]
        + amounts["transfer_income"]
    )
    net = total - amounts["production_costs"]
    per_capita = None
    if member_count:
        per_capita = (net / Decimal(member_count)).quantize(CENT, rounding=ROUND_HALF_UP)
    return IncomeTotals(total=total, net=net, per_capita=per_capita)


def per_capita_net_income(income: IncomeLike, member_count: int | None) -> Decimal | None:
    """人均纯收入 by the national formula, to the cent (half up); None when there are 0 people."""
    return income_totals(income, member_count).per_capita


def imported_per_capita(
    computed: Decimal | None,
    per_capita: Decimal | None,
    net: Decimal | None,
    member_count: int | None,
) -> Decimal | None:
    """The per-capita net income to record for an income read from elsewhere (an export).

    ``computed`` is the formula's; ``per_capita`` (AAC082) and ``net`` (AAC079) what the file
    states. The file's figure (its own, else its net over the people) is kept when it differs
    from the formula's by more than ``TOTAL_TOLERANCE``, so that the audit lists the income that
    does not add up (``INCOME_TOTAL_MISMATCH``); otherwise the formula's is recorded.
    """
    if per_capita is not None:
        stated: Decimal | None = money(per_capita)
    elif net is not None and member_count:
        stated = (money(net) / Decimal(member_count)).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        stated = None
    if stated is None or computed is None or abs(stated - computed) <= TOTAL_TOLERANCE:
        return computed
    return stated


def live_items(income: IncomeLike) -> list[IncomeItemLike]:
    """The income's sub-items that are not tombstones."""
    return [item for item in (getattr(income, "items", None) or ()) if not item.deleted]


def income_problems(
    income: IncomeLike,
    member_count: int | None,
    policy: PolicyYear,
    *,
    entity_id: str | None = None,
) -> list[Problem]:
    """What is wrong with one income record for a household of ``member_count`` people.

    - ``INCOME_NEGATIVE`` (error): a component, the production costs or a sub-item is negative;
    - ``INCOME_ITEMS_MISMATCH`` (warning): a component's sub-items do not add up to it;
    - ``INCOME_PERIOD_MISMATCH`` (warning): the period is not the policy year's income period;
    - ``R45_INCOME_RANGE`` (warning, national rule 45): per-capita net income is 0 (or less) or
      above the policy's plausible maximum;
    - ``INCOME_TOTAL_MISMATCH`` (warning): the recorded per-capita net income (AAC082, as an import
      brought it from the national system's export) is not what the components give by the
      formula. A save recomputes it (``desktop.store.save.keep_derived_fields``), so this is
      the import's income that does not add up, listed until the household is checked and saved.

    ``entity_id`` is put on every problem (default: the income's own id).
    """
    target = entity_id if entity_id is not None else getattr(income, "id", None)
    found: list[Problem] = []

    def add(code: str, field: str, message: Text) -> None:
        found.append(problem(code, field, INCOME_SEVERITIES[code], message, target))

    stated: dict[str, Decimal] = {}  # attribute -> amount, each read once
    for attribute, label in COMPONENTS.values():
        amount = stated[attribute] = money(getattr(income, attribute))
        if amount < 0:
            add(
                INCOME_NEGATIVE,
                f"income.{attribute}",
                t(
                    "{label}为负数（{amount}元），收入和支出金额不能小于0，请核对{label}。",
                    label=term(label),
                    amount=_yuan(amount),
                ),
            )

    sums: dict[str, Decimal] = {}
    for item in getattr(income, "items", None) or ():
        if item.deleted:
            continue
        amount = money(item.amount)
        sums[item.component] = sums.get(item.component, ZERO) + amount
        if amount < 0:
            label = COMPONENTS.get(item.component, (None, item.component))[1]
            add(
                INCOME_NEGATIVE,
                "income_item.amount",
                t(
                    "{label}的明细项“{item}”为负数（{amount}元），请核对该明细金额。",
                    label=term(label),
                    item=item.item,
                    amount=_yuan(amount),
                ),
            )
    for component, items_sum in sums.items():
        if component not in COMPONENTS:
            continue
        attribute, label = COMPONENTS[component]
        if items_sum != stated[attribute]:
            add(
                INCOME_ITEMS_MISMATCH,
                f"income.{attribute}",
                t(
                    "{label}填写为{stated}元，但其明细合计为{items_sum}元，两者不一致，"
                    "请核对{label}或其明细。",
                    label=term(label),
                    stated=_yuan(stated[attribute]),
                    items_sum=_yuan(items_sum),
                ),
            )

    start, end = income.period_start, income.period_end
    if (start, end) != (policy.income_period_start, policy.income_period_end):
        add(
            INCOME_PERIOD_MISMATCH,
            "income.period_start",
            t(
                "收入计算周期为{start}至{end}，{year}年度应为{policy_start}至{policy_end}，"
                "请核对收入计算周期。",
                start=start or term("未填"),
                end=end or term("未填"),
                year=policy.year,
                policy_start=policy.income_period_start,
                policy_end=policy.income_period_end,
            ),
        )

    per_capita = _totals_of(stated, member_count).per_capita
    if per_capita is not None:
        if per_capita <= 0:
            add(
                R45_INCOME_RANGE,
                "income.wage_income",
                t(
                    "人均纯收入为{per_capita}元（不大于0），请核对各项收入和生产经营性支出。",
                    per_capita=_yuan(per_capita),
                ),
            )
        elif per_capita > policy.income_plausible_max:
            add(
                R45_INCOME_RANGE,
                "income.wage_income",
                t(
                    "人均纯收入为{per_capita}元，超过{most}元，请核对各项收入、生产经营性支出和家庭人口数。",
                    per_capita=_yuan(per_capita),
                    most=_yuan(policy.income_plausible_max),
                ),
            )
    recorded = getattr(income, "per_capita_net_income", None)
    if per_capita is not None and recorded is not None:
        recorded = money(recorded)
        if abs(recorded - per_capita) > TOTAL_TOLERANCE:
            totals = income_totals(income, member_count)
            add(
                INCOME_TOTAL_MISMATCH,
                "income.wage_income",
                t(
                    "登记的人均纯收入为{recorded}元，但按各项收入计算为{per_capita}元"
                    "（家庭年收入{total}元，减生产经营性支出后{net}元，{people}人），两者不符，"
                    "请核对各项收入、生产经营性支出和家庭人口数后保存。",
                    recorded=_yuan(recorded),
                    per_capita=_yuan(per_capita),
                    total=_yuan(totals.total),
                    net=_yuan(totals.net),
                    people=member_count,
                ),
            )
    return found
