"""The main window on a real demo county: lazy list, SQL sorting, tree filter, search, status bar,
roles, scanning cards, the village map, the problem list, printing, backups and the lock.

Every test runs the window with the ``ImmediateTaskRunner``: database work happens at once, so
what a test sees after an action is what the person would see once the answer arrived.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import func, select

from desktop.cards.keys import card_key
from desktop.cards.payload import encode_card
from desktop.domain.roles import Role
from desktop.store.backup import list_backups
from desktop.store.db import Database, open_database, registry_writer
from desktop.store.drafts import list_drafts
from desktop.store.models import (
    CardIssue,
    Division,
    Household,
    OutboxChange,
    ProblemNote,
    ProcedureStep,
    new_id,
)
from desktop.store.queries import (
    PAGE_SIZE,
    HouseholdColumn,
    division_nodes,
    household_detail,
    unsynced_count,
)
from desktop.store.save import save_household
from desktop.store.search import name_text
from desktop.store.settings import set_setting, working_policy
from desktop.ui.household_detail import mask_id_number
from desktop.ui.household_list import COLUMNS, HOUSEHOLD_ID_ROLE
from desktop.ui.main_window import LOCKED_DATABASE, DatabaseLocked, MainWindow
from desktop.ui.tasks import ImmediateTaskRunner
from tests.cards.conftest import decode_qr_pages, pdf_text
from tests.ui.conftest import DEMO_HOUSEHOLDS

HEAD = COLUMNS.index(HouseholdColumn.HEAD)
FLAGS = COLUMNS.index(HouseholdColumn.FLAGS)


@pytest.fixture
def make_window(qtbot) -> Callable[..., MainWindow]:
    def make(
        db: Database,
        *,
        role: Role = Role.FIELD_WORKER,
        show: bool = False,
        actor: str = "测试员",
    ) -> MainWindow:
        window = MainWindow(db, runner=ImmediateTaskRunner(), role=role, actor=actor)
        qtbot.addWidget(window)
        window.confirm = lambda _title, _text: True  # the person answers every question yes
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


def select_village(window: MainWindow, village_id: str) -> None:
    window.tree_view.setCurrentIndex(window.tree_model.index_of(village_id))


def select_household(window: MainWindow, household_id: str) -> None:
    fetch_all(window)
    row = listed_ids(window).index(household_id)
    window.table_view.setCurrentIndex(window.list_model.index(row, 0))


def type_text(widget, text: str) -> None:
    """Type ``text`` (Chinese too) into a line edit as an input method commits it."""
    widget.setFocus()
    widget.selectAll()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def focus(widget, qtbot) -> None:
    widget.window().activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


# --- the list, the tree and the search -----------------------------------------------------------


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
    window = make_window(demo_db, role=Role.REVIEWER)
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

    select_village(window, village.id)

    fetch_all(window)
    assert set(listed_ids(window)) == expected
    assert set(column_texts(window, COLUMNS.index(HouseholdColumn.VILLAGE))) == {village.name}
    assert window.total_label.text() == f"共 {len(expected)} 户"
    assert f"({len(expected)}户)" in window.tree_model.index_of(village.id).data()
    assert window.selected_village() == (village.id, village.name)


def test_a_hamlet_selected_in_the_tree_stands_for_its_village(demo_db, make_window) -> None:
    window = make_window(demo_db)
    window.tree_view.expandAll()
    with demo_db.session() as session:
        hamlet = next(n for n in division_nodes(session) if n.level == "hamlet")
        township = next(n for n in division_nodes(session) if n.level == "township")
        village_name = session.get(Division, hamlet.parent_id).name
    select_village(window, hamlet.id)
    assert window.selected_village() == (hamlet.parent_id, village_name)
    select_village(window, township.id)
    assert window.selected_village() is None


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


def test_a_household_number_typed_slowly_into_the_search_box_and_enter_opens_it(
    demo_db, make_window
) -> None:
    window = make_window(demo_db, show=True)
    row = window.list_model.row_at(11)
    window.search_box.setText(row.household_number)  # a person, not a scanner
    window.search_box.returnPressed.emit()
    form = window.forms.get(row.id)
    assert form is not None and form.household_id == row.id

    window.search_box.setText("王")
    window.search_box.returnPressed.emit()  # not a number: Enter searches at once
    assert window.list_model.filters.household_ids is not None


def test_ctrl_f_focuses_the_search_box(demo_db, make_window, qtbot) -> None:
    window = make_window(demo_db, show=True)
    focus(window.table_view, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.search_box.hasFocus)


# --- the status bar ------------------------------------------------------------------------------


def test_the_status_bar_shows_the_unsynced_count_and_the_databases_policy_year(
    demo_copy, make_window
) -> None:
    db = demo_copy()
    with db.session() as session:
        year = working_policy(session).year
    assert year == 2019  # the demo county is worked under 2019, whatever today is
    window = make_window(db, actor="李强")
    assert window.unsynced_label.text() == "未同步:0 条"
    assert window.policy_label.text() == f"政策年度:{year}"
    assert window.user_label.text() == "李强(驻村工作队员)"

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


def test_a_policy_year_without_its_rules_says_it_is_not_configured(demo_copy, make_window) -> None:
    db = demo_copy()
    with db.session() as session:
        set_setting(session, "policy_year", "1999")
        session.commit()
    window = make_window(db)
    assert window.policy_label.text() == "政策年度:未配置"
    assert window.policy is None
    assert all(not a.isEnabled() for a in window.operation_actions.values())


# --- opening households --------------------------------------------------------------------------


def test_double_clicking_a_row_opens_the_household_form(demo_db, make_window, qtbot) -> None:
    window = make_window(demo_db, show=True)
    index = window.list_model.index(2, HEAD)
    household_id = window.list_model.household_id(2)

    viewport, centre = window.table_view.viewport(), window.table_view.visualRect(index).center()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=centre)  # Qt 6 needs the press
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.waitUntil(lambda: household_id in window.forms)
    form = window.forms[household_id]
    assert form.isVisible() and form.household_id == household_id
    assert window.detail_dialog is None  # the read-only view is the menu's


def test_the_read_only_view_shows_the_household_with_masked_ids(
    demo_db, make_window, qtbot
) -> None:
    window = make_window(demo_db, show=True)
    window.table_view.setCurrentIndex(window.list_model.index(2, 0))
    with demo_db.session() as session:
        detail = household_detail(session, window.list_model.household_id(2))
    assert detail is not None

    window.view_action.trigger()
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
    assert not window.forms  # nothing editable was opened
    dialog.close()
    qtbot.waitUntil(lambda: window.detail_dialog is None)


# --- roles ---------------------------------------------------------------------------------------


def test_internal_flags_are_shown_only_to_reviewers_and_administrators(
    demo_db, make_window
) -> None:
    worker = make_window(demo_db, role=Role.FIELD_WORKER)
    reviewer = make_window(demo_db, role=Role.REVIEWER)
    admin = make_window(demo_db, role=Role.ADMIN)
    for window in (worker, reviewer, admin):
        fetch_all(window)
    worker_flags = " ".join(column_texts(worker, FLAGS))
    reviewer_flags = " ".join(column_texts(reviewer, FLAGS))
    assert "边缘户" not in worker_flags and "监测户" not in worker_flags
    assert "边缘户" in reviewer_flags or "监测户" in reviewer_flags
    assert column_texts(admin, FLAGS) == column_texts(reviewer, FLAGS)
    assert worker.flag_combo is None
    assert reviewer.flag_combo is not None and admin.flag_combo is not None


def test_a_field_worker_is_not_offered_the_internal_marks(demo_db, make_window) -> None:
    worker = make_window(demo_db, role=Role.FIELD_WORKER)
    reviewer = make_window(demo_db, role=Role.REVIEWER)
    worker_ops = {a.text() for a in worker.operation_actions.values()}
    reviewer_ops = {a.text() for a in reviewer.operation_actions.values()}
    assert "标记边缘户…" not in worker_ops and "标记脱贫监测户…" not in worker_ops
    assert {"标记边缘户…", "标记脱贫监测户…"} <= reviewer_ops


def test_the_marginal_filter_lists_only_marginal_households(demo_db, make_window) -> None:
    window = make_window(demo_db, role=Role.REVIEWER)
    assert window.flag_combo is not None
    window.flag_combo.setCurrentIndex(window.flag_combo.findData("marginal"))
    fetch_all(window)
    flags = column_texts(window, FLAGS)
    assert flags and all("边缘户" in f for f in flags)


# --- models --------------------------------------------------------------------------------------


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


# --- scanning cards ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def carded(demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A copy of the demo county shared by the scanning tests (they print cards into it)."""
    target = tmp_path_factory.mktemp("carded") / "fieldbook.db"
    shutil.copyfile(demo_path, target)
    db = open_database(target)
    yield db
    db.dispose()


