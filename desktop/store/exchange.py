"""Spreadsheets in and out: exports with the national system's columns, the departments'
assistance measures in (guide Q14), and the helpers the cross-check and problem lists share.

Column maps live in ``resources/exchange/<name>.json``: for each column its field, Chinese header,
national field code (AAC…, AAB…; ``null`` where the national form has none), kind and code table.
An export writes two header rows — the Chinese headers, then the national codes — and the values
for data entry: coded fields as their Chinese labels, yes/no as 是/否, dates as ``YYYY-MM-DD``
text, ID and account numbers as text (a spreadsheet would otherwise round them), money as numbers.

Marginal and monitored households are internal (Q6): their columns are only written when the
caller asks for an internal export, and then every sheet starts with a 内部资料 line and the
workbook's properties say so too.

Imports read any sheet whose header row (found in the first rows) names the map's required
columns by one of their aliases, so a department's own layout and a file saved again by
LibreOffice or Excel both read. Every import has a preview that writes nothing, and a commit that
writes everything in one transaction (``import_transaction``) or nothing at all.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zipfile import BadZipFile

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, selectinload

from desktop.domain.codes import code_table
from desktop.domain.idcard import normalize_id
from desktop.domain.income import income_totals
from desktop.domain.policy import PolicyYear
from desktop.domain.resources import resource_path
from desktop.store.as_of import Rewind, rewind_to
from desktop.store.db import Database
from desktop.store.models import (
    AssistanceMeasure,
    Division,
    Household,
    Income,
    Member,
)
from desktop.store.settings import working_policy

EXCHANGE_DIR = "exchange"
INTERNAL_MARK = "内部资料 不得公开（含边缘户和脱贫监测户，名单内部掌握，导引第6问）"
HEADER_SCAN_ROWS = 12
YES = frozenset({"是", "1", "y", "yes", "true", "有", "√", "✓", "t"})
NO = frozenset({"否", "0", "n", "no", "false", "无", "×", "f", "-"})
ID_KEY_LENGTH = 18


class ExchangeError(Exception):
    """A file could not be read or written as asked; the message is for the person."""


# --- column maps ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a map."""

    field: str
    header: str
    national: str | None = None
    kind: str = "text"  # text | int | number | date | bool | code | codes
    table: str | None = None
    internal: bool = False
    aliases: tuple[str, ...] = ()
    required: bool = False
    width: int | None = None  # characters; default from the header
    wrap: bool = False  # long text wraps inside the cell (lists meant to be printed)


@dataclass(frozen=True)
class ColumnMap:
    """A sheet's columns (``resources/exchange/<name>.json``)."""

    name: str
    sheet: str
    columns: tuple[ColumnSpec, ...]
    national_table: str | None = None
    source: str = ""

    def visible(self, *, internal: bool) -> tuple[ColumnSpec, ...]:
        """The columns an export writes (internal ones only in an internal export)."""
        return tuple(c for c in self.columns if internal or not c.internal)


@functools.cache
def column_map(name: str) -> ColumnMap:
    """The column map ``name`` (cached)."""
    path = resource_path(EXCHANGE_DIR, f"{name}.json")
    if not path.is_file():
        raise ExchangeError(f"找不到表格列定义 {name}（{path}）")
    data = json.loads(path.read_text(encoding="utf-8"))
    columns = tuple(
        ColumnSpec(
            field=c["field"],
            header=c["header"],
            national=c.get("national"),
            kind=c.get("kind", "text"),
            table=c.get("table"),
            internal=bool(c.get("internal", False)),
            aliases=tuple(c.get("aliases", ())),
            required=bool(c.get("required", False)),
            width=c.get("width"),
        )
        for c in data["columns"]
    )
    return ColumnMap(
        name=data["name"],
        sheet=data["sheet"],
        columns=columns,
        national_table=data.get("national_table"),
        source=data.get("source", ""),
    )


# --- writing --------------------------------------------------------------------------------------


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


# --- reading --------------------------------------------------------------------------------------


