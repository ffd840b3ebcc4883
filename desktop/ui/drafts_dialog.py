"""农户 → 我的草稿: the forms this person kept as drafts (not saved, not synced), to finish.

A draft is kept when required fields are still empty, by the autosave, or at a lock; it is only
on this laptop, not in the household book and not in the outbox. Opening one brings the form
back as it was left.
"""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
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
from desktop.ui.tasks import TaskRunner, in_session

if TYPE_CHECKING:  # the store loads SQLAlchemy
    from desktop.store.db import Database

DRAFT_ROLE = Qt.ItemDataRole.UserRole


class DraftsDialog(QDialog):
    """The drafts of ``actor``, newest first; ``open_requested(draft)`` asks for its form."""

    open_requested = Signal(object)  # DraftData

    def __init__(
        self, db: Database, runner: TaskRunner, actor: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.runner = runner
        self.actor = actor
        self.drafts: list[Any] = []
        self.setWindowTitle(self.tr("我的草稿"))
        apply_readable_font(self)
        self.summary = QLabel(self.tr("正在读取…"))
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("drafts.list")
        self.list.itemActivated.connect(self._open)
        self.open_button = QPushButton(self.tr("打开并接着填"))
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(lambda: self._open(self.list.currentItem()))
        close = QPushButton(self.tr("关闭"))
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        fit_window(self, (640, 420))
        self.reload()

    def reload(self) -> None:
        """Read this person's drafts (in the task runner)."""
        from desktop.store.drafts import list_drafts

        self.runner.run(
            in_session(self.db, list_drafts, user_name=self.actor),
            on_done=self._show,
            on_error=lambda error: self.summary.setText(
                self.tr("读取草稿失败:{0}").format(error_text("listing drafts", error))
            ),
        )

    def _show(self, drafts: list[Any]) -> None:
        self.drafts = drafts
        self.list.clear()
        for draft in drafts:
            title = draft.payload.get("meta", {}).get("title") or self.tr("新建农户")
            when = draft.saved_at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
            item = QListWidgetItem(self.tr("{0}(草稿,{1} 存,未保存、未同步)").format(title, when))
            item.setData(DRAFT_ROLE, draft)
            self.list.addItem(item)
        if drafts:
            self.summary.setText(
                self.tr(
                    "您有 {0} 份草稿:只在本机,还没有保存进户簿,也不会同步。打开后填完再保存。"
                ).format(len(drafts))
            )
            self.list.setCurrentRow(0)
        else:
            self.summary.setText(self.tr("没有草稿:所有表单都已保存。"))
        self.open_button.setEnabled(bool(drafts))

    def _open(self, item: QListWidgetItem | None) -> None:
        draft = item.data(DRAFT_ROLE) if item is not None else None
        if draft is not None:
            self.open_requested.emit(draft)
            self.accept()
