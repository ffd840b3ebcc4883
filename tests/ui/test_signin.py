"""The sign-in dialog on a real demo county with its demo users, and the first-user dialog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from desktop.domain.roles import LocalUser, Role, SignInResult, lockout_seconds
from desktop.store.db import Database, open_database
from desktop.store.users import add_user, list_users, sign_in
from desktop.ui.app import DEMO_PIN, add_demo_users
from desktop.ui.signin import FirstUserDialog, RecoveryKeyDialog, SignInDialog
from desktop.ui.tasks import ImmediateTaskRunner


class Clock:
    """One fake time for the dialog's countdown (monotonic) and the store's lockout (UTC)."""

    def __init__(self) -> None:
        self.seconds = 1000.0
        self.start = datetime(2019, 11, 20, 9, 0, tzinfo=UTC)

    def monotonic(self) -> float:
        return self.seconds

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.seconds)

    def advance(self, seconds: float) -> None:
        self.seconds += seconds


@pytest.fixture(scope="module")
def users_path(demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo county with its demo users, built once for the module (tests copy it)."""
    import shutil

    path = tmp_path_factory.mktemp("signin") / "users.db"
    shutil.copyfile(demo_path, path)
    db = open_database(path)
    add_demo_users(db)
    db.dispose()
    return path


@pytest.fixture
def db(users_path: Path, tmp_path: Path) -> Iterator[Database]:
    import shutil

    target = tmp_path / "fieldbook.db"
    shutil.copyfile(users_path, target)
    database = open_database(target)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_dialog(qtbot, db: Database, clock: Clock) -> Callable[..., SignInDialog]:
    """A sign-in dialog over the real store's ``sign_in``, on the fake clock, pauses skipped."""

    def make(*, last_user: str | None = None, demo_hint: str | None = None) -> SignInDialog:
        def check_pin(user_id: str, pin: str) -> SignInResult:
            with db.session() as session:
                return sign_in(session, user_id, pin, now=clock.now(), sleep=lambda _s: None)

        dialog = SignInDialog(ImmediateTaskRunner(), clock=clock.monotonic)
        qtbot.addWidget(dialog)
        with db.session() as session:
            users = list_users(session)
        dialog.set_users(users, check_pin, demo_hint=demo_hint, last_user=last_user)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return make


def select(dialog: SignInDialog, name: str) -> None:
    for row in range(dialog.user_list.count()):
        if dialog.user_list.item(row).text().startswith(name):
            dialog.user_list.setCurrentRow(row)
            return
    raise AssertionError(f"{name} is not in the list")


def type_pin_and_enter(qtbot, dialog: SignInDialog, pin: str) -> None:
    dialog.pin_edit.setFocus()
    qtbot.keyClicks(dialog.pin_edit, pin)
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)


def test_the_dialog_says_the_database_is_opening_until_the_users_arrive(qtbot) -> None:
    dialog = SignInDialog(ImmediateTaskRunner())
    qtbot.addWidget(dialog)
    assert "正在打开数据库" in dialog.message()
    assert not dialog.pin_edit.isEnabled()
    assert not dialog.sign_in_button.isEnabled()
    dialog.try_sign_in()  # nothing to check against yet: no crash, no answer
    assert dialog.user is None


def test_the_names_are_listed_with_their_roles_and_the_last_user_is_preselected(
    make_dialog,
) -> None:
    dialog = make_dialog(last_user="李强")
    texts = [dialog.user_list.item(i).text() for i in range(dialog.user_list.count())]
    assert texts == ["王芳  ·  驻村工作队员", "李强  ·  乡镇审核员", "张伟  ·  县级管理员"]
    assert dialog.selected_user() is not None and dialog.selected_user().name == "李强"


def test_the_right_pin_and_enter_sign_in(qtbot, make_dialog) -> None:
    dialog = make_dialog()
    select(dialog, "张伟")
    with qtbot.waitSignal(dialog.signed_in) as signal:
        type_pin_and_enter(qtbot, dialog, DEMO_PIN)
    user = signal.args[0]
    assert isinstance(user, LocalUser)
    assert (user.name, user.role) == ("张伟", Role.ADMIN)
    assert dialog.user == user
    assert dialog.result() == SignInDialog.DialogCode.Accepted


def test_the_pin_is_masked_and_takes_digits_only(qtbot, make_dialog) -> None:
    dialog = make_dialog()
    assert dialog.pin_edit.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(dialog.pin_edit, "12ab34")
    assert dialog.pin_edit.text() == "1234"
    assert dialog.pin_edit.displayText() != "1234"


