"""The sync dialog and the enrollment dialog, offscreen, against a real server on 127.0.0.1:
progress per batch from the worker thread, cancel between batches, the receipt read back from
its PDF, a failure in one line, the enrollment code typed or scanned."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from desktop.store.models import OutboxChange, Setting
from desktop.ui.enroll_dialog import EnrollDialog
from desktop.ui.sync_dialog import SyncDialog
from desktop.ui.tasks import ImmediateTaskRunner
from sync.client.transport import SETTING_DEVICE_ID, SETTING_SERVER_URL
from sync.rounds import run_sync
from tests.sync.conftest import (
    EAST,
    WEST,
    LaptopFactory,
    LiveServer,
    _empty,
    _start,
    laptop_template,
)
from tests.sync.test_provision import seed_registry
from tests.sync.test_reassign import households_in, reassign

SYNC_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def module_server(tmp_path_factory) -> Iterator[LiveServer]:
    live = _start(f"sqlite:///{tmp_path_factory.mktemp('server') / 'server.db'}")
    yield live
    live.server.should_exit = True
    live.thread.join(15)


@pytest.fixture
def server(module_server: LiveServer) -> LiveServer:
    _empty(module_server)
    return module_server


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return laptop_template(tmp_path_factory.mktemp("laptop"))


@pytest.fixture
def make_laptop(tmp_path: Path, template: Path) -> Iterator[LaptopFactory]:
    """Laptops with the county's division tree, as in tests/sync (``LaptopFactory``)."""
    factory = LaptopFactory(tmp_path, lambda _demo: template)
    yield factory
    factory.close()


def states(laptop) -> list[str]:
    with laptop.db.session() as session:
        return list(session.scalars(select(OutboxChange.state).order_by(OutboxChange.device_seq)))


def open_dialog(qtbot, laptop, tmp_path: Path, **options) -> SyncDialog:
    dialog = SyncDialog(
        laptop.db,
        ImmediateTaskRunner(),
        receipt_dir=tmp_path / "receipts",
        client_options={"sleep": lambda _s: None, **options},
        preview=False,
    )
    qtbot.addWidget(dialog)
    return dialog


def test_the_sync_runs_in_a_worker_thread_with_progress_per_batch_and_a_receipt(
    qtbot, server, make_laptop, tmp_path
):
    laptop = make_laptop("东街-1", server)
    for k in range(2):
        laptop.create_household(f"610424100201000{k}", seq=k)
    dialog = open_dialog(qtbot, laptop, tmp_path, batch_size=3)
    batches: list[tuple[int, int]] = []
    dialog.progressed.connect(lambda done, total: batches.append((done, total)))
    assert "待上传的修改: 8 条" in dialog.summary.text()

    with qtbot.waitSignal(dialog.synced, timeout=SYNC_TIMEOUT_MS) as synced:
        dialog.start()
        assert dialog._worker.thread() is not QApplication.instance().thread()
        assert not dialog.close_button.isEnabled()
    dialog.wait()

    receipt = synced.args[0]
    assert batches == [(3, 8), (6, 8), (8, 8)]
    assert (receipt["sent"], receipt["applied"], receipt["refused"], receipt["device"]) == (
        8,
        8,
        0,
        "东街-1",
    )
    assert dialog.counts["applied"].text() == "8" and dialog.counts["conflicts"].text() == "0"
    assert dialog.status.text() == "同步完成"
    assert dialog.print_button.isEnabled()
    assert states(laptop) == ["acked"] * 8
    qtbot.waitUntil(lambda: "待上传的修改: 0 条" in dialog.summary.text())
    dialog.grab().save(str(tmp_path / "sync-dialog.png"))


def test_cancel_stops_between_batches_and_the_rest_waits_for_the_next_sync(
    qtbot, server, make_laptop, tmp_path
):
    laptop = make_laptop("东街-1", server)
    for k in range(2):
        laptop.create_household(f"610424100201000{k}", seq=k)
    dialog = open_dialog(qtbot, laptop, tmp_path, batch_size=3)
    dialog.progressed.connect(lambda done, _total: dialog.cancel() if done == 3 else None)

    with qtbot.waitSignal(dialog.synced, timeout=SYNC_TIMEOUT_MS) as synced:
        dialog.start()
    dialog.wait()

    # the flag is seen before the next batch: the one in flight when it was set is finished
    sent = synced.args[0]["sent"]
    assert synced.args[0]["cancelled"] and sent in (3, 6)
    assert states(laptop) == ["acked"] * sent + ["pending"] * (8 - sent)
    assert "下次同步时上传" in dialog.status.text()
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled())
    with qtbot.waitSignal(dialog.synced, timeout=SYNC_TIMEOUT_MS) as again:
        dialog.start()
    dialog.wait()
    assert again.args[0]["applied"] == 8 - sent and states(laptop) == ["acked"] * 8


def test_the_receipt_prints_as_a_page_with_the_counts(qtbot, server, make_laptop, tmp_path):
    laptop = make_laptop("东街-1", server)
    laptop.create_household("6104241002010001")
    dialog = open_dialog(qtbot, laptop, tmp_path)
    with qtbot.waitSignal(dialog.synced, timeout=SYNC_TIMEOUT_MS):
        dialog.start()
    dialog.wait()

    with qtbot.waitSignal(dialog.receipt_printed, timeout=SYNC_TIMEOUT_MS) as printed:
        dialog.print_receipt()

    path = Path(printed.args[0])
    text = PdfReader(path).pages[0].extract_text()
    assert path.parent == tmp_path / "receipts" and path.name.startswith("同步回执-")
    assert "同步回执" in text and "东街-1" in text and server.url in text
    for label in ("上传修改", "已应用", "已合并", "冲突", "被拒", "审核人"):
        assert label in text
    assert "4" in text


