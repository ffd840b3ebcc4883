"""Marginal (边缘户) and monitored (脱贫监测户) households, and the county quota (guide Q6).

- A marginal household is a non-registered household (一般农户) whose per-capita net income is
  below the policy year's ``marginal_income_line`` and that is at risk of falling into poverty
  (致贫风险). A monitored household is an exited household (已脱贫, with or without policy) whose
  per-capita net income is below ``monitored_income_line`` and that is at risk of returning to
  poverty (返贫风险). The line is a strict bound: 4999.99 passes, 5000 does not.
- The village committee and the task force propose the list (村两委和驻村工作队研究提出名单),
  township and county balance it; the risk records carry the decision (who, when).
- Both groups must meet the exit standard themselves — two assurances, three guarantees and
  drinking water, and income at least the exit line: they are no buffer for households that
  should be identified or returned (Q6 四).
- The lists are internal: never on a public list, a card or an unmarked export.
- Per county, the people of both groups together are at most ``monitoring_quota_share`` (15 %)
  of the county's registered poor population at the end of ``monitoring_quota_base_year`` (2013),
  a figure entered per county: ``quota_check``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import Protocol

from desktop.domain.codes import code_table
from desktop.domain.policy import PolicyYear
from desktop.domain.problems import Problem, Severity, Text, problem, t, term

MARGINAL = "marginal"
MONITORED = "monitored"
KIND_LABELS = {MARGINAL: "边缘户", MONITORED: "脱贫监测户"}
RISK_LABELS = {MARGINAL: "致贫风险", MONITORED: "返贫风险"}
KIND_STATUSES: dict[str, frozenset[str]] = {
    MARGINAL: frozenset({"ordinary"}),
    MONITORED: frozenset({"exited", "exited_stable"}),
}
"""The statuses each group is taken from (Q6 一)."""

PROPOSERS = frozenset({"01", "02"})  # code table risk_decider: 村两委, 驻村工作队

ASSURANCES: dict[str, str] = {
    "food_assured": "不愁吃",
    "clothing_assured": "不愁穿",
    "education_assured": "义务教育有保障",
    "medical_assured": "基本医疗有保障",
    "housing_assured": "住房安全有保障",
    "water_assured": "饮水安全有保障",
}
"""两不愁三保障 and drinking water, attribute -> Chinese label."""

# The same labels as words of a message (translated by the interface).
_KIND_TERMS = {MARGINAL: term("边缘户"), MONITORED: term("脱贫监测户")}
_RISK_TERMS = {MARGINAL: term("致贫风险"), MONITORED: term("返贫风险")}
_ASSURANCE_TERMS: dict[str, Text] = {
    "food_assured": term("不愁吃"),
    "clothing_assured": term("不愁穿"),
    "education_assured": term("义务教育有保障"),
    "medical_assured": term("基本医疗有保障"),
    "housing_assured": term("住房安全有保障"),
    "water_assured": term("饮水安全有保障"),
}

Q6_FLAG_STATUS = "Q6_FLAG_STATUS"
Q6_BOTH_FLAGS = "Q6_BOTH_FLAGS"
Q6_NO_INCOME = "Q6_NO_INCOME"
Q6_INCOME_NOT_BELOW_LINE = "Q6_INCOME_NOT_BELOW_LINE"
Q6_NO_RISK = "Q6_NO_RISK"
Q6_RISK_KIND_MISMATCH = "Q6_RISK_KIND_MISMATCH"
Q6_NO_DECISION = "Q6_NO_DECISION"
Q6_NOT_MEETING_EXIT_STANDARD = "Q6_NOT_MEETING_EXIT_STANDARD"
Q6_RISK_ELIMINATED_BELOW_LINE = "Q6_RISK_ELIMINATED_BELOW_LINE"
Q6_RISK_WITHOUT_FLAG = "Q6_RISK_WITHOUT_FLAG"
Q6_NO_QUOTA_BASE = "Q6_NO_QUOTA_BASE"
Q6_OVER_QUOTA = "Q6_OVER_QUOTA"

ERROR = Severity.ERROR
WARNING = Severity.WARNING


class RiskLike(Protocol):
    """A risk record (``Risk``)."""

    id: str | None
    kind: str | None  # marginal | monitored
    risk_type: str | None  # code table risk_type
    identified_date: date | None
    decided_by: str | None  # code table risk_decider
    decision_date: date | None
    eliminated: bool | None
    eliminated_date: date | None
    deleted: bool | None


class MonitoringHouseholdLike(Protocol):
    """What the Q6 rules read of a household, besides its per-capita income."""

    id: str | None
    status: str | None
    marginal: bool | None
    monitored: bool | None
    risks: Sequence[RiskLike]
    food_assured: bool | None
    clothing_assured: bool | None
    education_assured: bool | None
    medical_assured: bool | None
    housing_assured: bool | None
    water_assured: bool | None


def income_line(kind: str, policy: PolicyYear) -> Decimal:
    """The per-capita net income a household of ``kind`` must stay below."""
    return policy.marginal_income_line if kind == MARGINAL else policy.monitored_income_line


def kind_for_status(status: str | None) -> str | None:
    """Which group a household of ``status`` may join: marginal, monitored or none."""
    for kind, statuses in KIND_STATUSES.items():
        if status in statuses:
            return kind
    return None


def passes_income_test(per_capita: Decimal | None, kind: str, policy: PolicyYear) -> bool | None:
    """Whether the per-capita net income is below the group's line (None: income unknown)."""
    if per_capita is None:
        return None
    return per_capita < income_line(kind, policy)


