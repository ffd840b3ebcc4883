"""The household form's pages other than the members page.

Each page shows part of the form's payload and edits it in place; it tells the form about every
change through the ``on_edit`` callback it was given and holds no state of its own beyond the
payload. The income page computes the per-capita net income as it is typed (the domain's
formula, ``desktop.domain.income``) and says where it stands against the policy year's lines.
The location page shows the stored location and offers the ways to take one (GPS, typed
coordinates, the Q19 fallback for a family away long-term); the form opens the capture dialog
and puts the choice into its payload, so it is saved with the household.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.income import income_totals
from desktop.domain.policy import PolicyYear
from desktop.domain.policy import policy_year as _policy
from desktop.store.household_edit import new_row, plain_decimal
from desktop.ui.code_labels import ui_code_table
from desktop.ui.form_fields import (
    INCOME_COMPONENT_LABELS,
    RISK_KIND_LABELS,
    FieldBinder,
    is_required,
    required_legend,
    table_choices,
    translated_choices,
)
from desktop.ui.form_models import BookModel, Column, RecordDelegate, RecordTableModel
from desktop.ui.operations_dialogs import operation_name

OnEdit = Callable[[str], None]


def _fixed(
    options: Sequence[tuple[str, str]],
) -> Callable[[dict[str, Any]], Sequence[tuple[str, str]]]:
    listed = list(options)
    return lambda _row: listed


def _table(name: str) -> Callable[[dict[str, Any]], Sequence[tuple[str, str]]]:
    return _fixed(table_choices(name))


def make_table_view(model: RecordTableModel, name: str) -> QTableView:
    """A table view for a ``RecordTableModel``: whole rows selected, coded cells as combo boxes."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setItemDelegate(RecordDelegate(view))
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.AnyKeyPressed
    )
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return view


