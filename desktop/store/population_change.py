"""贫困人口增减: the poverty population's increase and decrease for the 11-10 filing (guide Q9).

For the policy year, by village, township or county, households and persons of:

- 新识别 (identified this year), 返贫 (returned this year), 脱贫 (exited this year): registered
  households whose ``identified_year`` / ``returned_year`` / ``exited_year`` is the policy year,
  persons being the household's current size;
- 自然增加 and 自然减少 by reason (``natural_change_reason`` code table): the natural changes
  (``NaturalChange`` rows) of registered households dated in the year up to the snapshot date
  (after the previous year's snapshot date, up to and including this one, Q8).

``population_change`` counts; ``write_population_change_xlsx`` writes the workbook (the PDF is
``desktop.cards.population_change_pdf``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from desktop.domain.codes import code_table
from desktop.domain.policy import PolicyYear
from desktop.store.models import Division, Household, NaturalChange

LEVELS = ("village", "township", "county")
LEVEL_LABELS = {"village": "行政村", "township": "乡镇", "county": "县"}
REGISTERED = ("poor", "exited", "exited_stable")
STATUS_CHANGES = (("identify", "新识别"), ("return", "返贫"), ("exit", "脱贫"))
DIRECTIONS = (("in", "自然增加"), ("out", "自然减少"))


@dataclass(frozen=True)
class Reason:
    """A natural-change reason: its code, label and direction (in/out)."""

    code: str
    label: str
    direction: str


def reasons() -> list[Reason]:
    """The natural-change reasons of the code table, in its order."""
    table = code_table("natural_change_reason")
    found = []
    for code in table.codes():
        entry = table.entry(code) or {}
        found.append(Reason(code, table.label(code), str(entry.get("direction"))))
    return found


@dataclass
class Tally:
    """Households and persons of one kind of change in one unit."""

    households: set[str] = field(default_factory=set)
    persons: int = 0

    def add(self, household_id: str, persons: int) -> None:
        self.households.add(household_id)
        self.persons += persons

    def merge(self, other: Tally) -> None:
        self.households |= other.households
        self.persons += other.persons


@dataclass
class UnitChange:
    """The counts of one village, township or county (or the total)."""

    code: str
    name: str
    parent: str = ""  # the township of a village, the county of a township
    tallies: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))

    def households(self, key: str) -> int:
        return len(self.tallies[key].households) if key in self.tallies else 0

    def persons(self, key: str) -> int:
        return self.tallies[key].persons if key in self.tallies else 0


@dataclass
class PopulationChange:
    """The report: one row per unit at ``level``, and the total over them."""

    year: int
    level: str
    window_start: date  # exclusive
    window_end: date  # inclusive
    reasons: list[Reason]
    rows: list[UnitChange]
    total: UnitChange
    filing_due: date | None = None  # the day the counts are reported by (Q9: 11月10日)

    def keys(self) -> list[tuple[str, str]]:
        """(tally key, heading) in report order: status changes, then natural changes by reason
        with a total per direction first."""
        found = [(key, label) for key, label in STATUS_CHANGES]
        for direction, label in DIRECTIONS:
            found.append((direction, f"{label}合计"))
            found += [
                (f"{direction}:{r.code}", r.label) for r in self.reasons if r.direction == direction
            ]
        return found


def natural_window(policy: PolicyYear) -> tuple[date, date]:
    """(exclusive start, inclusive end) of the natural changes counted: the year up to the
    snapshot date."""
    end = policy.snapshot_date
    return end.replace(year=end.year - 1), end


def population_change(
    session: Session, *, policy: PolicyYear, level: str = "village"
) -> PopulationChange:
    """Count the year's increases and decreases of the poverty population by ``level``."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    start, end = natural_window(policy)
    year = policy.year
    known = reasons()
    direction_of = {r.code: r.direction for r in known}

    township, county = aliased(Division), aliased(Division)
    villages: dict[str, tuple[Division, Division | None, Division | None]] = {}
    for village, town, seat in session.execute(
        select(Division, township, county)
        .outerjoin(township, Division.parent_id == township.id)
        .outerjoin(county, township.parent_id == county.id)
        .where(Division.level == "village", Division.deleted.is_(False))
        .order_by(Division.code)
    ):
        villages[village.id] = (village, town, seat)

    units: dict[str, UnitChange] = {}
    unit_of_village: dict[str, str] = {}
    for village_id, (village, town, seat) in villages.items():
        unit = {"village": village, "township": town, "county": seat}[level]
        if unit is None:
            continue
        parent = {"village": town, "township": seat, "county": None}[level]
        if unit.id not in units:
            units[unit.id] = UnitChange(unit.code, unit.name, parent.name if parent else "")
        unit_of_village[village_id] = unit.id

    registered = and_(Household.deleted.is_(False), Household.status.in_(REGISTERED))
    for hid, village_id, size, identified, returned, exited, status in session.execute(
        select(
            Household.id,
            Household.village_id,
            Household.member_count,
            Household.identified_year,
            Household.returned_year,
            Household.exited_year,
            Household.status,
        ).where(
            registered,
            or_(
                Household.identified_year == year,
                Household.returned_year == year,
                Household.exited_year == year,
            ),
        )
    ):
        unit = units.get(unit_of_village.get(village_id, ""))
        if unit is None:
            continue
        if identified == year:
            unit.tallies["identify"].add(hid, size or 0)
        if returned == year:
            unit.tallies["return"].add(hid, size or 0)
        if exited == year and status in ("exited", "exited_stable"):
            unit.tallies["exit"].add(hid, size or 0)

    for hid, village_id, direction, reason in session.execute(
        select(
            NaturalChange.household_id,
            Household.village_id,
            NaturalChange.direction,
            NaturalChange.reason,
        )
        .join(Household, NaturalChange.household_id == Household.id)
        .where(
            registered,
            NaturalChange.deleted.is_(False),
            NaturalChange.change_date > start,
            NaturalChange.change_date <= end,
        )
    ):
        unit = units.get(unit_of_village.get(village_id, ""))
        if unit is None:
            continue
        way = direction_of.get(reason, direction)
        unit.tallies[way].add(hid, 1)
        unit.tallies[f"{way}:{reason}"].add(hid, 1)

    rows = sorted(units.values(), key=lambda u: u.code)
    total = UnitChange("", "合计")
    for row in rows:
        for key, tally in row.tallies.items():
            total.tallies[key].merge(tally)
    return PopulationChange(year, level, start, end, known, rows, total, policy.procedures_due)


