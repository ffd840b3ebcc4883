"""Reading spreadsheets: the sheet whose header row names a map's columns, row by row.

Any sheet whose header row (found in the first rows) names the map's required columns by one of
their aliases is read, so a department's own layout and a file saved again by LibreOffice or
Excel both read. Each cell is converted by its column's kind; what does not convert is listed
on its row, never dropped. The converters (``parse_bool``, ``parse_int``, ``parse_number``) are
the ones every import of the app uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from desktop.domain.idcard import normalize_id
from desktop.store.exchange.columns import ColumnMap, ColumnSpec, ExchangeError

HEADER_SCAN_ROWS = 12


YES = frozenset({"是", "1", "y", "yes", "true", "有", "√", "✓", "t"})


NO = frozenset({"否", "0", "n", "no", "false", "无", "×", "f", "-"})


ID_KEY_LENGTH = 18


def normalise_header(text: Any) -> str:
    """A header cell as compared with a column's aliases: no spaces, no *, ASCII brackets."""
    if text is None:
        return ""
    cleaned = str(text).strip().replace("（", "(").replace("）", ")").replace("*", "")
    return "".join(cleaned.split())


@dataclass
class SheetRow:
    """One data row: its number in the sheet (1-based), values by field, and what was wrong."""

    number: int
    values: dict[str, Any]
    problems: list[str] = field(default_factory=list)


@dataclass
class ParsedSheet:
    """The rows of the sheet a map found in a workbook."""

    path: Path
    sheet: str
    header_row: int
    rows: list[SheetRow]


def _aliases(spec: ColumnSpec) -> set[str]:
    return {normalise_header(a) for a in (spec.header, *spec.aliases)}


def parse_bool(value: Any) -> bool | None:
    """A yes/no cell: 是/否, 1/0, 有/无, Y/N, √, True/False; empty is None; else ValueError."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(value)


def parse_int(value: Any) -> int:
    """A cell as a whole number (``3``, ``3.0``, ``"3"``); raises ``ValueError`` otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text)


def parse_number(value: Any) -> Decimal:
    """A cell as an exact number (``1,200.50`` reads); raises ``ValueError`` otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(value) from exc


def _parse_text(spec: ColumnSpec, value: Any, problems: list[str]) -> str | None:
    if isinstance(value, float):
        if spec.field == "id_number":
            problems.append(
                f"{spec.header}被保存成了数字（{value:.0f}），末几位可能已丢失，请把该列设为文本后重新填写"
            )
            return None
        value = int(value) if value.is_integer() else value
    if isinstance(value, datetime | date):
        value = value.isoformat()
    text = str(value).strip()
    return text or None


def read_sheet(path: str | Path, colmap: ColumnMap) -> ParsedSheet:
    """Read the first sheet of ``path`` whose header row names every required column of ``colmap``.

    Raises ``ExchangeError`` with a Chinese message when the file cannot be opened or no sheet
    has the required columns. Values are parsed per column kind; a value that does not parse is
    recorded on its row (``SheetRow.problems``), never dropped silently.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    source = Path(path)
    if not source.is_file():
        raise ExchangeError(f"找不到文件：{source}")
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ExchangeError(f"无法读取 {source.name}：不是有效的 xlsx 文件（{exc}）") from exc
    try:
        required = [c for c in colmap.columns if c.required]
        best_missing: list[str] | None = None
        for ws in workbook.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            for index, header in enumerate(rows[:HEADER_SCAN_ROWS]):
                names = [normalise_header(h) for h in header]
                positions: dict[str, int] = {}
                for spec in colmap.columns:
                    wanted = _aliases(spec)
                    for column, name in enumerate(names):
                        if name in wanted:
                            positions[spec.field] = column
                            break
                missing = [c.header for c in required if c.field not in positions]
                if missing:
                    if best_missing is None or len(missing) < len(best_missing):
                        best_missing = missing
                    continue
                parsed = _parse_rows(rows, index + 1, positions, colmap)
                return ParsedSheet(source, ws.title, index + 1, parsed)
        shown = "、".join(best_missing or [c.header for c in required])
        raise ExchangeError(f"{source.name} 中没有找到所需的列：{shown}（请核对表头）")
    finally:
        workbook.close()


def _parse_rows(
    rows: list[tuple[Any, ...]], header_row: int, positions: dict[str, int], colmap: ColumnMap
) -> list[SheetRow]:
    specs = {c.field: c for c in colmap.columns}
    parsed: list[SheetRow] = []
    for offset, raw in enumerate(rows[header_row:], start=header_row + 1):
        cells = {f: (raw[i] if i < len(raw) else None) for f, i in positions.items()}
        if all(v is None or str(v).strip() == "" for v in cells.values()):
            continue
        if _looks_like_national_codes(cells):
            continue
        row = SheetRow(number=offset, values={})
        for name, value in cells.items():
            spec = specs[name]
            if value is None or (isinstance(value, str) and not value.strip()):
                row.values[name] = None
                continue
            try:
                if spec.kind == "bool":
                    row.values[name] = parse_bool(value)
                elif spec.kind == "int":
                    row.values[name] = parse_int(value)
                elif spec.kind == "number":
                    row.values[name] = parse_number(value)
                else:
                    row.values[name] = _parse_text(spec, value, row.problems)
            except (ValueError, TypeError):
                row.values[name] = None
                row.problems.append(f"{spec.header}“{value}”无法识别")
        for spec in colmap.columns:
            empty = spec.required and spec.kind != "bool" and row.values.get(spec.field) is None
            if empty and not any(p.startswith(spec.header) for p in row.problems):
                row.problems.append(f"{spec.header}为空")
        parsed.append(row)
    return parsed


def _looks_like_national_codes(cells: dict[str, Any]) -> bool:
    """The second header row of the app's own exports (AAC001, AAB004 …)."""
    texts = [str(v).strip() for v in cells.values() if v is not None and str(v).strip()]
    return bool(texts) and all(t[:3].isalpha() and t[:3].isupper() for t in texts)


def id_key(number: str | None) -> str | None:
    """The person an ID number names: its first 18 characters, normalised (None if too short)."""
    text = normalize_id(number or "")
    if len(text) < ID_KEY_LENGTH:
        return None
    return text[:ID_KEY_LENGTH].upper()
