"""Opening a Fieldbook database: the engine, its pragmas, migrations to head, and the write guard.

A laptop's database is a local SQLite file in WAL mode with foreign keys on and
``synchronous=FULL`` (a saved form survives a power cut). The server opens the same schema on
PostgreSQL. ``open_database`` migrates an older file to the current schema before anything
else touches it, so a laptop's data survives every upgrade.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from desktop.store.models import REGISTRY_MODELS

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
    cursor.close()


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
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest migration this release knows."""
    script = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration a database is at (``None`` for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate a database to ``revision`` (default: the newest)."""
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

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that is closed afterwards; it commits nothing by itself."""
        with self.sessions() as session:
            yield session

    def dispose(self) -> None:
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
    if migrate and database.is_sqlite:
        from desktop.store.search import ensure_search_index

        with database.session() as session:
            if ensure_search_index(session):  # a migrated older file gets its index built once
                session.commit()
    return database
