"""Edit a village's own information (guide Q3, Q18): poor or not, exit year, task force, committee.

The dialog reads the village and its book through ``desktop.store.village_info`` and saves
through ``save_village_info`` (the one save path: booked, queued for sync, one transaction). A
refused save keeps everything typed and lists the errors in the dialog; no rule lives here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.policy import BEIJING
from desktop.domain.village import LABELS, TASK_FORCE_MAX, clean_task_force
from desktop.location.apply import LocationChoice, context_for_village, from_typed
from desktop.location.coords import CoordinateError, parse_coordinates
from desktop.ui.problem_texts import problem_message
from desktop.ui.style import apply_readable_font


class VillageInfoDialog(QDialog):
    """A village's own information, editable, with its history below.

    ``db`` is the open database, ``village_id`` the administrative village, ``actor`` the
    signed-in person. ``capture_factory(context, parent=…)`` makes the GPS/typed location dialog
    (the app's ``LocationCaptureDialog`` by default). ``saved`` is emitted after a save wrote
    something.
    """

    saved = Signal(str)

    def __init__(
        self,
        db: Any,
        village_id: str,
        *,
        actor: str,
        capture_factory: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        apply_readable_font(self)
        from desktop.store.settings import working_policy
        from desktop.store.village_info import read_village_info

        self.db = db
        self.village_id = village_id
        self.actor = actor
        self.capture_factory = capture_factory
        self._captured: LocationChoice | None = None
        with db.session() as session:
            self.policy = working_policy(session)
            self.info = read_village_info(session, village_id)
        self.setWindowTitle(self.tr("行政村信息 - {0}").format(self.info.name))
        self.resize(640, 560)

        self.poor_combo = QComboBox()
        for text, value in (
            (self.tr("未注明"), None),
            (self.tr("贫困村"), True),
            (self.tr("非贫困村"), False),
        ):
            self.poor_combo.addItem(text, value)
        self.exited_spin = QSpinBox()
        # The lowest value stands for "not exited": the registry's base year, never an exit year.
        self.exited_spin.setRange(self.policy.monitoring_quota_base_year, self.policy.year)
        self.exited_spin.setSpecialValueText(self.tr("未出列"))
        self.task_force_edit = QLineEdit()
        self.task_force_edit.setMaxLength(TASK_FORCE_MAX)
        self.task_force_edit.setPlaceholderText(self.tr("驻村工作队或驻村单位的名称"))
        self.committee_edit = QLineEdit()
        self.committee_edit.setPlaceholderText(self.tr("例如 34.2585, 108.9362"))
        self.capture_button = QPushButton(self.tr("GPS 采集…"))
        self.capture_button.clicked.connect(self.capture_location)
        committee_row = QHBoxLayout()
        committee_row.addWidget(self.committee_edit, 1)
        committee_row.addWidget(self.capture_button)
        self.source_label = QLabel()

        form = QFormLayout()
        form.addRow(self.tr("行政村"), QLabel(f"{self.info.name} ({self.info.code})"))
        form.addRow(self.tr("贫困村"), self.poor_combo)
        form.addRow(self.tr("出列年度"), self.exited_spin)
        form.addRow(self.tr("驻村工作队(单位)"), self.task_force_edit)
        form.addRow(self.tr("村委会位置"), committee_row)
        form.addRow("", self.source_label)

        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #b00020")
        self.problems_label.hide()

        self.history_table = QTableWidget(0, 4)
        self.history_table.setHorizontalHeaderLabels(
            [self.tr("时间"), self.tr("操作人"), self.tr("项目"), self.tr("修改")]
        )
        self.history_table.horizontalHeader().setStretchLastSection(True)
        self.history_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems_label)
        layout.addWidget(QLabel(self.tr("修改记录")))
        layout.addWidget(self.history_table, 1)
        layout.addWidget(buttons)
        self.show_info()
        self.load_history()

    # --- showing ------------------------------------------------------------------------------

    def show_info(self) -> None:
        """Put the village's stored values into the widgets."""
        info = self.info
        self.poor_combo.setCurrentIndex(self.poor_combo.findData(info.is_poor_village))
        if info.is_poor_village is None:
            self.poor_combo.setCurrentIndex(0)
        self.exited_spin.setValue(info.village_exited_year or self.exited_spin.minimum())
        self.task_force_edit.setText(info.task_force or "")
        if info.committee_latitude is not None and info.committee_longitude is not None:
            self.committee_edit.setText(
                f"{info.committee_latitude:.6f}, {info.committee_longitude:.6f}"
            )
        self._show_source(info.committee_location_source, info.committee_location_time)

    def _show_source(self, source: str | None, taken: datetime | None) -> None:
        from desktop.domain.location_rules import source_label

        if source is None:
            self.source_label.setText(self.tr("村委会位置尚未采集"))
            return
        when = f" {taken:%Y-%m-%d %H:%M}" if taken is not None else ""
        self.source_label.setText(self.tr("来源: {0}{1}").format(source_label(source), when))

    def load_history(self) -> None:
        """Fill the history table with the village's book, newest first."""
        from desktop.store.village_info import village_history

        with self.db.session() as session:
            lines = list(reversed(village_history(session, self.village_id)))
        self.history_table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            at = line.at.replace(tzinfo=UTC).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
            change = f"{line.old_value or '-'} → {line.new_value or '-'}"
            for column, text in enumerate(
                (at, line.actor, LABELS.get(line.field, line.field), change)
            ):
                self.history_table.setItem(row, column, QTableWidgetItem(text))

    # --- editing ------------------------------------------------------------------------------

    def capture_location(self) -> None:
        """Take the committee's point with the GPS/typed location dialog."""
        factory = self.capture_factory
        if factory is None:
            from desktop.ui.location_capture import LocationCaptureDialog

            factory = LocationCaptureDialog
        with self.db.session() as session:
            from desktop.store.village_info import find_village

            context = context_for_village(find_village(session, self.village_id))
        dialog = factory(context, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.choice() is None:
            return
        choice = dialog.choice()
        self._captured = choice
        self.committee_edit.setText(f"{choice.latitude:.6f}, {choice.longitude:.6f}")
        self._show_source(choice.source, choice.taken_at)

    def changes(self) -> dict[str, Any]:
        """The values in the widgets that differ from the stored ones (raises CoordinateError)."""
        info = self.info
        values: dict[str, Any] = {
            "is_poor_village": self.poor_combo.currentData(),
            "village_exited_year": (
                None
                if self.exited_spin.value() == self.exited_spin.minimum()
                else self.exited_spin.value()
            ),
            "task_force": clean_task_force(self.task_force_edit.text()),
        }
        values.update(self._committee_values())
        return {name: value for name, value in values.items() if getattr(info, name) != value}

    def _committee_values(self) -> dict[str, Any]:
        info = self.info
        text = self.committee_edit.text().strip()
        shown = (
            f"{info.committee_latitude:.6f}, {info.committee_longitude:.6f}"
            if info.committee_latitude is not None and info.committee_longitude is not None
            else ""
        )
        if text == shown and self._captured is None:
            return {}
        if not text:
            return dict.fromkeys(
                (
                    "committee_latitude",
                    "committee_longitude",
                    "committee_location_source",
                    "committee_location_time",
                )
            )
        choice = self._captured
        if choice is None or text != f"{choice.latitude:.6f}, {choice.longitude:.6f}":
            choice = from_typed(parse_coordinates(text))
        return {
            "committee_latitude": choice.latitude,
            "committee_longitude": choice.longitude,
            "committee_location_source": choice.source,
            "committee_location_time": choice.taken_at,
        }

    def save(self) -> bool:
        """Save what changed; on errors show them and keep the dialog open. True when saved."""
        from desktop.store.village_info import VillageInfoRefused

        try:
            changes = self.changes()
        except CoordinateError as exc:
            self._show_problems([str(exc)])
            return False
        if not changes:
            self.accept()
            return True
        try:
            self.info = self.db.writer.call(self._write, changes)
        except VillageInfoRefused as refused:
            self._show_problems([problem_message(p) for p in refused.problems if p.is_error])
            return False
        self.problems_label.hide()
        self.saved.emit(self.village_id)
        self.accept()
        return True

    def _write(self, changes: dict[str, Any]) -> Any:
        """Save ``changes`` and read the village back (on the database's one writer)."""
        from desktop.store.village_info import read_village_info, save_village_info

        with self.db.session() as session:
            save_village_info(
                session, self.village_id, changes, actor=self.actor, policy=self.policy
            )
            return read_village_info(session, self.village_id)

    def _show_problems(self, messages: list[str]) -> None:
        self.problems_label.setText(self.tr("未保存:") + "\n" + "\n".join(messages))
        self.problems_label.show()
