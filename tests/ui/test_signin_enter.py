"""Issue 15 (1): a wrong PIN, then Enter with the right PIN, signs in; it never quits the app."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.domain.roles import LocalUser, Role, SignInOutcome, SignInResult
from desktop.ui.signin import SignInDialog
from tests.ui.held_runner import HeldTaskRunner

USER = LocalUser(id="u1", name="王芳", role=Role.FIELD_WORKER)


def check_pin(_user_id: str, pin: str) -> SignInResult:
    if pin == "1234":
        return SignInResult(SignInOutcome.OK, user=USER)
    return SignInResult(SignInOutcome.WRONG_PIN, attempts_left=4)


def make(qtbot, *, locked: bool) -> tuple[SignInDialog, HeldTaskRunner]:
    runner = HeldTaskRunner()
    dialog = SignInDialog(runner, last_user=USER.name, locked_note="已锁定" if locked else None)
    qtbot.addWidget(dialog)
    dialog.set_users([USER], check_pin)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.pin_edit.setFocus()
    return dialog, runner


def press_enter_where_focus_is(qtbot, dialog: SignInDialog) -> None:
    target = dialog.focusWidget() or dialog
    qtbot.keyClick(target, Qt.Key.Key_Return)


def wrong_then_right(qtbot, dialog: SignInDialog, runner: HeldTaskRunner) -> None:
    rejected: list[bool] = []
    dialog.rejected.connect(lambda: rejected.append(True))
    qtbot.keyClicks(dialog.pin_edit, "9999")
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    assert runner.held, "the PIN check runs in the background"
    # While the wrong PIN is checked (and the store's pause runs) the person types on.
    assert dialog.focusWidget() is dialog.pin_edit
    assert not dialog.quit_button.isDefault()
    press_enter_where_focus_is(qtbot, dialog)
    assert not rejected, "Enter during the check must not press 退出"
    runner.release()
    assert "PIN 码不正确" in dialog.message()
    assert dialog.focusWidget() is dialog.pin_edit
    qtbot.keyClicks(dialog.focusWidget(), "1234")
    press_enter_where_focus_is(qtbot, dialog)
    runner.release()
    assert not rejected
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.user == USER


def test_wrong_pin_then_enter_with_the_right_pin_signs_in(qtbot) -> None:
    dialog, runner = make(qtbot, locked=False)
    wrong_then_right(qtbot, dialog, runner)


def test_wrong_pin_then_enter_with_the_right_pin_unlocks_the_lock_screen(qtbot) -> None:
    dialog, runner = make(qtbot, locked=True)
    wrong_then_right(qtbot, dialog, runner)


def test_the_quit_button_is_never_the_default_button(qtbot) -> None:
    dialog, _runner = make(qtbot, locked=False)
    assert not dialog.quit_button.autoDefault()
    dialog.quit_button.setFocus()
    assert QApplication.focusWidget() is not None
    assert dialog.sign_in_button.isDefault()


def reddish_pixels(widget) -> int:
    image = widget.grab().toImage()
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            if colour.red() > 120 and colour.red() > colour.green() + 60:
                count += 1
    return count


def test_the_neutral_opening_message_is_not_red(qtbot) -> None:
    dialog = SignInDialog(HeldTaskRunner(), last_user=USER.name)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert "正在打开数据库" in dialog.message()
    assert reddish_pixels(dialog.message_label) == 0
    dialog.set_users([USER], check_pin)
    dialog.pin_edit.setText("9999")
    dialog.try_sign_in()
    dialog.runner.release()
    assert reddish_pixels(dialog.message_label) > 0  # an error is red
