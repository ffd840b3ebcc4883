"""Enrolling this laptop with the county's server: the code typed, pasted or scanned.

The county's administrator prints an enrollment code (``fieldbook-server enroll``) as text
(``FBE1:…``, it carries the server's address) and as a QR image. A USB scanner reading the QR
types the text into the code box and presses Enter, which enrolls; a person may paste or type
it. A county that serves over HTTPS with its own certificate authority hands out a CA file too.

Enrolling runs in the task runner (one request; the laptop's settings are written in one
transaction). On success the dialog says who the laptop now is and which villages it serves,
and warns when the county's card key replaced the laptop's own (cards printed before must be
printed again). A refused code (used, expired, unknown) or an unreachable server is one Chinese
line; nothing is written then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.style import apply_readable_font
from desktop.ui.tasks import QtTaskRunner, TaskRunner

if TYPE_CHECKING:
    from desktop.store.db import Database


def _enroll(db: Database, code: str, ca_file: str | None) -> tuple[Any, list[str]]:
    from sync.client import SyncClient

    with SyncClient(db, ca_file=ca_file) as client:
        enrollment = client.enroll(code)
        return enrollment, client.village_labels(enrollment.villages)


def _current(db: Database) -> Any:
    from sync.client import SyncClient

    return SyncClient(db).enrollment()


class EnrollDialog(QDialog):
    """Enroll this laptop (see the module docstring).

    ``enrolled(enrollment)`` is emitted with the ``sync.client.enrolment.Enrollment`` on success.
    """

    enrolled = Signal(object)
    enroll_failed = Signal(str)

    def __init__(
        self, db: Database, parent: QWidget | None = None, *, runner: TaskRunner | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.runner: TaskRunner = runner or QtTaskRunner(max_threads=1)
        self.result_enrollment: Any = None
        self.setWindowTitle(self.tr("登记本机"))
        apply_readable_font(self)

        self.current = QLabel("")
        self.current.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("用扫描枪扫描登记二维码, 或粘贴县里发的登记码 FBE1:…"))
        self.code.setClearButtonEnabled(True)
        self.code.returnPressed.connect(self.enroll)
        self.ca_file = QLineEdit()
        self.ca_file.setPlaceholderText(self.tr("服务器使用县里自己的证书时才需要"))
        browse = QPushButton(self.tr("选择…"))
        browse.clicked.connect(self.choose_ca_file)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("登记码:"), self.code)
        form.addRow(self.tr("根证书文件:"), ca_row)

        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.enroll_button = QPushButton(self.tr("登记"))
        self.enroll_button.setDefault(True)
        self.enroll_button.clicked.connect(self.enroll)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.enroll_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(560, 260)
        self.runner.run(lambda: _current(db), on_done=self._show_current, on_error=lambda _e: None)

    def _show_current(self, enrollment: Any) -> None:
        if enrollment is None:
            self.current.setText(self.tr("本机尚未登记。"))
        else:
            self.current.setText(
                self.tr("本机已登记为 {0} ({1})。再次登记会换成新的设备身份。").format(
                    enrollment.name, enrollment.server_url
                )
            )

    def choose_ca_file(self) -> None:
        """Pick the county's CA certificate (PEM)."""
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("选择县里的根证书"), "", self.tr("证书 (*.pem *.crt *.cer);;所有文件 (*)")
        )
        if path:
            self.ca_file.setText(path)

    def enroll(self) -> None:
        """Redeem the code in the task runner."""
        from sync.protocol import decode_enrollment

        text = self.code.text().strip()
        if not text:
            self._fail(self.tr("请先扫描或粘贴登记码"))
            return
        try:
            decode_enrollment(text)
        except ValueError as exc:
            self._fail(str(exc))
            return
        ca_file = self.ca_file.text().strip() or None
        self.enroll_button.setEnabled(False)
        self.message.setText(self.tr("正在登记…"))

        def failed(exc: BaseException) -> None:
            message = getattr(exc, "message", None) or str(exc)
            self._fail(message)

        self.runner.run(
            lambda: _enroll(self.db, text, ca_file),
            on_done=self._done,
            on_error=failed,
            serial=True,
        )

    def _fail(self, message: str) -> None:
        self.enroll_button.setEnabled(True)
        self.message.setText(self.tr("没有登记: {0}").format(message))
        self.enroll_failed.emit(message)

    def _done(self, result: tuple[Any, list[str]]) -> None:
        enrollment, villages = result
        self.result_enrollment = enrollment
        lines = [
            self.tr("已登记为 {0}").format(enrollment.name),
            self.tr("服务器: {0}").format(enrollment.server_url),
            self.tr("负责的村: {0}").format("、".join(villages) or self.tr("无")),
        ]
        if enrollment.card_key_replaced:
            lines.append(
                self.tr("注意: 户卡密钥已换成县里的密钥, 本机以前打印的户卡需要重新打印。")
            )
        self.message.setText("\n".join(lines))
        self.code.clear()
        self.enroll_button.setEnabled(True)
        self.close_button.setText(self.tr("完成"))
        self._show_current(enrollment)
        self.enrolled.emit(enrollment)
