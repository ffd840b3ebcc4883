"""The location capture dialog: GPS from a receiver or a replayed log, typed coordinates, Q19.

Three tabs, one answer — a ``LocationChoice`` that the caller applies with
``desktop.location.apply.apply_to_household`` (or ``apply_to_village``) and saves through the
store's save path; the dialog itself writes nothing.

GPS: NMEA is read by a ``GpsWorker`` moved to its own ``QThread`` (a long-lived reader, STYLE.md
Qt notes), from a serial/USB port (pyserial) or a recorded log replayed at the receiver's pace.
The worker parses, judges and averages through ``desktop.location.gps.GpsSession`` — the path
``fieldbook gps`` uses — and only sends results to the GUI thread. The dialog shows the live fix
(satellites, HDOP, estimated accuracy, the fix's time and age) and the reason of every refusal,
and stops reading when a position is accepted. When Qt Positioning is installed
(PySide6-Addons) and the operating system has a position source, that source is offered too,
judged by the same rules.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.geo import LatLon
from desktop.domain.location_rules import (
    FALLBACK_SOURCES,
    ORIGINAL_ADDRESS,
    VILLAGE_COMMITTEE,
    check_point,
    source_label,
)
from desktop.domain.location_settings import LocationSettings, location_settings
from desktop.domain.problems import Problem
from desktop.location.apply import (
    LocationChoice,
    LocationChoiceError,
    LocationContext,
    fallback,
    from_capture,
    from_typed,
    preview_problems,
)
from desktop.location.coords import CoordinateError, format_dms, parse_coordinates
from desktop.location.gps import Fix, GpsCapture, GpsSession, Progress, beijing_time
from desktop.location.nmea import CONSTELLATION_NAMES_ZH, LINE_PROBLEM_ZH
from desktop.location.sources import (
    GpsSourceError,
    LineSource,
    ReplaySource,
    SerialSource,
    list_serial_ports,
)
from desktop.ui.geometry import fit_window
from desktop.ui.problem_texts import problem_message
from desktop.ui.style import apply_readable_font

OpenSource = Callable[[threading.Event], LineSource]
BAUD_RATES = (4800, 9600, 19200, 38400, 57600, 115200)
ERROR_COLOUR = QColor("#b00020")
WARNING_COLOUR = QColor("#a15c00")
GOOD_COLOUR = QColor("#1b5e20")


def tint(label: QLabel, colour: QColor | None) -> None:
    """Colour a label's text through its palette (a style sheet would drop the readable font)."""
    palette = label.palette()
    if colour is None:
        palette = label.parentWidget().palette() if label.parentWidget() else QPalette()
    else:
        palette.setColor(QPalette.ColorRole.WindowText, colour)
    label.setPalette(palette)


# --- reading a receiver off the GUI thread -------------------------------------------------------


class GpsWorker(QObject):
    """Reads NMEA lines and judges them in its own thread; never touches a widget.

    ``progressed`` carries each epoch's ``Progress`` and the monotonic time it was judged.
    """

    progressed = Signal(object, float)
    status = Signal(str)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, open_source: OpenSource, settings: LocationSettings) -> None:
        super().__init__()
        self._open_source = open_source
        self._settings = settings
        self._stop = threading.Event()
        self.session = GpsSession(settings)
        self.thread_ident: int | None = None

    def stop(self) -> None:
        """Ask the loop to end (safe from any thread)."""
        self._stop.set()

    @Slot()
    def run(self) -> None:
        self.thread_ident = threading.get_ident()
        try:
            source = self._open_source(self._stop)
        except GpsSourceError as exc:
            self.failed.emit(str(exc))
            self.finished.emit()
            return
        try:
            self._loop(source)
        finally:
            source.close()
            self.finished.emit()

    def _loop(self, source: LineSource) -> None:
        session = self.session
        timeout = self._settings.no_data_timeout_s
        last_data = time.monotonic()
        warned = False
        while not self._stop.is_set():
            try:
                line = source.read_line()
            except EOFError:
                for progress in session.finish():
                    self.progressed.emit(progress, time.monotonic())
                if not self._stop.is_set():
                    self.status.emit(self.tr("记录回放完毕"))
                return
            except GpsSourceError as exc:
                self.failed.emit(str(exc))
                return
            now = time.monotonic()
            before = session.stats.sentences
            progresses = session.feed(line) if line is not None else []
            if session.stats.sentences > before:
                last_data, warned = now, False
            elif now - last_data > timeout and not warned:
                warned = True
                if line is None:
                    self.status.emit(self.tr("接收机没有输出数据: 请检查端口、数据线和波特率"))
                else:
                    self.status.emit(self.tr("收到的不是 NMEA 语句: 请换一个波特率试试"))
            for progress in progresses:
                self.progressed.emit(progress, time.monotonic())


