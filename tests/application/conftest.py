"""A small demo county on disk for the application layer's tests (no Qt anywhere)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop.store.db import Database, open_database
from desktop.store.demo import build_demo_county


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "fieldbook.db"
    db = open_database(path)
    build_demo_county(db, households=40, seed=2019)
    db.dispose()
    return path


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
