"""The household list loads once at start, its first page before anything else it asks: the
count of a whole county waits until the page is in (a search's few ids are counted beside it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

from desktop.store.queries import count_households
from desktop.ui.household_list import HouseholdListModel, page_with_reviews


class HeldRunner:
    """A task runner that holds every job until the test lets it run."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Callable[[], Any], Callable[[Any], None]]] = []

    def run(self, fn, *, on_done, on_error=None, serial=False) -> None:  # noqa: ANN001
        self.jobs.append((fn, on_done))

    def run_next(self) -> None:
        fn, on_done = self.jobs.pop(0)
        on_done(fn())


def query_of(job: Callable[[], Any]) -> Any:
    """The query function an ``in_session`` job runs (found among its closure's cells)."""
    cells = [c.cell_contents for c in job.__closure__ or ()]
    return next(c for c in cells if c in (page_with_reviews, count_households))


def test_the_first_page_is_asked_alone_and_the_count_after_it(demo_db, qtbot) -> None:
    runner = HeldRunner()
    model = HouseholdListModel(demo_db, runner)
    model.sort(0, Qt.SortOrder.AscendingOrder)  # a view announcing its initial order: no load
    assert runner.jobs == []
    model.reload()
    assert [query_of(job) for job, _ in runner.jobs] == [page_with_reviews]
    runner.run_next()
    assert model.rowCount() > 0 and model.total is None
    assert [query_of(job) for job, _ in runner.jobs] == [count_households]
    runner.run_next()
    assert model.total is not None and model.total >= model.rowCount()


def test_a_search_counts_its_ids_beside_the_first_page(demo_db, qtbot) -> None:
    runner = HeldRunner()
    model = HouseholdListModel(demo_db, runner)
    model.reload()
    runner.run_next()
    runner.run_next()
    ids = tuple(model.household_id(r) for r in range(3))
    model.update_filters(household_ids=ids)
    assert sorted(query_of(job).__name__ for job, _ in runner.jobs) == [
        "count_households",
        "page_with_reviews",
    ]
    while runner.jobs:
        runner.run_next()
    assert model.total == 3 and model.rowCount() == 3