class GpsReader(QObject):
    """Owns the current ``GpsWorker`` and its ``QThread``; start and stop from the GUI thread.

    Stopping never waits for the worker unless asked (a serial read may take up to its timeout):
    the old thread finishes on its own and is dropped then, and anything it still sends is
    ignored, because only the current worker's signals are passed on.
    """

    progressed = Signal(object, float)
    status = Signal(str)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: GpsWorker | None = None
        self._retired: dict[int, tuple[QThread, GpsWorker]] = {}

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    @property
    def worker(self) -> GpsWorker | None:
        return self._worker

    def start(self, open_source: OpenSource, settings: LocationSettings) -> GpsWorker:
        """Stop any reader, then read from a new source."""
        self.stop()
        thread = QThread()
        worker = GpsWorker(open_source, settings)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        # Slots of this GUI-thread object: queued, and they know which worker sent what.
        worker.progressed.connect(self._worker_progressed)
        worker.status.connect(self._worker_status)
        worker.failed.connect(self._worker_failed)
        # Direct: the thread ends as soon as the worker does, even while the GUI thread waits.
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        worker.finished.connect(self._worker_finished)
        thread.finished.connect(self._thread_finished)
        self._thread, self._worker = thread, worker
        thread.start()
        return worker

    def stop(self, wait_ms: int | None = None) -> None:
        """Ask the worker to end; with ``wait_ms``, also wait for its thread (closing a dialog)."""
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if worker is not None:
            worker.stop()
        if thread is None or worker is None:
            return
        if wait_ms is not None:
            thread.quit()
            thread.wait(wait_ms)
        if thread.isRunning():
            self._retired[id(thread)] = (thread, worker)  # kept alive until it has finished

    def wait(self, wait_ms: int = 5000) -> None:
        """Wait for every thread this reader started, the stopped ones included."""
        for thread, _worker in list(self._retired.values()):
            thread.wait(wait_ms)
        if self._thread is not None:
            self._thread.wait(wait_ms)

    def _current(self) -> bool:
        return self.sender() is self._worker and self._worker is not None

    @Slot(object, float)
    def _worker_progressed(self, progress: Progress, at: float) -> None:
        if self._current():
            self.progressed.emit(progress, at)

    @Slot(str)
    def _worker_status(self, message: str) -> None:
        if self._current():
            self.status.emit(message)

    @Slot(str)
    def _worker_failed(self, message: str) -> None:
        if self._current():
            self.failed.emit(message)

    @Slot()
    def _worker_finished(self) -> None:
        if self._current():
            self.finished.emit()

    @Slot()
    def _thread_finished(self) -> None:
        thread = self.sender()
        self._retired.pop(id(thread), None)


