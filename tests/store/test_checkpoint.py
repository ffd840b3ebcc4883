"""WAL checkpoints stay out of the save's commit: none runs inside a commit, and a passive one
runs in the background once the file has been quiet."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text

from desktop.store.db import IdleCheckpointer, open_database


def _wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_no_connection_checkpoints_inside_a_commit(tmp_path: Path) -> None:
    db = open_database(tmp_path / "f.db")
    try:
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    finally:
        db.dispose()


def test_a_quiet_file_is_checkpointed_in_the_background(tmp_path: Path) -> None:
    db = open_database(tmp_path / "f.db")
    try:
        assert db.checkpointer is not None
        db.checkpointer.stop()  # the default one waits a second; this test's waits for none
        checkpointer = IdleCheckpointer(db.engine, quiet=0.0)
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x)"))
        for n in range(3):
            with db.engine.begin() as connection:
                connection.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
        assert _wait_for(lambda: checkpointer.checkpoints >= 1)
        checkpointer.stop()
    finally:
        db.dispose()


def test_a_disposed_database_stops_its_checkpointer(tmp_path: Path) -> None:
    db = open_database(tmp_path / "f.db")
    checkpointer = db.checkpointer
    assert checkpointer is not None
    db.dispose()
    assert _wait_for(lambda: not checkpointer._thread.is_alive())
