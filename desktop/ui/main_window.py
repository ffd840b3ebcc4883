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

Scanning: a household card's QR code typed by a keyboard-wedge scanner anywhere in the window
(``desktop.ui.scan.ScanListener``) is verified against the database (``verify_scanned``): a valid
card opens the household's form, any other card says why not (another county, altered,
revoked, not on this laptop). A household number typed quickly and ended by Enter anywhere, or
typed into the search box followed by Enter, opens that household too.

Menus for the rest of the day's work: 查看 (the village map in a dock — a click on a household
opens its form — and the selected village's problem list, where reviewers explain warnings),
打印 (household cards of the selected village with progress and cancel, a card reprinted for one
household, the publicity list, the problem list, the day report, the household book; each
previewed before it is printed), 数据 (back up now, restore a backup, lock now), 同步 when the
sync dialogs are installed, 设置 (the interface language). Marginal and monitored households
(internal lists, Q6) appear — in the list, the filters, the problem list and the household
book — only for roles that may see them.

Locking: the window notes every key press and mouse use of the application; after
``set_idle_lock(seconds)`` without any it emits ``lock_requested`` (so does 数据 → 立即锁定).
Whoever owns the database (``desktop.ui.app.Launcher``) then calls ``prepare_lock`` (the open
forms' drafts are autosaved), ``lock`` (every window of this one is hidden and the database
handle dropped: jobs that still run get ``DatabaseLocked``) and, after the PIN, ``unlock(db)``
with the database opened again: everything reappears as it was left.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import (
    QDate,
    QEvent,
    QItemSelection,
    QModelIndex,
    QObject,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.operations import Operation
from desktop.domain.policy import PolicyYear, policy_year
from desktop.domain.roles import Role, may_see_internal_lists
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
from desktop.store.settings import practice_date, working_policy
from desktop.ui.code_labels import ui_code_table
from desktop.ui.division_tree import DivisionTreeModel
from desktop.ui.errors import error_text
from desktop.ui.household_detail import HouseholdDetailDialog
from desktop.ui.household_form import DEFAULT_ACTOR, HouseholdForm, NewHouseholdDialog
from desktop.ui.household_list import COLUMNS, HouseholdListModel, InterruptibleQuery
from desktop.ui.operations_dialogs import (
    INTERNAL_OPERATIONS,
    Subject,
    calendar_problems,
    operation_problems,
    update_action,
)
from desktop.ui.roles import role_label  # translated names; the rule is the domain's
from desktop.ui.scan import ScanListener, ScanOutcome, looks_like_card, verify_scanned
from desktop.ui.style import apply_readable_font, give_menus_room
from desktop.ui.tasks import TaskRunner, in_session

if TYPE_CHECKING:
    from desktop.store.problems import ListedProblem, ProblemList

SEARCH_DELAY_MS = 0  # search as you type: a search typed over is cancelled, not waited for
SEARCH_LIMIT = 1000
SEARCH_NOTE_HOUSEHOLDS = 200
"""The search's first households checked for a match through a member other than the head."""
UNSYNCED_REFRESH_MS = 60_000
IDLE_CHECK_MAX_MS = 15_000

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

SCAN_MAX_GAP_S = 0.08
"""A scanner types a character every few ms; a person rarely under 80 ms, never for long."""
SCAN_MIN_LENGTH = 6
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.InputMethod,
    }
)

_KEY_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride})

_EXPLAINERS = frozenset({Role.REVIEWER, Role.ADMIN})
"""Roles that may explain a warning of the problem list (the township reviews the lists, Q4)."""

LANGUAGE_NAMES = (("zh_CN", "简体中文"), ("en", "English"))
"""Each language in its own words: never translated."""

Confirm = Callable[[str, str], bool]
"""``confirm(title, text)``: whether the person agreed (a yes/no question)."""


def find_households(
    session: Session, query: str, division_id: str | None, *, limit: int = SEARCH_LIMIT
) -> list[str]:
    """Search within the villages of ``division_id`` (everywhere when ``None``)."""
    villages = village_ids_under(session, division_id) if division_id else None
    return search_households(session, query, limit=limit, village_ids=villages)


def find_with_members(
    session: Session, query: str, division_id: str | None
) -> tuple[list[str], dict[str, list[str]], dict[str, str]]:
    """``find_households``, plus the members matched in households whose head did not match
    (with each such household's number and head, for the note above the list)."""
    from desktop.store.models import Household
    from desktop.store.search_matches import matched_members

    ids = find_households(session, query, division_id)
    matches = matched_members(session, query, ids[:SEARCH_NOTE_HOUSEHOLDS])
    titles = {
        h.id: f"{h.household_number} {h.head_name or ''}".strip()
        for h in session.execute(
            select(Household.id, Household.household_number, Household.head_name).where(
                Household.id.in_(list(matches))
            )
        )
    }
    return ids, matches, titles


