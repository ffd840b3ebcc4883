"""Marginal and monitored households in the store (guide Q6): the internal list, the marking,
and the county quota report.

Everything here is internal: the list and the report are for the roles that may see them, and
an export of either is marked 内部资料. The quota counts people (the households' current
members, ``member_count`` as the save keeps it) of both groups per county, against the county's
registered poor population at the end of the base year (``monitoring_quota_base_year``), a figure entered per county
(``Division.poor_population_end_2013``, ``set_quota_base``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from desktop.domain import monitoring
from desktop.domain.clock import Clock
from desktop.domain.codes import code_table
from desktop.domain.income import per_capita_net_income
from desktop.domain.operations import Operation, OperationRecord
from desktop.domain.policy import PolicyYear
from desktop.domain.problems import Problem, Severity
from desktop.store.exchange.columns import ColumnSpec
from desktop.store.exchange.registry_export import ExportSummary
from desktop.store.exchange.writing import add_sheet, new_workbook, save_workbook
from desktop.store.models import Division, Household, Risk
from desktop.store.save import SaveResult, save_household, save_village_rows
from desktop.store.settings import working_policy

QUOTA_BASE_REASON = "录入{year}年底建档立卡贫困人口总规模（导引第6问）"
"""Formatted with the policy year's ``monitoring_quota_base_year``."""
MARK_REASON = "认定边缘户或脱贫监测户（导引第6问）"


class MonitoringRefused(Exception):
    """A household was not marked: it does not belong in the group; the problems say why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.message = "；".join(p.message for p in problems)
        super().__init__(self.message)


# --- the county quota ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CountyQuota:
    """One county's quota check."""

    county_id: str
    county_code: str
    county_name: str
    households_marginal: int
    households_monitored: int
    check: monitoring.QuotaCheck


def quota_report(
    session: Session, *, policy: PolicyYear | None = None, county: str | None = None
) -> list[CountyQuota]:
    """Every county's marginal and monitored people against its quota (or one county's, by id
    or code). A county without its base figure is reported with ``Q6_NO_QUOTA_BASE``."""
    policy = policy or working_policy(session)
    village, township = aliased(Division), aliased(Division)
    counties_query = select(Division).where(Division.level == "county", Division.deleted.is_(False))
    if county is not None:
        counties_query = counties_query.where(or_(Division.id == county, Division.code == county))
    counties = list(session.scalars(counties_query.order_by(Division.code)))
    if county is not None and not counties:
        raise LookupError(f"找不到县 {county}")
    sums = {
        county_id: (marginal_n or 0, monitored_n or 0, marginal_h or 0, monitored_h or 0)
        for county_id, marginal_n, monitored_n, marginal_h, monitored_h in session.execute(
            select(
                township.parent_id,
                func.sum(func.coalesce(Household.member_count, 0)).filter(
                    Household.marginal.is_(True)
                ),
                func.sum(func.coalesce(Household.member_count, 0)).filter(
                    Household.monitored.is_(True)
                ),
                func.count().filter(Household.marginal.is_(True)),
                func.count().filter(Household.monitored.is_(True)),
            )
            .join(village, Household.village_id == village.id)
            .join(township, village.parent_id == township.id)
            .where(
                Household.deleted.is_(False),
                or_(Household.marginal.is_(True), Household.monitored.is_(True)),
            )
            .group_by(township.parent_id)
        )
    }
    report = []
    for c in counties:
        marginal_people, monitored_people, marginal_h, monitored_h = sums.get(c.id, (0, 0, 0, 0))
        report.append(
            CountyQuota(
                county_id=c.id,
                county_code=c.code,
                county_name=c.name,
                households_marginal=marginal_h,
                households_monitored=monitored_h,
                check=monitoring.quota_check(
                    base_population=c.poor_population_end_2013,
                    marginal_people=int(marginal_people),
                    monitored_people=int(monitored_people),
                    policy=policy,
                    county=c.name,
                ),
            )
        )
    return report


def set_quota_base(session: Session, county: str, people: int, *, actor: str) -> Division:
    """Enter a county's registered poor population at the end of the policy year's
    ``monitoring_quota_base_year`` (the quota's base)."""
    base_year = working_policy(session).monitoring_quota_base_year
    if people <= 0:
        raise ValueError(f"{base_year}年底建档立卡贫困人口总规模必须是正整数")
    division = session.scalars(
        select(Division).where(
            Division.level == "county", or_(Division.id == county, Division.code == county)
        )
    ).first()
    if division is None:
        raise LookupError(f"找不到县 {county}")
    with session.no_autoflush:
        division.poor_population_end_2013 = people
    reason = QUOTA_BASE_REASON.format(year=base_year)
    save_village_rows(session, None, [division], actor=actor, reason=reason)
    return division


