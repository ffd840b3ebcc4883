"""Issue 15 (3): a sync with refusals says so plainly, names each refusal by household, person
and field, and keeps it listed in the sync history until someone deals with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from sqlalchemy import event

from desktop.ui.sync_dialog import SyncDialog
from desktop.ui.sync_history import SyncHistoryDialog
from desktop.ui.tasks import ImmediateTaskRunner
from tests.sync.conftest import (
    EAST,
    WEST,
    LaptopFactory,
    LiveServer,
    _empty,
    _start,
    laptop_template,
)

SYNC_TIMEOUT_MS = 30_000
NUMBER = "6104241002020001"


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
def refused_laptop(tmp_path: Path, template: Path, server: LiveServer):
    """A laptop enrolled for 东街村 that saved a household of 西街村: the server refuses it."""
    factory = LaptopFactory(tmp_path, lambda _demo: template)
    laptop = factory("东街-1", server, villages=[EAST])
    laptop.create_household(NUMBER, village=WEST, head="张建国")
    yield laptop
    factory.close()


def sync(qtbot, laptop, tmp_path: Path) -> SyncDialog:
    dialog = SyncDialog(
        laptop.db,
        ImmediateTaskRunner(),
        receipt_dir=tmp_path / "receipts",
        client_options={"sleep": lambda _s: None},
        preview=False,
    )
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.synced, timeout=SYNC_TIMEOUT_MS):
        dialog.start()
    dialog.wait()
    QApplication.processEvents()
    return dialog


def test_a_sync_with_refusals_says_so_and_never_says_done(qtbot, refused_laptop, tmp_path) -> None:
    dialog = sync(qtbot, refused_laptop, tmp_path)
    text = dialog.status.text()
    assert "同步完成" not in text
    assert "被服务器拒绝" in text
    assert "#c62828" in dialog.progress.styleSheet()  # not the green bar of a good sync


def test_each_refusal_is_named_by_household_number_head_and_field(
    qtbot, refused_laptop, tmp_path
) -> None:
    dialog = sync(qtbot, refused_laptop, tmp_path)
    lines = [dialog.refusals.item(i).text() for i in range(dialog.refusals.count())]
    assert dialog.refusals.isVisible() or not dialog.isVisible()
    assert lines, "the refused changes are listed"
    assert all(NUMBER in line and "张建国" in line for line in lines)
    assert not any("households" in line or "members" in line for line in lines)
    assert any("姓名" in line for line in lines)  # the member's fields, by their labels
    assert any("成员 李秀英" in line for line in lines)  # the person, not only the household


def test_the_refusals_stay_listed_until_dealt_with_and_open_their_household(
    qtbot, refused_laptop, tmp_path
) -> None:
    sync(qtbot, refused_laptop, tmp_path).close()
    history = SyncHistoryDialog(refused_laptop.db, ImmediateTaskRunner(), actor="王芳")
    qtbot.addWidget(history)
    count = history.list.count()
    assert count == 4
    assert "4 条修改没有被服务器接受" in history.summary.text()
    with qtbot.waitSignal(history.open_household_requested) as opened:
        history.open_button.click()
    assert opened.args[0] == history.issues[0].household_id
    history.resolve_button.click()
    assert history.list.count() == count - 1
    # Syncing again does not bring a dealt-with refusal back.
    sync(qtbot, refused_laptop, tmp_path).close()
    history.reload()
    assert history.list.count() == count - 1


# --- no network, not enrolled ---------------------------------------------------------------------


def test_a_network_failure_is_one_chinese_line_that_offers_the_usb_bundle(
    qtbot, refused_laptop, tmp_path
) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    from desktop.store.models import Setting
    from sync.client.transport import SETTING_SERVER_URL

    with refused_laptop.db.session() as session:  # the township's server is out of reach
        session.get(Setting, SETTING_SERVER_URL).value = dead
        session.commit()
    dialog = SyncDialog(
        refused_laptop.db,
        ImmediateTaskRunner(),
        receipt_dir=tmp_path / "receipts",
        client_options={"sleep": lambda _s: None, "max_attempts": 1},
        preview=False,
    )
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.sync_failed, timeout=SYNC_TIMEOUT_MS) as failed:
        dialog.start()
    dialog.wait()
    assert failed.args[0] == "NETWORK"
    text = dialog.status.text()
    assert "Errno" not in text and "refused" not in text.lower()
    assert "无法连接服务器" in text and "U盘" in text
    assert dialog.bundle_button.isEnabled()
    out = tmp_path / "day.fbb"
    with qtbot.waitSignal(dialog.bundle_written):
        dialog.export_bundle(out)
    assert out.stat().st_size > 0


def test_a_laptop_not_enrolled_is_offered_enrolment_and_told_of_the_usb_bundle(
    qtbot, tmp_path, template
) -> None:
    factory = LaptopFactory(tmp_path, lambda _demo: template)
    try:
        laptop = factory("未登记")
        dialog = SyncDialog(laptop.db, ImmediateTaskRunner(), preview=False)
        qtbot.addWidget(dialog)
        dialog.show()
        assert not dialog.start_button.isEnabled()
        assert dialog.enroll_button.isVisible()
        assert "登记本机" in dialog.summary.text() and "U盘" in dialog.summary.text()
        with qtbot.waitSignal(dialog.enroll_requested):
            dialog.enroll_button.click()
    finally:
        factory.close()


def test_recording_and_resolving_the_refusals_commit_on_the_databases_one_writer(
    qtbot, refused_laptop, tmp_path
) -> None:
    """The sync dialog's record of the refusals and the history's 已处理 each commit on
    ``Database.writer``'s thread, like every other write of the laptop (issue 13, item 3)."""
    db = refused_laptop.db
    on_writer: list[bool] = []
    event.listen(db.engine, "commit", lambda _conn: on_writer.append(db.writer.on_writer_thread()))

    dialog = sync(qtbot, refused_laptop, tmp_path)
    qtbot.waitUntil(lambda: dialog.refusals.count() > 0, timeout=SYNC_TIMEOUT_MS)
    dialog.close()
    recorded = len(on_writer)
    history = SyncHistoryDialog(db, ImmediateTaskRunner(), actor="王芳")
    qtbot.addWidget(history)
    count = history.list.count()
    history.resolve_button.click()

    assert history.list.count() == count - 1  # the resolve did write
    assert recorded > 0 and len(on_writer) > recorded
    assert all(on_writer), on_writer
