"""Issue 15: another person can sign in without quitting (切换用户), and there is a Quit item."""

from __future__ import annotations

from desktop.ui.app import DEMO_PIN
from desktop.ui.signin import SignInDialog
from tests.ui.test_app import (  # noqa: F401 - fixtures
    county,
    launch,
    settings,
    sign_in,
    users_path,
)


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