def quota_columns(policy: PolicyYear) -> tuple[ColumnSpec, ...]:
    """The report's columns; the base column names the policy year's base year."""
    base = f"{policy.monitoring_quota_base_year}年底建档立卡贫困人口"
    return tuple(
        ColumnSpec("base", base, kind="int") if c.field == "base" else c for c in QUOTA_COLUMNS
    )


QUOTA_COLUMNS = (
    ColumnSpec("county_code", "县代码"),
    ColumnSpec("county_name", "县"),
    ColumnSpec("base", "基准年底建档立卡贫困人口", kind="int"),
    ColumnSpec("limit", "监测规模上限(人)", kind="int"),
    ColumnSpec("marginal_households", "边缘户(户)", kind="int"),
    ColumnSpec("marginal_people", "边缘户(人)", kind="int"),
    ColumnSpec("monitored_households", "脱贫监测户(户)", kind="int"),
    ColumnSpec("monitored_people", "脱贫监测户(人)", kind="int"),
    ColumnSpec("total", "合计(人)", kind="int"),
    ColumnSpec("share", "占比(%)", kind="number"),
    ColumnSpec("verdict", "核对结果"),
)


def quota_rows(report: list[CountyQuota]) -> list[dict[str, object]]:
    """The report as plain rows (for the xlsx and ``--json``)."""
    rows: list[dict[str, object]] = []
    for line in report:
        c = line.check
        used = c.used_share
        if c.within is None:
            verdict = "未录入基准年底贫困人口"
        elif c.within:
            verdict = "未超过规模"
        else:
            verdict = f"超过规模{c.total - (c.limit or 0)}人"
        rows.append(
            {
                "county_code": line.county_code,
                "county_name": line.county_name,
                "base": c.base_population,
                "limit": c.limit,
                "marginal_households": line.households_marginal,
                "marginal_people": c.marginal_people,
                "monitored_households": line.households_monitored,
                "monitored_people": c.monitored_people,
                "total": c.total,
                "share": (used * 100).quantize(Decimal("0.01")) if used is not None else None,
                "verdict": verdict,
            }
        )
    return rows


def export_quota_report(
    report: list[CountyQuota], path: str | Path, *, policy: PolicyYear
) -> ExportSummary:
    """The quota report as xlsx, marked 内部资料 (Q6)."""
    percent = f"{(policy.monitoring_quota_share * 100).normalize()}%"
    workbook = new_workbook(title=f"{policy.year}年度边缘户和脱贫监测户规模核对", internal=True)
    sheet = "规模核对"
    count = add_sheet(
        workbook,
        quota_columns(policy),
        quota_rows(report),
        sheet=sheet,
        internal=True,
        title_line=f"{policy.year}年度边缘户和脱贫监测户规模核对（不超过"
        f"{policy.monitoring_quota_base_year}年底建档立卡贫困人口的{percent}，导引第6问）",
        national_row=False,
        printable=True,
    )
    return ExportSummary(save_workbook(workbook, path), {sheet: count}, True)


# --- the internal list and the marking ----------------------------------------------------------------


@dataclass(frozen=True)
class MonitoredHousehold:
    """A marginal or monitored household as the internal list shows it."""

    household_id: str
    household_number: str
    head_name: str | None
    village_code: str
    village_name: str
    kind: str
    member_count: int
    per_capita: Decimal | None
    below_line: bool | None
    risks: tuple[str, ...]
    decided_by: tuple[str, ...]
    problems: tuple[Problem, ...] = field(default_factory=tuple)


def monitoring_list(
    session: Session,
    *,
    policy: PolicyYear | None = None,
    village_ids: Collection[str] | None = None,
) -> list[MonitoredHousehold]:
    """Flagged households with their income test, risks and decisions (internal, Q6)."""
    policy = policy or working_policy(session)
    query = (
        select(Household)
        .where(
            Household.deleted.is_(False),
            or_(Household.marginal.is_(True), Household.monitored.is_(True)),
        )
        .options(
            selectinload(Household.members),
            selectinload(Household.incomes),
            selectinload(Household.risks),
            selectinload(Household.village),
        )
    )
    if village_ids is not None:
        query = query.where(Household.village_id.in_(list(village_ids)))
    risk_types, deciders = code_table("risk_type"), code_table("risk_decider")
    rows: list[MonitoredHousehold] = []
    for household in session.scalars(query):
        per_capita = _per_capita(household, policy)
        for kind in monitoring.household_kinds(household):
            risks = monitoring.live_risks(household, kind)
            rows.append(
                MonitoredHousehold(
                    household_id=household.id,
                    household_number=household.household_number,
                    head_name=household.head_name,
                    village_code=household.village.code,
                    village_name=household.village.name,
                    kind=kind,
                    member_count=household.member_count or 0,
                    per_capita=per_capita,
                    below_line=monitoring.passes_income_test(per_capita, kind, policy),
                    risks=tuple(risk_types.label(r.risk_type) for r in risks),
                    decided_by=tuple(deciders.label(r.decided_by) for r in risks if r.decided_by),
                    problems=tuple(
                        monitoring.monitoring_problems(
                            household, per_capita=per_capita, policy=policy
                        )
                    ),
                )
            )
    rows.sort(key=lambda r: (r.village_code, r.household_number, r.kind))
    return rows


