"""The main window: the division tree, a search box and filters above the household list.

Everything it shows is read in the task runner: the tree and its counts, list pages, search
results, the unsynced count. Typing in the search box starts a search 150 ms after the last
keystroke; its answer (household ids) replaces the list's id filter, and an answer to an older
query than the box now holds is dropped. Ctrl+F focuses the box, Esc in it clears it.

Double-click or Enter on a household opens its form (``desktop.ui.household_form``), one window
a household; Ctrl+N starts a new household, Ctrl+S saves the form last used. The 办理 menu offers
the operations for the selected household, each disabled with its reason when the domain refuses
it at the window's ``clock`` under the database's policy year. A scanner (or a person) typing a
household number quickly followed by Enter anywhere in the window opens that household
(``scan_resolver``; the cards' QR codes will be resolved the same way). Drafts left by a crash are
offered back when the window opens.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.domain.codes import code_table
from desktop.domain.operations import Operation
from desktop.domain.policy import PolicyError, PolicyYear, policy_for, policy_year
from desktop.store.db import Database
from desktop.store.drafts import DraftData, list_drafts
from desktop.store.household_edit import resolve_household_number
from desktop.store.queries import (
    HouseholdColumn,
    HouseholdDetail,
    household_detail,
    unsynced_count,
    village_ids_under,
)
from desktop.store.search import search_households
from desktop.store.settings import working_policy
from desktop.ui.division_tree import DivisionTreeModel
from desktop.ui.household_detail import HouseholdDetailDialog
from desktop.ui.household_form import DEFAULT_ACTOR, HouseholdForm, NewHouseholdDialog
from desktop.ui.household_list import COLUMNS, HouseholdListModel
from desktop.ui.operations_dialogs import (
    INTERNAL_OPERATIONS,
    Subject,
    calendar_problems,
    operation_problems,
    update_action,
)
from desktop.ui.roles import Role, may_see_internal_lists
from desktop.ui.style import apply_readable_font
from desktop.ui.tasks import TaskRunner, in_session

SEARCH_DELAY_MS = 150
SEARCH_LIMIT = 1000
UNSYNCED_REFRESH_MS = 60_000

_COLUMN_SAMPLES = {  # the widest text a column usually holds
    HouseholdColumn.NUMBER: "6107271012010001",
    HouseholdColumn.HEAD: "欧阳建国",
    HouseholdColumn.VILLAGE: "白杨庄村",
    HouseholdColumn.HAMLET: "十二组",
    HouseholdColumn.STATUS: "已脱贫(不享受政策)",
    HouseholdColumn.MEMBERS: "10",
    HouseholdColumn.INCOME: "123,456.00",
    HouseholdColumn.FLAGS: "边缘户、长期外出",
    HouseholdColumn.UPDATED: "2019-11-30 00:00",
}
_CELL_PADDING = 22  # margins plus room for the sort arrow

SCAN_MAX_GAP_S = 0.08
"""A scanner types a character every few ms; a person rarely under 80 ms, never for long."""
SCAN_MIN_LENGTH = 6
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)

ScanResolver = Callable[[Session, str], str | None]
"""``resolver(session, text)``: the id of the household a scanned code names, or None."""
SCAN_RESOLVER: ScanResolver = resolve_household_number
"""The scan resolver the window uses unless given one: household numbers until cards exist."""


def find_households(
    session: Session, query: str, division_id: str | None, *, limit: int = SEARCH_LIMIT
) -> list[str]:
    """Search within the villages of ``division_id`` (everywhere when ``None``)."""
    villages = village_ids_under(session, division_id) if division_id else None
    return search_households(session, query, limit=limit, village_ids=villages)


class MainWindow(QMainWindow):
    """Fieldbook's main window over an open database.

    ``runner`` runs every database read; ``role`` decides whether marginal and monitored
    households (internal lists, Q6) appear; ``actor`` (the signed-in person) signs every save in
    the household book and owns the drafts. ``clock`` is the app's now, against which the
    operations are checked (tests move it across the policy year's deadlines);
    ``autosave_seconds`` overrides the database's draft interval; ``scan_resolver`` turns a
    scanned code into a household id. The window loads its data when constructed, and offers
    the actor's unsaved drafts back unless ``offer_drafts`` is False.
    """

    def __init__(
        self,
        db: Database,
        *,
        runner: TaskRunner,
        role: Role | str = Role.FIELD_WORKER,
        actor: str = DEFAULT_ACTOR,
        clock: Callable[[], datetime] | None = None,
        autosave_seconds: float | None = None,
        scan_resolver: ScanResolver | None = None,
        offer_drafts: bool = True,
    ) -> None:
        super().__init__()
        self.db = db
        self.runner = runner
        self.role = Role(role)
        self.actor = actor
        self.clock: Callable[[], datetime] = clock or datetime.now
        self.autosave_seconds = autosave_seconds
        self.scan_resolver: ScanResolver = scan_resolver or SCAN_RESOLVER
        self.internal = may_see_internal_lists(self.role)
        self._search_generation = 0
        self._detail_generation = 0
        self.detail_dialog: HouseholdDetailDialog | None = None
        self.forms: dict[str, HouseholdForm] = {}
        self.active_form: HouseholdForm | None = None
        self.new_dialog: NewHouseholdDialog | None = None
        self.drafts_prompt: QMessageBox | None = None
        self.policy: PolicyYear | None = None
        self._scan_buffer: list[str] = []
        self._scan_last = 0.0

        apply_readable_font(self)
        self.setWindowTitle(self.tr("Fieldbook 建档立卡动态管理"))
        self.resize(1366, 768)  # the usual cheap laptop screen

        self.tree_model = DivisionTreeModel(db, runner, self)
        self.list_model = HouseholdListModel(db, runner, internal=self.internal, parent=self)

        self.tree_view = self._make_tree()
        self.search_box = self._make_search_box()
        self.status_combo = self._make_status_combo()
        self.flag_combo = self._make_flag_combo()
        self.table_view = self._make_table()

        filters = QHBoxLayout()
        filters.addWidget(self.search_box, stretch=1)
        filters.addWidget(self.status_combo)
        if self.flag_combo is not None:
            filters.addWidget(self.flag_combo)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(filters)
        right_layout.addWidget(self.table_view, stretch=1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tree_view)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 1136])
        self.setCentralWidget(splitter)

        self.total_label = QLabel()
        self.unsynced_label = QLabel()
        self.policy_label = QLabel(self._policy_text())
        for label in (self.total_label, self.unsynced_label, self.policy_label):
            label.setContentsMargins(8, 0, 8, 0)
        bar = self.statusBar()
        bar.addWidget(self.total_label)
        bar.addPermanentWidget(self.unsynced_label)
        bar.addPermanentWidget(self.policy_label)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.search_now)
        self.search_box.textChanged.connect(self._search_timer.start)

        self._unsynced_timer = QTimer(self)
        self._unsynced_timer.setInterval(UNSYNCED_REFRESH_MS)
        self._unsynced_timer.timeout.connect(self.refresh_unsynced)
        self._unsynced_timer.start()

        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self.focus_search)
        clear = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_box)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear.activated.connect(self.search_box.clear)
        open_row = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table_view)
        open_row.setContext(Qt.ShortcutContext.WidgetShortcut)
        open_row.activated.connect(lambda: self.open_household(self.table_view.currentIndex()))
        open_enter = QShortcut(QKeySequence(Qt.Key.Key_Enter), self.table_view)
        open_enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        open_enter.activated.connect(lambda: self.open_household(self.table_view.currentIndex()))
        self._build_menus()
        self.table_view.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self.update_operations()
        )
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

        self.list_model.total_changed.connect(self._show_total)
        self.list_model.load_failed.connect(self._show_error)
        self.tree_model.load_failed.connect(self._show_error)
        self.tree_model.loaded.connect(lambda: self.tree_view.expandToDepth(1))
        self._show_total(None)
        self.unsynced_label.setText(self.tr("未同步:…"))

        self.tree_model.reload()
        self.list_model.reload()
        self.refresh_unsynced()
        self._load_policy()
        if offer_drafts:
            self.offer_drafts()

    # --- building ----------------------------------------------------------------------------

    def _make_tree(self) -> QTreeView:
        view = QTreeView()
        view.setModel(self.tree_model)
        view.setHeaderHidden(False)
        view.setUniformRowHeights(True)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setMinimumWidth(220)
        view.selectionModel().selectionChanged.connect(self._tree_selection_changed)
        return view

    def _make_search_box(self) -> QLineEdit:
        box = QLineEdit()
        box.setPlaceholderText(self.tr("搜索:姓名、拼音首字母、身份证号或户编号 (Ctrl+F)"))
        box.setClearButtonEnabled(True)
        return box

    def _make_status_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.addItem(self.tr("全部状态"), None)
        statuses = code_table("status")
        for code in statuses.codes():
            combo.addItem(statuses.label(code), code)
        combo.currentIndexChanged.connect(self._status_changed)
        return combo

    def _make_flag_combo(self) -> QComboBox | None:
        if not self.internal:
            return None
        combo = QComboBox()
        combo.addItem(self.tr("全部农户"), "")
        combo.addItem(self.tr("边缘户"), "marginal")
        combo.addItem(self.tr("脱贫监测户"), "monitored")
        combo.setToolTip(self.tr("边缘户和脱贫监测户名单仅限内部掌握,不得对外公布"))
        combo.currentIndexChanged.connect(self._flag_changed)
        return combo

    def _make_table(self) -> QTableView:
        view = QTableView()
        view.setModel(self.list_model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        # Fixed row heights and column widths: nothing measures all rows (50,000 of them).
        rows = view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 12)
        columns = view.horizontalHeader()
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        columns.setStretchLastSection(True)
        columns.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        cells, titles = view.fontMetrics(), columns.fontMetrics()
        for i, (column, title) in enumerate(zip(COLUMNS, self.list_model.headers(), strict=True)):
            width = max(
                cells.horizontalAdvance(_COLUMN_SAMPLES[column]), titles.horizontalAdvance(title)
            )
            view.setColumnWidth(i, width + _CELL_PADDING)
        view.setSortingEnabled(True)
        view.doubleClicked.connect(self.open_household)
        return view

    # --- filters -----------------------------------------------------------------------------

    def _tree_selection_changed(
        self, selected: QItemSelection, _deselected: QItemSelection
    ) -> None:
        indexes = selected.indexes()
        division = self.tree_model.division_id(indexes[0]) if indexes else None
        self.select_division(division)

    def select_division(self, division_id: str | None) -> None:
        """Show the households of a division (``None``: all). A running search is redone in it."""
        if division_id == self.list_model.filters.division_id:
            return
        self._apply_filters(division_id=division_id)
        if self.search_box.text().strip():
            self.search_now()  # the search's limit counts within the division

    def _status_changed(self, _index: int) -> None:
        self._apply_filters(status=self.status_combo.currentData())

    def _flag_changed(self, _index: int) -> None:
        if self.flag_combo is None:
            return
        flag = self.flag_combo.currentData()
        self._apply_filters(
            marginal=True if flag == "marginal" else None,
            monitored=True if flag == "monitored" else None,
        )

    def _apply_filters(self, **changes: object) -> None:
        self.list_model.set_filters(replace(self.list_model.filters, **changes))  # type: ignore[arg-type]

    # --- search ------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def search_now(self) -> None:
        """Run the search for the box's text now (the debounce timer calls this)."""
        self._search_timer.stop()
        self._search_generation += 1
        generation = self._search_generation
        query = self.search_box.text().strip()
        if not query:
            if self.list_model.filters.household_ids is not None:
                self._apply_filters(household_ids=None)
            return
        division = self.list_model.filters.division_id

        def done(ids: list[str]) -> None:
            if generation != self._search_generation:
                return
            self._apply_filters(household_ids=tuple(ids))
            if len(ids) >= SEARCH_LIMIT:
                self.statusBar().showMessage(
                    self.tr("搜索结果太多,只显示前 {0} 户,请输入更多字").format(SEARCH_LIMIT), 8000
                )

        def failed(error: BaseException) -> None:
            if generation == self._search_generation:
                self._show_error(self.tr("搜索失败:{0}").format(error))

        job = in_session(self.db, find_households, query, division)
        self.runner.run(job, on_done=done, on_error=failed)

    # --- status bar --------------------------------------------------------------------------

    def _policy_text(self) -> str:
        try:
            year = policy_for(date.today()).year
        except PolicyError:
            return self.tr("政策年度:未配置")
        return self.tr("政策年度:{0}").format(year)

    def _show_total(self, total: int | None) -> None:
        if total is None:
            self.total_label.setText(self.tr("正在读取…"))
        else:
            self.total_label.setText(self.tr("共 {0} 户").format(total))

    def _show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)

    def refresh_unsynced(self) -> None:
        """Read the number of changes not yet synced and show it."""

        def done(count: int) -> None:
            self.unsynced_label.setText(self.tr("未同步:{0} 条").format(count))

        self.runner.run(
            in_session(self.db, unsynced_count),
            on_done=done,
            on_error=lambda e: self.unsynced_label.setText(self.tr("未同步:?")),
        )

    # --- menus and operations ----------------------------------------------------------------

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu(self.tr("农户(&H)"))
        self.new_action = QAction(self.tr("新建农户(&N)…"), self)
        self.new_action.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.new_action.triggered.connect(self.new_household)
        self.open_action = QAction(self.tr("打开农户信息表(&O)"), self)
        self.open_action.triggered.connect(
            lambda: self.open_household(self.table_view.currentIndex())
        )
        self.view_action = QAction(self.tr("只读查看(&V)"), self)
        self.view_action.triggered.connect(lambda: self.show_detail(self.table_view.currentIndex()))
        self.save_action = QAction(self.tr("保存信息表(&S)"), self)
        self.save_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.save_action.triggered.connect(self.save_active_form)
        self.find_action = QAction(self.tr("查找(&F)"), self)
        self.find_action.triggered.connect(self.focus_search)
        for action in (
            self.new_action,
            self.open_action,
            self.view_action,
            self.save_action,
            self.find_action,
        ):
            menu.addAction(action)
        self.addAction(self.new_action)
        self.addAction(self.save_action)

        operations = self.menuBar().addMenu(self.tr("办理(&O)"))
        operations.setToolTipsVisible(True)
        self.operations_menu = operations
        self.operation_actions: dict[Operation, QAction] = {}
        for op in Operation:
            if op in INTERNAL_OPERATIONS and not self.internal:
                continue
            action = QAction(self.operation_title(op), self)
            action.triggered.connect(lambda _checked=False, op=op: self.start_operation(op))
            operations.addAction(action)
            self.operation_actions[op] = action
        self.update_operations()

    def operation_title(self, op: Operation) -> str:
        """The menu text of an operation (the code table's name, translatable here)."""
        match op:
            case Operation.identify:
                return self.tr("新识别…")
            case Operation.return_:
                return self.tr("返贫…")
            case Operation.exit:
                return self.tr("脱贫…")
            case Operation.member_in:
                return self.tr("自然增加…")
            case Operation.member_out:
                return self.tr("自然减少…")
            case Operation.mark_marginal:
                return self.tr("标记边缘户…")
            case Operation.mark_monitored:
                return self.tr("标记脱贫监测户…")
        return str(op)

    def _load_policy(self) -> None:
        def done(year: int) -> None:
            self.policy = policy_year(year)
            self.update_operations()

        self.runner.run(
            in_session(self.db, lambda session: working_policy(session).year),
            on_done=done,
            on_error=lambda e: self._show_error(self.tr("读取政策年度失败:{0}").format(e)),
        )

    def update_operations(self) -> None:
        """Enable the operations the domain allows for the selected household now.

        With no household selected only the calendar is asked; a refused operation shows the
        reason (with the date that forbids it) as its tooltip.
        """
        actions = getattr(self, "operation_actions", {})
        if not actions:
            return
        if self.policy is None:
            for action in actions.values():
                action.setEnabled(False)
            return
        row = self.list_model.row_at(self.table_view.currentIndex().row())
        moment = self.clock()
        for op, action in actions.items():
            if row is None:
                problems = calendar_problems(op, policy=self.policy, moment=moment)
                update_action(action, problems, self.tr("请先在列表中选择一户"))
                if not problems:
                    action.setEnabled(False)
            else:
                subject = Subject(status=row.status, title=row.household_number)
                update_action(
                    action, operation_problems(op, subject, policy=self.policy, moment=moment)
                )

    def start_operation(self, op: Operation | str) -> None:
        """Open the selected household's form and the operation's dialog in it."""
        household_id = self.list_model.household_id(self.table_view.currentIndex().row())
        if household_id is None:
            self._show_error(self.tr("请先在列表中选择一户"))
            return
        operation = Operation(op)
        form = self.open_form(household_id)

        def start() -> None:
            form.start_operation(operation)

        if form.is_loaded:
            start()
        else:
            form.loaded.connect(start)

    # --- forms ---------------------------------------------------------------------------------

    def open_household(self, index: QModelIndex) -> None:
        """Open the form of the household at ``index`` of the list."""
        if not index.isValid():
            return
        household_id = self.list_model.household_id(index.row())
        if household_id is not None:
            self.open_form(household_id)

    def open_form(
        self,
        household_id: str | None = None,
        *,
        key: str | None = None,
        new_payload: dict[str, Any] | None = None,
        restore_draft: bool | None = None,
    ) -> HouseholdForm:
        """The form of a household (raised if already open), a new household, or a draft."""
        lookup = household_id or key
        if lookup is not None and lookup in self.forms:
            form = self.forms[lookup]
            form.show()
            form.raise_()
            form.activateWindow()
            self.active_form = form
            return form
        form = HouseholdForm(
            self.db,
            runner=self.runner,
            household_id=household_id,
            new_payload=new_payload,
            key=key,
            actor=self.actor,
            role=self.role,
            clock=self.clock,
            autosave_seconds=self.autosave_seconds,
            restore_draft=restore_draft,
            parent=self,
        )
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.forms[form.key] = form
        form.saved.connect(lambda hid, form=form: self._form_saved(form, hid))
        form.closed.connect(lambda _key, form=form: self._form_closed(form))
        self.active_form = form
        form.show()
        return form

    def _form_saved(self, form: HouseholdForm, household_id: str) -> None:
        for key, open_form in list(self.forms.items()):
            if open_form is form and key != form.key:
                del self.forms[key]
        self.forms[form.key] = form
        self.list_model.reload()
        self.tree_model.reload()
        self.refresh_unsynced()
        self.statusBar().showMessage(self.tr("已保存 {0}").format(form.title), 8000)

    def _form_closed(self, form: HouseholdForm) -> None:
        for key, open_form in list(self.forms.items()):
            if open_form is form:
                del self.forms[key]
        if self.active_form is form:
            self.active_form = next(iter(self.forms.values()), None)

    def save_active_form(self) -> None:
        """Ctrl+S in the main window: save the form used last."""
        form = self.active_form
        if form is None:
            self._show_error(self.tr("没有打开的农户信息表"))
            return
        form.show()
        form.raise_()
        form.save()

    def new_household(self) -> None:
        """Ctrl+N: choose the village and the household number, then open an empty form."""
        current = self.tree_view.currentIndex()
        division = self.tree_model.division_id(current) if current.isValid() else None
        dialog = NewHouseholdDialog(
            self.db, runner=self.runner, division_id=division, internal=self.internal, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(result: int) -> None:
            self.new_dialog = None
            if result == NewHouseholdDialog.DialogCode.Accepted and dialog.payload is not None:
                self.open_form(new_payload=dialog.payload)

        dialog.finished.connect(finished)
        self.new_dialog = dialog
        dialog.open()

    def show_detail(self, index: QModelIndex) -> None:
        """Show the read-only detail of the household at ``index`` (IDs masked)."""
        if not index.isValid():
            return
        household_id = self.list_model.household_id(index.row())
        if household_id is None:
            return
        self._detail_generation += 1
        generation = self._detail_generation

        def done(detail: HouseholdDetail | None) -> None:
            if generation != self._detail_generation:
                return
            if detail is None:
                self._show_error(self.tr("该户已不存在(可能已被删除),请刷新列表"))
                return
            if self.detail_dialog is not None:
                self.detail_dialog.close()
            dialog = HouseholdDetailDialog(detail, parent=self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.finished.connect(lambda _result: self._detail_closed(dialog))
            self.detail_dialog = dialog
            dialog.open()

        def failed(error: BaseException) -> None:
            self._show_error(self.tr("读取农户信息失败:{0}").format(error))

        job = in_session(self.db, household_detail, household_id, internal=self.internal)
        self.runner.run(job, on_done=done, on_error=failed)

    def _detail_closed(self, dialog: HouseholdDetailDialog) -> None:
        if self.detail_dialog is dialog:
            self.detail_dialog = None

    # --- drafts --------------------------------------------------------------------------------

    def offer_drafts(self) -> None:
        """Offer back the drafts this person left unsaved (after a crash or a power cut)."""

        def done(drafts: list[DraftData]) -> None:
            if not drafts:
                return
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Question)
            box.setWindowTitle(self.tr("发现未保存的草稿"))
            titles = "、".join(
                d.payload.get("meta", {}).get("title") or self.tr("新建农户") for d in drafts[:5]
            )
            box.setText(self.tr("上次有 {0} 份农户信息表没有保存:{1}").format(len(drafts), titles))
            box.setInformativeText(self.tr("现在打开并恢复这些草稿吗?"))
            restore = box.addButton(self.tr("恢复草稿"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(self.tr("以后再说"), QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(restore)
            apply_readable_font(box)

            def answered(_result: int) -> None:
                self.drafts_prompt = None
                if box.clickedButton() is restore:
                    for draft in drafts:
                        self.open_form(draft.household_id, key=draft.key, restore_draft=True)

            box.finished.connect(answered)
            self.drafts_prompt = box
            box.open()

        self.runner.run(
            in_session(self.db, list_drafts, user_name=self.actor),
            on_done=done,
            on_error=lambda e: self._show_error(self.tr("读取草稿失败:{0}").format(e)),
        )

    # --- scanner -------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Notice a code typed quickly and ended by Enter anywhere in this window (a scanner)."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        focus = QApplication.focusWidget()
        first = watched is focus if focus is not None else watched is self
        if not first or watched.window() is not self:
            return False
        assert isinstance(event, QKeyEvent)
        now = time.monotonic()
        if now - self._scan_last > SCAN_MAX_GAP_S:
            self._scan_buffer.clear()
        self._scan_last = now
        if event.key() in ENTER_KEYS:
            text = "".join(self._scan_buffer).strip()
            self._scan_buffer.clear()
            if len(text) >= SCAN_MIN_LENGTH and any(c.isdigit() for c in text):
                self.open_scanned(text)
                return True  # the Enter belonged to the code, not to the widget
            return False
        if event.text() and event.text().isprintable():
            self._scan_buffer.append(event.text())
        return False

    def open_scanned(self, text: str) -> None:
        """Open the household a scanned (or typed) code names; say so when there is none."""

        def done(household_id: str | None) -> None:
            if household_id is None:
                self._show_error(self.tr("没有找到编号为 {0} 的农户").format(text))
                return
            self.open_form(household_id)

        self.runner.run(
            in_session(self.db, self.scan_resolver, text),
            on_done=done,
            on_error=lambda e: self._show_error(self.tr("扫码失败:{0}").format(e)),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        for form in list(self.forms.values()):
            form.close()  # a form with unsaved changes asks, and stays open
        if any(form.isVisible() for form in self.forms.values()):
            event.ignore()
            return
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._search_timer.stop()
        self._unsynced_timer.stop()
        super().closeEvent(event)
