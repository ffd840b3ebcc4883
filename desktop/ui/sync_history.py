"""同步 → 同步问题: every refused or conflicting change, listed until someone deals with it.

Each line names the household (number and head), the member and the fields, and why; 打开农户
opens the household's form, 已处理 takes the line off the open list (it stays in the history,
shown with 显示已处理的).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.errors import error_text
from desktop.ui.geometry import fit_window
from desktop.ui.style import apply_readable_font
from desktop.ui.sync_dialog import describe_issue
from desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:  # the store loads SQLAlchemy
    from desktop.store.db import Database

HOUSEHOLD_ROLE = Qt.ItemDataRole.UserRole
CHANGE_ROLE = Qt.ItemDataRole.UserRole + 1


class SyncHistoryDialog(QDialog):
    """The open sync issues of this laptop; ``open_household_requested(id)`` asks for a form."""

    open_household_requested = Signal(str)
    changed = Signal(int)  # how many issues are still open

    def __init__(
        self,
        db: Database,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        actor: str = "",
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.runner = runner
        self.actor = actor
        self.issues: list[Any] = []
        self.setWindowTitle(self.tr("同步问题"))
        apply_readable_font(self)

        self.summary = QLabel(self.tr("正在读取…"))
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("sync_history.list")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._open)
        self.list.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.show_resolved = QCheckBox(self.tr("显示已处理的"))
        self.show_resolved.toggled.connect(lambda _on: self.reload())
        self.open_button = QPushButton(self.tr("打开农户"))
        self.open_button.clicked.connect(lambda: self._open(self.list.currentItem()))
        self.resolve_button = QPushButton(self.tr("已处理"))
        self.resolve_button.setToolTip(
            self.tr("已在表单里改正并重新保存,或已与乡镇审核员核实:从待处理的列表中去掉")
        )
        self.resolve_button.clicked.connect(self.resolve_current)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)

        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.resolve_button)
        buttons.addWidget(self.show_resolved)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        fit_window(self, (900, 520))
        self.reload()

    def reload(self) -> None:
        """Read the issues again (in the task runner)."""
        db, include = self.db, self.show_resolved.isChecked()

        def job() -> list[Any]:
            from desktop.store.sync_history import sync_issues

            with db.session() as session:
                return sync_issues(session, include_resolved=include)

        self.runner.run(job, on_done=self._show, on_error=self._failed)

    def _show(self, issues: list[Any]) -> None:
        self.issues = issues
        self.list.clear()
        open_count = 0
        for issue in issues:
            text = describe_issue(issue)
            if issue.resolved_at is not None:
                text = self.tr("(已处理)") + text
            else:
                open_count += 1
            item = QListWidgetItem(text)
            item.setData(HOUSEHOLD_ROLE, issue.household_id)
            item.setData(CHANGE_ROLE, issue.change_id)
            self.list.addItem(item)
        if open_count:
            self.summary.setText(
                self.tr(
                    "有 {0} 条修改没有被服务器接受。请打开农户改正后重新保存并同步,"
                    "或与乡镇审核员核实后标为已处理。"
                ).format(open_count)
            )
        else:
            self.summary.setText(self.tr("没有待处理的同步问题。"))
        if issues:
            self.list.setCurrentRow(0)
        self._update_buttons()
        self.changed.emit(open_count)

    def _failed(self, error: BaseException) -> None:
        self.summary.setText(
            self.tr("无法读取同步记录:{0}").format(error_text("reading the sync history", error))
        )

    def _update_buttons(self) -> None:
        item = self.list.currentItem()
        self.open_button.setEnabled(item is not None and bool(item.data(HOUSEHOLD_ROLE)))
        resolved = False
        if item is not None:
            change = item.data(CHANGE_ROLE)
            resolved = any(i.change_id == change and i.resolved_at is not None for i in self.issues)
        self.resolve_button.setEnabled(item is not None and not resolved)

    def _open(self, item: QListWidgetItem | None) -> None:
        household_id = item.data(HOUSEHOLD_ROLE) if item is not None else None
        if household_id:
            self.open_household_requested.emit(str(household_id))

    def resolve_current(self) -> None:
        """Mark the selected issue dealt with."""
        item = self.list.currentItem()
        if item is None:
            return
        change_id, db, actor = str(item.data(CHANGE_ROLE)), self.db, self.actor

        def job() -> bool:
            from desktop.store.sync_history import resolve_sync_issue

            def resolve() -> bool:
                with db.session() as session:
                    done = resolve_sync_issue(session, change_id, actor=actor, now=datetime.now())
                    session.commit()
                    return done

            return db.writer.call(resolve)

        self.runner.run(
            job, on_done=lambda _done: self.reload(), on_error=self._failed, serial=True
        )
