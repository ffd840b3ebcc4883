"""Fixtures of the location tests: the NMEA logs, the settings, a small demo county on disk."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop.domain.location_settings import LocationSettings, location_settings
from desktop.store.db import Database, open_database
from desktop.store.demo import build_demo_county

DATA = Path(__file__).resolve().parent / "data"
HOUSE = (33.412350, 106.051200)  # where every fixture log was recorded (see data/make_logs.py)
DEMO_HOUSEHOLDS = 120


@pytest.fixture
def log() -> Callable[[str], Path]:
    """The path of a fixture log by file name."""

    def path(name: str) -> Path:
        found = DATA / name
        assert found.is_file(), f"missing fixture log {found}"
        return found

    return path


@pytest.fixture
def settings() -> LocationSettings:
    return location_settings()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo county (closed SQLite file), built once per module."""
    path = tmp_path_factory.mktemp("location-demo") / "fieldbook.db"
    db = open_database(path)
    build_demo_county(db, households=DEMO_HOUSEHOLDS, seed=2019)
    db.dispose()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A private writable copy of the demo county for one test."""
    target = tmp_path / "copy.db"
    shutil.copyfile(demo_file, target)
    db = open_database(target)
    yield db
    db.dispose()
