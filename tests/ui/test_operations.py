"""The operations dialogs and menus, with the app's clock before and after the 2019 deadlines.

The demo county is worked under the 2019 policy: entry closes at 2019-12-01 00:00 ("11月30日
24时", Q9) and only basic information may be edited after 2019-12-10. Each test sets the clock
of the real windows and checks what the domain (``check_operation``) allows at that moment. An
identification and a return also wait for their procedure (两公示一比对一公告, Q15, Q16): the steps
are recorded through the store's procedure path (``record_household_step``) before the form opens.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop.domain.operations import Operation
from desktop.domain.policy import policy_year
from desktop.store.models import Household, Income, LedgerEntry, Member, ProcedureStep, Risk
from desktop.store.procedures import StepEntry, record_household_step
from desktop.ui.main_window import MainWindow
from desktop.ui.operations_dialogs import OperationDialog, Subject, calendar_problems
from desktop.ui.roles import Role
from desktop.ui.tasks import ImmediateTaskRunner
from tests.ui.form_helpers import fill_required
from tests.ui.test_household_form import IN_WORK, choose, household_id_with, open_form, type_text

AFTER_DEADLINE = datetime(2019, 12, 15, 9, 0)  # after 11月30日24时 and after 12月10日
BETWEEN = datetime(2019, 12, 5, 9, 0)  # entry closed, member changes still open

__all__ = ["open_form"]  # the fixture, imported for these tests

PROCEDURE = (  # a complete 两公示一比对一公告 of 2019, each notice 10 days (Q16)
    ("appraisal", date(2019, 10, 8), None),
    ("first_notice", date(2019, 10, 9), date(2019, 10, 18)),
    ("crosscheck", date(2019, 10, 9), date(2019, 10, 20)),
    ("second_appraisal", date(2019, 10, 21), None),
    ("second_notice", date(2019, 10, 22), date(2019, 10, 31)),
    ("announcement", date(2019, 11, 1), None),
)


def record_procedure(db, household_id: str, operation: str, steps=PROCEDURE) -> None:
    """Record the household's procedure steps the way the procedure screens do."""
    with db.session() as session:
        household = session.get(Household, household_id)
        for step, start, end in steps:
            record_household_step(
                session,
                household,
                StepEntry(operation, step, start, end, outcome="通过", recorded_by="王书记"),
                actor="王书记",
            )


def save_with_reason(form, reason: str = "已核实") -> None:
    form.save()
    if form.reason_dialog is not None:
        type_text(form.reason_dialog.reason, reason)
        form.reason_dialog.accept()
    assert not form.dirty, form.last_error


def test_an_exit_after_the_entry_deadline_is_refused_with_the_date_that_forbids_it(
    demo_db, open_form
) -> None:
    household_id = household_id_with(demo_db, "poor", identified_before=2019)
    form = open_form(demo_db, household_id, clock=lambda: AFTER_DEADLINE)
    action = form.operation_actions[Operation.exit]
    assert not action.isEnabled()
    assert "2019年11月30日24时后不能进行脱贫操作" in action.toolTip()

    dialog = form.start_operation(Operation.exit)
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()
    assert "2019年11月30日24时" in dialog.message.text()
    dialog.accept()  # Enter on a refused operation records nothing
    assert dialog.result() != OperationDialog.DialogCode.Accepted
    assert form.payload["household"]["status"] == "poor"
    assert not form.dirty


def test_after_the_tenth_of_december_member_changes_are_refused_too(demo_db, open_form) -> None:
    household_id = household_id_with(demo_db, "poor")
    late = open_form(demo_db, household_id, clock=lambda: AFTER_DEADLINE)
    between = open_form(demo_db, household_id, clock=lambda: BETWEEN)
    assert not late.operation_actions[Operation.member_out].isEnabled()
    assert (
        "2019年12月10日后只能修改完善基础信息"
        in late.operation_actions[Operation.member_out].toolTip()
    )
    assert between.operation_actions[Operation.member_out].isEnabled()
    assert not between.operation_actions[Operation.exit].isEnabled()


