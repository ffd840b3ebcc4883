"""Ctrl+N: the village, hamlet and number of a new household, before its form opens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.application import Fieldbook
from desktop.store.household_edit import new_household_payload
from desktop.ui.style import apply_readable_font
from desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.store.household_edit import DivisionOption


class NewHouseholdDialog(QDialog):
    """Ctrl+N: the village (and hamlet) of a new household and its number; Enter confirms.

    The number proposed is the next free one in the village. ``payload`` holds the new
    household's form payload once accepted.
    """

    def __init__(
        self,
        app: Fieldbook,
        *,
        runner: TaskRunner,
        division_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.payload: dict[str, Any] | None = None
        self._options: list[DivisionOption] = []
        self._wanted = division_id
        self._number_generation = 0
        apply_readable_font(self)
        self.setWindowTitle(self.tr("新建农户"))
        self.setMinimumWidth(520)
        self.village = QComboBox()
        self.village.setObjectName("new.village")
        self.hamlet = QComboBox()
        self.hamlet.setObjectName("new.hamlet")
        self.number = QLineEdit()
        self.number.setObjectName("new.number")
        self.number.setPlaceholderText(self.tr("行政村代码 + 4位序号"))
        self.message = QLabel()
        self.message.setStyleSheet("color: #c62828;")
        form = QFormLayout()
        form.addRow(self.tr("行政村:"), self.village)
        form.addRow(self.tr("自然村(组):"), self.hamlet)
        form.addRow(self.tr("户编号:"), self.number)
        note = QLabel(self.tr("新建的农户为一般农户;纳入贫困户请在信息表中办理“新识别”。"))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("建立信息表"))
        self.ok_button.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.village.currentIndexChanged.connect(self._village_changed)
        self.runner.run(
            app.division_options,
            on_done=self._options_arrived,
            on_error=lambda e: self.message.setText(self.tr("读取行政村失败:{0}").format(e)),
        )

    def _options_arrived(self, options: list[DivisionOption]) -> None:
        self._options = options
        wanted_village, wanted_hamlet = self._wanted, None
        by_id = {o.id: o for o in options}
        if wanted_village in by_id and by_id[wanted_village].level == "hamlet":
            wanted_hamlet = wanted_village
            wanted_village = by_id[wanted_village].parent_id
        self.village.blockSignals(True)
        self.village.clear()
        for option in options:
            if option.level == "village":
                self.village.addItem(f"{option.name}({option.code})", option.id)
        index = self.village.findData(wanted_village) if wanted_village else 0
        self.village.setCurrentIndex(max(index, 0))
        self.village.blockSignals(False)
        self._village_changed()
        if wanted_hamlet is not None:
            self.hamlet.setCurrentIndex(max(self.hamlet.findData(wanted_hamlet), 0))

    def _village_changed(self, _index: int = 0) -> None:
        village_id = self.village.currentData()
        self.hamlet.clear()
        self.hamlet.addItem(self.tr("— 无 —"), None)
        for option in self._options:
            if option.level == "hamlet" and option.parent_id == village_id:
                self.hamlet.addItem(option.name, option.id)
        if village_id is None:
            return
        self._number_generation += 1
        generation = self._number_generation

        def done(number: str | None) -> None:
            if generation == self._number_generation and number:
                self.number.setText(number)

        app = self.app
        self.runner.run(lambda: app.next_household_number(village_id), on_done=done)

    def accept(self) -> None:
        village_id = self.village.currentData()
        number = self.number.text().strip()
        if village_id is None:
            self.message.setText(self.tr("请选择行政村"))
            return
        if not number:
            self.message.setText(self.tr("请填写户编号"))
            return
        self.payload = new_household_payload(
            village_id=village_id,
            village_name=self.village.currentText().split("(")[0],
            hamlet_id=self.hamlet.currentData(),
            hamlet_name=self.hamlet.currentText() if self.hamlet.currentData() else None,
            household_number=number,
            internal=self.app.internal,
        )
        super().accept()
