"""The end-of-day sync: progress per batch, cancel, and a receipt that can be printed.

``SyncDialog(db, runner, parent)`` shows what waits to be sent and, on 开始同步, runs the sync
engine as ``fieldbook sync`` does (``sync.client.SyncClient``: push the outbox in batches; ask
which villages are the laptop's now, drop one the county moved away once nothing of it is unsent
(``sync.reassign``) and download a newly assigned one by snapshot pages (``sync.provision``);
then pull the laptop's villages) in a ``SyncWorker`` moved to its own ``QThread`` (STYLE.md: a worker object for the long-lived
sync engine; the worker never touches a widget, signals carry progress and the result back).
取消 asks the engine to stop between batches: the batch in flight is finished and recorded,
never abandoned halfway, and what was not sent stays in the outbox for the next sync.

At the end the receipt shows sent, applied, merged, conflicts and refused (each refused change
with its reason), and says in plain words which villages came and which left the laptop; 打印回执 builds the receipt page (``sync.receipt``) in the task runner and
opens the print preview. A failure (no network, a revoked laptop) is one Chinese line; nothing
already saved is touched.

Short jobs (how much waits, the receipt PDF) go through the injected ``runner``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.errors import error_text
from desktop.ui.geometry import fit_window
from desktop.ui.style import apply_readable_font
from desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.store.db import Database

log = logging.getLogger(__name__)

ISSUE_STYLE = "color: #b71c1c; font-weight: bold;"
NEUTRAL_STYLE = "color: palette(window-text);"  # "" after ISSUE_STYLE would stay red
ISSUE_BAR_STYLE = "QProgressBar::chunk { background-color: #c62828; }"
GOOD_BAR_STYLE = "QProgressBar::chunk { background-color: palette(highlight); }"


def describe_issue(issue: Any) -> str:
    """户 <number> <head>(户主) · 成员 <name>: <field labels> — <why>, in the interface language."""
    from desktop.ui.form_fields import ENTITY_OF_TABLE, FIELD_LABELS

    if issue.household_number:
        who = QCoreApplication.translate("SyncDialog", "户 {0} {1}(户主)").format(
            issue.household_number,
            issue.head_name or QCoreApplication.translate("SyncDialog", "未填户主"),
        )
    else:
        who = QCoreApplication.translate("SyncDialog", "不属于任何农户的记录")
    if issue.member_name:
        who += QCoreApplication.translate("SyncDialog", " · 成员 {0}").format(issue.member_name)
    entity = ENTITY_OF_TABLE.get(issue.entity, issue.entity)
    labels = [  # bookkeeping columns without a label in the form are not named
        QCoreApplication.translate("FormFields", FIELD_LABELS[f"{entity}.{name}"])
        for name in issue.fields
        if f"{entity}.{name}" in FIELD_LABELS
    ]
    kind = (
        QCoreApplication.translate("SyncDialog", "被拒绝")
        if issue.kind == "refused"
        else QCoreApplication.translate("SyncDialog", "有冲突")
    )
    why = issue.message or (
        QCoreApplication.translate("SyncDialog", "已保留服务器的值,本机的值交乡镇审核员裁决")
        if issue.kind == "conflict"
        else QCoreApplication.translate("SyncDialog", "服务器没有说明原因")
    )
    fields = "、".join(labels[:6]) + ("…" if len(labels) > 6 else "")
    return QCoreApplication.translate("SyncDialog", "{0}:{1} {2} — {3}").format(
        who, fields or entity, kind, why
    )


RECEIPT_FIELDS = (
    ("sent", "上传"),
    ("applied", "已应用"),
    ("merged", "已合并"),
    ("duplicate", "重复"),
    ("conflicts", "冲突"),
    ("refused", "被拒"),
    ("pulled", "下载"),
)


def default_receipt_dir() -> Path:
    """Where printed receipts are kept: the user's data folder, never the app bundle."""
    from platformdirs import user_data_path

    return user_data_path("fieldbook", appauthor=False) / "receipts"