class SystemPositionReader(QObject):
    """The operating system's position source through Qt Positioning (PySide6-Addons), judged by
    the same ``GpsCapture`` rules. ``available()`` is False when Qt Positioning is missing or the
    system offers no source."""

    progressed = Signal(object, float)
    failed = Signal(str)

    def __init__(
        self, settings: LocationSettings, parent: QObject | None = None, source: Any = None
    ) -> None:
        super().__init__(parent)
        self._capture = GpsCapture(settings)
        self._settings = settings
        self._source = source

    @staticmethod
    def available() -> bool:
        try:
            from PySide6.QtPositioning import QGeoPositionInfoSource
        except ImportError:
            return False
        return bool(QGeoPositionInfoSource.availableSources())

    def start(self) -> None:
        if self._source is None:
            from PySide6.QtPositioning import QGeoPositionInfoSource

            self._source = QGeoPositionInfoSource.createDefaultSource(self)
        if self._source is None:
            self.failed.emit(self.tr("系统没有可用的定位源"))
            return
        self._source.positionUpdated.connect(self._position)
        self._source.errorOccurred.connect(self._error)
        self._source.setUpdateInterval(1000)
        self._source.startUpdates()

    def stop(self) -> None:
        if self._source is not None:
            self._source.stopUpdates()

    @Slot(object)
    def _position(self, info: Any) -> None:
        now = time.monotonic()
        self.progressed.emit(self._capture.offer(fix_from_position(info, self._settings, now)), now)

    @Slot(object)
    def _error(self, error: Any) -> None:
        self.failed.emit(self.tr("系统定位出错: {0}").format(error))


def fix_from_position(info: Any, settings: LocationSettings, received_at: float) -> Fix:
    """A Qt ``QGeoPositionInfo`` as a ``Fix`` (accuracy from its horizontal accuracy attribute)."""
    horizontal = type(info).Attribute.HorizontalAccuracy  # QGeoPositionInfo's own enum
    coordinate = info.coordinate()
    valid = info.isValid() and coordinate.isValid()
    accuracy = None
    if info.hasAttribute(horizontal):
        accuracy = float(info.attribute(horizontal))
    stamp = info.timestamp().toUTC()
    utc = stamp.toPython().replace(tzinfo=None) if stamp.isValid() else None
    return Fix(
        time_of_day=utc.time() if utc else None,
        time_utc=utc,
        latitude=coordinate.latitude() if valid else None,
        longitude=coordinate.longitude() if valid else None,
        quality=1 if valid else 0,
        has_fix=valid,
        satellites_used=None,
        satellites_in_view=None,
        constellations=(),
        hdop=accuracy / settings.uere_m if accuracy is not None else None,
        accuracy_m=accuracy,
        altitude_m=coordinate.altitude()
        if valid and coordinate.type() == coordinate.CoordinateType.Coordinate3D
        else None,
        speed_kmh=None,
        received_at=received_at,
    )


# --- the dialog ----------------------------------------------------------------------------------


