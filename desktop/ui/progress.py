"""Long work with a progress dialog and a cancel button, over the one task runner.

``run_with_progress(runner, job, ...)`` calls ``job(progress)`` through the ``TaskRunner``
(off the GUI thread with ``QtTaskRunner``) and shows a ``QProgressDialog`` while it runs. The
dialog appears only when the work takes longer than ``delay_ms``, so quick work shows nothing.

The job gets a ``Progress``:

- ``progress(done, total)`` (or ``progress.report(done, total, text)``) moves the bar; it is
  thread-safe and cheap (reports are passed on at most every ``REPORT_INTERVAL_S``), so a loop
  may call it after every batch. It raises ``Cancelled`` once the person has cancelled, so any
  loop that reports between batches stops there — existing ``progress(done, total)`` callbacks
  (the demo build, bulk loads) are cancellable for free;
- ``progress.cancelled`` / ``progress.check()`` ask without reporting.

Cancelling never kills anything: the button turns into "正在取消…" and the dialog stays up until
the job has stopped at its next check, then ``on_cancelled()`` runs (silence: nothing is shown to
the person, STYLE.md 5). A job that raises ``Cancelled`` should leave nothing half done (one
transaction, rolled back). Exactly one of ``on_done(result)``, ``on_error(exc)`` or
``on_cancelled()`` runs, on the GUI thread, after the dialog has closed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from desktop.ui.style import apply_readable_font
from desktop.ui.tasks import ErrorCallback, TaskRunner, log_error

T = TypeVar("T")

DEFAULT_DELAY_MS = 500
REPORT_INTERVAL_S = 0.05
_NEVER_MS = 2**31 - 1  # QProgressDialog must never decide to show itself


class Cancelled(Exception):
    """The person cancelled; raised by ``Progress`` in the job at its next report or check."""


class Progress(QObject):
    """What a job uses to report progress and to notice a cancel. Safe from any thread.

    Created on the GUI thread; its signals reach the dialog queued when emitted elsewhere.
    """

    changed = Signal(int, int)
    text_changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._last_report = 0.0
        self.done = 0
        self.total = 0

    @property
    def cancelled(self) -> bool:
        """Whether the person has asked to cancel."""
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the job to stop at its next report or check."""
        self._cancel.set()

    def check(self) -> None:
        """Raise ``Cancelled`` if the person has cancelled."""
        if self._cancel.is_set():
            raise Cancelled

    def report(self, done: int, total: int, text: str | None = None) -> None:
        """``done`` of ``total`` (``total`` 0: busy, no estimate); raises ``Cancelled``."""
        self.check()
        now = time.monotonic()
        with self._lock:
            self.done, self.total = done, total
            due = now - self._last_report >= REPORT_INTERVAL_S or done >= total
            if due:
                self._last_report = now
        if text is not None:
            self.text_changed.emit(text)
        if due:
            self.changed.emit(done, total)

    def __call__(self, done: int, total: int) -> None:
        self.report(done, total)


class TaskState(StrEnum):
    """Where a ``ProgressTask`` is."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class _Dialog(QProgressDialog):
    """A progress dialog that Esc or the window's close button cancel but never just hide."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.canceled.disconnect(self.cancel)  # stay up until the job has really stopped
        self.closable = False
        # Its closing must not end the app when it was the only window (the first start).
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)

    def reject(self) -> None:
        if self.closable:
            super().reject()
        else:
            self.canceled.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.closable:
            super().closeEvent(event)
        else:
            event.ignore()
            self.canceled.emit()