class SyncWorker(QObject):
    """The sync engine's side of the dialog, living in its own thread.

    ``run()`` pushes, releases and downloads villages, then pulls; ``batch(done, total)`` after
    each pushed batch, ``downloading(village, rows)`` after each snapshot page of a newly
    assigned village, ``pulling(village)`` while the feed of a village comes down, then exactly
    one of ``finished(receipt)`` (a dict, ``sync.rounds.receipt_payload`` plus context) or
    ``failed(code, message)``. ``cancel()`` may be called from any thread.
    """

    batch = Signal(int, int)
    downloading = Signal(str, int)
    pulling = Signal(str)
    finished = Signal(object)
    failed = Signal(str, str)

    def __init__(self, db: Database, client_options: dict[str, Any] | None = None) -> None:
        super().__init__()
        self._db = db
        self._options = client_options or {}
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Stop between batches (the batch in flight is finished and recorded)."""
        self._cancel.set()

    @Slot()
    def run(self) -> None:
        from sync.client import SyncClient
        from sync.client.transport import SyncError
        from sync.provision import download_villages
        from sync.reassign import release_villages
        from sync.rounds import receipt_payload

        started = datetime.now().astimezone()
        released: list[Any] = []
        downloaded: list[dict[str, Any]] = []
        try:
            with SyncClient(self._db, **self._options) as client:
                enrollment = client.enrollment()
                pushed = client.push(progress=self.batch.emit, cancel=self._cancel.is_set)
                pulled = None
                if not pushed.cancelled:
                    # after the push: what this laptop made of a village moved away is sent
                    assigned = client.status().villages
                    released = release_villages(self._db, assigned)
                    labels = dict(zip(assigned, client.village_labels(assigned), strict=False))
                    download = download_villages(
                        client,
                        progress=lambda code, rows: self.downloading.emit(
                            labels.get(code, code), rows
                        ),
                        cancel=self._cancel.is_set,
                    )
                    downloaded = [
                        {"village": code, "label": labels.get(code, code), "rows": rows}
                        for code, rows in download.rows.items()
                        if rows
                    ]
                    if not download.cancelled:
                        pulled = client.pull(
                            progress=lambda village, _cursor: self.pulling.emit(village),
                            cancel=self._cancel.is_set,
                        )
        except SyncError as exc:
            self.failed.emit(exc.code.value, exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - shown as one line, logged with its traceback
            self.failed.emit("INTERNAL", f"同步出错: {error_text('syncing', exc)}")
            return
        payload = receipt_payload(pushed, pulled)
        payload["reassigned"] = [{**asdict(r), "message": r.message} for r in released]
        payload["downloaded"] = downloaded
        payload.update(
            device=enrollment.name if enrollment else "",
            server=enrollment.server_url if enrollment else "",
            started_at=started.isoformat(timespec="seconds"),
            finished_at=datetime.now().astimezone().isoformat(timespec="seconds"),
        )
        self.finished.emit(payload)


def _pending_and_enrollment(db: Database) -> tuple[int, Any]:
    from sync.client import SyncClient

    client = SyncClient(db)
    return client.pending_count(), client.enrollment()


class SyncDialog(QDialog):
    """Sync this laptop with the county's server; see the module docstring.

    Signals: ``progressed(done, total)`` after each pushed batch, ``downloading(village, rows)``
    after each snapshot page of a newly assigned village, ``synced(receipt)`` after a
    sync finished (cancelled ones too), ``sync_failed(code, message)``, ``receipt_printed(path)``
    once the receipt PDF is written.
    """

    progressed = Signal(int, int)
    downloading = Signal(str, int)  # village, rows so far: a newly assigned village comes
    synced = Signal(object)
    issues_listed = Signal(object)  # the open sync issues (IssueView) after a sync
    enroll_requested = Signal()  # 登记本机… on a laptop not enrolled yet
    bundle_written = Signal(str)  # the USB bundle's path
    open_household_requested = Signal(str)  # household id
    sync_failed = Signal(str, str)
    receipt_printed = Signal(str)

    def __init__(
        self,
        db: Database,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        receipt_dir: Path | None = None,
        client_options: dict[str, Any] | None = None,
        preview: bool = True,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.runner = runner
        self.receipt_dir = receipt_dir
        self.client_options = client_options or {}
        self.preview = preview
        self.receipt: dict[str, Any] | None = None
        self.receipt_path: Path | None = None
        self._thread: QThread | None = None
        self._worker: SyncWorker | None = None
        self.setWindowTitle(self.tr("同步"))
        apply_readable_font(self)

        self.summary = QLabel(self.tr("正在读取…"))
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.counts: dict[str, QLabel] = {}
        receipt_box = QGroupBox(self.tr("回执"))
        counts = QGridLayout(receipt_box)  # four to a line: the refusals need the room
        for i, (key, label) in enumerate(RECEIPT_FIELDS):
            value = QLabel("–")
            value.setObjectName(f"count_{key}")
            self.counts[key] = value
            counts.addWidget(QLabel(self.tr(label) + ":"), i // 4, 2 * (i % 4))
            counts.addWidget(value, i // 4, 2 * (i % 4) + 1)
        self.refusals = QListWidget()
        self.refusals.setObjectName("sync.refusals")
        self.refusals.setWordWrap(True)
        self.refusals.setMinimumHeight(150)
        self.refusals.setVisible(False)
        self.refusals.itemActivated.connect(self._refusal_activated)
        self.refusals.currentItemChanged.connect(lambda *_a: self._update_open_button())
        self.open_button = QPushButton(self.tr("打开农户"))
        self.open_button.setToolTip(self.tr("打开所选修改所属的农户信息表"))
        self.open_button.setVisible(False)
        self.open_button.clicked.connect(
            lambda: self._refusal_activated(self.refusals.currentItem())
        )
        self.issues: list[Any] = []
        self.enrolled: bool | None = None

        self.start_button = QPushButton(self.tr("开始同步"))
        self.cancel_button = QPushButton(self.tr("取消"))
        self.print_button = QPushButton(self.tr("打印回执"))
        self.close_button = QPushButton(self.tr("关闭"))
        self.enroll_button = QPushButton(self.tr("登记本机…"))
        self.enroll_button.setVisible(False)
        self.enroll_button.clicked.connect(self.enroll_requested)
        self.bundle_button = QPushButton(self.tr("导出到U盘…"))
        self.bundle_button.setToolTip(
            self.tr("没有网络时:把待上传的修改导出为同步文件,用U盘带到乡镇导入")
        )
        self.bundle_button.setEnabled(False)
        self.bundle_button.clicked.connect(self.choose_bundle_path)
        self.cancel_button.setEnabled(False)
        self.print_button.setEnabled(False)
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.print_button.clicked.connect(self.print_receipt)
        self.close_button.clicked.connect(self.close)

        buttons = QHBoxLayout()
        for button in (
            self.start_button,
            self.cancel_button,
            self.print_button,
            self.open_button,
            self.enroll_button,
            self.bundle_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(receipt_box)
        layout.addWidget(self.refusals, 1)
        layout.addLayout(buttons)
        fit_window(self, (720, 640))
        self.refresh()

    # --- what waits -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read how many changes wait and where they go (in the task runner)."""

        def done(result: tuple[int, Any]) -> None:
            pending, enrollment = result
            if enrollment is None:
                self.summary.setText(
                    self.tr(
                        "本机尚未登记,还不能同步。请点“登记本机…”,输入或扫描县里发的登记码"
                        "(登记时需要联网)。登记以后,没有网络时也可以点“导出到U盘…”,"
                        "把修改带到乡镇导入。"
                    )
                )
                self.start_button.setEnabled(False)
                self.enroll_button.setVisible(True)
                self.bundle_button.setEnabled(False)
                self.enrolled = False
                return
            self.enrolled = True
            self.enroll_button.setVisible(False)
            self.bundle_button.setEnabled(pending > 0)
            self.summary.setText(
                self.tr("本机 {0}, 服务器 {1}\n待上传的修改: {2} 条").format(
                    enrollment.name, enrollment.server_url, pending
                )
            )

        self.runner.run(
            lambda: _pending_and_enrollment(self.db),
            on_done=done,
            on_error=lambda exc: self.summary.setText(
                self.tr("无法读取本机数据: {0}").format(
                    error_text("reading the pending changes", exc)
                )
            ),
        )

    # --- the sync -----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def start(self) -> None:
        """Start the sync in its worker thread."""
        if self._thread is not None:
            return
        self.receipt = None
        self.receipt_path = None
        self.refusals.clear()
        self.refusals.setVisible(False)
        self.open_button.setVisible(False)
        self.progress.setStyleSheet(GOOD_BAR_STYLE)
        self.status.setStyleSheet(NEUTRAL_STYLE)
        for value in self.counts.values():
            value.setText("–")
        self.progress.setRange(0, 0)  # busy until the first batch says how many
        self.status.setText(self.tr("正在连接服务器…"))
        self.start_button.setEnabled(False)
        self.print_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(self.tr("取消"))
        self.close_button.setEnabled(False)

        thread = QThread(self)
        worker = SyncWorker(self.db, self.client_options)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.batch.connect(self._on_batch)
        worker.downloading.connect(self._on_downloading)
        worker.pulling.connect(self._on_pulling)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        # QThread.quit is thread-safe: the worker's thread ends as soon as the work does, even
        # while the GUI thread is busy (or waiting for it)
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        worker.failed.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        thread.finished.connect(self._on_thread_done)
        self._thread, self._worker = thread, worker
        thread.start()

    def cancel(self) -> None:
        """Ask the engine to stop after the batch in flight."""
        if self._worker is not None:
            self._worker.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText(self.tr("正在取消…"))
            self.status.setText(self.tr("正在取消: 这一批传完就停"))

    @Slot(int, int)
    def _on_batch(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(self.tr("已上传 {0} / {1} 条修改").format(done, total))
        self.progressed.emit(done, total)

    @Slot(str, int)
    def _on_downloading(self, village: str, rows: int) -> None:
        self.progress.setRange(0, 0)
        self.status.setText(self.tr("正在下载新分配的村 {0}:已下载 {1} 条").format(village, rows))
        self.downloading.emit(village, rows)

    @Slot(str)
    def _on_pulling(self, village: str) -> None:
        self.progress.setRange(0, 0)
        self.status.setText(self.tr("正在下载村 {0} 的修改…").format(village))

    @Slot(object)
    def _on_finished(self, receipt: dict[str, Any]) -> None:
        self.receipt = receipt
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        for key, value in self.counts.items():
            value.setText(str(receipt.get(key, "–")))
        refused, conflicts = int(receipt.get("refused") or 0), int(receipt.get("conflicts") or 0)
        parts = []
        if refused or conflicts:
            # Said plainly, never as 同步完成 on a green bar (issue 15).
            parts.append(self.tr("同步没有全部成功。"))
            if refused:
                parts.append(
                    self.tr(
                        "{0} 条修改被服务器拒绝,没有进入县里的数据库,请逐户处理(见下面的列表)。"
                    ).format(refused)
                )
            if conflicts:
                parts.append(
                    self.tr(
                        "{0} 条修改与服务器上的修改冲突:保留了服务器的值,"
                        "本机的值已交乡镇审核员裁决。"
                    ).format(conflicts)
                )
            parts.append(self.tr("这些问题会一直列在“同步 → 同步问题”里,直到处理完。"))
            self.status.setStyleSheet(ISSUE_STYLE)
            self.progress.setStyleSheet(ISSUE_BAR_STYLE)
        if receipt.get("cancelled"):
            parts.append(self.tr("同步已取消: 已传的修改已记下, 其余修改下次同步时上传"))
        elif not (refused or conflicts):
            parts.append(self.tr("同步完成"))
        for village in receipt.get("downloaded") or ():
            parts.append(
                self.tr("新分配给本机的村 {0} 已下载({1} 条)").format(
                    village["label"], village["rows"]
                )
            )
        parts += [release["message"] for release in receipt.get("reassigned") or ()]
        self.status.setText("\n".join(parts))
        self.print_button.setEnabled(True)
        self._record_issues(receipt)
        self.synced.emit(receipt)

    def _record_issues(self, receipt: dict[str, Any]) -> None:
        """Keep the refused and conflicting changes in the sync history, then list them."""
        refusals = list(receipt.get("refusals") or [])
        db = self.db

        def job() -> list[Any]:
            from desktop.store.sync_history import open_sync_issues, record_sync_issues

            def record() -> None:
                with db.session() as session:
                    record_sync_issues(session, refusals, now=datetime.now())
                    session.commit()

            db.writer.call(record)
            with db.session() as session:
                return open_sync_issues(session)

        def listed(issues: list[Any]) -> None:
            self.show_issues(issues)
            self.issues_listed.emit(issues)

        def failed(error: BaseException) -> None:
            log.error("recording the sync issues failed", exc_info=error)
            for refusal in refusals:  # still named, if less well
                self.refusals.addItem(f"{refusal.get('message') or ''}")
            self.refusals.setVisible(bool(refusals))

        self.runner.run(job, on_done=listed, on_error=failed, serial=True)

    def show_issues(self, issues: list[Any]) -> None:
        """List open sync issues by household number, head, member and field."""
        self.issues = list(issues)
        self.refusals.clear()
        for issue in issues:
            item = QListWidgetItem(describe_issue(issue))
            item.setData(Qt.ItemDataRole.UserRole, issue.household_id)
            self.refusals.addItem(item)
        self.refusals.setVisible(bool(issues))
        self.open_button.setVisible(bool(issues))
        if issues:
            self.refusals.setCurrentRow(0)
        self._update_open_button()

    def _update_open_button(self) -> None:
        item = self.refusals.currentItem()
        self.open_button.setEnabled(item is not None and bool(item.data(Qt.ItemDataRole.UserRole)))

    def _refusal_activated(self, item: QListWidgetItem | None) -> None:
        household_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if household_id:
            self.open_household_requested.emit(str(household_id))

    @Slot(str, str)
    def _on_failed(self, code: str, message: str) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setStyleSheet(ISSUE_STYLE)
        if code == "NETWORK":  # the operating system's words ("[Errno 111] …") help nobody here
            message = self.tr(
                "无法连接服务器(县服务器)。请检查网络(网线、Wi-Fi 或手机热点)后再试;"
                "没有网络时,可以点“导出到U盘…”,把修改带到乡镇导入"
            )
        elif code == "NOT_ENROLLED":
            message = self.tr("本机尚未登记,请先点“登记本机…”")
            self.enroll_button.setVisible(True)
        self.status.setText(
            self.tr("同步没有完成: {0}\n本机保存的内容都还在, 可以稍后再同步。").format(message)
        )
        self.sync_failed.emit(code, message)

    # --- the USB bundle -----------------------------------------------------------------------

    def choose_bundle_path(self) -> None:
        """Ask where to write the bundle (a USB stick), then write it."""
        from PySide6.QtWidgets import QFileDialog

        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        path, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("导出同步文件"),
            str(Path.home() / f"fieldbook-{stamp}.fbb"),
            self.tr("同步文件 (*.fbb)"),
        )
        if path:
            self.export_bundle(Path(path))

    def export_bundle(self, path: Path) -> None:
        """Write the pending changes as a signed bundle at ``path`` (in the task runner)."""
        db, options = self.db, dict(self.client_options)

        def job() -> Any:
            from sync.client import SyncClient

            with SyncClient(db, **options) as client:
                return client.export_bundle(path)

        def done(summary: Any) -> None:
            if summary is None:
                self.status.setText(self.tr("没有待上传的修改,不需要导出"))
                return
            self.status.setStyleSheet(NEUTRAL_STYLE)
            self.status.setText(
                self.tr(
                    "已导出 {0} 条修改到 {1}。请把文件带到乡镇导入;下次联网同步时会自动确认。"
                ).format(getattr(summary, "changes", "?"), path)
            )
            self.bundle_written.emit(str(path))

        def failed(error: BaseException) -> None:
            self.status.setStyleSheet(ISSUE_STYLE)
            self.status.setText(self.tr("没有导出: {0}").format(getattr(error, "message", error)))

        self.runner.run(job, on_done=done, on_error=failed, serial=True)

    @Slot()
    def _on_thread_done(self) -> None:
        if self._worker is not None:
            self._worker.deleteLater()
        if self._thread is not None:
            self._thread.deleteLater()
        self._thread, self._worker = None, None
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(self.tr("取消"))
        self.start_button.setEnabled(True)
        self.start_button.setText(self.tr("再次同步"))
        self.close_button.setEnabled(True)
        self.refresh()

    # --- the receipt --------------------------------------------------------------------------

    def print_receipt(self) -> None:
        """Build the receipt PDF (task runner), then open the print preview."""
        if self.receipt is None:
            return
        folder = self.receipt_dir or default_receipt_dir()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = folder / f"同步回执-{stamp}.pdf"
        receipt = dict(self.receipt)

        def build() -> Path:
            from sync.receipt import build_receipt_pdf

            folder.mkdir(parents=True, exist_ok=True)
            build_receipt_pdf(receipt, path)
            return path

        def done(built: Path) -> None:
            self.receipt_path = built
            self.receipt_printed.emit(str(built))
            if self.preview:
                from desktop.ui.print_preview import PdfPrintPreview

                PdfPrintPreview(built, self).exec()

        self.runner.run(
            build,
            on_done=done,
            on_error=lambda exc: self.status.setText(
                self.tr("回执没有生成: {0}").format(error_text("building a receipt", exc))
            ),
        )

    # --- closing --------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """While a sync runs the dialog stays: it may be cancelled, not abandoned."""
        if self.running:
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the worker thread has ended (for shutdown and tests)."""
        thread = self._thread
        return True if thread is None else thread.wait(msecs)
