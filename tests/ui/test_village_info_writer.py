"""Issue 13 (3): the village information dialog's save commits on the database's one writer
(``Database.writer``), not on the GUI thread that clicked 保存."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import event, select

from desktop.store.models import Division
from desktop.ui.village_info_dialog import VillageInfoDialog


def test_the_village_information_save_commits_on_the_writer(demo_copy, qtbot) -> None:
    db = demo_copy()
    with db.session() as session:
        village_id = session.scalars(select(Division.id).where(Division.level == "village")).first()
    dialog = VillageInfoDialog(db, village_id, actor="测试员")
    qtbot.addWidget(dialog)
    dialog.show()
    commits: list[tuple[bool, str]] = []
    event.listen(
        db.engine,
        "commit",
        lambda _conn: commits.append(
            (db.writer.on_writer_thread(), threading.current_thread().name)
        ),
    )

    dialog.task_force_edit.setText("县交通局驻村工作队")
    with qtbot.waitSignal(dialog.saved):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    with db.session() as session:
        assert session.get(Division, village_id).task_force == "县交通局驻村工作队"
    assert commits, "the save committed"
    assert all(on_writer for on_writer, _name in commits), commits
    assert threading.current_thread().name not in {name for _on, name in commits}