def _normalise_header(text: Any) -> str:
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
    return {_normalise_header(a) for a in (spec.header, *spec.aliases)}


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


def _parse_int(value: Any) -> int:
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


def _parse_number(value: Any) -> Decimal:
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
                names = [_normalise_header(h) for h in header]
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
                    row.values[name] = _parse_int(value)
                elif spec.kind == "number":
                    row.values[name] = _parse_number(value)
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


# --- one transaction for a whole import -------------------------------------------------------------


@contextmanager
def import_transaction(db: Database) -> Iterator[Session]:
    """A session whose saves all land in one database transaction, committed at the end.

    ``save_household`` commits after each household; here its commits stay inside one outer
    transaction (SQLAlchemy's "join an external transaction", ``rollback_only``), so an import of
    many households is committed as a whole when the block ends, or rolled back as a whole when
    anything in it raises.
    """
    connection = db.engine.connect()
    outer = connection.begin()
    session = db.sessions(bind=connection, join_transaction_mode="rollback_only")
    try:
        yield session
        session.flush()
        outer.commit()
    except BaseException:
        if outer.is_active:
            outer.rollback()
        raise
    finally:
        session.close()
        connection.close()


# --- the registry export -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: the file and the rows per sheet."""

    path: Path
    sheets: dict[str, int]
    internal: bool


