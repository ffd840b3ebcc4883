"""Starting the desktop app: the QApplication, translations, the database, sign-in, the window.

Start-up order, so that something usable is on screen quickly:

1. the QApplication and the translators (Qt only: no SQLAlchemy is imported before step 2);
2. the sign-in dialog appears at once, saying "正在打开数据库…", while the task runner reads the
   users — from the keyring of an encrypted database, else from the opened (migrated) plain
   database; the names appear when that is done, and while the person types the PIN the
   runner imports the main window;
3. the right PIN unlocks and opens an encrypted database, then the main window opens (it loads
   its own data in the runner).

Which database: the one named on the command line, else the last one opened (``QSettings``,
organisation "Fieldbook"), else ``default_db_path()``.

Encryption at rest is on by default (``desktop.store.crypto``). On the very first start there is
no database file yet: a demo county of ``DEMO_HOUSEHOLDS`` households (seed ``DEMO_SEED``) is
built behind a progress dialog into a new *encrypted* database (``enroll_database``), with the
demo users (``DEMO_USERS``, PIN ``DEMO_PIN``) in its ``users`` table and its keyring; its
recovery key is then shown once (``RecoveryKeyDialog``) to be copied out for the county
administrator. ``run_app`` first asks whether to build that demo (演示) or to enroll this laptop
with the county's code (登记本机, ``desktop.ui.first_start``: the worker's own encrypted database,
its villages downloaded, then the main window). An encrypted database is not opened before sign-in: the sign-in dialog lists the
people of its keyring (``Keyring.load(path).users()``) and the PIN unlocks it
(``unlock_database``, in the runner: scrypt is slow on purpose). A plain database (an older
laptop's, no keyring) is opened before sign-in as it always was, and the PIN is checked against
its ``users`` table. A demo database (settings key ``demo_seed``, or a path this app built as
its demo) shows the demo PIN on the sign-in dialog; no other database does. A plain database
without any user asks for its first administrator.

After sign-in, once the household list's first page is painted, the day's first backup runs in
the runner (``daily_backup_if_due``). After
``idle_lock_seconds`` without input (setting ``idle_lock_minutes``) the app locks: the open
forms' drafts are autosaved, every window is hidden, the database is disposed and forgotten,
and the sign-in dialog asks the same person's PIN again; the PIN reopens the database and
everything comes back as it was (``MainWindow.prepare_lock`` / ``lock`` / ``unlock``).

Language: ``--lang`` (``run_app(lang=...)``), else the ``ui/lang`` setting, else Simplified
Chinese, which is the source language of every ``tr()`` text.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QLibraryInfo,
    QLocale,
    QObject,
    QSettings,
    Qt,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop.application.opening import (
    DEMO_HOUSEHOLDS,
    DEMO_PIN,
    DEMO_SEED,  # noqa: F401 - named here for the launcher's callers
    DEMO_SEED_SETTING,  # noqa: F401
    DEMO_USERS,  # noqa: F401
    Opened,
    add_demo_users,  # noqa: F401
    add_first_admin,
    build_encrypted_demo,  # noqa: F401
    check_pin,
    idle_lock_seconds,
    local_users,
    open_for_sign_in,
    open_plain,
    prepare_database,  # noqa: F401
    unlock_file,
)
from desktop.domain.resources import resource_path
from desktop.domain.roles import LocalUser, SignInResult
from desktop.preference_keys import (
    DEFAULT_LANGUAGE,  # noqa: F401 - the self-check names it from here
    DEMO_PATHS_KEY,
    LANGUAGE_KEY,  # noqa: F401 - the launcher's callers (and tests) name it from here
    LANGUAGES,
    LAST_DATABASE_KEY,
    LAST_USER_KEY,
)
from desktop.ui.errors import error_text, install_qt_message_handler
from desktop.ui.preferences import (
    SETTINGS_ORGANISATION,
    app_settings,
    choose_database,
    choose_language,
    default_db_path,  # noqa: F401
    set_language,  # noqa: F401
)
from desktop.ui.progress import ProgressTask, run_with_progress
from desktop.ui.signin import FirstUserDialog, RecoveryKeyDialog, SignInDialog
from desktop.ui.style import apply_readable_font
from desktop.ui.tasks import QtTaskRunner

if TYPE_CHECKING:
    from desktop.store.db import Database
    from desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def install_translators(app: QApplication, lang: str) -> list[QTranslator]:
    """Install Qt's own ``qtbase_<lang>`` (standard dialogs' buttons) and ours if present.

    The app's source texts are Simplified Chinese, so ``zh_CN`` needs no file of ours; other
    languages load ``resources/translations/fieldbook_<lang>.qm``.
    """
    QLocale.setDefault(QLocale(lang))
    installed: list[QTranslator] = []
    candidates = [
        (f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        (f"fieldbook_{lang}", str(resource_path("translations"))),
    ]
    for name, folder in candidates:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.debug("no translation %s in %s", name, folder)
    return installed


def warm_main_window() -> None:
    """Import the main window's modules off the GUI thread while the person types the PIN."""
    import desktop.ui.main_window  # noqa: F401


