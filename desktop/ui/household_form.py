"""The guided household form: every page of one household, checked as it is typed, never lost.

The form edits a payload (``desktop.store.household_edit``): a plain dict of the household and
its rows, read in the task runner when the form opens. As the person types:

- the form is checked 300 ms after the last change: the payload's light records go through the
  domain audit (``desktop.domain.audit.audit_household``) under the database's policy year, and
  unreadable dates and numbers become problems too. Problems are listed with their Chinese
  messages, and the offending fields, member rows and pages are marked. Errors block saving;
  warnings are saved with a reason the person gives (it goes into the household book). Problems
  in ``desktop.domain.audit.SAVE_EXEMPT`` (no location yet, a procedure still running …) are
  listed as notes: they neither block a save nor ask for a reason, as in ``save_household``;
- a draft of the payload is autosaved every few seconds (``desktop.store.drafts``, 3 s by
  default) while there are unsaved changes; a draft left by a crash is offered back when the
  household is opened again or on the next start;
- closing with unsaved changes asks: save, discard, or go back.

The widget shows; the rules are the Qt-free ``desktop.application.household_editor.HouseholdEditor``
(``self.editor``), which holds the payload, its problems and the reasons given, and says what a
save needs next. Saving hands a snapshot to ``Fieldbook.save_form`` (the application layer, on the
database's one writer), which runs ``desktop.store.household_edit.save_form`` — the one save
path, ``save_household`` — as a serial job in the task runner; its answer's ``OpChanges`` go to
``Fieldbook.notify``, so the main window reads its list again. A refused save shows its problems
and keeps everything typed.
Operations (新识别, 脱贫, 自然增加 …) come from the form's 办理 menu and are checked against the
calendar at the form's ``clock``, and an identification or a return against its procedure too
(``desktop.domain.procedure.completion_problems``); what they record is saved with the form.

The location page takes a location through ``desktop.ui.location_capture.LocationCaptureDialog``
(GPS, typed coordinates, or the Q19 fallback with its note and contact); the choice goes into the
payload (``household_edit.set_location``) and is saved with the household by the one save path.

Every text is translatable (``self.tr``); the domain's problem messages and code-table labels are
shown as the domain gives them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.application import Fieldbook, Outcome
from desktop.application.household_editor import (
    DEFAULT_AUTOSAVE_SECONDS,
    SAVE_EXEMPT,
    HouseholdEditor,
    Refusal,
    SaveStep,
    blocking,
    is_missing_required,
    missing,
    needing_reason,
    notes,
)
from desktop.domain.operations import MEMBER_OPERATIONS, Operation
from desktop.domain.problems import Problem
from desktop.ui.code_labels import ui_code_table
from desktop.ui.errors import error_text
from desktop.ui.form_fields import FIELD_LABELS, PROBLEM_STYLE, FieldBinder
from desktop.ui.form_models import ROW_ID_ROLE, ProblemListModel, utc_text
from desktop.ui.form_tabs import (
    AssistanceTab,
    BookTab,
    FieldsPage,
    IncomeTab,
    LocationPage,
    ProcedureTab,
    RisksTab,
)
from desktop.ui.geometry import fit_window, remember_window
from desktop.ui.member_editor import MembersTab
from desktop.ui.new_household_dialog import NewHouseholdDialog
from desktop.ui.operations_dialogs import (
    INTERNAL_OPERATIONS,
    OperationDialog,
    ReasonDialog,
    Subject,
    operation_name,
    operation_problems,
    update_action,
)
from desktop.ui.problem_texts import problem_message
from desktop.ui.roles import Role
from desktop.ui.style import apply_readable_font, give_menus_room
from desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.domain.policy import PolicyYear
    from desktop.store.db import Database
    from desktop.store.drafts import DraftData
    from desktop.store.household_edit import FormContext, FormData, SavedForm

__all__ = ["DEFAULT_ACTOR", "HouseholdForm", "NewHouseholdDialog", "is_missing_required"]

DEFAULT_ACTOR = "演示用户"  # a user name stored in the book, not a text of the interface
VALIDATE_DELAY_MS = 300
Clock = Callable[[], datetime]

_G = "HouseholdForm"  # the translation context of the group titles below
BASIC_GROUPS = (
    (QT_TRANSLATE_NOOP("HouseholdForm", "户基本信息"), ("household_number", "village_id", "hamlet_id",
        "address", "phone", "last_visit_date")),
    (QT_TRANSLATE_NOOP("HouseholdForm", "户属性和状态"), ("status", "attribute", "special_support_mode",
        "identification_standard", "identified_year", "exited_year", "returned_year")),
    (QT_TRANSLATE_NOOP("HouseholdForm", "致贫和返贫原因"), ("main_cause", "other_causes", "return_causes")),
    (QT_TRANSLATE_NOOP("HouseholdForm", "家庭情况"), ("military_family", "only_child", "two_daughters",
        "cooperative_member", "led_by_enterprise", "led_by_entrepreneur")),
    (QT_TRANSLATE_NOOP("HouseholdForm", "银行账户"), ("bank_name", "bank_account")),
    (QT_TRANSLATE_NOOP("HouseholdForm", "备注"), ("note",)),
)  # fmt: skip
INTERNAL_GROUP = (
    QT_TRANSLATE_NOOP("HouseholdForm", "内部标识(仅内部掌握)"),
    ("marginal", "monitored"),
)
CONDITION_GROUPS = (
    (QT_TRANSLATE_NOOP("HouseholdForm", "土地(亩)"), ("cultivated_land_mu", "irrigated_land_mu",
        "forest_land_mu", "returned_farmland_mu", "fruit_forest_mu", "pasture_mu", "water_surface_mu")),
    (QT_TRANSLATE_NOOP("HouseholdForm", "水电路讯"), ("production_power", "living_power", "broadcast_tv",
        "road_distance_km", "road_type")),
    (QT_TRANSLATE_NOOP("HouseholdForm", "住房和燃料"), ("housing_area_m2", "dangerous_house",
        "housing_grade", "sanitary_toilet", "fuel_type")),
    (QT_TRANSLATE_NOOP("HouseholdForm", "易地扶贫搬迁"), ("relocation_wish", "relocation_mode",
        "resettlement_method", "resettlement_place")),
)  # fmt: skip
ASSURANCE_GROUPS = (
    (QT_TRANSLATE_NOOP("HouseholdForm", "两不愁"), ("food_assured", "clothing_assured")),
    (QT_TRANSLATE_NOOP("HouseholdForm", "三保障"), ("education_assured", "medical_assured",
        "housing_assured")),
    (QT_TRANSLATE_NOOP("HouseholdForm", "饮水安全"), ("water_assured", "drinking_water_difficult",
        "drinking_water_safe")),
)  # fmt: skip
CAPTURE_TABS = {"gps": 0, "manual": 1, "away": 2}
"""Which tab of the location capture dialog each button of the location page opens."""

ENTITY_TAB = {
    "household": "basic",
    "member": "members",
    "income": "income",
    "income_item": "income",
    "measure": "assistance",
    "assistance_person": "assistance",
    "risk": "risks",
    "procedure": "procedures",
    "natural_change": "members",
}
CONDITION_COLUMNS = {c for _title, columns in CONDITION_GROUPS for c in columns}
TAB_COLOURS = {
    "error": QColor("#b71c1c"),
    "missing": QColor("#7a3e00"),
    "warning": QColor("#7a4a00"),
}
"""Tab label colours, each at least 4.5:1 on the tab bar's light grey (WCAG AA)."""
TAB_STATES = {
    "": lambda: QCoreApplication.translate("HouseholdForm", "本页没有问题"),
    "error": lambda: QCoreApplication.translate("HouseholdForm", "本页有错误,须改正才能保存"),
    "missing": lambda: QCoreApplication.translate("HouseholdForm", "本页有必填内容没有填写"),
    "warning": lambda: QCoreApplication.translate(
        "HouseholdForm", "本页有疑似问题,可说明原因后保存"
    ),
}


