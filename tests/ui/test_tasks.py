"""The task runner's contract: work off the GUI thread, answers on it, serial jobs in order."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread

from desktop.ui.tasks import ImmediateTaskRunner, QtTaskRunner, in_session


def test_qt_runner_runs_the_job_elsewhere_and_answers_on_the_gui_thread(qapp, qtbot) -> None:
    runner = QtTaskRunner()
    seen: dict[str, object] = {}

    def job() -> int:
        seen["job_thread"] = threading.get_ident()
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback_on_gui_thread"] = QThread.currentThread() is qapp.thread()

    runner.run(job, on_done=done)
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen["value"] == 42
    assert seen["job_thread"] != threading.get_ident()
    assert seen["callback_on_gui_thread"] is True
    qtbot.waitUntil(lambda: runner.pending == 0)


def test_qt_runner_hands_a_failure_to_on_error_on_the_gui_thread(qapp, qtbot) -> None:
    runner = QtTaskRunner()
    errors: list[tuple[BaseException, bool]] = []

    def job() -> None:
        raise ValueError("坏数据")

    runner.run(
        job,
        on_done=lambda _v: pytest.fail("on_done after a failure"),
        on_error=lambda e: errors.append((e, QThread.currentThread() is qapp.thread())),
    )
    qtbot.waitUntil(lambda: bool(errors))
    error, on_gui = errors[0]
    assert isinstance(error, ValueError) and str(error) == "坏数据"
    assert on_gui


def test_serial_jobs_run_one_at_a_time_in_submission_order(qtbot) -> None:
    runner = QtTaskRunner(max_threads=4)
    running, overlaps, order, answers = [0], [], [], []
    lock = threading.Lock()

    def job(n: int) -> int:
        with lock:
            running[0] += 1
            overlaps.append(running[0])
        time.sleep(0.01)
        order.append(n)
        with lock:
            running[0] -= 1
        return n

    for n in range(6):
        runner.run(lambda n=n: job(n), on_done=answers.append, serial=True)
    qtbot.waitUntil(lambda: len(answers) == 6)
    assert order == list(range(6)) == answers
    assert max(overlaps) == 1


def test_immediate_runner_answers_before_run_returns() -> None:
    runner = ImmediateTaskRunner()
    answers: list[int] = []
    runner.run(lambda: 7, on_done=answers.append)
    assert answers == [7]
    assert runner.calls == 1


def test_immediate_runner_raises_a_failure_nobody_handles() -> None:
    runner = ImmediateTaskRunner()
    with pytest.raises(ZeroDivisionError):
        runner.run(lambda: 1 / 0, on_done=lambda _v: None)
    errors: list[BaseException] = []
    runner.run(lambda: 1 / 0, on_done=lambda _v: None, on_error=errors.append)
    assert isinstance(errors[0], ZeroDivisionError)


def test_in_session_gives_each_job_its_own_session_and_closes_it(demo_db) -> None:
    sessions = []

    def query(session, extra):
        sessions.append(session)
        return extra

    assert in_session(demo_db, query, "x")() == "x"
    assert in_session(demo_db, query, "y")() == "y"
    assert sessions[0] is not sessions[1]
    assert all(not s.in_transaction() for s in sessions)


def test_a_background_read_sees_the_demo_county(demo_db, qtbot) -> None:
    from desktop.store.queries import count_households

    runner = QtTaskRunner()
    answers: list[int] = []
    runner.run(in_session(demo_db, count_households), on_done=answers.append)
    qtbot.waitUntil(lambda: bool(answers))
    assert answers == [300]