def registered_household(db: Database, offset: int = 0) -> Household:
    with db.session() as session:
        return session.scalars(
            select(Household)
            .where(
                Household.status.in_(["poor", "exited", "exited_stable"]),
                Household.deleted.is_(False),
            )
            .order_by(Household.household_number)
            .offset(offset)
            .limit(1)
        ).one()


def reprint_and_read_the_code(window: MainWindow, household_id: str) -> str:
    """Reprint the card from the 打印 menu, and read its QR code back from the printed PDF."""
    select_household(window, household_id)
    window.print_actions["reprint"].trigger()
    preview = window.print_preview
    assert preview is not None, window.statusBar().currentMessage()
    pages = decode_qr_pages(Path(preview.pdf_path))
    preview.close()
    (codes,) = pages
    return codes[0]


def scan(qtbot, window: MainWindow, code: str) -> None:
    """A keyboard-wedge scanner: the code typed fast, then Enter, wherever the focus is."""
    focus(window.table_view, qtbot)
    qtbot.keyClicks(window.table_view, code)
    qtbot.keyClick(window.table_view, Qt.Key.Key_Return)


def test_a_scanned_card_opens_its_household(carded, make_window, qtbot) -> None:
    household = registered_household(carded)
    window = make_window(carded, show=True)
    code = reprint_and_read_the_code(window, household.id)
    assert code.startswith("FB1:") and household.household_number in code
    assert not window.forms

    scan(qtbot, window, code)
    form = window.forms.get(household.id)
    assert form is not None and form.household_id == household.id
    assert "户卡有效" in window.statusBar().currentMessage()


