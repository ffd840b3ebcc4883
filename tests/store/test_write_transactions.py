"""Write transactions on the laptop: ``BEGIN IMMEDIATE``, so a second writer waits, then reads fresh.

Two real connections (two ``open_database`` on one real file, plain and SQLCipher) save at the
same time: the first is held inside its save after its rows are flushed, not yet committed;
the second starts its save then. It must wait for the first to commit and then read what it
wrote: the next ``device_seq``, and the first household's ID numbers as taken.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import event, select

from desktop.store.crypto import new_database_key
from desktop.store.db import Database, open_database, registry_writer
from desktop.store.models import Division, Household, OutboxChange
from desktop.store.save import SaveRefused, save_household
from tests.store.test_save import REGION, new_household, no_problems

WAIT = 30.0  # a safety net only: every wait below ends on an event


@pytest.fixture(params=["plain", "sqlcipher"])
def two_connections(request, tmp_path):
    key = new_database_key() if request.param == "sqlcipher" else None
    path = tmp_path / "fieldbook.db"
    first = open_database(path, key=key)
    with first.session() as session, registry_writer(session, "test"):
        county = Division(code=f"{REGION}000000", level="county", name="乾县")
        township = Division(code=f"{REGION}100000", level="township", name="城关镇", parent=county)
        session.add(
            Division(code=f"{REGION}100201", level="village", name="东街村", parent=township)
        )
        session.commit()
    second = open_database(path, key=key)
    yield first, second
    second.dispose()
    first.dispose()


def _in_thread(fn: Callable[[], object]) -> tuple[threading.Thread, dict[str, object]]:
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def _race(first: Database, second: Database, second_number: str, second_head: str):
    """The first save holds its flushed, uncommitted rows until the second save has begun."""
    first_flushed, second_begins, release = threading.Event(), threading.Event(), threading.Event()
    order: list[str] = []

    def hold_after_flush(_session, _context) -> None:
        first_flushed.set()
        assert release.wait(WAIT)
        order.append("first commits")

    def first_save():
        with first.session() as session:
            household = new_household(session)
            session.commit()  # the save below begins its own (write) transaction
            event.listen(session, "after_flush", hold_after_flush, once=True)
            return save_household(session, household, actor="甲", validator=no_problems)

    def second_asks_for_the_lock(_conn, _cursor, statement, *_args) -> None:
        if statement == "BEGIN IMMEDIATE":
            second_begins.set()

    def second_save():
        with second.session() as session:
            household = new_household(session, second_number, head_name=second_head)
            session.commit()
            result = save_household(session, household, actor="乙", validator=no_problems)
            order.append("second saved")
            return result

    event.listen(second.engine, "before_cursor_execute", second_asks_for_the_lock)
    first_thread, first_outcome = _in_thread(first_save)
    assert first_flushed.wait(WAIT)
    second_thread, second_outcome = _in_thread(second_save)
    # the second writer asks for the lock while the first holds it
    assert second_begins.wait(WAIT), second_outcome
    release.set()
    first_thread.join(WAIT)
    second_thread.join(WAIT)
    assert not first_thread.is_alive() and not second_thread.is_alive()
    assert "error" not in first_outcome, first_outcome
    return order, second_outcome


def test_a_second_writer_waits_and_takes_the_next_device_seq(two_connections):
    first, second = two_connections
    order, outcome = _race(first, second, "6104241002010002", "王立新")

    assert "error" not in outcome, outcome
    assert order == ["first commits", "second saved"]
    with first.session() as session:
        sequences = session.scalars(select(OutboxChange.device_seq)).all()
        numbers = session.scalars(select(Household.household_number)).all()
    assert sorted(sequences) == list(range(1, len(sequences) + 1))  # gap-free, none twice
    assert sorted(numbers) == ["6104241002010001", "6104241002010002"]


def test_a_second_writer_sees_the_id_numbers_the_first_just_saved(two_connections):
    first, second = two_connections
    # the same household number's members: the same ID numbers as the first household's
    order, outcome = _race(first, second, "6104241002020001", "张建国")

    refused = outcome.get("error")
    assert isinstance(refused, SaveRefused), outcome
    assert {p.code for p in refused.problems} == {"R1_01_001_DUPLICATE_ID"}
    assert order == ["first commits"]
    with first.session() as session:
        assert session.scalars(select(Household.household_number)).all() == ["6104241002010001"]
