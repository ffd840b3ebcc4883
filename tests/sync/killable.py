"""The laptop's sync as a process the fault tests kill (``tests/sync/test_faults.py``).

Kept apart from the test module, whose imports (the server, uvicorn, the fixtures) a forked
child would otherwise load again on every one of fifty starts.
"""

from __future__ import annotations

from typing import Any


def run_sync(db_path: str, batch_size: int, ready: Any, steps: Any) -> None:
    """``fieldbook sync --db PATH --batch-size N``, saying when the database is open (so the
    kills land in the sync, not in the process's start-up), then ``"commit"`` on ``steps`` after
    each of the sync's local commits and ``"done"`` at the end: the test kills after a chosen
    number of them, on an event rather than after a guessed time."""
    from sqlalchemy import event

    from desktop.store.db import open_database
    from sync.rounds import run_sync as fieldbook_sync

    db = open_database(db_path)
    event.listen(db.engine, "commit", lambda _connection: steps.put("commit"))
    ready.set()
    fieldbook_sync(db, batch_size=batch_size)
    steps.put("done")
