"""Opening the server's database: the registry schema plus the server's own tables, both migrated.

``open_server_database(url)`` runs ``desktop.store.db.open_database`` (registry migrations, the
write guard) and then this package's Alembic history (``sync/server/migrations``, version table
``alembic_version_server``). Two histories instead of one ``create_all``: the server's tables
will change (conflict resolution, reports) while servers hold data, and a county server must be
upgraded in place like a laptop is.

Writes are applied one writer at a time (``writer_session``) so that ``server_seq`` values commit
in the order they were taken and a pull cursor never steps over a row that commits later: on
PostgreSQL a transaction-level advisory lock (``pg_advisory_xact_lock``), which also orders
several server processes and the console's ``import-bundle``; on SQLite ``BEGIN IMMEDIATE``,
which takes the database's one write lock up front (a deferred transaction that reads and then
writes can fail at once with "database is locked" when another process writes meanwhile).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from desktop.store.db import Database, open_database
from sync.server.models import VERSION_TABLE

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
DEFAULT_DATABASE_URL = "sqlite:///fieldbook-server.db"
PUSH_ADVISORY_LOCK_KEY = 0x46425F50555348  # "FB_PUSH"
IMMEDIATE = "fieldbook_immediate"


class WriterBusy(Exception):
    """The one writer could not be had in time (the server answers 503 with Retry-After)."""


def server_alembic_config(engine: Engine) -> Config:
    """The Alembic configuration of the server's own tables, bound to ``engine``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def server_head_revision() -> str:
    """The newest migration of the server's tables that this release knows."""
    script = ScriptDirectory.from_config(server_alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def server_current_revision(engine: Engine) -> str | None:
    """The migration of the server's tables a database is at (``None`` before the first)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def upgrade_server(engine: Engine, revision: str = "head") -> None:
    """Migrate the server's tables to ``revision`` (default: the newest)."""
    command.upgrade(server_alembic_config(engine), revision)


def _real_sqlite_transactions(database: Database) -> None:
    """Let SQLAlchemy, not the sqlite3 module, begin transactions, so savepoints nest properly.

    Python's sqlite3 (3.11) begins a transaction only at the first write; a savepoint taken before
    that would start and, on release, commit a transaction of its own, and a batch would no longer
    be all-or-nothing. This is SQLAlchemy's documented pysqlite recipe, plus ``BEGIN IMMEDIATE``
    for a writer's session (``writer_session``).
    """
    if not database.is_sqlite:
        return

    @event.listens_for(database.engine, "connect")
    def _autocommit_driver(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(database.engine, "begin")
    def _begin(connection) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    database.engine.dispose()  # connections opened by the migrations predate the listeners


def open_server_database(url: str) -> Database:
    """Open (and create) the server's database with both schemas at their newest revision."""
    database = open_database(url)
    if server_current_revision(database.engine) != server_head_revision():
        upgrade_server(database.engine)
    _real_sqlite_transactions(database)
    return database


@contextmanager
def writer_session(database: Database, *, timeout: float) -> Iterator[Session]:
    """A session that holds the database's one writer for its transaction (see the docstring).

    Raises ``WriterBusy`` when the writer cannot be had in time: ``timeout`` seconds on
    PostgreSQL, the connection's busy timeout on SQLite. The caller commits; the lock goes with
    the transaction.
    """
    with database.session() as session:
        if database.is_sqlite:
            try:
                # waits up to the connection's busy_timeout (desktop.store.db: 5 s) for the lock
                session.connection(execution_options={IMMEDIATE: True})
            except OperationalError as exc:
                raise WriterBusy from exc
        else:
            try:
                timeout_ms = max(int(timeout * 1000), 1)
                session.execute(text(f"SET LOCAL lock_timeout = {timeout_ms}"))
                session.execute(select(func.pg_advisory_xact_lock(PUSH_ADVISORY_LOCK_KEY)))
            except OperationalError as exc:
                raise WriterBusy from exc
        yield session
