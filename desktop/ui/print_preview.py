"""Building a document with progress and cancel, previewing it, and printing it.

PySide6-Essentials has no QtPdf, so PDF pages are rendered with pypdfium2 (PDFium, a pip wheel on
Windows and Linux alike) into images that ``QPrintPreviewDialog`` shows and ``QPrinter`` prints.

``start_build`` runs a PDF builder in the task runner. The builder gets ``progress`` and
``cancelled`` callables that only touch a thread-safe ``BuildProgress``; a timer on the GUI thread
copies it into a ``QProgressDialog`` whose Cancel button sets the flag. The builder stops at the
next item and raises ``BuildCancelled``: no file is written and nothing is saved.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QRect, QSizeF, Qt, QTimer
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPaintEngine, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from desktop.cards.records import BuildCancelled, Cancelled, Progress
from desktop.ui.errors import error_text
from desktop.ui.geometry import fit_window
from desktop.ui.tasks import TaskRunner

T = TypeVar("T")
MAX_PRINT_DPI = 300  # cards and lists need no more; a 600-dpi A4 page would be 35 M pixels
PREVIEW_DPI = 96  # a preview holds every page's image: 96 dpi A4 is 3.5 MB a page
POLL_MS = 100


class BuildProgress:
    """Progress and the cancel flag shared between a builder (any thread) and the GUI."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = 0
        self._total = 0
        self._cancel = threading.Event()

    def progress(self, done: int, total: int) -> None:
        with self._lock:
            self._done, self._total = done, total

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def snapshot(self) -> tuple[int, int]:
        with self._lock:
            return self._done, self._total


class BuildProgressDialog(QProgressDialog):
    """The build's progress dialog; once the build has ended it never shows itself again.

    ``QProgressDialog`` shows itself from its own timer (``minimumDuration``) and from
    ``setValue``: after a fast build it would come back at 100 % over the preview (issue 15).
    """

    ended = False

    def end(self) -> None:
        """The build is over: hide for good."""
        self.ended = True
        self.hide()

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt's name
        if visible and self.ended:
            return
        super().setVisible(visible)


