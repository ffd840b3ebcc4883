"""Opening a Fieldbook database: the engine, its pragmas, migrations to head, and the write guard.

A laptop's database is a local SQLite file in WAL mode with foreign keys on and
``synchronous=FULL`` (a saved form survives a power cut). The server opens the same schema on
PostgreSQL. ``open_database`` migrates an older file to the current schema before anything
else touches it, so a laptop's data survives every upgrade.
"""

from __future__ import annotations

import functools
import re
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from desktop.store.models import REGISTRY_MODELS
from desktop.store.writer import SerialWriter

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
REGISTRY_WRITER_KEY = "registry_writer"


class UnguardedRegistryWrite(RuntimeError):
    """A registry row was about to be written outside the save path or a bulk loader."""


def database_url(target: str | Path) -> URL:
    """A SQLAlchemy URL for a file path or an URL string (``postgresql+psycopg://…``)."""
    text = str(target)
    if "://" in text:
        return make_url(text)
    return make_url(f"sqlite:///{Path(text).expanduser().resolve()}")


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    # No automatic checkpoint inside a commit (it made the slowest saves): IdleCheckpointer runs
    # a passive one once the file has been quiet for a moment, and SQLite checkpoints when the
    # last connection closes.
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    cursor.close()


WAL_AUTOCHECKPOINT_PAGES = 0
IDLE_CHECKPOINT_SECONDS = 1.0


class IdleCheckpointer:
    """A passive WAL checkpoint in a background thread, once no commit came for a moment.

    A passive checkpoint never waits for a reader or a writer, so it cannot hold a save up; the
    thread ends when the engine is disposed or collected.
    """

    def __init__(self, engine: Engine, quiet: float = IDLE_CHECKPOINT_SECONDS) -> None:
        self._engine = weakref.ref(engine)
        self._quiet = quiet
        self._last_commit = 0.0
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self.checkpoints = 0
        event.listen(engine, "commit", self._committed)
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def _committed(self, _connection) -> None:  # noqa: ANN001
        self._last_commit = time.monotonic()
        self._dirty.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._dirty.wait(timeout=30):
                if self._engine() is None:
                    return
                continue
            while (left := self._last_commit + self._quiet - time.monotonic()) > 0:
                if self._stop.wait(left):
                    return
            self._dirty.clear()
            if self._stop.is_set():
                return
            self.checkpoint()

    def checkpoint(self) -> None:
        engine = self._engine()
        if engine is None:
            return
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            self.checkpoints += 1
        except Exception:  # noqa: BLE001 - a missed checkpoint is caught up by the next one
            pass

    def stop(self) -> None:
        self._stop.set()
        self._dirty.set()


def make_engine(target: str | Path | URL, *, key: bytes | None = None) -> Engine:
    """An engine with Fieldbook's connection settings (SQLite pragmas on every connection).

    With ``key`` (32 bytes) the SQLite file is a SQLCipher database (``desktop.store.crypto``).
    """
    url = target if isinstance(target, URL) else database_url(target)
    if key is not None:
        from desktop.store.crypto import encrypted_engine

        if url.get_backend_name() != "sqlite":
            raise ValueError("only a SQLite database can be encrypted with a key")
        engine = encrypted_engine(url, key)
        engine.hide_parameters = True  # no ID number in an error's text or a log (issue 11)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, hide_parameters=True)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


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


@dataclass
class Database:
    """An open, migrated database: its engine and a session factory with the write guard."""

    engine: Engine
    sessions: sessionmaker[Session]
    checkpointer: IdleCheckpointer | None = field(default=None, repr=False)
    writer: SerialWriter = field(default_factory=SerialWriter, repr=False)
    """The one writer of this database in this process (``desktop.store.writer``)."""

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that is closed afterwards; it commits nothing by itself."""
        with self.sessions() as session:
            yield session

    def dispose(self) -> None:
        self.writer.shutdown()
        if self.checkpointer is not None:
            self.checkpointer.stop()
        self.engine.dispose()


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
            from desktop.store.crypto import check_database_key

            check_database_key(url.database, key)
    engine = make_engine(url, key=key)
    if migrate and (revision := current_revision(engine)) != head_revision():
        if revision is not None and url.get_backend_name() == "sqlite":
            from desktop.store.backup import backup_before_migration

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
