"""Signing in: pick your name, type your PIN, press Enter.

``SignInDialog`` can be on screen before the database is open: it says so and waits for
``set_users``. The person who signed in last is named at once and may type the PIN and press
Enter meanwhile; the PIN is checked as soon as the database is open. The PIN is checked by an injected ``check_pin(user_id, pin) -> SignInResult``
(``desktop.store.users.sign_in`` bound to a session by the caller), run through the task runner
so the deliberately slow hash and the wrong-PIN pause never freeze the window.

A wrong PIN: a clear message, the PIN field emptied, the name kept. After too many wrong PINs the
store answers with a wait; the dialog counts it down, with the sign-in button and the PIN field
disabled for that user only (another person may still sign in).

``FirstUserDialog`` is for a database that has no users at all (not the demo): it creates the
first county administrator, who can then add the others.

The same ``SignInDialog`` unlocks the app after the idle lock (``locked_note``): it then names
only the person who was signed in, and says why it is asking.

``RecoveryKeyDialog`` shows an encrypted database's recovery key once, right after it was made,
for the person to copy out by hand and hand to the county administrator.

Nothing here imports the store (SQLAlchemy): the dialog is on screen before that has loaded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.roles import (
    PIN_MAX_DIGITS,
    LocalUser,
    Role,
    SignInOutcome,
    SignInResult,
    pin_problem,
)
from desktop.ui.errors import error_text
from desktop.ui.roles import role_label  # the translated names; the rule is the domain's
from desktop.ui.style import apply_readable_font
from desktop.ui.tasks import TaskRunner

CheckPin = Callable[[str, str], SignInResult]
CreateUser = Callable[[str, str], LocalUser]

USER_ID_ROLE = Qt.ItemDataRole.UserRole
_ERROR_STYLE = "color: #b00020;"
# An empty style sheet after the error's leaves the text red: neutral text says its colour.
_NEUTRAL_STYLE = "color: palette(window-text);"
_HINT_STYLE = "color: #1a5e20; background: #e8f5e9; padding: 6px; border-radius: 4px;"
_NOTE_STYLE = "color: #5d4037; background: #fff8e1; padding: 6px; border-radius: 4px;"


def _pin_field(parent: QWidget) -> QLineEdit:
    field = QLineEdit(parent)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(PIN_MAX_DIGITS)
    field.setValidator(
        QRegularExpressionValidator(QRegularExpression(f"[0-9]{{0,{PIN_MAX_DIGITS}}}"), field)
    )
    field.setInputMethodHints(
        Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
    )
    return field


class SignInDialog(QDialog):
    """Choose a user and type the PIN. ``signed_in(LocalUser)`` then ``accept()`` on success.

    ``clock`` (monotonic seconds) is injectable so tests can let a lockout pass. ``locked_note``
    makes it the idle lock's dialog: the note says why the app is asking again.
    """

    signed_in = Signal(object)

    def __init__(
        self,
        runner: TaskRunner,
        *,
        last_user: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        locked_note: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.clock = clock
        self.locked = locked_note is not None
        self.check_pin: CheckPin | None = None
        self.user: LocalUser | None = None
        self._users: dict[str, LocalUser] = {}
        self._locked_until: dict[str, float] = {}
        self._checking = False
        self._generation = 0
        self._last_user = last_user
        self._early = bool(last_user)  # the last user may type the PIN before the names arrive
        self._pending = False
        self._filling = False

        if self.locked:
            self.setWindowTitle(self.tr("已锁定 - Fieldbook"))
        else:
            self.setWindowTitle(self.tr("登录 - Fieldbook"))
        self.setModal(True)
        # Closing it never quits the app by itself: the caller decides (``rejected``).
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        apply_readable_font(self)

        title = QLabel(self.tr("Fieldbook 建档立卡动态管理"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)

        self.names_label = QLabel(self.tr("请选择您的姓名(&N):"))
        self.user_list = QListWidget()
        self.user_list.setMinimumHeight(130)
        self.user_list.setUniformItemSizes(True)
        self.user_list.setStyleSheet("QListWidget::item { padding: 5px 4px; }")
        self.names_label.setBuddy(self.user_list)

        self.pin_label = QLabel(self.tr("PIN 码(&P):"))
        self.pin_edit = _pin_field(self)
        self.pin_edit.setPlaceholderText(self.tr("输入 PIN 后按回车"))
        self.pin_label.setBuddy(self.pin_edit)

        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(_ERROR_STYLE)
        self.message_label.setAccessibleName(self.tr("登录提示"))

        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet(_HINT_STYLE)
        self.hint_label.hide()

        self.note_label = QLabel(locked_note or "")
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet(_NOTE_STYLE)
        self.note_label.setVisible(self.locked)

        buttons = QDialogButtonBox()
        self.sign_in_button = QPushButton(self.tr("解锁") if self.locked else self.tr("登录"))
        self.sign_in_button.setDefault(True)  # Enter anywhere in the dialog signs in
        self.quit_button = QPushButton(self.tr("退出"))
        # 退出 never takes Enter: not as the focused button, not while the PIN is checked.
        self.quit_button.setAutoDefault(False)
        buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.sign_in_button.clicked.connect(self.try_sign_in)
        self.quit_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.note_label)
        layout.addWidget(self.names_label)
        layout.addWidget(self.user_list, stretch=1)
        layout.addWidget(self.pin_label)
        layout.addWidget(self.pin_edit)
        layout.addWidget(self.message_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

        self.user_list.currentItemChanged.connect(self._user_changed)
        self.user_list.itemActivated.connect(lambda _item: self.pin_edit.setFocus())

        self._lock_timer = QTimer(self)
        self._lock_timer.setInterval(250)
        self._lock_timer.timeout.connect(self.update_lock)

        self._set_inputs_enabled(False)
        if last_user:
            self.user_list.addItem(QListWidgetItem(last_user))
            self.user_list.setCurrentRow(0)
            self.pin_edit.setEnabled(True)
            self.sign_in_button.setEnabled(True)
            self.pin_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.locked:
            self._show_message(self.tr("正在打开数据库…"), error=False)

    # --- filling -----------------------------------------------------------------------------

    def set_users(
        self,
        users: Sequence[LocalUser],
        check_pin: CheckPin,
        *,
        demo_hint: str | None = None,
        last_user: str | None = None,
    ) -> None:
        """Show ``users`` and start taking PINs.

        ``last_user`` (a name; default: the one given to the constructor) is preselected. A PIN
        the last user typed while the database was opening is kept, and if they already pressed
        Enter it is checked now.
        """
        last_user = last_user if last_user is not None else self._last_user
        typed = self.pin_edit.text() if self._early else ""
        self.check_pin = check_pin
        self._filling = True
        self.user_list.clear()
        selected, found = 0, False
        for i, user in enumerate(users):
            item = QListWidgetItem(f"{user.name}  ·  {role_label(user.role)}")
            item.setData(USER_ID_ROLE, user.id)
            self.user_list.addItem(item)
            if user.name == last_user and not found:
                selected, found = i, True
        self._users = {u.id: u for u in users}
        if demo_hint:
            self.hint_label.setText(demo_hint)
            self.hint_label.show()
        else:
            self.hint_label.hide()
        self._show_message("")
        self._set_inputs_enabled(True)
        if users:
            self.user_list.setCurrentRow(selected)
        self._filling = False
        self._early = False
        pending, self._pending = self._pending, False
        if found and typed:
            self.pin_edit.setText(typed)
        self.update_lock()
        self.pin_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        if pending and found and typed:
            self.try_sign_in()

    def selected_user(self) -> LocalUser | None:
        """The user whose name is selected in the list."""
        item = self.user_list.currentItem()
        if item is None:
            return None
        return self._users.get(item.data(USER_ID_ROLE))

    # --- signing in --------------------------------------------------------------------------

    def try_sign_in(self) -> None:
        """Check the typed PIN for the selected user (Enter and the sign-in button call this)."""
        if self._checking:
            return
        if self.check_pin is None:  # the database is still opening
            if self._early and self.pin_edit.text():
                self._pending = True
                self._show_message(self.tr("正在打开数据库,打开后自动登录…"), error=False)
            elif self._early:
                self._show_message(self.tr("请输入 PIN 码"))
            return
        user = self.selected_user()
        if user is None:
            self._show_message(self.tr("请先在列表中选择您的姓名"))
            return
        if self._remaining(user.id) > 0:
            self.update_lock()
            return
        pin = self.pin_edit.text()
        if not pin:
            self._show_message(self.tr("请输入 PIN 码"))
            self.pin_edit.setFocus()
            return
        self._checking = True
        self._generation += 1
        generation = self._generation
        # The PIN field keeps the focus (read-only) while the PIN is checked: disabling it would
        # hand the focus, and with it Enter, to 退出 (issue 15).
        self.user_list.setEnabled(False)
        self.pin_edit.setReadOnly(True)
        self._show_message(self.tr("正在核对…"), error=False)
        check = self.check_pin
        self.runner.run(
            lambda: check(user.id, pin),
            on_done=lambda result: self._answer(generation, user, result),
            on_error=lambda error: self._failed(generation, error),
            serial=True,
        )

    def _answer(self, generation: int, user: LocalUser, result: SignInResult) -> None:
        if generation != self._generation:
            return
        self._checking = False
        self._set_inputs_enabled(True)
        if result.ok and result.user is not None:
            self.user = result.user
            self._show_message("")
            self.signed_in.emit(result.user)
            self.accept()
            return
        self.pin_edit.clear()
        if result.retry_after > 0:
            self._locked_until[user.id] = self.clock() + result.retry_after
        match result.outcome:
            case SignInOutcome.WRONG_PIN if result.retry_after <= 0:
                self._show_message(
                    self.tr(
                        "PIN 码不正确,请重新输入。再错 {0} 次后需要等待一段时间才能再试。"
                    ).format(result.attempts_left)
                )
            case SignInOutcome.WRONG_PIN | SignInOutcome.LOCKED:
                pass  # update_lock words the countdown
            case _:
                self._show_message(self.tr("该用户不存在或已停用,请选择其他用户"))
        self.update_lock()
        self.pin_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._checking = False
        self._set_inputs_enabled(True)
        self.pin_edit.clear()
        self._show_message(
            self.tr("无法核对 PIN 码:{0}").format(error_text("checking a PIN", error))
        )

    # --- the lockout -------------------------------------------------------------------------

    def _remaining(self, user_id: str) -> float:
        until = self._locked_until.get(user_id)
        if until is None:
            return 0.0
        left = until - self.clock()
        if left <= 0:
            del self._locked_until[user_id]
            return 0.0
        return left

    def update_lock(self) -> None:
        """Count a running lockout down for the selected user, or lift it when it has passed."""
        user = self.selected_user()
        left = self._remaining(user.id) if user is not None else 0.0
        if self._locked_until:
            self._lock_timer.start()
        else:
            self._lock_timer.stop()
        if self._checking:
            return
        locked = left > 0
        ready = self.check_pin is not None or self._early
        self.pin_edit.setEnabled(not locked and ready)
        self.sign_in_button.setEnabled(not locked and ready)
        if locked:
            self._show_message(
                self.tr("PIN 码连续输错次数过多,请等 {0} 秒后再试。").format(int(left + 0.999))
            )
        elif self.message_label.property("locked"):
            self._show_message(self.tr("可以再试了,请输入 PIN 码"), error=False)
            self.pin_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.message_label.setProperty("locked", locked)

    def is_locked(self) -> bool:
        """Whether the selected user must still wait before trying again."""
        user = self.selected_user()
        return user is not None and self._remaining(user.id) > 0

    # --- helpers -----------------------------------------------------------------------------

    def _user_changed(self, _current: QListWidgetItem | None, _previous: object) -> None:
        if self._filling:
            return
        self.pin_edit.clear()
        self.message_label.setProperty("locked", False)
        self._show_message("")
        self.update_lock()
        if self.pin_edit.isEnabled():
            self.pin_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_inputs_enabled(self, enabled: bool) -> None:
        self.pin_edit.setReadOnly(False)
        self.user_list.setEnabled(enabled)
        self.pin_edit.setEnabled(enabled)
        self.sign_in_button.setEnabled(enabled)

    def _show_message(self, text: str, *, error: bool = True) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(_ERROR_STYLE if error else _NEUTRAL_STYLE)

    def message(self) -> str:
        """The message the dialog shows now (empty when none)."""
        return self.message_label.text()


class FirstUserDialog(QDialog):
    """A database without users: create the first county administrator (name, PIN twice)."""

    signed_in = Signal(object)

    def __init__(
        self, runner: TaskRunner, create_user: CreateUser, *, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.create_user = create_user
        self.user: LocalUser | None = None
        self._busy = False

        self.setWindowTitle(self.tr("创建管理员账号 - Fieldbook"))
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        apply_readable_font(self)

        intro = QLabel(
            self.tr(
                "这个数据库还没有任何用户。请创建第一个账号,它的角色是{0},"
                "之后可以由它添加其他用户。"
            ).format(role_label(Role.ADMIN))
        )
        intro.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(40)
        self.pin_edit = _pin_field(self)
        self.pin_again_edit = _pin_field(self)
        form = QFormLayout()
        form.addRow(self.tr("姓名:"), self.name_edit)
        form.addRow(self.tr("PIN 码(4–12 位数字):"), self.pin_edit)
        form.addRow(self.tr("再输一次 PIN 码:"), self.pin_again_edit)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(_ERROR_STYLE)

        buttons = QDialogButtonBox()
        self.create_button = QPushButton(self.tr("创建并登录"))
        self.create_button.setDefault(True)
        quit_button = QPushButton(self.tr("退出"))
        quit_button.setAutoDefault(False)
        buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.create_button.clicked.connect(self.try_create)
        quit_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def try_create(self) -> None:
        """Check what was typed, then create the administrator in the runner."""
        if self._busy:
            return
        name, pin = self.name_edit.text().strip(), self.pin_edit.text()
        if not name:
            self.message_label.setText(self.tr("请输入姓名"))
            self.name_edit.setFocus()
            return
        if pin_problem(pin):
            self.message_label.setText(self.tr("PIN 码应为 4 到 12 位数字"))
            self.pin_edit.setFocus()
            return
        if pin != self.pin_again_edit.text():
            self.message_label.setText(self.tr("两次输入的 PIN 码不一致,请重新输入"))
            self.pin_again_edit.clear()
            self.pin_again_edit.setFocus()
            return
        self._busy = True
        self.create_button.setEnabled(False)
        create = self.create_user
        self.runner.run(
            lambda: create(name, pin), on_done=self._created, on_error=self._failed, serial=True
        )

    def _created(self, user: LocalUser) -> None:
        self._busy = False
        self.user = user
        self.signed_in.emit(user)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self.create_button.setEnabled(True)
        from desktop.store.users import UserError  # the store loads SQLAlchemy: not at start-up

        if isinstance(error, UserError):
            self.message_label.setText(str(error))
        else:
            self.message_label.setText(
                self.tr("无法创建用户:{0}").format(error_text("creating a user", error))
            )


class RecoveryKeyDialog(QDialog):
    """The recovery key of a newly encrypted database, shown once: copy it out, hand it over.

    The key is not stored anywhere (only what it unlocks is), so the dialog cannot be closed by
    accident: the continue button is enabled once the person ticks that they have written it
    down. Nothing copies it to the clipboard (other programs read the clipboard).
    """

    def __init__(self, recovery_key: str, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recovery_key = recovery_key
        self.setWindowTitle(self.tr("恢复密钥 - Fieldbook"))
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        apply_readable_font(self)

        intro = QLabel(
            self.tr(
                "本机数据库已加密。下面是它的恢复密钥:忘记全部 PIN 码或密钥文件损坏时,"
                "只有用它才能打开数据库。\n\n请抄写并交县管理员保管,不要存放在本机上。"
                "这个密钥只显示这一次。"
            )
        )
        intro.setWordWrap(True)
        groups = recovery_key.split("-")
        half = (len(groups) + 1) // 2  # two lines: it must fit, and it is copied by hand
        self.key_label = QLabel(
            "-".join(groups[:half]) + ("-\n" if groups[half:] else "") + "-".join(groups[half:])
        )
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(self.font().pointSizeF() * 1.5, 16.0))
        font.setWeight(QFont.Weight.Bold)
        self.key_label.setFont(font)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setStyleSheet("padding: 12px; border: 1px solid #888; background: #fff;")
        self.copied_box = QCheckBox(self.tr("我已抄写好恢复密钥"))
        self.continue_button = QPushButton(self.tr("继续"))
        self.continue_button.setEnabled(False)
        self.continue_button.setDefault(True)
        self.copied_box.toggled.connect(self.continue_button.setEnabled)
        self.continue_button.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addWidget(self.key_label)
        layout.addWidget(self.copied_box)
        layout.addWidget(self.continue_button, alignment=Qt.AlignmentFlag.AlignRight)
        self.setMinimumWidth(560)

    def reject(self) -> None:
        """Esc and the close button do nothing until the key is written down."""
        if self.copied_box.isChecked():
            super().reject()
