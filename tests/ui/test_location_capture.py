"""The location capture dialog with real widgets offscreen: a replayed log and a pseudo-serial
receiver read on a worker thread, typed coordinates, the Q19 fallback, and a save at the end."""

from __future__ import annotations

import dataclasses
import enum
import os
import select as io_select
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, QObject, Qt, QTime, QTimer, QTimeZone, Signal
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
    qtbot.waitUntil(lambda: not dialog.reader.running, timeout=10_000)  # the worker ended
    dialog.reader.wait()
    assert 5 <= worker.session.stats.epochs < 16  # before the log's end


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_silent_receiver_is_reported_and_stopping_it_does_not_block(make_dialog, qtbot) -> None:
    import tty

    master, slave = os.openpty()
    tty.setraw(slave)
    # The silence is reported after a read; the next read then waits two seconds for data.
    slow_read = dataclasses.replace(location_settings(), no_data_timeout_s=0.3, read_timeout_s=2.0)
    dialog = make_dialog(settings=slow_read)
    try:
        dialog.start_port(os.ttyname(slave), 9600)
        qtbot.waitUntil(lambda: "没有输出数据" in dialog.state_label.text(), timeout=5000)
        worker = dialog.reader.worker
        assert worker is not None
        ended = threading.Event()
        worker.finished.connect(ended.set, Qt.ConnectionType.DirectConnection)
        dialog.stop_gps()
        assert dialog.start_button.text() == "开始定位"
        assert not ended.is_set()  # stopping returned while the worker still sat in its read
    finally:
        os.close(master)  # the worker's read ends with the port, and its thread with it
        os.close(slave)
    assert ended.wait(30)
    dialog.reader.wait()


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
    happened: list[str] = []
    timer = QTimer()  # fires whenever the GUI's event loop is free
    timer.timeout.connect(lambda: happened.append("tick"))
    timer.start(0)
    reasons: list[str] = []

    def progressed(progress, _at) -> None:
        happened.append("progress")
        reasons.append(progress.judged.reason)

    dialog.reader.progressed.connect(progressed)
    dialog.start_replay(LOGS / "zhongke_cold_start.nmea")
    qtbot.waitUntil(lambda: dialog.choice() is not None, timeout=10_000)
    timer.stop()
    first, last = happened.index("progress"), len(happened) - happened[::-1].index("progress")
    between = happened[first:last]
    assert between.count("progress") >= 2 and "tick" in between, "the GUI ran between fixes"
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

    def receiver() -> None:  # writes as fast as the port takes it; stops when asked
        os.set_blocking(master, False)
        for line in lines * 3:
            while not stop.is_set():
                try:
                    os.write(master, line)
                    break
                except BlockingIOError:  # the port's buffer is full: wait until it drains
                    io_select.select([], [master], [], 0.5)
                except OSError:
                    return
            if stop.is_set():
                return

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


# --- the system position source, with a stand-in for Qt Positioning's classes -----------------------
# PySide6-Addons (Qt Positioning) is not a dependency, so the test above is skipped here; these
# stand-ins have the few members SystemPositionReader and fix_from_position use.


class FakeCoordinate:
    class CoordinateType(enum.Enum):
        Coordinate2D = 2
        Coordinate3D = 3

    def __init__(self, latitude: float, longitude: float, altitude: float | None) -> None:
        self._at = (latitude, longitude, altitude)

    def isValid(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def latitude(self) -> float:
        return self._at[0]

    def longitude(self) -> float:
        return self._at[1]

    def altitude(self) -> float:
        return self._at[2] or 0.0

    def type(self) -> FakeCoordinate.CoordinateType:
        kind = self.CoordinateType
        return kind.Coordinate3D if self._at[2] is not None else kind.Coordinate2D


class FakePositionInfo:
    class Attribute(enum.Enum):
        HorizontalAccuracy = 1

    def __init__(self, coordinate: FakeCoordinate, accuracy_m: float, utc: QDateTime) -> None:
        self._coordinate, self._accuracy, self._utc = coordinate, accuracy_m, utc

    def isValid(self) -> bool:  # noqa: N802
        return True

    def coordinate(self) -> FakeCoordinate:
        return self._coordinate

    def hasAttribute(self, attribute) -> bool:  # noqa: N802
        return attribute is self.Attribute.HorizontalAccuracy

    def attribute(self, attribute) -> float:
        assert attribute is self.Attribute.HorizontalAccuracy
        return self._accuracy

    def timestamp(self) -> QDateTime:
        return self._utc


class FakePositionSource(QObject):
    """A QGeoPositionInfoSource-like source: signals, an update interval, start and stop."""

    positionUpdated = Signal(object)  # noqa: N815
    errorOccurred = Signal(object)  # noqa: N815

    def __init__(self) -> None:
        super().__init__()
        self.interval_ms: int | None = None
        self.running = False

    def setUpdateInterval(self, ms: int) -> None:  # noqa: N802
        self.interval_ms = ms

    def startUpdates(self) -> None:  # noqa: N802
        self.running = True

    def stopUpdates(self) -> None:  # noqa: N802
        self.running = False


def _fix(accuracy_m: float, second: int) -> FakePositionInfo:
    utc = QDateTime(QDate(2019, 10, 21), QTime(2, 15, second), QTimeZone.UTC)
    return FakePositionInfo(FakeCoordinate(33.4125, 106.0525, 812.0), accuracy_m, utc)


def test_the_system_source_adapter_judges_fixes_by_the_same_rules(make_dialog, qtbot) -> None:
    dialog = make_dialog()  # auto-accepts a fix of 5 m or better
    source = FakePositionSource()
    dialog.start_system(source)
    assert source.running and source.interval_ms == 1000

    source.positionUpdated.emit(_fix(12.0, 0))  # between 5 and 30 m: to be averaged, not taken
    assert dialog.choice() is None
    source.positionUpdated.emit(_fix(4.0, 1))
    choice = dialog.choice()
    assert choice is not None and choice.source == "gps"
    assert choice.accuracy_m == pytest.approx(4.0)
    assert (choice.latitude, choice.longitude) == pytest.approx((33.4125, 106.0525))
    assert choice.taken_at.isoformat() == "2019-10-21T10:15:01"  # Beijing time
    assert "单次定位" in dialog.capture_label.text()

    dialog.stop_gps()
    assert not source.running


def test_an_error_of_the_system_source_is_shown(make_dialog, qtbot) -> None:
    dialog = make_dialog()
    source = FakePositionSource()
    dialog.start_system(source)
    source.errorOccurred.emit("AccessError")
    assert (
        "系统定位出错" in dialog.state_label.text() and "AccessError" in dialog.state_label.text()
    )
    assert dialog.choice() is None