# --- the launcher --------------------------------------------------------------------------------


def _once_list_is_loaded(window: MainWindow, then: Callable[[], None]) -> None:
    """Call ``then`` once the household list's first page is in and painted: the day's backup
    reads the whole file and would slow the first page down if it ran beside it."""
    model = window.list_model
    if not model.is_loading:
        QTimer.singleShot(0, then)
        return

    def loaded(loading: bool) -> None:
        if loading:
            return
        model.loading_changed.disconnect(loaded)
        QTimer.singleShot(0, then)  # after the paint that the new rows ask for

    model.loading_changed.connect(loaded)


def _dismiss(dialog: QDialog | None) -> None:
    """Close a dialog the launcher replaces, without it counting as the person quitting."""
    if dialog is None:
        return
    dialog.blockSignals(True)  # its ``rejected`` would ask the app to exit
    dialog.done(QDialog.DialogCode.Accepted)
    dialog.deleteLater()


class Launcher(QObject):
    """Opens (or first builds) the database in the runner, signs a person in, shows the window;
    locks the app when it is left idle and unlocks it with the same person's PIN.

    Signals: ``signin_ready(dialog)`` when the sign-in (or first-user) dialog takes input,
    ``window_opened(MainWindow)`` when the main window is shown, ``locked_changed(bool)``
    when the app locks (the lock's sign-in dialog is ``signin``) and unlocks,
    ``exit_requested(code)`` when the app should end (the person quit at sign-in, or the
    database could not be opened).

    ``encrypt`` builds the first start's demo county encrypted (the default). ``wrap_n``,
    ``user_n`` (scrypt costs), ``sleep`` (the wrong-PIN pause) and ``idle_seconds`` (instead
    of the database's ``idle_lock_minutes``) are for tests.
    """

    signin_ready = Signal(object)
    window_opened = Signal(object)
    locked_changed = Signal(bool)
    exit_requested = Signal(int)

    def __init__(
        self,
        app: QApplication,
        path: Path,
        *,
        runner: QtTaskRunner,
        settings: QSettings | None = None,
        demo_households: int = DEMO_HOUSEHOLDS,
        encrypt: bool = True,
        wrap_n: int | None = None,
        user_n: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        idle_seconds: float | None = None,
        offer_enrollment: bool = False,
        client_options: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        # First start: 演示 or 登记本机 (desktop.ui.first_start) instead of the demo at once.
        self.offer_enrollment = offer_enrollment
        self.client_options = client_options
        self.first_start: Any = None
        self.first_download: Any = None
        self.resumed: dict[str, Any] | None = None  # resume_after_sign_in's holder, once
        self.app = app
        self.path = path
        self.runner = runner
        self.settings = settings if settings is not None else app_settings()
        self.demo_households = demo_households
        self.encrypt = encrypt
        self.wrap_n = wrap_n
        self.user_n = user_n
        self.sleep = sleep
        self.idle_seconds = idle_seconds
        self.window: MainWindow | None = None
        self.db: Database | None = None
        self.user: LocalUser | None = None
        self.encrypted = False
        self.locked = False
        self._locking = False
        self._switching = False
        self.translators: list[QTranslator] = []  # installed by run_app; replaced on a switch
        self._unlocked: list[Database] = []  # handed over from the runner by an unlock
        self.task: ProgressTask[Opened] | None = None
        self.signin: SignInDialog | FirstUserDialog | None = None
        self.recovery_dialog: RecoveryKeyDialog | None = None
        self.error_box: QMessageBox | None = None
        self.failed = False

    @property
    def dialog(self) -> Any:
        """The progress dialog of the first start's demo build while it is up, else ``None``."""
        return self.task.dialog if self.task is not None else None

    def start(self) -> None:
        """Show the sign-in dialog (or the demo build's progress) and open the database."""
        build_demo = not self.path.exists()
        path, households = self.path, self.demo_households
        options = {"encrypt": self.encrypt, "wrap_n": self.wrap_n, "user_n": self.user_n}
        if build_demo and self.offer_enrollment:
            self._offer_first_start()
            return
        if build_demo:
            self.task = run_with_progress(
                self.runner,
                lambda progress: open_for_sign_in(
                    path, build_demo=True, progress=progress, households=households, **options
                ),
                title=self.tr("Fieldbook 建档立卡动态管理"),
                label=self.tr("首次启动:正在生成演示县数据({0} 户),请稍候…").format(households),
                on_done=self._opened,
                on_error=self._failed,
                cancellable=False,  # one transaction: nothing to keep from half a build
                delay_ms=0,
                serial=True,
            )
            return
        self.signin = self._new_sign_in_dialog()
        self.runner.run(
            lambda: open_for_sign_in(path, build_demo=False, households=households, **options),
            on_done=self._opened,
            on_error=self._failed,
            serial=True,
        )

    def _offer_first_start(self) -> None:
        """演示 builds the demo county as before; 登记本机 creates and enrolls the database,
        shows its recovery key, downloads the villages, then opens the main window."""
        from desktop.ui.first_start import FirstDownload, FirstStartDialog

        crypto = {k: v for k, v in (("n", self.wrap_n), ("user_n", self.user_n)) if v}
        dialog = FirstStartDialog(
            self.path, self.runner, crypto_options=crypto, client_options=self.client_options
        )
        dialog.rejected.connect(lambda: self.exit_requested.emit(0))

        def demo() -> None:
            self.first_start = None
            _dismiss(dialog)
            self.offer_enrollment = False
            self.start()

        def enrolled(laptop: Any) -> None:
            self.first_start = None
            _dismiss(dialog)
            self.settings.setValue(LAST_DATABASE_KEY, str(self.path.resolve()))
            self.encrypted = True
            download = FirstDownload(laptop, self.runner, client_options=self.client_options)

            def downloaded(_result: Any) -> None:
                self.first_download = None
                self.resumed = {}  # a download cancelled just now resumes at the next start
                self._unlocked.append(laptop.db)
                self._signed_in(laptop.user)

            download.finished.connect(downloaded)
            self.first_download = download
            download.start()

        dialog.demo_chosen.connect(demo)
        dialog.enrolled.connect(enrolled)
        self.first_start = dialog
        dialog.show()

    def _last_user(self) -> str | None:
        last = self.settings.value(LAST_USER_KEY)
        return last if isinstance(last, str) and last else None

    def _demo_paths(self) -> list[str]:
        value = self.settings.value(DEMO_PATHS_KEY)
        if isinstance(value, str):
            return [value] if value else []
        return [str(v) for v in value] if isinstance(value, list) else []

    def _new_sign_in_dialog(self) -> SignInDialog:
        dialog = SignInDialog(self.runner, last_user=self._last_user())
        dialog.rejected.connect(lambda: self.exit_requested.emit(0))
        dialog.show()
        return dialog

    def _opened(self, opened: Opened) -> None:
        self.task = None
        self.db = opened.db
        self.encrypted = opened.encrypted
        where = str(self.path.resolve())
        self.settings.setValue(LAST_DATABASE_KEY, where)
        if opened.recovery_key is not None:
            self.settings.setValue(DEMO_PATHS_KEY, [*self._demo_paths(), where])
            self._show_recovery_key(opened)
            return
        self._offer_sign_in(opened)

    def _show_recovery_key(self, opened: Opened) -> None:
        assert opened.recovery_key is not None
        dialog = RecoveryKeyDialog(opened.recovery_key)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(_result: int) -> None:
            self.recovery_dialog = None
            self._offer_sign_in(opened)

        dialog.finished.connect(finished)
        self.recovery_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _offer_sign_in(self, opened: Opened) -> None:
        if not opened.users and opened.db is not None:
            self._ask_for_first_user(opened.db)
            return
        dialog = self.signin
        if not isinstance(dialog, SignInDialog):
            dialog = self.signin = self._new_sign_in_dialog()
        dialog.signed_in.connect(self._signed_in)
        demo = opened.demo or str(self.path.resolve()) in self._demo_paths()
        hint = self.tr("演示数据库:各演示账号的 PIN 码都是 {0}").format(DEMO_PIN)
        dialog.set_users(
            opened.users,
            self._pin_checker(opened.db),
            demo_hint=hint if demo else None,
            last_user=self._last_user(),
        )
        dialog.raise_()
        dialog.activateWindow()
        self.runner.run(warm_main_window, on_done=lambda _none: None)
        self.signin_ready.emit(dialog)

    def _pin_checker(self, db: Database | None) -> Callable[[str, str], SignInResult]:
        """How a PIN is checked: against the open plain ``db``'s users, or (``db`` None) by
        unlocking the encrypted file, whose open database is handed over in ``_unlocked``."""
        path, sleep, unlocked = self.path, self.sleep, self._unlocked
        if db is not None:

            def check_open(user_id: str, pin: str) -> SignInResult:
                return check_pin(db, user_id, pin, sleep=sleep)

            return check_open

        def check_and_unlock(user_id: str, pin: str) -> SignInResult:
            result, opened = unlock_file(path, user_id, pin, sleep=sleep)
            if opened is not None:
                unlocked.append(opened)
            return result

        return check_and_unlock

    def _take_unlocked(self) -> Database | None:
        """The database an unlock opened (any older one left over is closed)."""
        found = self._unlocked[-1] if self._unlocked else None
        for extra in self._unlocked[:-1]:
            extra.dispose()
        self._unlocked.clear()
        return found

    def _ask_for_first_user(self, db: Database) -> None:
        previous = self.signin

        def create(name: str, pin: str) -> LocalUser:
            return db.writer.call(add_first_admin, db, name, pin)

        dialog = FirstUserDialog(self.runner, create)
        dialog.rejected.connect(lambda: self.exit_requested.emit(0))
        dialog.signed_in.connect(self._signed_in)
        self.signin = dialog
        dialog.show()
        _dismiss(previous)
        self.signin_ready.emit(dialog)

    def _signed_in(self, user: LocalUser) -> None:
        """Show the main window first, so that closing the dialog never leaves no window."""
        from desktop.ui.main_window import MainWindow

        if self.encrypted:
            self.db = self._take_unlocked()
        assert self.db is not None
        self.user = user
        self.settings.setValue(LAST_USER_KEY, user.name)
        try:
            # The signed-in name is the actor of every save (the household book's "who").
            window = MainWindow(
                self.db,
                runner=self.runner,
                role=user.role,
                actor=user.name,
                settings=self.settings,
            )
        except Exception as error:  # noqa: BLE001 - never leave the person with no window at all
            self._failed(error)
            return
        self.window = window
        window.lock_requested.connect(self.lock)
        window.switch_user_requested.connect(self.switch_user)
        window.language_chosen.connect(self.switch_language)
        window.live_language = True
        window.database_replaced.connect(self._database_replaced)
        window.show()
        self.window_opened.emit(window)
        if self.encrypted and self.first_download is None and self.resumed is None:
            from desktop.ui.first_start import resume_after_sign_in  # a cut first download

            self.resumed = resume_after_sign_in(
                self.db,
                self.runner,
                client_options=self.client_options,
                parent=window,
                then=window.reload_everything,
            )
        _once_list_is_loaded(window, window.run_daily_backup)
        self._start_idle_lock(window, self.db)

    def _start_idle_lock(self, window: MainWindow, db: Database) -> None:
        if self.idle_seconds is not None:
            window.set_idle_lock(self.idle_seconds)
            return
        self.runner.run(
            lambda: idle_lock_seconds(db),
            on_done=window.set_idle_lock,
            on_error=lambda _e: window.set_idle_lock(None),
        )

    def _database_replaced(self, db: Database) -> None:
        self.db = db

    # --- the idle lock -------------------------------------------------------------------------

    def lock(self) -> None:
        """Lock the app: drafts autosaved, windows hidden, the database closed and forgotten,
        then the sign-in dialog for the same person."""
        if self.locked or self._locking or self.window is None or self.user is None:
            return
        self._locking = True
        self._switching = False
        self.window.prepare_lock(self._lock_now)

    def switch_language(self, lang: str) -> None:
        """设置 → 界面语言: the new language at once, without restarting. Qt's widgets keep the
        texts they were built with, so the main window is built again (open forms are kept as
        drafts first and offered back in the new window)."""
        window, user = self.window, self.user
        if window is None or user is None or self.locked or self._locking:
            return
        self._locking = True

        def rebuild() -> None:
            self._locking = False
            for translator in self.translators:
                self.app.removeTranslator(translator)
            self.translators = install_translators(self.app, lang)
            self.window = None
            for form in list(window.forms.values()):
                form._close_confirmed = True  # autosaved as drafts just now
            window.hide()
            self._signed_in(user)
            window.close()
            window.deleteLater()

        window.prepare_lock(rebuild)

    def switch_user(self) -> None:
        """数据 → 切换用户: locked as by 立即锁定, but every user of the laptop may sign in; the
        one who does gets a window of their own (the other's forms wait as their drafts)."""
        if self.locked or self._locking or self.window is None or self.user is None:
            return
        self._locking = True
        self._switching = True
        self.window.prepare_lock(self._lock_now)

    def _lock_now(self) -> None:
        window, user = self.window, self.user
        assert window is not None and user is not None
        self._locking = False
        users = [user]
        if self._switching and self.db is not None:
            users = local_users(self.db)
        window.lock()
        db, self.db = self.db, None
        if db is not None:
            db.dispose()
        self.locked = True
        seconds = window.idle_lock_seconds
        note = self.tr("Fieldbook 已锁定,未保存的内容已存为草稿。请输入 PIN 码继续。")
        if seconds and window.idle_for() >= seconds:  # the idle lock, not 立即锁定
            note = self.tr("超过 {0} 分钟没有操作,").format(max(1, round(seconds / 60))) + note
        if len(users) > 1:
            note = self.tr("切换用户:请选择您的姓名并输入 PIN 码。{0}的表单已存为草稿。").format(
                user.name
            )
        dialog = SignInDialog(self.runner, last_user=user.name, locked_note=note)
        dialog.rejected.connect(lambda: self.exit_requested.emit(0))
        dialog.signed_in.connect(self._unlock)
        dialog.set_users(users, self._unlock_checker(user))
        self.signin = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        self.locked_changed.emit(True)

    def _unlock_checker(self, user: LocalUser) -> Callable[[str, str], SignInResult]:
        """Check the PIN by opening the database again (unlocking it when encrypted)."""
        path, sleep, unlocked, encrypted = self.path, self.sleep, self._unlocked, self.encrypted

        def check(user_id: str, pin: str) -> SignInResult:
            if encrypted:
                result, opened = unlock_file(path, user_id, pin, migrate=False, sleep=sleep)
                if opened is not None:
                    unlocked.append(opened)
                return result
            db = open_plain(path)
            try:
                result = check_pin(db, user_id, pin, sleep=sleep)
            except BaseException:
                db.dispose()
                raise
            if result.ok:
                unlocked.append(db)
            else:
                db.dispose()
            return result

        return check

    def _unlock(self, user: LocalUser) -> None:
        db = self._take_unlocked()
        if db is None or self.window is None:  # pragma: no cover - a PIN that opened nothing
            self.exit_requested.emit(1)
            return
        if self.user is not None and user.id != self.user.id:
            self._switch_to(user, db)
            return
        self.db = db
        self.locked = False
        self.signin = None
        self.window.unlock(db)
        self.locked_changed.emit(False)

    def _switch_to(self, user: LocalUser, db: Database) -> None:
        """Another person signed in at the switch: the old window goes (its forms' drafts are
        written already), a new one opens for them."""
        old = self.window
        assert old is not None
        self.window = None
        for form in list(old.forms.values()):
            form._close_confirmed = True  # autosaved as the old user's draft before the lock
        old.close()
        old.deleteLater()
        self.locked = False
        self.signin = None
        if self.encrypted:
            self._unlocked.append(db)
        else:
            self.db = db
        self._signed_in(user)
        self.locked_changed.emit(False)

    def _failed(self, error: BaseException) -> None:
        self.task = None
        self.failed = True
        box = QMessageBox(QMessageBox.Icon.Critical, self.tr("无法打开数据库"), "")
        box.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)  # exit_requested says the code
        box.setText(self.tr("无法打开数据库文件:\n{0}").format(self.path))
        box.setInformativeText(self.tr("请联系乡镇管理员。已有数据不会被删除。"))
        box.setDetailedText(error_text("opening the database failed", error))  # never SQL text
        apply_readable_font(box)
        box.finished.connect(lambda _result: self.exit_requested.emit(1))
        self.error_box = box
        box.open()
        _dismiss(self.signin)
        self.signin = None