# --- the database while locked -------------------------------------------------------------------


class DatabaseLocked(RuntimeError):
    """The app is locked: nothing reads or writes the database until someone signs in again."""


class _LockedDatabase:
    """Stands in for the ``Database`` while the app is locked.

    The real one (with the key in its engine) has been disposed and forgotten; a job that was
    already on its way, or a timer, gets ``DatabaseLocked`` instead of opening the file again.
    """

    is_sqlite = False

    @property
    def engine(self) -> Any:
        raise DatabaseLocked("程序已锁定,请重新登录")

    @contextmanager
    def session(self) -> Iterator[Session]:
        raise DatabaseLocked("程序已锁定,请重新登录")
        yield  # pragma: no cover - a generator, for the context manager

    def dispose(self) -> None:
        """Nothing to close."""


LOCKED_DATABASE = cast(Database, _LockedDatabase())


class NothingToPrint(Exception):
    """A document would be empty; the message (Chinese) says why."""


# --- small dialogs -------------------------------------------------------------------------------


class NoticeDatesDialog(QDialog):
    """The first and last day of a publicity notice, when the village has none recorded."""

    def __init__(
        self, message: str, *, today: date, min_days: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        apply_readable_font(self)
        self.setWindowTitle(self.tr("公示日期"))
        label = QLabel(message)
        label.setWordWrap(True)
        self.start_edit = QDateEdit(QDate(today.year, today.month, today.day))
        end = today + timedelta(days=max(min_days, 1) - 1)
        self.end_edit = QDateEdit(QDate(end.year, end.month, end.day))
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        form = QFormLayout()
        form.addRow(self.tr("公示开始日期:"), self.start_edit)
        form.addRow(self.tr("公示截止日期:"), self.end_edit)
        hint = QLabel(self.tr("每次公示不得少于 {0} 天(导引第16问)").format(min_days))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def dates(self) -> tuple[date, date]:
        """The chosen first and last day."""
        return self.start_edit.date().toPython(), self.end_edit.date().toPython()


class ProblemListDialog(QDialog):
    """One village's problem list (问题清单) on screen, from ``village_problem_list``.

    Double-click a household's problem to open its form (``householdActivated``). A role that
    may explain (reviewers, administrators) selects a warning and explains it; the explanation
    is kept (``explain_problem``) and the list is read again. Errors must be fixed instead.
    """

    householdActivated = Signal(str)

    def __init__(
        self,
        db: Database,
        runner: TaskRunner,
        village_id: str,
        village_name: str,
        *,
        internal: bool,
        may_explain: bool,
        actor: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        apply_readable_font(self)
        self.db = db
        self.runner = runner
        self.village_id = village_id
        self.internal = internal
        self.may_explain = may_explain
        self.actor = actor
        self.listed: ProblemList | None = None
        self._generation = 0
        self.setWindowTitle(self.tr("{0} 问题清单").format(village_name))
        self.resize(1180, 620)

        self.summary = QLabel(self.tr("正在审核…"))
        self.summary.setWordWrap(True)
        headers = [
            self.tr("户编号"),
            self.tr("户主"),
            self.tr("类别"),
            self.tr("规则"),
            self.tr("问题"),
            self.tr("情况说明"),
        ]
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column, width in enumerate((170, 80, 70, 200, 420)):
            self.table.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        self.table.itemDoubleClicked.connect(lambda item: self._activated(item.row()))
        self.table.currentCellChanged.connect(lambda *_args: self._update_buttons())

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.explain_button = QPushButton(self.tr("说明情况…"))
        self.explain_button.setToolTip(self.tr("疑似问题经核实无误的,写明情况说明;错误必须改正"))
        self.explain_button.clicked.connect(self.explain_selected)
        self.explain_button.setVisible(may_explain)
        self.reload_button = QPushButton(self.tr("重新审核"))
        self.reload_button.clicked.connect(self.load)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.explain_button)
        buttons.addWidget(self.reload_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, stretch=1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._update_buttons()

    def load(self) -> None:
        """Run the audit of the village again and show its list."""
        from desktop.store.problems import village_problem_list

        self._generation += 1
        generation = self._generation
        self.summary.setText(self.tr("正在审核…"))

        def done(listed: ProblemList) -> None:
            if generation == self._generation:
                self.show_list(listed)

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self.summary.setText(
                    self.tr("无法读取问题清单:{0}").format(
                        error_text("reading the problem list", error)
                    )
                )

        job = in_session(self.db, village_problem_list, self.village_id, internal=self.internal)
        self.runner.run(job, on_done=done, on_error=failed)

    def show_list(self, listed: ProblemList) -> None:
        """Fill the table with ``listed``."""
        from desktop.domain.problems import Severity

        self.listed = listed
        rows = listed.rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            problem = row.problem
            severity = self.tr("错误") if problem.is_error else self.tr("疑似")
            cells = [
                row.household_number or self.tr("(本村)"),
                row.head_name or "",
                severity,
                problem.code,
                problem.message,
                row.note.explanation if row.note is not None else "",
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 2 and problem.is_error:
                    item.setForeground(Qt.GlobalColor.darkRed)
                if c == 5 and row.note is not None:
                    item.setToolTip(
                        self.tr("{0} 于 {1} 说明").format(
                            row.note.explained_by, row.note.explained_at.strftime("%Y-%m-%d %H:%M")
                        )
                    )
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        explained = sum(1 for row in rows if row.explained)
        text = self.tr("{0} {1}年度:错误 {2} 个,疑似问题 {3} 个(已说明 {4} 个)").format(
            listed.village_name,
            listed.policy_year,
            listed.count(Severity.ERROR),
            listed.count(Severity.WARNING),
            explained,
        )
        if not rows:
            text = self.tr("{0} {1}年度:审核未发现问题").format(
                listed.village_name, listed.policy_year
            )
        self.summary.setText(text)
        self._update_buttons()

    def selected_row(self) -> ListedProblem | None:
        r = self.table.currentRow()
        if self.listed is None or not 0 <= r < len(self.listed.rows):
            return None
        return self.listed.rows[r]

    def _update_buttons(self) -> None:
        row = self.selected_row()
        self.explain_button.setEnabled(
            self.may_explain
            and row is not None
            and row.household_id is not None
            and not row.problem.is_error
        )

    def _activated(self, r: int) -> None:
        if self.listed is not None and 0 <= r < len(self.listed.rows):
            household_id = self.listed.rows[r].household_id
            if household_id:
                self.householdActivated.emit(household_id)

    def explain_selected(self) -> None:
        """Ask for the explanation of the selected warning, then keep it."""
        row = self.selected_row()
        if row is None:
            return
        current = row.note.explanation if row.note is not None else ""
        text, ok = QInputDialog.getMultiLineText(
            self,
            self.tr("情况说明"),
            self.tr("{0} {1}\n{2}\n\n情况说明:").format(
                row.household_number or "", row.head_name or "", row.problem.message
            ),
            current,
        )
        if ok:
            self.explain(row, text)

    def explain(self, row: ListedProblem, text: str) -> None:
        """Keep ``text`` as the explanation of ``row``'s problem (a serial job), then reload."""
        from desktop.store.problems import ProblemNoteError, explain_problem

        if not self.may_explain or row.household_id is None:
            return
        household_id, problem, actor = row.household_id, row.problem, self.actor

        def job() -> None:
            with self.db.session() as session:
                explain_problem(
                    session,
                    household_id=household_id,
                    rule_code=problem.code,
                    entity_id=problem.entity_id,
                    explanation=text,
                    actor=actor,
                )

        def done(_none: None) -> None:
            self.message.clear()
            self.load()

        def failed(error: BaseException) -> None:
            if isinstance(error, ProblemNoteError):
                self.message.setText(str(error))
            else:
                self.message.setText(
                    self.tr("情况说明没有保存:{0}").format(
                        error_text("saving a problem note", error)
                    )
                )

        self.runner.run(job, on_done=done, on_error=failed, serial=True)


# --- the window ----------------------------------------------------------------------------------


def _practice_clock(day: date) -> Callable[[], datetime]:
    """The demo's now: its practice day at the real time of day (book entries stay in order)."""
    return lambda: datetime.combine(day, datetime.now().time())


class MainWindow(QMainWindow):
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
        self.db = db
        self.runner = runner
        self.role = Role(role)
        self.actor = actor
        self.clock: Callable[[], datetime] = clock or datetime.now
        self._clock_given = clock is not None  # else a demo runs on its practice date
        self.autosave_seconds = autosave_seconds
        self.settings = settings
        self.internal = may_see_internal_lists(self.role)
        self.db_path = _database_file(db)
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
        self._print_folder: tempfile.TemporaryDirectory[str] | None = None
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
        with self.db.session() as session:
            since = working_policy(session).work_start
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
        from desktop.store.problems import households_with_open_problems

        village = self.selected_village()
        villages = [village[0]] if village is not None else None
        internal = self.internal

        def find(session) -> list[str]:
            return households_with_open_problems(session, village_ids=villages, internal=internal)

        self.statusBar().showMessage(self.tr("正在审核, 请稍候…"))
        self.runner.run(
            in_session(self.db, find),
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

        self.runner.run(
            in_session(self.db, resolve_household_number, text),
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
            from desktop.ui.app import choose_language

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

        def done(found: tuple[int, date | None]) -> None:
            from desktop.cards.pdf import set_practice_mark

            year, practice = found
            self.policy = policy_year(year)
            self.practice_date = practice
            if practice is not None and not self._clock_given:
                self.clock = _practice_clock(practice)
            set_practice_mark(practice is not None)  # 演示 on every printed page
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
            in_session(
                self.db, lambda session: (working_policy(session).year, practice_date(session))
            ),
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
        from desktop.ui.app import set_language

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
            actor=self.actor,
            role=self.role,
            clock=self.clock,
            autosave_seconds=self.autosave_seconds,
            restore_draft=restore_draft,
            settings=self.settings,
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

    def capture_committee_location(self, *, dialog_factory: Any = None) -> None:
        """GPS or typed point of the selected village's committee (Q18: poor or not), saved
        with its book entries and outbox change through ``save_village_rows``."""
        village = self._require_village()
        if village is None:
            return
        from desktop.location.apply import (
            LocationChoiceError,
            apply_to_village,
            context_for_village,
        )
        from desktop.store.models import Division
        from desktop.store.save import save_village_rows
        from desktop.ui.location_capture import LocationCaptureDialog

        with self.db.session() as session:
            context = context_for_village(session.get(Division, village[0]))
        dialog = (dialog_factory or LocationCaptureDialog)(context, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.choice() is None:
            return
        choice = dialog.choice()
        try:
            with self.db.session() as session:
                division = session.get(Division, village[0])
                if apply_to_village(division, choice):
                    save_village_rows(
                        session,
                        division,
                        [division],
                        actor=self.actor,
                        reason=self.tr("村委会位置采集"),
                    )
        except LocationChoiceError as exc:
            self._show_error(str(exc))
            return
        self.statusBar().showMessage(self.tr("{0} 村委会位置已保存").format(village[1]), 5000)

    def edit_village_info(self, *, dialog_factory: Any = None) -> QDialog | None:
        """The selected village's own information (Q3, Q18), in ``VillageInfoDialog``."""
        village = self._require_village()
        if village is None:
            return None
        from desktop.ui.village_info_dialog import VillageInfoDialog

        dialog = (dialog_factory or VillageInfoDialog)(
            self.db, village[0], actor=self.actor, parent=self
        )
        dialog.saved.connect(
            lambda _id: self.statusBar().showMessage(
                self.tr("{0} 村级信息已保存").format(village[1]), 5000
            )
        )
        dialog.open()
        return dialog

    def show_village_map(self) -> None:
        """Show the selected village's map in a dock; a click on a household opens its form."""
        village = self._require_village()
        if village is None:
            return
        if self.map_dock is None:
            from desktop.ui.village_map import VillageMapWidget

            dock = QDockWidget(self.tr("村地图"), self)
            dock.setObjectName("village_map")
            widget = VillageMapWidget()
            widget.householdActivated.connect(lambda hid: self.open_form(hid))
            dock.setWidget(widget)
            dock.setMinimumWidth(480)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            self.resizeDocks([dock], [580], Qt.Orientation.Horizontal)
            self.map_dock, self.map_widget = dock, widget
        self.map_dock.show()
        self.map_dock.raise_()
        self._load_map(village[0])

    def _load_map(self, village_id: str) -> None:
        if self.map_widget is None:
            return
        folder = self.db_path.parent if self.db_path is not None else None
        self.map_widget.load(self.db, village_id, self.runner, data_folder=folder)

    def show_problem_list(self) -> ProblemListDialog | None:
        """The selected village's problem list on screen (reviewers may explain warnings)."""
        village = self._require_village()
        if village is None:
            return None
        if self.problem_dialog is not None:
            self.problem_dialog.close()
        dialog = ProblemListDialog(
            self.db,
            self.runner,
            village[0],
            village[1],
            internal=self.internal,
            may_explain=self.role in _EXPLAINERS,
            actor=self.actor,
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

    # --- printing ------------------------------------------------------------------------------

    def _print_path(self, name: str) -> Path:
        """A new file in this window's own temporary folder (removed when the window closes):
        printed papers carry names, so they are not left lying around."""
        if self._print_folder is None:
            self._print_folder = tempfile.TemporaryDirectory(prefix="fieldbook-print-")
        folder = Path(self._print_folder.name)
        stamp = datetime.now().strftime("%H%M%S")
        n = 0
        while (path := folder / f"{name}-{stamp}{f'-{n}' if n else ''}.pdf").exists():
            n += 1
        return path

    def _build_and_preview(
        self,
        name: str,
        label: str,
        build: Callable[[Path, Any, Any], Any],
        describe: Callable[[Any], str],
        *,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Build a PDF in the runner behind a progress dialog with Cancel, then preview it."""
        from desktop.ui.print_preview import start_build

        out = self._print_path(name)

        def done(result: Any) -> None:
            self.print_progress = None
            self.print_result = result
            self.statusBar().showMessage(describe(result), 15000)
            self.show_preview(out)

        def failed(error: BaseException) -> None:
            self.print_progress = None
            out.unlink(missing_ok=True)
            if on_error is not None:
                on_error(error)
            else:
                self._print_failed(error)

        def cancelled() -> None:
            self.print_progress = None
            out.unlink(missing_ok=True)
            self.statusBar().showMessage(self.tr("已取消,没有生成文件"), 8000)

        self.print_progress = start_build(
            self.runner,
            lambda progress, cancel: build(out, progress, cancel),
            label=label,
            on_done=done,
            on_error=failed,
            on_cancelled=cancelled,
            parent=self,
        )

    def _print_failed(self, error: BaseException) -> None:
        if isinstance(error, NothingToPrint | LookupError | ValueError):
            self._show_message(self.tr("没有生成文件"), str(error), warning=True)
        else:
            self._show_message(
                self.tr("没有生成文件"),
                self.tr("生成失败:{0}").format(error_text("printing", error)),
                warning=True,
            )

    def show_preview(self, pdf: Path) -> None:
        """Qt's print dialog with preview over a built PDF; the file goes when it closes."""
        from desktop.ui.print_preview import PdfPrintPreview

        if self.print_preview is not None:
            self.print_preview.close()
        dialog = PdfPrintPreview(pdf, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def closed(_result: int) -> None:
            if self.print_preview is dialog:
                self.print_preview = None
            pdf.unlink(missing_ok=True)

        dialog.finished.connect(closed)
        self.print_preview = dialog
        dialog.open()

    def print_village_cards(self) -> None:
        """The QR household cards of the selected village's registered households (Q12)."""
        village = self._require_village()
        if village is None:
            return
        village_id, name = village
        db, actor = self.db, self.actor
        empty = self.tr("{0}没有建档立卡户,没有户卡可打印").format(name)

        def build(out: Path, progress: Any, cancelled: Any) -> Any:
            from desktop.cards.data import card_household_ids
            from desktop.cards.service import print_cards

            with db.session() as session:
                ids = card_household_ids(session, village_id)
                if not ids:
                    raise NothingToPrint(empty)
                return print_cards(
                    session, ids, out, actor=actor, progress=progress, cancelled=cancelled
                )

        self._build_and_preview(
            "cards",
            self.tr("正在生成 {0} 的户卡…").format(name),
            build,
            self._describe_cards,
        )

    def reprint_card(self) -> None:
        """Reprint the selected household's card: a new issue, which revokes the older cards."""
        household_id = self._require_household()
        if household_id is None:
            return
        row = self.list_model.row_at(self.table_view.currentIndex().row())
        title = row.household_number if row is not None else ""
        if not self.confirm(
            self.tr("补打户卡"),
            self.tr("为 {0} 补打户卡?补打后这户以前打印的户卡全部作废,扫描时会提示已作废。").format(
                title
            ),
        ):
            return
        db, actor = self.db, self.actor

        def build(out: Path, progress: Any, cancelled: Any) -> Any:
            from desktop.cards.service import print_cards

            with db.session() as session:
                return print_cards(
                    session,
                    [household_id],
                    out,
                    actor=actor,
                    reprint=True,
                    progress=progress,
                    cancelled=cancelled,
                )

        self._build_and_preview("card", self.tr("正在补打户卡…"), build, self._describe_cards)

    def _describe_cards(self, result: Any) -> str:
        text = self.tr("已生成 {0} 张户卡,{1} 页").format(result.sheet.cards, result.sheet.pages)
        if result.issued:
            text += self.tr(";登记新版次 {0} 户").format(len(result.issued))
        if result.refused:
            text += self.tr(";未打印 {0} 户").format(len(result.refused))
        return text

    def print_publicity_list(self, start: date | None = None, end: date | None = None) -> None:
        """The selected village's publicity list; asks the notice's dates when none are kept."""
        village = self._require_village()
        if village is None:
            return
        village_id, _name = village
        db = self.db

        def build(out: Path, progress: Any, cancelled: Any) -> Any:
            from desktop.cards import data, documents

            with db.session() as session:
                publicity = data.publicity_list(session, village_id, start=start, end=end)
            return documents.build_publicity_list(
                publicity, out, progress=progress, cancelled=cancelled
            )

        def failed(error: BaseException) -> None:
            from desktop.cards.data import NoticeDatesError

            if isinstance(error, NoticeDatesError):
                self.ask_notice_dates(str(error))
            else:
                self._print_failed(error)

        self._build_and_preview(
            "publicity",
            self.tr("正在生成公示名单…"),
            build,
            lambda result: self.tr("公示名单已生成,{0} 页").format(result.pages),
            on_error=failed,
        )

    def ask_notice_dates(self, message: str) -> NoticeDatesDialog:
        """Ask for the notice's first and last day, then print the publicity list with them."""
        min_days = self.policy.notice_min_days if self.policy is not None else 10
        dialog = NoticeDatesDialog(
            message, today=self.clock().date(), min_days=min_days, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(result: int) -> None:
            self.notice_dialog = None
            if result == QDialog.DialogCode.Accepted:
                self.print_publicity_list(*dialog.dates())

        dialog.finished.connect(finished)
        self.notice_dialog = dialog
        dialog.open()
        return dialog

    def print_problem_list(self) -> None:
        """The selected village's problem list on paper (internal problems only for roles that
        may see them)."""
        village = self._require_village()
        if village is None:
            return
        village_id, _name = village
        db, internal, day = self.db, self.internal, self.clock().date()

        def build(out: Path, progress: Any, cancelled: Any) -> Any:
            from desktop.cards import data, documents

            with db.session() as session:
                problems = data.problem_list(session, village_id, on=day, internal=internal)
            return documents.build_problem_list(
                problems, out, progress=progress, cancelled=cancelled
            )

        self._build_and_preview(
            "problems",
            self.tr("正在审核并生成问题清单…"),
            build,
            lambda result: self.tr("问题清单已生成,{0} 个问题,{1} 页").format(
                result.rows, result.pages
            ),
        )

    def print_day_report(self) -> None:
        """Today's field report: of the selected village, else of every village here."""
        village = self.selected_village()
        db, day = self.db, self.clock().date()
        villages = [village[0]] if village is not None else None

        def build(out: Path, progress: Any, cancelled: Any) -> Any:
            from desktop.cards import data, documents

            with db.session() as session:
                report = data.day_report(session, day, village_ids=villages)
            return documents.build_day_report(report, out, progress=progress, cancelled=cancelled)

        self._build_and_preview(
            "day-report",
            self.tr("正在生成工作日报…"),
            build,
            lambda result: self.tr("工作日报已生成,{0} 页").format(result.pages),
        )

    def print_household_book(self) -> None:
        """The selected household's book (一簿); internal entries only for roles that may see them."""
        household_id = self._require_household()
        if household_id is None:
            return
        db, internal = self.db, self.internal

        def build(out: Path, progress: Any, cancelled: Any) -> Any:
            from desktop.cards import data, documents

            with db.session() as session:
                book = data.household_book(session, household_id, internal=internal)
            return documents.build_household_book(book, out, progress=progress, cancelled=cancelled)

        self._build_and_preview(
            "book",
            self.tr("正在生成一簿…"),
            build,
            lambda result: self.tr("一簿已生成,{0} 条记录,{1} 页").format(
                result.rows, result.pages
            ),
        )

    # --- data: backup and restore --------------------------------------------------------------

    def backup_now(self) -> None:
        """Back the database up now into its backup folder (a serial job)."""
        from desktop.store.backup import backup_now

        db = self.db

        def done(info: Any) -> None:
            text = self.tr("已备份到 {0}").format(info.path)
            if info.fallback_message:
                text += "\n" + info.fallback_message
            self.statusBar().showMessage(text.splitlines()[0], 15000)
            self._show_message(self.tr("备份完成"), text)

        def failed(error: BaseException) -> None:
            self._show_message(self.tr("备份失败"), error_text("backing up", error), warning=True)

        self.runner.run(lambda: backup_now(db), on_done=done, on_error=failed, serial=True)

    def run_daily_backup(self) -> None:
        """The day's first backup if it is due (after sign-in); says so in the status bar."""
        from desktop.store.backup import daily_backup_if_due

        db = self.db

        def done(info: Any) -> None:
            if info is None:
                return
            text = self.tr("今天的自动备份已完成:{0}").format(info.path.name)
            if info.fallback_message:
                text = info.fallback_message
            self.statusBar().showMessage(text, 15000)

        def failed(error: BaseException) -> None:
            self._show_message(
                self.tr("自动备份失败"), error_text("the daily backup", error), warning=True
            )

        self.runner.run(lambda: daily_backup_if_due(db), on_done=done, on_error=failed, serial=True)

    def choose_and_restore(self) -> None:
        """数据 → 恢复备份: pick a backup file, confirm, restore it and reopen the database."""
        if self.db_path is None:
            self._show_message(
                self.tr("不能恢复"), self.tr("只能恢复本机的数据库文件"), warning=True
            )
            return
        from desktop.store.backup import default_backup_folder

        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("选择要恢复的备份"),
            str(default_backup_folder(self.db_path)),
            self.tr("数据库备份 (*.db)"),
        )
        if path:
            self.restore_backup_file(Path(path))

    def restore_backup_file(self, backup: Path) -> bool:
        """Restore ``backup`` in place of this database and reopen it; whether it started.

        Asks first; refused while household forms are open (their drafts live in the database
        being replaced). The database as it was is backed up first by the store.
        """
        if self.forms:
            self._show_message(
                self.tr("不能恢复"),
                self.tr("请先保存并关闭所有打开的农户信息表,再恢复备份"),
                warning=True,
            )
            return False
        db_path = self.db_path
        if db_path is None:
            self._show_message(
                self.tr("不能恢复"), self.tr("只能恢复本机的数据库文件"), warning=True
            )
            return False
        if not self.confirm(
            self.tr("恢复备份"),
            self.tr(
                "用备份 {0} 替换现在的数据库?\n现在的数据库会先另存一份备份,恢复后程序重新打开数据库。"
            ).format(backup.name),
        ):
            return False
        from desktop.store.crypto import key_from_engine

        key = key_from_engine(self.db.engine)
        old = self.db
        self.rebind(LOCKED_DATABASE)
        old.dispose()
        self.statusBar().showMessage(self.tr("正在恢复备份…"))

        def job() -> tuple[Any, BaseException | None, Database]:
            from desktop.store.backup import restore_backup
            from desktop.store.db import open_database

            result, error = None, None
            try:
                result = restore_backup(backup, db_path, key=key)
            except Exception as exc:  # noqa: BLE001 - reported below, the database reopened
                error = exc
            return result, error, open_database(db_path, key=key)

        def done(answer: tuple[Any, BaseException | None, Database]) -> None:
            result, error, db = answer
            self.rebind(db)
            self.database_replaced.emit(db)
            self.reload_everything()
            if error is not None:
                self._show_message(
                    self.tr("恢复失败"),
                    self.tr("没有恢复,数据库保持原样:{0}").format(
                        error_text("restoring a backup", error)
                    ),
                    warning=True,
                )
                return
            text = self.tr("已从 {0} 恢复:{1} 户,一簿 {2} 条,未同步 {3} 条。").format(
                result.restored_from.name,
                result.households,
                result.ledger_entries,
                result.outbox_changes,
            )
            if result.safety_backup is not None:
                text += "\n" + self.tr("恢复前的数据库已另存为 {0}").format(
                    result.safety_backup.path
                )
            self.statusBar().showMessage(self.tr("备份已恢复"), 15000)
            self._show_message(self.tr("备份已恢复"), text)

        def failed(error: BaseException) -> None:
            self._show_message(
                self.tr("无法重新打开数据库"),
                self.tr("请关闭程序后重新启动:{0}").format(
                    error_text("reopening after a restore", error)
                ),
                warning=True,
            )

        self.runner.run(job, on_done=done, on_error=failed, serial=True)
        return True

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

    # --- scanner -------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Note any input (for the idle lock), and a household number typed quickly and ended
        by Enter anywhere in this window (a barcode scanner, or a quick typist)."""
        kind = event.type()
        if kind in _INPUT_EVENTS:
            self._last_input = time.monotonic()
        if kind not in _KEY_EVENTS or not isinstance(watched, QWidget) or self.locked:
            return False
        focus = QApplication.focusWidget()
        first = watched is focus if focus is not None else watched is self
        if not first or watched.window() is not self:
            return False
        assert isinstance(event, QKeyEvent)
        now = time.monotonic()
        if now - self._scan_last > SCAN_MAX_GAP_S:
            self._scan_buffer.clear()
        if kind == QEvent.Type.ShortcutOverride:
            # An Enter that ends a scanned code must reach the widget as a key press (where the
            # scan listeners see it), not trigger a shortcut such as the list's "open the row".
            if event.key() in ENTER_KEYS and self._scanned_text() is not None:
                event.accept()
                return True
            return False
        self._scan_last = now
        if event.key() in ENTER_KEYS:
            text = self._scanned_text()
            self._scan_buffer.clear()
            if text is None or looks_like_card(text):
                return False  # nothing scanned, or a card's code: ``ScanListener`` verifies it
            self.open_scanned(text)
            return True  # the Enter belonged to the code, not to the widget
        if event.text() and event.text().isprintable():
            self._scan_buffer.append(event.text())
        return False

    def _scanned_text(self) -> str | None:
        """What was typed quickly just before, when it reads as a card or a household number."""
        text = "".join(self._scan_buffer).strip()
        if looks_like_card(text) or (
            len(text) >= SCAN_MIN_LENGTH and any(c.isdigit() for c in text)
        ):
            return text
        return None

    def _owns(self, widget: QWidget | None) -> bool:
        """Whether ``widget`` is this window or one of its windows (forms, dialogs)."""
        while widget is not None:
            top = widget.window()
            if top is self:
                return True
            widget = top.parentWidget()
        return False

    def _card_scanned(self, text: str) -> None:
        """A card's code typed by the scanner: drop it from the field it landed in, verify it."""
        if self.locked or not self.isVisible():
            return
        focus = QApplication.focusWidget()
        if focus is not None and not self._owns(focus):
            return
        if isinstance(focus, QLineEdit) and focus.text().endswith(text):
            focus.setText(focus.text()[: -len(text)])
        self.open_scanned(text)

    def open_scanned(self, text: str) -> None:
        """Open the household a scanned card (or a typed household number) names; say why not."""
        if looks_like_card(text):
            db = self.db
            self.runner.run(
                lambda: verify_scanned(db, text),
                on_done=self._scan_answered,
                on_error=lambda e: self._show_error(self.tr("扫码失败:{0}").format(e)),
            )
            return

        def done(household_id: str | None) -> None:
            if household_id is None:
                self._show_error(self.tr("没有找到编号为 {0} 的农户").format(text))
                return
            self.open_form(household_id)

        self.runner.run(
            in_session(self.db, resolve_household_number, text),
            on_done=done,
            on_error=lambda e: self._show_error(self.tr("扫码失败:{0}").format(e)),
        )

    def _scan_answered(self, outcome: ScanOutcome) -> None:
        self.statusBar().showMessage(outcome.message, 15000)
        if outcome.household_id is not None:
            self.open_form(outcome.household_id)
            return
        self._show_message(self.tr("户卡不能使用"), outcome.message, warning=True)

    # --- idle lock -----------------------------------------------------------------------------

    def set_idle_lock(self, seconds: float | None) -> None:
        """Ask for a lock (``lock_requested``) after ``seconds`` without input; ``None``: never."""
        self.idle_lock_seconds = seconds
        self._last_input = time.monotonic()
        if seconds is None or seconds <= 0:
            self._idle_timer.stop()
            return
        self._idle_timer.setInterval(max(50, min(int(seconds * 250), IDLE_CHECK_MAX_MS)))
        if not self.locked:
            self._idle_timer.start()

    def idle_for(self) -> float:
        """Seconds since the last key press or mouse use anywhere in the application."""
        return time.monotonic() - self._last_input

    def _check_idle(self) -> None:
        seconds = self.idle_lock_seconds
        if self.locked or seconds is None:
            return
        if self.idle_for() >= seconds:
            self._idle_timer.stop()
            self.lock_requested.emit()

    def prepare_lock(self, ready: Callable[[], None]) -> None:
        """Autosave every open form's draft, then call ``ready()`` once they are written."""
        self._idle_timer.stop()
        for form in list(dict.fromkeys(self.forms.values())):
            form.autosave_now()
        # Serial jobs run in order: this one's answer comes after every autosave's.
        self.runner.run(
            lambda: None, on_done=lambda _none: ready(), on_error=lambda _e: ready(), serial=True
        )

    def lock(self) -> None:
        """Hide this window and all of its windows and forget the database (see the module doc);
        the caller disposes the database."""
        self.locked = True
        self._idle_timer.stop()
        self._unsynced_timer.stop()
        self._search_timer.stop()
        self._scan_buffer.clear()
        shown = [w for w in QApplication.topLevelWidgets() if w.isVisible() and self._owns(w)]
        shown.sort(key=lambda w: w is not self)  # the main window first, when shown again
        for widget in reversed(shown):
            widget.hide()
        self._hidden_while_locked = shown
        self.rebind(LOCKED_DATABASE)

    def unlock(self, db: Database) -> None:
        """Go on with ``db`` (opened again after the PIN): every window comes back as it was."""
        self.rebind(db)
        self.locked = False
        for widget in self._hidden_while_locked:
            widget.show()
        self._hidden_while_locked = []
        self.raise_()
        self.activateWindow()
        self._unsynced_timer.start()
        self.list_model.resume()
        if self.tree_model.rowCount() == 0:
            self.tree_model.reload()
        if self.policy is None:
            self._load_policy()
        self.refresh_unsynced()
        self.set_idle_lock(self.idle_lock_seconds)

    def rebind(self, db: Database) -> None:
        """Use ``db`` from now on, here and in every open form and dialog."""
        self.db = db
        self.list_model.set_database(db)
        self.tree_model.set_database(db)
        for form in dict.fromkeys(self.forms.values()):
            form.db = db
        if self.new_dialog is not None:
            self.new_dialog.db = db
        if self.problem_dialog is not None:
            self.problem_dialog.db = db

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


def _database_file(db: Database) -> Path | None:
    """The SQLite file behind ``db`` (``None`` for PostgreSQL or an in-memory database)."""
    from desktop.store.backup import database_path

    try:
        return database_path(db.engine)
    except DatabaseLocked:
        return None
