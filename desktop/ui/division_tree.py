"""The division tree: county → township → village → hamlet (县 → 乡镇 → 行政村 → 自然村), with counts.

Each item shows the division's name and how many households it holds; its id and level are in
``DIVISION_ID_ROLE`` and ``LEVEL_ROLE``. Selecting an item filters the household list (the main
window connects the two). The tree and its counts are read in the task runner.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel

from desktop.store.db import Database
from desktop.store.queries import DivisionNode, division_nodes, household_counts
from desktop.ui.errors import error_text
from desktop.ui.tasks import TaskRunner

DIVISION_ID_ROLE = Qt.ItemDataRole.UserRole
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 1
COUNT_ROLE = Qt.ItemDataRole.UserRole + 2
NAME_ROLE = Qt.ItemDataRole.UserRole + 3


def _load(db: Database) -> tuple[list[DivisionNode], dict[str, int]]:
    with db.session() as session:
        return division_nodes(session), household_counts(session)


class DivisionTreeModel(QStandardItemModel):
    """Divisions as a read-only tree, each with its household count.

    ``reload()`` reads them again (after a sync or an import); ``loaded`` fires when the tree
    is filled, ``load_failed(str)`` with a Chinese message when it could not be read.
    """

    loaded = Signal()
    load_failed = Signal(str)

    def __init__(self, db: Database, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._generation = 0
        self._items: dict[str, QStandardItem] = {}
        self.setHorizontalHeaderLabels([self.tr("行政区划")])

    def set_database(self, db: Database) -> None:
        """Read from ``db`` from now on (the app reopened the database); answers to reads of the
        old one are dropped."""
        self._db = db
        self._generation += 1

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation

        def done(result: tuple[list[DivisionNode], dict[str, int]]) -> None:
            if generation == self._generation:
                self.set_divisions(*result)

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self.load_failed.emit(
                    self.tr("读取行政区划失败:{0}").format(
                        error_text("reading the divisions", error)
                    )
                )

        self._runner.run(lambda: _load(self._db), on_done=done, on_error=failed)

    def set_divisions(self, nodes: list[DivisionNode], counts: dict[str, int]) -> None:
        """Fill the tree; ``nodes`` come parents first (orphans go to the top level)."""
        self.removeRows(0, self.rowCount())
        self._items = {}
        root = self.invisibleRootItem()
        for node in nodes:
            count = counts.get(node.id, 0)
            item = QStandardItem(self.tr("{0}({1}户)").format(node.name, count))
            item.setEditable(False)
            item.setData(node.id, DIVISION_ID_ROLE)
            item.setData(node.level, LEVEL_ROLE)
            item.setData(count, COUNT_ROLE)
            item.setData(node.name, NAME_ROLE)
            item.setToolTip(node.code)
            parent = self._items.get(node.parent_id) if node.parent_id else None
            (parent or root).appendRow(item)
            self._items[node.id] = item
        self.loaded.emit()

    def index_of(self, division_id: str) -> QModelIndex:
        """The index of a division (invalid if it is not in the tree)."""
        item = self._items.get(division_id)
        return item.index() if item is not None else QModelIndex()

    @staticmethod
    def division_id(index: QModelIndex | QPersistentModelIndex) -> str | None:
        if not index.isValid():
            return None
        value = index.data(DIVISION_ID_ROLE)
        return str(value) if value else None

    @staticmethod
    def village_of(index: QModelIndex | QPersistentModelIndex) -> tuple[str, str] | None:
        """(id, name) of the administrative village at ``index`` — a hamlet gives its village;
        ``None`` for a township, the county or nothing."""
        while index.isValid():
            level = index.data(LEVEL_ROLE)
            if level == "village":
                return str(index.data(DIVISION_ID_ROLE)), str(index.data(NAME_ROLE) or "")
            if level != "hamlet":
                return None
            index = index.parent()
        return None
