"""The dynamic-management operations as short guided dialogs, each checked against the calendar.

新识别, 返贫, 脱贫, 自然增加, 自然减少, 标记边缘户, 标记脱贫监测户, 解除监测: each dialog asks what the
guide requires for it and nothing more. No rule lives here: whether an operation may be done is
the domain's answer (``desktop.domain.operations.operation_problems``, the same rules the save
enforces with ``check_transition``) for the household's status at the app's *now* —
a ``clock`` the caller passes in (tests put it before or after the 2019 deadline) — under the
database's policy year. A refused operation is disabled, and its reason, which names the policy
date that forbids it, is the action's tooltip and the dialog's message.

An identification (新识别) and a return (返贫) are completed only when their procedure is too
(两公示一比对一公告, Q15, Q16): when the ``Subject`` carries the household's procedure steps, the
check is ``desktop.domain.procedure.completion_problems`` — the calendar, the status and the
procedure — and a refusal names the steps still missing. A ``Subject`` without steps (the main
window's list knows only the status) is checked against the calendar and the status alone; the
form, which holds the steps, checks again.

A confirmed dialog gives its values; the form records the operation in its payload
(``desktop.store.household_edit.apply_operation``) and it is saved, with everything else, through
the one save path. Every text goes through Qt's translation (``self.tr`` or
``QCoreApplication.translate``); the domain's problem messages stay as the domain words them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.codes import code_table
from desktop.domain.monitoring import income_line, passes_income_test
from desktop.domain.operations import (
    INTERNAL_OPERATIONS,
    MEMBER_OPERATIONS,
    PROCEDURE_GATED,
    Operation,
    Subject,
    calendar_problems,
    operation_label,
    operation_problems,
    procedure_problems,
)
from desktop.domain.policy import PolicyYear
from desktop.domain.problems import Problem
from desktop.store.household_edit import parse_date, plain_decimal
from desktop.ui.form_fields import (
    FIELDS,
    CodeField,
    FieldSpec,
    MultiCodeField,
    TextField,
    field_label,
    table_choices,
)
from desktop.ui.problem_texts import problem_message
from desktop.ui.style import apply_readable_font

Clock = Callable[[], datetime]

OPERATIONS: tuple[Operation, ...] = tuple(Operation)
REGISTERED = frozenset({"poor", "exited", "exited_stable"})

__all__ = [
    "INTERNAL_OPERATIONS",
    "PROCEDURE_GATED",
    "Subject",
    "calendar_problems",
    "operation_problems",
    "procedure_problems",
]  # the rules live in desktop.domain.operations; named here for the form and the window

_OPERATION_NAMES = {
    Operation.identify: QT_TRANSLATE_NOOP("Operation", "新识别"),
    Operation.return_: QT_TRANSLATE_NOOP("Operation", "返贫"),
    Operation.exit: QT_TRANSLATE_NOOP("Operation", "脱贫"),
    Operation.member_in: QT_TRANSLATE_NOOP("Operation", "自然增加"),
    Operation.member_out: QT_TRANSLATE_NOOP("Operation", "自然减少"),
    Operation.mark_marginal: QT_TRANSLATE_NOOP("Operation", "标记边缘户"),
    Operation.mark_monitored: QT_TRANSLATE_NOOP("Operation", "标记脱贫监测户"),
    Operation.end_monitoring: QT_TRANSLATE_NOOP("Operation", "解除监测"),
}


def operation_name(op: Operation | str) -> str:
    """The operation's name in the interface language (新识别 …)."""
    operation = Operation(op)
    source = _OPERATION_NAMES.get(operation)
    if source is None:
        return operation_label(operation)
    return QCoreApplication.translate("Operation", source)


def update_action(action: QAction, problems: Sequence[Problem], base_tip: str = "") -> None:
    """Enable ``action``, or disable it with its reasons as the tooltip (the first one as the
    status tip)."""
    action.setEnabled(not problems)
    tip = problems[0].message if problems else base_tip
    reasons = "\n".join(dict.fromkeys(problem_message(p) for p in problems))
    action.setToolTip(reasons or tip or action.text())
    action.setStatusTip(tip)


def _spec(label: str, kind: Any = "text", table: str | None = None, **kw: Any) -> FieldSpec:
    return FieldSpec(label, kind, table, **kw)


