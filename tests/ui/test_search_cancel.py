"""A search typed over is cancelled: it never starts, or its SQLite query is interrupted."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.store.db import open_database
from desktop.ui.household_list import InterruptibleQuery, QueryCancelled

ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"


def test_a_cancelled_query_does_not_start(tmp_path: Path) -> None:
    db = open_database(tmp_path / "f.db")
    ran: list[int] = []
    try:
        job = InterruptibleQuery(db, lambda _session: ran.append(1))
        job.cancel()
        with pytest.raises(QueryCancelled):
            job()
    finally:
        db.dispose()
    assert ran == []


def test_a_running_query_is_interrupted_by_cancel(tmp_path: Path) -> None:
    db = open_database(tmp_path / "f.db")
    started = threading.Event()

    def endless(session) -> int:
        started.set()
        return session.execute(text(ENDLESS)).scalar()

    job = InterruptibleQuery(db, endless)
    outcome: list[BaseException | int] = []

    def run() -> None:
        try:
            outcome.append(job())
        except BaseException as error:  # noqa: BLE001 - the test looks at what it was
            outcome.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert started.wait(30)
        while worker.is_alive():  # the query may not have reached SQLite yet: ask again
            job.cancel()
            worker.join(0.05)
    finally:
        db.dispose()
    assert len(outcome) == 1 and isinstance(outcome[0], QueryCancelled)


def test_an_uncancelled_query_returns_its_answer(tmp_path: Path) -> None:
    db = open_database(tmp_path / "f.db")
    try:
        assert InterruptibleQuery(db, lambda s: s.execute(text("SELECT 41 + 1")).scalar())() == 42
    finally:
        db.dispose()
