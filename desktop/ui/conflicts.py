"""The township reviewer's conflict screen: field, base, theirs, mine, who and when; decide.

A conflict is a field two laptops set to different values (``sync.conflicts``). The table lists
the open conflicts of the reviewer's villages: the village, household and head, the field, the
value both edits started from (原值), the value the server kept (服务器值, "theirs": who wrote it
and when) and the value that lost (提交值, "mine": the laptop that sent it and its clock when the
worker saved). Selecting one offers three decisions: keep the server's value, take the submitted
value, or type another (checked against the field before anything is sent). 裁决 carries it out
in the task runner (``sync.conflicts.resolve``: the value goes up as an ordinary change with the
current base version, then the server closes the conflict); the row disappears, or a Chinese
line says why not (someone changed the field meanwhile: refresh and decide again).

The table model holds the loaded rows; loading and deciding happen off the GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.geometry import fit_window
from desktop.ui.style import apply_readable_font
from desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.store.db import Database
    from sync.conflicts import ConflictRow

COLUMNS = (
    ("village_name", "村"),
    ("household_number", "户编号"),
    ("head_name", "户主"),
    ("subject", "字段"),
    ("base_text", "原值"),
    ("server_text", "服务器值"),
    ("server_side", "谁、何时"),
    ("incoming_text", "提交值"),
    ("incoming_side", "提交人、时间"),
)
ALL_VILLAGES = ""

Index = QModelIndex | QPersistentModelIndex


class ConflictTableModel(QAbstractTableModel):
    """The loaded conflicts, one per row; columns as ``COLUMNS``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ConflictRow] = []

    def set_rows(self, rows: list[ConflictRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def remove_ids(self, ids: set[int]) -> None:
        for position in reversed(range(len(self.rows))):
            if self.rows[position].id in ids:
                self.beginRemoveRows(QModelIndex(), position, position)
                del self.rows[position]
                self.endRemoveRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return str(getattr(row, key))
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return self.tr(COLUMNS[section][1])
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None


def _client(db: Database) -> Any:
    from sync.client import SyncClient

    return SyncClient(db)


def _load(db: Database, village: str | None) -> tuple[list[str], list[ConflictRow]]:
    from sync.conflicts import load_conflicts

    with _client(db) as client:
        return client.villages(), load_conflicts(db, client, village or None)


def _resolve(db: Database, row: ConflictRow, value: Any, actor: str) -> Any:
    from sync.conflicts import resolve

    with _client(db) as client:
        return resolve(db, client, row.item, value, actor=actor)


class ConflictsWindow(QWidget):
    """The reviewer's conflicts (see the module docstring). ``actor`` names the reviewer in the
    household book. ``resolved(ids)`` after a decision closed conflicts."""

    resolved = Signal(list)
    loaded = Signal(int)
    failed = Signal(str)

    def __init__(
        self, db: Database, runner: TaskRunner, parent: QWidget | None = None, *, actor: str
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.runner = runner
        self.actor = actor
        self.setWindowTitle(self.tr("冲突裁决"))
        apply_readable_font(self)

        self.village = QComboBox()
        self.village.addItem(self.tr("全部村"), ALL_VILLAGES)
        self.village.currentIndexChanged.connect(lambda _i: self.reload())
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.clicked.connect(self.reload)
        self.count = QLabel("")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("村:")))
        top.addWidget(self.village)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        top.addWidget(self.count)

        self.model = ConflictTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setFont(self.font())
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())

        self.keep_server = QRadioButton()
        self.take_incoming = QRadioButton()
        self.type_other = QRadioButton(self.tr("填写其他值:"))
        self.other = QLineEdit()
        self.other.setPlaceholderText(self.tr("例如 13712345678; 代码填代码, 是/否填 是 或 否"))
        self.other.textEdited.connect(lambda _t: self.type_other.setChecked(True))
        self.choice = QButtonGroup(self)
        for button in (self.keep_server, self.take_incoming, self.type_other):
            self.choice.addButton(button)
        self.decide_button = QPushButton(self.tr("裁决"))
        self.decide_button.clicked.connect(self.decide)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        decision = QGroupBox(self.tr("裁决"))
        box = QVBoxLayout(decision)
        box.addWidget(self.keep_server)
        box.addWidget(self.take_incoming)
        other_row = QHBoxLayout()
        other_row.addWidget(self.type_other)
        other_row.addWidget(self.other, 1)
        box.addLayout(other_row)
        actions = QHBoxLayout()
        actions.addWidget(self.message, 1)
        actions.addWidget(self.decide_button)
        box.addLayout(actions)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(decision)
        fit_window(self, (1100, 600))
        self._selected()
        self.reload()

    # --- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Fetch the open conflicts of the chosen village (or all) in the task runner."""
        village = self.village.currentData() or None
        self.refresh_button.setEnabled(False)
        self.count.setText(self.tr("正在读取…"))
        self.runner.run(
            lambda: _load(self.db, village), on_done=self._loaded, on_error=self._load_failed
        )

    def _loaded(self, result: tuple[list[str], list[ConflictRow]]) -> None:
        villages, rows = result
        known = {self.village.itemData(i) for i in range(self.village.count())}
        self.village.blockSignals(True)
        for code in villages:
            if code not in known:
                self.village.addItem(code, code)
        self.village.blockSignals(False)
        self.model.set_rows(rows)
        self.refresh_button.setEnabled(True)
        self.count.setText(self.tr("待裁决: {0} 条").format(len(rows)))
        if rows:
            self.table.selectRow(0)
        self._selected()
        self.loaded.emit(len(rows))

    def _load_failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        message = getattr(exc, "message", None) or str(exc)
        self.count.setText("")
        self.message.setText(self.tr("无法读取冲突清单: {0}").format(message))
        self.failed.emit(message)

    # --- deciding -----------------------------------------------------------------------------

    def selected_row(self) -> ConflictRow | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        return self.model.rows[indexes[0].row()]

    def _selected(self) -> None:
        row = self.selected_row()
        enabled = row is not None
        for widget in (self.keep_server, self.take_incoming, self.type_other, self.other):
            widget.setEnabled(enabled)
        self.decide_button.setEnabled(enabled)
        if row is None:
            self.keep_server.setText(self.tr("保留服务器值"))
            self.take_incoming.setText(self.tr("采用提交值"))
            return
        self.keep_server.setText(
            self.tr("保留服务器值: {0} ({1})").format(row.server_text, row.server_by or "服务器")
        )
        self.take_incoming.setText(
            self.tr("采用提交值: {0} ({1})").format(row.incoming_text, row.incoming_by)
        )
        self.keep_server.setChecked(True)
        self.other.clear()

    def decision(self) -> tuple[bool, Any]:
        """(ok, value) of the chosen decision; a typed value is read as the field's type."""
        from desktop.store.sync_apply import parse_value

        row = self.selected_row()
        if row is None:
            return False, None
        if self.keep_server.isChecked():
            return True, row.item.server_value
        if self.take_incoming.isChecked():
            return True, row.item.incoming_value
        try:
            return True, parse_value(row.item.entity, row.item.field, self.other.text())
        except ValueError as exc:
            message = getattr(exc, "message", None) or str(exc)
            self.message.setText(self.tr("{0}: {1}").format(row.field_label, message))
            return False, None

    def decide(self) -> None:
        """Carry out the chosen decision in the task runner."""
        row = self.selected_row()
        ok, value = self.decision()
        if row is None or not ok:
            return
        self.decide_button.setEnabled(False)
        self.message.setText(self.tr("正在裁决…"))

        def done(resolution: Any) -> None:
            closed = set(resolution.conflict_ids) | {row.id}
            self.model.remove_ids(closed)
            self.count.setText(self.tr("待裁决: {0} 条").format(len(self.model.rows)))
            self.message.setText(
                self.tr("已裁决: {0} {1} = {2}").format(
                    row.household_number, row.field_label, value
                )
            )
            self._selected()
            self.resolved.emit(sorted(closed))

        def failed(exc: BaseException) -> None:
            message = getattr(exc, "message", None) or str(exc)
            self.decide_button.setEnabled(True)
            self.message.setText(self.tr("没有裁决: {0}").format(message))
            self.failed.emit(message)

        self.runner.run(
            lambda: _resolve(self.db, row, value, self.actor),
            on_done=done,
            on_error=failed,
            serial=True,
        )