# --- the workbook -----------------------------------------------------------------------------------


def title_of(report: PopulationChange) -> str:
    return f"{report.year}年度贫困人口增减情况表(按{LEVEL_LABELS[report.level]})"


def window_line(report: PopulationChange) -> str:
    due = f"; 报备截止 {report.filing_due.isoformat()}" if report.filing_due else ""
    return (
        f"新识别、返贫、脱贫: {report.year}年度; 自然增减: "
        f"{report.window_start.isoformat()}(不含)至{report.window_end.isoformat()}{due}"
    )


def write_population_change_xlsx(report: PopulationChange, path: str | Path) -> Path:
    """The report as a workbook: title, the counting window, two heading rows (the change, then
    户数/人数), one row per unit and the total."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from desktop.store.exchange.writing import save_workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = "贫困人口增减"
    workbook.properties.title = title_of(report)
    workbook.properties.creator = "Fieldbook"
    keys = report.keys()
    lead = ["代码", LEVEL_LABELS[report.level]]
    if report.level != "county":
        lead.append(LEVEL_LABELS[LEVELS[LEVELS.index(report.level) + 1]])
    width = len(lead) + 2 * len(keys)
    ws.append([title_of(report)])
    ws.append([window_line(report)])
    groups = list(lead)
    for _key, label in keys:
        groups += [label, None]
    ws.append(groups)
    ws.append([None] * len(lead) + ["户数", "人数"] * len(keys))
    for column in range(1, len(lead) + 1):
        ws.merge_cells(start_row=3, end_row=4, start_column=column, end_column=column)
    for index in range(len(keys)):
        column = len(lead) + 1 + 2 * index
        ws.merge_cells(start_row=3, end_row=3, start_column=column, end_column=column + 1)
    ws.merge_cells(start_row=1, end_row=1, start_column=1, end_column=width)
    ws.merge_cells(start_row=2, end_row=2, start_column=1, end_column=width)
    for unit in [*report.rows, report.total]:
        cells: list[object] = [unit.code or None, unit.name]
        if report.level != "county":
            cells.append(unit.parent or None)
        for key, _label in keys:
            cells += [unit.households(key), unit.persons(key)]
        ws.append(cells)
    bold = Font(bold=True)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = centred
    for row in ws.iter_rows(min_row=3, max_row=4):
        for cell in row:
            cell.font = bold
            cell.alignment = centred
    for cell in ws[ws.max_row]:
        cell.font = bold
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 14
    for column in range(3, width + 1):
        ws.column_dimensions[get_column_letter(column)].width = 7
    ws.freeze_panes = ws.cell(row=5, column=len(lead) + 1)
    ws.page_setup.orientation = "landscape"
    return save_workbook(workbook, path)
