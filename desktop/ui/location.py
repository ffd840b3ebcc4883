"""The main window's village tools: the committee's location, the village's information, the map.

``VillageMixin`` (mixed into ``desktop.ui.main_window.MainWindow``) works on the village selected
in the tree. The committee's location (Q18) is taken in ``LocationCaptureDialog`` (GPS or typed)
and kept by ``Fieldbook.save_committee_location`` on the database's writer, booked and queued
like every registry write. The village's own information opens ``VillageInfoDialog``; the map
(``VillageMapWidget``) lives in a dock, where a click on a household opens its form.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QDockWidget

from desktop.application import Outcome
from desktop.application.service import Refused
from desktop.ui.errors import error_text


class VillageMixin:
    """The 查看 menu's village tools (see the module doc); mixed into ``MainWindow``."""

    def capture_committee_location(self, *, dialog_factory: Any = None) -> None:
        """GPS or typed point of the selected village's committee (Q18: poor or not), saved
        with its book entries and outbox change through ``save_village_rows``."""
        village = self._require_village()
        if village is None:
            return
        from desktop.ui.location_capture import LocationCaptureDialog

        village_id, name = village
        context = self.app.committee_location_context(village_id)
        dialog = (dialog_factory or LocationCaptureDialog)(context, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.choice() is None:
            return
        choice = dialog.choice()
        app = self.app
        reason = QCoreApplication.translate("MainWindow", "村委会位置采集")

        def done(outcome: Outcome[bool]) -> None:
            app.notify(outcome.changes)
            self.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "{0} 村委会位置已保存").format(name), 5000
            )

        def failed(error: BaseException) -> None:
            self._show_error(
                str(error)
                if isinstance(error, Refused)
                else error_text("saving a committee location", error)
            )

        # A write: on the database's one writer, in turn with the form's saves and the sync.
        self.runner.run(
            lambda: app.save_committee_location(village_id, choice, reason=reason),
            on_done=done,
            on_error=failed,
            serial=True,
        )

    def edit_village_info(self, *, dialog_factory: Any = None) -> QDialog | None:
        """The selected village's own information (Q3, Q18), in ``VillageInfoDialog``."""
        village = self._require_village()
        if village is None:
            return None
        from desktop.ui.village_info_dialog import VillageInfoDialog

        dialog = (dialog_factory or VillageInfoDialog)(
            self.db, village[0], actor=self.actor, parent=self
        )
        dialog.saved.connect(
            lambda _id: self.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "{0} 村级信息已保存").format(village[1]),
                5000,
            )
        )
        dialog.open()
        return dialog

    def show_village_map(self) -> None:
        """Show the selected village's map in a dock; a click on a household opens its form."""
        village = self._require_village()
        if village is None:
            return
        if self.map_dock is None:
            from desktop.ui.village_map import VillageMapWidget

            dock = QDockWidget(QCoreApplication.translate("MainWindow", "村地图"), self)
            dock.setObjectName("village_map")
            widget = VillageMapWidget()
            widget.householdActivated.connect(lambda hid: self.open_form(hid))
            dock.setWidget(widget)
            dock.setMinimumWidth(480)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            self.resizeDocks([dock], [580], Qt.Orientation.Horizontal)
            self.map_dock, self.map_widget = dock, widget
        self.map_dock.show()
        self.map_dock.raise_()
        self._load_map(village[0])

    def _load_map(self, village_id: str) -> None:
        if self.map_widget is None:
            return
        folder = self.db_path.parent if self.db_path is not None else None
        self.map_widget.load(self.db, village_id, self.runner, data_folder=folder)
