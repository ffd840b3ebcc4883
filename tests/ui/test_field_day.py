"""Issue 15: the faults a field worker met in a real window, each driven through the real widgets."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from PySide6.QtCore import QTimer

from desktop.ui.household_form import HouseholdForm
from desktop.ui.print_preview import start_build
from desktop.ui.tasks import ImmediateTaskRunner

IN_WORK = datetime(2019, 11, 15, 10, 0)


def test_the_progress_dialog_never_comes_back_after_a_fast_build(qtbot) -> None:
    results: list[str] = []

    def build(progress, _cancelled) -> str:
        progress(3, 3)
        return "done"

    dialog = start_build(
        ImmediateTaskRunner(), build, label="正在生成户卡…", on_done=results.append
    )
    assert results == ["done"]
    assert not dialog.isVisible()
    # QProgressDialog's own timer (its minimum duration) fires later: it must not show it again.
    for timer in dialog.findChildren(QTimer):
        timer.timeout.emit()
    dialog.setValue(dialog.maximum())
    assert not dialog.isVisible()


# --- the roster: every member of the household in view -------------------------------------------


def _household_with_members(db, count: int) -> str:
    from sqlalchemy import func, select

    from desktop.store.models import Member

    with db.session() as session:
        found = session.execute(
            select(Member.household_id)
            .group_by(Member.household_id)
            .having(func.count() >= count)
            .limit(1)
        ).scalar_one()
    return found


@pytest.mark.parametrize("size", [(1366, 768), (1024, 768)])
def test_the_member_table_shows_every_member_of_the_household(qtbot, demo_db, size) -> None:
    from desktop.ui.geometry import FRAME

    household_id = _household_with_members(demo_db, 5)
    form = HouseholdForm(
        demo_db, runner=ImmediateTaskRunner(), household_id=household_id, clock=lambda: IN_WORK
    )
    qtbot.addWidget(form)
    # The window as it is on that screen: the available area less the task bar and the frame.
    form.resize(size[0] - FRAME[0], size[1] - 40 - FRAME[1])
    form.show()
    qtbot.waitExposed(form)
    form.tabs.setCurrentIndex(form.tab_keys.index("members"))
    page = form.members_tab
    rows = page.model.rowCount()
    assert rows >= 5
    viewport = page.table.viewport().rect()
    for r in range(rows):
        rect = page.table.visualRect(page.model.index(r, 0))
        assert viewport.contains(rect), f"member {r + 1} of {rows} is scrolled out of view"
    # The editor below still shows its first fields.
    assert page.editor.isVisible() and page.editor.height() >= 120


# --- the form: banner, reasons, required fields, tab states, Save, heads-down entry --------------


def _household(db, status: str) -> str:
    from sqlalchemy import select

    from desktop.store.models import Household

    with db.session() as session:
        return session.scalars(
            select(Household.id)
            .where(Household.status == status)
            .order_by(Household.household_number)
        ).first()


@pytest.fixture
def form_of(qtbot, demo_copy):
    def make(status: str = "poor") -> HouseholdForm:
        db = demo_copy()
        form = HouseholdForm(
            db,
            runner=ImmediateTaskRunner(),
            household_id=_household(db, status),
            clock=lambda: IN_WORK,
        )
        qtbot.addWidget(form)
        form.show()
        qtbot.waitExposed(form)
        assert form.is_loaded
        return form

    return make


def _members(form: HouseholdForm):
    form.tabs.setCurrentIndex(form.tab_keys.index("members"))
    return form.members_tab


def _edit(widget, text: str) -> None:
    widget.setText(text)
    widget.textEdited.emit(text)


def test_the_red_banner_clears_once_the_error_is_fixed(form_of) -> None:
    form = form_of()
    page = _members(form)
    id_field = page.editor.widget("id_number")
    good = id_field.text()
    _edit(id_field, good[:-1] + ("0" if good[-1] != "0" else "1"))
    form.save()
    assert form.banner.isVisibleTo(form) and "错误" in form.banner.text()
    _edit(id_field, good)
    form.validate_now()
    assert not form.banner.isVisibleTo(form)


def test_a_reason_already_given_is_not_asked_again(form_of) -> None:
    form = form_of()
    page = _members(form)
    _edit(page.editor.widget("work_months"), "15")  # R44: a suspected problem
    assert form.save()
    dialog = form.reason_dialog
    assert dialog is not None
    dialog.reason.setText("外出务工跨年度,已核实")
    dialog.accept()
    assert not form.dirty, form.last_error
    _edit(form.basic_binder.widgets["phone"], "13912345678")  # another edit, same warning
    assert form.save()
    assert form.reason_dialog is None
    assert not form.dirty, form.last_error


def test_missing_required_fields_are_not_cleared_by_one_reason_but_kept_as_a_draft(
    form_of, qtbot
) -> None:
    from desktop.store.drafts import load_draft

    form = form_of()
    page = _members(form)
    for column in ("ethnicity", "political_status", "labour_skill"):
        page.editor.widget(column).setCurrentIndex(0)  # — 未填 —
    missing = form.missing(form.validate_now())
    assert len(missing) >= 3
    # Marked before saving: on the field and on the page's tab.
    assert page.editor.widget("ethnicity").property("problem") == "warning"
    assert "必填未填 3 项" in form.state_label.text()
    form.save()
    assert form.reason_dialog is None, "a reason cannot stand in for required fields"
    box = form.draft_prompt_missing
    assert box is not None and "3 项必填内容" in box.text()
    draft = next(b for b in box.buttons() if b.text() == "存为草稿")
    draft.click()
    assert form.dirty  # not saved into the registry
    with form.db.session() as session:
        assert load_draft(session, form.key) is not None


def test_each_tab_shows_its_state_and_the_window_its_completeness(form_of) -> None:
    form = form_of()
    page = _members(form)
    titles = {k: form.tabs.tabText(i) for i, k in enumerate(form.tab_keys)}
    assert titles["basic"].endswith("✓")
    _edit(page.editor.widget("work_months"), "15")
    form.validate_now()
    members = form.tabs.tabText(form.tab_keys.index("members"))
    assert re.search(r" \d+●$", members), members
    assert form.tabs.tabBar().tabToolTip(form.tab_keys.index("members"))
    state = form.state_label.text()
    assert "有未保存的修改" in state and "完整度" in state
    assert re.search(r"疑似问题 \d+ 个", state), state


def test_a_save_button_is_visible(form_of, qtbot) -> None:
    form = form_of()
    assert form.save_button.isVisible()
    _edit(form.basic_binder.widgets["phone"], "13912345678")
    form.save_button.click()
    assert not form.dirty, form.last_error


def test_enter_moves_to_the_next_field(form_of, qtbot) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    form = form_of()
    form.activateWindow()
    phone = form.basic_binder.widgets["phone"]
    phone.setFocus()
    qtbot.waitUntil(phone.hasFocus)
    qtbot.keyClick(phone, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is not phone
    assert form.tabs.isAncestorOf(QApplication.focusWidget())


def test_the_roster_takes_a_new_member_without_the_mouse(form_of, qtbot) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    form = form_of("ordinary")
    page = _members(form)
    before = page.model.rowCount()
    form.activateWindow()
    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus)
    qtbot.keyClick(page.table, Qt.Key.Key_Insert)
    assert page.model.rowCount() == before + 1
    assert QApplication.focusWidget() is page.editor.widget("name")


# --- the main window: search, disabled items ------------------------------------------------------


@pytest.fixture
def main_window(qtbot, demo_db):
    from desktop.ui.main_window import MainWindow

    window = MainWindow(demo_db, runner=ImmediateTaskRunner(), actor="王芳", offer_drafts=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _search(window, text: str) -> None:
    window.search_box.setText(text)
    window.search_now()


def test_a_search_that_finds_nothing_says_so_and_clearing_it_shows_the_list(main_window) -> None:
    _search(main_window, "没有这个人")
    assert main_window.list_model.total == 0
    assert main_window.search_note.isVisible()
    assert "没有找到" in main_window.search_note.text()
    _search(main_window, "")
    assert not main_window.search_note.isVisible()
    assert main_window.list_model.total > 0


def test_a_match_through_another_member_says_which_member(main_window, demo_db) -> None:
    from sqlalchemy import select

    from desktop.store.models import Household, Member

    with demo_db.session() as session:
        member, number = session.execute(
            select(Member.name, Household.household_number)
            .join(Household, Household.id == Member.household_id)
            .where(Member.relation != "01", Member.left_date.is_(None))
            .order_by(Member.name)
        ).first()
    _search(main_window, member)
    note = main_window.search_note
    assert note.isVisible() and member in note.text() and number in note.text()


def test_a_greyed_out_operations_menu_says_why(main_window) -> None:
    main_window.table_view.clearSelection()
    main_window.table_view.setCurrentIndex(main_window.list_model.index(-1, -1))
    main_window.update_operations()
    actions = list(main_window.operation_actions.values())
    assert not any(a.isEnabled() for a in actions)
    hint = main_window.operations_hint
    assert hint.isVisible() and "请先在列表中选择一户" in hint.text()
    assert all(a.toolTip() and a.toolTip() != a.text() for a in actions)


def test_saving_a_household_of_a_village_the_laptop_is_not_enrolled_for_warns(
    form_of, qtbot
) -> None:
    import json

    from desktop.store.models import Division, Setting

    form = form_of()
    with form.db.session() as session:  # enrolled for another village of the county
        own = session.get(Division, form.payload["household"]["village_id"]).code
        other = next(
            d.code
            for d in session.query(Division).filter(Division.level == "village")
            if d.code != own
        )
        session.add(Setting(key="sync.villages", value=json.dumps([other])))
        session.commit()
    form.load()  # opened again, now on an enrolled laptop
    assert form.scope_note and "同步时会被县服务器拒绝" in form.scope_note
    _edit(form.basic_binder.widgets["phone"], "13912345678")
    form.save()
    box = form.scope_prompt
    assert box is not None and "同步时会被县服务器拒绝" in box.text()
    assert form.dirty  # nothing saved without the person saying so
    next(b for b in box.buttons() if b.text() == "仍然保存").click()
    assert not form.dirty, form.last_error


# --- the household book ------------------------------------------------------------------------


def test_the_household_book_shows_labels_and_values_as_the_form_does(qtbot) -> None:
    from desktop.store.household_edit import BookLine
    from desktop.ui.form_models import BookModel

    def line(seq: int, entity: str, field: str, old: str | None, new: str | None) -> BookLine:
        return BookLine(seq, IN_WORK, "王芳", entity, "x", field, old, new, None)

    model = BookModel()
    model.set_lines(
        [
            line(1, "incomes", "per_capita_net_income", "4500.00", "5200.00"),
            line(2, "households", "card_issue", "0", "1"),
            line(3, "households", "location_source", "gps", "village_committee"),
            line(4, "households", "location_time", None, "2019-10-17T10:19:07"),
            line(5, "households", "food_assured", "false", "true"),
        ]
    )
    rows = [[model.index(r, c).data() for c in range(7)] for r in range(model.rowCount())]
    fields = [r[3] for r in rows]
    assert fields[:2] == ["人均纯收入(元)", "户卡版次"]
    assert rows[2][4:6] == ["GPS定位", "村委会位置(整户外出)"]
    assert rows[3][5] == "2019-10-17 10:19"
    assert rows[4][4:6] == ["否", "是"]
    shown = " ".join(str(v) for r in rows for v in r)
    assert "_" not in shown and "T10:" not in shown


# --- contrast (WCAG AA, 4.5:1) ---------------------------------------------------------------------


def contrast(a, b) -> float:
    from PySide6.QtGui import QColor

    def luminance(colour) -> float:
        colour = QColor(colour)

        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(colour.redF())
            + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF())
        )

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_warning_text_tab_labels_and_placeholders_reach_wcag_aa(qapp) -> None:
    from PySide6.QtGui import QPalette

    from desktop.ui.form_models import GONE_COLOUR, WARNING_BACKGROUND, WARNING_COLOUR
    from desktop.ui.household_form import TAB_COLOURS
    from desktop.ui.style import apply_readable_font

    apply_readable_font(qapp)
    palette = qapp.palette()
    window, base = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.Base)
    tab_background = palette.color(QPalette.ColorRole.Button).darker(108)  # an inactive tab
    assert contrast(WARNING_COLOUR, base) >= 4.5
    assert contrast(WARNING_COLOUR, WARNING_BACKGROUND) >= 4.5
    assert contrast(WARNING_COLOUR, window) >= 4.5
    assert contrast(GONE_COLOUR, base) >= 4.5
    for colour in TAB_COLOURS.values():
        assert contrast(colour, tab_background) >= 4.5, colour.name()
    placeholder = palette.color(QPalette.ColorRole.PlaceholderText)
    assert contrast(placeholder, base) >= 4.5


# --- English ---------------------------------------------------------------------------------------

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def english(qapp):
    from PySide6.QtCore import QLocale

    from desktop.ui.app import install_translators

    previous = QLocale()
    installed = install_translators(qapp, "en")
    yield
    for translator in installed:
        qapp.removeTranslator(translator)
    QLocale.setDefault(previous)


def test_every_code_label_is_listed_for_translation() -> None:
    import json

    from desktop.domain.resources import resource_path
    from desktop.ui.code_labels import CODE_LABELS

    for path in resource_path("codes").glob("*.json"):
        for entry in json.loads(path.read_text(encoding="utf-8"))["codes"]:
            assert entry["label"] in CODE_LABELS, (path.name, entry["label"])


def test_in_english_statuses_code_tables_and_the_print_titles_are_english(
    english, qtbot, demo_db, tmp_path
) -> None:
    from desktop.ui.household_list import COLUMNS, HouseholdColumn
    from desktop.ui.main_window import MainWindow

    window = MainWindow(demo_db, runner=ImmediateTaskRunner(), offer_drafts=False)
    qtbot.addWidget(window)
    statuses = [window.status_combo.itemText(i) for i in range(window.status_combo.count())]
    assert not [s for s in statuses if CJK.search(s)], statuses
    column = COLUMNS.index(HouseholdColumn.STATUS)
    shown = {window.list_model.index(r, column).data() for r in range(window.list_model.rowCount())}
    assert shown and not [s for s in shown if CJK.search(s)], shown

    form = HouseholdForm(
        demo_db, runner=ImmediateTaskRunner(), household_id=_household_with_members(demo_db, 3)
    )
    qtbot.addWidget(form)
    relation = form.members_tab.editor.widget("relation")
    choices = [relation.itemText(i) for i in range(1, relation.count())]
    assert not [c for c in choices if CJK.search(c)], choices

    dialog = start_build(
        ImmediateTaskRunner(), lambda _p, _c: None, label="x", on_done=lambda _r: None
    )
    assert dialog.windowTitle() == "Building"


def test_drafts_are_listed_and_open_back_as_they_were_left(form_of, qtbot) -> None:
    from desktop.ui.main_window import MainWindow

    form = form_of()
    page = _members(form)
    page.editor.widget("ethnicity").setCurrentIndex(0)  # a required field left empty
    _edit(form.basic_binder.widgets["phone"], "13900001111")
    form.keep_as_draft()
    key = form.key
    form._close_confirmed = True
    form.close()
    window = MainWindow(form.db, runner=ImmediateTaskRunner(), actor=form.actor, offer_drafts=False)
    qtbot.addWidget(window)
    dialog = window.show_drafts()
    assert dialog.list.count() == 1
    assert "草稿" in dialog.list.item(0).text() and "未同步" in dialog.list.item(0).text()
    dialog.open_button.click()
    reopened = window.forms.get(key) or next(iter(window.forms.values()))
    assert reopened.basic_binder.widgets["phone"].text() == "13900001111"
    assert reopened.dirty


# --- windows fit the screen and remember where they were ------------------------------------------


def test_the_form_fits_the_available_screen(qtbot, demo_db) -> None:
    from desktop.ui.geometry import FRAME, available_area

    form = HouseholdForm(
        demo_db, runner=ImmediateTaskRunner(), household_id=_household_with_members(demo_db, 3)
    )
    qtbot.addWidget(form)
    area = available_area(form)
    assert form.width() + FRAME[0] <= area.width()
    assert form.height() + FRAME[1] <= area.height()
    assert area.contains(form.geometry())


def test_the_main_window_remembers_its_geometry_and_maximised_state(
    qtbot, demo_db, tmp_path
) -> None:
    from PySide6.QtCore import QSettings, Qt

    from desktop.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "fieldbook.ini"), QSettings.Format.IniFormat)

    def open_window() -> MainWindow:
        window = MainWindow(
            demo_db, runner=ImmediateTaskRunner(), offer_drafts=False, settings=settings
        )
        qtbot.addWidget(window)
        return window

    first = open_window()
    first.setWindowState(Qt.WindowState.WindowNoState)
    first.resize(700, 500)
    first.move(20, 30)
    first.show()
    qtbot.waitExposed(first)
    first.close()
    second = open_window()
    assert (second.width(), second.height()) == (700, 500)
    assert not second.windowState() & Qt.WindowState.WindowMaximized
    second.show()
    second.showMaximized()
    second.close()
    third = open_window()
    assert third.windowState() & Qt.WindowState.WindowMaximized
