"""The members page of the household form: a table of the family and an editor for one person.

The table (``MembersModel``) lists every member, including those who left through a natural
decrease (greyed, with the reason and date): a member never disappears from the form. The
editor below it edits the selected person. The ID number is checked as it is typed
(``desktop.domain.idcard.check_id``): its message shows under the field, and a valid number
fills the birth date and sex. Choosing the relation to the head fills the sex it implies
(``desktop.domain.codes.implied_sex``) when the ID has not said it already.

Adding a person and removing one are the form's decisions (a natural change with its reason and
date, Q1/Q3): the page only asks, through ``add_requested`` and ``remove_requested``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QItemSelection, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.codes import implied_sex
from desktop.domain.idcard import check_id, normalize_id
from desktop.ui.code_labels import ui_code_table
from desktop.ui.form_fields import FieldBinder, required_legend, table_choices
from desktop.ui.form_models import GONE_COLOUR, Column, RecordTableModel
from desktop.ui.problem_texts import problem_message

HEAD = "01"
RESIDENT_LENGTH = 18
ROSTER_ROWS = 8
"""The members table shows this many people without scrolling (a household rarely has more)."""


def _choices(table: str) -> Callable[[dict[str, Any]], list[tuple[str, str]]]:
    options = table_choices(table)
    return lambda _row: options


def member_status(row: dict[str, Any]) -> str:
    """现有 / 新增(原因) / 已减少(原因 日期) for the members table, in the interface language."""
    reasons = ui_code_table("natural_change_reason")
    if row.get("left_date") or row.get("left_reason"):
        if row.get("left_reason"):
            reason = reasons.label(row["left_reason"])
        else:
            reason = QCoreApplication.translate("MembersModel", "减少")
        text = QCoreApplication.translate("MembersModel", "已减少:{0} {1}")
        return text.format(reason, row.get("left_date") or "").strip()
    if not row.get("_saved"):
        joined = row.get("joined_reason")
        if joined:
            return QCoreApplication.translate("MembersModel", "新增:{0}").format(
                reasons.label(joined)
            )
        return QCoreApplication.translate("MembersModel", "新增(未保存)")
    return QCoreApplication.translate("MembersModel", "现有")


def unnamed() -> str:
    """How a member without a name is shown."""
    return QCoreApplication.translate("MembersModel", "未填姓名")


class MembersModel(RecordTableModel):
    """Members of the household as a read-only table (edited through ``MemberEditor``)."""

    STATUS_COLUMN = 7

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column("name", self.tr("姓名"), editable=False),
                Column(
                    "relation", self.tr("与户主关系"), "code", _choices("relation"), editable=False
                ),
                Column("sex", self.tr("性别"), "code", _choices("sex"), editable=False),
                Column("birth_date", self.tr("出生日期"), "date", editable=False),
                Column("id_number", self.tr("证件号码"), editable=False),
                Column("health", self.tr("健康状况"), "multi", _choices("health"), editable=False),
                Column(
                    "labour_skill",
                    self.tr("劳动技能"),
                    "code",
                    _choices("labour_skill"),
                    editable=False,
                ),
                Column("_status", self.tr("状态"), "readonly", editable=False),
            ],
            parent,
        )

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        if index.column() == self.STATUS_COLUMN and role == Qt.ItemDataRole.DisplayRole:
            return member_status(row)
        if index.column() == self.STATUS_COLUMN and role == Qt.ItemDataRole.EditRole:
            return member_status(row)
        if role == Qt.ItemDataRole.ForegroundRole and (
            row.get("left_date") or row.get("left_reason")
        ):
            return QBrush(GONE_COLOUR)
        return super().data(index, role)

    def changed_row(self, row_id: str) -> None:
        """Repaint the line of one member after the editor changed it."""
        r = self.row_of(row_id)
        if r >= 0:
            self.dataChanged.emit(self.index(r, 0), self.index(r, self.columnCount() - 1))


LEFT_COLUMNS = (
    "name",
    "relation",
    "id_type",
    "id_number",
    "sex",
    "birth_date",
    "ethnicity",
    "political_status",
    "education",
    "school_status",
    "dropout_reason",
    "health",
)
RIGHT_COLUMNS = (
    "labour_skill",
    "work_months",
    "work_place",
    "work_employer",
    "phone",
    "disability_cert_number",
    "active_military",
    "speaks_mandarin",
)
INSURANCE_COLUMNS = (
    "basic_medical_insurance",
    "serious_illness_insurance",
    "basic_pension_insurance",
    "accident_insurance",
    "commercial_medical_insurance",
    "min_living_allowance",
    "special_support",
    "medical_assistance",
)
CHANGE_COLUMNS = ("joined_reason", "joined_date", "left_reason", "left_date")


THREE_COLUMNS_WIDTH = 1100
"""From this width on (a 1366-pixel screen) the member editor shows its fields in three columns,
when its labels leave each field ``FIELD_MIN_WIDTH`` beside them (long English labels do not)."""
FIELD_MIN_WIDTH = 200
GROUP_MARGINS = 80  # the group boxes' frames, the columns' gaps and the scroll bar


class HintLabel(QLabel):
    """A line under a field (the ID check, the relation's sex) that takes no room when empty."""

    def __init__(self, form: QFormLayout, name: str) -> None:
        super().__init__()
        self._form = form
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        if self._form.indexOf(self) >= 0:
            self._form.setRowVisible(self, bool(text))


class MemberEditor(QWidget):
    """Edits one member (a dict of the payload). ``edited(member_id, column)`` after each change."""

    edited = Signal(str, str)

    def __init__(
        self,
        *,
        head_sex: Callable[[], str | None],
        today: Callable[[], date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._row: dict[str, Any] | None = None
        self._head_sex = head_sex
        self._today = today
        self.binder = FieldBinder("member", lambda: self._row, self._edited)

        self.title = QLabel(self.tr("请在上表选择一名成员"))
        self.title.setStyleSheet("font-weight: bold;")

        left, right, insurance, changes = (QFormLayout() for _ in range(4))
        for form in (left, right, insurance, changes):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setVerticalSpacing(4)
        self.id_message = HintLabel(left, "member.id_message")
        self.id_message.setWordWrap(True)
        self.relation_hint = HintLabel(left, "member.relation_hint")
        for column in LEFT_COLUMNS:
            self.binder.add_rows(left, [column])
            if column == "id_number":
                left.addRow("", self.id_message)
            if column == "relation":
                left.addRow("", self.relation_hint)
        self.id_message.setText("")
        self.relation_hint.setText("")
        self.binder.add_rows(right, RIGHT_COLUMNS)
        self.binder.add_rows(insurance, INSURANCE_COLUMNS)
        self.binder.add_rows(changes, CHANGE_COLUMNS)
        self.insurance_box = QGroupBox(self.tr("保险和社会救助"))
        self.insurance_box.setLayout(insurance)
        self.changes_box = QGroupBox(self.tr("自然变更(由“自然增加/自然减少”办理)"))
        self.changes_box.setLayout(changes)

        # Two columns (the groups under the second) on a narrow screen, three on a wide one,
        # so that a 1366-pixel window shows half again as many fields without scrolling.
        self._forms = (left, right, insurance, changes)
        self._stacks = [QVBoxLayout() for _ in range(3)]
        self._stacks[0].addLayout(left)
        self._stacks[0].addStretch(1)
        self._stacks[1].addLayout(right)
        grid = QGridLayout()
        grid.setVerticalSpacing(0)
        for column, stack in enumerate(self._stacks):
            stack.setSpacing(4)
            grid.addLayout(stack, 0, column)
        self._grid = grid
        self._columns = 0
        self._arrange(3)
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addStretch(1)
        legend = QLabel(required_legend())
        legend.setTextFormat(Qt.TextFormat.RichText)
        legend.setObjectName("required_legend")
        heading.addWidget(legend)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setSpacing(4)
        inner_layout.addLayout(heading)
        inner_layout.addLayout(grid)
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.scroll = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.binder.set_enabled(False)

    @property
    def columns(self) -> int:
        """How many columns of fields the editor shows now (2 or 3)."""
        return self._columns

    def _arrange(self, columns: int) -> None:
        """Put the insurance and change groups under the second column (2) or in a third (3)."""
        if columns == self._columns:
            return
        self._columns = columns
        target = self._stacks[columns - 1]
        for stack in self._stacks[1:]:
            for box in (self.insurance_box, self.changes_box):
                stack.removeWidget(box)
            if stack.count() and stack.itemAt(stack.count() - 1).spacerItem() is not None:
                stack.takeAt(stack.count() - 1)  # the stretch under the column
        target.addWidget(self.insurance_box)
        target.addWidget(self.changes_box)
        for stack in self._stacks[1:]:
            stack.addStretch(1)
        for column in range(3):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)

    def _width_for_three_columns(self) -> int:
        """The width three columns need with every label beside its field (none wrapped)."""

        def need(form: QFormLayout) -> int:
            labels = [
                item.widget().sizeHint().width()
                for row in range(form.rowCount())
                if (item := form.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None
                and item.widget() is not None
            ]
            return max(labels, default=0) + FIELD_MIN_WIDTH

        left, right, insurance, changes = self._forms
        return need(left) + need(right) + max(need(insurance), need(changes)) + GROUP_MARGINS

    def resizeEvent(self, event: Any) -> None:
        wide = self.width() >= max(THREE_COLUMNS_WIDTH, self._width_for_three_columns())
        self._arrange(3 if wide else 2)
        super().resizeEvent(event)

    @property
    def row(self) -> dict[str, Any] | None:
        return self._row

    def widget(self, column: str) -> Any:
        return self.binder.widgets[column]

    def set_row(self, row: dict[str, Any] | None) -> None:
        """Edit ``row`` (a member of the payload); None shows nothing."""
        self._row = row
        self.binder.load()
        gone = row is not None and bool(row.get("left_date") or row.get("left_reason"))
        self.binder.set_enabled(row is not None and not gone)
        if row is None:
            self.title.setText(self.tr("请在上表选择一名成员"))
        elif gone:
            self.title.setText(self.tr("{0}(已减少,不能修改)").format(row.get("name") or unnamed()))
        else:
            self.title.setText(self.tr("成员:{0}").format(row.get("name") or unnamed()))
        self._show_id_check(fill=False)
        self.relation_hint.setText("")

    def mark(self, problems: dict[str, tuple[str, str]]) -> None:
        self.binder.mark(problems)

    # --- reactions -----------------------------------------------------------------------------

    def _edited(self, column: str) -> None:
        row = self._row
        if row is None:
            return
        if column == "id_number":
            self._show_id_check(fill=True)
        elif column == "relation":
            self._apply_relation()
        elif column == "name":
            self.title.setText(self.tr("成员:{0}").format(row.get("name") or unnamed()))
        self.edited.emit(str(row.get("id")), column)

    def _set(self, column: str, value: Any) -> None:
        assert self._row is not None
        if self._row.get(column) == value:
            return
        self._row[column] = value
        self.binder.widgets[column].set_value(value)
        self.edited.emit(str(self._row.get("id")), column)

    def _show_id_check(self, *, fill: bool) -> None:
        """Check the ID number as typed; a valid one fills the birth date and the sex."""
        row = self._row
        text = (row or {}).get("id_number") or ""
        number = normalize_id(text)
        if not number:
            self.id_message.setText("")
            return
        info = check_id(number, today=self._today())
        errors = [p for p in info.problems if p.is_error]
        if errors and len(number) < RESIDENT_LENGTH and fill:
            self.id_message.setStyleSheet("color: #555;")
            self.id_message.setText(self.tr("已输入{0}位").format(len(number)))
            return
        if errors:
            self.id_message.setStyleSheet("color: #c62828;")
            self.id_message.setText(problem_message(errors[0]))
            return
        sex = ui_code_table("sex").label(info.sex) if info.sex else ""
        warnings = "；".join(p.message for p in info.problems)
        self.id_message.setStyleSheet("color: #8a5100;" if warnings else "color: #1b5e20;")
        born = info.birth_date.isoformat() if info.birth_date else ""
        self.id_message.setText(
            warnings or self.tr("号码有效:出生日期 {0},性别 {1}").format(born, sex)
        )
        if fill and info.birth_date is not None:
            self._set("birth_date", info.birth_date.isoformat())
        if fill and info.sex is not None:
            self._set("sex", info.sex)
        if fill and info.kind == "disability20" and (row or {}).get("id_type") != "09":
            self._set("id_type", "09")

    def _id_sex(self) -> str | None:
        number = normalize_id((self._row or {}).get("id_number"))
        if not number:
            return None
        info = check_id(number, today=self._today())
        return info.sex if info.is_valid else None

    def _apply_relation(self) -> None:
        row = self._row
        assert row is not None
        relation = row.get("relation")
        if not relation or relation == HEAD:
            self.relation_hint.setText("")
            return
        sex = implied_sex(relation, self._head_sex())
        if sex is None:
            self.relation_hint.setText("")
            return
        label = ui_code_table("sex").label(sex)
        relation_label = ui_code_table("relation").label(relation)
        id_sex = self._id_sex()
        if id_sex is not None and id_sex != sex:
            self.relation_hint.setStyleSheet("color: #8a5100;")
            self.relation_hint.setText(
                self.tr("“{0}”应为{1}性,与身份证号码不符,请核对").format(relation_label, label)
            )
            return
        self.relation_hint.setStyleSheet("color: #555;")
        self.relation_hint.setText(self.tr("“{0}”为{1}性,已填入性别").format(relation_label, label))
        if id_sex is None:
            self._set("sex", sex)


class MembersTab(QWidget):
    """The members page: the table, the editor, and the buttons to add and remove people."""

    add_requested = Signal()
    remove_requested = Signal(str)  # member id
    member_edited = Signal(str, str)  # member id, column

    def __init__(
        self,
        *,
        head_sex: Callable[[], str | None],
        today: Callable[[], date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = MembersModel(self)
        self.table = QTableView()
        self.table.setObjectName("members.table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.editor = MemberEditor(head_sex=head_sex, today=today)
        self.editor.edited.connect(self._member_edited)

        self.add_button = QPushButton(self.tr("添加成员(&A)"))
        self.add_button.setToolTip(
            self.tr("登记一名家庭成员(建档立卡户为“自然增加”,需填写原因和日期)")
        )
        self.remove_button = QPushButton(self.tr("自然减少…"))
        self.remove_button.setToolTip(
            self.tr("成员死亡、嫁出、迁出等:填写减少原因和日期,成员保留在户簿中")
        )
        self.add_button.clicked.connect(self.add_requested)
        # Heads-down entry: Insert in the roster adds a person, as in CSPro (and Alt+A anywhere).
        add_key = QShortcut(QKeySequence(Qt.Key.Key_Insert), self.table)
        add_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        add_key.activated.connect(self.add_requested)
        self.add_button.setToolTip(self.add_button.toolTip() + self.tr("(快捷键 Insert 或 Alt+A)"))
        self.remove_button.clicked.connect(self._remove_clicked)
        self.count_label = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._update_buttons()
        self._fit_roster()

    def _fit_roster(self) -> None:
        """Make the table tall enough for every member (up to ``ROSTER_ROWS``): the roster is
        the heart of the form, the editor below scrolls instead (issue 15)."""
        rows = max(3, min(self.model.rowCount(), ROSTER_ROWS))
        table = self.table
        row_height = table.verticalHeader().defaultSectionSize()
        height = (
            table.horizontalHeader().sizeHint().height()
            + rows * row_height
            + table.horizontalScrollBar().sizeHint().height()
            + 2 * table.frameWidth()
        )
        table.setMinimumHeight(height)

    def set_members(self, rows: list[dict[str, Any]]) -> None:
        """Show the payload's member list (edited in place)."""
        self.model.set_rows(rows)
        self._fit_roster()
        self.editor.set_row(None)
        if self.model.rowCount():
            self.select_member(str(self.model.row_at(0)["id"]))  # type: ignore[index]
        self._update_count()

    def refresh(self, select: str | None = None) -> None:
        """Show the member list again after rows were added or removed; select ``select``."""
        current = select or (self.editor.row or {}).get("id")
        self.model.refresh()
        self._fit_roster()
        self._update_count()
        if current and self.select_member(str(current)):
            return
        first = self.model.row_at(0)
        if first is not None:
            self.select_member(str(first["id"]))
        else:
            self.table.clearSelection()
            self.editor.set_row(None)
            self._update_buttons()

    def select_member(self, member_id: str) -> bool:
        r = self.model.row_of(member_id)
        if r < 0:
            return False
        self.table.selectRow(r)
        self.table.scrollTo(self.model.index(r, 0))
        self.editor.set_row(self.model.row_at(r))
        self._update_buttons()
        return True

    def selected_member(self) -> dict[str, Any] | None:
        return self.editor.row

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = {i.row() for i in selected.indexes()}
        row = self.model.row_at(min(rows)) if rows else None
        if row is not self.editor.row:
            self.editor.set_row(row)
        self._update_buttons()

    def _member_edited(self, member_id: str, column: str) -> None:
        self.model.changed_row(member_id)
        self.member_edited.emit(member_id, column)

    def _remove_clicked(self) -> None:
        row = self.editor.row
        if row is not None:
            self.remove_requested.emit(str(row.get("id")))

    def _update_buttons(self) -> None:
        row = self.editor.row
        gone = row is not None and bool(row.get("left_date") or row.get("left_reason"))
        self.remove_button.setEnabled(row is not None and not gone)
        if row is not None and not row.get("_saved"):
            self.remove_button.setText(self.tr("撤销新增"))
        else:
            self.remove_button.setText(self.tr("自然减少…"))

    def _update_count(self) -> None:
        rows = [self.model.row_at(r) for r in range(self.model.rowCount())]
        current = sum(1 for r in rows if r and not (r.get("left_date") or r.get("left_reason")))
        self.count_label.setText(self.tr("现有成员 {0} 人").format(current))

    def mark(
        self, rows: dict[str, tuple[str, str]], fields: dict[str, dict[str, tuple[str, str]]]
    ) -> None:
        """Mark member rows with problems, and the selected member's fields."""
        self.model.set_marks(rows)
        selected = self.editor.row
        self.editor.mark(fields.get(str(selected.get("id")), {}) if selected else {})

    def current_index(self) -> QModelIndex:
        return self.table.currentIndex()
