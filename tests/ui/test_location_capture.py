"""The location capture dialog with real widgets offscreen: a replayed log and a pseudo-serial
receiver read on a worker thread, typed coordinates, the Q19 fallback, and a save at the end."""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from sqlalchemy import select

from desktop.domain.audit import audit_household
from desktop.domain.geo import LatLon, LocalProjection
from desktop.domain.location_rules import household_location_problems
from desktop.domain.location_settings import location_settings
from desktop.location.apply import (
    CurrentLocation,
    LocationContext,
    apply_to_household,
    context_for_household,
)
from desktop.store.models import Household
from desktop.store.save import save_household
from desktop.store.settings import working_policy
from desktop.ui.location_capture import LocationCaptureDialog

LOGS = Path(__file__).resolve().parents[1] / "location" / "data"
COMMITTEE = LatLon(33.4100, 106.0500)  # ~280 m from the house of the fixture logs


@pytest.fixture
def make_dialog(qtbot):
    """A factory: the dialog for a household near COMMITTEE (or a given context), shown."""

    def make(context: LocationContext | None = None, **kwargs) -> LocationCaptureDialog:
        context = context or LocationContext(
            "户编号 610727101201001 张三", COMMITTEE, CurrentLocation(id="h1")
        )
        kwargs.setdefault("ports", [])
        kwargs.setdefault("replay_interval_s", 0.0)
        dialog = LocationCaptureDialog(context, **kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    yield make


def test_a_replayed_beidou_log_is_read_on_a_worker_thread_and_averaged(make_dialog, qtbot) -> None:
    dialog = make_dialog()
    assert not dialog.ok_button.isEnabled()
    worker = dialog.start_replay(LOGS / "beidou_only.nmea")
    qtbot.waitUntil(lambda: dialog.choice() is not None, timeout=10_000)
    assert worker.thread_ident is not None and worker.thread_ident != threading.get_ident()
    choice = dialog.choice()
    assert choice.source == "gps" and choice.accuracy_m < 8
    assert "5 次定位平均" in dialog.capture_label.text()
    assert "北斗" in dialog.satellites_label.text()
    assert dialog.ok_button.isEnabled()
    assert not dialog.reader.running


def test_reading_stops_once_a_position_is_accepted(make_dialog, qtbot) -> None:
    dialog = make_dialog(replay_interval_s=0.03)
    worker = dialog.start_replay(LOGS / "beidou_only.nmea")  # 16 epochs; the first 5 are enough
    qtbot.waitUntil(lambda: dialog.choice() is not None, timeout=10_000)
    qtbot.wait(400)
    assert 5 <= worker.session.stats.epochs < 16


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_silent_receiver_is_reported_and_stopping_it_does_not_block(make_dialog, qtbot) -> None:
    import tty

    master, slave = os.openpty()
    tty.setraw(slave)
    quick = dataclasses.replace(location_settings(), no_data_timeout_s=0.3, read_timeout_s=1.0)
    dialog = make_dialog(settings=quick)
    try:
        dialog.start_port(os.ttyname(slave), 9600)
        qtbot.waitUntil(lambda: "没有输出数据" in dialog.state_label.text(), timeout=5000)
        started = time.monotonic()
        dialog.stop_gps()  # the worker sits in a one-second read: the GUI must not wait for it
        assert time.monotonic() - started < 0.5  # far below the worker's one-second read
        assert dialog.start_button.text() == "开始定位"
        dialog.reader.wait()
    finally:
        os.close(master)
        os.close(slave)


def test_the_live_fix_shows_satellites_hdop_accuracy_and_time(make_dialog, qtbot) -> None:
    dialog = make_dialog()
    dialog.start_replay(LOGS / "ublox_m8_multi.nmea")
    qtbot.waitUntil(lambda: dialog.choice() is not None, timeout=10_000)
    assert dialog.satellites_label.text().startswith("16 / ")
    assert (
        "格洛纳斯" in dialog.satellites_label.text()
        or dialog.satellites_label.text().startswith("16 / -")
    )
    assert dialog.hdop_label.text() in {"0.7", "0.8", "0.9"}
    assert dialog.accuracy_label.text().startswith("约 ")
    assert dialog.fix_time_label.text() == "2019-10-21 10:15:00"  # Beijing time
    assert "单次定位" in dialog.capture_label.text()


def test_the_gui_keeps_running_while_a_paced_replay_waits_for_a_fix(make_dialog, qtbot) -> None:
    dialog = make_dialog(replay_interval_s=0.04)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    reasons: list[str] = []
    dialog.reader.progressed.connect(lambda p, _t: reasons.append(p.judged.reason))
    dialog.start_replay(LOGS / "zhongke_cold_start.nmea")
    qtbot.waitUntil(lambda: dialog.choice() is not None, timeout=10_000)
    timer.stop()
    assert len(ticks) >= 10, "the event loop ran while the worker read"
    assert any("尚未定位" in r for r in reasons) and any("卫星只有 3 颗" in r for r in reasons)


def test_refused_data_shows_its_reason_and_nothing_can_be_taken(make_dialog, qtbot) -> None:
    dialog = make_dialog(settings=dataclasses.replace(location_settings(), max_fix_age_s=0.3))
    dialog.start_replay(LOGS / "simulator_abroad.nmea")
    qtbot.waitUntil(lambda: "回放完毕" in dialog.state_label.text(), timeout=10_000)
    assert "不在中国境内" in dialog.reason_label.text()
    assert dialog.choice() is None and not dialog.ok_button.isEnabled()
    assert "还没有可采用的 GPS 定位" in dialog.problems_label.text()
    qtbot.waitUntil(lambda: "定位已过期" in dialog.age_label.text(), timeout=3000)


def test_bad_lines_are_counted_in_the_dialog(make_dialog, qtbot) -> None:
    never = dataclasses.replace(location_settings(), auto_accept_accuracy_m=1.0, average_count=50)
    dialog = make_dialog(settings=never)
    dialog.start_replay(LOGS / "sirf_noisy_cable.nmea")
    qtbot.waitUntil(lambda: "回放完毕" in dialog.state_label.text(), timeout=10_000)
    assert "校验和错误 1" in dialog.lines_label.text()
    assert "语句不完整" in dialog.lines_label.text()
    assert dialog.lines_label.text().startswith("70 行, 历元 14")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_receiver_on_a_serial_port_gives_a_position(make_dialog, qtbot) -> None:
    import tty

    master, slave = os.openpty()
    tty.setraw(slave)
    lines = (LOGS / "ublox_m8_multi.nmea").read_bytes().splitlines(keepends=True)
    stop = threading.Event()

    def receiver() -> None:
        for line in lines * 3:
            if stop.is_set():
                return
            os.write(master, line)
            time.sleep(0.002)

    dialog = make_dialog(ports=[(os.ttyname(slave), "USB GNSS")])
    assert dialog.source_combo.currentData() == ("port", os.ttyname(slave))
    thread = threading.Thread(target=receiver, daemon=True)
    try:
        dialog._start_or_stop()  # the 开始定位 button with the port chosen
        thread.start()
        qtbot.waitUntil(lambda: dialog.choice() is not None, timeout=10_000)
    finally:
        stop.set()
        thread.join(5)
        dialog.stop_gps()
        os.close(master)
        os.close(slave)
    assert dialog.choice().source == "gps"


def test_a_port_that_does_not_open_says_so_and_can_be_retried(
    make_dialog, qtbot, tmp_path: Path
) -> None:
    dialog = make_dialog()
    dialog.start_port(str(tmp_path / "ttyGONE"), 9600)
    qtbot.waitUntil(lambda: "无法打开" in dialog.state_label.text(), timeout=5000)
    qtbot.waitUntil(lambda: dialog.start_button.text() == "开始定位", timeout=5000)


# --- typed coordinates ---------------------------------------------------------------------------


def test_typed_chinese_dms_is_read_and_offered(make_dialog) -> None:
    dialog = make_dialog()
    dialog.tabs.setCurrentIndex(1)
    dialog.coords_edit.setText("北纬33度24分36秒，东经106度3分0秒")
    choice = dialog.choice()
    assert choice is not None and choice.source == "manual"
    assert (choice.latitude, choice.longitude) == pytest.approx((33.41, 106.05))
    assert "北纬33°24′36.00″" in dialog.coords_label.text()
    assert dialog.ok_button.isEnabled()


def test_longitude_first_is_read_and_the_dialog_says_so(make_dialog) -> None:
    dialog = make_dialog()
    dialog.tabs.setCurrentIndex(1)
    dialog.coords_edit.setText("106.0512, 33.4123")
    assert dialog.choice() is not None and "经度, 纬度" in dialog.coords_label.text()


def test_unreadable_or_foreign_coordinates_block_the_ok_button_and_keep_the_text(
    make_dialog,
) -> None:
    dialog = make_dialog()
    dialog.tabs.setCurrentIndex(1)
    dialog.coords_edit.setText("34°75'N 108°E")
    assert dialog.choice() is None and "分应小于 60" in dialog.coords_label.text()
    assert not dialog.ok_button.isEnabled() and dialog.coords_edit.text() == "34°75'N 108°E"
    dialog.coords_edit.setText("48.1173, 11.5167")
    assert "不在中国境内" in dialog.problems_label.text() and not dialog.ok_button.isEnabled()


def test_a_point_far_from_the_committee_warns_with_the_distance_but_may_be_taken(
    make_dialog,
) -> None:
    dialog = make_dialog()
    dialog.tabs.setCurrentIndex(1)
    lat, lon = LocalProjection(COMMITTEE.latitude, COMMITTEE.longitude).to_degrees(-12_000, 0)
    dialog.coords_edit.setText(f"{lat:.6f}, {lon:.6f}")
    assert "西方向 12.0 公里" in dialog.problems_label.text()
    assert "说明原因" in dialog.problems_label.text()
    assert dialog.ok_button.isEnabled()


# --- the Q19 fallback ----------------------------------------------------------------------------


def test_the_committee_fallback_needs_a_note_and_a_valid_phone(make_dialog) -> None:
    dialog = make_dialog()
    dialog.tabs.setCurrentIndex(2)
    dialog.committee_radio.setChecked(True)
    assert "必须备注说明情况" in dialog.problems_label.text() and not dialog.ok_button.isEnabled()
    dialog.note_edit.setText("全家在浙江务工, 原房屋已拆除")
    dialog.contact_edit.setText("4821234")
    assert "格式不正确" in dialog.problems_label.text() and not dialog.ok_button.isEnabled()
    dialog.contact_edit.setText("0916-4821234")
    assert dialog.ok_button.isEnabled()
    choice = dialog.choice()
    assert choice.source == "village_committee" and choice.away_long_term
    assert (choice.latitude, choice.longitude) == (COMMITTEE.latitude, COMMITTEE.longitude)
    assert choice.contact == "0916-4821234" and choice.note.startswith("全家")


def test_the_original_address_fallback_takes_typed_coordinates(make_dialog) -> None:
    dialog = make_dialog()
    dialog.tabs.setCurrentIndex(2)
    dialog.original_radio.setChecked(True)
    assert dialog.choice() is None and "原住址的坐标" in dialog.original_label.text()
    dialog.original_edit.setText("北纬33.4123 东经106.0512")
    dialog.note_edit.setText("房屋垮塌, 全家外出")
    dialog.contact_edit.setText("13812345678")
    choice = dialog.choice()
    assert choice.source == "original_address" and choice.latitude == pytest.approx(33.4123)
    assert dialog.ok_button.isEnabled()


def test_without_a_committee_point_the_committee_fallback_cannot_be_chosen(make_dialog) -> None:
    dialog = make_dialog(LocationContext("户编号 X", None, CurrentLocation(id="h1")))
    assert not dialog.committee_radio.isEnabled()
    assert "还没有村委会位置" in dialog.committee_radio.text()


def test_a_village_committee_is_located_by_gps_or_typing_only(make_dialog) -> None:
    dialog = make_dialog(LocationContext("王家湾村 村委会", None, None))
    assert dialog.tabs.count() == 2
    dialog.tabs.setCurrentIndex(1)
    dialog.coords_edit.setText("33.41, 106.05")
    assert dialog.choice().source == "manual" and dialog.problems() == []


# --- the whole flow ------------------------------------------------------------------------------


def test_taking_a_gps_position_and_saving_it_through_the_save_path(
    make_dialog, qtbot, demo_copy
) -> None:
    db = demo_copy()
    with db.session() as session:
        household = session.scalars(
            select(Household)
            .where(Household.away_long_term.is_(False))
            .order_by(Household.household_number)
        ).first()
        context = context_for_household(household)
        hid = household.id
    dialog = make_dialog(context)
    assert household.household_number in dialog.windowTitle()
    dialog.tabs.setCurrentIndex(1)
    committee = context.committee
    dialog.coords_edit.setText(f"{committee.latitude + 0.001:.6f}, {committee.longitude:.6f}")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), qtbot_left())
    assert dialog.result() == QDialog.DialogCode.Accepted
    choice = dialog.choice()
    with db.session() as session:
        household = session.get(Household, hid)
        policy = working_policy(session)
        _ = household.village  # loaded before the edit
        apply_to_household(household, choice)
        save_household(
            session,
            household,
            actor="测试员",
            reason="重新采集",
            validator=lambda h: audit_household(h, policy=policy) + household_location_problems(h),
        )
    with db.session() as session:
        saved = session.get(Household, hid)
        assert saved.location_source == "manual"
        assert saved.latitude == pytest.approx(committee.latitude + 0.001)


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_the_system_position_source_is_judged_by_the_same_rules(make_dialog, qtbot) -> None:
    positioning = pytest.importorskip(
        "PySide6.QtPositioning", reason="Qt Positioning is in PySide6-Addons"
    )
    from PySide6.QtCore import QFile, QIODevice

    # Qt estimates 7–8 m here (and replays at one epoch a second): take a single such fix.
    dialog = make_dialog(
        settings=dataclasses.replace(location_settings(), auto_accept_accuracy_m=10.0)
    )
    log = QFile(str(LOGS / "ublox_m8_multi.nmea"))
    assert log.open(QIODevice.OpenModeFlag.ReadOnly)
    source = positioning.QNmeaPositionInfoSource(
        positioning.QNmeaPositionInfoSource.UpdateMode.SimulationMode, dialog
    )
    source.setDevice(log)
    source.setUserEquivalentRangeError(5.0)
    dialog.start_system(source)
    qtbot.waitUntil(lambda: dialog.choice() is not None, timeout=10_000)
    choice = dialog.choice()
    assert choice.source == "gps" and choice.accuracy_m <= 10.0
    assert choice.taken_at.isoformat() == "2019-10-21T10:15:00"
    dialog.stop_gps()
