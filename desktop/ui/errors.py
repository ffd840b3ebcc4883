"""The one error dialog, and Qt's own warnings routed into the log.

``show_error(parent, title, error)`` logs the failure with its traceback (``desktop.logs``) and
shows the person a Chinese sentence (``user_message``: the project's own refusals as they are,
a database's or the disk's error as a general sentence, never SQLAlchemy's text) with a
reference to quote: the time and the log file. ``error_text`` is the same for a banner or a
label that cannot be a dialog.

``install_qt_message_handler()`` sends ``qDebug``/``qWarning``/… to the ``qt`` logger.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.logs import GENERAL_MESSAGES, log_failure, user_message
from desktop.ui.style import apply_readable_font

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    qt_log.log(
        _QT_LEVELS.get(kind, logging.WARNING),
        "%s",
        message,
        extra={"qt_category": context.category or "", "qt_file": context.file or ""},
    )


def install_qt_message_handler() -> None:
    """Route Qt's messages (warnings from widgets, plugins, style sheets) into the log."""
    qInstallMessageHandler(_qt_message)


def error_text(what: str, error: BaseException) -> str:
    """Log ``error`` under ``what`` (English, no personal data) and return the Chinese text to
    show: the project's own message as it is, else a general sentence and where the details are."""
    reference = log_failure(what, error, log)
    message = user_message(error)
    if message not in GENERAL_MESSAGES:
        return message
    return f"{message}\n详细情况已记入日志({reference})。"


def show_error(
    parent: QWidget | None, title: str, error: BaseException, *, what: str = ""
) -> QMessageBox:
    """The error dialog: a Chinese message and the log's reference; the details stay in the log.

    Opened window-modal (``open()``), so it never blocks a test or the event loop; returned so
    that a caller or a test can reach it.
    """
    box = QMessageBox(QMessageBox.Icon.Critical, title, "", parent=parent)
    reference = log_failure(what or title, error, log)
    box.setText(user_message(error))
    box.setInformativeText(f"详细情况已记入日志({reference})。")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    apply_readable_font(box)
    box.open()
    return box
