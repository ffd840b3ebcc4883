"""Nothing typed is lost to a crash: a real app process is killed while typing, and the draft comes back.

The test starts this file as a child process: a household form, offscreen, on a copy of the demo
county, with the real ``QtTaskRunner`` and a short autosave interval. The child types into the
form with real key and input-method events and keeps typing. Once a draft holding what was typed
is in the database, the test kills the child with SIGKILL (no clean-up, no atexit, like a power
cut), then starts the main window on the same file — the next start — and takes the offered draft.

A second child opens six household forms as a field worker through the main window, leaves them
open while the event loop turns, closes them and collects garbage. It once ended with "Fatal
Python error: none_dealloc": PySide6 6.12.0 on Python 3.11 takes a reference to ``None`` from
every call of a method returning nothing (``processEvents``, ``setText`` …) without ever having
given it one, so a long session runs ``None``'s reference count down to zero. The child turns the
event loop more times than ``None`` has references, so a binding with that fault crashes it (the
test sees the crash instead of pytest dying), and it also reports the drift of ``None``'s count.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

CHILD_ADDRESS = "陕西省汉中市略阳县断电前输入的地址"
CHILD_PHONE = "13712345678"
IN_WORK = datetime(2019, 11, 15, 10, 0)
ROOT = Path(__file__).resolve().parents[2]


def run_child(db_path: str, household_id: str) -> int:
    """The killed process: a form being typed into until it is killed."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop.store.db import open_database
    from desktop.ui.household_form import HouseholdForm
    from desktop.ui.tasks import QtTaskRunner

    app = QApplication([])
    db = open_database(db_path)
    runner = QtTaskRunner()
    form = HouseholdForm(
        db, runner=runner, household_id=household_id, autosave_seconds=0.3, clock=lambda: IN_WORK
    )
    form.show()
    note = iter("正在逐字输入备注" * 50)

    def keep_typing() -> None:  # the person goes on typing until the power goes
        field = form.basic_binder.widgets["note"]
        event = QInputMethodEvent()
        event.setCommitString(next(note))
        QApplication.sendEvent(field, event)

    def type_in() -> None:
        address = form.basic_binder.widgets["address"]
        address.setFocus()
        address.selectAll()
        event = QInputMethodEvent()
        event.setCommitString(CHILD_ADDRESS)
        QApplication.sendEvent(address, event)
        phone = form.basic_binder.widgets["phone"]
        phone.selectAll()
        QTest.keyClicks(phone, CHILD_PHONE)
        print(json.dumps({"typed": form.payload["household"]["phone"]}), flush=True)
        typing = QTimer(form)
        typing.timeout.connect(keep_typing)
        typing.start(100)

    form.loaded.connect(lambda: QTimer.singleShot(0, type_in))
    form.autosaved.connect(lambda: print(json.dumps({"autosaved": True}), flush=True))
    return app.exec()


def _read_line(process: subprocess.Popen, deadline: float) -> str:
    assert process.stdout is not None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            if line:
                return line
        if process.poll() is not None:
            break
    err = process.stderr.read() if process.stderr and process.poll() is not None else ""
    raise AssertionError(f"the child said nothing in time (exit {process.poll()}): {err}")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_the_app_killed_while_typing_gets_its_draft_back_on_the_next_start(
    demo_copy, qtbot
) -> None:
    from sqlalchemy import select as sql_select

    from desktop.store.drafts import list_drafts
    from desktop.store.models import Household
    from desktop.ui.main_window import MainWindow
    from desktop.ui.tasks import ImmediateTaskRunner

    db = demo_copy()
    path = db.engine.url.database
    with db.session() as session:
        household_id = session.scalars(
            sql_select(Household.id).where(Household.status == "poor")
        ).first()
        stored_address = session.get(Household, household_id).address
    db.dispose()  # the child has the file to itself, as on a laptop

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, __file__, path, household_id],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        seen = []
        while not any("autosaved" in line for line in seen):
            seen.append(_read_line(child, deadline))
        assert json.loads(seen[0]) == {"typed": CHILD_PHONE}
        time.sleep(0.5)  # more autosaves, and typing, while we wait
        assert child.poll() is None, "the child must still be running when the power goes"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL

    from desktop.store.db import open_database

    again = open_database(path)  # the next start: the file as the kill left it
    try:
        with again.session() as session:
            drafts = list_drafts(session, user_name="演示用户")
            assert [d.household_id for d in drafts] == [household_id]
            assert session.get(Household, household_id).address == stored_address  # unsaved
        draft = drafts[0].payload
        assert draft["household"]["address"] == CHILD_ADDRESS
        assert draft["household"]["phone"] == CHILD_PHONE

        window = MainWindow(again, runner=ImmediateTaskRunner(), clock=lambda: IN_WORK)
        qtbot.addWidget(window)
        box = window.drafts_prompt
        assert box is not None and "1 份农户信息表没有保存" in box.text()
        next(b for b in box.buttons() if b.text() == "恢复草稿").click()
        form = window.forms[household_id]
        qtbot.addWidget(form)
        assert form.dirty
        assert form.basic_binder.widgets["address"].text() == CHILD_ADDRESS
        assert form.basic_binder.widgets["phone"].text() == CHILD_PHONE
        assert form.basic_binder.widgets["note"].text().startswith("正在逐字")
        assert form.payload["household"]["note"] == draft["household"]["note"]
        form._close_confirmed = True  # the test leaves the draft as it is
    finally:
        again.dispose()


