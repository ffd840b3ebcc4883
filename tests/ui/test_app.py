"""Starting the app: translators, the last database, the first start's encrypted demo county and
its users, signing in (unlocking), who sees the internal lists, the daily backup, the idle lock,
an older plain database, and a database that cannot be opened."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QLibraryInfo, QModelIndex, QSettings
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from desktop.cli import build_parser
from desktop.domain.roles import Role
from desktop.store.backup import list_backups
from desktop.store.crypto import Keyring, is_encrypted_file, keyring_path
from desktop.store.db import open_database
from desktop.store.demo import SETTING_SEED
from desktop.store.drafts import list_drafts
from desktop.store.queries import HouseholdColumn
from desktop.store.settings import get_setting
from desktop.store.users import add_user, list_users
from desktop.ui.app import (
    DEMO_PIN,
    DEMO_SEED_SETTING,
    DEMO_USERS,
    LANGUAGE_KEY,
    LAST_DATABASE_KEY,
    LAST_USER_KEY,
    Launcher,
    build_encrypted_demo,
    choose_database,
    choose_language,
    default_db_path,
    install_translators,
    open_for_sign_in,
    prepare_database,
    set_language,
)
from desktop.ui.household_list import COLUMNS
from desktop.ui.signin import FirstUserDialog, RecoveryKeyDialog, SignInDialog
from desktop.ui.tasks import QtTaskRunner
from tests.ui.conftest import DEMO_HOUSEHOLDS

FAST = {"wrap_n": 2**10, "user_n": 2**10, "sleep": lambda _s: None}
"""Cheap scrypt and no wrong-PIN pause: the tests are about the flow, not the cost."""
ENCRYPTED_HOUSEHOLDS = 40


@pytest.fixture
def settings(tmp_path) -> QSettings:
    """The app's preferences in a private INI file, never the machine's own."""
    return QSettings(str(tmp_path / "fieldbook.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def launch(qapp, qtbot, settings):
    """Start a ``Launcher`` on a path; shut its runner, window and database down afterwards."""
    started: list[tuple[Launcher, QtTaskRunner]] = []

    def start(path: Path, **kwargs) -> Launcher:
        runner = QtTaskRunner()
        kwargs = {**FAST, **kwargs}
        launcher = Launcher(qapp, path, runner=runner, settings=settings, **kwargs)
        launcher.exits = []  # type: ignore[attr-defined]
        launcher.exit_requested.connect(launcher.exits.append)  # type: ignore[attr-defined]
        started.append((launcher, runner))
        launcher.start()
        return launcher

    yield start
    for launcher, runner in started:
        runner.wait(30_000)
        qtbot.waitUntil(lambda runner=runner: runner.pending == 0, timeout=30_000)
        for widget in (launcher.window, launcher.signin, getattr(launcher, "error_box", None)):
            if widget is not None:
                widget.close()
                widget.deleteLater()
        if launcher.db is not None:
            launcher.db.dispose()


@pytest.fixture(scope="module")
def users_path(demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo county after its first opening by the app: with the demo users."""
    path = tmp_path_factory.mktemp("app") / "fieldbook.db"
    shutil.copyfile(demo_path, path)
    prepare_database(path, build_demo=False).dispose()
    return path


@pytest.fixture
def county(users_path: Path, tmp_path: Path) -> Path:
    """A private copy of the demo county with its demo users."""
    path = tmp_path / "county" / "fieldbook.db"
    path.parent.mkdir()
    shutil.copyfile(users_path, path)
    return path