def _per_capita(household: Household, policy: PolicyYear) -> Decimal | None:
    people = len(household.current_members)
    for income in household.incomes:
        if not income.deleted and income.policy_year == policy.year:
            return per_capita_net_income(income, people)
    return None


@dataclass(frozen=True)
class RiskEntry:
    """The decision to mark a household: its risk and who decided it when (Q6 二)."""

    risk_type: str
    decided_by: str
    decision_date: date
    identified_date: date | None = None
    note: str | None = None


def mark_household(
    session: Session,
    household_id: str,
    kind: str,
    entry: RiskEntry,
    *,
    actor: str,
    policy: PolicyYear | None = None,
    clock: Clock | None = None,
) -> SaveResult:
    """Mark a household marginal or monitored with its risk and decision, through its save.

    The save checks the mark (``mark_marginal`` / ``mark_monitored``) against the calendar at
    ``clock``'s now (default: the database's clock) and records it as an operation.

    Refused (``MonitoringRefused``) when the status does not fit the group, the policy year's
    income is missing or not below the line, or the risk or decider is not a known code.
    """
    policy = policy or working_policy(session)
    if kind not in monitoring.KIND_LABELS:
        raise ValueError(f"unknown monitoring kind {kind!r}")
    household = session.scalars(
        select(Household)
        .where(Household.id == household_id)
        .options(
            selectinload(Household.members),
            selectinload(Household.incomes),
            selectinload(Household.risks),
        )
    ).one_or_none()
    if household is None:
        raise LookupError(f"找不到农户 {household_id}")
    label = monitoring.KIND_LABELS[kind]
    refused: list[Problem] = []

    def refuse(code: str, field: str, message: str) -> None:
        refused.append(Problem(code, field, Severity.ERROR, message, household.id))

    if household.status not in monitoring.KIND_STATUSES[kind]:
        source = "非建档立卡的一般农户" if kind == monitoring.MARGINAL else "历年已脱贫户"
        refuse(
            monitoring.Q6_FLAG_STATUS, "household.status", f"{label}只从{source}中认定（导引第6问）"
        )
    per_capita = _per_capita(household, policy)
    passes = monitoring.passes_income_test(per_capita, kind, policy)
    line = monitoring.income_line(kind, policy)
    if passes is None:
        refuse(
            monitoring.Q6_NO_INCOME,
            "income.wage_income",
            f"本户没有{policy.year}年度收入，无法核对人均纯收入是否低于{line}元，请先录入收入",
        )
    elif not passes:
        refuse(
            monitoring.Q6_INCOME_NOT_BELOW_LINE,
            "income.wage_income",
            f"本户{policy.year}年度人均纯收入{per_capita}元，不低于{line}元，不能认定为{label}（导引第6问）",
        )
    if entry.risk_type not in code_table("risk_type"):
        refuse(monitoring.Q6_NO_RISK, "risk.risk_type", f"风险类型“{entry.risk_type}”不在代码表中")
    if entry.decided_by not in code_table("risk_decider"):
        refuse(
            monitoring.Q6_NO_DECISION,
            "risk.decided_by",
            f"认定主体“{entry.decided_by}”不在代码表中",
        )
    if refused:
        raise MonitoringRefused(refused)
    with session.no_autoflush:
        setattr(household, kind, True)
        household.risks.append(
            Risk(
                kind=kind,
                risk_type=entry.risk_type,
                identified_date=entry.identified_date or entry.decision_date,
                decided_by=entry.decided_by,
                decision_date=entry.decision_date,
                eliminated=False,
                note=entry.note,
            )
        )
    op = Operation.mark_marginal if kind == monitoring.MARGINAL else Operation.mark_monitored
    return save_household(
        session,
        household,
        actor=actor,
        reason=MARK_REASON,
        operations=[OperationRecord(op)],
        clock=clock,
    )
