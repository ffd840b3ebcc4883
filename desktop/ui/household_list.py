"""The household list: a table model over keyset pages, filtered and sorted in SQL.

The model holds only the rows fetched so far. A view asks ``canFetchMore``/``fetchMore`` as the
person scrolls; each call loads the next page of ``PAGE_SIZE`` rows (``desktop.store.queries.
household_page``) through the task runner, so the GUI never waits on SQLite. Sorting and
filtering re-query from the first page instead of sorting rows in a proxy (STYLE.md 4): a proxy
over lazy rows would sort only what was fetched.

Answers that arrive after the list moved on (a new filter or sort while a page was loading) are
dropped: every reload bumps a generation number that each job carries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from desktop.store.db import Database
from desktop.store.queries import (
    PAGE_SIZE,
    Flag,
    HouseholdColumn,
    HouseholdFilter,
    HouseholdPage,
    HouseholdRow,
    count_households,
    household_page,
)
from desktop.store.reviews import ReviewState, review_states
from desktop.ui.code_labels import ui_code_table
from desktop.ui.errors import error_text
from desktop.ui.tasks import TaskRunner, in_session

COLUMNS: tuple[HouseholdColumn, ...] = tuple(HouseholdColumn)
HOUSEHOLD_ID_ROLE = Qt.ItemDataRole.UserRole
"""``data(index, HOUSEHOLD_ID_ROLE)`` is the household's id, in every column."""

_NUMERIC = frozenset({HouseholdColumn.MEMBERS, HouseholdColumn.INCOME})
_ANY_INDEX = QModelIndex | QPersistentModelIndex
_INTERNAL_FLAG_COLOUR = QColor("#9a3412")
_RETURNED_COLOUR = QColor("#a01010")
_FLAGS_COLUMN = COLUMNS.index(HouseholdColumn.FLAGS)
_STATUS_COLUMN = COLUMNS.index(HouseholdColumn.STATUS)
_HEAD_COLUMN = COLUMNS.index(HouseholdColumn.HEAD)

# data() runs about ten times per visible cell and paint: plain ints, no enum arithmetic there.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_ID = HOUSEHOLD_ID_ROLE.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_ALIGNMENTS = tuple(
    (
        (Qt.AlignmentFlag.AlignRight if c in _NUMERIC else Qt.AlignmentFlag.AlignLeft)
        | Qt.AlignmentFlag.AlignVCenter
    ).value
    for c in COLUMNS
)
_ITEM_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)


def page_with_reviews(
    session: Any, filters: HouseholdFilter, **options: Any
) -> tuple[HouseholdPage, dict[str, ReviewState]]:
    """A page of the list and the latest review of each of its households (issue 17)."""
    page = household_page(session, filters, **options)
    return page, review_states(session, [row.id for row in page.rows])


