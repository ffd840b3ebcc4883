"""One village's problem list (问题清单) on screen, where reviewers explain warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.application import Fieldbook, Outcome
from desktop.application.service import Refused
from desktop.domain.problems import Severity
from desktop.ui.errors import error_text
from desktop.ui.problem_texts import problem_message
from desktop.ui.style import apply_readable_font
from desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.store.problems import ListedProblem, ProblemList


class ProblemListDialog(QDialog):
    """One village's problem list (问题清单) on screen, from ``village_problem_list``.

    Double-click a household's problem to open its form (``householdActivated``). A role that
    may explain (reviewers, administrators) selects a warning and explains it; the explanation
    is kept (``Fieldbook.explain_problem``, on the database's writer) and the list is read
    again. Errors must be fixed instead.
    """

    householdActivated = Signal(str)

    def __init__(
        self,
        app: Fieldbook,
        runner: TaskRunner,
        village_id: str,
        village_name: str,
        *,
        may_explain: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        apply_readable_font(self)
        self.app = app
        self.runner = runner
        self.village_id = village_id
        self.may_explain = may_explain
        self.listed: ProblemList | None = None
        self._generation = 0
        self.setWindowTitle(self.tr("{0} 问题清单").format(village_name))
        self.resize(1180, 620)

        self.summary = QLabel(self.tr("正在审核…"))
        self.summary.setWordWrap(True)
        headers = [
            self.tr("户编号"),
            self.tr("户主"),
            self.tr("类别"),
            self.tr("规则"),
            self.tr("问题"),
            self.tr("情况说明"),
        ]
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column, width in enumerate((170, 80, 70, 200, 420)):
            self.table.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        self.table.itemDoubleClicked.connect(lambda item: self._activated(item.row()))
        self.table.currentCellChanged.connect(lambda *_args: self._update_buttons())

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.explain_button = QPushButton(self.tr("说明情况…"))
        self.explain_button.setToolTip(self.tr("疑似问题经核实无误的,写明情况说明;错误必须改正"))
        self.explain_button.clicked.connect(self.explain_selected)
        self.explain_button.setVisible(may_explain)
        self.reload_button = QPushButton(self.tr("重新审核"))
        self.reload_button.clicked.connect(self.load)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.explain_button)
        buttons.addWidget(self.reload_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, stretch=1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._update_buttons()

    def load(self) -> None:
        """Run the audit of the village again and show its list."""
        self._generation += 1
        generation = self._generation
        self.summary.setText(self.tr("正在审核…"))

        def done(listed: ProblemList) -> None:
            if generation == self._generation:
                self.show_list(listed)

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self.summary.setText(
                    self.tr("无法读取问题清单:{0}").format(
                        error_text("reading the problem list", error)
                    )
                )

        app, village_id = self.app, self.village_id
        self.runner.run(lambda: app.village_problem_list(village_id), on_done=done, on_error=failed)

    def show_list(self, listed: ProblemList) -> None:
        """Fill the table with ``listed``."""
        self.listed = listed
        rows = listed.rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            problem = row.problem
            severity = self.tr("错误") if problem.is_error else self.tr("疑似")
            cells = [
                row.household_number or self.tr("(本村)"),
                row.head_name or "",
                severity,
                problem.code,
                problem_message(problem),
                row.note.explanation if row.note is not None else "",
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 2 and problem.is_error:
                    item.setForeground(Qt.GlobalColor.darkRed)
                if c == 5 and row.note is not None:
                    item.setToolTip(
                        self.tr("{0} 于 {1} 说明").format(
                            row.note.explained_by, row.note.explained_at.strftime("%Y-%m-%d %H:%M")
                        )
                    )
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        explained = sum(1 for row in rows if row.explained)
        text = self.tr("{0} {1}年度:错误 {2} 个,疑似问题 {3} 个(已说明 {4} 个)").format(
            listed.village_name,
            listed.policy_year,
            listed.count(Severity.ERROR),
            listed.count(Severity.WARNING),
            explained,
        )
        if not rows:
            text = self.tr("{0} {1}年度:审核未发现问题").format(
                listed.village_name, listed.policy_year
            )
        self.summary.setText(text)
        self._update_buttons()

    def selected_row(self) -> ListedProblem | None:
        r = self.table.currentRow()
        if self.listed is None or not 0 <= r < len(self.listed.rows):
            return None
        return self.listed.rows[r]

    def _update_buttons(self) -> None:
        row = self.selected_row()
        self.explain_button.setEnabled(
            self.may_explain
            and row is not None
            and row.household_id is not None
            and not row.problem.is_error
        )

    def _activated(self, r: int) -> None:
        if self.listed is not None and 0 <= r < len(self.listed.rows):
            household_id = self.listed.rows[r].household_id
            if household_id:
                self.householdActivated.emit(household_id)

    def explain_selected(self) -> None:
        """Ask for the explanation of the selected warning, then keep it."""
        row = self.selected_row()
        if row is None:
            return
        current = row.note.explanation if row.note is not None else ""
        text, ok = QInputDialog.getMultiLineText(
            self,
            self.tr("情况说明"),
            self.tr("{0} {1}\n{2}\n\n情况说明:").format(
                row.household_number or "", row.head_name or "", problem_message(row.problem)
            ),
            current,
        )
        if ok:
            self.explain(row, text)

    def explain(self, row: ListedProblem, text: str) -> None:
        """Keep ``text`` as the explanation of ``row``'s problem (a serial job), then reload."""
        if not self.may_explain or row.household_id is None:
            return
        app, household_id, problem = self.app, row.household_id, row.problem

        def done(outcome: Outcome[Any]) -> None:
            app.notify(outcome.changes)
            self.message.clear()
            self.load()

        def failed(error: BaseException) -> None:
            if isinstance(error, Refused):
                self.message.setText(str(error))
            else:
                self.message.setText(
                    self.tr("情况说明没有保存:{0}").format(
                        error_text("saving a problem note", error)
                    )
                )

        self.runner.run(
            lambda: app.explain_problem(household_id, problem, text),
            on_done=done,
            on_error=failed,
            serial=True,
        )
