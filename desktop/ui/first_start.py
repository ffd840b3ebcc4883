"""The first start with no database: 演示 (the practice county) or 登记本机 (the county's code).

``FirstStartDialog`` offers the two ways in. 演示 emits ``demo_chosen`` (the launcher builds
the demo county as before). 登记本机 asks for the enrollment code (typed, pasted, or a scanner's
keystrokes ending in Enter), the worker's name and a PIN twice, then, in the task runner,
creates the encrypted database and redeems the code (``new_enrolled_database``: the functions of
``sync.provision`` and ``sync.client``, nothing duplicated). A refused code or an unreachable
server is one Chinese line on the dialog, and the new files are removed: nothing half-made stays.

On success ``enrolled(NewLaptop)`` is emitted; ``FirstDownload`` then shows the recovery
key once and downloads the assigned villages behind a progress bar with a cancel button. What was
downloaded is kept page by page; a cancelled or cut download is finished after the next sign-in
(``resume_after_sign_in``) or by ``fieldbook sync`` (``sync.provision.resume_download``). The PIN
and the recovery key are never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.progress import Progress, ProgressTask, run_with_progress
from desktop.ui.signin import RecoveryKeyDialog
from desktop.ui.style import apply_readable_font
from desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.domain.roles import LocalUser
    from desktop.store.db import Database

log = logging.getLogger(__name__)


@dataclass
class NewLaptop:
    """A database just created and enrolled: open, with its first user and recovery key."""

    db: Database
    user: LocalUser
    recovery_key: str
    villages: list[str]


@dataclass
class Downloaded:
    """How the first download ended: ``complete``, or the one line saying why not."""

    complete: bool
    rows: int
    problem: str | None = None


def _remove_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".keys"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def new_enrolled_database(
    path: Path,
    name: str,
    pin: str,
    code: str,
    *,
    crypto_options: dict[str, Any] | None = None,
    client_options: dict[str, Any] | None = None,
) -> NewLaptop:
    """Create the encrypted database at ``path`` and enroll it with ``code`` (in the runner).

    Any failure removes the new files again and re-raises.
    """
    from sync.client import SyncClient
    from sync.provision import create_encrypted_database, take_device_role

    made = create_encrypted_database(path, name, pin, **(crypto_options or {}))
    try:
        with SyncClient(made.db, **(client_options or {})) as client:
            enrollment = client.enroll(code)
        made = take_device_role(made, enrollment.role)
    except BaseException:
        made.db.dispose()
        _remove_files(path)
        raise
    return NewLaptop(made.db, made.user, made.recovery_key, list(enrollment.villages))


def download_assigned(
    db: Database, progress: Progress, *, client_options: dict[str, Any] | None = None
) -> Downloaded:
    """Download the assigned villages by snapshot pages, then pull the feed (in the runner).

    A cut (server or network) is not an error here: what came is kept and ``problem`` says why
    the rest did not; a cancel raises ``Cancelled`` after the last whole page.
    """
    from sync.client import SyncClient
    from sync.client.transport import SyncError
    from sync.provision import download_villages

    rows = 0
    try:
        with SyncClient(db, **(client_options or {})) as client:
            villages = client.villages()
            labels = dict(zip(villages, client.village_labels(villages), strict=False))

            def report(village: str, count: int) -> None:
                index = villages.index(village) if village in villages else 0
                text = f"正在下载 {labels.get(village, village)}:已下载 {count} 条"
                progress.report(index, len(villages), text)

            receipt = download_villages(client, progress=report, cancel=lambda: progress.cancelled)
            rows = sum(receipt.rows.values())
            progress.check()
            if not receipt.complete:
                return Downloaded(False, rows)
            client.pull()
    except SyncError as exc:
        return Downloaded(False, rows, exc.message)
    return Downloaded(True, rows)


def download_unfinished(db: Database) -> bool:
    """Whether an assigned village still needs its snapshot (a first download cut or cancelled,
    even before its first page); reads the local file only."""
    from sync.client import SyncClient
    from sync.provision import villages_to_download  # the download's own test, not a copy

    return bool(villages_to_download(db, SyncClient(db).villages()))


def failure_line(error: BaseException) -> str:
    """One Chinese line for a failed enrolment (a refused code, no server, a bad PIN)."""
    from sync.client.transport import SyncError

    if isinstance(error, SyncError):
        return error.message
    if isinstance(error, ValueError):  # a code that is not one, a bad name or PIN
        return str(error)
    log.error("first-start enrolment failed: %s", type(error).__name__)  # never the PIN
    return "登记失败,请联系乡镇管理员"


class FirstStartDialog(QDialog):
    """演示 or 登记本机 (see the module docstring).

    Signals: ``demo_chosen()``, ``enrolled(NewLaptop)``, ``enroll_failed(str)`` (the line
    shown). Closing it without choosing is ``rejected``.
    """

    demo_chosen = Signal()
    enrolled = Signal(object)
    enroll_failed = Signal(str)

    def __init__(
        self,
        path: Path,
        runner: TaskRunner,
        *,
        crypto_options: dict[str, Any] | None = None,
        client_options: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.runner = runner
        self.crypto_options = crypto_options
        self.client_options = client_options
        self.busy = False
        self.setWindowTitle(self.tr("Fieldbook 首次启动"))
        apply_readable_font(self)

        self.pages = QStackedWidget()
        choose = QWidget()
        intro = QLabel(self.tr("本机还没有数据库。请选择:"))
        self.demo_button = QPushButton(self.tr("演示(练习用的演示县)"))
        self.demo_button.clicked.connect(self._choose_demo)
        self.enroll_choice = QPushButton(self.tr("登记本机(用县里发的登记码)"))
        self.enroll_choice.clicked.connect(lambda: self.pages.setCurrentIndex(1))
        choose_layout = QVBoxLayout(choose)
        choose_layout.addWidget(intro)
        choose_layout.addWidget(self.demo_button)
        choose_layout.addWidget(self.enroll_choice)
        choose_layout.addStretch(1)

        enroll = QWidget()
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("用扫描枪扫描登记二维码, 或粘贴县里发的登记码 FBE1:…"))
        self.name = QLineEdit()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_again = QLineEdit()
        self.pin_again.setEchoMode(QLineEdit.EchoMode.Password)
        # A scanner types the code and presses Enter: go on to the name, not submit half a form.
        self.code.returnPressed.connect(self.name.setFocus)
        self.name.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.pin_again.setFocus)
        self.pin_again.returnPressed.connect(self.enroll)
        form = QFormLayout()
        form.addRow(self.tr("登记码:"), self.code)
        form.addRow(self.tr("您的姓名:"), self.name)
        form.addRow(self.tr("设置 PIN 码:"), self.pin)
        form.addRow(self.tr("再输入一次:"), self.pin_again)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.enroll_button = QPushButton(self.tr("登记"))
        self.enroll_button.clicked.connect(self.enroll)
        back = QPushButton(self.tr("返回"))
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(back)
        buttons.addWidget(self.enroll_button)
        enroll_layout = QVBoxLayout(enroll)
        enroll_layout.addLayout(form)
        enroll_layout.addWidget(self.message)
        enroll_layout.addLayout(buttons)

        self.pages.addWidget(choose)
        self.pages.addWidget(enroll)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.resize(560, 300)

    def _choose_demo(self) -> None:
        self.demo_chosen.emit()

    def _fail(self, line: str) -> None:
        self.busy = False
        self.enroll_button.setEnabled(True)
        self.message.setText(self.tr("没有登记: {0}").format(line))
        self.enroll_failed.emit(line)

    def enroll(self) -> None:
        """Check the form, then create and enroll the database in the runner."""
        from desktop.domain.roles import pin_problem
        from sync.protocol import decode_enrollment

        if self.busy:
            return
        code, name = self.code.text().strip(), self.name.text().strip()
        pin = self.pin.text()
        if not code:
            self._fail(self.tr("请先扫描或粘贴登记码"))
            return
        try:
            decode_enrollment(code)
        except ValueError as exc:
            self._fail(str(exc))
            return
        if not name:
            self._fail(self.tr("请输入您的姓名"))
            return
        problem = pin_problem(pin)
        if problem:
            self._fail(problem)
            return
        if pin != self.pin_again.text():
            self._fail(self.tr("两次输入的 PIN 码不一致"))
            return
        self.busy = True
        self.enroll_button.setEnabled(False)
        self.message.setText(self.tr("正在新建加密数据库并登记…"))
        path, crypto, client = self.path, self.crypto_options, self.client_options
        self.runner.run(
            lambda: new_enrolled_database(
                path, name, pin, code, crypto_options=crypto, client_options=client
            ),
            on_done=self._enrolled,
            on_error=lambda error: self._fail(failure_line(error)),
            serial=True,
        )

    def _enrolled(self, laptop: NewLaptop) -> None:
        self.busy = False
        self.pin.clear()
        self.pin_again.clear()
        self.enrolled.emit(laptop)


class FirstDownload(QObject):
    """Show the recovery key once (when there is one); when it is closed, download the villages
    with a progress bar and cancel, say how it ended when not complete, then ``finished(result)``
    (a ``Downloaded``, or ``None`` when cancelled). ``resume_after_sign_in`` finishes a cut one."""

    finished = Signal(object)

    def __init__(
        self,
        laptop: NewLaptop,
        runner: TaskRunner,
        *,
        client_options: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.laptop = laptop
        self.runner = runner
        self.client_options = client_options
        self.parent_widget = parent
        self.task: ProgressTask[Downloaded] | None = None
        self.box: QMessageBox | None = None
        self.recovery_dialog: RecoveryKeyDialog | None = None
        if laptop.recovery_key:
            self.recovery_dialog = RecoveryKeyDialog(laptop.recovery_key, parent=parent)
            self.recovery_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.recovery_dialog.finished.connect(self._start_download)

    def start(self) -> None:
        """Show the recovery key (the download starts when it is closed), or download now."""
        if self.recovery_dialog is None:
            self._start_download(0)
            return
        self.recovery_dialog.show()
        self.recovery_dialog.raise_()
        self.recovery_dialog.activateWindow()

    def _start_download(self, _result: int) -> None:
        self.recovery_dialog = None
        db, options = self.laptop.db, self.client_options
        self.task = run_with_progress(
            self.runner,
            lambda progress: download_assigned(db, progress, client_options=options),
            title=self.tr("登记本机"),
            label=self.tr("正在下载负责的村…"),
            on_done=self._finish,
            on_error=lambda error: self._finish(Downloaded(False, 0, failure_line(error))),
            on_cancelled=lambda: self._finish(None),
            delay_ms=0,
            serial=True,
            parent=self.parent_widget,
        )

    def _finish(self, result: Downloaded | None) -> None:
        self.task = None
        if result is not None and result.complete:
            self.finished.emit(result)
            return
        text = self.tr("下载没有完成:已下载的部分已保存,下次启动时接着下载。")
        if result is not None and result.problem:
            text = result.problem + "\n" + text
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("下载没有完成"), text)
        box.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        apply_readable_font(box)
        box.finished.connect(lambda _r: self.finished.emit(result))
        self.box = box
        box.open()


def resume_after_sign_in(
    db: Database,
    runner: TaskRunner,
    *,
    client_options: dict[str, Any] | None = None,
    parent: QWidget | None = None,
    then: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """At the next start: when the first download was cut or cancelled, finish it behind the
    same progress bar. Returns a holder: ``"checked"`` once looked, ``"download"`` while the
    ``FirstDownload`` runs; ``then()`` after it."""
    holder: dict[str, Any] = {"checked": False}

    def found(unfinished: bool) -> None:
        holder["checked"] = True
        if not unfinished:
            return
        laptop = NewLaptop(db, None, "", [])  # type: ignore[arg-type] - no user or key needed
        download = FirstDownload(laptop, runner, client_options=client_options, parent=parent)
        def finished(_result: Downloaded | None) -> None:
            holder.pop("download", None)
            if then is not None:
                then()  # the main window shows what came

        download.finished.connect(finished)
        holder["download"] = download
        download.start()

    runner.run(lambda: download_unfinished(db), on_done=found, on_error=lambda _e: found(False))
    return holder
