"""The main window's 数据 menu: back up now, the day's first backup, and restoring a backup.

``BackupMixin`` (mixed into ``desktop.ui.main_window.MainWindow``). A backup runs as a serial
job, on the database's writer (``Fieldbook.backup_now``), so it copies the file between two writes.
A restore is refused while household forms are open (their drafts live in the database being
replaced) and asks first; the window then drops the database (``LOCKED_DATABASE``), the store
backs the database up as it was and restores the chosen file, the database is opened again
(``Fieldbook.restore_and_reopen``) and every screen reads everything again
(``OpChanges.everything()``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog

from desktop.application import Fieldbook, OpChanges
from desktop.application.service import Restored
from desktop.ui.errors import error_text
from desktop.ui.idle_lock import LOCKED_DATABASE


class BackupMixin:
    """The 数据 menu's backup and restore (see the module doc); mixed into ``MainWindow``."""

    def backup_now(self) -> None:
        """Back the database up now into its backup folder (a serial job)."""
        app = self.app

        def done(info: Any) -> None:
            text = QCoreApplication.translate("MainWindow", "已备份到 {0}").format(info.path)
            if info.fallback_message:
                text += "\n" + info.fallback_message
            self.statusBar().showMessage(text.splitlines()[0], 15000)
            self._show_message(QCoreApplication.translate("MainWindow", "备份完成"), text)

        def failed(error: BaseException) -> None:
            self._show_message(
                QCoreApplication.translate("MainWindow", "备份失败"),
                error_text("backing up", error),
                warning=True,
            )

        self.runner.run(app.backup_now, on_done=done, on_error=failed, serial=True)

    def run_daily_backup(self) -> None:
        """The day's first backup if it is due (after sign-in); says so in the status bar."""
        app = self.app

        def done(info: Any) -> None:
            if info is None:
                return
            text = QCoreApplication.translate("MainWindow", "今天的自动备份已完成:{0}").format(
                info.path.name
            )
            if info.fallback_message:
                text = info.fallback_message
            self.statusBar().showMessage(text, 15000)

        def failed(error: BaseException) -> None:
            self._show_message(
                QCoreApplication.translate("MainWindow", "自动备份失败"),
                error_text("the daily backup", error),
                warning=True,
            )

        self.runner.run(app.daily_backup, on_done=done, on_error=failed, serial=True)

    def choose_and_restore(self) -> None:
        """数据 → 恢复备份: pick a backup file, confirm, restore it and reopen the database."""
        if self.db_path is None:
            self._show_message(
                QCoreApplication.translate("MainWindow", "不能恢复"),
                QCoreApplication.translate("MainWindow", "只能恢复本机的数据库文件"),
                warning=True,
            )
            return
        path, _filter = QFileDialog.getOpenFileName(
            self,
            QCoreApplication.translate("MainWindow", "选择要恢复的备份"),
            str(Fieldbook.backup_folder_of(self.db_path)),
            QCoreApplication.translate("MainWindow", "数据库备份 (*.db)"),
        )
        if path:
            self.restore_backup_file(Path(path))

    def restore_backup_file(self, backup: Path) -> bool:
        """Restore ``backup`` in place of this database and reopen it; whether it started.

        Asks first; refused while household forms are open (their drafts live in the database
        being replaced). The database as it was is backed up first by the store.
        """
        if self.forms:
            self._show_message(
                QCoreApplication.translate("MainWindow", "不能恢复"),
                QCoreApplication.translate(
                    "MainWindow", "请先保存并关闭所有打开的农户信息表,再恢复备份"
                ),
                warning=True,
            )
            return False
        db_path = self.db_path
        if db_path is None:
            self._show_message(
                QCoreApplication.translate("MainWindow", "不能恢复"),
                QCoreApplication.translate("MainWindow", "只能恢复本机的数据库文件"),
                warning=True,
            )
            return False
        if not self.confirm(
            QCoreApplication.translate("MainWindow", "恢复备份"),
            QCoreApplication.translate(
                "MainWindow",
                "用备份 {0} 替换现在的数据库?\n现在的数据库会先另存一份备份,恢复后程序重新打开数据库。",
            ).format(backup.name),
        ):
            return False
        key = self.app.database_key()
        old = self.db
        self.rebind(LOCKED_DATABASE)
        old.dispose()
        self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "正在恢复备份…"))

        def job() -> Restored:
            return Fieldbook.restore_and_reopen(backup, db_path, key=key)

        def done(answer: Restored) -> None:
            result, error, db = answer.result, answer.error, answer.db
            self.rebind(db)
            self.database_replaced.emit(db)
            self.app.notify(OpChanges.everything())
            if error is not None:
                self._show_message(
                    QCoreApplication.translate("MainWindow", "恢复失败"),
                    QCoreApplication.translate("MainWindow", "没有恢复,数据库保持原样:{0}").format(
                        error_text("restoring a backup", error)
                    ),
                    warning=True,
                )
                return
            text = QCoreApplication.translate(
                "MainWindow", "已从 {0} 恢复:{1} 户,一簿 {2} 条,未同步 {3} 条。"
            ).format(
                result.restored_from.name,
                result.households,
                result.ledger_entries,
                result.outbox_changes,
            )
            if result.safety_backup is not None:
                text += "\n" + QCoreApplication.translate(
                    "MainWindow", "恢复前的数据库已另存为 {0}"
                ).format(result.safety_backup.path)
            self.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "备份已恢复"), 15000
            )
            self._show_message(QCoreApplication.translate("MainWindow", "备份已恢复"), text)

        def failed(error: BaseException) -> None:
            self._show_message(
                QCoreApplication.translate("MainWindow", "无法重新打开数据库"),
                QCoreApplication.translate("MainWindow", "请关闭程序后重新启动:{0}").format(
                    error_text("reopening after a restore", error)
                ),
                warning=True,
            )

        self.runner.run(job, on_done=done, on_error=failed, serial=True)
        return True