FORMS = 6


def run_forms_child(db_path: str) -> int:
    """Open ``FORMS`` forms as a field worker, keep the loop turning, close them, collect."""
    import faulthandler
    import gc

    faulthandler.enable()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    from desktop.store.db import open_database
    from desktop.ui.app import install_translators
    from desktop.ui.main_window import MainWindow
    from desktop.ui.style import apply_readable_font
    from desktop.ui.tasks import QtTaskRunner

    app = QApplication([])
    install_translators(app, "zh_CN")
    apply_readable_font(app)
    db = open_database(db_path)
    runner = QtTaskRunner()
    window = MainWindow(
        db,
        runner=runner,
        role="field_worker",
        actor="王芳",
        clock=lambda: IN_WORK,
        offer_drafts=False,
    )
    window.show()

    def turn(until, limit: float = 30.0) -> None:
        deadline = time.monotonic() + limit
        while not until() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.001)

    turn(lambda: window.list_model.rowCount() >= FORMS)
    for row in range(FORMS):
        window.open_household(window.list_model.index(row, 0))
    forms = list(window.forms.values())
    turn(lambda: all(form.is_loaded for form in forms))
    for form in forms:  # every page of a field worker's form painted once
        for index in range(form.tabs.count()):
            form.tabs.setCurrentIndex(index)
            form.grab()
    loaded = sum(form.is_loaded for form in forms)
    turns = sys.getrefcount(None) + 2000
    before = sys.getrefcount(None)
    for _ in range(turns):  # a day of leaving the forms open, compressed
        app.processEvents()
    drift = sys.getrefcount(None) - before
    for form in forms:
        form._close_confirmed = True
        form.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    runner.wait()
    forms.clear()
    gc.collect()
    print(json.dumps({"loaded": loaded, "open_after": len(window.forms), "drift": drift}))
    window.close()
    db.dispose()
    gc.collect()
    print(json.dumps({"done": True}), flush=True)
    return 0


def test_six_forms_left_open_by_a_field_worker_then_closed_do_not_crash_the_process(
    demo_copy,
) -> None:
    db = demo_copy()
    path = db.engine.url.database
    db.dispose()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    child = subprocess.run(
        [sys.executable, __file__, "--forms", path],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert "none_dealloc" not in child.stderr, child.stderr[-3000:]
    assert child.returncode == 0, child.stderr[-3000:]
    lines = [json.loads(line) for line in child.stdout.splitlines() if line.startswith("{")]
    report, done = lines[-2], lines[-1]
    assert done == {"done": True}
    assert report["loaded"] == FORMS and report["open_after"] == 0
    # a binding that drops a reference to None on each call drifts by about -turns
    assert report["drift"] > -500, report


if __name__ == "__main__":
    if sys.argv[1] == "--forms":
        sys.exit(run_forms_child(sys.argv[2]))
    sys.exit(run_child(sys.argv[1], sys.argv[2]))
