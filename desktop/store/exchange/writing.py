"""Writing spreadsheets: workbooks, sheets with the national system's two header rows, saving.

An export writes two header rows — the Chinese headers, then the national codes — and the values
for data entry: coded fields as their Chinese labels, yes/no as 是/否, dates as ``YYYY-MM-DD``
text, ID and account numbers as text (a spreadsheet would otherwise round them), money as
numbers. Marginal and monitored households are internal (Q6): an internal workbook starts every
sheet with a 内部资料 line and says so in its properties too.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop.domain.codes import code_table
from desktop.store.exchange.columns import ColumnSpec

INTERNAL_MARK = "内部资料 不得公开（含边缘户和脱贫监测户，名单内部掌握，导引第6问）"


def _label(table: str | None, code: str) -> str:
    return code_table(table).label(code) if table else code


def cell_value(spec: ColumnSpec, value: Any) -> Any:
    """A field's value as the spreadsheet shows it (see the module docstring)."""
    if value is None or value == "" or value == []:
        return None
    kind = spec.kind
    if kind == "bool":
        return "是" if value else "否"
    if kind == "code":
        return _label(spec.table, str(value))
    if kind == "codes":
        return "、".join(_label(spec.table, str(v)) for v in value)
    if kind == "date":
        return value.isoformat() if isinstance(value, date | datetime) else str(value)
    if kind == "int":
        return int(value)
    if kind == "number":
        return value if isinstance(value, Decimal | int) else Decimal(str(value))
    return str(value)


def new_workbook(*, title: str, internal: bool = False) -> Any:
    """An empty write-only workbook with its properties set (internal ones say so)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    workbook.properties.creator = "Fieldbook"
    if internal:
        workbook.properties.subject = "内部资料"
        workbook.properties.keywords = "内部资料 不得公开"
        workbook.properties.category = "内部资料"
    return workbook


def add_sheet(
    workbook: Any,
    columns: Sequence[ColumnSpec],
    rows: Sequence[dict[str, Any]],
    *,
    sheet: str,
    internal: bool = False,
    title_line: str | None = None,
    national_row: bool = True,
    printable: bool = False,
) -> int:
    """Write one sheet: an optional marking line, the headers, the national codes, the rows.

    The sheet is streamed (a write-only workbook): rows are written as they come. A
    ``printable`` sheet is set up for paper: landscape, fitted to the page width, the heading
    rows repeated on every page. Returns the number of data rows written.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = workbook.create_sheet(sheet[:31])
    for index, spec in enumerate(columns, start=1):
        width = spec.width or max(8, min(40, 2 * len(spec.header) + 2))
        ws.column_dimensions[get_column_letter(index)].width = width
    lines = int(internal) + int(bool(title_line)) + 1 + int(national_row)
    # a write-only sheet writes its properties with the first row: set them all first
    ws.freeze_panes = f"A{lines + 1}"
    if printable:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_title_rows = f"1:{lines}"

    def styled(text: str, font: Any) -> Any:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = font
        return cell

    if internal:
        ws.append([styled(INTERNAL_MARK, Font(bold=True, color="C00000"))])
    if title_line:
        ws.append([styled(title_line, Font(bold=True))])
    bold = Font(bold=True)
    ws.append([styled(c.header, bold) for c in columns])
    if national_row:
        ws.append([c.national or "" for c in columns])
    wrapped = [c.wrap for c in columns]
    if not any(wrapped):
        for row in rows:
            ws.append([cell_value(c, row.get(c.field)) for c in columns])
        return len(rows)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for number, row in enumerate(rows, start=lines + 1):
        cells = []
        text_lines = 1
        for spec, wraps in zip(columns, wrapped, strict=True):
            value = cell_value(spec, row.get(spec.field))
            cell = WriteOnlyCell(ws, value=value)
            cell.alignment = wrap if wraps else top
            cells.append(cell)
            if wraps and value:
                text_lines = max(text_lines, _lines_needed(str(value), ws, len(cells)))
        if text_lines > 1:  # spreadsheets do not all grow a row for wrapped text on their own
            ws.row_dimensions[number].height = LINE_HEIGHT * text_lines
        ws.append(cells)
    return len(rows)


LINE_HEIGHT = 15  # points per line of the default 11-point font


def _lines_needed(text: str, ws: Any, column: int) -> int:
    """How many lines ``text`` takes in a column (a Chinese character is two widths wide)."""
    from openpyxl.utils import get_column_letter

    width = ws.column_dimensions[get_column_letter(column)].width or 8
    shown = sum(2 if ord(c) > 0x2E7F else 1 for c in text)
    return max(1, -(-shown // max(1, int(width) - 1)))


def save_workbook(workbook: Any, path: str | Path) -> Path:
    """Save next to ``path`` first, then move into place: a failed save leaves no half file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=target.parent)
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