def test_an_exit_before_the_deadline_is_recorded_and_saved_with_its_procedure_steps(
    demo_copy, open_form
) -> None:
    db = demo_copy()
    household_id = household_id_with(db, "poor", identified_before=2019)
    form = open_form(db, household_id, clock=lambda: IN_WORK)
    action = form.operation_actions[Operation.exit]
    assert action.isEnabled(), action.toolTip()
    action.trigger()
    dialog = form.operation_dialog
    assert dialog is not None and dialog.ok_button.isEnabled()
    assert "3218" in dialog.info.text()  # the exit line of 2019
    dialog.ok_button.click()

    head = form.payload["household"]
    assert head["status"] == "exited" and head["exited_year"] == "2019"
    steps = [s["step"] for s in form.payload["procedure_steps"] if s["operation"] == "exit"]
    assert steps == ["appraisal", "first_notice", "announcement"]
    assert "已脱贫(享受政策)" in form.header.text()
    assert not form.operation_actions[Operation.exit].isEnabled()  # done: not from exited
    save_with_reason(form)

    with db.session() as session:
        stored = session.get(Household, household_id)
        assert stored.status == "exited" and stored.exited_year == 2019
        assert (
            len(
                session.scalars(
                    select(ProcedureStep).where(ProcedureStep.household_id == household_id)
                ).all()
            )
            == 3
        )
        status_entry = session.scalars(
            select(LedgerEntry).where(
                LedgerEntry.entity_id == household_id, LedgerEntry.field == "status"
            )
        ).one()
        assert status_entry.old_value == "poor" and status_entry.new_value == "exited"
        assert status_entry.reason.startswith("脱贫")


def test_an_exit_recorded_before_the_deadline_cannot_be_saved_after_it(
    demo_copy, open_form
) -> None:
    db = demo_copy()
    household_id = household_id_with(db, "poor", identified_before=2019)
    now = [IN_WORK]
    form = open_form(db, household_id, clock=lambda: now[0])
    form.start_operation(Operation.exit).ok_button.click()
    assert form.payload["household"]["status"] == "exited"
    now[0] = AFTER_DEADLINE
    form.save()
    assert form.dirty and "2019年11月30日24时后不能进行脱贫操作" in form.last_error
    with db.session() as session:
        assert session.get(Household, household_id).status == "poor"


def test_identify_is_refused_until_its_procedure_is_complete_and_says_what_is_missing(
    demo_copy, open_form
) -> None:
    db = demo_copy()
    household_id = household_id_with(db, "ordinary")
    record_procedure(db, household_id, "identify", PROCEDURE[:1])  # the appraisal only
    form = open_form(db, household_id)
    action = form.operation_actions[Operation.identify]
    assert not action.isEnabled()
    assert "新识别程序尚未完成" in action.toolTip()
    for missing in ("第一次公示", "比对", "公告"):
        assert f"“{missing}”" in action.toolTip(), missing
    assert "“民主评议”" not in action.toolTip()  # recorded: not named as missing

    dialog = form.start_operation(Operation.identify)
    assert not dialog.ok_button.isEnabled()
    assert "不能办理" in dialog.message.text() and "“公告”" in dialog.message.text()
    choose(dialog.fields["main_cause"], "01")
    dialog.accept()  # Enter on a refused operation records nothing
    assert dialog.result() != OperationDialog.DialogCode.Accepted
    assert form.payload["household"]["status"] == "ordinary"
    assert not form.dirty