def _reasons(direction: str) -> list[tuple[str, str]]:
    table = code_table("natural_change_reason")
    return [
        (code, table.label(code))
        for code in table.codes()
        if (table.entry(code) or {}).get("direction") == direction
    ]


class OperationDialog(QDialog):
    """One operation's dialog. ``values()`` after it was accepted.

    ``check=False`` skips the domain's operation check: a natural decrease recorded on a
    household outside the registry (its members still leave only with a reason and a date).
    """

    def __init__(
        self,
        op: Operation | str,
        subject: Subject,
        *,
        policy: PolicyYear,
        clock: Clock,
        check: bool = True,
        member_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.op = Operation(op)
        self.subject = subject
        self.policy = policy
        self.clock = clock
        self.check = check
        apply_readable_font(self)
        self.setWindowTitle(f"{operation_name(self.op)} · {subject.title}".strip(" ·"))
        self.setMinimumWidth(560)
        self.fields: dict[str, Any] = {}
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("operation.message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828; font-weight: bold;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("确定"))
        self.ok_button.setDefault(True)  # Enter confirms
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        getattr(self, f"_build_{self.op.name}")()
        if member_id is not None and "member_id" in self.fields:
            self.fields["member_id"].set_value(member_id)

        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.refusal = self._refusal()
        if self.refusal:
            self.ok_button.setEnabled(False)
            self.ok_button.setToolTip(self.refusal[0].message)
            self.message.setText(self._refused_text(self.refusal))

    def _refused_text(self, problems: Sequence[Problem]) -> str:
        return self.tr("不能办理:{0}").format(";".join(problem_message(p) for p in problems))

    # --- fields --------------------------------------------------------------------------------

    def _add(self, key: str, widget: Any) -> Any:
        widget.setObjectName(f"operation.{key}")
        self.fields[key] = widget
        self.form.addRow(field_label(widget.spec.label) + ":", widget)
        return widget

    def _code(
        self, key: str, spec: FieldSpec, choices: list[tuple[str, str]] | None = None
    ) -> CodeField:
        return self._add(key, CodeField(spec, choices=choices))

    def _date(self, key: str, label: str) -> TextField:
        widget = self._add(key, TextField(_spec(label, "date")))
        widget.setText(self.clock().date().isoformat())
        return widget

    def _note(self) -> None:
        self._add("note", TextField(_spec(self.tr("说明"))))

    def _income_text(self) -> str:
        pc = self.subject.per_capita
        return self.tr("未填报") if pc is None else self.tr("{0} 元").format(plain_decimal(pc))

    def _procedure_text(self) -> str:
        if self.subject.steps is None:
            return ""
        return self.tr(
            "须在程序完成(民主评议、第一次公示、比对、第二次评议、第二次公示、公告均已登记)"
            "后才能办理;程序在“程序”页或识别程序功能中登记。"
        )

    def _build_identify(self) -> None:
        self.info.setText(
            self.tr("新识别:一般农户按识别标准和程序纳入贫困户(导引第5问)。")
            + self._procedure_text()
        )
        causes = [
            (c, label)
            for c, label in table_choices("poverty_cause")
            if not (code_table("poverty_cause").entry(c) or {}).get("other_only")
        ]
        self._code("main_cause", FIELDS["household.main_cause"], causes)
        self._add("other_causes", MultiCodeField(FIELDS["household.other_causes"]))
        self._code("identification_standard", FIELDS["household.identification_standard"])
        self._code("attribute", FIELDS["household.attribute"])

    def _build_return_(self) -> None:
        self.info.setText(
            self.tr(
                "返贫:因病、因灾等导致家庭陷入经济困难、年底前无法补齐短板的脱贫户予以返贫,"
                "含不享受政策的稳定脱贫户(导引第5、10问)。"
            )
            + self._procedure_text()
        )
        self._add("return_causes", MultiCodeField(FIELDS["household.return_causes"]))

    def _build_exit(self) -> None:
        line = self.policy.exit_line_per_capita
        assured = self.subject.assurances
        missing = [
            field_label(FIELDS[f"household.{k}"].label) for k, v in assured.items() if v is not True
        ]
        text = self.tr("脱贫:人均纯收入 {0}({1}年脱贫标准 {2} 元);").format(
            self._income_text(), self.policy.year, plain_decimal(line)
        )
        if missing:
            text += self.tr("“两不愁三保障”和饮水安全:未保障或未填:{0}").format("、".join(missing))
        else:
            text += self.tr("“两不愁三保障”和饮水安全:均已保障")
        self.info.setText(text)
        spec = _spec(self.tr("特困供养方式变为"), "code", "special_support_mode")
        widget = self._code("special_support_mode", spec)
        widget.setToolTip(
            self.tr("分散供养的特困供养户转集中供养,符合脱贫标准和程序的按照脱贫处理(导引第17问)")
        )

    def _build_member_in(self) -> None:
        self.info.setText(
            self.tr("自然增加:新生儿、嫁入、户籍迁入的人员。确定后在“家庭成员”页补全其信息。")
        )
        self._add("name", TextField(_spec(self.tr("姓名"))))
        self._code("relation", FIELDS["member.relation"])
        self._code("reason", _spec(self.tr("增加原因"), "code"), _reasons("in"))
        self._date("date", self.tr("增加日期"))
        self._note()

    def _build_member_out(self) -> None:
        self.info.setText(
            self.tr(
                "自然减少:死亡、嫁出、出国定居、判刑收监、户籍迁出的人员。成员不会被删除,"
                "仍保留在户簿中。分散供养转集中供养按脱贫处理,不做自然减少(导引第17问)。"
            )
        )
        self._code("member_id", _spec(self.tr("成员"), "code"), list(self.subject.members))
        self._code("reason", _spec(self.tr("减少原因"), "code"), _reasons("out"))
        self._date("date", self.tr("减少日期"))
        if self.subject.special_support_mode:
            # The domain decides what a change of support needs (Q17): the dialog only asks.
            spec = _spec(self.tr("特困供养方式变为"), "code", "special_support_mode")
            widget = self._code("special_support_mode", spec)
            widget.setToolTip(
                self.tr(
                    "分散供养的特困供养户转集中供养,符合脱贫标准和程序的按照脱贫处理(导引第17问)"
                )
            )
        self._note()

    def _build_end_monitoring(self) -> None:
        self.info.setText(
            self.tr(
                "解除监测:风险已消除、不再需要监测的户,退出内部监测名单;"
                "风险记录保留并标明消除日期(导引第6问)。名单内部掌握,不公示。"
            )
        )
        self._date("decision_date", self.tr("认定日期"))
        self._note()

    def _list_name(self, kind: str) -> str:
        return self.tr("边缘户") if kind == "marginal" else self.tr("脱贫监测户")

    def _build_mark(self, kind: str) -> None:
        line = plain_decimal(income_line(kind, self.policy))
        if kind == "marginal":
            text = self.tr(
                "边缘户:非建档立卡农户中人均纯收入低于{0}元且有致贫风险的(导引第6问)。"
                "本户人均纯收入 {1}。名单内部掌握,不公示。"
            )
            risk = self.tr("致贫风险")
        else:
            text = self.tr(
                "脱贫监测户:历年已脱贫户中人均纯收入低于{0}元且有返贫风险的(导引第6问)。"
                "本户人均纯收入 {1}。名单内部掌握,不公示。"
            )
            risk = self.tr("返贫风险")
        self.info.setText(text.format(line, self._income_text()))
        self._code("risk_type", _spec(risk, "code", "risk_type"))
        self._date("identified_date", self.tr("识别日期"))
        self._code("decided_by", _spec(self.tr("认定主体"), "code", "risk_decider"))
        self._date("decision_date", self.tr("认定日期"))
        self._note()

    def _build_mark_marginal(self) -> None:
        self._build_mark("marginal")

    def _build_mark_monitored(self) -> None:
        self._build_mark("monitored")

    # --- checks --------------------------------------------------------------------------------

    def _refusal(self, **extra: Any) -> list[Problem]:
        if not self.check:
            return []
        return operation_problems(
            self.op, self.subject, policy=self.policy, moment=self.clock(), **extra
        )

    def values(self) -> dict[str, Any]:
        """What the dialog holds, as form values (codes, texts, lists of codes)."""
        return {key: widget.value() for key, widget in self.fields.items()}

    def missing(self) -> list[str]:
        """What must still be filled or corrected before the operation can be recorded."""
        values = self.values()
        found: list[str] = []

        def need(key: str, what: str) -> None:
            if values.get(key) in (None, "", []):
                found.append(self.tr("请填写{0}").format(what))

        match self.op:
            case Operation.identify:
                need("main_cause", self.tr("主要致贫原因"))
                others = values.get("other_causes") or []
                if len(others) > 2:
                    found.append(self.tr("其他致贫原因最多选2项"))
                if values.get("main_cause") in others:
                    found.append(self.tr("其他致贫原因不能与主要致贫原因重复"))
            case Operation.return_:
                need("return_causes", self.tr("返贫原因"))
            case Operation.member_in:
                need("name", self.tr("姓名"))
                need("relation", self.tr("与户主关系"))
                need("reason", self.tr("增加原因"))
            case Operation.member_out:
                need("member_id", self.tr("减少的成员"))
                need("reason", self.tr("减少原因"))
            case Operation.mark_marginal | Operation.mark_monitored:
                need("risk_type", self.tr("风险类型"))
        for key in ("date", "identified_date", "decision_date"):
            text = values.get(key)
            if key == "date" and self.op in MEMBER_OPERATIONS and not text:
                found.append(self.tr("请填写日期"))
            elif text:
                try:
                    parse_date(text)
                except ValueError:
                    found.append(self.tr("日期“{0}”无效,请按2019-11-30的格式填写").format(text))
        if self.op in (Operation.mark_marginal, Operation.mark_monitored):
            kind = "marginal" if self.op is Operation.mark_marginal else "monitored"
            if passes_income_test(self.subject.per_capita, kind, self.policy) is False:
                line = plain_decimal(income_line(kind, self.policy))
                found.append(
                    self.tr(
                        "本户人均纯收入为{0},不低于{1}元,不符合{2}的认定标准(导引第6问)"
                    ).format(self._income_text(), line, self._list_name(kind))
                )
        return found

    def accept(self) -> None:
        """Record the operation only if the domain still allows it now and nothing is missing."""
        values = self.values()
        extra: dict[str, Any] = {}
        if self.op in MEMBER_OPERATIONS and values.get("reason"):
            extra["change_reason"] = values["reason"]
        if self.op in (Operation.exit, Operation.member_out) and values.get("special_support_mode"):
            extra["special_support_change"] = (
                self.subject.special_support_mode,
                values["special_support_mode"],
            )
        refusal = self._refusal(**extra)
        if refusal:
            self.refusal = refusal
            self.message.setText(self._refused_text(refusal))
            self.ok_button.setEnabled(False)
            return
        missing = self.missing()
        if missing:
            self.message.setText(";".join(missing))
            return
        super().accept()


class ReasonDialog(QDialog):
    """Asks why a household with suspected problems (疑似问题) is saved anyway; Enter confirms.

    ``notes`` are problems listed for information only (``SAVE_EXEMPT``): shown, never asked about.
    """

    def __init__(
        self,
        warnings: Sequence[Problem],
        parent: QWidget | None = None,
        *,
        notes: Sequence[Problem] = (),
    ) -> None:
        super().__init__(parent)
        apply_readable_font(self)
        self.setWindowTitle(self.tr("保存疑似问题:请说明原因"))
        self.setMinimumWidth(640)
        listing = QLabel("\n".join(f"· {problem_message(p)}" for p in warnings))
        listing.setObjectName("reason.warnings")
        listing.setWordWrap(True)
        listing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason = TextField(_spec(self.tr("原因"), hint=self.tr("例如:已入户核实,情况属实")))
        self.reason.setObjectName("reason.text")
        self.message = QLabel()
        self.message.setStyleSheet("color: #c62828;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("说明原因并保存"))
        self.ok_button.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("返回修改"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.reason.returnPressed.disconnect()
        self.reason.returnPressed.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr("本户有 {0} 个疑似问题。可以修改后再保存,或说明原因后保存:").format(
                    len(warnings)
                )
            )
        )
        layout.addWidget(listing)
        if notes:
            noted = QLabel(
                self.tr("另有 {0} 条提示,保存时不需要说明原因:").format(len(notes))
                + "\n"
                + "\n".join(f"· {problem_message(p)}" for p in notes)
            )
            noted.setObjectName("reason.notes")
            noted.setWordWrap(True)
            noted.setStyleSheet("color: #555;")
            layout.addWidget(noted)
        layout.addWidget(self.reason)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def text(self) -> str:
        return self.reason.text().strip()

    def accept(self) -> None:
        if not self.text():
            self.message.setText(self.tr("请填写原因(会记入户簿)"))
            return
        super().accept()
