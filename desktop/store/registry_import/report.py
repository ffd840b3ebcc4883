"""The import report: one xlsx row per listed fault (sheet, row, column, value, reason)."""

from __future__ import annotations

from pathlib import Path

from desktop.store.exchange.columns import ColumnSpec
from desktop.store.exchange.writing import add_sheet, new_workbook, save_workbook
from desktop.store.registry_import.parse import KIND_LABELS, ImportPlan

REPORT_COLUMNS = (
    ColumnSpec("kind", "类别", width=18),
    ColumnSpec("file", "文件", width=24),
    ColumnSpec("sheet", "工作表", width=14),
    ColumnSpec("row", "行号", kind="int", width=8),
    ColumnSpec("column", "列", width=16),
    ColumnSpec("value", "值", width=22),
    ColumnSpec("household_number", "户编号", width=19),
    ColumnSpec("reason", "原因", width=60),
)


def write_report(plan: ImportPlan, path: str | Path) -> Path:
    """Write the rejected rows, then the rule problems, to ``path`` (ID numbers masked)."""
    rows = []
    for issue in [*plan.rejected, *plan.problems]:
        row = issue.as_dict()
        row["kind"] = KIND_LABELS[issue.kind]
        row["value"] = None if row["value"] is None else str(row["value"])
        rows.append(row)
    workbook = new_workbook(title="建档立卡数据导入报告")
    add_sheet(workbook, REPORT_COLUMNS, rows, sheet="导入问题", national_row=False)
    return save_workbook(workbook, path)