def test_identify_with_its_procedure_recorded_asks_for_the_main_cause_and_makes_the_household_poor(
    demo_copy, open_form
) -> None:
    db = demo_copy()
    household_id = household_id_with(db, "ordinary")
    record_procedure(db, household_id, "identify")
    form = open_form(db, household_id)
    action = form.operation_actions[Operation.identify]
    assert action.isEnabled(), action.toolTip()
    dialog = form.start_operation(Operation.identify)
    assert dialog.ok_button.isEnabled(), dialog.message.text()
    dialog.ok_button.click()
    assert dialog.isVisible() and "主要致贫原因" in dialog.message.text()
    choose(dialog.fields["main_cause"], "01")
    dialog.fields["other_causes"].set_value(["01", "09"])
    dialog.ok_button.click()
    assert dialog.isVisible() and "不能与主要致贫原因重复" in dialog.message.text()
    dialog.fields["other_causes"].set_value(["09"])
    choose(dialog.fields["attribute"], "1")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    head = form.payload["household"]
    assert (head["status"], head["identified_year"], head["main_cause"]) == ("poor", "2019", "01")
    assert head["other_causes"] == ["09"]
    steps = [s for s in form.payload["procedure_steps"] if s["operation"] == "identify"]
    assert len(steps) == 6 and all(s.get("_saved") for s in steps)  # the recorded ones
    save_with_reason(form)
    with db.session() as session:
        stored = session.get(Household, household_id)
        assert stored.status == "poor" and stored.identified_year == 2019


def test_a_return_is_refused_without_its_procedure_and_allowed_once_it_is_recorded(
    demo_copy, open_form
) -> None:
    db = demo_copy()
    household_id = household_id_with(db, "exited")
    before = open_form(db, household_id)
    action = before.operation_actions[Operation.return_]
    assert not action.isEnabled()
    assert "没有登记返贫程序" in action.toolTip() and "民主评议" in action.toolTip()
    before.close()

    record_procedure(db, household_id, "return")
    form = open_form(db, household_id)
    assert form.operation_actions[Operation.return_].isEnabled()
    dialog = form.start_operation(Operation.return_)
    dialog.fields["return_causes"].set_value(["01"])
    dialog.ok_button.click()
    assert not dialog.isVisible(), dialog.message.text()
    assert form.payload["household"]["status"] == "poor"
    assert form.payload["household"]["returned_year"] == "2019"
    save_with_reason(form)
    with db.session() as session:
        assert session.get(Household, household_id).status == "poor"


def test_a_return_recorded_in_the_form_is_not_saved_once_its_procedure_is_broken(
    demo_copy, open_form
) -> None:
    db = demo_copy()
    household_id = household_id_with(db, "exited")
    record_procedure(db, household_id, "return")
    form = open_form(db, household_id)
    dialog = form.start_operation(Operation.return_)
    dialog.fields["return_causes"].set_value(["01"])
    dialog.ok_button.click()
    assert form.payload["household"]["status"] == "poor"
    announcement = next(s for s in form.payload["procedure_steps"] if s["step"] == "announcement")
    announcement["deleted"] = True  # the step is taken back before the save
    form.procedure_tab.model.refresh()
    form.save()
    assert form.dirty and "返贫程序尚未完成" in form.last_error and "“公告”" in form.last_error
    with db.session() as session:
        assert session.get(Household, household_id).status == "exited"


def test_a_member_joins_with_reason_and_date_and_is_saved_with_the_natural_change(
    demo_copy, open_form
) -> None:
    db = demo_copy()
    household_id = household_id_with(db, "exited")
    form = open_form(db, household_id)
    dialog = form.start_operation(Operation.member_in)
    assert dialog.fields["date"].text() == IN_WORK.date().isoformat()
    type_text(dialog.fields["name"], "王新生")
    choose(dialog.fields["relation"], "07")  # 之孙子
    reasons = [dialog.fields["reason"].itemData(i) for i in range(dialog.fields["reason"].count())]
    assert reasons == [None, "05", "06", "07"]  # only reasons of a natural increase
    choose(dialog.fields["reason"], "06")
    dialog.fields["date"].setText("2019-10-08")
    dialog.ok_button.click()
    member = form.members_tab.editor.row
    assert member["name"] == "王新生" and member["joined_reason"] == "06"
    assert form.members_tab.editor.widget("sex").value() == "1"  # 之孙子 is a boy
    form.members_tab.editor.widget("birth_date").setText("2019-10-08")
    form.members_tab.editor.widget("birth_date").textEdited.emit("2019-10-08")
    assert form.tabs.currentIndex() == form.tab_keys.index("members")
    # a newborn without an ID number yet is an error of the audit: the form says so
    assert any(p.code == "R40_ID_LENGTH" for p in form.validate_now())
    from desktop.domain.idcard import make_id_number

    type_text(
        form.members_tab.editor.widget("id_number"),
        make_id_number("610727", date(2019, 10, 8), 3, "1"),
    )
    fill_required(form)  # the newborn's 民族, 健康状况 … (a reason cannot stand in for them)
    save_with_reason(form)
    with db.session() as session:
        stored = session.get(Member, member["id"])
        assert stored.name == "王新生" and stored.joined_date == date(2019, 10, 8)
        changes = session.get(Household, household_id).natural_changes
        assert [(c.direction, c.reason, c.member_id) for c in changes] == [
            ("in", "06", member["id"])
        ]