@pytest.fixture(scope="module")
def encrypted_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small encrypted demo county with its keyring, built once for the module."""
    path = tmp_path_factory.mktemp("encrypted") / "fieldbook.db"
    build_encrypted_demo(
        path, households=ENCRYPTED_HOUSEHOLDS, wrap_n=FAST["wrap_n"], user_n=FAST["user_n"]
    )
    return path


@pytest.fixture
def encrypted_county(encrypted_path: Path, tmp_path: Path) -> Path:
    """A private copy of the encrypted county, keyring included."""
    path = tmp_path / "enc" / "fieldbook.db"
    path.parent.mkdir()
    shutil.copyfile(encrypted_path, path)
    shutil.copyfile(keyring_path(encrypted_path), keyring_path(path))
    return path


def file_bytes(path: Path) -> bytes:
    """The database file and its WAL, as a thief would read them."""
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def wait_for_sign_in(qtbot, launcher: Launcher) -> SignInDialog:
    qtbot.waitUntil(
        lambda: isinstance(launcher.signin, SignInDialog) and launcher.signin.check_pin is not None,
        timeout=60_000,
    )
    assert isinstance(launcher.signin, SignInDialog)
    return launcher.signin


def sign_in(qtbot, launcher: Launcher, name: str, pin: str = DEMO_PIN):
    """Pick ``name`` on the sign-in dialog, type the PIN, wait for the main window."""
    dialog = wait_for_sign_in(qtbot, launcher)
    rows = [dialog.user_list.item(i).text() for i in range(dialog.user_list.count())]
    dialog.user_list.setCurrentRow(next(i for i, t in enumerate(rows) if t.startswith(name)))
    dialog.pin_edit.setText(pin)
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=30_000)
    return launcher.window


# --- translations and preferences ----------------------------------------------------------------


def test_qt_own_chinese_translation_is_installed(qapp) -> None:
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not os.path.isfile(os.path.join(folder, "qtbase_zh_CN.qm")):
        pytest.skip("this Qt build ships no qtbase_zh_CN.qm")
    installed = install_translators(qapp, "zh_CN")
    try:
        assert installed
        assert qapp.translate("QPlatformTheme", "Cancel") == "取消"  # dialog buttons
        assert qapp.translate("QLineEdit", "Select All") == "全选"  # context menus
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)


def test_the_database_lives_in_the_user_data_folder() -> None:
    path = default_db_path()
    assert path.name == "fieldbook.db"
    assert "fieldbook" in str(path.parent).lower()


def test_the_last_database_opened_is_opened_again(settings, county, tmp_path) -> None:
    assert choose_database(None, settings) == default_db_path()
    settings.setValue(LAST_DATABASE_KEY, str(county))
    assert choose_database(None, settings) == county
    other = tmp_path / "other.db"
    assert choose_database(other, settings) == other  # the command line wins


def test_a_remembered_database_that_is_gone_falls_back_to_the_default(settings, tmp_path) -> None:
    settings.setValue(LAST_DATABASE_KEY, str(tmp_path / "moved-away.db"))
    assert choose_database(None, settings) == default_db_path()


def test_the_language_comes_from_the_command_line_then_the_setting_then_chinese(settings) -> None:
    assert choose_language(None, settings) == "zh_CN"
    set_language(settings, "en")
    assert settings.value(LANGUAGE_KEY) == "en"
    assert choose_language(None, settings) == "en"
    assert choose_language("zh_CN", settings) == "zh_CN"
    settings.setValue(LANGUAGE_KEY, "klingon")
    assert choose_language(None, settings) == "zh_CN"
    with pytest.raises(ValueError):
        set_language(settings, "fr")


# --- opening -------------------------------------------------------------------------------------


def test_a_demo_database_gets_the_demo_users_and_says_it_is_a_demo(demo_path, tmp_path) -> None:
    path = tmp_path / "fieldbook.db"
    shutil.copyfile(demo_path, path)  # built by build_demo_county alone: no users yet
    opened = open_for_sign_in(path, build_demo=False)
    try:
        assert opened.demo
        assert {(u.name, u.role) for u in opened.users} == set(DEMO_USERS)
    finally:
        opened.db.dispose()
    again = open_for_sign_in(path, build_demo=False)  # not added twice
    try:
        assert len(again.users) == len(DEMO_USERS)
    finally:
        again.db.dispose()


def test_the_app_reads_the_demo_builders_own_setting() -> None:
    assert DEMO_SEED_SETTING == SETTING_SEED


def test_a_real_database_gets_no_demo_users(tmp_path) -> None:
    path = tmp_path / "real.db"
    db = open_database(path)
    with db.session() as session:
        add_user(session, "赵敏", Role.ADMIN, "2468", n=2**10)
        session.commit()
    db.dispose()
    opened = open_for_sign_in(path, build_demo=False)
    try:
        assert not opened.demo
        assert [u.name for u in opened.users] == ["赵敏"]
    finally:
        opened.db.dispose()


def test_a_failed_demo_build_leaves_no_half_made_database(tmp_path) -> None:
    path = tmp_path / "fieldbook.db"

    def power_cut(done: int, total: int) -> None:
        raise RuntimeError("断电")

    with pytest.raises(RuntimeError, match="断电"):
        prepare_database(path, build_demo=True, progress=power_cut, households=30)
    assert not path.exists()

    db = prepare_database(path, build_demo=True, households=30)  # the next start tries again
    try:
        assert path.is_file()
        with db.session() as session:
            assert get_setting(session, SETTING_SEED) is not None
            assert len(list_users(session)) == len(DEMO_USERS)
    finally:
        db.dispose()


# --- the launcher --------------------------------------------------------------------------------


def test_the_first_start_builds_an_encrypted_demo_county_shows_its_recovery_key_then_asks_who(
    launch, qtbot, tmp_path, settings
) -> None:
    path = tmp_path / "new" / "fieldbook.db"
    launcher = launch(path, demo_households=ENCRYPTED_HOUSEHOLDS)
    assert launcher.dialog is not None and launcher.dialog.isVisible()
    assert "演示县" in launcher.dialog.labelText()

    qtbot.waitUntil(lambda: launcher.recovery_dialog is not None, timeout=60_000)
    recovery = launcher.recovery_dialog
    assert isinstance(recovery, RecoveryKeyDialog) and recovery.isVisible()
    key = recovery.recovery_key
    assert recovery.key_label.text().replace("\n", "") == key
    assert (
        len(key.replace("-", "")) == 40
        and "请抄写并交县管理员保管" in recovery.findChildren(type(recovery.key_label))[0].text()
    )
    assert launcher.signin is None  # nobody signs in before the key was seen
    recovery.reject()  # Esc does nothing until the key is written down
    assert recovery.isVisible() and not recovery.continue_button.isEnabled()
    recovery.copied_box.setChecked(True)
    recovery.continue_button.click()

    dialog = wait_for_sign_in(qtbot, launcher)
    assert launcher.dialog is None and launcher.recovery_dialog is None
    assert dialog.isVisible()
    assert dialog.hint_label.isVisible() and DEMO_PIN in dialog.hint_label.text()
    names = [dialog.user_list.item(i).text().split()[0] for i in range(dialog.user_list.count())]
    assert names == ["王芳", "李强", "张伟"]  # from the keyring, the database still closed
    assert launcher.window is None and launcher.db is None

    window = sign_in(qtbot, launcher, "王芳")
    assert window.isVisible()
    assert not dialog.isVisible()
    assert launcher.encrypted
    qtbot.waitUntil(lambda: window.list_model.rowCount() == ENCRYPTED_HOUSEHOLDS, timeout=10_000)
    heads = {window.list_model.row_at(r).head_name for r in range(5)}
    assert path.is_file() and is_encrypted_file(path)
    stolen = file_bytes(path)
    assert not any(name.encode("utf-8") in stolen for name in heads if name)
    assert not stolen.startswith(b"SQLite format 3")
    assert settings.value(LAST_DATABASE_KEY) == str(path.resolve())
    assert settings.value(LAST_USER_KEY) == "王芳"
    assert Keyring.load(path).unlock_with_recovery(key, sleep=lambda _s: None).ok

    again = launch(path)  # the next start: the same demo, the PIN hint still shown
    assert wait_for_sign_in(qtbot, again).hint_label.isVisible()


def test_a_wrong_pin_does_not_unlock_an_encrypted_database(launch, qtbot, encrypted_county) -> None:
    launcher = launch(encrypted_county)
    dialog = wait_for_sign_in(qtbot, launcher)
    assert not dialog.hint_label.isVisible()  # not a demo this app built
    rows = [dialog.user_list.item(i).text() for i in range(dialog.user_list.count())]
    dialog.user_list.setCurrentRow(next(i for i, t in enumerate(rows) if t.startswith("李强")))
    dialog.pin_edit.setText("9999")
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: "PIN 码不正确" in dialog.message(), timeout=30_000)
    assert launcher.window is None and launcher.db is None
    assert dialog.isVisible() and dialog.pin_edit.text() == ""
    assert Keyring.load(encrypted_county).failures  # counted where an attacker cannot reset it

    window = sign_in(qtbot, launcher, "李强")
    assert launcher.user is not None and launcher.user.role is Role.REVIEWER
    assert window.flag_combo is not None
    assert not Keyring.load(encrypted_county).failures


def test_after_sign_in_the_days_first_backup_is_made_encrypted_with_its_keyring(
    launch, qtbot, encrypted_county
) -> None:
    launcher = launch(encrypted_county)
    sign_in(qtbot, launcher, "张伟")
    folder = encrypted_county.parent / "backups"
    qtbot.waitUntil(lambda: bool(list_backups(folder)), timeout=30_000)
    (backup,) = list_backups(folder)
    assert backup.reason == "daily" and backup.encrypted
    qtbot.waitUntil(backup.keyring.is_file, timeout=10_000)


def test_idle_time_locks_the_app_and_the_pin_brings_the_person_back_where_they_were(
    launch, qtbot, encrypted_county
) -> None:
    launcher = launch(encrypted_county, idle_seconds=3600)
    window = sign_in(qtbot, launcher, "李强")
    qtbot.waitUntil(lambda: window.list_model.rowCount() == ENCRYPTED_HOUSEHOLDS, timeout=10_000)
    row = window.list_model.row_at(2)
    form = window.open_form(row.id)
    qtbot.waitUntil(lambda: form.is_loaded, timeout=10_000)
    note = form.basic_binder.widgets["note"]
    note.setFocus()
    event = QInputMethodEvent()
    event.setCommitString("锁屏前填的备注")
    QApplication.sendEvent(note, event)
    assert form.dirty and not launcher.locked

    window.set_idle_lock(0.5)  # now leave the laptop alone for a moment
    qtbot.waitUntil(lambda: launcher.locked, timeout=10_000)
    lock = launcher.signin
    assert isinstance(lock, SignInDialog) and lock.isVisible() and lock.locked
    assert [lock.user_list.item(i).text().split()[0] for i in range(lock.user_list.count())] == [
        "李强"
    ]
    assert "已锁定" in lock.windowTitle() and "草稿" in lock.note_label.text()
    assert not window.isVisible() and not form.isVisible()
    assert launcher.db is None  # the key went with the database handle
    assert "锁屏前填的备注".encode() not in file_bytes(encrypted_county)

    lock.pin_edit.setText("0000")
    lock.sign_in_button.click()
    qtbot.waitUntil(lambda: "PIN 码不正确" in lock.message(), timeout=30_000)
    assert launcher.locked and not window.isVisible()

    lock.pin_edit.setText(DEMO_PIN)
    lock.sign_in_button.click()
    qtbot.waitUntil(lambda: not launcher.locked, timeout=30_000)
    window.set_idle_lock(None)  # the test is done with idling
    assert window.isVisible() and form.isVisible()
    assert note.text() == "锁屏前填的备注" and form.dirty
    assert launcher.db is not None and window.db is launcher.db and form.db is launcher.db
    with launcher.db.session() as session:  # the draft was written before the lock
        drafts = list_drafts(session, user_name="李强")
    assert [d.household_id for d in drafts] == [row.id]
    assert drafts[0].payload["household"]["note"] == "锁屏前填的备注"
    window.list_model.reload()
    qtbot.waitUntil(lambda: window.list_model.total == ENCRYPTED_HOUSEHOLDS, timeout=10_000)
    form._close_confirmed = True


def test_the_command_line_leaves_the_language_to_the_remembered_one() -> None:
    assert build_parser().parse_args([]).lang is None
    assert build_parser().parse_args(["--lang", "en"]).lang == "en"


def test_the_sign_in_dialog_is_up_before_the_database_is_open(launch, qtbot, county) -> None:
    launcher = launch(county)
    dialog = launcher.signin
    assert isinstance(dialog, SignInDialog) and dialog.isVisible()
    assert launcher.db is None or dialog.check_pin is not None
    wait_for_sign_in(qtbot, launcher)
    assert launcher.db is not None


def test_an_older_plain_database_opens_as_it_is(launch, qtbot, county) -> None:
    assert not keyring_path(county).exists() and not is_encrypted_file(county)
    launcher = launch(county)
    wait_for_sign_in(qtbot, launcher)
    assert launcher.db is not None and not launcher.encrypted  # opened before sign-in
    window = sign_in(qtbot, launcher, "张伟")
    qtbot.waitUntil(lambda: window.list_model.total == DEMO_HOUSEHOLDS, timeout=10_000)
    assert launcher.user is not None and launcher.user.role is Role.ADMIN
    assert not is_encrypted_file(county)  # left as it was


def test_the_last_user_is_preselected_on_the_next_start(launch, qtbot, county, settings) -> None:
    settings.setValue(LAST_USER_KEY, "李强")
    launcher = launch(county)
    dialog = wait_for_sign_in(qtbot, launcher)
    assert dialog.selected_user() is not None and dialog.selected_user().name == "李强"


def flags_shown(qtbot, window) -> str:
    """The flags column of every household in the list (all pages fetched)."""
    flags = COLUMNS.index(HouseholdColumn.FLAGS)
    model = window.list_model

    def everything_fetched() -> bool:
        if model.is_loading:
            return False
        if model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
            return False
        return model.total == DEMO_HOUSEHOLDS and model.rowCount() == DEMO_HOUSEHOLDS

    qtbot.waitUntil(everything_fetched, timeout=20_000)
    return " ".join(str(model.index(r, flags).data() or "") for r in range(model.rowCount()))


def test_a_field_worker_does_not_see_marginal_households_a_reviewer_does(
    launch, qtbot, county, tmp_path
) -> None:
    worker = sign_in(qtbot, launch(county), "王芳")
    assert worker.flag_combo is None
    shown = flags_shown(qtbot, worker)
    assert "边缘户" not in shown and "监测户" not in shown

    second = tmp_path / "second.db"
    shutil.copyfile(county, second)
    reviewer = sign_in(qtbot, launch(second), "李强")
    assert reviewer.flag_combo is not None
    shown = flags_shown(qtbot, reviewer)
    assert "边缘户" in shown or "监测户" in shown


def test_quitting_at_sign_in_ends_the_app_with_status_0(launch, qtbot, county) -> None:
    launcher = launch(county)
    dialog = wait_for_sign_in(qtbot, launcher)
    dialog.quit_button.click()
    assert launcher.exits == [0]
    assert launcher.window is None


def test_a_database_without_users_asks_for_its_first_administrator(launch, qtbot, tmp_path) -> None:
    path = tmp_path / "empty.db"
    open_database(path).dispose()  # a real (not demo) database, nobody in it
    launcher = launch(path)
    qtbot.waitUntil(lambda: isinstance(launcher.signin, FirstUserDialog), timeout=30_000)
    dialog = launcher.signin
    assert dialog.isVisible()
    assert launcher.exits == []  # the replaced sign-in dialog did not count as quitting
    dialog.name_edit.setText("赵敏")
    dialog.pin_edit.setText("2468")
    dialog.pin_again_edit.setText("2468")
    dialog.create_button.click()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=30_000)
    assert launcher.user is not None and launcher.user.role is Role.ADMIN
    assert launcher.window.flag_combo is not None


def test_a_file_that_is_no_database_says_so_and_exits_with_status_1(
    launch, qtbot, tmp_path
) -> None:
    path = tmp_path / "fieldbook.db"
    path.write_bytes(b"this is not a database" * 100)
    launcher = launch(path)
    qtbot.waitUntil(lambda: launcher.failed, timeout=30_000)
    box = launcher.error_box
    assert box.isVisible()
    assert str(path) in box.text()
    assert "不会被删除" in box.informativeText()
    assert launcher.signin is None and launcher.exits == []
    box.done(0)
    assert launcher.exits == [1]
    assert path.read_bytes().startswith(b"this is not a database")  # nothing overwritten


def test_lock_now_from_the_menu_locks_a_plain_database_too(launch, qtbot, county) -> None:
    launcher = launch(county)
    window = sign_in(qtbot, launcher, "王芳")
    old = launcher.db
    window.lock_action.trigger()
    qtbot.waitUntil(lambda: launcher.locked, timeout=10_000)
    lock = launcher.signin
    assert isinstance(lock, SignInDialog) and lock.locked
    assert "分钟" not in lock.note_label.text()  # asked for, not idle
    assert launcher.db is None and not window.isVisible()

    lock.pin_edit.setText(DEMO_PIN)
    lock.sign_in_button.click()
    qtbot.waitUntil(lambda: not launcher.locked, timeout=30_000)
    assert window.isVisible() and launcher.db is not None and launcher.db is not old
    window.list_model.reload()
    qtbot.waitUntil(lambda: window.list_model.total == DEMO_HOUSEHOLDS, timeout=10_000)


def test_an_encrypted_database_without_its_keyring_says_so_and_is_left_alone(
    launch, qtbot, encrypted_county
) -> None:
    keyring_path(encrypted_county).unlink()
    before = encrypted_county.read_bytes()
    launcher = launch(encrypted_county)
    qtbot.waitUntil(lambda: launcher.failed, timeout=30_000)
    assert "密钥文件" in launcher.error_box.detailedText()
    assert launcher.signin is None and launcher.db is None
    launcher.error_box.done(0)
    assert launcher.exits == [1]
    assert encrypted_county.read_bytes() == before


# --- issue 15: switching user, quitting --------------------------------------------------------


def test_switch_user_lets_another_person_sign_in_with_a_window_of_their_own(
    launch, qtbot, county
) -> None:
    launcher = launch(county)
    window = sign_in(qtbot, launcher, "王芳")
    window.switch_user_action.trigger()
    qtbot.waitUntil(lambda: launcher.locked, timeout=10_000)
    dialog = launcher.signin
    assert isinstance(dialog, SignInDialog) and dialog.isVisible()
    names = [dialog.user_list.item(i).text().split()[0] for i in range(dialog.user_list.count())]
    assert names == ["王芳", "李强", "张伟"]  # not only the person who was signed in
    assert "切换用户" in dialog.note_label.text()
    row = names.index("李强")
    dialog.user_list.setCurrentRow(row)
    dialog.pin_edit.setText(DEMO_PIN)
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: not launcher.locked and launcher.window is not None, timeout=30_000)
    new = launcher.window
    assert new is not window and new.isVisible()
    assert new.actor == "李强" and launcher.user.name == "李强"
    assert new.flag_combo is not None  # a reviewer's window, with the internal lists
    assert launcher.db is not None and new.db is launcher.db


def test_the_data_menu_has_a_quit_item_that_closes_the_app(launch, qtbot, county) -> None:
    launcher = launch(county)
    window = sign_in(qtbot, launcher, "王芳")
    data = next(a.menu() for a in window.menuBar().actions() if a.text() == "数据(&D)")
    texts = [a.text() for a in data.actions()]
    assert "退出(&Q)" in texts and "切换用户(&U)…" in texts
    window.quit_action.trigger()
    assert not window.isVisible()


def test_choosing_english_switches_the_window_at_once_and_keeps_open_forms_as_drafts(
    launch, qtbot, county, settings
) -> None:
    from desktop.store.drafts import list_drafts

    launcher = launch(county)
    window = sign_in(qtbot, launcher, "王芳")
    qtbot.waitUntil(lambda: window.list_model.rowCount() > 0, timeout=10_000)
    form = window.open_form(window.list_model.row_at(0).id)
    qtbot.waitUntil(lambda: form.is_loaded, timeout=10_000)
    phone = form.basic_binder.widgets["phone"]
    phone.setText("13900002222")
    phone.textEdited.emit("13900002222")
    try:
        window.choose_language("en")
        qtbot.waitUntil(
            lambda: launcher.window is not None and launcher.window is not window, timeout=30_000
        )
        new = launcher.window
        titles = [a.text() for a in new.menuBar().actions()]
        assert "&Household" in titles or any(t.startswith("&H") for t in titles), titles
        assert not any(re.search(r"[\u3400-\u9fff]", t) for t in titles), titles
        with launcher.db.session() as session:
            assert [d.user_name for d in list_drafts(session, user_name="王芳")] == ["王芳"]
    finally:
        for translator in launcher.translators:  # back to the source language
            launcher.app.removeTranslator(translator)
