"""The one error dialog: a Chinese sentence and the log's reference, never SQLAlchemy's text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import qInstallMessageHandler, qWarning
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from desktop.domain.idcard import make_id_number
from desktop.logs import DATABASE_ERROR, LogSetup, configure_logging
from desktop.store.models import Household
from desktop.ui.errors import install_qt_message_handler, show_error
from desktop.ui.household_form import HouseholdForm
from desktop.ui.tasks import ImmediateTaskRunner

ID_NUMBER = make_id_number("610424", date(1970, 5, 1), 1, "1")
IN_WORK = datetime(2019, 11, 15, 10, 0)


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[LogSetup]:
    setup = configure_logging(tmp_path / "fieldbook.log", hooks=False)
    yield setup
    setup.close()


def database_error() -> OperationalError:
    engine = create_engine("sqlite://")  # without hide_parameters: the worst case
    try:
        with engine.connect() as connection:
            connection.execute(text("INSERT INTO nowhere VALUES (:n)"), {"n": ID_NUMBER})
    except OperationalError as exc:
        return exc
    raise AssertionError("the insert should have failed")


def test_the_error_dialog_shows_chinese_and_keeps_the_sqlalchemy_text_in_the_log(qtbot, log_file):
    error = database_error()
    assert "INSERT INTO nowhere" in str(error) and ID_NUMBER in str(error)

    box = show_error(None, "保存失败", error)
    qtbot.addWidget(box)

    assert box.isVisible() and box.icon() == QMessageBox.Icon.Critical
    shown = box.text() + box.informativeText() + box.detailedText()
    assert box.text() == DATABASE_ERROR
    assert str(log_file.path) in box.informativeText()
    for raw in ("INSERT", "nowhere", "sqlalchemy", "sqlite3", ID_NUMBER):
        assert raw not in shown
    log_file.handler.flush()
    written = log_file.path.read_text(encoding="utf-8")
    assert "INSERT INTO nowhere" in written and "OperationalError" in written
    assert ID_NUMBER not in written


def test_qt_warnings_go_to_the_log(qtbot, log_file):
    install_qt_message_handler()
    try:
        qWarning(f"a widget complained about {ID_NUMBER}")
    finally:
        qInstallMessageHandler(None)  # Qt's own handler again for the rest of the session
    log_file.handler.flush()

    entries = [json.loads(line) for line in log_file.path.read_text("utf-8").splitlines()]
    (entry,) = [e for e in entries if e["logger"] == "qt"]
    assert entry["level"] == "WARNING"
    assert entry["message"] == "a widget complained about [身份证号]"


def test_a_save_the_database_refuses_shows_chinese_in_the_form_never_the_sql(
    demo_copy, qtbot, log_file
):
    db = demo_copy()
    with db.session() as session:
        household_id = session.scalars(
            select(Household.id).where(Household.status == "poor").order_by(Household.id)
        ).first()
        # a real SQLite failure inside the save's transaction, quoting an ID number
        session.execute(
            text(
                "CREATE TRIGGER refuse_update BEFORE UPDATE ON households BEGIN "
                f"SELECT RAISE(ABORT, 'refused for {ID_NUMBER}'); END"
            )
        )
        session.commit()
    form = HouseholdForm(
        db, runner=ImmediateTaskRunner(), household_id=household_id, clock=lambda: IN_WORK
    )
    qtbot.addWidget(form)
    form.show()
    form.basic_binder.widgets["phone"].setText("13912345678")
    form.basic_binder.widgets["phone"].textEdited.emit("13912345678")

    form.save()
    if form.reason_dialog is not None:
        form.reason_dialog.reason.setText("核实")
        form.reason_dialog.accept()

    assert form.dirty
    assert DATABASE_ERROR in form.last_error and str(log_file.path) in form.last_error
    for raw in ("refused for", "UPDATE", "sqlalchemy", "households", ID_NUMBER):
        assert raw not in form.last_error
    log_file.handler.flush()
    written = log_file.path.read_text(encoding="utf-8")
    assert "saving a household" in written and "refused for [身份证号]" in written
