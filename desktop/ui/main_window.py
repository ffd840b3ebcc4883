"""The main window: the division tree, a search box and filters above the household list.

Everything it shows is read in the task runner: the tree and its counts, list pages, search
results, the unsynced count, the working policy year of the database. Typing in the search box
starts a search 150 ms after the last keystroke; its answer (household ids) replaces the list's
id filter, and an answer to an older query than the box now holds is dropped. Ctrl+F focuses
the box, Esc in it clears it.

Double-click or Enter on a household opens its form (``desktop.ui.household_form``), one window
a household; 农户 → 只读查看 shows it read-only with the ID numbers masked. Ctrl+N starts a new
household, Ctrl+S saves the form last used. The 办理 menu offers the operations for the selected
household, each disabled with its reason when the domain refuses it at the window's ``clock``
under the database's policy year.

Scanning (``desktop.ui.scanner``): a household card's QR code typed by a keyboard-wedge scanner
anywhere in the window opens the household's form, or says why not; so does a household number
typed quickly and ended by Enter.

Menus for the rest of the day's work: 查看 (the village map in a dock — a click on a household
opens its form — and the selected village's problem list, where reviewers explain warnings),
打印 (household cards of the selected village with progress and cancel, a card reprinted for one
household, the publicity list, the problem list, the day report, the household book; each
previewed before it is printed), 数据 (back up now, restore a backup, lock now), 同步 when the
sync dialogs are installed, 设置 (the interface language). Marginal and monitored households
(internal lists, Q6) appear — in the list, the filters, the problem list and the household
book — only for roles that may see them.

The window's work is split by job: printing (``desktop.ui.printing``), backup and restore
(``desktop.ui.backup``), the village's committee location, information and map
(``desktop.ui.location``), the scanner (``desktop.ui.scanner``) and the idle lock
(``desktop.ui.idle_lock``) are mixed into ``MainWindow`` from their own modules. None of them
touches the store: they ask the application layer (``desktop.application.Fieldbook``, the
window's ``app``), whose writes run on the database's one writer and answer with what they
changed; ``app.notify(changes)`` then refreshes the list, the tree and the unsynced count
(``MainWindow.apply_changes``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDockWidget,
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

from desktop.application import Fieldbook, Kind, OpChanges
from desktop.application.search import SEARCH_LIMIT, find_with_members
from desktop.application.service import WorkingYear
from desktop.domain.operations import Operation
from desktop.domain.policy import PolicyYear, policy_year
from desktop.domain.roles import Role
from desktop.store.queries import HouseholdColumn
from desktop.ui.backup import BackupMixin
from desktop.ui.code_labels import ui_code_table
from desktop.ui.division_tree import DivisionTreeModel
from desktop.ui.errors import error_text
from desktop.ui.household_detail import HouseholdDetailDialog
from desktop.ui.household_form import DEFAULT_ACTOR, HouseholdForm, NewHouseholdDialog
from desktop.ui.household_list import COLUMNS, HouseholdListModel, InterruptibleQuery
from desktop.ui.idle_lock import LOCKED_DATABASE, DatabaseLocked, IdleLockMixin
from desktop.ui.location import VillageMixin
from desktop.ui.operations_dialogs import (
    INTERNAL_OPERATIONS,
    Subject,
    calendar_problems,
    operation_problems,
    update_action,
)
from desktop.ui.preferences import LANGUAGE_NAMES, choose_language, set_language
from desktop.ui.printing import NothingToPrint, NoticeDatesDialog, PrintingMixin
from desktop.ui.problem_list_dialog import ProblemListDialog
from desktop.ui.roles import role_label  # translated names; the rule is the domain's
from desktop.ui.scan import ScanListener, looks_like_card
from desktop.ui.scanner import ScannerMixin
from desktop.ui.style import apply_readable_font, give_menus_room
from desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.store.db import Database
    from desktop.store.drafts import DraftData
    from desktop.store.queries import HouseholdDetail

__all__ = [  # named here for the window's callers and tests
    "LOCKED_DATABASE",
    "DatabaseLocked",
    "MainWindow",
    "NoticeDatesDialog",
    "NothingToPrint",
    "ProblemListDialog",
]

SEARCH_DELAY_MS = 0  # search as you type: a search typed over is cancelled, not waited for
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
KEY_COLUMNS = (
    HouseholdColumn.NUMBER,
    HouseholdColumn.HEAD,
    HouseholdColumn.INCOME,
    HouseholdColumn.FLAGS,
    HouseholdColumn.STATUS,
)
"""The list's columns in view first, left to right (the rest follow in their model order); the
first four stay in view on a 1024-pixel screen, in either language."""
ALWAYS_IN_VIEW = KEY_COLUMNS[:4]

_EXPLAINERS = frozenset({Role.REVIEWER, Role.ADMIN})
"""Roles that may explain a warning of the problem list (the township reviews the lists, Q4)."""

Confirm = Callable[[str, str], bool]
"""``confirm(title, text)``: whether the person agreed (a yes/no question)."""


# --- the window ----------------------------------------------------------------------------------


def _practice_clock(day: date) -> Callable[[], datetime]:
    """The demo's now: its practice day at the real time of day (book entries stay in order)."""
    return lambda: datetime.combine(day, datetime.now().time())