def test_a_wrong_pin_says_so_clears_the_pin_and_keeps_the_name(qtbot, make_dialog) -> None:
    dialog = make_dialog()
    select(dialog, "李强")
    type_pin_and_enter(qtbot, dialog, "9999")
    assert dialog.user is None
    assert dialog.isVisible()
    assert "PIN 码不正确" in dialog.message()
    assert "再错 4 次" in dialog.message()
    assert dialog.pin_edit.text() == ""
    assert dialog.selected_user().name == "李强"
    assert dialog.focusWidget() is dialog.pin_edit
    type_pin_and_enter(qtbot, dialog, DEMO_PIN)  # and the right one still works
    assert dialog.user is not None and dialog.user.name == "李强"


def test_an_empty_pin_asks_for_one_without_counting_a_failure(qtbot, make_dialog, db) -> None:
    dialog = make_dialog()
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    assert "请输入 PIN 码" in dialog.message()
    from desktop.store.users import failed_attempts

    with db.session() as session:
        assert failed_attempts(session, dialog.selected_user().id) == 0


def test_after_five_wrong_pins_the_user_waits_and_then_may_sign_in(
    qtbot, make_dialog, clock: Clock
) -> None:
    dialog = make_dialog()
    select(dialog, "王芳")
    for _ in range(5):
        clock.advance(1)
        type_pin_and_enter(qtbot, dialog, "0000")
    assert dialog.is_locked()
    assert "请等 15 秒后再试" in dialog.message()
    assert not dialog.sign_in_button.isEnabled()
    assert not dialog.pin_edit.isEnabled()

    select(dialog, "李强")  # someone else may still sign in
    assert not dialog.is_locked() and dialog.sign_in_button.isEnabled()
    select(dialog, "王芳")
    assert dialog.is_locked()

    clock.advance(10)
    dialog.update_lock()
    assert "请等 5 秒后再试" in dialog.message()

    clock.advance(lockout_seconds(5))
    dialog.update_lock()
    assert not dialog.is_locked()
    assert dialog.sign_in_button.isEnabled() and dialog.pin_edit.isEnabled()
    assert "可以再试了" in dialog.message()
    type_pin_and_enter(qtbot, dialog, DEMO_PIN)
    assert dialog.user is not None and dialog.user.name == "王芳"


def test_the_wait_grows_after_a_further_wrong_pin(qtbot, make_dialog, clock: Clock) -> None:
    dialog = make_dialog()
    for _ in range(5):
        clock.advance(1)
        type_pin_and_enter(qtbot, dialog, "0000")
    clock.advance(lockout_seconds(5) + 1)
    dialog.update_lock()
    type_pin_and_enter(qtbot, dialog, "0000")
    assert f"请等 {int(lockout_seconds(6))} 秒后再试" in dialog.message()


def test_the_demo_hint_is_shown_only_when_given(make_dialog) -> None:
    plain = make_dialog()
    assert plain.hint_label.isHidden()
    demo = make_dialog(demo_hint="演示数据库:各演示账号的 PIN 码都是 1234")
    assert demo.hint_label.isVisible()
    assert "1234" in demo.hint_label.text()


def test_a_failed_check_says_so_and_loses_no_name(qtbot, db: Database) -> None:
    def broken(_user_id: str, _pin: str) -> SignInResult:
        raise OSError("磁盘已满")

    dialog = SignInDialog(ImmediateTaskRunner())
    qtbot.addWidget(dialog)
    with db.session() as session:
        dialog.set_users(list_users(session), broken)
    dialog.show()
    qtbot.waitExposed(dialog)
    select(dialog, "张伟")
    type_pin_and_enter(qtbot, dialog, DEMO_PIN)
    assert "无法核对 PIN 码" in dialog.message() and "磁盘已满" in dialog.message()
    assert dialog.selected_user().name == "张伟"
    assert dialog.sign_in_button.isEnabled()


def test_the_first_user_is_an_administrator_and_both_pins_must_match(qtbot, tmp_db_path) -> None:
    db = open_database(tmp_db_path)
    try:

        def create(name: str, pin: str) -> LocalUser:
            with db.session() as session:
                user = add_user(session, name, Role.ADMIN, pin, n=2**10)
                session.commit()
                return user

        dialog = FirstUserDialog(ImmediateTaskRunner(), create)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.name_edit.setText("赵敏")
        qtbot.keyClicks(dialog.pin_edit, "2468")
        qtbot.keyClicks(dialog.pin_again_edit, "2469")
        qtbot.keyClick(dialog.pin_again_edit, Qt.Key.Key_Return)
        assert "不一致" in dialog.message_label.text()
        assert dialog.user is None
        assert dialog.name_edit.text() == "赵敏" and dialog.pin_edit.text() == "2468"

        qtbot.keyClicks(dialog.pin_again_edit, "2468")
        with qtbot.waitSignal(dialog.signed_in):
            qtbot.keyClick(dialog.pin_again_edit, Qt.Key.Key_Return)
        assert dialog.user is not None and dialog.user.role is Role.ADMIN
        with db.session() as session:
            assert [(u.name, u.role) for u in list_users(session)] == [("赵敏", Role.ADMIN)]
    finally:
        db.dispose()


