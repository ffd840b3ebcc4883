"""Opening a Fieldbook database: key check, backup, migrations to head, search index, write guard.

A laptop's database is a local SQLite file in WAL mode with foreign keys on and
``synchronous=FULL`` (a saved form survives a power cut). The server opens the same schema on
PostgreSQL. ``open_database`` migrates an older file to the current schema before anything
else touches it, so a laptop's data survives every upgrade.

``open_database`` only puts the steps in order; each lives below it: the engine and its
pragmas in ``desktop.store.engine``, the key check in ``desktop.store.crypto``, the backup
before a migration in ``desktop.store.backup``, the index in ``desktop.store.search``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from desktop.store.backup import backup_before_migration
from desktop.store.crypto import check_database_key
from desktop.store.engine import (
    IDLE_CHECKPOINT_SECONDS,
    WAL_AUTOCHECKPOINT_PAGES,
    Database,
    IdleCheckpointer,
    begin_write,
    database_url,
    make_engine,
)
from desktop.store.models import REGISTRY_MODELS

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
REGISTRY_WRITER_KEY = "registry_writer"
__all__ = [  # the engine's names, long imported from here
    "IDLE_CHECKPOINT_SECONDS",
    "WAL_AUTOCHECKPOINT_PAGES",
    "Database",
    "IdleCheckpointer",
    "begin_write",
    "database_url",
    "make_engine",
    "open_database",
    "registry_writer",
]


class UnguardedRegistryWrite(RuntimeError):
    """A registry row was about to be written outside the save path or a bulk loader."""


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


_REVISION_LINE = re.compile(r'^(down_revision|revision)\b[^=]*=\s*(None|"[^"]*"|\'[^\']*\')', re.M)


@functools.cache
def head_revision() -> str:
    """The newest migration this release knows.

    Read from the migration files' own ``revision`` / ``down_revision`` lines: importing Alembic
    to ask it cost 0.1 s and 17 MB at every start, and a start only needs Alembic to migrate.
    Anything but one plain chain (a merge, a tuple) is left to Alembic.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found or "down_revision" not in found:
            return _alembic_head()
        revisions.add(found["revision"].strip("\"'"))
        if found["down_revision"] != "None":
            parents.add(found["down_revision"].strip("\"'"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else _alembic_head()


def _alembic_head() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration a database is at (``None`` for an empty database)."""
    if engine.dialect.name == "sqlite":  # no Alembic import just to read one row
        with engine.connect() as connection:
            table = connection.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).first()
            if table is None:
                return None
            rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
            if len(rows) == 1:
                return rows[0][0]
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate a database to ``revision`` (default: the newest)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def _guard_registry_writes(session: Session, _flush_context, _instances) -> None:
    if session.info.get(REGISTRY_WRITER_KEY):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, REGISTRY_MODELS) and (obj in session.new or session.is_modified(obj)):
            raise UnguardedRegistryWrite(
                f"{type(obj).__name__} may only be written through desktop.store.save"
            )


@contextmanager
def registry_writer(session: Session, who: str) -> Iterator[Session]:
    """Allow registry writes on ``session`` for the duration (used by save and bulk loaders only)."""
    previous = session.info.get(REGISTRY_WRITER_KEY)
    session.info[REGISTRY_WRITER_KEY] = who
    try:
        yield session
    finally:
        if previous is None:
            session.info.pop(REGISTRY_WRITER_KEY, None)
        else:
            session.info[REGISTRY_WRITER_KEY] = previous


def open_database(
    target: str | Path | URL, *, migrate: bool = True, key: bytes | None = None
) -> Database:
    """Open (and create) a database, migrating it to the current schema first.

    ``key`` opens (or creates) an encrypted SQLite file; a wrong key, or no key for an encrypted
    file, raises ``desktop.store.crypto.WrongKey``. A file that holds data is backed up
    (``desktop.store.backup``) before it is migrated.
    """
    url = target if isinstance(target, URL) else database_url(target)
    if url.get_backend_name() == "sqlite" and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        if url.database != ":memory:":
            check_database_key(url.database, key)
    engine = make_engine(url, key=key)
    if migrate and (revision := current_revision(engine)) != head_revision():
        if revision is not None and url.get_backend_name() == "sqlite":
            backup_before_migration(engine, revision, key=key)
        upgrade(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    event.listen(sessions, "before_flush", _guard_registry_writes)
    database = Database(engine=engine, sessions=sessions)
    if database.is_sqlite and url.database not in (None, "", ":memory:"):
        database.checkpointer = IdleCheckpointer(engine)
    if migrate and database.is_sqlite:
        from desktop.store.search import ensure_search_index

        with database.session() as session:
            if ensure_search_index(session):  # a migrated older file gets its index built once
                session.commit()
    return database