def run_app(
    db_path: Path | str | None = None,
    *,
    lang: str | None = None,
    settings: QSettings | None = None,
) -> int:
    """Run the desktop app until it is closed; returns the process exit code.

    ``db_path`` and ``lang`` override the remembered database and language (see the module's
    docstring). A missing database file is made by the first start's choice: the demo county
    or this laptop's enrollment (``desktop.ui.first_start``).
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(SETTINGS_ORGANISATION)
    app.setApplicationName("Fieldbook")
    app.setApplicationDisplayName("Fieldbook")
    app.setQuitOnLastWindowClosed(True)
    install_qt_message_handler()
    settings = settings if settings is not None else app_settings()
    translators = install_translators(app, choose_language(lang, settings))
    apply_readable_font(app)

    runner = QtTaskRunner()
    path = choose_database(db_path, settings)
    launcher = Launcher(app, path, runner=runner, settings=settings, offer_enrollment=True)
    launcher.translators = translators
    launcher.exit_requested.connect(app.exit)
    launcher.start()
    code = app.exec()
    runner.wait(10_000)
    if launcher.db is not None:
        launcher.db.dispose()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m desktop.ui.app [DB_PATH] [--lang en]``: the desktop app on a database file."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m desktop.ui.app")
    parser.add_argument("db", nargs="?", help="数据库文件")
    parser.add_argument("--lang", choices=LANGUAGES, help="界面语言")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if argv is None:  # the program's own start: its log and uncaught exceptions to the file
        from desktop.logs import configure_logging

        configure_logging()
    return run_app(Path(args.db) if args.db else None, lang=args.lang)


if __name__ == "__main__":
    raise SystemExit(main())