def test_a_scanned_code_landing_in_the_search_box_is_taken_out_again(
    carded, make_window, qtbot
) -> None:
    household = registered_household(carded, offset=1)
    window = make_window(carded, show=True)
    code = reprint_and_read_the_code(window, household.id)
    focus(window.search_box, qtbot)
    window.search_box.setText("王")
    window.search_box.end(False)
    qtbot.keyClicks(window.search_box, code)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert household.id in window.forms
    assert window.search_box.text() == "王"


def test_a_revoked_card_says_so_and_opens_nothing(carded, make_window, qtbot) -> None:
    household = registered_household(carded, offset=2)
    window = make_window(carded, show=True)
    old = reprint_and_read_the_code(window, household.id)
    new = reprint_and_read_the_code(window, household.id)
    assert old != new

    scan(qtbot, window, old)
    assert not window.forms
    box = window.message_box
    assert box is not None and box.isVisible()
    assert "已作废" in box.text() and household.household_number in box.text()


def test_cards_of_another_county_altered_or_not_on_this_laptop_are_refused_with_the_reason(
    carded, make_window, qtbot
) -> None:
    household = registered_household(carded, offset=3)
    window = make_window(carded, show=True)
    genuine = reprint_and_read_the_code(window, household.id)
    with carded.session() as session:
        key = card_key(session)
        village_code = session.get(Division, household.village_id).code
    assert key is not None
    altered = genuine[:-1] + ("A" if genuine[-1] != "A" else "B")
    foreign = encode_card("110105001001", "1101050010010001", 1, key)
    elsewhere = encode_card(village_code, village_code + "9999", 1, key)

    for code, reason in (
        (foreign, "其他县"),
        (altered, "签名不符"),
        (elsewhere, "本机没有户编号"),
    ):
        scan(qtbot, window, code)
        assert not window.forms, code
        assert window.message_box is not None and reason in window.message_box.text(), code
        window.message_box.close()


def test_a_household_number_typed_fast_anywhere_still_opens_the_household(
    demo_db, make_window, qtbot
) -> None:
    window = make_window(demo_db, show=True)
    row = window.list_model.row_at(17)
    scan(qtbot, window, row.household_number)
    assert row.id in window.forms