def test_marking_marginal_is_internal_and_refused_at_or_above_the_income_line(
    demo_db, open_form
) -> None:
    with demo_db.session() as session:
        household_id = session.scalars(
            select(Household.id)
            .join(Income, Income.household_id == Household.id)
            .where(
                Household.status == "ordinary",
                Household.marginal.is_(False),
                Income.policy_year == 2019,
                Income.per_capita_net_income >= 6000,
            )
        ).first()
    assert household_id is not None
    worker = open_form(demo_db, household_id, role=Role.FIELD_WORKER)
    assert Operation.mark_marginal not in worker.operation_actions
    assert worker.start_operation(Operation.mark_marginal) is None

    reviewer = open_form(demo_db, household_id, role=Role.REVIEWER)
    dialog = reviewer.start_operation(Operation.mark_marginal)
    assert "5000" in dialog.info.text()
    choose(dialog.fields["risk_type"], "01")
    dialog.ok_button.click()
    assert dialog.isVisible() and "不符合边缘户的认定标准" in dialog.message.text()
    assert reviewer.payload["household"]["marginal"] is False


def test_a_marked_marginal_household_is_saved_with_its_risk(demo_copy, open_form) -> None:
    db = demo_copy()
    household_id = household_id_with(db, "ordinary")
    form = open_form(db, household_id, role=Role.REVIEWER)
    # a low income, so the household meets the line of Q6
    tab = form.income_tab
    for key in ("wage_income", "business_income", "property_income", "transfer_income"):
        tab.binder.widgets[key].setText("0")
        tab.binder.widgets[key].textEdited.emit("0")
    tab.binder.widgets["transfer_income"].setText("1000")
    tab.binder.widgets["transfer_income"].textEdited.emit("1000")
    for item in tab.items.rows:
        item["deleted"] = True  # the sub-items no longer match; drop them with the figures
    tab.items.refresh()
    dialog = form.start_operation(Operation.mark_marginal)
    assert dialog.subject.per_capita is not None and dialog.subject.per_capita < 5000
    choose(dialog.fields["risk_type"], "05")
    choose(dialog.fields["decided_by"], "01")
    dialog.ok_button.click()
    assert not dialog.isVisible(), dialog.message.text()
    save_with_reason(form)
    with db.session() as session:
        assert session.get(Household, household_id).marginal is True
        risks = session.scalars(select(Risk).where(Risk.household_id == household_id)).all()
        assert [(r.kind, r.risk_type, r.decided_by) for r in risks] == [("marginal", "05", "01")]


@pytest.mark.parametrize(
    ("moment", "enabled"),
    [(IN_WORK, True), (AFTER_DEADLINE, False)],
    ids=["before the deadline", "after the deadline"],
)
def test_the_main_window_menu_offers_operations_by_status_and_calendar(
    demo_db, qtbot, moment, enabled
) -> None:
    window = MainWindow(
        demo_db, runner=ImmediateTaskRunner(), clock=lambda: moment, offer_drafts=False
    )
    qtbot.addWidget(window)
    exit_action = window.operation_actions[Operation.exit]
    assert not exit_action.isEnabled()  # nothing selected yet
    rows = [window.list_model.row_at(r) for r in range(window.list_model.rowCount())]
    poor = next(r for r, row in enumerate(rows) if row.status == "poor")
    window.table_view.setCurrentIndex(window.list_model.index(poor, 0))
    assert exit_action.isEnabled() is enabled
    assert not window.operation_actions[Operation.identify].isEnabled()  # poor: not ordinary
    assert "新识别只适用于一般农户" in window.operation_actions[Operation.identify].toolTip()
    if not enabled:
        assert "2019年11月30日24时后不能进行脱贫操作" in exit_action.toolTip()
    else:
        exit_action.trigger()
        form = window.forms[rows[poor].id]
        assert form.operation_dialog is not None and form.operation_dialog.op is Operation.exit


