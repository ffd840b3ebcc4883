"""Long work behind a progress dialog: it shows late or not at all, counts, and cancels cleanly."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desktop.ui.progress import Cancelled, Progress, TaskState, run_with_progress
from desktop.ui.tasks import ImmediateTaskRunner, QtTaskRunner


@pytest.fixture
def runner(qtbot):
    runner = QtTaskRunner()
    yield runner
    runner.wait(10_000)
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=10_000)


class Outcome:
    """Collects which callback ran, with what."""

    def __init__(self) -> None:
        self.done: list[object] = []
        self.errors: list[BaseException] = []
        self.cancelled = 0

    def kwargs(self) -> dict:
        return {
            "on_done": self.done.append,
            "on_error": self.errors.append,
            "on_cancelled": self.cancel,
        }

    def cancel(self) -> None:
        self.cancelled += 1


def test_quick_work_never_shows_a_dialog(qtbot) -> None:
    outcome = Outcome()
    task = run_with_progress(
        ImmediateTaskRunner(), lambda progress: 42, title="t", label="l", **outcome.kwargs()
    )
    assert outcome.done == [42]
    assert task.state is TaskState.DONE
    assert task.dialog is None


def test_slow_work_shows_the_dialog_counts_and_closes_when_done(qtbot, runner) -> None:
    release = threading.Event()
    reported = threading.Event()

    def job(progress: Progress) -> str:
        progress(3, 10)
        reported.set()
        release.wait(10)
        progress(10, 10)
        return "完成"

    outcome = Outcome()
    task = run_with_progress(
        runner, job, title="导出", label="正在导出…", delay_ms=50, **outcome.kwargs()
    )
    assert task.dialog is not None and not task.dialog.isVisible()
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible(), timeout=5000)
    assert reported.wait(5)
    qtbot.waitUntil(lambda: task.dialog.maximum() == 10 and task.dialog.value() == 3)
    assert task.dialog.labelText() == "正在导出…"
    release.set()
    qtbot.waitUntil(lambda: task.state is TaskState.DONE, timeout=5000)
    assert outcome.done == ["完成"] and outcome.errors == [] and outcome.cancelled == 0
    assert task.dialog is None


def test_cancel_stops_the_job_at_its_next_report_and_reports_silence(qtbot, runner) -> None:
    started = threading.Event()
    batches: list[int] = []

    def job(progress: Progress) -> int:
        started.set()
        for batch in range(10_000):
            progress(batch, 10_000)  # raises Cancelled once the person has cancelled
            batches.append(batch)
            threading.Event().wait(0.001)
        return len(batches)

    outcome = Outcome()
    task = run_with_progress(runner, job, title="t", label="l", delay_ms=0, **outcome.kwargs())
    assert started.wait(5)
    assert task.dialog is not None and task.dialog.isVisible()
    cancel = task.dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "取消"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert task.progress.cancelled
    qtbot.waitUntil(lambda: task.state is TaskState.CANCELLED, timeout=5000)
    assert outcome.cancelled == 1
    assert outcome.done == [] and outcome.errors == []  # silence: no error for a cancel
    assert len(batches) < 10_000
    assert task.dialog is None


def test_the_dialog_stays_up_saying_it_is_cancelling_until_the_job_stops(qtbot, runner) -> None:
    release = threading.Event()
    started = threading.Event()

    def job(progress: Progress) -> None:
        started.set()
        release.wait(10)  # a long step that cannot be interrupted
        progress.check()

    outcome = Outcome()
    task = run_with_progress(runner, job, title="t", label="l", delay_ms=0, **outcome.kwargs())
    assert started.wait(5)
    task.dialog.reject()  # Esc
    assert task.dialog is not None and task.dialog.isVisible()
    assert "正在取消" in task.dialog.labelText()
    assert not task.dialog.findChild(QPushButton).isEnabled()
    task.dialog.close()  # the window's close button: still up
    assert task.dialog.isVisible()
    release.set()
    qtbot.waitUntil(lambda: task.state is TaskState.CANCELLED, timeout=5000)
    assert outcome.cancelled == 1


def test_a_failure_reaches_on_error_once(qtbot, runner) -> None:
    def job(progress: Progress) -> None:
        progress(1, 2)
        raise OSError("磁盘已满")

    outcome = Outcome()
    task = run_with_progress(runner, job, title="t", label="l", **outcome.kwargs())
    qtbot.waitUntil(lambda: task.state is TaskState.FAILED, timeout=5000)
    assert [str(e) for e in outcome.errors] == ["磁盘已满"]
    assert outcome.done == [] and outcome.cancelled == 0


def test_work_that_cannot_be_cancelled_has_no_cancel_button(qtbot, runner) -> None:
    release = threading.Event()
    outcome = Outcome()
    task = run_with_progress(
        runner,
        lambda progress: release.wait(10),
        title="t",
        label="l",
        cancellable=False,
        delay_ms=0,
        **outcome.kwargs(),
    )
    assert task.dialog.findChild(QPushButton) is None
    task.dialog.reject()
    task.cancel()
    assert not task.progress.cancelled
    release.set()
    qtbot.waitUntil(lambda: task.state is TaskState.DONE, timeout=5000)
    assert outcome.done == [True]


def test_a_progress_callback_that_is_cancelled_raises_cancelled() -> None:
    progress = Progress()
    progress(1, 3)
    progress.cancel()
    with pytest.raises(Cancelled):
        progress(2, 3)
    with pytest.raises(Cancelled):
        progress.check()