# --- the village map -----------------------------------------------------------------------------


def test_the_village_map_shows_the_selected_village_and_a_click_opens_the_household(
    demo_db, make_window, qtbot
) -> None:
    window = make_window(demo_db, show=True)
    window.map_action.trigger()
    assert window.map_dock is None  # no village chosen yet
    assert "请先在左侧选择一个行政村" in window.statusBar().currentMessage()

    with demo_db.session() as session:
        village = next(n for n in division_nodes(session) if n.level == "village")
        located = session.scalar(
            select(func.count())
            .select_from(Household)
            .where(Household.village_id == village.id, Household.latitude.is_not(None))
        )
    select_village(window, village.id)
    window.map_action.trigger()
    dock = window.map_dock
    assert dock is not None and dock.isVisible()
    view = window.map_widget.view
    assert len(view.household_items) == located > 0
    assert village.name in window.map_widget.title.text()

    target_id, item = next(iter(view.household_items.items()))
    qtbot.waitUntil(lambda: view.viewport().isVisible())
    point = view.mapFromScene(item.pos())
    assert view.household_at(point.toPointF()) is not None
    clicked = view.household_at(point.toPointF())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked in window.forms
    assert target_id in view.household_items


def test_the_map_follows_the_village_selected_in_the_tree(demo_db, make_window) -> None:
    window = make_window(demo_db, show=True)
    with demo_db.session() as session:
        first, second = [n for n in division_nodes(session) if n.level == "village"][:2]
    select_village(window, first.id)
    window.show_village_map()
    assert first.name in window.map_widget.title.text()
    select_village(window, second.id)
    assert second.name in window.map_widget.title.text()