def _scroll(inner: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(inner)
    return scroll


def _legend() -> QLabel:
    """The line under a page that has required fields: what the red asterisk means."""
    legend = QLabel(required_legend())
    legend.setTextFormat(Qt.TextFormat.RichText)
    legend.setObjectName("required_legend")
    return legend


class FieldsPage(QWidget):
    """Household fields in titled groups, two groups a row (basic, conditions, assurances …)."""

    def __init__(
        self,
        groups: Sequence[tuple[str, Sequence[str]]],
        binder: FieldBinder,
        *,
        note: str = "",
        extra: QWidget | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.binder = binder
        inner = QWidget()
        grid = QGridLayout(inner)
        position = 0
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            grid.addWidget(label, 0, 0, 1, 2)
            position = 2
        if extra is not None:
            grid.addWidget(extra, position // 2, 0, 1, 2)
            position += 2
        for title, columns in groups:
            box = QGroupBox(title)
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            binder.add_rows(form, columns)
            grid.addWidget(box, position // 2, position % 2)
            position += 1
        if any(is_required(f"{binder.entity}.{c}") for _title, columns in groups for c in columns):
            position += position % 2
            grid.addWidget(_legend(), position // 2, 0, 1, 2)
            position += 2
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(position // 2 + 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_scroll(inner))


# --- income ---------------------------------------------------------------------------------------


def _income_item_choices(row: dict[str, Any]) -> Sequence[tuple[str, str]]:
    """The sub-items of the row's component (all of them while no component is chosen)."""
    table = ui_code_table("income_item")
    component = row.get("component")
    return [
        (code, table.label(code))
        for code in table.codes()
        if not component or table.entry(code).get("component") == component
    ]


class IncomeTab(QWidget):
    """The policy year's income: components, sub-items, costs, and the per-capita net income live."""

    def __init__(self, on_edit: OnEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_edit = on_edit
        self._payload: dict[str, Any] | None = None
        self.policy: PolicyYear | None = None
        self.binder = FieldBinder("income", self.income, self._edited, create=self.ensure_income)

        self.year_label = QLabel()
        self.year_label.setStyleSheet("font-weight: bold;")
        components = QFormLayout()
        components.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.binder.add_rows(
            components,
            (
                "wage_income",
                "business_income",
                "property_income",
                "transfer_income",
                "production_costs",
                "period_start",
                "period_end",
            ),
        )
        components_box = QGroupBox(self.tr("收入构成(元)"))
        components_box.setLayout(components)

        self.items = RecordTableModel(
            [
                Column(
                    "component",
                    self.tr("收入项"),
                    "code",
                    _fixed(translated_choices(INCOME_COMPONENT_LABELS)),
                ),
                Column("item", self.tr("明细"), "code", _income_item_choices),
                Column("amount", self.tr("金额(元)"), "number", numeric=True),
            ],
            self,
        )
        self.items.edited.connect(lambda _id: self._edited("items"))
        self.items_view = make_table_view(self.items, "income.items")
        self.add_item_button = QPushButton(self.tr("添加明细"))
        self.remove_item_button = QPushButton(self.tr("删除明细"))
        self.add_item_button.clicked.connect(self.add_item)
        self.remove_item_button.clicked.connect(self.remove_item)
        item_buttons = QHBoxLayout()
        item_buttons.addWidget(self.add_item_button)
        item_buttons.addWidget(self.remove_item_button)
        item_buttons.addStretch(1)
        items_box = QGroupBox(self.tr("收入明细(明细合计应与所属收入项一致)"))
        items_layout = QVBoxLayout(items_box)
        items_layout.addLayout(item_buttons)
        items_layout.addWidget(self.items_view)

        self.totals = {
            key: QLabel()
            for key in ("total", "costs", "net", "members", "per_capita", "exit", "line")
        }
        for key, label in self.totals.items():
            label.setObjectName(f"income.totals.{key}")
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.totals["per_capita"].setStyleSheet("font-size: 16pt; font-weight: bold;")
        for key in ("exit", "line"):
            self.totals[key].setAlignment(
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            )
            self.totals[key].setWordWrap(True)
        totals_form = QFormLayout()
        totals_form.addRow(self.tr("家庭年收入:"), self.totals["total"])
        totals_form.addRow(self.tr("生产经营性支出:"), self.totals["costs"])
        totals_form.addRow(self.tr("家庭纯收入:"), self.totals["net"])
        totals_form.addRow(self.tr("家庭人口(现有成员):"), self.totals["members"])
        totals_form.addRow(self.tr("人均纯收入:"), self.totals["per_capita"])
        totals_form.addRow(self.totals["exit"])
        totals_form.addRow(self.totals["line"])
        totals_box = QGroupBox(self.tr("人均纯收入(随填随算)"))
        totals_box.setLayout(totals_form)

        grid = QGridLayout()
        grid.addWidget(components_box, 0, 0)
        grid.addWidget(totals_box, 0, 1)
        grid.addWidget(items_box, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.year_label)
        layout.addLayout(grid)

    def set_payload(self, payload: dict[str, Any], policy: PolicyYear) -> None:
        self._payload = payload
        self.policy = policy
        self.year_label.setText(
            self.tr("{0}年度收入(收入计算周期 {1} 至 {2},导引第8问)").format(
                policy.year, policy.income_period_start, policy.income_period_end
            )
        )
        self.binder.load()
        income = self.income()
        self.items.set_rows(income["items"] if income is not None else [])

    def income(self) -> dict[str, Any] | None:
        """The payload's income of the policy year (None until something is typed)."""
        if self._payload is None or self.policy is None:
            return None
        for income in self._payload.get("incomes", ()):
            if str(income.get("policy_year")) == str(self.policy.year) and not income.get(
                "deleted"
            ):
                return income
        return None

    def ensure_income(self) -> dict[str, Any]:
        """The policy year's income, created with the year's income period if it is missing."""
        found = self.income()
        if found is not None:
            return found
        assert self._payload is not None and self.policy is not None
        income = new_row(
            "incomes",
            policy_year=str(self.policy.year),
            period_start=self.policy.income_period_start.isoformat(),
            period_end=self.policy.income_period_end.isoformat(),
        )
        for key in (
            "wage_income",
            "business_income",
            "property_income",
            "transfer_income",
            "production_costs",
        ):
            income[key] = None
        self._payload.setdefault("incomes", []).append(income)
        self.items.set_rows(income["items"])
        for key in ("period_start", "period_end"):  # the rest shows what is being typed
            self.binder.widgets[key].set_value(income[key])
        return income

    def add_item(self) -> None:
        income = self.ensure_income()
        row = self.items.add_row(new_row("items", component="transfer", item=None, amount=None))
        income["items"] = self.items.rows
        if row >= 0:
            self.items_view.setCurrentIndex(self.items.index(row, 1))
            self.items_view.setFocus()
        self._edited("items")

    def remove_item(self) -> None:
        index = self.items_view.currentIndex()
        if index.isValid() and self.items.remove_row(index.row()):
            self._edited("items")

    def _edited(self, column: str) -> None:
        self._on_edit(f"income.{column}")

    def show_totals(self, income: Any, member_count: int, unreadable: bool) -> None:
        """Show total, net and per-capita income of ``income`` (parsed values) for the members."""
        policy = self.policy
        if policy is None:
            return
        if income is None:
            for label in self.totals.values():
                label.setText("")
            self.totals["per_capita"].setText(self.tr("未填报"))
            self.totals["members"].setText(self.tr("{0} 人").format(member_count))
            return
        totals = income_totals(income, member_count)

        def yuan(value: Decimal) -> str:
            return self.tr("{0} 元").format(f"{value:,.2f}")

        self.totals["total"].setText(yuan(totals.total))
        self.totals["costs"].setText(yuan(Decimal(income.production_costs or 0)))
        self.totals["net"].setText(yuan(totals.net))
        self.totals["members"].setText(self.tr("{0} 人").format(member_count))
        if totals.per_capita is None:
            self.totals["per_capita"].setText(self.tr("—(无现有成员)"))
            self.totals["exit"].setText("")
            self.totals["line"].setText("")
            return
        shown = yuan(totals.per_capita) + (self.tr(" (有无效数字,按0计)") if unreadable else "")
        self.totals["per_capita"].setText(shown)
        exit_line, line = policy.exit_line_per_capita, policy.marginal_income_line
        pc = totals.per_capita
        if pc >= exit_line:
            text = self.tr("高于{0}年脱贫标准({1}元) {2} 元").format(
                policy.year, plain_decimal(exit_line), plain_decimal(pc - exit_line)
            )
            self.totals["exit"].setStyleSheet("color: #1b5e20;")
        else:
            text = self.tr("低于{0}年脱贫标准({1}元) {2} 元").format(
                policy.year, plain_decimal(exit_line), plain_decimal(exit_line - pc)
            )
            self.totals["exit"].setStyleSheet("color: #c62828; font-weight: bold;")
        self.totals["exit"].setText(text)
        if pc < line:
            text = self.tr("低于边缘户/脱贫监测户收入线({0}元,导引第6问)").format(
                plain_decimal(line)
            )
            self.totals["line"].setStyleSheet("color: #8a5100; font-weight: bold;")
        else:
            text = self.tr("不低于边缘户/脱贫监测户收入线({0}元)").format(plain_decimal(line))
            self.totals["line"].setStyleSheet("color: #555;")
        self.totals["line"].setText(text)


# --- assistance measures and person ----------------------------------------------------------------


def _measure_items(row: dict[str, Any]) -> Sequence[tuple[str, str]]:
    entry = ui_code_table("assistance_category").entry(row.get("category") or "")
    if entry is None:
        return []
    return [(item["code"], item["label"]) for item in entry.get("items", ())]


ALL_YEARS = "all"


def _year(row: dict[str, Any]) -> int:
    text = str(row.get("year") or "")
    return int(text) if text.isdigit() else 0


class AssistanceTab(QWidget):
    """Assistance measures by year since 2014 (Q3, Q10, Q14) and the assistance person."""

    def __init__(self, on_edit: OnEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_edit = on_edit
        self._payload: dict[str, Any] | None = None
        self._policy_year: int | None = None  # set with the payload (the database's year)
        self._members: list[tuple[str, str]] = []
        self.model = RecordTableModel(
            [
                Column("year", self.tr("年度"), "int", numeric=True),
                Column("category", self.tr("帮扶类别"), "code", _table("assistance_category")),
                Column("item", self.tr("帮扶项目"), "code", _measure_items),
                Column("member_id", self.tr("受益成员"), "code", lambda _row: self._members),
                Column("amount", self.tr("金额(元)"), "number", numeric=True),
                Column("received", self.tr("已享受"), "bool"),
                Column("department", self.tr("行业部门")),
                Column("description", self.tr("说明")),
            ],
            self,
            order=lambda row: (-_year(row), str(row.get("category") or "")),
        )
        self.model.edited.connect(lambda _id: self._on_edit("measure"))
        self.view = make_table_view(self.model, "measures.table")
        # Its columns' width is no claim on the page: the table scrolls, the person's form keeps
        # its share (a 1024-pixel screen in English scrolled the whole page sideways).
        self.view.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.year_combo = QComboBox()
        self.year_combo.setObjectName("measures.year")
        self.year_combo.currentIndexChanged.connect(self._year_changed)
        self.add_button = QPushButton(self.tr("添加帮扶措施"))
        self.remove_button = QPushButton(self.tr("删除"))
        self.add_button.clicked.connect(self.add_measure)
        self.remove_button.clicked.connect(self.remove_measure)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("年度:")))
        buttons.addWidget(self.year_combo)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        # A group box is never narrower than its title: the guide's note is a line that wraps,
        # so that the person's fields beside the table keep their room on a 1024-pixel screen.
        measures_box = QGroupBox(self.tr("帮扶措施"))
        self.measures_box = measures_box
        measures_layout = QVBoxLayout(measures_box)
        self.measures_note = QLabel()
        self.measures_note.setWordWrap(True)
        measures_layout.addWidget(self.measures_note)
        measures_layout.addLayout(buttons)
        measures_layout.addWidget(self.view)

        self.person = FieldBinder(
            "assistance_person",
            self._person,
            lambda c: self._on_edit(f"assistance_person.{c}"),
            create=self._ensure_person,
        )
        person_box = QGroupBox(self.tr("帮扶责任人"))
        person_form = QFormLayout(person_box)
        self.person.add_rows(
            person_form,
            (
                "name",
                "sex",
                "political_status",
                "unit_name",
                "unit_level",
                "position",
                "phone",
                "start_date",
                "end_date",
            ),
        )
        layout = QHBoxLayout(self)
        layout.addWidget(measures_box, stretch=3)  # the table scrolls sideways, the page never
        layout.addWidget(person_box, stretch=2)

    def set_payload(self, payload: dict[str, Any], policy_year: int) -> None:
        self._payload = payload
        self._policy_year = policy_year
        first = _policy(policy_year).assistance_first_year  # from resources/policy
        self.measures_note.setText(
            self.tr("帮扶措施({0}年以来逐年核实,导引第3、10、14问)").format(first)
        )
        self.refresh_members()
        self.model.set_rows(payload.setdefault("measures", []))
        self._fill_years()
        self.person.load()

    def refresh_members(self) -> None:
        payload = self._payload or {}
        self._members = [
            (str(m["id"]), m.get("name") or self.tr("未填姓名"))
            for m in payload.get("members", ())
            if not m.get("deleted")
        ]

    def _fill_years(self) -> None:
        years = {
            str(r.get("year")) for r in self.model.rows if r.get("year") and not r.get("deleted")
        }
        if self._policy_year is not None:
            first = _policy(self._policy_year).assistance_first_year
            years |= {str(y) for y in range(first, self._policy_year + 1)}
        current = self.year_combo.currentData()
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        self.year_combo.addItem(self.tr("全部年度"), ALL_YEARS)
        for year in sorted(years, reverse=True):
            self.year_combo.addItem(self.tr("{0}年").format(year), year)
        index = self.year_combo.findData(current) if current is not None else 0
        self.year_combo.setCurrentIndex(max(index, 0))
        self.year_combo.blockSignals(False)
        self._year_changed()

    def _year_changed(self, _index: int = 0) -> None:
        year = self.year_combo.currentData()
        if year in (None, ALL_YEARS):
            self.model.set_keep(None)
        else:
            self.model.set_keep(lambda row, year=year: str(row.get("year")) == year)

    def add_measure(self) -> None:
        year = self.year_combo.currentData()
        year = str(self._policy_year) if year in (None, ALL_YEARS) else year
        row = self.model.add_row(new_row("measures", year=year, received=True))
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, 1))
            self.view.setFocus()
        self._on_edit("measure")

    def remove_measure(self) -> None:
        index = self.view.currentIndex()
        if index.isValid() and self.model.remove_row(index.row()):
            self._on_edit("measure")

    def _person(self) -> dict[str, Any] | None:
        return (self._payload or {}).get("assistance_person")

    def _ensure_person(self) -> dict[str, Any]:
        assert self._payload is not None
        if self._payload.get("assistance_person") is None:
            self._payload["assistance_person"] = new_row("assistance_person")
        return self._payload["assistance_person"]


# --- risks (internal) ------------------------------------------------------------------------------


class RisksTab(QWidget):
    """Risks of a marginal or monitored household: internal lists, never public (Q6)."""

    def __init__(self, on_edit: OnEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_edit = on_edit
        self.model = RecordTableModel(
            [
                Column(
                    "kind", self.tr("类别"), "code", _fixed(translated_choices(RISK_KIND_LABELS))
                ),
                Column("risk_type", self.tr("风险类型"), "code", _table("risk_type")),
                Column("identified_date", self.tr("识别日期"), "date"),
                Column("decided_by", self.tr("认定主体"), "code", _table("risk_decider")),
                Column("decision_date", self.tr("认定日期"), "date"),
                Column("eliminated", self.tr("已消除"), "bool"),
                Column("eliminated_date", self.tr("消除日期"), "date"),
                Column("elimination_method", self.tr("消除方式")),
                Column("note", self.tr("备注")),
            ],
            self,
        )
        self.model.edited.connect(lambda _id: self._on_edit("risk"))
        self.view = make_table_view(self.model, "risks.table")
        self.flags = QLabel()
        self.flags.setObjectName("risks.flags")
        self.remove_button = QPushButton(self.tr("删除"))
        self.remove_button.clicked.connect(self.remove_risk)
        note = QLabel(
            self.tr(
                "边缘户和脱贫监测户名单内部掌握,不得对外公布(导引第6问)。"
                "标记边缘户/脱贫监测户请用“办理”菜单,风险在此核实和更新。"
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #9a3412;")
        buttons = QHBoxLayout()
        buttons.addWidget(self.flags)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(buttons)
        layout.addWidget(self.view)

    def set_payload(self, payload: dict[str, Any]) -> None:
        self.model.set_rows(payload.setdefault("risks", []))
        self.show_flags(payload)

    def show_flags(self, payload: dict[str, Any]) -> None:
        head = payload.get("household", {})
        flags = [
            name
            for key, name in (("marginal", self.tr("边缘户")), ("monitored", self.tr("脱贫监测户")))
            if head.get(key)
        ]
        self.flags.setText(self.tr("标识:{0}").format("、".join(flags) if flags else self.tr("无")))

    def remove_risk(self) -> None:
        index = self.view.currentIndex()
        if index.isValid() and self.model.remove_row(index.row()):
            self._on_edit("risk")


# --- procedure steps ---------------------------------------------------------------------------------

STATUS_OPERATIONS = ("identify", "return", "exit")


class ProcedureTab(QWidget):
    """The steps of 两公示一比对一公告 for this household's operations (Q15, Q16)."""

    def __init__(self, on_edit: OnEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_edit = on_edit
        steps = ui_code_table("procedure_step")
        self.model = RecordTableModel(
            [
                Column(
                    "operation",
                    self.tr("办理事项"),
                    "code",
                    _fixed([(o, operation_name(o)) for o in STATUS_OPERATIONS]),
                ),
                Column("step", self.tr("程序步骤"), "code", _table("procedure_step")),
                Column("start_date", self.tr("开始日期"), "date"),
                Column("end_date", self.tr("结束日期"), "date"),
                Column("outcome", self.tr("结果")),
                Column("recorded_by", self.tr("记录人")),
            ],
            self,
            order=lambda row: (
                str(row.get("operation") or ""),
                (steps.entry(row.get("step") or "") or {}).get("order", 99),
            ),
        )
        self.model.edited.connect(lambda _id: self._on_edit("procedure"))
        self.view = make_table_view(self.model, "procedures.table")
        self.rule = QLabel()
        self.rule.setWordWrap(True)
        self.add_button = QPushButton(self.tr("添加程序步骤"))
        self.remove_button = QPushButton(self.tr("删除"))
        self.add_button.clicked.connect(self.add_step)
        self.remove_button.clicked.connect(self.remove_step)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.rule)
        layout.addLayout(buttons)
        layout.addWidget(self.view)

    def set_payload(self, payload: dict[str, Any], policy: PolicyYear) -> None:
        self.rule.setText(
            self.tr(
                "民主评议、第一次公示、比对、第二次评议、第二次公示、公告。每次公示不少于"
                "{0}天,分别计算(导引第15、16问)。"
            ).format(policy.notice_min_days)
        )
        self.model.set_rows(payload.setdefault("procedure_steps", []))

    def add_step(self) -> None:
        row = self.model.add_row(new_row("procedure_steps"))
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, 0))
            self.view.setFocus()
        self._on_edit("procedure")

    def remove_step(self) -> None:
        index = self.view.currentIndex()
        if index.isValid() and self.model.remove_row(index.row()):
            self._on_edit("procedure")


# --- location and book -----------------------------------------------------------------------------


class LocationPage(QWidget):
    """The household's location with its source, and the ways to take one.

    ``capture_requested(kind)`` asks the form to open the capture dialog: ``"gps"``,
    ``"manual"`` (typed coordinates) or ``"away"`` (Q19: a family registered here, without
    housing, away long-term: the original address or the village committee's point, with a note
    and a contact phone). The fields are read-only here: they change only through a capture.
    """

    capture_requested = Signal(str)

    COLUMNS = (
        "location_source",
        "latitude",
        "longitude",
        "location_accuracy_m",
        "location_time",
        "away_long_term",
        "location_note",
        "location_contact",
    )
    KINDS = ("gps", "manual", "away")

    def __init__(self, binder: FieldBinder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        note = QLabel(
            self.tr(
                "用 GPS 采集或手工输入坐标;户籍在本地、现无住房、整户长期外出的,采集原住址或"
                "村委会位置,并备注说明情况、留存联系电话(导引第19问)。采集的位置随本表一起保存。"
            )
        )
        note.setWordWrap(True)
        self.gps_button = QPushButton(self.tr("GPS 采集…"))
        self.gps_button.setObjectName("location.gps")
        self.manual_button = QPushButton(self.tr("手工输入坐标…"))
        self.manual_button.setObjectName("location.manual")
        self.away_button = QPushButton(self.tr("整户长期外出 (原住址/村委会位置)…"))
        self.away_button.setObjectName("location.away")
        self.away_button.setToolTip(
            self.tr(
                "户籍在本地、现无住房、整户长期外出:采集原住址或村委会位置,须备注说明并留联系电话"
            )
        )
        self.buttons = {
            "gps": self.gps_button,
            "manual": self.manual_button,
            "away": self.away_button,
        }
        row = QHBoxLayout()
        for kind, button in self.buttons.items():
            button.clicked.connect(
                lambda _checked=False, kind=kind: self.capture_requested.emit(kind)
            )
            row.addWidget(button)
        row.addStretch(1)
        self.state = QLabel()
        self.state.setObjectName("location.state")
        self.state.setWordWrap(True)
        form = QFormLayout()
        binder.add_rows(form, self.COLUMNS)
        box = QGroupBox(self.tr("位置"))
        box.setLayout(form)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(row)
        layout.addWidget(self.state)
        layout.addWidget(box)
        layout.addStretch(1)

    def show_state(self, head: dict[str, Any], *, edited: bool) -> None:
        """Say whether there is a location, and whether a new one waits to be saved."""
        if head.get("latitude") in (None, "") or head.get("longitude") in (None, ""):
            text = self.tr("本户还没有位置。")
        elif edited:
            text = self.tr("已采集新的位置,保存(Ctrl+S)后生效。")
        else:
            text = self.tr("已保存的位置。")
        self.state.setText(text)

    def set_enabled(self, enabled: bool) -> None:
        """Offer the capture buttons or not (a form still loading offers none)."""
        for button in self.buttons.values():
            button.setEnabled(enabled)


class BookTab(QWidget):
    """The household book (一簿): every saved change, newest first, read-only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = BookModel(self)
        self.view = QTableView()
        self.view.setObjectName("book.table")
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.count)
        layout.addWidget(self.view)

    def set_lines(self, lines: Sequence[Any]) -> None:
        self.model.set_lines(lines)
        self.count.setText(self.tr("户簿共 {0} 条记录(最新的在前,只读)").format(len(lines)))
