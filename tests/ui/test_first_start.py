"""The first start with no database: 演示 builds the practice county, 登记本机 provisions the laptop
from a real sync server on 127.0.0.1 (the county's enrollment code, a PIN, the recovery key shown
once, the assigned village downloaded) and opens the main window; a bad code leaves nothing."""

# ruff: noqa: F811 - the live server's fixtures are imported from tests/sync/conftest.py

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

import desktop.ui.first_start as first_start
from desktop.domain.roles import Role
from desktop.store.crypto import Keyring, is_encrypted_file, keyring_path
from desktop.store.models import Household
from desktop.ui.app import DEMO_USERS, LAST_DATABASE_KEY, Launcher
from desktop.ui.signin import RecoveryKeyDialog
from desktop.ui.tasks import QtTaskRunner
from sync.protocol import encode_enrollment
from tests.sync.conftest import (  # noqa: F401 - the live server's fixtures
    EAST,
    LiveServer,
    live_servers,
    pg_server_session_database,
    server,
)
from tests.sync.test_provision import id_numbers, seed_registry

FAST = {"wrap_n": 2**10, "user_n": 2**10, "sleep": lambda _s: None}
CLIENT = {"sleep": lambda _s: None, "max_attempts": 1}
PIN = "246810"


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "fieldbook.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def launch(qapp, qtbot, settings):
    """A ``Launcher`` that offers the first-start choice; shut down afterwards."""
    started: list[tuple[Launcher, QtTaskRunner]] = []
    before = set(QApplication.topLevelWidgets())

    def start(path: Path) -> Launcher:
        runner = QtTaskRunner()
        launcher = Launcher(
            qapp,
            path,
            runner=runner,
            settings=settings,
            offer_enrollment=True,
            client_options=CLIENT,
            demo_households=40,
            **FAST,
        )
        launcher.exits = []  # type: ignore[attr-defined]
        launcher.exit_requested.connect(launcher.exits.append)  # type: ignore[attr-defined]
        started.append((launcher, runner))
        launcher.start()
        return launcher

    yield start
    for launcher, runner in started:
        runner.wait(30_000)
        qtbot.waitUntil(lambda runner=runner: runner.pending == 0, timeout=30_000)
        for widget in (launcher.window, launcher.signin, launcher.first_start):
            if widget is not None:
                widget.close()
                widget.deleteLater()
        if launcher.db is not None:
            launcher.db.dispose()
    # Every window the launchers opened (main windows replaced on the way, message boxes, the
    # progress and recovery-key dialogs) goes, so that none stays active for the next test.
    for widget in set(QApplication.topLevelWidgets()) - before:
        widget.close()
        widget.deleteLater()
    QApplication.processEvents()


@pytest.fixture
def shown_keys(monkeypatch) -> list[str]:
    """Every recovery key the first start shows (a real dialog, counted)."""
    shown: list[str] = []

    class Counted(RecoveryKeyDialog):
        def __init__(self, recovery_key: str, **kwargs) -> None:
            shown.append(recovery_key)
            super().__init__(recovery_key, **kwargs)

    monkeypatch.setattr(first_start, "RecoveryKeyDialog", Counted)
    return shown


def _fill(dialog: first_start.FirstStartDialog, code: str, *, name: str = "王芳") -> None:
    dialog.enroll_choice.click()
    dialog.code.setText(code)
    dialog.name.setText(name)
    dialog.pin.setText(PIN)
    dialog.pin_again.setText(PIN)


def test_first_start_offers_demo_and_enrollment_and_demo_still_builds_the_county(
    launch, qtbot, tmp_path: Path
):
    path = tmp_path / "data" / "fieldbook.db"
    path.parent.mkdir()
    launcher = launch(path)
    dialog = launcher.first_start
    assert isinstance(dialog, first_start.FirstStartDialog) and dialog.isVisible()
    assert "演示" in dialog.demo_button.text() and "登记本机" in dialog.enroll_choice.text()
    assert not path.exists()

    dialog.demo_button.click()
    qtbot.waitUntil(lambda: launcher.recovery_dialog is not None, timeout=60_000)
    assert launcher.first_start is None
    assert is_encrypted_file(path)
    assert {u.name for u in Keyring.load(path).users()} == {name for name, _ in DEMO_USERS}