def household_kinds(household: MonitoringHouseholdLike) -> list[str]:
    """The groups a household is flagged as (``marginal``, ``monitored``)."""
    return [k for k in (MARGINAL, MONITORED) if getattr(household, k)]


def live_risks(household: MonitoringHouseholdLike, kind: str | None = None) -> list[RiskLike]:
    """The household's risk records (of ``kind``) that are not tombstones."""
    return [
        r
        for r in getattr(household, "risks", None) or ()
        if not r.deleted and (kind is None or r.kind == kind)
    ]


def _risk_label(code: str | None) -> Text:
    return term(code_table("risk_type").label(code)) if code else term("未填")


def monitoring_problems(
    household: MonitoringHouseholdLike,
    *,
    per_capita: Decimal | None,
    policy: PolicyYear,
) -> list[Problem]:
    """What the Q6 rules find in one household, flagged or not.

    ``per_capita`` is the household's per-capita net income of the policy year (None when it
    has no income record or no members).
    """
    found: list[Problem] = []
    hid = household.id
    kinds = household_kinds(household)

    def add(code: str, severity: Severity, field: str, message: Text, entity: str | None) -> None:
        found.append(problem(code, field, severity, message, entity))

    if len(kinds) > 1:
        add(
            Q6_BOTH_FLAGS,
            ERROR,
            "household.marginal",
            t(
                "一户不能同时是边缘户和脱贫监测户：边缘户只从一般农户中认定，"
                "脱贫监测户只从已脱贫户中认定（导引第6问）。"
            ),
            hid,
        )
    for kind in kinds:
        label, line = _KIND_TERMS[kind], income_line(kind, policy)
        if household.status not in KIND_STATUSES[kind]:
            source = term("非建档立卡的一般农户") if kind == MARGINAL else term("历年已脱贫户")
            add(
                Q6_FLAG_STATUS,
                ERROR,
                f"household.{kind}",
                t(
                    "{label}只从{source}中认定（导引第6问），本户的状态不符，请取消{label}标识或核对状态。",
                    label=label,
                    source=source,
                ),
                hid,
            )
        passes = passes_income_test(per_capita, kind, policy)
        if passes is None:
            add(
                Q6_NO_INCOME,
                WARNING,
                "income.wage_income",
                t(
                    "本户标记为{label}，但没有{year}年度人均纯收入，无法核对是否低于{line}元，请录入收入。",
                    label=label,
                    year=policy.year,
                    line=line,
                ),
                hid,
            )
        elif not passes:
            add(
                Q6_INCOME_NOT_BELOW_LINE,
                WARNING,
                "income.wage_income",
                t(
                    "本户标记为{label}，但{year}年度人均纯收入{per_capita}元不低于{line}元"
                    "（导引第6问），请核对收入或取消{label}标识。",
                    label=label,
                    year=policy.year,
                    per_capita=per_capita,
                    line=line,
                ),
                hid,
            )
        risks = live_risks(household)
        own = [r for r in risks if r.kind == kind]
        for r in risks:
            if r.kind != kind and r.kind in _KIND_TERMS:
                add(
                    Q6_RISK_KIND_MISMATCH,
                    WARNING,
                    "risk.kind",
                    t(
                        "本户标记为{label}，但登记的是{kind}的{risk}（{risk_type}），请核对。",
                        label=label,
                        kind=_KIND_TERMS[r.kind],
                        risk=_RISK_TERMS[r.kind],
                        risk_type=_risk_label(r.risk_type),
                    ),
                    r.id,
                )
        open_risks = [r for r in own if not r.eliminated]
        if not own:
            add(
                Q6_NO_RISK,
                WARNING,
                "risk.risk_type",
                t(
                    "本户标记为{label}，但没有登记{risk}，请登记风险类型（导引第3、6问）。",
                    label=label,
                    risk=_RISK_TERMS[kind],
                ),
                hid,
            )
        elif not open_risks and passes:
            add(
                Q6_RISK_ELIMINATED_BELOW_LINE,
                WARNING,
                "risk.eliminated",
                t(
                    "本户的{risk}都已消除，但人均纯收入{per_capita}元仍低于{line}元，"
                    "请核对风险消除情况或{label}标识。",
                    risk=_RISK_TERMS[kind],
                    per_capita=per_capita,
                    line=line,
                    label=label,
                ),
                hid,
            )
        for r in own:
            if not r.decided_by or r.decision_date is None:
                add(
                    Q6_NO_DECISION,
                    WARNING,
                    "risk.decided_by",
                    t(
                        "本户的{risk}（{risk_type}）没有登记认定主体和认定日期："
                        "边缘户和脱贫监测户由村两委和驻村工作队研究提出名单（导引第6问），请补录。",
                        risk=_RISK_TERMS[kind],
                        risk_type=_risk_label(r.risk_type),
                    ),
                    r.id,
                )
        failed = [
            text
            for name, text in _ASSURANCE_TERMS.items()
            if getattr(household, name, None) is False
        ]
        below_exit = per_capita is not None and per_capita < policy.exit_line_per_capita
        if failed or below_exit:
            reasons = list(failed)
            if below_exit:
                reasons.append(
                    t(
                        "人均纯收入{per_capita}元低于脱贫标准{line}元",
                        per_capita=per_capita,
                        line=policy.exit_line_per_capita,
                    )
                )
            should = term("按程序识别为贫困户") if kind == MARGINAL else term("按程序返贫")
            add(
                Q6_NOT_MEETING_EXIT_STANDARD,
                WARNING,
                "household.housing_assured" if failed else "income.wage_income",
                t(
                    "{label}的“两不愁三保障”和收入都要达到脱贫标准，不是漏评和脱贫不实的缓冲地带"
                    "（导引第6问）；本户{reasons}，请核实是否应当{should}。",
                    label=label,
                    reasons=reasons,
                    should=should,
                ),
                hid,
            )
    for kind in (MARGINAL, MONITORED):
        if kind in kinds:
            continue
        pending = [r for r in live_risks(household, kind) if not r.eliminated]
        if pending:
            add(
                Q6_RISK_WITHOUT_FLAG,
                WARNING,
                f"household.{kind}",
                t(
                    "本户登记了未消除的{risk}（{risk_type}），但没有标记为{kind}，请核对标识或风险记录。",
                    risk=_RISK_TERMS[kind],
                    risk_type=_risk_label(pending[0].risk_type),
                    kind=_KIND_TERMS[kind],
                ),
                hid,
            )
    return found