def local_time(moment: datetime | None) -> str:
    """A stored UTC time as the laptop's local time, to the minute."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def money(value: Decimal | None) -> str:
    """Yuan with thousands separators and two decimals; empty when unknown."""
    return "" if value is None else f"{value:,.2f}"


class QueryCancelled(Exception):
    """A read was cancelled before or while it ran (a newer one replaced it)."""


class InterruptibleQuery:
    """A read job (``query(session, *args, **kwargs)`` in a session of its own) that the GUI
    thread can cancel: before it starts it does not run, and while it runs its SQLite query is
    interrupted (``sqlite3.Connection.interrupt``), so that a search typed over by the next
    keystroke stops using a core the next one needs."""

    def __init__(self, db: Database, query: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._db = db
        self._call = lambda session: query(session, *args, **kwargs)
        self._lock = threading.Lock()
        self._connection: Any = None
        self.cancelled = False

    def __call__(self) -> Any:
        if self.cancelled:
            raise QueryCancelled
        with self._db.session() as session:
            connection = session.connection().connection.dbapi_connection
            with self._lock:
                if self.cancelled:
                    raise QueryCancelled
                self._connection = connection
            try:
                return self._call(session)
            except Exception as error:
                if self.cancelled:
                    raise QueryCancelled from error
                raise
            finally:
                with self._lock:
                    self._connection = None

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            interrupt = getattr(self._connection, "interrupt", None)
            if interrupt is not None:
                interrupt()


class HouseholdListModel(QAbstractTableModel):
    """Households matching ``filters``, ordered by one column, loaded page by page.

    ``internal`` says whether marginal and monitored households may be shown and filtered
    (``desktop.domain.roles.may_see_internal_lists``). Signals: ``total_changed(int)`` when the count of matching
    households is known, ``loading_changed(bool)``, ``load_failed(str)`` with a Chinese message.
    """

    total_changed = Signal(int)
    loading_changed = Signal(bool)
    load_failed = Signal(str)

    def __init__(
        self,
        db: Database,
        runner: TaskRunner,
        *,
        internal: bool = False,
        page_size: int = PAGE_SIZE,
        income_year: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._internal = internal
        self._page_size = page_size
        self._income_year = income_year
        self._filters = HouseholdFilter()
        self._sort = HouseholdColumn.NUMBER
        self._descending = False
        self._rows: list[HouseholdRow] = []
        self._texts: list[tuple[str, ...]] = []  # display texts of _rows, made once per page
        self._reviews: dict[str, ReviewState] = {}  # latest review by household id, per page read
        self._cursor: tuple[Any, ...] | None = None
        self._has_more = False  # nothing to fetch until the first reload()
        self._fetching = False
        self._awaiting_first_page = False
        self._generation = 0
        self._stale = False
        self._total: int | None = None
        self._status_labels = {
            c: ui_code_table("status").label(c) for c in ui_code_table("status").codes()
        }

    # --- state -----------------------------------------------------------------------------

    @property
    def filters(self) -> HouseholdFilter:
        return self._filters

    @property
    def sort_column(self) -> HouseholdColumn:
        return self._sort

    @property
    def descending(self) -> bool:
        return self._descending

    @property
    def internal(self) -> bool:
        return self._internal

    @property
    def total(self) -> int | None:
        """Households matching the filters (``None`` until counted)."""
        return self._total

    @property
    def is_loading(self) -> bool:
        return self._fetching

    def row_at(self, row: int) -> HouseholdRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def household_id(self, row: int) -> str | None:
        found = self.row_at(row)
        return found.id if found is not None else None

    def set_database(self, db: Database) -> None:
        """Read from ``db`` from now on (the app reopened the database); pages of the old one
        that are still on their way are dropped."""
        self._db = db
        self._generation += 1
        # A first page or a count that was on its way is read again by ``resume``; a further
        # page is simply fetched again when the view asks.
        self._stale = self._stale or self._awaiting_first_page or self._total is None
        self._awaiting_first_page = False
        if self._fetching:
            self._set_fetching(False)

    def resume(self) -> None:
        """After ``set_database``: reload if the first page or the count never arrived."""
        if self._stale:
            self._stale = False
            self.reload()

    def set_filters(self, filters: HouseholdFilter) -> None:
        """Show the households matching ``filters`` (re-queried from the first page)."""
        self._filters = filters
        self.reload()

    def update_filters(self, **changes: Any) -> None:
        """Change some fields of the filters, e.g. ``update_filters(status="poor")``."""
        self.set_filters(replace(self._filters, **changes))

    def reload(self) -> None:
        """Load the first page and the total again; the rows shown now stay until it arrives.

        The new first page replaces the rows in one model reset, so the view never flashes
        empty between two filters.
        """
        self._generation += 1
        generation = self._generation
        self._total = None
        self._awaiting_first_page = True
        self._set_fetching(True)
        # The first page goes first and alone: the count is asked only once it is painted (on
        # a 50,000-household encrypted county the count took three times the page's query).
        self._run_page_job(
            generation, after=None, on_done=self._if_current(generation, self._first_page_arrived)
        )
        if self._filters.household_ids is not None:  # a search's few ids count at once, beside it
            self._count()

    # --- loading ---------------------------------------------------------------------------

    def canFetchMore(self, parent: _ANY_INDEX = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._has_more and not self._fetching

    def fetchMore(self, parent: _ANY_INDEX = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._set_fetching(True)
        generation = self._generation
        self._run_page_job(
            generation,
            after=self._cursor,
            on_done=self._if_current(generation, self._page_arrived),
        )

    def _run_page_job(
        self,
        generation: int,
        *,
        after: tuple[Any, ...] | None,
        on_done: Callable[[HouseholdPage], None],
    ) -> None:
        job = in_session(
            self._db,
            page_with_reviews,
            self._filters,
            sort=self._sort,
            descending=self._descending,
            after=after,
            limit=self._page_size,
            internal=self._internal,
            income_year=self._income_year,
        )

        def arrived(result: tuple[HouseholdPage, dict[str, ReviewState]]) -> None:
            page, reviews = result
            self._reviews.update(reviews)  # before the rows' texts are made from them
            on_done(page)

        self._runner.run(job, on_done=arrived, on_error=self._if_current(generation, self._failed))

    def _count(self) -> None:
        generation = self._generation
        job = in_session(self._db, count_households, self._filters, internal=self._internal)
        self._runner.run(
            job,
            on_done=self._if_current(generation, self._total_arrived),
            on_error=self._if_current(generation, self._failed),
        )

    def _if_current(
        self, generation: int, callback: Callable[[Any], None]
    ) -> Callable[[Any], None]:
        def guarded(value: Any) -> None:
            if generation == self._generation:
                callback(value)

        return guarded

    def _first_page_arrived(self, page: HouseholdPage) -> None:
        # Views and testers may ask canFetchMore/fetchMore while the reset is being announced;
        # ``_fetching`` stays set until it is over, so no rows are inserted inside the reset.
        self._awaiting_first_page = False
        self.beginResetModel()
        self._rows = list(page.rows)
        self._texts = [self._row_texts(row) for row in page.rows]
        self._cursor = page.after
        self._has_more = page.after is not None
        self.endResetModel()
        self._set_fetching(False)
        if self._total is not None:
            pass  # counted beside the page already
        elif not self._has_more:  # the whole list is on this page: nothing to count
            self._total_arrived(len(self._rows))
        elif self._filters.household_ids is None:
            self._count()

    def _page_arrived(self, page: HouseholdPage) -> None:
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._texts.extend(self._row_texts(row) for row in page.rows)
            self.endInsertRows()
        self._cursor = page.after
        self._has_more = page.after is not None
        self._set_fetching(False)

    def _total_arrived(self, total: int) -> None:
        self._total = total
        self.total_changed.emit(total)

    def _failed(self, error: BaseException) -> None:
        if self._awaiting_first_page:  # the rows shown belong to the old filter: drop them
            self._awaiting_first_page = False
            self.beginResetModel()
            self._rows, self._texts, self._cursor = [], [], None
            self.endResetModel()
        self._has_more = False  # no retry loop on a broken query; reload() tries again
        self._set_fetching(False)
        self.load_failed.emit(
            self.tr("读取农户列表失败:{0}").format(error_text("reading the household list", error))
        )

    def _set_fetching(self, fetching: bool) -> None:
        if fetching != self._fetching:
            self._fetching = fetching
            self.loading_changed.emit(fetching)

    # --- QAbstractTableModel -----------------------------------------------------------------

    def rowCount(self, parent: _ANY_INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _ANY_INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index: _ANY_INDEX) -> Qt.ItemFlag:
        return _ITEM_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headers(self) -> list[str]:
        """The column titles, in ``COLUMNS`` order."""
        return [
            self.tr("户编号"),
            self.tr("户主姓名"),
            self.tr("行政村"),
            self.tr("自然村(组)"),
            self.tr("脱贫状态"),
            self.tr("人口数"),
            self.tr("人均纯收入(元)"),
            self.tr("标识"),
            self.tr("更新时间"),
        ]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or section < 0:
            return None
        if orientation == Qt.Orientation.Horizontal:
            headers = self.headers()
            return headers[section] if section < len(headers) else None
        return str(section + 1) if section < len(self._rows) else None

    def flag_label(self, flag: Flag) -> str:
        match flag:
            case Flag.MARGINAL:
                return self.tr("边缘户")
            case Flag.MONITORED:
                return self.tr("监测户")
            case Flag.AWAY:
                return self.tr("长期外出")
        return str(flag)

    def review(self, household_id: str) -> ReviewState | None:
        """The household's latest review as last read with its page (``None``: never reviewed)."""
        return self._reviews.get(household_id)

    def returned(self, household_id: str) -> bool:
        """Returned by the reviewer and not changed since (shown as 已退回)."""
        state = self._reviews.get(household_id)
        return state is not None and state.returned

    def _row_texts(self, row: HouseholdRow) -> tuple[str, ...]:
        return tuple(self.display_text(row, column) for column in COLUMNS)

    def display_text(self, row: HouseholdRow, column: HouseholdColumn) -> str:
        """The text a cell shows."""
        match column:
            case HouseholdColumn.NUMBER:
                return row.household_number
            case HouseholdColumn.HEAD:
                return row.head_name or self.tr("(无户主)")
            case HouseholdColumn.VILLAGE:
                return row.village
            case HouseholdColumn.HAMLET:
                return row.hamlet or ""
            case HouseholdColumn.STATUS:
                label = self._status_labels.get(row.status, f"[{row.status}]")
                if self.returned(row.id):
                    return self.tr("{0} · 已退回").format(label)
                return label
            case HouseholdColumn.MEMBERS:
                return str(row.member_count)
            case HouseholdColumn.INCOME:
                return money(row.per_capita_net_income)
            case HouseholdColumn.FLAGS:
                return "、".join(self.flag_label(f) for f in row.flags)
            case HouseholdColumn.UPDATED:
                return local_time(row.updated_at)
        return ""

    def data(self, index: _ANY_INDEX, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if not (0 <= r < len(self._texts) and 0 <= c < len(COLUMNS)):
            return None
        if role == _DISPLAY:
            return self._texts[r][c]
        if role == _ALIGNMENT:
            return _ALIGNMENTS[c]
        if role == _ID:
            return self._rows[r].id
        if role == _FOREGROUND and c == _FLAGS_COLUMN:
            if any(f is not Flag.AWAY for f in self._rows[r].flags):
                return QBrush(_INTERNAL_FLAG_COLOUR)
            return None
        if c == _STATUS_COLUMN and role in (_FOREGROUND, _TOOLTIP):
            state = self._reviews.get(self._rows[r].id)
            if state is None or not state.returned:
                return None
            if role == _FOREGROUND:
                return QBrush(_RETURNED_COLOUR)
            return self.tr("退回意见:{0}").format(state.comment or "")
        if role == _TOOLTIP and c == _HEAD_COLUMN:
            row = self._rows[r]
            return f"{row.household_number} {row.head_name or ''}".strip()
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        sort, descending = COLUMNS[column], order == Qt.SortOrder.DescendingOrder
        # The same order again changes nothing; that includes the view announcing its initial
        # order before the first load (the window's own reload() loads the list once).
        if (sort, descending) == (self._sort, self._descending) and (
            self._rows or self._fetching or self._generation == 0
        ):
            return
        self._sort, self._descending = sort, descending
        self.reload()