def test_enrolling_with_a_code_opens_the_main_window_on_exactly_the_assigned_village(
    launch, qtbot, tmp_path: Path, server: LiveServer, shown_keys: list[str], settings
):
    ids = seed_registry(server)
    path = tmp_path / "data" / "fieldbook.db"
    path.parent.mkdir()
    launcher = launch(path)
    dialog = launcher.first_start
    _fill(dialog, server.enrollment_code("王芳的电脑", [EAST]))
    dialog.enroll_button.click()

    qtbot.waitUntil(lambda: launcher.first_download is not None, timeout=60_000)
    recovery = launcher.first_download.recovery_dialog
    assert shown_keys and recovery.recovery_key == shown_keys[0]
    assert not recovery.continue_button.isEnabled()  # asks to write it down first
    recovery.copied_box.setChecked(True)
    recovery.continue_button.click()

    qtbot.waitUntil(lambda: launcher.window is not None, timeout=60_000)
    assert len(shown_keys) == 1
    assert launcher.user is not None and launcher.user.name == "王芳"
    assert launcher.user.role == Role.FIELD_WORKER  # a field laptop has no local administrator
    assert settings.value(LAST_DATABASE_KEY) == str(path.resolve())
    with launcher.db.session() as session:
        assert set(session.scalars(select(Household.id))) == set(ids[EAST])
    assert is_encrypted_file(path) and keyring_path(path).exists()
    raw = path.read_bytes()
    for number in id_numbers(server.db, ids[EAST]):
        assert number.encode() not in raw
    assert [(u.name, u.role) for u in Keyring.load(path).users()] == [("王芳", Role.FIELD_WORKER)]


@pytest.mark.parametrize("which", ["unknown code", "no server"])
def test_a_bad_code_or_no_server_gives_one_chinese_line_and_leaves_no_file(
    launch, qtbot, tmp_path: Path, server: LiveServer, shown_keys: list[str], which: str
):
    path = tmp_path / "data" / "fieldbook.db"
    path.parent.mkdir()
    launcher = launch(path)
    dialog = launcher.first_start
    url = server.url if which == "unknown code" else "http://127.0.0.1:9"
    _fill(dialog, encode_enrollment("NOT-A-CODE-1234", url))
    failures: list[str] = []
    dialog.enroll_failed.connect(failures.append)
    dialog.enroll_button.click()

    qtbot.waitUntil(lambda: bool(failures), timeout=60_000)
    assert "\n" not in failures[0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in failures[0])
    assert failures[0] in dialog.message.text()
    assert PIN not in dialog.message.text()
    assert not path.exists() and not keyring_path(path).exists()
    assert list(path.parent.iterdir()) == []
    assert shown_keys == [] and launcher.window is None and dialog.enroll_button.isEnabled()


def test_the_pins_must_match_before_anything_is_made(launch, tmp_path: Path, server: LiveServer):
    path = tmp_path / "fieldbook.db"
    launcher = launch(path)
    dialog = launcher.first_start
    _fill(dialog, server.enrollment_code("王芳的电脑", [EAST]))
    dialog.pin_again.setText("135790")
    dialog.enroll_button.click()
    assert "两次输入的 PIN 码不一致" in dialog.message.text()
    assert not path.exists()


def test_a_cancelled_download_says_so_and_finishes_after_the_next_sign_in(
    launch, qtbot, tmp_path: Path, server: LiveServer, shown_keys: list[str]
):
    import threading

    ids = seed_registry(server)
    path = tmp_path / "data" / "fieldbook.db"
    path.parent.mkdir()
    launcher = launch(path)
    dialog = launcher.first_start
    _fill(dialog, server.enrollment_code("王芳的电脑", [EAST]))
    dialog.enroll_button.click()
    qtbot.waitUntil(lambda: launcher.first_download is not None, timeout=60_000)
    download = launcher.first_download
    # Hold the serial worker so the cancel is in before the download's first page.
    gate = threading.Event()
    launcher.runner.run(gate.wait, on_done=lambda _r: None, serial=True)
    download.recovery_dialog.copied_box.setChecked(True)
    download.recovery_dialog.continue_button.click()
    task = download.task
    assert task is not None and task.dialog is not None and task.dialog.isVisible()
    task.cancel()
    gate.set()

    qtbot.waitUntil(lambda: download.box is not None, timeout=60_000)
    assert "下次启动时接着下载" in download.box.text()
    download.box.accept()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=60_000)
    with launcher.db.session() as session:
        assert set(session.scalars(select(Household.id))) == set()
    assert first_start.download_unfinished(launcher.db)
    assert launcher.resumed == {}  # not resumed at once: the person just cancelled

    launcher.window.close()
    launcher.db.dispose()
    launcher.db = None
    launcher.window = None
    again = launch(path)
    signin = again.signin
    qtbot.waitUntil(lambda: signin.user_list.count() == 1, timeout=30_000)
    signin.user_list.setCurrentRow(0)
    signin.pin_edit.setText(PIN)
    signin.sign_in_button.click()
    qtbot.waitUntil(lambda: again.window is not None, timeout=30_000)
    qtbot.waitUntil(
        lambda: (
            again.resumed is not None
            and again.resumed["checked"]
            and "download" not in again.resumed
        ),
        timeout=60_000,
    )
    with again.db.session() as session:
        assert set(session.scalars(select(Household.id))) == set(ids[EAST])
    assert not first_start.download_unfinished(again.db)
    qtbot.waitUntil(lambda: not again.window.list_model.is_loading, timeout=30_000)
    assert again.window.list_model.rowCount() == len(ids[EAST])  # the list shows what came
    assert len(shown_keys) == 1