class LocationCaptureDialog(QDialog):
    """Take a location for a household (GPS, typed, or the Q19 fallback) or a village committee.

    ``choice()`` is the answer when the dialog was accepted. ``ports`` (device, description)
    defaults to the system's serial ports; ``replay_interval_s`` paces replayed logs.
    """

    choiceChanged = Signal()

    def __init__(
        self,
        context: LocationContext,
        *,
        settings: LocationSettings | None = None,
        ports: list[tuple[str, str]] | None = None,
        replay_interval_s: float | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        apply_readable_font(self)
        self.context = context
        self.settings = settings or location_settings()
        self.replay_interval_s = (
            self.settings.replay_epoch_interval_s
            if replay_interval_s is None
            else replay_interval_s
        )
        self.setWindowTitle(self.tr("采集位置 - {0}").format(context.title))
        fit_window(self, (760, 640))
        self._gps_choice: LocationChoice | None = None
        self._manual_choice: LocationChoice | None = None
        self._fallback_choice: LocationChoice | None = None
        self._last_fix_at: float | None = None
        self._last_fix: Fix | None = None
        self._replay_path: Path | None = None
        self.reader = GpsReader(self)
        self.reader.progressed.connect(self._on_progress)
        self.reader.status.connect(self._on_status)
        self.reader.failed.connect(self._on_failed)
        self.reader.finished.connect(self._on_finished)
        self.system_reader: SystemPositionReader | None = None

        self.tabs = QTabWidget()
        self.tabs.addTab(self._make_gps_tab(ports), self.tr("GPS 采集"))
        self.tabs.addTab(self._make_manual_tab(), self.tr("手工输入坐标"))
        if not context.for_village:
            self.tabs.addTab(self._make_fallback_tab(), self.tr("原住址/村委会位置"))
        self.tabs.currentChanged.connect(lambda _i: self._refresh())

        current = QLabel(self._current_text())
        current.setWordWrap(True)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.problems_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("采用此位置"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(current)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.buttons)

        self.age_timer = QTimer(self)
        self.age_timer.setInterval(500)
        self.age_timer.timeout.connect(self._update_age)
        self.age_timer.start()
        self._refresh()

    # --- the answer ------------------------------------------------------------------------------

    def choice(self) -> LocationChoice | None:
        """The location the open tab offers (None while it has none)."""
        index = self.tabs.currentIndex()
        return (self._gps_choice, self._manual_choice, self._fallback_choice)[index]

    def problems(self) -> list[Problem]:
        """The location problems the household (or committee) would have with ``choice()``."""
        choice = self.choice()
        if choice is None:
            return []
        if self.context.current is None:
            return check_point(
                choice.latitude,
                choice.longitude,
                committee=None,
                settings=self.settings,
                field="division.committee_latitude",
            )
        return preview_problems(
            self.context.current, choice, committee=self.context.committee, settings=self.settings
        )

    def done(self, result: int) -> None:
        self.stop_gps()
        self.reader.wait()  # the dialog goes away: its reader threads must have ended
        self.age_timer.stop()
        super().done(result)

    # --- GPS tab ---------------------------------------------------------------------------------

    def _make_gps_tab(self, ports: list[tuple[str, str]] | None) -> QWidget:
        page = QWidget()
        self.source_combo = QComboBox()
        for device, description in list_serial_ports() if ports is None else ports:
            label = device if description in ("", "n/a", device) else f"{device}  {description}"
            self.source_combo.addItem(label, ("port", device))
        if SystemPositionReader.available():
            self.source_combo.addItem(self.tr("系统定位 (Windows 定位服务等)"), ("system", None))
        self.source_combo.addItem(self.tr("回放 NMEA 记录文件…"), ("replay", None))
        self.baud_combo = QComboBox()
        for rate in BAUD_RATES:
            self.baud_combo.addItem(str(rate), rate)
        self.baud_combo.setCurrentIndex(max(0, self.baud_combo.findData(self.settings.baud_rate)))
        self.start_button = QPushButton(self.tr("开始定位"))
        self.start_button.clicked.connect(self._start_or_stop)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("接收机")))
        row.addWidget(self.source_combo, 1)
        row.addWidget(QLabel(self.tr("波特率")))
        row.addWidget(self.baud_combo)
        row.addWidget(self.start_button)

        self.state_label = QLabel(self.tr("未开始"))
        self.satellites_label = QLabel("-")
        self.hdop_label = QLabel("-")
        self.accuracy_label = QLabel("-")
        self.fix_time_label = QLabel("-")
        self.age_label = QLabel("-")
        self.position_label = QLabel("-")
        self.position_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason_label = QLabel()
        self.reason_label.setWordWrap(True)
        tint(self.reason_label, WARNING_COLOUR)
        self.average_bar = QProgressBar()
        self.average_bar.setRange(0, self.settings.average_count)
        self.average_bar.setFormat(self.tr("平均 %v / %m 次"))
        self.lines_label = QLabel("-")
        self.capture_label = QLabel()
        self.capture_label.setWordWrap(True)
        tint(self.capture_label, GOOD_COLOUR)

        form = QFormLayout()
        form.addRow(self.tr("状态"), self.state_label)
        form.addRow(self.tr("卫星 (使用/可见)"), self.satellites_label)
        form.addRow(self.tr("水平精度因子 HDOP"), self.hdop_label)
        form.addRow(self.tr("估计精度"), self.accuracy_label)
        form.addRow(self.tr("定位时间"), self.fix_time_label)
        form.addRow(self.tr("距今"), self.age_label)
        form.addRow(self.tr("坐标"), self.position_label)
        form.addRow(self.tr("平均"), self.average_bar)
        form.addRow(self.tr("数据"), self.lines_label)

        hint = QLabel(
            self.tr(
                "精度达到 {0:g} 米时自动采用; 差于此值时连续平均 {1} 次; "
                "无定位、过期、跳变或不可信的数据会被拒绝并说明原因。"
            ).format(self.settings.auto_accept_accuracy_m, self.settings.average_count)
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.capture_label)
        layout.addStretch(1)
        return page

    def _start_or_stop(self) -> None:
        if self.reader.running or self.system_reader is not None:
            self.stop_gps()
            return
        kind, device = self.source_combo.currentData() or ("replay", None)
        if kind == "port":
            self.start_port(device, int(self.baud_combo.currentData()))
        elif kind == "system":
            self.start_system()
        else:
            path, _filter = QFileDialog.getOpenFileName(
                self,
                self.tr("选择 NMEA 记录文件"),
                "",
                self.tr("NMEA 记录 (*.nmea *.txt *.log);;所有文件 (*)"),
            )
            if path:
                self.start_replay(Path(path))

    def start_port(self, port: str, baud_rate: int) -> GpsWorker:
        """Read a receiver on ``port`` at ``baud_rate``."""
        settings = self.settings

        def open_source(stop: threading.Event) -> LineSource:
            return SerialSource(port, baud_rate, timeout_s=settings.read_timeout_s, stop=stop)

        return self._start(open_source, self.tr("正在读取 {0} …").format(port))

    def start_replay(self, path: Path) -> GpsWorker:
        """Replay a recorded NMEA log through the same path as a receiver."""
        interval = self.replay_interval_s

        def open_source(stop: threading.Event) -> LineSource:
            return ReplaySource(path, interval_s=interval, stop=stop)

        self._replay_path = path
        return self._start(open_source, self.tr("正在回放 {0} …").format(path.name))

    def start_system(self, source: Any = None) -> SystemPositionReader:
        """Use the operating system's position source (Qt Positioning)."""
        self._reset_gps()
        reader = SystemPositionReader(self.settings, self, source)
        reader.progressed.connect(self._on_progress)
        reader.failed.connect(self._on_failed)
        self.system_reader = reader
        self.start_button.setText(self.tr("停止"))
        self.state_label.setText(self.tr("正在等待系统定位 …"))
        reader.start()
        return reader

    def _start(self, open_source: OpenSource, message: str) -> GpsWorker:
        self._reset_gps()
        self.start_button.setText(self.tr("停止"))
        self.state_label.setText(message)
        return self.reader.start(open_source, self.settings)

    def stop_gps(self) -> None:
        """Stop reading (a receiver, a replay or the system source)."""
        self.reader.stop()
        if self.system_reader is not None:
            self.system_reader.stop()
            self.system_reader = None
        self.start_button.setText(self.tr("开始定位"))

    def _reset_gps(self) -> None:
        self.stop_gps()
        self._gps_choice = None
        self._last_fix = None
        self._last_fix_at = None
        self.capture_label.clear()
        self.reason_label.clear()
        self.average_bar.setValue(0)
        self._refresh()

    @Slot(object, float)
    def _on_progress(self, progress: Progress, judged_at: float) -> None:
        if self._gps_choice is not None:
            return  # epochs already on their way when a position was accepted
        fix = progress.judged.fix
        self._last_fix, self._last_fix_at = fix, judged_at
        used = "-" if fix.satellites_used is None else str(fix.satellites_used)
        seen = "-" if fix.satellites_in_view is None else str(fix.satellites_in_view)
        systems = "、".join(CONSTELLATION_NAMES_ZH.get(c, c) for c in fix.constellations)
        self.satellites_label.setText(f"{used} / {seen}" + (f"  ({systems})" if systems else ""))
        self.hdop_label.setText("-" if fix.hdop is None else f"{fix.hdop:g}")
        self.accuracy_label.setText(
            "-" if fix.accuracy_m is None else self.tr("约 {0:.1f} 米").format(fix.accuracy_m)
        )
        if fix.time_utc is not None:
            self.fix_time_label.setText(f"{beijing_time(fix.time_utc):%Y-%m-%d %H:%M:%S}")
        elif fix.time_of_day is not None:
            self.fix_time_label.setText(f"{fix.time_of_day:%H:%M:%S} UTC")
        if fix.latitude is not None and fix.longitude is not None:
            self.position_label.setText(
                f"{fix.latitude:.6f}, {fix.longitude:.6f}  ({format_dms(fix.latitude, fix.longitude)})"
            )
        if progress.judged.good:
            self.state_label.setText(self.tr("已定位"))
            tint(self.state_label, GOOD_COLOUR)
            self.reason_label.clear()
        else:
            self.state_label.setText(self.tr("不采用"))
            tint(self.state_label, WARNING_COLOUR)
            self.reason_label.setText(progress.judged.reason)
        self.average_bar.setValue(progress.averaged)
        worker = self.reader.worker
        if worker is not None:
            stats = worker.session.stats
            bad = sum(stats.bad_lines.values())
            text = self.tr("{0} 行, 历元 {1}").format(stats.lines, stats.epochs)
            if bad:
                kinds = "、".join(
                    f"{LINE_PROBLEM_ZH[k]} {v}" for k, v in sorted(stats.bad_lines.items())
                )
                text += self.tr(", 坏行 {0} ({1})").format(bad, kinds)
            self.lines_label.setText(text)
        capture = progress.capture
        if capture is not None and self._gps_choice is None:
            self._gps_choice = from_capture(capture)
            self.average_bar.setValue(capture.fixes if capture.method == "average" else 0)
            how = (
                self.tr("单次定位")
                if capture.method == "single"
                else self.tr("{0} 次定位平均").format(capture.fixes)
            )
            self.capture_label.setText(
                self.tr("已采用: {0:.6f}, {1:.6f}, 精度约 {2:.1f} 米 ({3})").format(
                    capture.latitude, capture.longitude, capture.accuracy_m, how
                )
            )
            self.stop_gps()
            self._refresh()

    @Slot(str)
    def _on_status(self, message: str) -> None:
        self.state_label.setText(message)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.state_label.setText(message)
        tint(self.state_label, ERROR_COLOUR)
        self.stop_gps()

    @Slot()
    def _on_finished(self) -> None:
        self.start_button.setText(self.tr("开始定位"))

    def _update_age(self) -> None:
        if self._last_fix_at is None:
            return
        age = time.monotonic() - self._last_fix_at
        text = self.tr("{0:.0f} 秒").format(age)
        if self._gps_choice is None and age > self.settings.max_fix_age_s:
            text = self.tr("{0:.0f} 秒, 定位已过期").format(age)
            tint(self.age_label, ERROR_COLOUR)
        else:
            tint(self.age_label, None)
        self.age_label.setText(text)

    # --- manual tab ------------------------------------------------------------------------------

    def _make_manual_tab(self) -> QWidget:
        page = QWidget()
        self.coords_edit = QLineEdit()
        self.coords_edit.setPlaceholderText("北纬34°15′30.5″ 东经108°56′10.2″ 或 34.2585, 108.9362")
        self.coords_edit.textChanged.connect(self._coords_changed)
        self.coords_label = QLabel()
        self.coords_label.setWordWrap(True)
        help_text = QLabel(
            self.tr(
                "可输入十进制度或度分秒, 中文或英文写法均可, 例如:\n"
                "  34.2585, 108.9362    北纬34.2585 东经108.9362\n"
                "  34°15'30.5\"N 108°56'10.2\"E    北纬34度15分30.5秒 东经108度56分10.2秒\n"
                "没有写方向时按“纬度, 经度”理解; 只有反过来才在中国境内时按“经度, 纬度”理解并提示。"
            )
        )
        help_text.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("坐标")))
        layout.addWidget(self.coords_edit)
        layout.addWidget(self.coords_label)
        layout.addWidget(help_text)
        layout.addStretch(1)
        return page

    def _coords_changed(self, text: str) -> None:
        self._manual_choice = None
        if not text.strip():
            self.coords_label.clear()
        else:
            try:
                point = parse_coordinates(text, self.settings)
            except CoordinateError as exc:
                self.coords_label.setText(str(exc))
                tint(self.coords_label, ERROR_COLOUR)
            else:
                self._manual_choice = from_typed(point)
                message = self.tr("纬度 {0:.6f}, 经度 {1:.6f}  ({2})").format(
                    point.latitude, point.longitude, format_dms(point.latitude, point.longitude)
                )
                if point.swapped:
                    message += self.tr("\n已按“经度, 纬度”的顺序理解(只有这样才在中国境内)")
                self.coords_label.setText(message)
                tint(self.coords_label, GOOD_COLOUR)
        self._refresh()

    # --- fallback tab (Q19) ----------------------------------------------------------------------

    def _make_fallback_tab(self) -> QWidget:
        page = QWidget()
        explain = QLabel(
            self.tr(
                "户籍在本地、现无住房、整户长期外出的户, 采集原住址或村委会位置, "
                "并备注说明情况、留存联系电话 (动态管理问答第 19 条)。"
            )
        )
        explain.setWordWrap(True)
        self.original_radio = QRadioButton(self.tr("原住址"))
        self.committee_radio = QRadioButton(self.tr("村委会位置"))
        self.fallback_group = QButtonGroup(page)
        self.fallback_group.addButton(self.original_radio)
        self.fallback_group.addButton(self.committee_radio)
        committee = self.context.committee
        if committee is None:
            self.committee_radio.setEnabled(False)
            self.committee_radio.setText(self.tr("村委会位置 (本村还没有村委会位置)"))
        else:
            self.committee_radio.setText(
                self.tr("村委会位置 ({0:.6f}, {1:.6f})").format(
                    committee.latitude, committee.longitude
                )
            )
        self.original_edit = QLineEdit()
        self.original_edit.setPlaceholderText(self.tr("原住址的坐标, 写法同“手工输入坐标”"))
        self.original_label = QLabel()
        self.original_label.setWordWrap(True)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(self.tr("如: 全家在浙江务工, 原房屋已拆除"))
        self.contact_edit = QLineEdit()
        self.contact_edit.setPlaceholderText(self.tr("手机号或带区号的固定电话"))

        current = self.context.current
        if current is not None and current.location_source in FALLBACK_SOURCES:
            (
                self.committee_radio
                if current.location_source == VILLAGE_COMMITTEE
                else self.original_radio
            ).setChecked(True)
            if current.location_source == ORIGINAL_ADDRESS and current.latitude is not None:
                self.original_edit.setText(f"{current.latitude:.7f}, {current.longitude:.7f}")
        if current is not None:
            self.note_edit.setText(current.location_note or "")
            self.contact_edit.setText(current.location_contact or "")
        for signal in (
            self.original_radio.toggled,
            self.committee_radio.toggled,
        ):
            signal.connect(lambda _checked: self._fallback_changed())
        for edit in (self.original_edit, self.note_edit, self.contact_edit):
            edit.textChanged.connect(lambda _text: self._fallback_changed())

        original_row = QHBoxLayout()
        original_row.addSpacing(24)
        original_row.addWidget(self.original_edit, 1)
        form = QFormLayout()
        form.addRow(self.tr("备注说明"), self.note_edit)
        form.addRow(self.tr("联系电话"), self.contact_edit)
        layout = QVBoxLayout(page)
        layout.addWidget(explain)
        layout.addWidget(self.original_radio)
        layout.addLayout(original_row)
        layout.addWidget(self.original_label)
        layout.addWidget(self.committee_radio)
        layout.addLayout(form)
        layout.addStretch(1)
        self._fallback_changed()
        return page

    def _fallback_changed(self) -> None:
        self._fallback_choice = None
        self.original_edit.setEnabled(self.original_radio.isChecked())
        contact = self.contact_edit.text().strip()  # a wrong phone shows among the problems
        point: LatLon | None = None
        source = None
        if self.committee_radio.isChecked():
            point, source = self.context.committee, VILLAGE_COMMITTEE
            self.original_label.clear()
        elif self.original_radio.isChecked():
            source = ORIGINAL_ADDRESS
            text = self.original_edit.text()
            if text.strip():
                try:
                    parsed = parse_coordinates(text, self.settings)
                except CoordinateError as exc:
                    self.original_label.setText(str(exc))
                    tint(self.original_label, ERROR_COLOUR)
                else:
                    point = LatLon(parsed.latitude, parsed.longitude)
                    self.original_label.setText(format_dms(parsed.latitude, parsed.longitude))
                    tint(self.original_label, GOOD_COLOUR)
            else:
                self.original_label.setText(self.tr("请输入原住址的坐标"))
                tint(self.original_label, WARNING_COLOUR)
        if point is not None and source is not None:
            try:
                self._fallback_choice = fallback(
                    source, point, note=self.note_edit.text(), contact=contact
                )
            except LocationChoiceError as exc:
                self.original_label.setText(str(exc))
        self._refresh()

    # --- shared ----------------------------------------------------------------------------------

    def _current_text(self) -> str:
        current = self.context.current
        if current is None or current.latitude is None or current.longitude is None:
            return self.tr("{0}: 现在没有位置").format(self.context.title)
        accuracy = (
            ""
            if current.location_accuracy_m is None
            else self.tr(", 精度约 {0:g} 米").format(current.location_accuracy_m)
        )
        return self.tr("{0}: 现有位置 {1:.6f}, {2:.6f} ({3}{4})").format(
            self.context.title,
            current.latitude,
            current.longitude,
            source_label(current.location_source),
            accuracy,
        )

    def _refresh(self) -> None:
        if not hasattr(self, "ok_button"):
            return  # still building the tabs
        choice = self.choice()
        problems = self.problems()
        errors = [p for p in problems if p.is_error]
        lines = [("✗ " if p.is_error else "! ") + problem_message(p) for p in problems]
        if choice is None:
            self.problems_label.setText(self._missing_text())
            tint(self.problems_label, WARNING_COLOUR)
        elif problems:
            if not errors:
                lines.append(self.tr("(疑似问题: 保存时需要说明原因)"))
            self.problems_label.setText("\n".join(lines))
            tint(self.problems_label, ERROR_COLOUR if errors else WARNING_COLOUR)
        else:
            self.problems_label.setText(
                self.tr("将保存: {0:.6f}, {1:.6f} ({2})").format(
                    choice.latitude, choice.longitude, source_label(choice.source)
                )
            )
            tint(self.problems_label, GOOD_COLOUR)
        self.ok_button.setEnabled(choice is not None and not errors)
        self.choiceChanged.emit()

    def _missing_text(self) -> str:
        index = self.tabs.currentIndex()
        if index == 0:
            return self.tr("还没有可采用的 GPS 定位")
        if index == 1:
            return self.tr("请输入坐标")
        return self.tr("请选择原住址(并输入坐标)或村委会位置")