class ProgressTask(QObject, Generic[T]):
    """One job in the runner with its progress dialog; made by ``run_with_progress``.

    ``finished`` is emitted after the callback, whatever the outcome (``state`` says which).
    """

    finished = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        job: Callable[[Progress], T],
        *,
        title: str,
        label: str,
        on_done: Callable[[T], None],
        on_error: ErrorCallback | None = None,
        on_cancelled: Callable[[], None] | None = None,
        cancellable: bool = True,
        delay_ms: int = DEFAULT_DELAY_MS,
        serial: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.job = job
        self.state = TaskState.RUNNING
        self.cancellable = cancellable
        self.serial = serial
        self._on_done = on_done
        self._on_error = on_error or log_error
        self._on_cancelled = on_cancelled or (lambda: None)
        self.progress = Progress(self)

        dialog = _Dialog(parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(_NEVER_MS)
        dialog.setRange(0, 0)  # busy until the first report
        dialog.setMinimumWidth(480)
        if cancellable:
            dialog.setCancelButtonText(self.tr("取消"))
            dialog.canceled.connect(self.cancel)
        else:
            dialog.setCancelButton(None)
        apply_readable_font(dialog)
        self.dialog: _Dialog | None = dialog
        self.progress.changed.connect(self._show_progress)
        self.progress.text_changed.connect(dialog.setLabelText)

        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self._show_dialog)
        self._delay_ms = delay_ms

    def start(self) -> None:
        """Start the job; the dialog shows after ``delay_ms`` (at once for 0) if still running."""
        if self._delay_ms <= 0:
            self._show_dialog()
        else:
            self._show_timer.start(self._delay_ms)
        progress = self.progress
        job = self.job
        self.runner.run(
            lambda: job(progress),
            on_done=self._done,
            on_error=self._failed,
            serial=self.serial,
        )

    @property
    def running(self) -> bool:
        return self.state is TaskState.RUNNING

    def cancel(self) -> None:
        """Ask the job to stop (the dialog's cancel button and Esc call this)."""
        if not self.cancellable or not self.running or self.progress.cancelled:
            return
        self.progress.cancel()
        if self.dialog is not None:
            self.dialog.setLabelText(self.tr("正在取消,请稍候…"))
            for button in self.dialog.findChildren(QPushButton):
                button.setEnabled(False)

    def _show_dialog(self) -> None:
        if self.dialog is not None and self.running:
            self.dialog.show()

    def _show_progress(self, done: int, total: int) -> None:
        if self.dialog is None or not self.running:
            return
        if total <= 0:
            self.dialog.setRange(0, 0)
            return
        self.dialog.setRange(0, total)
        self.dialog.setValue(max(0, min(done, total)))

    def _close_dialog(self) -> None:
        self._show_timer.stop()
        if self.dialog is not None:
            self.dialog.closable = True
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _done(self, result: Any) -> None:
        # Finished although cancelled meanwhile: the work is complete, so it is kept and reported.
        self.state = TaskState.DONE
        self._close_dialog()
        try:
            self._on_done(result)
        finally:
            self.finished.emit()

    def _failed(self, error: BaseException) -> None:
        self._close_dialog()
        try:
            if isinstance(error, Cancelled):
                self.state = TaskState.CANCELLED
                self._on_cancelled()
            else:
                self.state = TaskState.FAILED
                self._on_error(error)
        finally:
            self.finished.emit()


def run_with_progress(
    runner: TaskRunner,
    job: Callable[[Progress], T],
    *,
    title: str,
    label: str,
    on_done: Callable[[T], None],
    on_error: ErrorCallback | None = None,
    on_cancelled: Callable[[], None] | None = None,
    cancellable: bool = True,
    delay_ms: int = DEFAULT_DELAY_MS,
    serial: bool = False,
    parent: QWidget | None = None,
) -> ProgressTask[T]:
    """Run ``job(progress)`` in ``runner`` behind a progress dialog; returns the started task.

    Keep the returned task referenced (or give it a ``parent``) until ``finished``.
    """
    task: ProgressTask[T] = ProgressTask(
        runner,
        job,
        title=title,
        label=label,
        on_done=on_done,
        on_error=on_error,
        on_cancelled=on_cancelled,
        cancellable=cancellable,
        delay_ms=delay_ms,
        serial=serial,
        parent=parent,
    )
    task.start()
    return task
