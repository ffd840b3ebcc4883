"""Issue 15: the faults a field worker met in a real window, each driven through the real widgets."""

from __future__ import annotations

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