def test_a_refused_first_user_shows_the_stores_reason(qtbot, tmp_db_path) -> None:
    db = open_database(tmp_db_path)
    try:
        with db.session() as session:
            add_user(session, "赵敏", Role.FIELD_WORKER, "1111", n=2**10)
            session.commit()

        def create(name: str, pin: str) -> LocalUser:
            with db.session() as session:
                return add_user(session, name, Role.ADMIN, pin, n=2**10)

        dialog = FirstUserDialog(ImmediateTaskRunner(), create)
        qtbot.addWidget(dialog)
        dialog.name_edit.setText("赵敏")
        dialog.pin_edit.setText("2468")
        dialog.pin_again_edit.setText("2468")
        dialog.try_create()
        assert "已有名为“赵敏”的用户" in dialog.message_label.text()
        assert dialog.create_button.isEnabled()
    finally:
        db.dispose()


def test_a_screenshot_of_the_sign_in_dialog(make_dialog, tmp_path) -> None:
    dialog = make_dialog(demo_hint="演示数据库:各演示账号的 PIN 码都是 1234")
    image = dialog.grab()
    assert image.width() >= 440 and image.height() > 300
    assert image.save(str(tmp_path / "signin.png"))


def test_the_last_user_may_type_the_pin_before_the_names_arrive(qtbot, db: Database, clock) -> None:
    def check_pin(user_id: str, pin: str) -> SignInResult:
        with db.session() as session:
            return sign_in(session, user_id, pin, now=clock.now(), sleep=lambda _s: None)

    dialog = SignInDialog(ImmediateTaskRunner(), last_user="李强", clock=clock.monotonic)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.user_list.item(0).text() == "李强"
    assert not dialog.user_list.isEnabled()
    assert dialog.pin_edit.isEnabled()
    type_pin_and_enter(qtbot, dialog, DEMO_PIN)
    assert "打开后自动登录" in dialog.message()
    assert dialog.user is None

    with db.session() as session, qtbot.waitSignal(dialog.signed_in):
        dialog.set_users(list_users(session), check_pin)
    assert dialog.user is not None and dialog.user.name == "李强"


def test_without_a_last_user_nothing_can_be_typed_before_the_names_arrive(
    qtbot, db: Database
) -> None:
    dialog = SignInDialog(ImmediateTaskRunner())
    qtbot.addWidget(dialog)
    assert not dialog.pin_edit.isEnabled() and not dialog.sign_in_button.isEnabled()
    assert dialog.user_list.count() == 0


def test_the_lock_dialog_names_only_the_locked_person_and_says_why(qtbot, db: Database) -> None:
    with db.session() as session:
        users = list_users(session)
    li = next(u for u in users if u.name == "李强")
    dialog = SignInDialog(
        ImmediateTaskRunner(), last_user=li.name, locked_note="超过 10 分钟没有操作,已锁定"
    )
    qtbot.addWidget(dialog)

    def check_pin(user_id: str, pin: str) -> SignInResult:
        with db.session() as session:
            return sign_in(session, user_id, pin, sleep=lambda _s: None)

    dialog.set_users([li], check_pin)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.locked and dialog.windowTitle() == "已锁定 - Fieldbook"
    assert dialog.note_label.isVisible() and "已锁定" in dialog.note_label.text()
    assert dialog.sign_in_button.text() == "解锁"
    assert dialog.user_list.count() == 1 and dialog.selected_user() == li
    assert "正在打开数据库" not in dialog.message()
    type_pin_and_enter(qtbot, dialog, "0000")
    assert dialog.user is None and "PIN 码不正确" in dialog.message()
    with qtbot.waitSignal(dialog.signed_in):
        type_pin_and_enter(qtbot, dialog, DEMO_PIN)


def test_the_recovery_key_is_shown_large_and_stays_until_it_is_written_down(qtbot) -> None:
    key = "12345-67890-12345-67890-12345-67890-12345-67890"
    dialog = RecoveryKeyDialog(key)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.key_label.text().replace("\n", "") == key  # on two lines, to fit
    assert dialog.key_label.sizeHint().width() <= dialog.width()
    assert dialog.key_label.font().pointSizeF() >= 16
    assert not dialog.continue_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    dialog.copied_box.setChecked(True)
    assert dialog.continue_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted):
        dialog.continue_button.click()
    assert not dialog.isVisible()
