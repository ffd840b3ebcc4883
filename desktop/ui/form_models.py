"""Item models of the household form: rows of the payload, the problem list, the household book.

``RecordTableModel`` edits a list of payload rows in place (the list *is* the payload's), shows
codes by their labels, and never drops a saved row: removing one marks it ``deleted`` (a
tombstone the save writes and the book records); a row added in this form and never saved is
simply taken out again. Every model here passes pytest-qt's ``qtmodeltester``.

The problem list shows errors, then suspected problems (疑似问题, saved with a reason), then notes:
problems the audit lists but a save does not ask about (``desktop.domain.audit.SAVE_EXEMPT``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop.domain.problems import Problem
from desktop.store.household_edit import BookLine
from desktop.ui.code_labels import ui_code_table
from desktop.ui.form_fields import (
    ENTITY_LABELS,
    ENTITY_OF_TABLE,
    FIELDS,
    LOCATION_SOURCE_LABELS,
    Kind,
    field_label,
    not_filled,
    tr_label,
    yes_no,
)
from desktop.ui.problem_texts import problem_message

_ANY_INDEX = QModelIndex | QPersistentModelIndex
ROW_ID_ROLE = Qt.ItemDataRole.UserRole
"""``data(index, ROW_ID_ROLE)``: the id of the payload row (or the ``Problem`` in the list)."""

ERROR_COLOUR = QColor("#c62828")
WARNING_COLOUR = QColor("#8a5100")
ERROR_BACKGROUND = QColor("#fde7e7")
WARNING_BACKGROUND = QColor("#fff4d6")
GONE_COLOUR = QColor("#6b6b6b")  # greyed, still 5:1 on white (WCAG AA)
NOTE_COLOUR = QColor("#455a64")

Choices = Callable[[dict[str, Any]], Sequence[tuple[str, str]]]


@dataclass(frozen=True)
class Column:
    """A column of a ``RecordTableModel``: the row key, its title and how it is typed."""

    key: str
    title: str
    kind: Kind = "text"
    choices: Choices | None = None  # code columns: (code, label) for a row
    editable: bool = True
    numeric: bool = False

    def label(self, row: dict[str, Any], value: Any) -> str:
        if value is None or value == "":
            return ""
        if self.kind == "bool":
            return yes_no(bool(value))
        if self.kind == "multi" and self.choices is not None:
            labels = dict(self.choices(row))
            return "、".join(labels.get(v, f"[{v}]") for v in value or ())
        if self.kind == "code" and self.choices is not None:
            for code, label in self.choices(row):
                if code == value:
                    return label
            return f"[{value}]"
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        return str(value)


class RecordTableModel(QAbstractTableModel):
    """Payload rows as a table; ``edited(row_id)`` after a cell changes."""

    edited = Signal(str)

    def __init__(
        self,
        columns: Sequence[Column],
        parent: QObject | None = None,
        *,
        keep: Callable[[dict[str, Any]], bool] | None = None,
        order: Callable[[dict[str, Any]], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[dict[str, Any]] = []
        self._visible: list[int] = []
        self._keep = keep
        self._order = order
        self._marks: dict[str, tuple[str, str]] = {}
        self.read_only = False

    # --- rows ------------------------------------------------------------------------------

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Show (and edit in place) ``rows``, a list of the payload."""
        self.beginResetModel()
        self._rows = rows
        self._visible = self._compute_visible()
        self.endResetModel()

    def set_keep(self, keep: Callable[[dict[str, Any]], bool] | None) -> None:
        """Show only rows ``keep`` accepts (e.g. one year's measures)."""
        self._keep = keep
        self.refresh()

    def refresh(self) -> None:
        """Show the rows again after they changed outside the model."""
        self.beginResetModel()
        self._visible = self._compute_visible()
        self.endResetModel()

    def _compute_visible(self) -> list[int]:
        shown = [
            i
            for i, row in enumerate(self._rows)
            if not row.get("deleted") and (self._keep is None or self._keep(row))
        ]
        if self._order is not None:
            shown.sort(key=lambda i: self._order(self._rows[i]))  # type: ignore[misc]
        return shown

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self._rows

    def row_at(self, row: int) -> dict[str, Any] | None:
        return self._rows[self._visible[row]] if 0 <= row < len(self._visible) else None

    def row_of(self, row_id: str) -> int:
        """The visible row showing payload row ``row_id`` (-1 if hidden or absent)."""
        for r, i in enumerate(self._visible):
            if self._rows[i].get("id") == row_id:
                return r
        return -1

    def add_row(self, values: dict[str, Any]) -> int:
        """Append a payload row; its visible row (or -1 when the filter hides it)."""
        self.beginResetModel()
        self._rows.append(values)
        self._visible = self._compute_visible()
        self.endResetModel()
        return self.row_of(values.get("id", ""))

    def remove_row(self, row: int) -> bool:
        """Remove a visible row: a saved row becomes a tombstone, a new one is dropped."""
        found = self.row_at(row)
        if found is None:
            return False
        self.beginResetModel()
        if found.get("_saved"):
            found["deleted"] = True
        else:
            self._rows.remove(found)
        self._visible = self._compute_visible()
        self.endResetModel()
        return True

    def set_marks(self, marks: dict[str, tuple[str, str]]) -> None:
        """Colour rows with problems: row id → (severity, message)."""
        if marks == self._marks:
            return
        self._marks = dict(marks)
        if self._visible:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._visible) - 1, len(self.columns) - 1),
                [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole],
            )

    # --- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: _ANY_INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: _ANY_INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or section < 0:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title if section < len(self.columns) else None
        return str(section + 1) if section < len(self._visible) else None

    def flags(self, index: _ANY_INDEX) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        flags |= Qt.ItemFlag.ItemNeverHasChildren
        column = self.columns[index.column()]
        if column.editable and not self.read_only:
            if column.kind == "bool":
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            else:
                flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _ANY_INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None or not 0 <= index.column() < len(self.columns):
            return None
        column = self.columns[index.column()]
        value = row.get(column.key)
        mark = self._marks.get(str(row.get("id")))
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if column.kind == "bool" else column.label(row, value)
        if role == Qt.ItemDataRole.EditRole:
            return value if not isinstance(value, list) else list(value)
        if role == Qt.ItemDataRole.CheckStateRole and column.kind == "bool":
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and (
            column.numeric or column.kind in ("number", "int")
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and mark is not None:
            return QBrush(ERROR_BACKGROUND if mark[0] == "error" else WARNING_BACKGROUND)
        if role == Qt.ItemDataRole.ToolTipRole and mark is not None:
            return mark[1]
        if role == ROW_ID_ROLE:
            return row.get("id")
        return None

    def setData(self, index: _ANY_INDEX, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.read_only:
            return False
        row = self.row_at(index.row())
        if row is None:
            return False
        column = self.columns[index.column()]
        if not column.editable:
            return False
        if column.kind == "bool":
            if role != Qt.ItemDataRole.CheckStateRole:
                return False
            new = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role == Qt.ItemDataRole.EditRole:
            new = value if value not in ("",) else None
            if isinstance(new, str) and not new.strip():
                new = None
        else:
            return False
        if row.get(column.key) == new:
            return False
        row[column.key] = new
        self.dataChanged.emit(index, index, [role, Qt.ItemDataRole.DisplayRole])
        self.edited.emit(str(row.get("id")))
        return True


class RecordDelegate(QStyledItemDelegate):
    """Editors for ``RecordTableModel`` cells: a combo box of choices for coded columns."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: _ANY_INDEX
    ) -> QWidget:
        model = index.model()
        if isinstance(model, RecordTableModel):
            column = model.columns[index.column()]
            row = model.row_at(index.row())
            if column.kind == "code" and column.choices is not None and row is not None:
                combo = QComboBox(parent)
                combo.addItem(not_filled(), None)
                for code, label in column.choices(row):
                    combo.addItem(label, code)
                return combo
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: _ANY_INDEX) -> None:
        if isinstance(editor, QComboBox):
            value = index.data(Qt.ItemDataRole.EditRole)
            found = editor.findData(value) if value is not None else 0
            editor.setCurrentIndex(max(found, 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: _ANY_INDEX) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


# --- problems ------------------------------------------------------------------------------------


class ProblemListModel(QAbstractListModel):
    """The form's problems with their messages: errors, then suspected problems, then notes.

    ``exempt`` codes are notes: listed, but a save neither stops nor asks for a reason for them.
    """

    def __init__(
        self, parent: QObject | None = None, *, exempt: frozenset[str] = frozenset()
    ) -> None:
        super().__init__(parent)
        self._problems: list[Problem] = []
        self.exempt = exempt

    @property
    def problems(self) -> list[Problem]:
        return list(self._problems)

    def is_note(self, problem: Problem) -> bool:
        """Whether the problem is only a note (in ``exempt``)."""
        return problem.code in self.exempt

    def _rank(self, problem: Problem) -> int:
        if self.is_note(problem):
            return 2
        return 0 if problem.is_error else 1

    def set_problems(self, problems: Sequence[Problem]) -> None:
        ordered = sorted(problems, key=self._rank)
        if ordered == self._problems:
            return
        self.beginResetModel()
        self._problems = ordered
        self.endResetModel()

    def rowCount(self, parent: _ANY_INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._problems)

    def flags(self, index: _ANY_INDEX) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: _ANY_INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._problems):
            return None
        problem = self._problems[index.row()]
        note = self.is_note(problem)
        if role == Qt.ItemDataRole.DisplayRole:
            if note:
                kind = self.tr("提示")
            else:
                kind = self.tr("错误") if problem.is_error else self.tr("疑似")
            return f"【{kind}】{problem_message(problem)}"
        if role == Qt.ItemDataRole.ForegroundRole:
            if note:
                return QBrush(NOTE_COLOUR)
            return QBrush(ERROR_COLOUR if problem.is_error else WARNING_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole:
            label = field_label(problem.field)
            text = f"{problem.code} · {label}"
            if note:
                text += self.tr("(提示:保存时不需要说明原因)")
            return text
        if role == ROW_ID_ROLE:
            return problem
        return None


# --- the household book --------------------------------------------------------------------------


BOOK_LABELS = {
    # Columns the save keeps (not typed in the form) but the book records: named as people do.
    "household.per_capita_net_income": QT_TRANSLATE_NOOP("FormFields", "人均纯收入(元)"),
    "income.per_capita_net_income": QT_TRANSLATE_NOOP("FormFields", "人均纯收入(元)"),
    "household.card_issue": QT_TRANSLATE_NOOP("FormFields", "户卡版次"),
    "household.member_count": QT_TRANSLATE_NOOP("FormFields", "家庭人口数"),
    "household.head_name": QT_TRANSLATE_NOOP("FormFields", "户主姓名"),
    "household.last_visit_date": QT_TRANSLATE_NOOP("FormFields", "最近走访日期"),
    "household.committee_location_source": QT_TRANSLATE_NOOP("FormFields", "村委会位置来源"),
    "household.away_long_term": QT_TRANSLATE_NOOP("FormFields", "整户长期外出"),
}
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def book_field(entity: str, field: str) -> str:
    """The name of a field in the book: the form's label, else the book's own, else as stored."""
    key = f"{entity}.{field}"
    if key in FIELDS:
        return field_label(key)
    if key in BOOK_LABELS:
        return tr_label(BOOK_LABELS[key])
    return field


def _book_time(value: str) -> str | None:
    """``2019-10-17T10:19:07`` as ``2019-10-17 10:19`` (a stored moment in a book value)."""
    if len(value) < 16 or value[4:5] != "-" or value[10:11] not in ("T", " "):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.strftime("%Y-%m-%d %H:%M")


def book_value(entity: str, field: str, value: str | None) -> str:
    """A book value as a person reads it: a code by its label, several codes by theirs, yes or
    no, a location's source by its name, a moment without the ISO ``T``."""
    if value is None:
        return ""
    key = f"{entity}.{field}"
    if key in ("household.location_source", "household.committee_location_source"):
        return tr_label(LOCATION_SOURCE_LABELS.get(value, value))
    spec = FIELDS.get(key)
    if (spec is not None and spec.kind == "bool") or key == "household.away_long_term":
        if value.lower() in _TRUE:
            return yes_no(True)
        if value.lower() in _FALSE:
            return yes_no(False)
    moment = _book_time(value)
    if moment is not None:
        return moment
    if spec is not None and spec.table is not None and value:
        table = ui_code_table(spec.table)
        if spec.kind == "multi":
            return "、".join(table.label(v) for v in value.split(",") if v)
        return table.label(value) if value in table else value
    return value


class BookModel(QAbstractTableModel):
    """The household book, read-only, newest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[BookLine] = []
        self._texts: list[tuple[str, ...]] = []
        self.HEADERS = (
            self.tr("时间"),
            self.tr("操作人"),
            self.tr("对象"),
            self.tr("项目"),
            self.tr("原值"),
            self.tr("新值"),
            self.tr("原因"),
        )

    def set_lines(self, lines: Sequence[BookLine]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self._texts = [self._line_texts(line) for line in self._lines]
        self.endResetModel()

    @property
    def lines(self) -> list[BookLine]:
        return list(self._lines)

    def _line_texts(self, line: BookLine) -> tuple[str, ...]:
        entity = ENTITY_OF_TABLE.get(line.entity, line.entity)
        if line.field == "*":
            field = self.tr("(整户)")
        elif line.field == "deleted":
            field = self.tr("删除")
        else:
            field = book_field(entity, line.field)
        at = line.at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M") if line.at else ""
        return (
            at,
            line.actor,
            tr_label(ENTITY_LABELS[entity]) if entity in ENTITY_LABELS else line.entity,
            field,
            book_value(entity, line.field, line.old_value),
            book_value(entity, line.field, line.new_value),
            line.reason or "",
        )

    def rowCount(self, parent: _ANY_INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _ANY_INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or section < 0:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if section < len(self.HEADERS) else None
        return str(section + 1) if section < len(self._lines) else None

    def flags(self, index: _ANY_INDEX) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: _ANY_INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if not (0 <= r < len(self._texts) and 0 <= c < len(self.HEADERS)):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._texts[r][c]
        return None


def utc_text(moment: datetime | None) -> str:
    """A stored UTC moment in the laptop's local time, to the second."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=UTC).astimezone().strftime("%H:%M:%S")


__all__ = [
    "GONE_COLOUR",
    "BookModel",
    "Column",
    "ProblemListModel",
    "RecordDelegate",
    "RecordTableModel",
    "book_value",
    "utc_text",
]