ASSURANCE_COLUMNS = {c for _title, columns in ASSURANCE_GROUPS for c in columns}


def _groups(groups: Any) -> list[tuple[str, Any]]:
    """Group titles in the interface language."""
    return [(QCoreApplication.translate(_G, title), columns) for title, columns in groups]


class HouseholdForm(QMainWindow):
    """The form of one household (an existing one, a new one, or one coming back from a draft).

    ``household_id`` opens a stored household; ``new_payload`` a household not saved yet (see
    ``household_edit.new_household_payload``); ``key`` a draft key (a new household's draft).
    ``restore_draft`` decides what happens to a draft found on opening: None asks, True takes
    it, False deletes it. ``clock`` is the app's now (operations are checked against it).
    ``autosave_seconds`` overrides the database's setting.
    """

    loaded = Signal()
    saved = Signal(str)  # household id
    autosaved = Signal()
    closed = Signal(str)  # draft key
    problems_changed = Signal()

    def __init__(
        self,
        db: Database,
        *,
        runner: TaskRunner,
        household_id: str | None = None,
        new_payload: dict[str, Any] | None = None,
        key: str | None = None,
        actor: str = DEFAULT_ACTOR,
        role: Role | str = Role.FIELD_WORKER,
        clock: Clock | None = None,
        autosave_seconds: float | None = None,
        restore_draft: bool | None = None,
        settings: QSettings | None = None,
        app: Fieldbook | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.settings = settings
        # The application layer (the main window's, shared; else one of its own over ``db``)
        # and the form's logic without widgets, which holds the payload and its problems.
        self.app = app or Fieldbook(db, user=actor, role=role, clock=clock or datetime.now)
        self.editor = HouseholdEditor(
            self.app, household_id=household_id, key=key, new_payload=new_payload
        )
        self.editor.labels = FIELD_LABELS
        self.runner = runner
        self._autosave_override = autosave_seconds
        self._restore_draft = restore_draft
        self.saving = False
        self.is_loaded = False
        self.pending_draft: DraftData | None = None
        self.draft_prompt: QMessageBox | None = None
        self.close_prompt: QMessageBox | None = None
        self.reason_dialog: ReasonDialog | None = None
        self.operation_dialog: OperationDialog | None = None
        self.location_dialog: Any = None  # the open LocationCaptureDialog
        self.location_options: dict[str, Any] = {}  # extra arguments of that dialog (tests)
        self.last_autosave: datetime | None = None
        self.last_error: str = ""
        self._banner_from_errors = False  # the banner lists errors: it goes once they are fixed
        self._tab_states: dict[str, str] = {}
        self.scope_note: str | None = None  # the household is outside the laptop's villages
        self.scope_prompt: QMessageBox | None = None
        self.draft_prompt_missing: QMessageBox | None = None
        self._close_after_save = False
        self._close_confirmed = False
        self._closed = False  # answers of jobs that arrive after the window closed are dropped

        apply_readable_font(self)
        self.setStyleSheet(PROBLEM_STYLE)
        self.setWindowTitle(self.tr("农户信息表"))
        self._build()
        # Its status bar says 已保存: the whole window must be on a 1024×768 screen (issue 15).
        fit_window(self, (1280, 800), settings=settings, key="household_form")

        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATE_DELAY_MS)
        self._validate_timer.timeout.connect(self.validate_now)
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setSingleShot(True)
        self._autosave_timer.timeout.connect(self.autosave_now)
        self.set_autosave_seconds(autosave_seconds or DEFAULT_AUTOSAVE_SECONDS)

        self.load()

    # --- the application layer and the editor ------------------------------------------------

    @property
    def db(self) -> Database:
        return self.app.db

    @db.setter
    def db(self, db: Database) -> None:
        self.app.rebind(db)

    @property
    def actor(self) -> str:
        return self.app.user

    @property
    def role(self) -> Role:
        return self.app.role

    @property
    def internal(self) -> bool:
        return self.app.internal

    @property
    def clock(self) -> Clock:
        return self.app.now

    @clock.setter
    def clock(self, value: Clock) -> None:
        self.app.clock = value

    payload = property(
        lambda self: self.editor.payload, lambda self, v: setattr(self.editor, "payload", v)
    )
    policy: PolicyYear | None = property(  # type: ignore[assignment]
        lambda self: self.editor.policy, lambda self, v: setattr(self.editor, "policy", v)
    )
    context: FormContext = property(  # type: ignore[assignment]
        lambda self: self.editor.context, lambda self, v: setattr(self.editor, "context", v)
    )
    problems = property(
        lambda self: self.editor.problems, lambda self, v: setattr(self.editor, "problems", v)
    )
    dirty = property(
        lambda self: self.editor.dirty, lambda self, v: setattr(self.editor, "dirty", v)
    )
    household_id = property(
        lambda self: self.editor.household_id,
        lambda self, v: setattr(self.editor, "household_id", v),
    )
    key = property(lambda self: self.editor.key, lambda self, v: setattr(self.editor, "key", v))

    # --- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.header = QLabel(self.tr("正在读取…"))
        self.header.setObjectName("form.header")
        self.header.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.banner = QLabel()
        self.banner.setObjectName("form.banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("color: #c62828; font-weight: bold;")
        self.banner.hide()

        self.basic_binder = FieldBinder("household", self._head, self._household_edited)
        self.conditions_binder = FieldBinder("household", self._head, self._household_edited)
        self.assurance_binder = FieldBinder("household", self._head, self._household_edited)
        self.location_binder = FieldBinder("household", self._head, self._household_edited)
        self.household_binders = (
            self.basic_binder,
            self.conditions_binder,
            self.assurance_binder,
            self.location_binder,
        )
        groups = list(BASIC_GROUPS)
        if self.internal:
            groups.insert(2, INTERNAL_GROUP)
        self.basic_page = FieldsPage(
            _groups(groups),
            self.basic_binder,
            note=self.tr("脱贫状态只能通过“办理”菜单的新识别、返贫、脱贫操作改变。"),
        )
        self.members_tab = MembersTab(head_sex=self._head_sex, today=self._today)
        self.members_tab.member_edited.connect(self._member_edited)
        self.members_tab.add_requested.connect(self.add_member)
        self.members_tab.remove_requested.connect(self.remove_member)
        self.income_tab = IncomeTab(self._edited)
        self.conditions_page = FieldsPage(_groups(CONDITION_GROUPS), self.conditions_binder)
        self.assurance_page = FieldsPage(
            _groups(ASSURANCE_GROUPS),
            self.assurance_binder,
            note=self.tr(
                "“两不愁三保障”和饮水安全以政策年度规定时点的情况为准(导引第8问),"
                "与行业部门数据一致(导引第14问)。"
            ),
        )
        self.assistance_tab = AssistanceTab(self._edited)
        self.risks_tab = RisksTab(self._edited) if self.internal else None
        self.location_page = LocationPage(self.location_binder)
        self.location_page.capture_requested.connect(self.capture_location)
        self.location_page.set_enabled(False)
        self.procedure_tab = ProcedureTab(self._edited)
        self.book_tab = BookTab()

        self.tabs = QTabWidget()
        self.tabs.setObjectName("form.tabs")
        self.tab_keys: list[str] = []
        for key, page, title in (
            ("basic", self.basic_page, self.tr("基本信息")),
            ("members", self.members_tab, self.tr("家庭成员")),
            ("income", self.income_tab, self.tr("收入")),
            ("conditions", self.conditions_page, self.tr("生产生活条件")),
            ("assurances", self.assurance_page, self.tr("两不愁三保障")),
            ("assistance", self.assistance_tab, self.tr("帮扶")),
            ("risks", self.risks_tab, self.tr("风险(内部)")),
            ("location", self.location_page, self.tr("位置")),
            ("procedures", self.procedure_tab, self.tr("程序")),
            ("book", self.book_tab, self.tr("户簿")),
        ):
            if page is None:
                continue
            # A page wider than a 1024-pixel screen (a long language, a wide table) scrolls
            # instead of widening the window past the screen (issue 15).
            holder = QScrollArea()
            holder.setObjectName(f"form.page.{key}")
            holder.setWidgetResizable(True)
            holder.setFrameShape(QFrame.Shape.NoFrame)
            holder.setWidget(page)
            self.tabs.addTab(holder, title)
            self.tab_keys.append(key)
        self.tab_titles = [self.tabs.tabText(i) for i in range(self.tabs.count())]

        self.problem_model = ProblemListModel(self, exempt=SAVE_EXEMPT)
        self.problem_view = QListView()
        self.problem_view.setObjectName("form.problems")
        self.problem_view.setModel(self.problem_model)
        self.problem_view.setWordWrap(True)
        self.problem_view.activated.connect(self._problem_activated)
        self.problem_view.doubleClicked.connect(self._problem_activated)
        self.problem_summary = QLabel(self.tr("问题清单"))
        self.problem_summary.setObjectName("form.problem_summary")
        problems = QWidget()
        problems_layout = QVBoxLayout(problems)
        problems_layout.setContentsMargins(0, 0, 0, 0)
        problems_layout.addWidget(self.problem_summary)
        problems_layout.addWidget(self.problem_view)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tabs)
        splitter.addWidget(problems)
        splitter.setStretchFactor(0, 6)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([660, 110])
        central = QWidget()
        layout = QVBoxLayout(central)
        top = QHBoxLayout()
        top.addWidget(self.header, stretch=1)
        self.save_button = QPushButton(self.tr("保存 (Ctrl+S)"))
        self.save_button.setObjectName("form.save")
        self.save_button.setToolTip(self.tr("检查并保存本户;必填内容没填完时可以先存为草稿"))
        self.save_button.clicked.connect(self.save)
        top.addWidget(self.save_button)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, stretch=1)
        self.setCentralWidget(central)
        self.central = central

        self.autosave_label = QLabel()
        self.state_label = QLabel()
        self.state_label.setObjectName("form.state")
        self.statusBar().addWidget(self.state_label, 1)
        self.statusBar().addPermanentWidget(self.autosave_label)
        self._build_menus()
        give_menus_room(self.menuBar())

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu(self.tr("农户(&H)"))
        self.save_action = QAction(self.tr("保存(&S)"), self)
        self.save_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.save_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.save_action.triggered.connect(self.save)
        self.close_action = QAction(self.tr("关闭(&C)"), self)
        self.close_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Close))
        self.close_action.triggered.connect(self.close)
        menu.addAction(self.save_action)
        menu.addAction(self.close_action)
        self.addAction(self.save_action)

        ops = self.menuBar().addMenu(self.tr("办理(&O)"))
        ops.setToolTipsVisible(True)
        self.operation_actions: dict[Operation, QAction] = {}
        for op in Operation:
            if op in INTERNAL_OPERATIONS and not self.internal:
                continue
            action = QAction(self.tr("{0}…").format(operation_name(op)), self)
            action.triggered.connect(lambda _checked=False, op=op: self.start_operation(op))
            ops.addAction(action)
            self.operation_actions[op] = action

    # --- loading -------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the household, its book, its draft and the policy year (in the runner)."""
        self.runner.run(self.editor.load, on_done=self._loaded, on_error=self._load_failed)

    def _load_failed(self, error: BaseException) -> None:
        if self._closed:
            return
        self.show_banner(
            self.tr("读取农户信息失败:{0}").format(error_text("loading the form", error))
        )
        self.header.setText(self.tr("无法打开"))

    def _loaded(self, data: FormData) -> None:
        if self._closed:
            return
        base = self.editor.loaded(data)
        if self._autosave_override is None:
            self.set_autosave_seconds(data.autosave_seconds)
        if base is None and data.draft is None:
            self.show_banner(self.tr("该户已不存在(可能已被删除),请刷新列表。"))
            self.header.setText(self.tr("该户不存在"))
            self.central.setEnabled(False)
            return
        self.book_tab.set_lines(data.book)
        if base is None:  # a new household known only from its draft
            assert data.draft is not None
            self._set_payload(data.draft.payload, dirty=True)
            self._status(self.tr("已恢复 {0} 的草稿").format(self._when(data.draft)))
        else:
            self._set_payload(
                base, dirty=self.editor.new_payload is not None and data.payload is None
            )
            if data.draft is not None:
                self.pending_draft = data.draft
                if self._restore_draft is True:
                    self.restore_draft()
                elif self._restore_draft is False:
                    self.discard_draft()
                else:
                    self._ask_restore(data.draft)
        self.is_loaded = True
        self.location_page.set_enabled(True)
        self._check_scope()
        self.loaded.emit()

    def _check_scope(self) -> None:
        """Whether this household lies outside the villages this laptop is enrolled for."""
        village_id = ((self.payload or {}).get("household") or {}).get("village_id")
        app = self.app

        def found(outside: tuple[str, list[str]] | None) -> None:
            self.scope_note = None
            if outside is not None:
                village, enrolled = outside
                self.scope_note = self.tr(
                    "本机登记的是{0},这户属于{1}:在这里保存的修改,同步时会被县服务器拒绝。"
                ).format("、".join(enrolled), village)
                self._status(self.scope_note)

        self.runner.run(
            lambda: app.outside_enrolment(village_id),
            on_done=found,
            on_error=lambda _error: None,
        )

    def _when(self, draft: DraftData) -> str:
        return f"{utc_text(draft.saved_at)}({draft.user_name})"

    def _ask_restore(self, draft: DraftData) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("发现未保存的草稿"))
        box.setText(
            self.tr("本户有一份未保存的草稿(自动保存于 {0} {1})。").format(
                f"{draft.saved_at:%Y-%m-%d}", self._when(draft)
            )
        )
        box.setInformativeText(self.tr("恢复草稿,继续上次没有保存的填写?"))
        restore = box.addButton(self.tr("恢复草稿"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("丢弃草稿"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(restore)
        apply_readable_font(box)

        def answered(_result: int) -> None:
            self.draft_prompt = None
            if box.clickedButton() is restore:
                self.restore_draft()
            else:
                self.discard_draft()

        box.finished.connect(answered)
        self.draft_prompt = box
        box.open()

    def restore_draft(self) -> None:
        """Take the pending draft's payload (the form becomes unsaved)."""
        draft = self.pending_draft
        if draft is None:
            return
        self.pending_draft = None
        self._set_payload(draft.payload, dirty=True)
        self._status(self.tr("已恢复 {0} 的草稿,请核对后保存").format(self._when(draft)))

    def discard_draft(self) -> None:
        """Delete the pending draft (the stored household stays as it was)."""
        self.pending_draft = None
        self.runner.run(self.editor.discard_draft_job(), on_done=lambda _ok: None, serial=True)

    def _set_payload(self, payload: dict[str, Any], *, dirty: bool) -> None:
        assert self.policy is not None
        p = self.editor.take(payload, dirty=dirty)
        meta, head = p["meta"], p["household"]
        meta_values = {"village_id": meta.get("village_name"), "hamlet_id": meta.get("hamlet_name")}
        for binder in self.household_binders:
            binder.load()
        for column, name in meta_values.items():
            widget = self.basic_binder.widgets.get(column)
            if widget is not None:
                widget.setText(name or "—")
        self.location_page.show_state(head, edited=self.editor.location_edited)
        self.members_tab.set_members(p["members"])
        self.income_tab.set_payload(p, self.policy)
        self.assistance_tab.set_payload(p, self.policy.year)
        if self.risks_tab is not None:
            self.risks_tab.set_payload(p)
        self.procedure_tab.set_payload(p, self.policy)
        self._update_header()
        self.update_operations()
        self.validate_now()
        if dirty:
            self._schedule_autosave()

    # --- payload access ------------------------------------------------------------------------

    def _head(self) -> dict[str, Any] | None:
        return self.editor.head

    def _head_sex(self) -> str | None:
        return self.editor.head_sex()

    def _today(self) -> date:
        return self.editor.today()

    @property
    def title(self) -> str:
        return self.editor.title

    # --- edits ---------------------------------------------------------------------------------

    def _household_edited(self, column: str) -> None:
        self._edited(f"household.{column}")

    def _member_edited(self, _member_id: str, column: str) -> None:
        self._edited(f"member.{column}")

    def _edited(self, what: str) -> None:
        """Something in the payload changed: unsaved, check soon, autosave soon."""
        if self.payload is None:
            return
        self.dirty = True
        self._update_header()
        if what.startswith("income") or what.startswith("member"):
            self._show_income()
        if what.startswith("member"):
            self.assistance_tab.refresh_members()
        if what.startswith("procedure"):  # a step recorded here may complete a procedure
            self.update_operations()
        self._validate_timer.start()
        self._schedule_autosave()

    def _update_header(self) -> None:
        if self.payload is None:
            return

        head = self.payload["household"]
        status = ui_code_table("status").label(head.get("status") or "ordinary")
        place = " ".join(
            p
            for p in (
                self.payload["meta"].get("village_name"),
                self.payload["meta"].get("hamlet_name"),
            )
            if p
        )
        flags = []
        if self.internal and head.get("marginal"):
            flags.append(self.tr("边缘户"))
        if self.internal and head.get("monitored"):
            flags.append(self.tr("脱贫监测户"))
        text = f"{self.title} · {place} · {status}"
        if flags:
            text += " · " + "、".join(flags)
        self.header.setText(text)
        mark = " *" if self.dirty else ""
        self.setWindowTitle(self.tr("农户信息表 {0}").format(self.title) + mark)
        if self.risks_tab is not None:
            self.risks_tab.show_flags(self.payload)
        self._update_state()

    # --- checking ------------------------------------------------------------------------------

    def validate_now(self) -> list[Problem]:
        """Check the form now: the audit of its current state plus unreadable values."""
        self._validate_timer.stop()
        if self.payload is None or self.policy is None:
            return []
        records, found = self.editor.check()
        self.problem_model.set_problems(found)
        notes = self.notes(found)
        errors = sum(1 for p in found if p.is_error and p.code not in SAVE_EXEMPT)
        warnings = len(found) - errors - len(notes)
        if not found:
            summary = self.tr("问题清单:没有发现问题")
        else:
            summary = self.tr(
                "问题清单:错误 {0} 个(须改正才能保存),疑似问题 {1} 个(可说明原因后保存)"
            ).format(errors, warnings)
            if notes:
                summary += self.tr(",提示 {0} 条(保存时不需说明)").format(len(notes))
        self.problem_summary.setText(summary)
        self._mark([p for p in found if p.code not in SAVE_EXEMPT])
        self._show_income(records)
        if self._banner_from_errors:  # the banner of a refused save follows the errors
            errors = blocking(found)
            if errors:
                self.banner.setText(
                    self.tr("有 {0} 个错误,不能保存:{1}").format(len(errors), problem_message(errors[0]))
                )
            else:
                self.hide_banner()
        self._update_state()
        self.problems_changed.emit()
        return found

    missing = staticmethod(missing)

    def _update_state(self) -> None:
        """The status bar's summary: saved or not, and how complete the household is."""
        if self.payload is None:
            self.state_label.setText("")
            return
        problems = [p for p in self.problems if p.code not in SAVE_EXEMPT]
        errors = len(self.blocking(problems))
        missing = len(self.missing(problems))
        warnings = len(problems) - errors - missing
        clean = sum(1 for key in self.tab_keys if key not in self._tab_states)
        saved = (
            self.tr("有未保存的修改")
            if self.dirty
            else (self.tr("已保存") if self.payload["meta"].get("saved") else self.tr("未保存"))
        )
        parts = [
            saved,
            self.tr("完整度:{0}/{1} 页无问题").format(clean, len(self.tab_keys)),
        ]
        if missing:
            parts.append(self.tr("必填未填 {0} 项").format(missing))
        if errors:
            parts.append(self.tr("错误 {0} 个").format(errors))
        if warnings:
            parts.append(self.tr("疑似问题 {0} 个").format(warnings))
        if not (missing or errors):
            parts.append(self.tr("可以定稿保存"))
        self.state_label.setText(" · ".join(parts))

    notes = staticmethod(notes)
    blocking = staticmethod(blocking)
    needing_reason = staticmethod(needing_reason)

    def _mark(self, problems: list[Problem]) -> None:
        assert self.payload is not None
        household_marks: dict[str, tuple[str, str]] = {}
        income_marks: dict[str, tuple[str, str]] = {}
        rows: dict[str, dict[str, tuple[str, str]]] = {}
        member_ids = {str(m.get("id")) for m in self.payload["members"]}
        tabs: dict[str, str] = {}
        counts: dict[str, int] = {}
        for p in problems:
            entity, _, column = p.field.partition(".")
            severity = "error" if p.is_error else "warning"
            tab = ENTITY_TAB.get(entity, "basic")
            if entity == "household" and column in CONDITION_COLUMNS:
                tab = "conditions"
            elif entity == "household" and column in ASSURANCE_COLUMNS:
                tab = "assurances"
            counts[tab] = counts.get(tab, 0) + 1
            state = "missing" if is_missing_required(p) else severity
            if tabs.get(tab) not in ("error", "missing") or state == "error":
                tabs[tab] = state
            target: dict[str, tuple[str, str]]
            if entity == "household":
                target = household_marks
            elif entity == "income":  # the audit names the household, the form the income
                target = income_marks
            elif entity == "member" and p.entity_id not in member_ids:
                target = {}  # about the members as a whole (no head …): listed only
            else:
                target = rows.setdefault(f"{entity}:{p.entity_id}", {})
            if target.get(column, ("", ""))[0] != "error":
                previous = target.get(column, ("", ""))[1]
                message = f"{previous}\n{problem_message(p)}".strip() if previous else problem_message(p)
                target[column] = (severity, message)
        for binder in self.household_binders:
            binder.mark(household_marks)
        self.income_tab.binder.mark(income_marks)

        def row_marks(entity: str) -> dict[str, tuple[str, str]]:
            found = {}
            for key, columns in rows.items():
                kind, _, row_id = key.partition(":")
                if kind == entity and columns:
                    severe = any(s == "error" for s, _m in columns.values())
                    found[row_id] = (
                        "error" if severe else "warning",
                        "\n".join(m for _s, m in columns.values()),
                    )
            return found

        member_fields = {
            key.partition(":")[2]: cols for key, cols in rows.items() if key.startswith("member:")
        }
        self.members_tab.mark(row_marks("member"), member_fields)
        self.income_tab.items.set_marks(row_marks("income_item"))
        self.assistance_tab.model.set_marks(row_marks("measure"))
        person = self.payload.get("assistance_person") or {}
        self.assistance_tab.person.mark(rows.get(f"assistance_person:{person.get('id')}", {}))
        if self.risks_tab is not None:
            self.risks_tab.model.set_marks(row_marks("risk"))
        self.procedure_tab.model.set_marks(row_marks("procedure"))
        # Each page says its state: ✓ nothing to do, else how many problems and of what kind
        # (colours at least 4.5:1 on the tab's background, WCAG AA).
        self._tab_states = tabs
        for i, key in enumerate(self.tab_keys):
            severity = tabs.get(key)
            if severity is None:
                title = self.tab_titles[i] + " ✓"
            else:
                title = f"{self.tab_titles[i]} {counts.get(key, 0)}●"
            self.tabs.setTabText(i, title)
            self.tabs.tabBar().setTabTextColor(i, TAB_COLOURS.get(severity or "", QColor()))
            self.tabs.tabBar().setTabToolTip(i, TAB_STATES[severity or ""]())

    def _show_income(self, records: Any = None) -> None:
        if self.payload is None or self.policy is None:
            return
        unreadable: list[Problem] = []
        if records is None:
            records, unreadable = self.editor.preview()
        income = self.editor.current_income(records)
        bad = any(p.field.startswith("income") for p in unreadable) or any(
            p.field.startswith("income") and p.code.startswith("FORM_") for p in self.problems
        )
        self.income_tab.show_totals(income, self.editor.member_count(), bad)

    def _problem_activated(self, index: QModelIndex) -> None:
        problem = index.data(ROW_ID_ROLE)
        if isinstance(problem, Problem):
            self.go_to_problem(problem)

    def go_to_problem(self, problem: Problem) -> None:
        """Show the page, row and field a problem is about, and put the cursor there."""
        entity, _, column = problem.field.partition(".")
        tab = ENTITY_TAB.get(entity, "basic")
        if entity == "household" and column in CONDITION_COLUMNS:
            tab = "conditions"
        elif entity == "household" and column in ASSURANCE_COLUMNS:
            tab = "assurances"
        if tab in self.tab_keys:
            self.tabs.setCurrentIndex(self.tab_keys.index(tab))
        widget = None
        if entity == "household":
            widget = next(
                (b.widgets[column] for b in self.household_binders if column in b.widgets), None
            )
        elif (
            entity == "member"
            and problem.entity_id
            and self.members_tab.select_member(problem.entity_id)
        ):
            widget = self.members_tab.editor.binder.widgets.get(column)
        elif entity == "income":
            widget = self.income_tab.binder.widgets.get(column)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- members -------------------------------------------------------------------------------

    def _subject(self) -> Subject:
        return self.editor.subject(self.tr("未填姓名"))

    def _registered_and_saved(self) -> bool:
        return self.editor.registered_and_saved()

    def add_member(self) -> None:
        """A registered household gains a member by a natural increase; others just add a row."""
        if self.payload is None:
            return
        if self._registered_and_saved():
            self.start_operation(Operation.member_in)
            return
        row = self.editor.add_member()
        self.members_tab.refresh(select=row["id"])
        self._edited("member.add")
        self.tabs.setCurrentIndex(self.tab_keys.index("members"))
        self.members_tab.editor.widget("name").setFocus()

    def remove_member(self, member_id: str) -> None:
        """Take back a member added in this form, or record a natural decrease (never a delete)."""
        if self.payload is None:
            return
        taken_back = self.editor.take_back_member(member_id)
        if taken_back is None:
            return
        if taken_back:
            self.members_tab.refresh()
            self._edited("member.remove")
            return
        self.start_operation(
            Operation.member_out, member_id=member_id, check=self._registered_and_saved()
        )

    # --- location ------------------------------------------------------------------------------

    def capture_location(self, kind: str = "gps") -> Any:
        """Open the location capture dialog on ``kind``'s page (``gps``, ``manual``, ``away``).

        The location the person takes goes into the form (``household_edit.set_location``) and
        is saved with the household; cancelling changes nothing. Returns the dialog.
        """
        if self.payload is None or self.policy is None or not self.is_loaded:
            return None
        from desktop.ui.location_capture import LocationCaptureDialog

        records, _ = self.editor.preview()
        context = self.editor.location_context(self.tr("户编号 {0}").format(self.title), records)
        dialog = LocationCaptureDialog(context, parent=self, **self.location_options)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.tabs.setCurrentIndex(min(CAPTURE_TABS.get(kind, 0), dialog.tabs.count() - 1))

        def finished(result: int) -> None:
            if self.location_dialog is dialog:
                self.location_dialog = None
            if result == LocationCaptureDialog.DialogCode.Accepted and not self._closed:
                choice = dialog.choice()
                if choice is not None:
                    self.apply_location(choice, records)

        dialog.finished.connect(finished)
        self.location_dialog = dialog
        dialog.open()
        return dialog

    def apply_location(self, choice: Any, records: Any = None) -> list[str]:
        """Put a ``LocationChoice`` into the form (saved with the household); the changed fields."""
        assert self.payload is not None
        changed = self.editor.apply_location(choice, records)
        self.location_binder.load()
        self.location_page.show_state(self.payload["household"], edited=self.editor.location_edited)
        if changed:
            self._edited("household.location")
            self.validate_now()
            self._status(self.tr("已采集位置,请核对后保存(Ctrl+S)"))
        return changed

    # --- operations ----------------------------------------------------------------------------

    def update_operations(self) -> None:
        """Enable each operation the domain allows now; a refused one says why in its tooltip."""
        if self.payload is None or self.policy is None:
            for action in self.operation_actions.values():
                action.setEnabled(False)
            return
        subject = self._subject()
        moment = self.clock()
        for op, action in self.operation_actions.items():
            problems = operation_problems(op, subject, policy=self.policy, moment=moment)
            if op in MEMBER_OPERATIONS and not self.payload["meta"].get("saved"):
                problems = []  # a household not yet in the registry gains and loses members freely
            update_action(action, problems)

    def start_operation(
        self, op: Operation | str, *, member_id: str | None = None, check: bool = True
    ) -> OperationDialog | None:
        """Open the operation's dialog; what it records goes into the form when confirmed."""
        if self.payload is None or self.policy is None:
            return None
        operation = Operation(op)
        if operation in INTERNAL_OPERATIONS and not self.internal:
            return None
        if operation in MEMBER_OPERATIONS and not self.payload["meta"].get("saved"):
            check = False
        dialog = OperationDialog(
            operation,
            self._subject(),
            policy=self.policy,
            clock=self.clock,
            check=check,
            member_id=member_id,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(result: int) -> None:
            if self.operation_dialog is dialog:
                self.operation_dialog = None
            if result == OperationDialog.DialogCode.Accepted:
                self._record_operation(operation, dialog.values(), checked=dialog.check)

        dialog.finished.connect(finished)
        self.operation_dialog = dialog
        dialog.open()
        return dialog

    def _record_operation(
        self, op: Operation, values: dict[str, Any], *, checked: bool = True
    ) -> None:
        assert self.payload is not None and self.policy is not None
        touched = self.editor.record_operation(op, values, checked=checked)
        for binder in self.household_binders:
            binder.load()
        self.members_tab.refresh(select=touched["id"] if touched else None)
        self.procedure_tab.model.refresh()
        if self.risks_tab is not None:
            self.risks_tab.model.refresh()
        self.update_operations()
        self._edited(f"operation.{op.value}")
        self.validate_now()
        self._status(self.tr("已办理“{0}”,请核对后保存(Ctrl+S)").format(operation_name(op)))
        if op is Operation.member_in and touched is not None:
            self.tabs.setCurrentIndex(self.tab_keys.index("members"))

    # --- saving --------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save (Ctrl+S): errors stop it, warnings ask for a reason, then the one save path runs.

        Returns whether a save was started (or a reason is being asked for).
        """
        if self.payload is None or self.saving or not self.is_loaded:
            return False
        problems = self.validate_now()
        step = self.editor.save_step(problems, outside_enrolment=bool(self.scope_note))
        if step.errors:
            errors = step.errors
            self.show_banner(
                self.tr("有 {0} 个错误,不能保存:{1}").format(len(errors), problem_message(errors[0]))
            )
            self._banner_from_errors = True
            self.go_to_problem(errors[0])
            self._close_after_save = False
            return False
        if step.refused:
            self.show_banner(
                self.tr("不能保存:{0}").format(";".join(problem_message(p) for p in step.refused))
            )
            self._close_after_save = False
            return False
        if step.missing:
            self._offer_draft(step.missing)
            return False
        if step.confirm_scope:
            self._confirm_scope()
            return False
        if step.new_warnings:
            self._ask_reason(step, notes(problems))
            return True
        # A reason given in this form is not asked for again (issue 15): only new ones are.
        self._start_save(step.reason)
        return True

    def _ask_reason(self, step: SaveStep, listed_notes: list[Problem]) -> None:
        """New warnings: a reason for them (kept in the book), then the save goes on."""
        dialog = ReasonDialog(step.new_warnings, self, notes=listed_notes)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(result: int) -> None:
            self.reason_dialog = None
            if result == ReasonDialog.DialogCode.Accepted:
                self.editor.give_reason(step.new_warnings, dialog.text())
                self._start_save(self.editor.given_reasons(step.warnings))
            else:
                self._close_after_save = False

        dialog.finished.connect(finished)
        self.reason_dialog = dialog
        dialog.open()

    def _confirm_scope(self) -> None:
        """Another village than the laptop's: saying so plainly before saving."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("不是本机登记的村"))
        box.setText(self.scope_note or "")
        box.setInformativeText(
            self.tr("请确认是否走错了村。确实要保存的,同步后请联系乡镇审核员处理。")
        )
        save = box.addButton(self.tr("仍然保存"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(self.tr("不保存"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        apply_readable_font(box)

        def answered(_result: int) -> None:
            self.scope_prompt = None
            if box.clickedButton() is save:
                self.editor.scope_confirmed = True
                self.save()
            else:
                self._close_after_save = False

        box.finished.connect(answered)
        self.scope_prompt = box
        box.open()

    def _offer_draft(self, missing: list[Problem]) -> None:
        """Required fields are empty: not saved; kept as a draft if the person wants."""
        self._close_after_save = False
        self.go_to_problem(missing[0])
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("必填内容没有填完"))
        box.setText(
            self.tr("还有 {0} 项必填内容没有填写,不能定稿保存(不能用一句原因代替):").format(
                len(missing)
            )
        )
        listed = [f"· {problem_message(p)}" for p in missing[:10]]
        if len(missing) > 10:
            listed.append(self.tr("…… 另有 {0} 项").format(len(missing) - 10))
        box.setInformativeText(
            "\n".join(listed)
            + "\n\n"
            + self.tr("可以先存为草稿(只保存在本机,不进入户簿、不同步),填完后再保存。")
        )
        draft = box.addButton(self.tr("存为草稿"), QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton(self.tr("返回填写"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        apply_readable_font(box)

        def answered(_result: int) -> None:
            self.draft_prompt_missing = None
            if box.clickedButton() is draft:
                self.keep_as_draft()
            else:
                self.go_to_problem(missing[0])

        box.finished.connect(answered)
        self.draft_prompt_missing = box
        box.open()

    def keep_as_draft(self) -> None:
        """Keep what was typed as this user's draft now (not saved into the registry)."""
        self.autosave_now()
        self._status(self.tr("已存为草稿(未定稿):填完必填内容后再保存"))

    def _start_save(self, reason: str | None) -> None:
        assert self.payload is not None
        self.saving = True
        self._autosave_timer.stop()
        self.central.setEnabled(False)
        self.banner.hide()
        self._status(self.tr("正在保存…"))
        job = self.editor.save_job(reason)
        self.runner.run(job, on_done=self._saved, on_error=self._save_failed, serial=True)

    def _saved(self, outcome: Outcome[SavedForm]) -> None:
        self.app.notify(outcome.changes)  # the main window's list, tree and counts
        result = outcome.result
        if self._closed:
            return
        self.saving = False
        self.central.setEnabled(True)
        member = (self.members_tab.selected_member() or {}).get("id")
        tab = self.tabs.currentIndex()
        self._set_payload(self.editor.saved(result), dirty=False)
        self.tabs.setCurrentIndex(tab)
        if member:
            self.members_tab.select_member(str(member))
        self.book_tab.set_lines(result.book)
        self._status(self.tr("已保存,户簿记录 {0} 条").format(result.ledger_entries))
        self.saved.emit(result.household_id)
        if self._close_after_save:
            self._close_confirmed = True
            self.close()

    def _save_failed(self, error: BaseException) -> None:
        if self._closed:
            return
        self.saving = False
        self.central.setEnabled(True)
        self._close_after_save = False
        refusal = Refusal.of(error)
        if refusal is not None:
            problems = refusal.problems
            self.problems = list(problems)
            self.problem_model.set_problems(problems)
            self._mark(list(problems))
            message = refusal.message if refusal.message is not None else self.tr("有无效的填写")
            first = next((p for p in problems if p.is_error), problems[0] if problems else None)
            text = self.tr("没有保存:{0}").format(message)
            self.show_banner(text + (f"。{problem_message(first)}" if first else ""))
            if first is not None:
                self.go_to_problem(first)
        else:
            self.show_banner(
                self.tr("保存失败,填写的内容都还在,可以再试一次:{0}").format(
                    error_text("saving a household", error)  # never the database's own text
                )
            )
        self._status(self.tr("没有保存"))
        self._schedule_autosave()

    def show_banner(self, text: str) -> None:
        self.last_error = text
        self._banner_from_errors = False
        self.banner.setText(text)
        self.banner.show()

    def hide_banner(self) -> None:
        self._banner_from_errors = False
        self.banner.hide()

    def _status(self, text: str) -> None:
        self.statusBar().showMessage(text, 15000)

    # --- drafts --------------------------------------------------------------------------------

    def set_autosave_seconds(self, seconds: float) -> None:
        self.autosave_seconds = seconds
        self._autosave_timer.setInterval(max(int(seconds * 1000), 50))

    def _schedule_autosave(self) -> None:
        if not self._autosave_timer.isActive():
            self._autosave_timer.start()

    def autosave_now(self) -> None:
        """Write the draft now if there are unsaved changes (each autosave commits on its own)."""
        self._autosave_timer.stop()
        if self.payload is None or not self.dirty or self.saving:
            return
        job = self.editor.autosave_job()

        def done(outcome: Outcome[DraftData]) -> None:
            draft = outcome.result
            if self._closed:
                return
            self.last_autosave = draft.saved_at
            self.autosave_label.setText(
                self.tr("草稿已自动保存 {0}").format(utc_text(draft.saved_at))
            )
            self.autosaved.emit()

        def failed(error: BaseException) -> None:
            if not self._closed:
                self.autosave_label.setText(
                    self.tr("草稿自动保存失败:{0}").format(error_text("autosaving a draft", error))
                )

        self.runner.run(job, on_done=done, on_error=failed, serial=True)

    # --- heads-down entry ----------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Enter in a field moves to the next field (a line edit or a list passes Enter on)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            focused = QApplication.focusWidget()
            if (
                focused is not None
                and hasattr(focused, "edited")
                and self.tabs.isAncestorOf(focused)
            ):
                self.focusNextChild()
                event.accept()
                return
        super().keyPressEvent(event)

    # --- closing -------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.dirty and not self._close_confirmed and self.payload is not None:
            event.ignore()
            if self.close_prompt is None and not self.saving:
                self._ask_close()
            return
        self._validate_timer.stop()
        self._autosave_timer.stop()
        self._closed = True
        if self.location_dialog is not None:  # stops its GPS reader and waits for the thread
            self.location_dialog.reject()
        remember_window(self, self.settings, "household_form")
        self.closed.emit(self.key)
        super().closeEvent(event)

    def _ask_close(self) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("有未保存的修改"))
        box.setText(self.tr("{0} 有未保存的修改。").format(self.title))
        box.setInformativeText(self.tr("保存后关闭,还是放弃这些修改?"))
        save = box.addButton(self.tr("保存"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(self.tr("不保存"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        apply_readable_font(box)

        def answered(_result: int) -> None:
            self.close_prompt = None
            clicked = box.clickedButton()
            if clicked is save:
                self._close_after_save = True
                if not self.save():
                    self._close_after_save = False
            elif clicked is discard:
                self._autosave_timer.stop()
                self.runner.run(
                    self.editor.discard_draft_job(), on_done=lambda _ok: None, serial=True
                )
                self._close_confirmed = True
                self.close()

        box.finished.connect(answered)
        self.close_prompt = box
        box.open()

    # --- for callers ---------------------------------------------------------------------------

    def payload_copy(self) -> dict[str, Any]:
        """A copy of what the form holds now."""
        return copy.deepcopy(self.payload or {})
