"""Practice mode in the main window (issue 14, item 5): the demo's practice date in the status
bar and 演示 on printed pages; a real database shows neither."""

from __future__ import annotations

from pathlib import Path

from desktop.cards.pdf import practice_mark_on, set_practice_mark
from desktop.store.db import open_database
from desktop.ui.main_window import MainWindow
from desktop.ui.tasks import ImmediateTaskRunner


def _window(qtbot, db) -> MainWindow:
    window = MainWindow(db, runner=ImmediateTaskRunner(), actor="测试员")
    qtbot.addWidget(window)
    return window


def test_demo_shows_its_practice_date_in_the_status_bar(qtbot, demo_db):
    try:
        window = _window(qtbot, demo_db)
        assert window.practice_label.text() == "演示日期:2019-11-30"
        assert not window.practice_label.isHidden()
        assert window.practice_date is not None
        assert practice_mark_on()
    finally:
        set_practice_mark(False)


def test_a_real_database_shows_no_practice_date(qtbot, tmp_path: Path):
    set_practice_mark(True)  # left on by a demo opened before
    db = open_database(tmp_path / "real.db")
    try:
        window = _window(qtbot, db)
        assert window.practice_label.isHidden()
        assert window.practice_date is None
        assert not practice_mark_on()
    finally:
        db.dispose()
        set_practice_mark(False)
