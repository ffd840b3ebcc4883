"""The 贫困人口增减 report (guide Q9) as a PDF, in the documents' shared table layout.

Three tables, each with one row per unit and the total: the status changes (新识别, 返贫,
脱贫), the natural increase by reason and the natural decrease by reason, households and
persons each. Counts come from ``desktop.store.population_change``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from desktop.cards.documents import DocumentResult, Table, build_document
from desktop.store.population_change import (
    DIRECTIONS,
    LEVEL_LABELS,
    STATUS_CHANGES,
    PopulationChange,
    UnitChange,
    title_of,
    window_line,
)

PAGE_WIDTH_MM = 267  # landscape A4 inside the margins
NAME_MM = 36


def _table(report: PopulationChange, title: str, keys: list[tuple[str, str]]) -> Table:
    headers = [LEVEL_LABELS[report.level]]
    for _key, label in keys:
        headers += [f"{label}户数", f"{label}人数"]
    cell = (PAGE_WIDTH_MM - NAME_MM) / (2 * len(keys))

    def row(unit: UnitChange) -> list[str]:
        cells = [unit.name]
        for key, _label in keys:
            cells += [str(unit.households(key)), str(unit.persons(key))]
        return cells

    return Table(
        title=title,
        headers=headers,
        widths_mm=[NAME_MM] + [cell] * (2 * len(keys)),
        rows=[row(u) for u in [*report.rows, report.total]],
        centered=tuple(range(1, 1 + 2 * len(keys))),
    )


def build_population_change(
    report: PopulationChange, out: Path | str | BinaryIO, **options: Any
) -> DocumentResult:
    """Write the report as a landscape PDF."""
    tables = [_table(report, "一、新识别、返贫、脱贫", list(STATUS_CHANGES))]
    for number, (direction, label) in zip(("二", "三"), DIRECTIONS, strict=True):
        keys = [(direction, "合计")] + [
            (f"{direction}:{r.code}", r.label) for r in report.reasons if r.direction == direction
        ]
        tables.append(_table(report, f"{number}、{label}(按原因)", keys))
    return build_document(
        out,
        title=title_of(report),
        lines=[window_line(report)],
        tables=tables,
        landscape=True,
        **options,
    )
