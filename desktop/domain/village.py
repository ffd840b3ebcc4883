"""A village's own information (guide Q3, Q18): poor or not, exit year, task force, committee.

Pure rules over plain values: the store reads and writes the village row, the UI and the CLI
collect the values. Poor and non-poor villages are both kept up to date (Q18).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop.domain.policy import PolicyYear
from desktop.domain.problems import Problem, Severity, problem, t

TASK_FORCE_MAX = 120  # the column's width

# The fields a person may edit on a village, in the order forms show them.
VILLAGE_FIELDS = (
    "is_poor_village",
    "village_exited_year",
    "task_force",
    "committee_latitude",
    "committee_longitude",
    "committee_location_source",
    "committee_location_time",
)

LABELS = {
    "is_poor_village": "贫困村",
    "village_exited_year": "出列年度",
    "task_force": "驻村工作队(驻村单位)",
    "committee_latitude": "村委会纬度",
    "committee_longitude": "村委会经度",
    "committee_location_source": "村委会位置来源",
    "committee_location_time": "村委会位置采集时间",
}


@dataclass(frozen=True, slots=True)
class VillageInfo:
    """An administrative village's own information as plain values."""

    id: str | None
    code: str
    name: str
    is_poor_village: bool | None = None
    village_exited_year: int | None = None
    task_force: str | None = None
    committee_latitude: float | None = None
    committee_longitude: float | None = None
    committee_location_source: str | None = None
    committee_location_time: datetime | None = None

    def values(self) -> dict[str, Any]:
        """The editable fields by name."""
        return {name: getattr(self, name) for name in VILLAGE_FIELDS}


def clean_task_force(text: str | None) -> str | None:
    """A typed task-force name with its spaces trimmed; empty is None."""
    if text is None:
        return None
    cleaned = " ".join(text.split())
    return cleaned or None


def village_info_problems(info: Any, *, policy: PolicyYear) -> list[Problem]:
    """What is wrong with a village's own information under ``policy`` (errors block the save).

    Exit (出列) is for poor villages only, in a year after the registry's base year and not after
    the policy year; a poor village not yet out still has its task force (驻村工作队).
    """
    vid = getattr(info, "id", None)
    name = getattr(info, "name", "") or ""
    poor = info.is_poor_village
    year = info.village_exited_year
    task_force = info.task_force
    problems: list[Problem] = []
    if year is not None and poor is not True:
        problems.append(
            problem(
                "VILLAGE_EXIT_NOT_POOR",
                "division.village_exited_year",
                Severity.ERROR,
                t("{name}不是贫困村, 没有出列年度: 请先标为贫困村, 或清除出列年度", name=name),
                vid,
            )
        )
    if year is not None and not policy.monitoring_quota_base_year < year <= policy.year:
        problems.append(
            problem(
                "VILLAGE_EXIT_YEAR_RANGE",
                "division.village_exited_year",
                Severity.ERROR,
                t(
                    "{name}的出列年度 {year} 应在 {first}—{last} 年之间",
                    name=name,
                    year=year,
                    first=policy.monitoring_quota_base_year + 1,
                    last=policy.year,
                ),
                vid,
            )
        )
    if task_force is not None and len(task_force) > TASK_FORCE_MAX:
        problems.append(
            problem(
                "VILLAGE_TASK_FORCE_TOO_LONG",
                "division.task_force",
                Severity.ERROR,
                t(
                    "驻村工作队(单位)名称最多 {most} 个字, 现在 {length} 个字",
                    most=TASK_FORCE_MAX,
                    length=len(task_force),
                ),
                vid,
            )
        )
    if poor is True and year is None and not task_force:
        problems.append(
            problem(
                "VILLAGE_POOR_NO_TASK_FORCE",
                "division.task_force",
                Severity.WARNING,
                t("{name}是未出列的贫困村, 还没有填写驻村工作队(单位)", name=name),
                vid,
            )
        )
    if poor is None:
        problems.append(
            problem(
                "VILLAGE_POOR_UNKNOWN",
                "division.is_poor_village",
                Severity.WARNING,
                t("{name}还没有注明是贫困村还是非贫困村", name=name),
                vid,
            )
        )
    return problems