# --- the problem list ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_problems(demo_path: Path, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the demo county with, in one village, a spouse whose ethnicity is empty (a
    warning) and a marginal household whose risks were removed (an internal Q6 problem)."""
    target = tmp_path_factory.mktemp("problems") / "fieldbook.db"
    shutil.copyfile(demo_path, target)
    db = open_database(target)
    with db.session() as session:
        marginal = session.scalars(
            select(Household).where(Household.marginal.is_(True)).order_by(Household.id)
        ).first()
        for risk in marginal.risks:
            risk.deleted = True
        save_household(session, marginal, actor="测试", reason="测试", validator=lambda _h: [])
        warned = session.scalars(
            select(Household)
            .where(
                Household.village_id == marginal.village_id,
                Household.marginal.is_(False),
                Household.monitored.is_(False),
                Household.member_count >= 2,
            )
            .order_by(Household.household_number)
        ).first()
        spouse = next(m for m in warned.members if m.relation != "01")
        spouse.ethnicity = None
        save_household(session, warned, actor="测试", reason="测试", validator=lambda _h: [])
        ids = {
            "village": marginal.village_id,
            "marginal": marginal.household_number,
            "warned": warned.household_number,
            "warned_id": warned.id,
        }
    yield db, ids
    db.dispose()


def problem_codes(dialog) -> dict[str, str]:
    table = dialog.table
    return {table.item(r, 3).text(): table.item(r, 0).text() for r in range(table.rowCount())}


def test_the_problem_list_of_a_village_leaves_internal_problems_out_for_a_field_worker(
    with_problems, make_window
) -> None:
    db, ids = with_problems
    worker = make_window(db, role=Role.FIELD_WORKER)
    select_village(worker, ids["village"])
    dialog = worker.show_problem_list()
    assert dialog is not None and dialog.isVisible()
    assert problem_codes(dialog) == {"R9_ETHNICITY_EMPTY": ids["warned"]}
    assert "疑似问题 1 个" in dialog.summary.text()
    assert not dialog.explain_button.isVisible()

    reviewer = make_window(db, role=Role.REVIEWER)
    select_village(reviewer, ids["village"])
    listed = problem_codes(reviewer.show_problem_list())
    assert listed == {"R9_ETHNICITY_EMPTY": ids["warned"], "Q6_NO_RISK": ids["marginal"]}


def test_a_reviewer_explains_a_warning_and_the_explanation_is_kept(
    with_problems, make_window, qtbot
) -> None:
    db, ids = with_problems
    window = make_window(db, role=Role.REVIEWER, actor="李强", show=True)
    select_village(window, ids["village"])
    dialog = window.show_problem_list()
    row = next(
        r for r, p in enumerate(dialog.listed.rows) if p.problem.code == "R9_ETHNICITY_EMPTY"
    )
    dialog.table.setCurrentCell(row, 0)
    assert dialog.explain_button.isEnabled()

    dialog.explain(dialog.selected_row(), "户口簿民族栏空白,已请派出所核实")
    assert dialog.message.text() == ""
    shown = {dialog.table.item(r, 3).text(): dialog.table.item(r, 5).text() for r in range(2)}
    assert shown["R9_ETHNICITY_EMPTY"] == "户口簿民族栏空白,已请派出所核实"
    assert "已说明 1 个" in dialog.summary.text()
    with db.session() as session:
        note = session.scalars(select(ProblemNote)).one()
        assert (note.explained_by, note.rule_code) == ("李强", "R9_ETHNICITY_EMPTY")

    dialog.explain(dialog.selected_row(), "   ")  # an empty explanation is refused, said why
    assert "请填写情况说明" in dialog.message.text()

    dialog.table.itemDoubleClicked.emit(dialog.table.item(row, 0))
    assert ids["warned_id"] in window.forms


# --- printing ------------------------------------------------------------------------------------


def test_printing_a_villages_cards_builds_them_and_opens_the_preview(
    demo_copy, make_window
) -> None:
    db = demo_copy()
    window = make_window(db, actor="王芳")
    window.print_actions["cards"].trigger()
    assert window.print_preview is None
    assert "请先在左侧选择一个行政村" in window.statusBar().currentMessage()

    with db.session() as session:
        village = next(n for n in division_nodes(session) if n.level == "village")
        registered = session.scalar(
            select(func.count())
            .select_from(Household)
            .where(
                Household.village_id == village.id,
                Household.status.in_(["poor", "exited", "exited_stable"]),
            )
        )
    select_village(window, village.id)
    window.print_actions["cards"].trigger()
    preview = window.print_preview
    assert preview is not None
    pdf = Path(preview.pdf_path)
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    assert window.print_result.sheet.cards == registered > 0
    assert f"已生成 {registered} 张户卡" in window.statusBar().currentMessage()
    with db.session() as session:
        issued = session.scalar(
            select(func.count()).select_from(CardIssue).where(CardIssue.issue == 1)
        )
    assert issued == registered  # the first print entered issue 1 in the card register
    preview.close()
    assert not pdf.exists()  # printed papers are not left lying around


def test_the_printed_problem_list_leaves_internal_problems_out_for_a_field_worker(
    with_problems, make_window
) -> None:
    db, ids = with_problems
    texts = {}
    for role in (Role.FIELD_WORKER, Role.REVIEWER):
        window = make_window(db, role=role)
        select_village(window, ids["village"])
        window.print_actions["problems"].trigger()
        assert window.print_preview is not None
        texts[role] = pdf_text(Path(window.print_preview.pdf_path)).replace("\n", "")
        window.print_preview.close()
    assert "R9_ETHNICITY_EMPTY" in texts[Role.FIELD_WORKER]
    assert "Q6_NO_RISK" not in texts[Role.FIELD_WORKER]
    assert "Q6_NO_RISK" in texts[Role.REVIEWER]


def test_the_publicity_list_uses_the_villages_notice_dates(demo_db, make_window) -> None:
    window = make_window(demo_db)
    with demo_db.session() as session:
        village = next(n for n in division_nodes(session) if n.level == "village")
    select_village(window, village.id)
    window.print_actions["publicity"].trigger()
    assert window.notice_dialog is None
    text = pdf_text(Path(window.print_preview.pdf_path))
    assert "公示" in text and village.name in text
    window.print_preview.close()


def test_the_publicity_list_asks_for_the_notice_dates_when_none_are_recorded(
    demo_copy, make_window
) -> None:
    db = demo_copy()
    with db.session() as session, registry_writer(session, "测试"):
        village = next(n for n in division_nodes(session) if n.level == "village")
        for step in session.scalars(
            select(ProcedureStep).where(ProcedureStep.village_id == village.id)
        ):
            step.deleted = True  # as if the village had recorded no notice yet
        session.commit()
    window = make_window(db)
    select_village(window, village.id)
    window.print_actions["publicity"].trigger()
    dialog = window.notice_dialog
    assert dialog is not None and dialog.isVisible()
    assert window.print_preview is None
    start, end = dialog.dates()
    assert (end - start).days + 1 == 10  # the policy's shortest notice, proposed

    dialog.end_edit.setDate(dialog.start_edit.date().addDays(3))  # too short: said again
    dialog.accept()
    again = window.notice_dialog
    assert again is not None and again is not dialog
    assert "不得少于 10 天" in again.findChildren(QLabel)[0].text()
    again.accept()  # the proposed ten days
    assert window.print_preview is not None
    assert "公示" in pdf_text(Path(window.print_preview.pdf_path))
    window.print_preview.close()


def test_the_household_book_and_the_day_report_are_printed(demo_db, make_window) -> None:
    window = make_window(demo_db)
    window.print_actions["book"].trigger()
    assert "请先在列表中选择一户" in window.statusBar().currentMessage()
    row = window.list_model.row_at(5)
    window.table_view.setCurrentIndex(window.list_model.index(5, 0))
    window.print_actions["book"].trigger()
    text = pdf_text(Path(window.print_preview.pdf_path))
    assert "一簿" in text and row.household_number in text
    window.print_preview.close()

    window.print_actions["day_report"].trigger()
    assert "驻村工作日报" in pdf_text(Path(window.print_preview.pdf_path))
    window.print_preview.close()


# --- backup and restore --------------------------------------------------------------------------


def test_a_backup_made_from_the_menu_restores_what_was_there(demo_copy, make_window) -> None:
    db = demo_copy()
    window = make_window(db, show=True)
    db_path = window.db_path
    assert db_path is not None
    window.backup_action.trigger()
    assert window.message_box is not None and "已备份到" in window.message_box.text()
    (backup,) = list_backups(db_path.parent / "backups", db_path=db_path)

    with db.session() as session:  # a change after the backup
        household = session.scalars(select(Household).order_by(Household.id).limit(1)).one()
        household.phone = "13912345678"
        save_household(session, household, actor="测试员", reason="改电话", validator=lambda _h: [])
        household_id = household.id

    assert window.restore_backup_file(backup.path)
    assert window.db is not db and window.db is not LOCKED_DATABASE
    with window.db.session() as session:
        assert session.get(Household, household_id).phone != "13912345678"
    assert "已从" in window.message_box.text()
    assert window.list_model.total == DEMO_HOUSEHOLDS
    safety = [b for b in list_backups(db_path.parent / "backups") if b.reason == "restore"]
    assert len(safety) == 1  # the database as it was was kept first
    window.db.dispose()


def test_a_restore_is_refused_while_a_form_is_open(demo_copy, make_window) -> None:
    db = demo_copy()
    window = make_window(db, show=True)
    window.open_household(window.list_model.index(0, 0))
    assert not window.restore_backup_file(Path("/nonexistent/backup.db"))
    assert "请先保存并关闭" in window.message_box.text()
    assert window.db is db


# --- the lock ------------------------------------------------------------------------------------


def test_idle_time_asks_for_the_lock(demo_db, make_window, qtbot) -> None:
    window = make_window(demo_db, show=True)
    window.set_idle_lock(0.3)
    with qtbot.waitSignal(window.lock_requested, timeout=3000):
        pass
    assert window.idle_for() >= 0.3


def test_locking_autosaves_the_drafts_hides_every_window_and_unlocking_brings_them_back(
    demo_copy, make_window, qtbot
) -> None:
    db = demo_copy()
    window = make_window(db, show=True, actor="王芳")
    row = window.list_model.row_at(3)
    form = window.open_form(row.id)
    type_text(form.basic_binder.widgets["note"], "锁定前正在填写")
    assert form.dirty

    ready: list[bool] = []
    window.prepare_lock(lambda: ready.append(True))
    assert ready == [True]
    with db.session() as session:
        drafts = list_drafts(session, user_name="王芳")
    assert [d.household_id for d in drafts] == [row.id]
    assert drafts[0].payload["household"]["note"] == "锁定前正在填写"

    window.lock()
    assert not window.isVisible() and not form.isVisible()
    assert window.db is LOCKED_DATABASE and form.db is LOCKED_DATABASE
    window.refresh_unsynced()  # what a timer would do: refused, nothing opened
    assert window.unsynced_label.text() == "未同步:?"
    with pytest.raises(DatabaseLocked), window.db.session():
        pass
    db.dispose()

    again = open_database(db.engine.url.database)
    window.unlock(again)
    assert window.isVisible() and form.isVisible()
    assert form.dirty and form.basic_binder.widgets["note"].text() == "锁定前正在填写"
    assert window.db is again and form.db is again
    assert window.list_model.total == DEMO_HOUSEHOLDS
    form._close_confirmed = True
    form.close()
    QApplication.processEvents()
    again.dispose()


def test_a_village_committee_location_typed_in_the_dialog_is_saved_booked_and_queued(
    demo_copy, make_window, qtbot
) -> None:
    from desktop.store.models import Division, LedgerEntry, OutboxChange
    from desktop.ui.location_capture import LocationCaptureDialog

    db = demo_copy()
    window = make_window(db)
    with db.session() as session:
        village = session.scalars(select(Division).where(Division.level == "village")).first()
        village_id = village.id
    select_village(window, village_id)

    def typed_dialog(context, parent=None):
        dialog = LocationCaptureDialog(context, parent=parent, ports=[])
        dialog.tabs.setCurrentIndex(1)  # 手工输入坐标
        dialog.coords_edit.setText("北纬33°19′46.2″ 东经106°09′24.5″")
        QTimer.singleShot(0, dialog.accept)
        return dialog

    window.capture_committee_location(dialog_factory=typed_dialog)

    with db.session() as session:
        saved = session.get(Division, village_id)
        assert (round(saved.committee_latitude, 4), round(saved.committee_longitude, 4)) == (
            33.3295,
            106.1568,
        )
        assert saved.committee_location_source == "manual"
        change = session.scalars(
            select(OutboxChange).where(OutboxChange.entity == "divisions")
        ).one()
        assert change.entity_id == village_id and change.village_code == saved.code
        book = session.scalars(select(LedgerEntry).where(LedgerEntry.entity_id == village_id)).all()
        assert {e.field for e in book} >= {"committee_latitude", "committee_longitude"}
        assert {e.actor for e in book} == {"测试员"}


def test_the_sync_menu_offers_conflict_decisions_to_reviewers_only(demo_db, make_window) -> None:
    reviewer = make_window(demo_db, role=Role.REVIEWER)
    worker = make_window(demo_db, role=Role.FIELD_WORKER)
    assert reviewer.conflicts_action is not None
    assert worker.conflicts_action is None
    titles = [a.text() for a in worker.sync_menu.actions()]
    assert any("同步到县服务器" in t for t in titles) and any("登记本机" in t for t in titles)


def test_the_open_problems_choice_lists_the_households_with_unexplained_problems(
    demo_copy, make_window
) -> None:
    from desktop.store.audit import audit_database
    from desktop.store.problems import explain_problem, households_with_open_problems
    from desktop.store.save import save_household

    db = demo_copy()
    with db.session() as session:
        households = session.scalars(
            select(Household).order_by(Household.household_number).limit(2)
        ).all()
        for household in households:
            head = next(m for m in household.members if m.relation == "01")
            head.work_months = 13  # R44: a warning, saved with a reason
            save_household(session, household, actor="测试员", reason="待核实")
        broken = [h.id for h in households]
        assert households_with_open_problems(session) == sorted(broken)
        for finding in audit_database(session):
            if finding.household_id == broken[0]:  # every warning of the first one explained
                explain_problem(
                    session,
                    household_id=broken[0],
                    rule_code=finding.problem.code,
                    entity_id=finding.problem.entity_id,
                    explanation="季节性务工, 已核实",
                    actor="李强",
                )
        assert households_with_open_problems(session) == [broken[1]]

    window = make_window(db)
    window.work_combo.setCurrentIndex(window.work_combo.findData("problems"))
    fetch_all(window)
    assert listed_ids(window) == [broken[1]]
    window.work_combo.setCurrentIndex(0)
    fetch_all(window)
    assert len(listed_ids(window)) > 1