def test_a_failed_sync_says_why_in_one_line_and_keeps_every_change(
    qtbot, server, make_laptop, tmp_path
):
    laptop = make_laptop("东街-1", server)
    laptop.create_household("6104241002010001")
    with laptop.db.session() as session:
        session.merge(Setting(key=SETTING_SERVER_URL, value="http://127.0.0.1:9"))
        session.commit()
    dialog = open_dialog(qtbot, laptop, tmp_path, max_attempts=1)

    with qtbot.waitSignal(dialog.sync_failed, timeout=SYNC_TIMEOUT_MS) as failed:
        dialog.start()
    dialog.wait()

    assert failed.args[0] == "NETWORK"
    assert "无法连接服务器" in dialog.status.text() and "都还在" in dialog.status.text()
    assert not dialog.print_button.isEnabled()
    assert states(laptop) == ["pending"] * 4


def test_a_laptop_that_has_not_enrolled_is_sent_to_enroll_first(qtbot, make_laptop, tmp_path):
    laptop = make_laptop("未登记")
    dialog = open_dialog(qtbot, laptop, tmp_path)

    assert "尚未登记" in dialog.summary.text()
    assert not dialog.start_button.isEnabled()


# --- enrollment ---------------------------------------------------------------------------------


def test_a_scanned_enrollment_code_enrolls_the_laptop_on_enter(
    qtbot, server, make_laptop, tmp_path
):
    laptop = make_laptop("新电脑")
    dialog = EnrollDialog(laptop.db, runner=ImmediateTaskRunner())
    qtbot.addWidget(dialog)
    assert "尚未登记" in dialog.current.text()
    dialog.code.setText(server.enrollment_code("东街-3", [EAST]))  # what the scanner typed

    with qtbot.waitSignal(dialog.enrolled, timeout=SYNC_TIMEOUT_MS) as enrolled:
        qtbot.keyClick(dialog.code, Qt.Key.Key_Return)

    assert enrolled.args[0].name == "东街-3"
    assert "已登记为 东街-3" in dialog.message.text()
    assert f"{EAST} 东街村" in dialog.message.text()
    assert dialog.code.text() == "" and dialog.close_button.text() == "完成"
    with laptop.db.session() as session:
        assert session.get(Setting, SETTING_DEVICE_ID).value == enrolled.args[0].device_id
    dialog.grab().save(str(tmp_path / "enroll-dialog.png"))


def test_a_wrong_or_used_code_is_refused_in_one_line_and_nothing_is_written(
    qtbot, server, make_laptop
):
    first = make_laptop("甲")
    second = make_laptop("乙")
    code = server.enrollment_code("东街-3", [EAST])
    first.client.enroll(code)
    dialog = EnrollDialog(second.db, runner=ImmediateTaskRunner())
    qtbot.addWidget(dialog)
    failures: list[str] = []
    dialog.enroll_failed.connect(failures.append)

    dialog.code.setText("FBE1:%%%不是登记码")
    dialog.enroll()
    dialog.code.setText(code)
    dialog.enroll()
    dialog.code.setText("")
    dialog.enroll()

    assert [
        ("登记码无效" in failures[0]),
        ("已被使用" in failures[1]),
        ("请先" in failures[2]),
    ] == [
        True,
        True,
        True,
    ]
    assert dialog.message.text().startswith("没有登记")
    assert second.client.enrollment() is None


def test_the_dialog_downloads_a_newly_assigned_village_and_releases_a_moved_one(
    qtbot, server, make_laptop, tmp_path
):
    ids = seed_registry(server, east=2, west=3)
    a = make_laptop("A", server, villages=[EAST, WEST])
    b = make_laptop("B", server, villages=[EAST])
    run_sync(a.db)
    run_sync(b.db)
    reassign(server, a, [EAST])
    reassign(server, b, [EAST, WEST])

    dialog = open_dialog(qtbot, b, tmp_path, batch_size=3)
    seen: list[tuple[str, int]] = []
    dialog.downloading.connect(lambda label, rows: seen.append((label, rows)))
    with qtbot.waitSignal(dialog.synced, timeout=SYNC_TIMEOUT_MS) as synced:
        dialog.start()
    dialog.wait()
    received = synced.args[0]
    assert received["downloaded"] == [
        {"village": WEST, "label": f"{WEST} 西街村", "rows": received["downloaded"][0]["rows"]}
    ]
    assert households_in(b, ids[WEST]) == 3
    assert seen and seen[-1][0] == f"{WEST} 西街村" and seen[-1][1] > 0
    assert f"新分配给本机的村 {WEST} 西街村 已下载" in dialog.status.text()
    assert "同步完成" in dialog.status.text()
    dialog.print_receipt()
    qtbot.waitUntil(lambda: dialog.receipt_path is not None)
    printed = "".join(p.extract_text() for p in PdfReader(dialog.receipt_path).pages)
    assert "西街村 已下载" in printed.replace("\n", "")

    other = open_dialog(qtbot, a, tmp_path)
    with qtbot.waitSignal(other.synced, timeout=SYNC_TIMEOUT_MS) as moved:
        other.start()
    other.wait()
    [release] = moved.args[0]["reassigned"]
    assert release["village"] == WEST and release["removed"]
    assert households_in(a, ids[WEST]) == 0 and households_in(a, ids[EAST]) == 2
    assert "已改派给其他笔记本,本机数据已移除(3 户)" in other.status.text()
