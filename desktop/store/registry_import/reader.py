"""Reading the national system's export: xlsx, legacy xls, or one CSV per sheet.

Every reader gives the same thing: per sheet of the file, its title and its rows as tuples of
cell values with their 1-based row numbers. Which sheet is which, and which column is which
field, is decided later (``desktop.store.registry_import.parse``) from the sheet's title and
header row, so a file saved again by Excel, WPS or LibreOffice, or cut into CSVs, reads alike.

A file that cannot be read (not a spreadsheet, cut short in a copy, a CSV in an unknown encoding)
raises ``RegistryFileError`` with a Chinese message naming the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
"""CSV encodings tried in turn: UTF-8 (with or without a BOM), then GB18030 (which covers GBK
and GB2312, the encodings Excel on a Chinese Windows writes)."""


class RegistryFileError(Exception):
    """A file could not be read; the message is for the person (Chinese, names the file)."""


@dataclass
class RawSheet:
    """One sheet of a file as read: its title and its non-empty rows (number, cell values)."""

    path: Path
    title: str
    rows: list[tuple[int, tuple[Any, ...]]]

    @property
    def where(self) -> str:
        """The file (and the sheet, for a workbook) as a person names it."""
        if self.path.suffix.lower() == ".csv":
            return self.path.name
        return f"{self.path.name} 的工作表“{self.title}”"


def _keep(values: tuple[Any, ...]) -> bool:
    return any(v is not None and str(v).strip() != "" for v in values)


def read_xlsx(path: Path) -> list[RawSheet]:
    """Every sheet of an xlsx workbook (values, not formulas).

    Through python-calamine (Rust) where it is installed: it reads a county's export about 14×
    faster than openpyxl's read-only mode (1.6 s against 22 s for 5,000 households here);
    openpyxl otherwise.
    """
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return _read_xlsx_openpyxl(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = []
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            kept = []
            for number, values in enumerate(rows, start=1):
                cells = tuple(None if v == "" else v for v in values)
                if _keep(cells):
                    kept.append((number, cells))
            sheets.append(RawSheet(path, name, kept))
        return sheets
    except Exception as exc:  # noqa: BLE001 - calamine raises its own errors for broken files
        raise RegistryFileError(
            f"无法读取 {path.name}：文件不是完整的 xlsx 工作簿（可能已损坏或没有复制完整）"
        ) from exc


def _read_xlsx_openpyxl(path: Path) -> list[RawSheet]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError, EOFError) as exc:
        raise RegistryFileError(
            f"无法读取 {path.name}：文件不是完整的 xlsx 工作簿（可能已损坏或没有复制完整）"
        ) from exc
    try:
        sheets = []
        for ws in workbook.worksheets:
            rows = [
                (number, tuple(values))
                for number, values in enumerate(ws.iter_rows(values_only=True), start=1)
                if _keep(values)
            ]
            sheets.append(RawSheet(path, ws.title, rows))
        return sheets
    except (BadZipFile, OSError, KeyError, ValueError, EOFError) as exc:
        raise RegistryFileError(
            f"无法读取 {path.name}：工作簿内容不完整（可能已损坏或没有复制完整）"
        ) from exc
    finally:
        workbook.close()


def read_xls(path: Path) -> list[RawSheet]:
    """Every sheet of a legacy Excel 97–2003 workbook (through xlrd)."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except (xlrd.XLRDError, OSError, ValueError, EOFError, AssertionError, IndexError) as exc:
        raise RegistryFileError(
            f"无法读取 {path.name}：文件不是完整的 xls 工作簿（可能已损坏或没有复制完整）"
        ) from exc
    try:
        sheets = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = []
            for r in range(sheet.nrows):
                values = []
                for cell in sheet.row(r):
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        values.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        values.append(None)
                    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        values.append(bool(cell.value))
                    elif cell.ctype == xlrd.XL_CELL_ERROR:
                        values.append(None)
                    else:
                        values.append(cell.value)
                if _keep(tuple(values)):
                    rows.append((r + 1, tuple(values)))
            sheets.append(RawSheet(path, sheet.name, rows))
        return sheets
    except (xlrd.XLRDError, ValueError, EOFError, AssertionError, IndexError) as exc:
        raise RegistryFileError(
            f"无法读取 {path.name}：工作簿内容不完整（可能已损坏或没有复制完整）"
        ) from exc
    finally:
        book.release_resources()


def read_csv(path: Path) -> list[RawSheet]:
    """A CSV as one sheet titled after the file's name (UTF-8 with or without BOM, or GB18030)."""
    data = path.read_bytes()
    text: str | None = None
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise RegistryFileError(
            f"无法读取 {path.name}：文字编码无法识别（请另存为 UTF-8 或 GB18030 编码的 CSV）"
        )
    if "\x00" in text:
        raise RegistryFileError(f"无法读取 {path.name}：这不是文本格式的 CSV 文件")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    rows = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            cells = tuple(v if v.strip() != "" else None for v in values)
            if _keep(cells):
                rows.append((number, cells))
    except csv.Error as exc:
        raise RegistryFileError(f"无法读取 {path.name}：CSV 格式错误（{exc}）") from exc
    return [RawSheet(path, path.stem, rows)]


def read_file(path: str | Path) -> list[RawSheet]:
    """The sheets of one file, by its content (xlsx, xls) or its ``.csv`` name."""
    source = Path(path)
    if not source.is_file():
        raise RegistryFileError(f"找不到文件：{source}")
    with source.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK"):
        return read_xlsx(source)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # the OLE2 container of Excel 97–2003
        return read_xls(source)
    if source.suffix.lower() in (".csv", ".txt"):
        return read_csv(source)
    if source.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise RegistryFileError(
            f"无法读取 {source.name}：文件不是完整的 Excel 工作簿（可能已损坏或没有复制完整）"
        )
    raise RegistryFileError(f"无法读取 {source.name}：只支持 xlsx、xls 工作簿或 CSV 文件")
