"""The main window's 打印 menu: each paper is built in the runner, then previewed before printing.

``PrintingMixin`` (mixed into ``desktop.ui.main_window.MainWindow``) offers the household cards
of the selected village with progress and cancel (``Fieldbook.print_village_cards``: a first print
registers the cards' issues, so it runs on the database's writer), a card reprinted for one
household (a new issue that revokes the older cards), the publicity list (asking the notice's
dates when the village has none, ``NoticeDatesDialog``), the problem list, the day report and the
household book. Each is built in the task runner behind a progress dialog
(``desktop.ui.print_preview.start_build``) into this window's own temporary folder, removed when
the window closes (printed papers carry names), and shown in Qt's print preview.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.application import Outcome
from desktop.application.service import NothingToPrint, NoticeDatesNeeded
from desktop.ui.errors import error_text
from desktop.ui.style import apply_readable_font

__all__ = ["NoticeDatesDialog", "NothingToPrint", "PrintingMixin"]


class NoticeDatesDialog(QDialog):
    """The first and last day of a publicity notice, when the village has none recorded."""

    def __init__(
        self, message: str, *, today: date, min_days: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        apply_readable_font(self)
        self.setWindowTitle(self.tr("公示日期"))
        label = QLabel(message)
        label.setWordWrap(True)
        self.start_edit = QDateEdit(QDate(today.year, today.month, today.day))
        end = today + timedelta(days=max(min_days, 1) - 1)
        self.end_edit = QDateEdit(QDate(end.year, end.month, end.day))
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        form = QFormLayout()
        form.addRow(self.tr("公示开始日期:"), self.start_edit)
        form.addRow(self.tr("公示截止日期:"), self.end_edit)
        hint = QLabel(self.tr("每次公示不得少于 {0} 天(导引第16问)").format(min_days))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def dates(self) -> tuple[date, date]:
        """The chosen first and last day."""
        return self.start_edit.date().toPython(), self.end_edit.date().toPython()


class PrintingMixin:
    """The 打印 menu's actions (see the module doc); mixed into ``MainWindow``."""

    _print_folder: tempfile.TemporaryDirectory[str] | None

    def _print_path(self, name: str) -> Path:
        """A new file in this window's own temporary folder (removed when the window closes):
        printed papers carry names, so they are not left lying around."""
        if self._print_folder is None:
            self._print_folder = tempfile.TemporaryDirectory(prefix="fieldbook-print-")
        folder = Path(self._print_folder.name)
        stamp = datetime.now().strftime("%H%M%S")
        n = 0
        while (path := folder / f"{name}-{stamp}{f'-{n}' if n else ''}.pdf").exists():
            n += 1
        return path

    def _build_and_preview(
        self,
        name: str,
        label: str,
        build: Callable[[Path, Any, Any], Any],
        describe: Callable[[Any], str],
        *,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Build a PDF in the runner behind a progress dialog with Cancel, then preview it."""
        from desktop.ui.print_preview import start_build

        out = self._print_path(name)

        def done(result: Any) -> None:
            self.print_progress = None
            if isinstance(result, Outcome):  # a print run that registered card issues
                self.app.notify(result.changes)
                result = result.result
            self.print_result = result
            self.statusBar().showMessage(describe(result), 15000)
            self.show_preview(out)

        def failed(error: BaseException) -> None:
            self.print_progress = None
            out.unlink(missing_ok=True)
            if on_error is not None:
                on_error(error)
            else:
                self._print_failed(error)

        def cancelled() -> None:
            self.print_progress = None
            out.unlink(missing_ok=True)
            self.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "已取消,没有生成文件"), 8000
            )

        self.print_progress = start_build(
            self.runner,
            lambda progress, cancel: build(out, progress, cancel),
            label=label,
            on_done=done,
            on_error=failed,
            on_cancelled=cancelled,
            parent=self,
        )

    def _print_failed(self, error: BaseException) -> None:
        if isinstance(error, NothingToPrint | LookupError | ValueError):
            self._show_message(
                QCoreApplication.translate("MainWindow", "没有生成文件"), str(error), warning=True
            )
        else:
            self._show_message(
                QCoreApplication.translate("MainWindow", "没有生成文件"),
                QCoreApplication.translate("MainWindow", "生成失败:{0}").format(
                    error_text("printing", error)
                ),
                warning=True,
            )

    def show_preview(self, pdf: Path) -> None:
        """Qt's print dialog with preview over a built PDF; the file goes when it closes."""
        from desktop.ui.print_preview import PdfPrintPreview

        if self.print_preview is not None:
            self.print_preview.close()
        dialog = PdfPrintPreview(pdf, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def closed(_result: int) -> None:
            if self.print_preview is dialog:
                self.print_preview = None
            pdf.unlink(missing_ok=True)

        dialog.finished.connect(closed)
        self.print_preview = dialog
        dialog.open()

    def print_village_cards(self) -> None:
        """The QR household cards of the selected village's registered households (Q12)."""
        village = self._require_village()
        if village is None:
            return
        village_id, name = village
        app = self.app
        empty = QCoreApplication.translate("MainWindow", "{0}没有建档立卡户,没有户卡可打印").format(
            name
        )

        def build(out: Path, progress: Any, cancelled: Any) -> Any:
            return app.print_village_cards(
                village_id, out, empty=empty, progress=progress, cancelled=cancelled
            )

        self._build_and_preview(
            "cards",
            QCoreApplication.translate("MainWindow", "正在生成 {0} 的户卡…").format(name),
            build,
            self._describe_cards,
        )

    def reprint_card(self) -> None:
        """Reprint the selected household's card: a new issue, which revokes the older cards."""
        household_id = self._require_household()
        if household_id is None:
            return
        row = self.list_model.row_at(self.table_view.currentIndex().row())
        title = row.household_number if row is not None else ""
        if not self.confirm(
            QCoreApplication.translate("MainWindow", "补打户卡"),
            QCoreApplication.translate(
                "MainWindow",
                "为 {0} 补打户卡?补打后这户以前打印的户卡全部作废,扫描时会提示已作废。",
            ).format(title),
        ):
            return
        app = self.app

        def build(out: Path, progress: Any, cancelled: Any) -> Any:
            return app.reprint_card(household_id, out, progress=progress, cancelled=cancelled)

        self._build_and_preview(
            "card",
            QCoreApplication.translate("MainWindow", "正在补打户卡…"),
            build,
            self._describe_cards,
        )

    def _describe_cards(self, result: Any) -> str:
        text = QCoreApplication.translate("MainWindow", "已生成 {0} 张户卡,{1} 页").format(
            result.sheet.cards, result.sheet.pages
        )
        if result.issued:
            text += QCoreApplication.translate("MainWindow", ";登记新版次 {0} 户").format(
                len(result.issued)
            )
        if result.refused:
            text += QCoreApplication.translate("MainWindow", ";未打印 {0} 户").format(
                len(result.refused)
            )
        return text

    def print_publicity_list(self, start: date | None = None, end: date | None = None) -> None:
        """The selected village's publicity list; asks the notice's dates when none are kept."""
        village = self._require_village()
        if village is None:
            return
        village_id, _name = village
        app = self.app

        def build(out: Path, progress: Any, cancelled: Any) -> Any:
            return app.print_publicity_list(
                village_id, out, start=start, end=end, progress=progress, cancelled=cancelled
            )

        def failed(error: BaseException) -> None:
            if isinstance(error, NoticeDatesNeeded):
                self.ask_notice_dates(str(error))
            else:
                self._print_failed(error)

        self._build_and_preview(
            "publicity",
            QCoreApplication.translate("MainWindow", "正在生成公示名单…"),
            build,
            lambda result: QCoreApplication.translate("MainWindow", "公示名单已生成,{0} 页").format(
                result.pages
            ),
            on_error=failed,
        )

    def ask_notice_dates(self, message: str) -> NoticeDatesDialog:
        """Ask for the notice's first and last day, then print the publicity list with them."""
        min_days = self.policy.notice_min_days if self.policy is not None else 10
        dialog = NoticeDatesDialog(
            message, today=self.clock().date(), min_days=min_days, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(result: int) -> None:
            self.notice_dialog = None
            if result == QDialog.DialogCode.Accepted:
                self.print_publicity_list(*dialog.dates())

        dialog.finished.connect(finished)
        self.notice_dialog = dialog
        dialog.open()
        return dialog

    def print_problem_list(self) -> None:
        """The selected village's problem list on paper (internal problems only for roles that
        may see them)."""
        village = self._require_village()
        if village is None:
            return
        village_id, _name = village
        app, day = self.app, self.clock().date()

        def build(out: Path, progress: Any, cancelled: Any) -> Any:
            return app.print_problem_list(
                village_id, out, on=day, progress=progress, cancelled=cancelled
            )

        self._build_and_preview(
            "problems",
            QCoreApplication.translate("MainWindow", "正在审核并生成问题清单…"),
            build,
            lambda result: QCoreApplication.translate(
                "MainWindow", "问题清单已生成,{0} 个问题,{1} 页"
            ).format(result.rows, result.pages),
        )

    def print_day_report(self) -> None:
        """Today's field report: of the selected village, else of every village here."""
        village = self.selected_village()
        app, day = self.app, self.clock().date()
        villages = [village[0]] if village is not None else None

        def build(out: Path, progress: Any, cancelled: Any) -> Any:
            return app.print_day_report(
                out, on=day, village_ids=villages, progress=progress, cancelled=cancelled
            )

        self._build_and_preview(
            "day-report",
            QCoreApplication.translate("MainWindow", "正在生成工作日报…"),
            build,
            lambda result: QCoreApplication.translate("MainWindow", "工作日报已生成,{0} 页").format(
                result.pages
            ),
        )

    def print_household_book(self) -> None:
        """The selected household's book (一簿); internal entries only for roles that may see them."""
        household_id = self._require_household()
        if household_id is None:
            return
        app = self.app

        def build(out: Path, progress: Any, cancelled: Any) -> Any:
            return app.print_household_book(
                household_id, out, progress=progress, cancelled=cancelled
            )

        self._build_and_preview(
            "book",
            QCoreApplication.translate("MainWindow", "正在生成一簿…"),
            build,
            lambda result: QCoreApplication.translate(
                "MainWindow", "一簿已生成,{0} 条记录,{1} 页"
            ).format(result.rows, result.pages),
        )