# --- the county quota ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaCheck:
    """The county's marginal and monitored people against its quota (Q6 三).

    ``limit`` is the most people allowed (the share of the base, rounded down to whole people);
    ``within`` is None when the base has not been entered.
    """

    base_population: int | None
    base_year: int
    share: Decimal
    limit: int | None
    marginal_people: int
    monitored_people: int
    problems: tuple[Problem, ...]

    @property
    def total(self) -> int:
        return self.marginal_people + self.monitored_people

    @property
    def within(self) -> bool | None:
        return None if self.limit is None else self.total <= self.limit

    @property
    def used_share(self) -> Decimal | None:
        """People flagged as a share of the base (None without a base)."""
        if not self.base_population:
            return None
        return Decimal(self.total) / Decimal(self.base_population)


def quota_limit(base_population: int, policy: PolicyYear) -> int:
    """The most marginal and monitored people a county with this base may have."""
    return int(
        (Decimal(base_population) * policy.monitoring_quota_share).to_integral_value(ROUND_FLOOR)
    )


def quota_check(
    *,
    base_population: int | None,
    marginal_people: int,
    monitored_people: int,
    policy: PolicyYear,
    county: str = "本县",
) -> QuotaCheck:
    """Check a county's two groups against ``monitoring_quota_share`` of its base population."""
    share = policy.monitoring_quota_share
    base_year = policy.monitoring_quota_base_year
    percent = f"{(share * 100).normalize()}%"
    where = term("本县") if county == "本县" else county
    problems: list[Problem] = []
    limit: int | None = None
    if not base_population or base_population < 0:
        problems.append(
            problem(
                Q6_NO_QUOTA_BASE,
                "division.poor_population_end_2013",
                ERROR,
                t(
                    "{county}没有录入{base_year}年底建档立卡贫困人口总规模，无法核对边缘户和脱贫监测户"
                    "的规模（不超过其{percent}，导引第6问），请录入。",
                    county=where,
                    base_year=base_year,
                    percent=percent,
                ),
            )
        )
    else:
        limit = quota_limit(base_population, policy)
        total = marginal_people + monitored_people
        if total > limit:
            problems.append(
                problem(
                    Q6_OVER_QUOTA,
                    "household.marginal",
                    ERROR,
                    t(
                        "{county}边缘户和脱贫监测户共{total}人（边缘户{marginal}人、脱贫监测户"
                        "{monitored}人），超过{base_year}年底建档立卡贫困人口{base_population}人的"
                        "{percent}（{limit}人）{over}人，请县乡综合平衡（导引第6问）。",
                        county=where,
                        total=total,
                        marginal=marginal_people,
                        monitored=monitored_people,
                        base_year=base_year,
                        base_population=base_population,
                        percent=percent,
                        limit=limit,
                        over=total - limit,
                    ),
                )
            )
    return QuotaCheck(
        base_population=base_population,
        base_year=base_year,
        share=share,
        limit=limit,
        marginal_people=marginal_people,
        monitored_people=monitored_people,
        problems=tuple(problems),
    )


def people_in(households: Iterable[tuple[bool, bool, int]]) -> tuple[int, int]:
    """(marginal people, monitored people) from (marginal, monitored, member count) triples."""
    marginal = monitored = 0
    for is_marginal, is_monitored, count in households:
        if is_marginal:
            marginal += count
        if is_monitored:
            monitored += count
    return marginal, monitored
