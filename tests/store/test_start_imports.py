"""Opening an up-to-date database stays off the slow imports: Alembic only when a migration is
due, pypinyin only when the search index is written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from desktop.store.db import _alembic_head, head_revision, open_database

PROBE = """
import sys
from desktop.store.db import open_database
from desktop.store.search import search_households
db = open_database(sys.argv[1])
with db.session() as session:
    search_households(session, "王")
db.dispose()
print(" ".join(m for m in ("alembic", "pypinyin") if m in sys.modules))
"""


def test_the_head_read_from_the_migration_files_is_alembics() -> None:
    assert head_revision() == _alembic_head()


def test_opening_an_up_to_date_database_imports_neither_alembic_nor_pypinyin(
    tmp_path: Path,
) -> None:
    path = tmp_path / "f.db"
    open_database(path).dispose()  # made and migrated once
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=True
    )
    assert probe.stdout.split() == []