def start_build(
    runner: TaskRunner,
    build: Callable[[Progress, Cancelled], T],
    *,
    label: str,
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    parent: QWidget | None = None,
) -> BuildProgressDialog:
    """Run ``build(progress, cancelled)`` in ``runner`` behind a progress dialog with Cancel.

    Exactly one of ``on_done(result)``, ``on_cancelled()`` or ``on_error(exc)`` follows on the GUI
    thread. Saving writes (a reprint's new issue) happen inside ``build``, so run it ``serial``.
    """
    state = BuildProgress()
    dialog = BuildProgressDialog(
        label, QCoreApplication.translate("print_preview", "取消"), 0, 0, parent
    )
    dialog.setWindowTitle(QCoreApplication.translate("print_preview", "正在生成"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(state.cancel)
    timer = QTimer(dialog)
    timer.setInterval(POLL_MS)

    def refresh() -> None:
        if dialog.wasCanceled():  # Cancel clicked, Esc pressed, or ``dialog.cancel()``
            state.cancel()
        done, total = state.snapshot()
        if total and dialog.maximum() != total:
            dialog.setMaximum(total)
        dialog.setValue(min(done, total) if total else 0)

    timer.timeout.connect(refresh)
    timer.start()

    def finish() -> None:
        timer.stop()
        refresh()
        dialog.end()

    def done(result: T) -> None:
        finish()
        on_done(result)

    def failed(exc: BaseException) -> None:
        finish()
        if isinstance(exc, BuildCancelled):
            if on_cancelled is not None:
                on_cancelled()
            return
        if on_error is not None:
            on_error(exc)
        else:
            QMessageBox.warning(
                parent,
                QCoreApplication.translate("print_preview", "生成失败"),
                QCoreApplication.translate("print_preview", "没有生成文件:{0}").format(
                    error_text("building a PDF", exc)
                ),
            )

    dialog.build_progress = state  # type: ignore[attr-defined] - for tests and callers
    runner.run(
        lambda: build(state.progress, state.cancelled), on_done=done, on_error=failed, serial=True
    )
    return dialog


# --- rendering and printing ----------------------------------------------------------------------


def pdf_page_count(pdf_path: Path | str) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    try:
        return len(document)
    finally:
        document.close()


def pdf_page_layout(pdf_path: Path | str) -> tuple[QPageSize, QPageLayout.Orientation]:
    """The first page's paper and orientation, so the printer prints it at its true size."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    try:
        width, height = document[0].get_size() if len(document) else (595.0, 842.0)
    finally:
        document.close()
    paper = QPageSize(
        QSizeF(min(width, height), max(width, height)),
        QPageSize.Unit.Point,
        "",
        QPageSize.SizeMatchPolicy.FuzzyMatch,
    )
    orientation = (
        QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
    )
    return paper, orientation


def _to_qimage(page: Any, dpi: float) -> QImage:
    """One pypdfium2 page as an RGB QImage that owns its pixels."""
    pil = page.render(scale=dpi / 72).to_pil().convert("RGB")
    data = pil.tobytes("raw", "RGB")
    image = QImage(data, pil.width, pil.height, 3 * pil.width, QImage.Format.Format_RGB888)
    return image.copy()  # ``data`` goes away with this frame


def render_pages(pdf_path: Path | str, dpi: float) -> list[QImage]:
    """Every page of a PDF as a QImage at ``dpi`` (for small documents and tests)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    try:
        return [_to_qimage(document[i], dpi) for i in range(len(document))]
    finally:
        document.close()


def is_preview(printer: QPrinter) -> bool:
    """Whether ``printer`` is drawing into a print preview (which records every page)."""
    engine = printer.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.Picture


def paint_pdf(printer: QPrinter, pdf_path: Path | str, *, max_dpi: int | None = None) -> int:
    """Print (or preview) a PDF on ``printer``: each page scaled to the printer's full page,
    keeping its proportions, rendered one page at a time. Returns the number of pages painted.

    A preview keeps every page's image, so it renders at ``PREVIEW_DPI``; a printer gets up to
    ``MAX_PRINT_DPI``.
    """
    import pypdfium2 as pdfium

    if max_dpi is None:
        max_dpi = PREVIEW_DPI if is_preview(printer) else MAX_PRINT_DPI
    printer.setFullPage(True)
    dpi = max(72, min(printer.resolution(), max_dpi))
    document = pdfium.PdfDocument(str(pdf_path))
    painter = QPainter()
    try:
        if not painter.begin(printer):
            raise RuntimeError("打印机无法开始打印(请检查打印机或输出文件)")
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        try:
            for index in range(len(document)):
                if index:
                    printer.newPage()
                image = _to_qimage(document[index], dpi)
                target = printer.pageLayout().fullRectPixels(printer.resolution())
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                rect = QRect(
                    target.x() + (target.width() - scaled.width()) // 2,
                    target.y() + (target.height() - scaled.height()) // 2,
                    scaled.width(),
                    scaled.height(),
                )
                painter.drawImage(rect, image)
            return len(document)
        finally:
            painter.end()
    finally:
        document.close()


class PdfPrintPreview(QPrintPreviewDialog):
    """Qt's print dialog with preview, over a PDF built by ``desktop.cards``."""

    def __init__(self, pdf_path: Path | str, parent: QWidget | None = None, **_: Any) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(Path(pdf_path).stem)
        paper, orientation = pdf_page_layout(pdf_path)
        printer.setPageSize(paper)
        printer.setPageOrientation(orientation)
        super().__init__(printer, parent)
        self._printer = printer  # the dialog does not own it
        self.pdf_path = Path(pdf_path)
        self.setWindowTitle(
            QCoreApplication.translate("print_preview", "打印预览 - {0}").format(self.pdf_path.name)
        )
        self.paintRequested.connect(self._paint)
        fit_window(self, (900, 1000))

    def _paint(self, printer: QPrinter) -> None:
        paint_pdf(printer, self.pdf_path)

    def preview_widget(self) -> QPrintPreviewWidget:
        found = self.findChild(QPrintPreviewWidget)
        assert found is not None
        return found
