"""A real demo county on disk for the UI tests, built once per module (it takes about a second).

Tests that write copy it first (``demo_copy``), so the shared file stays as built.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop.store.db import Database, open_database
from desktop.store.demo import build_demo_county

DEMO_HOUSEHOLDS = 300
DEMO_SEED = 2019


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the demo county of ``DEMO_HOUSEHOLDS`` households (closed)."""
    path = tmp_path_factory.mktemp("demo") / "fieldbook.db"
    db = open_database(path)
    build_demo_county(db, households=DEMO_HOUSEHOLDS, seed=DEMO_SEED)
    db.dispose()  # checkpoints the WAL into the file, so a plain copy is complete
    return path


@pytest.fixture(scope="module")
def demo_db(demo_path: Path) -> Iterator[Database]:
    """The shared demo county, open. Tests must not write to it."""
    db = open_database(demo_path)
    yield db
    db.dispose()


@pytest.fixture
def demo_copy(demo_path: Path, tmp_path: Path) -> Iterator[Callable[[], Database]]:
    """A factory: a private, writable copy of the demo county for one test."""
    opened: list[Database] = []

    def make() -> Database:
        target = tmp_path / f"copy{len(opened)}.db"
        shutil.copyfile(demo_path, target)
        db = open_database(target)
        opened.append(db)
        return db

    yield make
    for db in opened:
        db.dispose()