def test_the_calendar_alone_refuses_every_operation_outside_the_work_window() -> None:
    policy = policy_year(2019)
    for op in Operation:
        assert calendar_problems(op, policy=policy, moment=IN_WORK) == []
        outside = calendar_problems(op, policy=policy, moment=datetime(2020, 3, 1))
        assert outside and "2019年10月1日至2020年1月10日" in outside[0].message


def test_a_natural_decrease_offers_only_the_reasons_of_a_decrease(qtbot) -> None:
    subject = Subject(status="poor", members=[("m1", "张三"), ("m2", "李四")], title="测试户")
    dialog = OperationDialog(
        Operation.member_out,
        subject,
        policy=policy_year(2019),
        clock=lambda: IN_WORK,
        member_id="m2",
    )
    qtbot.addWidget(dialog)
    reasons = dialog.fields["reason"]
    assert [reasons.itemData(i) for i in range(reasons.count())] == [
        None,
        "01",
        "02",
        "03",
        "04",
        "08",
    ]
    assert dialog.fields["member_id"].value() == "m2"
    assert dialog.windowTitle() == "自然减少 · 测试户"
    assert dialog.ok_button.isDefault()


def test_enter_in_an_operation_dialog_confirms_it(demo_copy, open_form, qtbot) -> None:
    db = demo_copy()
    with db.session() as session:
        household_id = session.scalars(
            select(Household.id).where(Household.status == "exited", Household.member_count >= 2)
        ).first()
    form = open_form(db, household_id)
    leaving = form.payload["members"][-1]
    dialog = form.start_operation(Operation.member_out, member_id=leaving["id"])
    choose(dialog.fields["reason"], "08")  # 其他转出
    dialog.activateWindow()
    dialog.fields["date"].setFocus()
    qtbot.waitUntil(dialog.fields["date"].hasFocus)
    qtbot.keyClick(dialog.fields["date"], Qt.Key.Key_Return)
    assert dialog.result() == OperationDialog.DialogCode.Accepted
    assert leaving["left_reason"] == "08" and leaving["left_date"] == IN_WORK.date().isoformat()
    assert form.payload["operations"][-1]["op"] == "member_out"


def test_a_natural_decrease_that_moves_support_to_centralised_is_refused_as_an_exit(qtbot) -> None:
    """Q17: the member-out dialog passes the change of special support to the domain's rule."""
    subject = Subject(
        status="poor", members=[("m1", "孤老汉")], special_support_mode="1", title="特困户"
    )
    dialog = OperationDialog(
        Operation.member_out,
        subject,
        policy=policy_year(2019),
        clock=lambda: IN_WORK,
        member_id="m1",
    )
    qtbot.addWidget(dialog)
    choose(dialog.fields["reason"], "08")
    choose(dialog.fields["special_support_mode"], "2")  # 集中供养
    dialog.accept()
    assert dialog.result() != OperationDialog.DialogCode.Accepted
    assert "按照脱贫处理" in dialog.message.text()
    assert not dialog.ok_button.isEnabled()


def test_the_end_monitoring_dialog_is_offered_to_reviewers_only(qtbot) -> None:
    from desktop.ui.operations_dialogs import INTERNAL_OPERATIONS

    assert Operation.end_monitoring in INTERNAL_OPERATIONS
    dialog = OperationDialog(
        Operation.end_monitoring,
        Subject(status="exited", title="监测户"),
        policy=policy_year(2019),
        clock=lambda: IN_WORK,
    )
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "解除监测 · 监测户"
    assert dialog.ok_button.isEnabled() and "decision_date" in dialog.fields