def _household_rows(
    session: Session, village_ids: Collection[str] | None, rewind: Rewind | None = None
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    village, township, county, hamlet = (aliased(Division) for _ in range(4))
    columns = [c for c in Household.__table__.columns if c.key not in ("version", "updated_at")]
    query = (
        select(
            *columns,
            village.code.label("village_code"),
            village.name.label("village_name"),
            township.name.label("township_name"),
            county.name.label("county_name"),
            hamlet.name.label("hamlet_name"),
        )
        .join(village, Household.village_id == village.id)
        .outerjoin(township, village.parent_id == township.id)
        .outerjoin(county, township.parent_id == county.id)
        .outerjoin(hamlet, Household.hamlet_id == hamlet.id)
        .order_by(village.code, Household.household_number)
    )
    if rewind is None:
        query = query.where(Household.deleted.is_(False))
    if village_ids is not None:
        query = query.where(Household.village_id.in_(list(village_ids)))
    rows = [dict(r._mapping) for r in session.execute(query)]
    rows = _as_it_stood(rows, Household, rewind, deleted=True)
    return rows, {r["id"]: r for r in rows}


def _as_it_stood(
    rows: list[dict[str, Any]],
    model: type[Any],
    rewind: Rewind | None,
    *,
    deleted: bool = False,
    left: bool = False,
) -> list[dict[str, Any]]:
    """``rows`` as they stood at the rewind's cutoff (as they are without one), without the rows
    that did not exist yet and, when asked, without tombstones and people who had left."""
    if rewind is None:
        return rows
    kept = []
    for row in rows:
        then = rewind.row(model.__tablename__, row)
        if then is None or (deleted and then["deleted"]) or (left and then["left_date"]):
            continue
        kept.append(then)
    return kept


def _member_rows(
    session: Session, households: dict[str, dict[str, Any]], rewind: Rewind | None = None
) -> list[dict[str, Any]]:
    columns = [c for c in Member.__table__.columns if c.key not in ("version", "updated_at")]
    found: list[dict[str, Any]] = []
    ids = list(households)
    for start in range(0, len(ids), 900):
        query = select(*columns).where(Member.household_id.in_(ids[start : start + 900]))
        if rewind is None:
            query = query.where(Member.deleted.is_(False), Member.left_date.is_(None))
        rows = [dict(r._mapping) for r in session.execute(query)]
        for row in _as_it_stood(rows, Member, rewind, deleted=True, left=True):
            household = households[row["household_id"]]
            row["household_number"] = household["household_number"]
            row["position"] = (row["position"] or 0) + 1
            found.append(row)
    order = {hid: n for n, hid in enumerate(households)}
    found.sort(key=lambda r: (order[r["household_id"]], r["position"]))
    for row in found:
        household = households[row["household_id"]]
        if row["relation"] == "01" and "head_id_number" not in household:
            household["head_id_number"] = row["id_number"]
            household["head_name"] = household["head_name"] or row["name"]
    return found


def _income_rows(
    session: Session,
    households: dict[str, dict[str, Any]],
    policy: PolicyYear,
    rewind: Rewind | None = None,
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    ids = list(households)
    for start in range(0, len(ids), 900):
        query = select(*Income.__table__.columns).where(
            Income.household_id.in_(ids[start : start + 900]),
            Income.policy_year == policy.year,
        )
        if rewind is None:
            query = query.where(Income.deleted.is_(False))
        rows = [dict(r._mapping) for r in session.execute(query)]
        for values in _as_it_stood(rows, Income, rewind, deleted=True):
            income = SimpleNamespace(**values)
            household = households[income.household_id]
            people = household["member_count"] or 0
            totals = income_totals(income, people)
            found.append(
                {
                    "household_number": household["household_number"],
                    "policy_year": income.policy_year,
                    "period_start": income.period_start,
                    "period_end": income.period_end,
                    "wage_income": income.wage_income,
                    "business_income": income.business_income,
                    "property_income": income.property_income,
                    "transfer_income": income.transfer_income,
                    "production_costs": income.production_costs,
                    "total_income": totals.total,
                    "net_income": totals.net,
                    "member_count": people,
                    "per_capita_net_income": totals.per_capita,
                    "_order": household["household_number"],
                }
            )
    order = {h["household_number"]: n for n, h in enumerate(households.values())}
    found.sort(key=lambda r: order[r["_order"]])
    return found


def _measure_rows(
    session: Session,
    households: dict[str, dict[str, Any]],
    members: list[dict[str, Any]],
    rewind: Rewind | None = None,
) -> list[dict[str, Any]]:
    people = {m["id"]: m for m in members}
    found: list[dict[str, Any]] = []
    ids = list(households)
    for start in range(0, len(ids), 900):
        query = select(*AssistanceMeasure.__table__.columns).where(
            AssistanceMeasure.household_id.in_(ids[start : start + 900])
        )
        if rewind is None:
            query = query.where(
                AssistanceMeasure.deleted.is_(False), AssistanceMeasure.received.is_(True)
            )
        rows = [dict(r._mapping) for r in session.execute(query)]
        for values in _as_it_stood(rows, AssistanceMeasure, rewind, deleted=True):
            if not values["received"]:
                continue
            measure = SimpleNamespace(**values)
            person = people.get(measure.member_id or "")
            found.append(
                {
                    "household_number": households[measure.household_id]["household_number"],
                    "member_name": person["name"] if person else None,
                    "member_id_number": person["id_number"] if person else None,
                    "year": measure.year,
                    "category": measure.category,
                    "item": measure.item,
                    "description": measure.description,
                    "amount": measure.amount,
                    "department": measure.department,
                }
            )
    order = {h["household_number"]: n for n, h in enumerate(households.values())}
    found.sort(key=lambda r: (order[r["household_number"]], r["year"], r["category"]))
    return found


def export_registry(
    session: Session,
    path: str | Path,
    *,
    policy: PolicyYear | None = None,
    village_ids: Collection[str] | None = None,
    internal: bool = False,
    as_of: date | None = None,
) -> ExportSummary:
    """Households, members, the policy year's income and the received assistance measures, as
    one workbook with the national system's columns (one sheet each), for data entry.

    ``internal`` adds the marginal and monitored columns and marks every sheet 内部资料.
    ``as_of`` writes the registry as it stood at the start of that day (Beijing time), rebuilt
    from the household book (Q13, ``desktop.store.as_of``).
    """
    policy = policy or working_policy(session)
    exported = [m.__tablename__ for m in (Household, Member, Income, AssistanceMeasure)]
    rewind = rewind_to(session, as_of, entities=exported) if as_of is not None else None
    households, by_id = _household_rows(session, village_ids, rewind)
    members = _member_rows(session, by_id, rewind)
    incomes = _income_rows(session, by_id, policy, rewind)
    measures = _measure_rows(session, by_id, members, rewind)
    title = f"{policy.year}年度建档立卡信息" + ("（内部资料）" if internal else "")
    if as_of is not None:
        title += f"（{as_of.isoformat()} 当日开始前）"
    workbook = new_workbook(title=title, internal=internal)
    counts: dict[str, int] = {}
    for name, rows in (
        ("households", households),
        ("members", members),
        ("income", incomes),
        ("assistance", measures),
    ):
        colmap = column_map(name)
        counts[colmap.sheet] = add_sheet(
            workbook, colmap.visible(internal=internal), rows, sheet=colmap.sheet, internal=internal
        )
    return ExportSummary(save_workbook(workbook, path), counts, internal)


# --- the departments' assistance measures (Q14) --------------------------------------------------------


@dataclass(frozen=True)
class RowIssue:
    """A row that will not be imported, and why."""

    row: int
    id_number: str | None
    name: str | None
    reason: str


@dataclass(frozen=True)
class MeasureRow:
    """A row matched to a person, ready to become an ``AssistanceMeasure``."""

    row: int
    member_id: str
    member_name: str
    household_id: str
    household_number: str
    year: int
    category: str
    item: str | None
    amount: Decimal | None
    department: str | None
    description: str | None
    name_in_file: str | None

    @property
    def name_differs(self) -> bool:
        return bool(self.name_in_file) and self.name_in_file != self.member_name


@dataclass
class AssistancePreview:
    """What an assistance import would do; nothing has been written."""

    path: Path
    sheet: str
    new: list[MeasureRow] = field(default_factory=list)
    already_recorded: list[MeasureRow] = field(default_factory=list)
    unmatched: list[RowIssue] = field(default_factory=list)
    ambiguous: list[RowIssue] = field(default_factory=list)
    invalid: list[RowIssue] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return (
            len(self.new)
            + len(self.already_recorded)
            + len(self.unmatched)
            + len(self.ambiguous)
            + len(self.invalid)
        )

    @property
    def has_issues(self) -> bool:
        return bool(self.unmatched or self.ambiguous or self.invalid)

    def summary(self) -> dict[str, Any]:
        """The preview as plain data (for ``--json`` and the report)."""

        def issue(i: RowIssue) -> dict[str, Any]:
            return {"row": i.row, "id_number": i.id_number, "name": i.name, "reason": i.reason}

        def measure(m: MeasureRow) -> dict[str, Any]:
            return {
                "row": m.row,
                "household_number": m.household_number,
                "name": m.member_name,
                "name_in_file": m.name_in_file,
                "year": m.year,
                "category": m.category,
                "item": m.item,
                "amount": str(m.amount) if m.amount is not None else None,
            }

        return {
            "file": str(self.path),
            "sheet": self.sheet,
            "rows_read": self.rows_read,
            "new": [measure(m) for m in self.new],
            "already_recorded": [measure(m) for m in self.already_recorded],
            "unmatched": [issue(i) for i in self.unmatched],
            "ambiguous": [issue(i) for i in self.ambiguous],
            "invalid": [issue(i) for i in self.invalid],
            "name_differs": [measure(m) for m in self.new if m.name_differs],
        }


@dataclass(frozen=True)
class Holder:
    """A current member who carries an ID number."""

    member_id: str
    name: str
    household_id: str
    household_number: str
    status: str
    village_id: str


def holders_by_id(session: Session, keys: Collection[str]) -> dict[str, list[Holder]]:
    """Current members of live households by ID key (first 18 characters, upper case)."""
    wanted = set(keys)
    found: dict[str, list[Holder]] = defaultdict(list)
    if not wanted:
        return found
    query = (
        select(
            Member.id,
            Member.name,
            Member.id_number,
            Household.id,
            Household.household_number,
            Household.status,
            Household.village_id,
        )
        .join(Household, Member.household_id == Household.id)
        .where(
            Member.deleted.is_(False),
            Member.left_date.is_(None),
            Household.deleted.is_(False),
            func.length(Member.id_number) >= ID_KEY_LENGTH,
        )
    )
    for (
        member_id,
        name,
        number,
        household_id,
        household_number,
        status,
        village_id,
    ) in session.execute(query):
        key = id_key(number)
        if key in wanted:
            found[key].append(
                Holder(member_id, name, household_id, household_number, status, village_id)
            )
    return found


def _resolve_measure(category: str | None, item: str | None) -> tuple[str, str | None] | str:
    """(category code, item code) from codes or labels, or a Chinese reason it cannot be."""
    table = code_table("assistance_category")
    categories = {c: (table.entry(c) or {}) for c in table.codes()}
    category_code: str | None = None
    if category:
        text = category.strip()
        if text in categories:
            category_code = text
        else:
            matches = [c for c, e in categories.items() if e.get("label") == text]
            if not matches:
                return f"帮扶措施类别“{text}”不在代码表中"
            category_code = matches[0]
    item_code: str | None = None
    if item:
        text = item.strip()
        items = [
            (c, i["code"], i["label"])
            for c, e in categories.items()
            if category_code in (None, c)
            for i in e.get("items", ())
        ]
        by_code = [x for x in items if x[1] == text]
        by_label = [x for x in items if x[2] == text]
        chosen = by_code or by_label
        if not chosen:
            where = f"“{table.label(category_code)}”类别下" if category_code else ""
            return f"帮扶项目“{text}”不在{where}代码表中"
        if len(chosen) > 1:
            return f"帮扶项目“{text}”属于多个类别，请填写帮扶措施类别"
        category_code, item_code = chosen[0][0], chosen[0][1]
    if category_code is None:
        return "缺少帮扶措施类别"
    return category_code, item_code


def preview_assistance_import(
    session: Session, path: str | Path, *, policy: PolicyYear | None = None
) -> AssistancePreview:
    """Read a department's measures and match each row to a person by ID number (Q14).

    Rows that match nobody, that match people in several households, that name an ordinary
    household, or whose values do not parse are reported, never dropped; rows already recorded
    (same household, person, year and item) are listed and will be skipped.
    """
    policy = policy or working_policy(session)
    parsed = read_sheet(path, column_map("assistance_import"))
    preview = AssistancePreview(path=parsed.path, sheet=parsed.sheet)
    keys = {k for r in parsed.rows if (k := id_key(r.values.get("id_number")))}
    holders = holders_by_id(session, keys)
    existing = _existing_measures(session, {h.household_id for hs in holders.values() for h in hs})
    seen: set[tuple[str, str | None, int, str, str | None]] = set()
    for row in parsed.rows:
        values = row.values
        number, name = values.get("id_number"), values.get("name")
        if row.problems:
            preview.invalid.append(RowIssue(row.number, number, name, "；".join(row.problems)))
            continue
        year = values["year"]
        if not policy.assistance_first_year <= year <= policy.year:
            preview.invalid.append(
                RowIssue(
                    row.number,
                    number,
                    name,
                    f"年度{year}不在{policy.assistance_first_year}—{policy.year}年之间（导引第14问）",
                )
            )
            continue
        resolved = _resolve_measure(values.get("category"), values.get("item"))
        if isinstance(resolved, str):
            preview.invalid.append(RowIssue(row.number, number, name, resolved))
            continue
        category, item = resolved
        amount = values.get("amount")
        if amount is not None and amount < 0:
            preview.invalid.append(RowIssue(row.number, number, name, f"金额为负数（{amount}）"))
            continue
        key = id_key(number)
        found = holders.get(key or "", [])
        if key is None:
            preview.invalid.append(RowIssue(row.number, number, name, "证件号码不足18位"))
            continue
        if not found:
            preview.unmatched.append(
                RowIssue(row.number, number, name, "没有找到持有此证件号码的现有家庭成员")
            )
            continue
        if len(found) > 1:
            numbers = "、".join(sorted({h.household_number for h in found}))
            preview.ambiguous.append(
                RowIssue(
                    row.number, number, name, f"此证件号码登记在多名成员上（户编号 {numbers}）"
                )
            )
            continue
        holder = found[0]
        if holder.status == "ordinary":
            preview.invalid.append(
                RowIssue(
                    row.number,
                    number,
                    name,
                    f"{holder.name}所在户（{holder.household_number}）是一般农户，不是建档立卡户",
                )
            )
            continue
        measure = MeasureRow(
            row=row.number,
            member_id=holder.member_id,
            member_name=holder.name,
            household_id=holder.household_id,
            household_number=holder.household_number,
            year=year,
            category=category,
            item=item,
            amount=amount,
            department=values.get("department"),
            description=values.get("description"),
            name_in_file=name,
        )
        identity = (holder.household_id, holder.member_id, year, category, item)
        if identity in seen or identity in existing:
            preview.already_recorded.append(measure)
            continue
        seen.add(identity)
        preview.new.append(measure)
    return preview


def _existing_measures(
    session: Session, household_ids: Collection[str]
) -> set[tuple[str, str | None, int, str, str | None]]:
    found: set[tuple[str, str | None, int, str, str | None]] = set()
    ids = list(household_ids)
    for start in range(0, len(ids), 900):
        for row in session.execute(
            select(
                AssistanceMeasure.household_id,
                AssistanceMeasure.member_id,
                AssistanceMeasure.year,
                AssistanceMeasure.category,
                AssistanceMeasure.item,
            ).where(
                AssistanceMeasure.household_id.in_(ids[start : start + 900]),
                AssistanceMeasure.deleted.is_(False),
            )
        ):
            found.add(tuple(row))  # type: ignore[arg-type]
    return found


class ImportRefused(Exception):
    """An import was rolled back as a whole: a household's save was refused."""

    def __init__(self, household_number: str, problems: list[Any], message: str) -> None:
        super().__init__(message)
        self.household_number = household_number
        self.problems = problems
        self.message = message


@dataclass(frozen=True)
class ImportResult:
    """What a committed import wrote."""

    households: int
    rows: int
    change_ids: int


def commit_assistance_import(
    db: Database, preview: AssistancePreview, *, actor: str
) -> ImportResult:
    """Write the preview's new measures through each household's save, all in one transaction.

    A household whose save is refused (an error in its data) rolls the whole import back and
    raises ``ImportRefused`` naming it.
    """
    from desktop.store.save import SaveRefused, save_household

    by_household: dict[str, list[MeasureRow]] = defaultdict(list)
    for m in preview.new:
        by_household[m.household_id].append(m)
    reason = f"导入行业部门帮扶措施（{preview.path.name}，导引第14问）"
    changes = 0
    with import_transaction(db) as session:
        for household_id, rows in by_household.items():
            household = session.scalars(
                select(Household)
                .where(Household.id == household_id)
                .options(selectinload(Household.measures))
            ).one()
            with session.no_autoflush:
                for m in rows:
                    household.measures.append(
                        AssistanceMeasure(
                            member_id=m.member_id,
                            year=m.year,
                            category=m.category,
                            item=m.item,
                            description=m.description,
                            amount=m.amount,
                            department=m.department,
                            received=True,
                        )
                    )
            try:
                result = save_household(session, household, actor=actor, reason=reason)
            except SaveRefused as refused:
                raise ImportRefused(
                    household.household_number,
                    refused.problems,
                    f"户编号 {household.household_number} 不能保存（{refused.message}："
                    + "；".join(p.message for p in refused.problems if p.is_error)
                    + "），整个导入已撤销，没有写入任何数据。",
                ) from refused
            changes += len(result.change_ids)
    return ImportResult(households=len(by_household), rows=len(preview.new), change_ids=changes)
