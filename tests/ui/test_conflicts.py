"""The township reviewer's conflict screen, offscreen, against a real server: the table shows
field, base, theirs, mine, who and when; a decision by picking or typing reaches the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, select

from desktop.store.models import Household
from desktop.ui.conflicts import COLUMNS, ConflictsWindow
from desktop.ui.tasks import ImmediateTaskRunner
from sync.server.models import Conflict
from tests.sync.conftest import EAST, LaptopFactory, LiveServer, _empty, _start, laptop_template


@pytest.fixture(scope="module")
def module_server(tmp_path_factory) -> Iterator[LiveServer]:
    live = _start(f"sqlite:///{tmp_path_factory.mktemp('server') / 'server.db'}")
    yield live
    live.server.should_exit = True
    live.thread.join(15)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return laptop_template(tmp_path_factory.mktemp("laptop"))


@pytest.fixture
def make_laptop(tmp_path: Path, template: Path) -> Iterator[LaptopFactory]:
    factory = LaptopFactory(tmp_path, lambda _demo: template)
    yield factory
    factory.close()


@pytest.fixture
def conflict(module_server, make_laptop):
    """东街-1 and 东街-2 set one household's phone to two numbers; (server, household id)."""
    server = module_server
    _empty(server)
    a = make_laptop("东街-1", server)
    b = make_laptop("东街-2", server)
    saved = a.create_household("6104241002010001")
    a.client.push()
    b.client.pull()
    a.edit(saved.household_id, lambda h: setattr(h, "phone", "13711111111"))
    b.edit(saved.household_id, lambda h: setattr(h, "phone", "13622222222"))
    a.client.push()
    b.client.push()
    return server, saved.household_id


def cells(window: ConflictsWindow, row: int = 0) -> dict[str, str]:
    model = window.model
    return {COLUMNS[c][1]: model.data(model.index(row, c)) for c in range(model.columnCount())}


def open_window(qtbot, laptop) -> ConflictsWindow:
    window = ConflictsWindow(laptop.db, ImmediateTaskRunner(), actor="李审核")
    qtbot.addWidget(window)
    return window


def test_the_reviewer_sees_field_base_theirs_mine_who_and_when(
    qtbot, qtmodeltester, conflict, make_laptop, tmp_path
):
    server, _household_id = conflict
    reviewer = make_laptop("城关审核", server, role="reviewer")
    reviewer.client.pull()

    window = open_window(qtbot, reviewer)

    qtmodeltester.check(window.model)
    shown = cells(window)
    assert (shown["村"], shown["户编号"], shown["户主"], shown["字段"]) == (
        "东街村",
        "6104241002010001",
        "张建国",
        "户·联系电话",
    )
    assert (shown["原值"], shown["服务器值"], shown["提交值"]) == (
        "13900000000",
        "13711111111",
        "13622222222",
    )
    assert shown["谁、何时"].startswith("东街-1 20") and shown["提交人、时间"].startswith(
        "东街-2 20"
    )
    assert window.count.text() == "待裁决: 1 条"
    assert (
        "13711111111" in window.keep_server.text() and "13622222222" in window.take_incoming.text()
    )
    window.show()
    window.grab().save(str(tmp_path / "conflicts.png"))


def test_taking_the_submitted_value_resolves_it_on_the_server(qtbot, conflict, make_laptop):
    server, household_id = conflict
    reviewer = make_laptop("城关审核", server, role="reviewer")
    window = open_window(qtbot, reviewer)
    window.take_incoming.setChecked(True)

    with qtbot.waitSignal(window.resolved) as resolved:
        window.decide()

    assert len(resolved.args[0]) == 1 and window.model.rowCount() == 0
    assert "已裁决" in window.message.text() and window.count.text() == "待裁决: 0 条"
    with server.db.session() as session:
        assert session.get(Household, household_id).phone == "13622222222"
        assert session.scalars(select(Conflict.status)).one() == "resolved"


def test_a_typed_value_that_does_not_fit_the_field_is_refused_before_anything_is_sent(
    qtbot, conflict, make_laptop
):
    server, household_id = conflict
    reviewer = make_laptop("城关审核", server, role="reviewer")
    window = open_window(qtbot, reviewer)
    window.type_other.setChecked(True)
    window.other.setText("1" * 200)

    window.decide()
    too_long = window.message.text()
    window.other.setText("13533333333")
    with qtbot.waitSignal(window.resolved):
        window.decide()

    assert "联系电话" in too_long and "超过" in too_long
    with server.db.session() as session:
        assert session.get(Household, household_id).phone == "13533333333"


def test_a_field_workers_laptop_is_told_it_may_not_decide(qtbot, conflict, make_laptop):
    server, _household_id = conflict
    worker = make_laptop("东街-3", server)
    window = open_window(qtbot, worker)
    failures: list[str] = []
    window.failed.connect(failures.append)

    window.take_incoming.setChecked(True)
    window.decide()

    assert window.model.rowCount() == 1  # a field worker may see the conflicts of its village
    assert failures and "无权" in failures[0]
    assert "没有裁决" in window.message.text()
    with server.db.session() as session:
        assert session.scalars(select(Conflict.status)).one() == "open"
    assert EAST in [window.village.itemData(i) for i in range(window.village.count())]


def test_a_decision_commits_on_the_reviewers_one_writer(qtbot, conflict, make_laptop):
    """The decision's local write, and the pull and push around it, all commit on
    ``Database.writer``'s thread (issue 13, item 3)."""
    server, household_id = conflict
    reviewer = make_laptop("城关审核", server, role="reviewer")
    window = open_window(qtbot, reviewer)
    db = reviewer.db
    on_writer: list[bool] = []
    event.listen(db.engine, "commit", lambda _conn: on_writer.append(db.writer.on_writer_thread()))
    window.take_incoming.setChecked(True)

    with qtbot.waitSignal(window.resolved):
        window.decide()

    with db.session() as session:
        assert session.get(Household, household_id).phone == "13622222222"  # written here too
    assert on_writer and all(on_writer), on_writer
