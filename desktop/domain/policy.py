"""Policy years: every number and date of the yearly rules, loaded from ``resources/policy/<year>.toml``.

No policy figure lives in code. A year's file names its work calendar (Q2, Q9), income period
and snapshot date (Q8), income lines and quota (Q6), notice length (Q16), the medical-assistance
rule change (Q20) and the audit thresholds; ``PolicyYear`` gives them typed.

Moments are naive local (Beijing) times; an aware datetime is converted to Beijing time first.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
import typing
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from desktop.domain.resources import resource_path

POLICY_DIR = "policy"
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


class PolicyError(LookupError):
    """A policy year is missing or its file is incomplete or inconsistent."""


@dataclass(frozen=True, slots=True)
class PolicyYear:
    """The rules' figures for one year of dynamic management (see the TOML file for sources)."""

    year: int
    # work calendar
    work_start: date
    work_end: date
    crosscheck_list_due: date
    procedures_due: date
    snapshot_date: date
    entry_deadline: datetime  # exclusive: the first moment entry is closed
    basic_info_only_after: date  # inclusive: the last day status operations may be open
    # income
    income_period_start: date
    income_period_end: date
    exit_line_per_capita: Decimal
    marginal_income_line: Decimal
    monitored_income_line: Decimal
    monitoring_quota_share: Decimal
    monitoring_quota_base_year: int
    income_plausible_max: Decimal
    medical_assistance_rule_change: date
    departments_verification_due: date  # Q14: line departments' verification done by this day
    assistance_first_year: int
    # procedures
    notice_min_days: int
    # ages for audits
    compulsory_school_age_min: int
    compulsory_school_age_max: int
    labour_age_min: int
    labour_age_max: int
    school_age_max: int

    def in_income_period(self, d: date) -> bool:
        """Whether the day falls in the income period (both ends inclusive, Q8)."""
        day = _day(d)
        return self.income_period_start <= day <= self.income_period_end

    def in_work_window(self, d: date) -> bool:
        """Whether the day (or moment) falls between work start and work end inclusive (Q2)."""
        day = _day(d)
        return self.work_start <= day <= self.work_end

    def after_entry_deadline(self, moment: datetime) -> bool:
        """Whether data entry is closed at this moment: at or after the deadline (Q9)."""
        return local_moment(moment) >= self.entry_deadline

    def basic_info_only(self, moment: datetime) -> bool:
        """Whether only basic information may be edited: any day after ``basic_info_only_after`` (Q9)."""
        return local_moment(moment).date() > self.basic_info_only_after


def local_moment(moment: datetime) -> datetime:
    """A naive Beijing-time datetime; aware datetimes are converted."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(BEIJING).replace(tzinfo=None)


def _day(d: date) -> date:
    return local_moment(d).date() if isinstance(d, datetime) else d


def _convert(name: str, kind: type, value: object, year: int) -> object:
    where = f"政策年度 {year} 的 {name}"
    if kind is datetime:
        if isinstance(value, datetime):
            return local_moment(value)
    elif kind is date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
    elif kind is Decimal:
        if isinstance(value, Decimal) or (isinstance(value, int) and not isinstance(value, bool)):
            return Decimal(value)
    elif kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    raise PolicyError(f"{where} 应为 {kind.__name__},实际为 {value!r}")


def _check(p: PolicyYear) -> None:
    problems = []
    if p.income_period_start > p.income_period_end:
        problems.append("收入计算周期起止颠倒")
    if p.work_start > p.work_end:
        problems.append("工作起止日期颠倒")
    if not p.in_work_window(p.entry_deadline - timedelta(microseconds=1)):
        problems.append("录入截止时间不在工作期间内")
    if p.basic_info_only_after > p.work_end:
        problems.append("只能修改基础信息的日期晚于工作结束日期")
    if p.notice_min_days < 1:
        problems.append("公示天数必须为正")
    if problems:
        raise PolicyError(f"政策年度 {p.year} 配置有误:" + ";".join(problems))


def _load(year: int) -> PolicyYear:
    path = resource_path(POLICY_DIR, f"{year}.toml")
    if not path.is_file():
        known = "、".join(str(y) for y in available_years()) or "无"
        raise PolicyError(f"没有 {year} 年度的政策配置({path});已有年度:{known}")
    with path.open("rb") as fp:
        try:
            raw = tomllib.load(fp, parse_float=Decimal)
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError(f"政策年度文件 {path.name} 格式错误:{exc}") from exc
    hints = typing.get_type_hints(PolicyYear)
    names = [f.name for f in dataclasses.fields(PolicyYear)]
    missing = [n for n in names if n not in raw]
    unknown = sorted(set(raw) - set(names))
    if missing or unknown:
        detail = []
        if missing:
            detail.append("缺少 " + "、".join(missing))
        if unknown:
            detail.append("多余 " + "、".join(unknown))
        raise PolicyError(f"政策年度文件 {path.name}:" + ";".join(detail))
    values = {n: _convert(n, hints[n], raw[n], year) for n in names}
    policy = PolicyYear(**values)  # type: ignore[arg-type]
    if policy.year != year:
        raise PolicyError(f"政策年度文件 {path.name} 中的年度是 {policy.year}")
    _check(policy)
    return policy


@functools.cache
def policy_year(year: int) -> PolicyYear:
    """The policy of ``year`` (cached). Raises ``PolicyError`` when the file is missing or wrong."""
    return _load(year)


def available_years() -> list[int]:
    """Years that have a policy file, ascending."""
    folder = resource_path(POLICY_DIR)
    return sorted(int(p.stem) for p in folder.glob("*.toml") if p.stem.isdigit())


def policy_for(day: date) -> PolicyYear:
    """The year whose work window contains ``day``, else the latest year whose work ended before it."""
    d = _day(day)
    policies = [policy_year(y) for y in available_years()]
    for p in policies:
        if p.in_work_window(d):
            return p
    earlier = [p for p in policies if p.work_end < d]
    if not earlier:
        raise PolicyError(f"{d.isoformat()} 之前没有任何年度的政策配置")
    return max(earlier, key=lambda p: p.work_end)
