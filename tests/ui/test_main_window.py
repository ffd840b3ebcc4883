"""The main window on a real demo county: lazy list, SQL sorting, tree filter, search, status bar.

Every test runs the window with the ``ImmediateTaskRunner``: database work happens at once, so
what a test sees after an action is what the person would see once the answer arrived.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, Qt
from sqlalchemy import select

from desktop.domain.policy import policy_for
from desktop.store.db import Database
from desktop.store.models import Household, OutboxChange, new_id
from desktop.store.queries import (
    PAGE_SIZE,
    HouseholdColumn,
    division_nodes,
    household_detail,
    unsynced_count,
)
from desktop.store.search import name_text
from desktop.ui.household_detail import mask_id_number
from desktop.ui.household_list import COLUMNS, HOUSEHOLD_ID_ROLE
from desktop.ui.main_window import MainWindow
from desktop.ui.roles import Role
from desktop.ui.tasks import ImmediateTaskRunner
from tests.ui.conftest import DEMO_HOUSEHOLDS

HEAD = COLUMNS.index(HouseholdColumn.HEAD)
FLAGS = COLUMNS.index(HouseholdColumn.FLAGS)


@pytest.fixture
def make_window(qtbot) -> Callable[..., MainWindow]:
    def make(db: Database, *, role: Role = Role.FIELD_WORKER, show: bool = False) -> MainWindow:
        window = MainWindow(db, runner=ImmediateTaskRunner(), role=role)
        qtbot.addWidget(window)
        if show:
            window.show()
            qtbot.waitExposed(window)
        return window

    return make


def fetch_all(window: MainWindow) -> None:
    model = window.list_model
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())


def column_texts(window: MainWindow, column: int) -> list[str]:
    model = window.list_model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def listed_ids(window: MainWindow) -> list[str]:
    model = window.list_model
    return [model.index(r, 0).data(HOUSEHOLD_ID_ROLE) for r in range(model.rowCount())]


def test_the_window_has_its_title_and_readable_fonts(demo_db, make_window) -> None:
    window = make_window(demo_db)
    assert window.windowTitle() == "Fieldbook 建档立卡动态管理"
    assert window.font().pointSizeF() >= 11
    assert window.table_view.font().pointSizeF() >= 11


def test_the_list_shows_a_first_page_and_fetches_the_rest_lazily(demo_db, make_window) -> None:
    window = make_window(demo_db)
    model = window.list_model

    assert model.rowCount() == PAGE_SIZE
    assert model.total == DEMO_HOUSEHOLDS
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == DEMO_HOUSEHOLDS
    assert not model.canFetchMore(QModelIndex())
    ids = listed_ids(window)
    assert len(set(ids)) == DEMO_HOUSEHOLDS
    numbers = column_texts(window, 0)
    assert numbers == sorted(numbers)
    assert window.total_label.text() == f"共 {DEMO_HOUSEHOLDS} 户"


def test_scrolling_to_the_bottom_of_the_table_fetches_the_next_page(
    demo_db, make_window, qtbot
) -> None:
    window = make_window(demo_db, show=True)
    assert window.list_model.rowCount() == PAGE_SIZE
    window.table_view.scrollToBottom()
    qtbot.waitUntil(lambda: window.list_model.rowCount() == DEMO_HOUSEHOLDS)


def test_sorting_by_head_name_reorders_the_rows_in_sql(demo_db, make_window) -> None:
    window = make_window(demo_db)
    window.table_view.sortByColumn(HEAD, Qt.SortOrder.AscendingOrder)

    first = column_texts(window, HEAD)[:30]
    assert first == sorted(first)
    fetch_all(window)
    names = column_texts(window, HEAD)
    assert names == sorted(names)  # the keyset pages join without gap or overlap
    assert len(set(listed_ids(window))) == DEMO_HOUSEHOLDS

    window.table_view.sortByColumn(HEAD, Qt.SortOrder.DescendingOrder)
    first = column_texts(window, HEAD)[:30]
    assert first == sorted(first, reverse=True)
    assert window.list_model.rowCount() == PAGE_SIZE  # started again from the first page


@pytest.mark.parametrize("column", list(HouseholdColumn))
def test_every_column_sorts_into_a_complete_list_without_duplicates(
    demo_db, make_window, column
) -> None:
    window = make_window(demo_db)
    window.table_view.sortByColumn(COLUMNS.index(column), Qt.SortOrder.DescendingOrder)
    fetch_all(window)
    ids = listed_ids(window)
    assert len(ids) == len(set(ids)) == DEMO_HOUSEHOLDS


def test_selecting_a_village_in_the_tree_shows_only_its_households(demo_db, make_window) -> None:
    window = make_window(demo_db)
    with demo_db.session() as session:
        villages = [n for n in division_nodes(session) if n.level == "village"]
        village = villages[-1]
        expected = set(
            session.scalars(
                select(Household.id).where(
                    Household.village_id == village.id, Household.deleted.is_(False)
                )
            )
        )
    assert 0 < len(expected) < DEMO_HOUSEHOLDS

    window.tree_view.setCurrentIndex(window.tree_model.index_of(village.id))

    fetch_all(window)
    assert set(listed_ids(window)) == expected
    assert set(column_texts(window, COLUMNS.index(HouseholdColumn.VILLAGE))) == {village.name}
    assert window.total_label.text() == f"共 {len(expected)} 户"
    assert f"({len(expected)}户)" in window.tree_model.index_of(village.id).data()


def test_the_status_filter_shows_only_households_of_that_status(demo_db, make_window) -> None:
    window = make_window(demo_db)
    window.status_combo.setCurrentIndex(window.status_combo.findData("poor"))
    fetch_all(window)
    statuses = set(column_texts(window, COLUMNS.index(HouseholdColumn.STATUS)))
    assert statuses == {"贫困户(未脱贫)"}
    window.status_combo.setCurrentIndex(0)
    assert window.list_model.total == DEMO_HOUSEHOLDS


def test_typing_a_head_name_narrows_the_list_to_households_with_that_name(
    demo_db, make_window, qtbot
) -> None:
    window = make_window(demo_db)
    target_id = window.list_model.household_id(7)
    name = window.list_model.row_at(7).head_name
    assert name

    window.search_box.setText(name)  # setText: keyClicks with Chinese kills Qt
    qtbot.waitUntil(lambda: window.list_model.filters.household_ids is not None, timeout=2000)

    fetch_all(window)
    found = listed_ids(window)
    assert target_id in found
    assert len(found) < DEMO_HOUSEHOLDS
    with demo_db.session() as session:
        for household_id in found:
            detail = household_detail(session, household_id)
            assert detail is not None
            assert any(name in m.name for m in detail.members), household_id

    window.search_box.clear()
    qtbot.waitUntil(lambda: window.list_model.filters.household_ids is None, timeout=2000)
    assert window.list_model.total == DEMO_HOUSEHOLDS


def test_typing_pinyin_initials_finds_the_household(demo_db, make_window, qtbot) -> None:
    window = make_window(demo_db)
    target_id = window.list_model.household_id(3)
    initials = name_text(window.list_model.row_at(3).head_name).initials.split()[0]

    qtbot.keyClicks(window.search_box, initials)
    qtbot.waitUntil(lambda: window.list_model.filters.household_ids is not None, timeout=2000)

    fetch_all(window)
    assert target_id in listed_ids(window)
    assert window.list_model.rowCount() < DEMO_HOUSEHOLDS


def test_typing_fast_runs_one_search_after_the_pause(demo_db, make_window, qtbot) -> None:
    window = make_window(demo_db)
    runner = window.runner
    assert isinstance(runner, ImmediateTaskRunner)
    before = runner.calls
    qtbot.keyClicks(window.search_box, "zhang")
    assert window.list_model.filters.household_ids is None  # nothing ran while typing
    qtbot.waitUntil(lambda: window.list_model.filters.household_ids is not None, timeout=2000)
    # one search, then the list's reload: its count and its first page
    assert runner.calls - before == 3


def test_ctrl_f_focuses_the_search_box(demo_db, make_window, qtbot) -> None:
    window = make_window(demo_db, show=True)
    window.activateWindow()
    window.table_view.setFocus()
    qtbot.waitUntil(window.table_view.hasFocus)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.search_box.hasFocus)


def test_the_status_bar_shows_the_unsynced_count_and_the_policy_year(
    demo_copy, make_window
) -> None:
    db = demo_copy()
    window = make_window(db)
    assert window.unsynced_label.text() == "未同步:0 条"
    assert window.policy_label.text() == f"政策年度:{policy_for(date.today()).year}"

    with db.session() as session:
        for seq, state in enumerate(["pending", "pending", "pending", "acked"], start=1):
            session.add(
                OutboxChange(
                    change_id=new_id(),
                    device_seq=seq,
                    entity="households",
                    entity_id=new_id(),
                    op="update",
                    base_version=0,
                    fields={"phone": "13800138000"},
                    edited_at=f"{seq:013d}-0000",
                    state=state,
                )
            )
        session.commit()
        pending = unsynced_count(session)
    assert pending == 3

    window.refresh_unsynced()
    assert window.unsynced_label.text() == f"未同步:{pending} 条"


def test_double_clicking_a_row_shows_the_household_read_only_with_masked_ids(
    demo_db, make_window, qtbot
) -> None:
    window = make_window(demo_db, show=True)
    index = window.list_model.index(2, HEAD)
    with demo_db.session() as session:
        detail = household_detail(session, window.list_model.household_id(2))
    assert detail is not None

    viewport, centre = window.table_view.viewport(), window.table_view.visualRect(index).center()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=centre)  # Qt 6 needs the press
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.waitUntil(lambda: window.detail_dialog is not None and window.detail_dialog.isVisible())

    dialog = window.detail_dialog
    table = dialog.members_table
    assert table.rowCount() == len(detail.members) == detail.row.member_count
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert names == [m.name for m in detail.members]
    assert table.item(0, 1).text() == "户主"
    shown_ids = [table.item(r, 5).text() for r in range(table.rowCount())]
    for member, shown in zip(detail.members, shown_ids, strict=True):
        assert member.id_number
        assert shown == mask_id_number(member.id_number)
        assert shown.endswith(member.id_number[-4:])
        assert member.id_number[:-4] not in shown
    assert table.editTriggers() == table.EditTrigger.NoEditTriggers
    dialog.close()
    qtbot.waitUntil(lambda: window.detail_dialog is None)


def test_internal_flags_are_shown_only_to_roles_that_may_see_them(demo_db, make_window) -> None:
    worker = make_window(demo_db, role=Role.FIELD_WORKER)
    viewer = make_window(demo_db, role=Role.VIEWER)
    fetch_all(worker)
    fetch_all(viewer)
    worker_flags = " ".join(column_texts(worker, FLAGS))
    viewer_flags = " ".join(column_texts(viewer, FLAGS))
    assert "边缘户" in worker_flags or "监测户" in worker_flags
    assert "边缘户" not in viewer_flags and "监测户" not in viewer_flags
    assert worker.flag_combo is not None
    assert viewer.flag_combo is None


def test_the_marginal_filter_lists_only_marginal_households(demo_db, make_window) -> None:
    window = make_window(demo_db)
    assert window.flag_combo is not None
    window.flag_combo.setCurrentIndex(window.flag_combo.findData("marginal"))
    fetch_all(window)
    flags = column_texts(window, FLAGS)
    assert flags and all("边缘户" in f for f in flags)


def test_the_list_model_passes_the_model_tester(demo_db, make_window, qtmodeltester) -> None:
    window = make_window(demo_db)
    qtmodeltester.check(window.list_model)
    window.table_view.sortByColumn(HEAD, Qt.SortOrder.DescendingOrder)
    fetch_all(window)


def test_the_list_model_passes_the_python_model_tester_with_fetching(
    demo_db, make_window, qtmodeltester
) -> None:
    window = make_window(demo_db)
    qtmodeltester.check(window.list_model, force_py=True)
    window.list_model.update_filters(status="exited")


def test_the_tree_model_passes_the_model_tester(demo_db, make_window, qtmodeltester) -> None:
    window = make_window(demo_db)
    assert window.tree_model.rowCount() == 1  # the county
    qtmodeltester.check(window.tree_model)
    window.tree_model.reload()


def test_a_failing_read_empties_the_list_and_says_so_in_the_status_bar(
    demo_db, make_window, monkeypatch
) -> None:
    window = make_window(demo_db)
    messages: list[str] = []
    window.list_model.load_failed.connect(messages.append)

    def broken(*_args, **_kwargs):
        raise RuntimeError("磁盘错误")

    monkeypatch.setattr("desktop.ui.household_list.household_page", broken)
    window.status_combo.setCurrentIndex(window.status_combo.findData("poor"))

    assert window.list_model.rowCount() == 0
    assert not window.list_model.canFetchMore(QModelIndex())
    assert messages and "磁盘错误" in messages[0]
    assert "磁盘错误" in window.statusBar().currentMessage()
