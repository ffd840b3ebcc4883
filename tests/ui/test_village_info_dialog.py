"""The village information dialog (Q3, Q18) with real widgets on a copy of the demo county:
opened from the main window's menu, saved through the one save path, refused with the errors
shown and everything typed kept."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from desktop.domain.roles import Role
from desktop.store.models import Division, LedgerEntry, OutboxChange
from desktop.ui.location_capture import LocationCaptureDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.tasks import ImmediateTaskRunner
from desktop.ui.village_info_dialog import VillageInfoDialog


def non_poor_village(db) -> tuple[str, str]:
    with db.session() as session:
        village = session.scalars(
            select(Division).where(Division.level == "village", Division.is_poor_village.is_(False))
        ).first()
        return village.id, village.code


def open_from_menu(qtbot, db, village_id: str) -> VillageInfoDialog:
    window = MainWindow(db, runner=ImmediateTaskRunner(), role=Role.FIELD_WORKER, actor="测试员")
    qtbot.addWidget(window)
    window.tree_view.setCurrentIndex(window.tree_model.index_of(village_id))
    window.village_info_action.trigger()
    dialog = window.findChild(VillageInfoDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def click_save(dialog: VillageInfoDialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()


def test_the_menu_opens_the_dialog_and_a_save_is_booked_and_queued(demo_copy, qtbot) -> None:
    db = demo_copy()
    village_id, code = non_poor_village(db)
    dialog = open_from_menu(qtbot, db, village_id)
    assert dialog.poor_combo.currentText() == "非贫困村"

    dialog.poor_combo.setCurrentIndex(dialog.poor_combo.findData(True))
    dialog.exited_spin.setValue(2018)
    dialog.task_force_edit.setText("县交通局驻村工作队")
    dialog.committee_edit.setText("北纬33°19′46.2″ 东经106°09′24.5″")
    with qtbot.waitSignal(dialog.saved):
        click_save(dialog)
    assert not dialog.isVisible()

    with db.session() as session:
        village = session.get(Division, village_id)
        assert (village.is_poor_village, village.village_exited_year, village.task_force) == (
            True,
            2018,
            "县交通局驻村工作队",
        )
        assert (round(village.committee_latitude, 4), round(village.committee_longitude, 4)) == (
            33.3295,
            106.1568,
        )
        assert village.committee_location_source == "manual"
        book = session.scalars(select(LedgerEntry).where(LedgerEntry.entity_id == village_id)).all()
        assert {e.field for e in book} >= {"is_poor_village", "village_exited_year", "task_force"}
        assert {e.actor for e in book} == {"测试员"}
        [change] = session.scalars(
            select(OutboxChange).where(OutboxChange.entity == "divisions")
        ).all()
        assert change.village_code == code and change.fields["village_exited_year"] == 2018


def test_an_exit_year_on_a_non_poor_village_shows_the_error_and_keeps_what_was_typed(
    demo_copy, qtbot
) -> None:
    db = demo_copy()
    village_id, _code = non_poor_village(db)
    dialog = open_from_menu(qtbot, db, village_id)
    dialog.exited_spin.setValue(2017)
    dialog.task_force_edit.setText("新的工作队")
    click_save(dialog)

    assert dialog.isVisible()
    assert dialog.problems_label.isVisible()
    assert "不是贫困村" in dialog.problems_label.text()
    assert (dialog.exited_spin.value(), dialog.task_force_edit.text()) == (2017, "新的工作队")
    with db.session() as session:
        assert session.scalars(select(OutboxChange)).all() == []
        assert session.get(Division, village_id).village_exited_year is None


def test_typed_nonsense_coordinates_are_refused_in_the_dialog(demo_copy, qtbot) -> None:
    db = demo_copy()
    village_id, _code = non_poor_village(db)
    dialog = VillageInfoDialog(db, village_id, actor="测试员")
    qtbot.addWidget(dialog)
    dialog.committee_edit.setText("东经 abc")
    assert dialog.save() is False
    assert "无法识别" in dialog.problems_label.text()


def test_a_gps_capture_fills_the_committee_and_saves_with_its_source(demo_copy, qtbot) -> None:
    db = demo_copy()
    village_id, _code = non_poor_village(db)

    def typed_capture(context, parent=None):
        capture = LocationCaptureDialog(context, parent=parent, ports=[])
        capture.tabs.setCurrentIndex(1)  # 手工输入坐标
        capture.coords_edit.setText("33.3012, 106.1234")
        QTimer.singleShot(0, capture.accept)
        return capture

    dialog = VillageInfoDialog(db, village_id, actor="测试员", capture_factory=typed_capture)
    qtbot.addWidget(dialog)
    dialog.capture_button.click()
    assert dialog.committee_edit.text() == "33.301200, 106.123400"
    assert dialog.save() is True
    with db.session() as session:
        village = session.get(Division, village_id)
        assert (village.committee_latitude, village.committee_longitude) == (33.3012, 106.1234)
    reopened = VillageInfoDialog(db, village_id, actor="测试员")
    qtbot.addWidget(reopened)
    assert reopened.history_table.rowCount() >= 2


def test_the_division_trees_right_click_menu_offers_the_village_information(demo_db, qtbot) -> None:
    window = MainWindow(demo_db, runner=ImmediateTaskRunner(), role=Role.FIELD_WORKER)
    qtbot.addWidget(window)
    assert window.village_info_action in window.tree_view.actions()
    assert window.tree_view.contextMenuPolicy().name == "ActionsContextMenu"