class MainWindow(
    PrintingMixin, BackupMixin, VillageMixin, ScannerMixin, IdleLockMixin, QMainWindow
):
    """Fieldbook's main window over an open database.

    ``runner`` runs every database read; ``role`` decides whether marginal and monitored
    households (internal lists, Q6) appear; ``actor`` (the signed-in person) signs every save in
    the household book and owns the drafts. ``clock`` is the app's now, against which the
    operations are checked (tests move it across the policy year's deadlines);
    ``autosave_seconds`` overrides the database's draft interval; ``settings`` (the app's
    ``QSettings``) enables the language menu. The window loads its data when constructed, and
    offers the actor's unsaved drafts back unless ``offer_drafts`` is False.

    Signals: ``lock_requested`` (idle too long, or 立即锁定), ``database_replaced(Database)``
    after a restore reopened the database.
    """

    lock_requested = Signal()
    switch_user_requested = Signal()
    language_chosen = Signal(str)  # the app rebuilds this window in that language
    database_replaced = Signal(object)

    def __init__(
        self,
        db: Database,
        *,
        runner: TaskRunner,
        role: Role | str = Role.FIELD_WORKER,
        actor: str = DEFAULT_ACTOR,
        clock: Callable[[], datetime] | None = None,
        autosave_seconds: float | None = None,
        offer_drafts: bool = True,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__()
        # The application layer: the database, the clock and the signed-in person, shared with
        # the forms and dialogs this window opens (``rebind`` replaces the database in it).
        self.app = Fieldbook(db, user=actor, role=role, clock=clock or datetime.now)
        self.app.subscribe(self.apply_changes)
        self.runner = runner
        self._clock_given = clock is not None  # else a demo runs on its practice date
        self.autosave_seconds = autosave_seconds
        self.settings = settings
        self.db_path = self.app.database_file()
        self._search_generation = 0
        self._search_job: InterruptibleQuery | None = None
        self._detail_generation = 0
        self.detail_dialog: HouseholdDetailDialog | None = None
        self.forms: dict[str, HouseholdForm] = {}
        self.active_form: HouseholdForm | None = None
        self.new_dialog: NewHouseholdDialog | None = None
        self.drafts_prompt: QMessageBox | None = None
        self.message_box: QMessageBox | None = None
        self.problem_dialog: ProblemListDialog | None = None
        self.notice_dialog: NoticeDatesDialog | None = None
        self.print_progress: QWidget | None = None
        self.print_preview: QDialog | None = None
        self.print_result: Any = None
        self.sync_dialog: QDialog | None = None
        self.sync_history_dialog: QDialog | None = None
        self.live_language = False  # the app rebuilds the window on language_chosen
        self.map_dock: QDockWidget | None = None
        self.map_widget: Any = None
        self.policy: PolicyYear | None = None
        self.practice_date: date | None = None  # the demo's practice date (status bar)
        self.confirm: Confirm = self._ask_yes_no
        self.locked = False
        self.idle_lock_seconds: float | None = None
        self._hidden_while_locked: list[QWidget] = []
        self._print_folder = None
        self._scan_buffer: list[str] = []
        self._scan_last = 0.0
        self._last_input = time.monotonic()

        apply_readable_font(self)
        self.setWindowTitle(self.tr("Fieldbook 建档立卡动态管理"))

        self.tree_model = DivisionTreeModel(db, runner, self)
        self.list_model = HouseholdListModel(db, runner, internal=self.internal, parent=self)

        self.tree_view = self._make_tree()
        self.search_box = self._make_search_box()
        self.status_combo = self._make_status_combo()
        self.flag_combo = self._make_flag_combo()
        self.work_combo = self._make_work_combo()
        self.table_view = self._make_table()

        filters = QHBoxLayout()
        filters.addWidget(self.search_box, stretch=1)
        filters.addWidget(self.status_combo)
        if self.flag_combo is not None:
            filters.addWidget(self.flag_combo)
        filters.addWidget(self.work_combo)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(filters)
        # What the search found beyond the heads' names, or that it found nothing (issue 15).
        self.search_note = QLabel()
        self.search_note.setObjectName("main.search_note")
        self.search_note.setWordWrap(True)
        self.search_note.setStyleSheet(
            "color: #1f3a5f; background: #e8f0fa; padding: 4px 6px; border-radius: 3px;"
        )
        self.search_note.hide()
        right_layout.addWidget(self.search_note)
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
        self.policy_label = QLabel(self.tr("政策年度:…"))
        self.user_label = QLabel(self.tr("{0}({1})").format(self.actor, role_label(self.role)))
        for label in (self.total_label, self.unsynced_label, self.policy_label, self.user_label):
            label.setContentsMargins(8, 0, 8, 0)
        bar = self.statusBar()
        bar.addWidget(self.total_label)
        bar.addPermanentWidget(self.unsynced_label)
        bar.addPermanentWidget(self.policy_label)
        # the practice county's date (shown only for the demo; a real database runs on the clock)
        self.practice_label = QLabel()
        self.practice_label.setContentsMargins(8, 0, 8, 0)
        self.practice_label.setStyleSheet("color: #b00000; font-weight: bold;")
        self.practice_label.setVisible(False)
        bar.addPermanentWidget(self.practice_label)
        bar.addPermanentWidget(self.user_label)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.search_now)
        self.search_box.textChanged.connect(self._search_timer.start)
        self.search_box.returnPressed.connect(self._search_entered)

        self._unsynced_timer = QTimer(self)
        self._unsynced_timer.setInterval(UNSYNCED_REFRESH_MS)
        self._unsynced_timer.timeout.connect(self.refresh_unsynced)
        self._unsynced_timer.start()

        self._idle_timer = QTimer(self)
        self._idle_timer.timeout.connect(self._check_idle)

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
        give_menus_room(self.menuBar())
        from desktop.ui.geometry import fit_window

        # 1366×768, the usual cheap laptop screen; maximised where that does not fit (issue 15).
        fit_window(self, (1366, 768), settings=settings, key="main", maximise_when_small=True)
        self.table_view.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self.update_operations()
        )
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.scan_listener = ScanListener(self)
        self.scan_listener.scanned.connect(self._card_scanned)
        if app is not None:
            self.scan_listener.install()

        self.list_model.total_changed.connect(self._show_total)
        self.list_model.load_failed.connect(self._show_error)
        self.tree_model.load_failed.connect(self._show_error)
        self.tree_model.loaded.connect(lambda: self.tree_view.expandToDepth(1))
        self._show_total(None)
        self.unsynced_label.setText(self.tr("未同步:…"))

        self.list_model.reload()  # the list's first page first: it is what the person waits for
        self.tree_model.reload()
        self.refresh_unsynced()
        self._load_policy()
        if offer_drafts:
            self.offer_drafts()

    # --- the application layer ---------------------------------------------------------------

    @property
    def db(self) -> Database:
        """The open database (the locked stand-in while locked)."""
        return self.app.db

    @property
    def actor(self) -> str:
        """The signed-in person: the actor of every save and the owner of the drafts."""
        return self.app.user

    @property
    def role(self) -> Role:
        return self.app.role

    @property
    def internal(self) -> bool:
        """Whether marginal and monitored households (internal lists, Q6) appear."""
        return self.app.internal

    @property
    def clock(self) -> Callable[[], datetime]:
        """The app's now (the operations are checked against it)."""
        return self.app.now

    @clock.setter
    def clock(self, value: Callable[[], datetime]) -> None:
        self.app.clock = value

    def apply_changes(self, changes: OpChanges) -> None:
        """Read again what an operation changed (``Fieldbook.notify`` calls this)."""
        if changes.touches(Kind.DATABASE):
            self.reload_everything()
            return
        if changes.touches(Kind.HOUSEHOLDS, Kind.MEMBERS, Kind.OPERATIONS):
            self.list_model.reload()
            self.tree_model.reload()
        if changes.touches(Kind.SYNC):
            self.refresh_unsynced()

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
        box.setToolTip(box.placeholderText())  # the whole instruction, when the box is narrow
        box.setClearButtonEnabled(True)
        return box

    def _make_status_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.addItem(self.tr("全部状态"), None)
        statuses = ui_code_table("status")
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

    def _make_work_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.addItem(self.tr("全部走访情况"), "")
        combo.addItem(self.tr("本年度已走访"), "visited")
        combo.addItem(self.tr("本年度未走访"), "not_visited")
        combo.addItem(self.tr("有未同步的修改"), "unsynced")
        combo.addItem(self.tr("有待处理的问题"), "problems")
        combo.currentIndexChanged.connect(self._work_changed)
        return combo

    def _work_changed(self, _index: int) -> None:
        choice = self.work_combo.currentData()
        since = self.app.work_start()
        self._apply_filters(
            visited_since=since if choice == "visited" else None,
            not_visited_since=since if choice == "not_visited" else None,
            unsynced=True if choice == "unsynced" else None,
        )
        if choice == "problems":
            self.show_open_problems()
        elif self.search_box.text().strip():
            self.search_now()
        else:
            self._apply_filters(household_ids=None)

    def show_open_problems(self) -> None:
        """List the households (of the selected village, else all) with problems neither fixed
        nor explained: the audit runs in the task runner, then the list shows just those."""
        village = self.selected_village()
        villages = [village[0]] if village is not None else None
        app = self.app

        self.statusBar().showMessage(self.tr("正在审核, 请稍候…"))
        self.runner.run(
            lambda: app.households_with_open_problems(villages),
            on_done=lambda ids: self._apply_filters(household_ids=tuple(ids)),
            on_error=lambda exc: self._show_error(error_text("the audit filter", exc)),
        )

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
        # The columns a worker decides by come first, so that they stay in view on a 1024-pixel
        # screen (issue 15); village and hamlet are also in the tree.
        for visual, column in enumerate(KEY_COLUMNS):
            columns.moveSection(columns.visualIndex(COLUMNS.index(column)), visual)
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
        if self.map_dock is not None and self.map_dock.isVisible():
            village = self.selected_village()
            if village is not None:
                self._load_map(village[0])

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

    def selected_village(self) -> tuple[str, str] | None:
        """(id, name) of the village selected in the tree (a hamlet's village), or ``None``."""
        return self.tree_model.village_of(self.tree_view.currentIndex())

    def selected_household_id(self) -> str | None:
        """The id of the household selected in the list, or ``None``."""
        return self.list_model.household_id(self.table_view.currentIndex().row())

    def _require_village(self) -> tuple[str, str] | None:
        village = self.selected_village()
        if village is None:
            self._show_error(self.tr("请先在左侧选择一个行政村"))
        return village

    def _require_household(self) -> str | None:
        household_id = self.selected_household_id()
        if household_id is None:
            self._show_error(self.tr("请先在列表中选择一户"))
        return household_id

    # --- search ------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def search_now(self) -> None:
        """Run the search for the box's text now (the timer calls this once per burst of input
        events: keys that arrive together make one search)."""
        self._search_timer.stop()
        self._search_generation += 1
        generation = self._search_generation
        query = self.search_box.text().strip()
        if not query:
            self.search_note.hide()
            if self.list_model.filters.household_ids is not None:
                self._apply_filters(household_ids=None)
            return
        division = self.list_model.filters.division_id

        def done(found: tuple[list[str], dict[str, list[str]], dict[str, str]]) -> None:
            if generation != self._search_generation:
                return
            ids, matches, titles = found
            self._apply_filters(household_ids=tuple(ids))
            self._show_search_note(query, ids, matches, titles)
            if len(ids) >= SEARCH_LIMIT:
                self.statusBar().showMessage(
                    self.tr("搜索结果太多,只显示前 {0} 户,请输入更多字").format(SEARCH_LIMIT), 8000
                )

        def failed(error: BaseException) -> None:
            if generation == self._search_generation:
                self._show_error(self.tr("搜索失败:{0}").format(error_text("searching", error)))

        if self._search_job is not None:
            self._search_job.cancel()  # typed over: stop it, the new one needs the core
        job = self._search_job = InterruptibleQuery(self.db, find_with_members, query, division)
        self.runner.run(job, on_done=done, on_error=failed)

    def _show_search_note(
        self,
        query: str,
        ids: list[str],
        matches: dict[str, list[str]],
        titles: dict[str, str],
    ) -> None:
        if not ids:
            self.search_note.setText(
                self.tr(
                    "没有找到“{0}”。可以输入姓名、拼音首字母、身份证号(3 位以上)或户编号;"
                    "按 Esc 清空搜索,显示全部农户。"
                ).format(query)
            )
            self.search_note.show()
            return
        if not matches:
            self.search_note.hide()
            return
        parts = [
            self.tr("{0} 户的成员 {1}").format(titles.get(h, ""), "、".join(names))
            for h, names in list(matches.items())[:4]
        ]
        more = self.tr(" 等 {0} 户").format(len(matches)) if len(matches) > 4 else ""
        self.search_note.setText(
            self.tr("“{0}”匹配到户主以外的成员:{1}{2}").format(query, ";".join(parts), more)
        )
        self.search_note.show()

    def _search_entered(self) -> None:
        """Enter in the search box: a card code or a household number opens that household;
        anything else is searched at once."""
        text = self.search_box.text().strip()
        if not text:
            return
        if looks_like_card(text):
            self.search_box.clear()
            self.open_scanned(text)
            return

        def done(household_id: str | None) -> None:
            if household_id is not None:
                self.open_form(household_id)
            else:
                self.search_now()

        app = self.app
        self.runner.run(
            lambda: app.resolve_household_number(text),
            on_done=done,
            on_error=lambda _e: self.search_now(),
        )

    # --- status bar --------------------------------------------------------------------------

    def _show_total(self, total: int | None) -> None:
        if total is None:
            self.total_label.setText(self.tr("正在读取…"))
        else:
            self.total_label.setText(self.tr("共 {0} 户").format(total))

    def _show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)

    def _show_message(self, title: str, text: str, *, warning: bool = False) -> QMessageBox:
        """A message the person must notice (not modal: the work behind it goes on)."""
        if self.message_box is not None:
            self.message_box.close()
        icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        apply_readable_font(box)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result: self._message_closed(box))
        self.message_box = box
        box.open()
        return box

    def _message_closed(self, box: QMessageBox) -> None:
        if self.message_box is box:
            self.message_box = None

    def _ask_yes_no(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        yes = box.addButton(self.tr("确定"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        apply_readable_font(box)
        box.exec()
        return box.clickedButton() is yes

    def refresh_unsynced(self) -> None:
        """Read the number of changes not yet synced and show it."""

        def done(count: int) -> None:
            self.unsynced_label.setText(self.tr("未同步:{0} 条").format(count))

        self.runner.run(
            self.app.unsynced_count,
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
        self.drafts_action = QAction(self.tr("我的草稿(&D)…"), self)
        self.drafts_action.setStatusTip(self.tr("还没有保存的表单(只在本机,不同步)"))
        self.drafts_action.triggered.connect(self.show_drafts)
        for action in (
            self.new_action,
            self.open_action,
            self.view_action,
            self.save_action,
            self.find_action,
            self.drafts_action,
        ):
            menu.addAction(action)
        self.addAction(self.new_action)
        self.addAction(self.save_action)

        operations = self.menuBar().addMenu(self.tr("办理(&O)"))
        operations.setToolTipsVisible(True)
        self.operations_menu = operations
        # Says in the menu itself why everything below is greyed out (a tooltip is missed).
        self.operations_hint = QAction(self)
        self.operations_hint.setEnabled(False)
        self.operations_hint.setVisible(False)
        operations.addAction(self.operations_hint)
        self.operation_actions: dict[Operation, QAction] = {}
        for op in Operation:
            if op in INTERNAL_OPERATIONS and not self.internal:
                continue
            action = QAction(self.operation_title(op), self)
            action.triggered.connect(lambda _checked=False, op=op: self.start_operation(op))
            operations.addAction(action)
            self.operation_actions[op] = action
        self.update_operations()

        view = self.menuBar().addMenu(self.tr("查看(&V)"))
        self.map_action = QAction(self.tr("村地图(&M)"), self)
        self.map_action.setShortcut(QKeySequence("Ctrl+M"))
        self.map_action.triggered.connect(self.show_village_map)
        self.problems_action = QAction(self.tr("本村问题清单(&P)…"), self)
        self.problems_action.triggered.connect(self.show_problem_list)
        self.committee_action = QAction(self.tr("采集本村村委会位置(&C)…"), self)
        self.committee_action.triggered.connect(self.capture_committee_location)
        view.addAction(self.map_action)
        view.addAction(self.problems_action)
        view.addAction(self.committee_action)
        self.village_info_action = QAction(self.tr("本村基本信息(&I)…"), self)
        self.village_info_action.triggered.connect(lambda: self.edit_village_info())
        view.addAction(self.village_info_action)
        # right-click on a village in the tree: its information and its committee's location
        self.tree_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.tree_view.addActions([self.village_info_action, self.committee_action])
        self.addAction(self.map_action)

        printing = self.menuBar().addMenu(self.tr("打印(&P)"))
        self.print_actions: dict[str, QAction] = {}
        for kind, title, handler in (
            ("cards", self.tr("本村户卡(二维码)…"), self.print_village_cards),
            ("reprint", self.tr("补打所选农户的户卡…"), self.reprint_card),
            ("publicity", self.tr("本村公示名单…"), self.print_publicity_list),
            ("problems", self.tr("本村问题清单…"), self.print_problem_list),
            ("day_report", self.tr("今天的工作日报…"), self.print_day_report),
            ("book", self.tr("所选农户的一簿…"), self.print_household_book),
        ):
            action = QAction(title, self)
            action.triggered.connect(lambda _checked=False, handler=handler: handler())
            printing.addAction(action)
            self.print_actions[kind] = action

        data = self.menuBar().addMenu(self.tr("数据(&D)"))
        self.backup_action = QAction(self.tr("立即备份(&B)"), self)
        self.backup_action.triggered.connect(self.backup_now)
        self.restore_action = QAction(self.tr("恢复备份(&R)…"), self)
        self.restore_action.triggered.connect(self.choose_and_restore)
        self.lock_action = QAction(self.tr("立即锁定(&L)"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock_requested)
        self.switch_user_action = QAction(self.tr("切换用户(&U)…"), self)
        self.switch_user_action.setStatusTip(
            self.tr("换另一个人登录:打开的表单先存为草稿,下次由原来的人接着填")
        )
        self.switch_user_action.triggered.connect(self.switch_user_requested)
        self.quit_action = QAction(self.tr("退出(&Q)"), self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setStatusTip(self.tr("关闭 Fieldbook(有未保存修改的表单会先问)"))
        self.quit_action.triggered.connect(self.close)
        data.addAction(self.backup_action)
        data.addAction(self.restore_action)
        data.addSeparator()
        data.addAction(self.lock_action)
        data.addAction(self.switch_user_action)
        data.addSeparator()
        data.addAction(self.quit_action)
        self.addAction(self.lock_action)
        self.addAction(self.quit_action)

        self.sync_menu = self.menuBar().addMenu(self.tr("同步(&Y)"))
        sync_action = QAction(self.tr("同步到县服务器(&S)…"), self)
        sync_action.triggered.connect(self.open_sync_dialog)
        self.sync_menu.addAction(sync_action)
        self.sync_issues_action = QAction(self.tr("同步问题(&P)…"), self)
        self.sync_issues_action.setStatusTip(self.tr("被服务器拒绝或有冲突的修改,直到处理完"))
        self.sync_issues_action.triggered.connect(self.open_sync_history)
        self.sync_menu.addAction(self.sync_issues_action)
        enroll_action = QAction(self.tr("登记本机(&E)…"), self)
        enroll_action.triggered.connect(self.open_enroll_dialog)
        self.sync_menu.addAction(enroll_action)
        self.conflicts_action: QAction | None = None
        if self.internal:  # township reviewers and county administrators decide conflicts
            self.conflicts_action = QAction(self.tr("冲突裁决(&C)…"), self)
            self.conflicts_action.triggered.connect(self.open_conflicts)
            self.sync_menu.addAction(self.conflicts_action)

        if self.settings is not None:
            preferences = self.menuBar().addMenu(self.tr("设置(&S)"))
            languages = preferences.addMenu(self.tr("界面语言(&L)"))
            group = QActionGroup(self)
            current = choose_language(None, self.settings)
            for code, name in LANGUAGE_NAMES:
                action = QAction(name, self)
                action.setCheckable(True)
                action.setChecked(code == current)
                action.triggered.connect(
                    lambda _checked=False, code=code: self.choose_language(code)
                )
                group.addAction(action)
                languages.addAction(action)

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
            case Operation.end_monitoring:
                return self.tr("解除监测…")
        return str(op)

    def _load_policy(self) -> None:
        """Read the database's working policy year: the operations and the status bar use it."""

        def done(found: WorkingYear) -> None:
            year, practice = found.year, found.practice_date
            self.policy = policy_year(year)
            self.practice_date = practice
            if practice is not None and not self._clock_given:
                self.clock = _practice_clock(practice)
            self.policy_label.setText(self.tr("政策年度:{0}").format(year))
            if practice is not None:
                self.practice_label.setText(self.tr("演示日期:{0}").format(practice.isoformat()))
            self.practice_label.setVisible(practice is not None)
            self.update_operations()

        def failed(error: BaseException) -> None:
            self.policy_label.setText(self.tr("政策年度:未配置"))
            self._show_error(
                self.tr("读取政策年度失败:{0}").format(error_text("reading the policy year", error))
            )

        self.runner.run(
            self.app.working_year,
            on_done=done,
            on_error=failed,
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
                action.setToolTip(self.tr("正在读取政策年度…"))
            self._hint_operations(self.tr("正在读取政策年度…"))
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
        if any(action.isEnabled() for action in actions.values()):
            self._hint_operations(None)
        elif row is None:
            self._hint_operations(self.tr("请先在列表中选择一户"))
        else:
            tips = {action.statusTip() or action.toolTip() for action in actions.values()}
            self._hint_operations(
                tips.pop()
                if len(tips) == 1
                else self.tr("所选农户现在不能办理这些操作(见各项提示)")
            )

    def _hint_operations(self, reason: str | None) -> None:
        hint = getattr(self, "operations_hint", None)
        if hint is None:
            return
        hint.setVisible(reason is not None)
        hint.setText(self.tr("为什么不能办理:{0}").format(reason) if reason else "")

    def start_operation(self, op: Operation | str) -> None:
        """Open the selected household's form and the operation's dialog in it."""
        household_id = self._require_household()
        if household_id is None:
            return
        operation = Operation(op)
        form = self.open_form(household_id)

        def start() -> None:
            form.start_operation(operation)

        if form.is_loaded:
            start()
        else:
            form.loaded.connect(start)

    def choose_language(self, lang: str) -> None:
        """Remember the interface language; it applies from the next start."""
        if self.settings is None:
            return
        set_language(self.settings, lang)
        if self.live_language:
            self.language_chosen.emit(lang)  # the app switches now (open forms become drafts)
            return
        self.statusBar().showMessage(self.tr("界面语言已更改,重新启动 Fieldbook 后生效"), 15000)

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
            autosave_seconds=self.autosave_seconds,
            restore_draft=restore_draft,
            settings=self.settings,
            app=self.app,
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
        self.forms[form.key] = form  # the list and counts were refreshed by the save's changes
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
            self.app, runner=self.runner, division_id=division, parent=self
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
            self._show_error(self.tr("请先在列表中选择一户"))
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
            self._show_error(
                self.tr("读取农户信息失败:{0}").format(error_text("reading a household", error))
            )

        app = self.app
        self.runner.run(lambda: app.household_detail(household_id), on_done=done, on_error=failed)

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
            self.app.drafts,
            on_done=done,
            on_error=lambda e: self._show_error(self.tr("读取草稿失败:{0}").format(e)),
        )

    def show_drafts(self) -> QDialog:
        """农户 → 我的草稿: this person's drafts, each opened back as it was left."""
        from desktop.ui.drafts_dialog import DraftsDialog

        dialog = DraftsDialog(self.db, self.runner, self.actor, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open_requested.connect(
            lambda draft: self.open_form(draft.household_id, key=draft.key, restore_draft=True)
        )
        self.drafts_dialog = dialog
        dialog.open()
        return dialog

    # --- the village: map and problem list -----------------------------------------------------
    def show_problem_list(self) -> ProblemListDialog | None:
        """The selected village's problem list on screen (reviewers may explain warnings)."""
        village = self._require_village()
        if village is None:
            return None
        if self.problem_dialog is not None:
            self.problem_dialog.close()
        dialog = ProblemListDialog(
            self.app,
            self.runner,
            village[0],
            village[1],
            may_explain=self.role in _EXPLAINERS,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.householdActivated.connect(lambda hid: self.open_form(hid))
        dialog.finished.connect(lambda _result: self._problem_dialog_closed(dialog))
        self.problem_dialog = dialog
        dialog.show()
        dialog.load()
        return dialog

    def _problem_dialog_closed(self, dialog: ProblemListDialog) -> None:
        if self.problem_dialog is dialog:
            self.problem_dialog = None

    def reload_everything(self) -> None:
        """Read the tree, the list, the counts and the policy year again (after a restore or
        a sync brought other data)."""
        self.list_model.reload()  # the list's first page first: it is what the person waits for
        self.tree_model.reload()
        self.refresh_unsynced()
        self._load_policy()

    # --- sync ----------------------------------------------------------------------------------

    def open_sync_dialog(self) -> None:
        """同步: the sync dialog (``desktop.ui.sync_dialog``); the lists are read again after."""
        from desktop.ui.sync_dialog import SyncDialog

        dialog = SyncDialog(self.db, self.runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._sync_closed(dialog))
        dialog.open_household_requested.connect(self._open_from_sync)
        dialog.enroll_requested.connect(lambda: (dialog.close(), self.open_enroll_dialog()))
        self.sync_dialog = dialog
        dialog.open()

    def open_sync_history(self) -> QDialog:
        """同步 → 同步问题: refused and conflicting changes, until dealt with."""
        from desktop.ui.sync_history import SyncHistoryDialog

        dialog = SyncHistoryDialog(self.db, self.runner, self, actor=self.actor)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open_household_requested.connect(self._open_from_sync)
        self.sync_history_dialog = dialog
        dialog.show()
        return dialog

    def _open_from_sync(self, household_id: str) -> None:
        # The sync dialog is modal over this window and would block the form: it makes way for
        # the (non-modal) list of sync issues, which stays beside the form.
        sync = self.sync_dialog
        if sync is not None and self.sender() is sync and not getattr(sync, "running", False):
            sync.close()
            self.open_sync_history()
        form = self.open_form(household_id)
        form.raise_()
        form.activateWindow()

    def _sync_closed(self, dialog: QDialog) -> None:
        if self.sync_dialog is dialog:
            self.sync_dialog = None
        self.reload_everything()

    def open_enroll_dialog(self) -> None:
        """同步 → 登记本机: the enrollment dialog (``desktop.ui.enroll_dialog``)."""
        from desktop.ui.enroll_dialog import EnrollDialog

        dialog = EnrollDialog(self.db, self, runner=self.runner)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_conflicts(self) -> None:
        """同步 → 冲突裁决: the township reviewer's conflict screen (``desktop.ui.conflicts``)."""
        from desktop.ui.conflicts import ConflictsWindow

        window = ConflictsWindow(self.db, self.runner, self, actor=self.actor)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()

    def rebind(self, db: Database) -> None:
        """Use ``db`` from now on, here and in every open form and dialog."""
        self.app.rebind(db)
        self.list_model.set_database(db)
        self.tree_model.set_database(db)  # the forms and dialogs share ``app``: rebound above

    # --- closing -------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        for form in list(self.forms.values()):
            form.close()  # a form with unsaved changes asks, and stays open
        if any(form.isVisible() for form in self.forms.values()):
            event.ignore()
            return
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
            self.scan_listener.uninstall()
        self._search_timer.stop()
        self._unsynced_timer.stop()
        self._idle_timer.stop()
        if self._print_folder is not None:
            self._print_folder.cleanup()
            self._print_folder = None
        from desktop.ui.geometry import remember_window

        remember_window(self, self.settings, "main")
        super().closeEvent(event)

