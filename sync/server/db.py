"""Opening the server's database: the registry schema plus the server's own tables, both migrated.

``open_server_database(url)`` runs ``desktop.store.db.open_database`` (registry migrations, the
write guard) and then this package's Alembic history (``sync/server/migrations``, version table
``alembic_version_server``). Two histories instead of one ``create_all``: the server's tables
will change (conflict resolution, reports) while servers hold data, and a county server must be
upgraded in place like a laptop is.

Writers (``writer_session``): on PostgreSQL a push locks the feed counter rows of its counties
(``sync.server.feed``), so ``server_seq`` values of one county commit in the order they were
taken and a pull cursor never steps over a row that commits later, while pushes of different
counties run in parallel. Beside that, a transaction-level advisory lock with two sides: pushes
take it shared, the rarer writers that may touch any county (the registry import, the staff's
pages, enrollment, resolutions) take it exclusive; it also orders several server processes and
the console's ``import-bundle``. On SQLite ``BEGIN IMMEDIATE``, which takes the database's one
write lock up front (a deferred transaction that reads and then writes can fail at once with
"database is locked" when another process writes meanwhile): one writer, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, func, make_url, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from desktop.store.db import Database, open_database
from desktop.store.engine import IMMEDIATE  # every SQLite engine begins IMMEDIATE on it
from sync.server import feed  # noqa: F401 - numbers feed entries added on their own
from sync.server.models import VERSION_TABLE

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
DEFAULT_DATABASE_URL = "sqlite:///fieldbook-server.db"
PUSH_ADVISORY_LOCK_KEY = 0x46425F50555348  # "FB_PUSH"


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


class SchemaMismatch(Exception):
    """The database's schema is not the one this release serves; ``message`` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown id
        return False


def check_schema(engine: Engine, url: str = "") -> None:
    """Raise ``SchemaMismatch`` unless both histories (registry, server) are at this release's
    newest revision: an empty or older database needs ``fieldbook-server migrate``, a newer one
    a newer release."""
    from desktop.store.db import alembic_config, current_revision, head_revision

    where = f" --db {url}" if url else ""
    histories = (
        ("registry", current_revision(engine), head_revision(), alembic_config(engine)),
        (
            "server",
            server_current_revision(engine),
            server_head_revision(),
            server_alembic_config(engine),
        ),
    )
    for name, current, head, config in histories:
        if current == head:
            continue
        if current is None or _known(ScriptDirectory.from_config(config), current):
            raise SchemaMismatch(
                f"数据库尚未迁移到本版本的结构({name}: {current or '空'} → {head}),"
                f"请先运行 fieldbook-server migrate{where}"
            )
        raise SchemaMismatch(
            f"数据库的结构({name}: {current})比本程序新,请升级 fieldbook-server 后再启动"
        )


MIGRATE_ADVISORY_LOCK_KEY = 0x46425F4D494752  # "FB_MIGR"


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """Held by one migrator at a time, across processes: a PostgreSQL session advisory lock,
    or for a SQLite file an exclusive lock on ``<file>.migrate.lock`` beside it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            yield
            return
        import fcntl

        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{path}.migrate.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    engine = create_engine(parsed, poolclass=NullPool, hide_parameters=True)
    try:
        with engine.connect() as connection:
            connection.execute(select(func.pg_advisory_lock(MIGRATE_ADVISORY_LOCK_KEY)))
            connection.commit()
            try:
                yield
            finally:
                connection.execute(select(func.pg_advisory_unlock(MIGRATE_ADVISORY_LOCK_KEY)))
                connection.commit()
    finally:
        engine.dispose()


def migrate_server_database(url: str) -> tuple[str, str]:
    """Bring both histories to this release's newest revision, one migrator at a time (safe to
    run from several processes at once); the (registry, server) revisions after."""
    with migration_lock(url):
        database = open_database(url)  # the registry's history (backed up first on SQLite)
        try:
            if server_current_revision(database.engine) != server_head_revision():
                upgrade_server(database.engine)
            check_schema(database.engine, url)
            from desktop.store.db import current_revision

            registry = current_revision(database.engine)
            server = server_current_revision(database.engine)
            assert registry is not None and server is not None
            return registry, server
        finally:
            database.dispose()


def open_server_database(url: str, *, migrate: bool = True) -> Database:
    """Open the server's database with both schemas at their newest revision.

    With ``migrate`` (tests, the console commands) a database that is behind is migrated first,
    under ``migration_lock``; without it (``fieldbook-server serve``) it must already be, or
    ``SchemaMismatch`` says what to do.
    """
    if migrate:
        migrate_server_database(url)
    database = open_database(url, migrate=False)
    try:
        check_schema(database.engine, url)
    except SchemaMismatch:
        database.dispose()
        raise
    return database


@contextmanager
def writer_session(
    database: Database, *, timeout: float, per_county: bool = False
) -> Iterator[Session]:
    """A session for one writer's transaction (see the module docstring).

    ``per_county`` (pushes and bundles, which lock their counties' feed counters themselves,
    ``sync.server.feed``): on PostgreSQL only the shared side of the writers' advisory lock, so
    pushes of different counties run at once; otherwise (imports, the staff's pages, enrollment,
    resolutions) its exclusive side, which waits for every push in flight and holds every new
    one back, as the one writer did before. On SQLite always the database's one write lock.

    Raises ``WriterBusy`` when the lock cannot be had in time: ``timeout`` seconds on
    PostgreSQL (for the counter rows too: ``lock_timeout`` stays set for the transaction), the
    connection's busy timeout on SQLite. The caller commits; the locks go with the transaction.
    """
    with database.session() as session:
        if database.is_sqlite:
            try:
                # waits up to the connection's busy_timeout (desktop.store.db: 5 s) for the lock
                session.connection(execution_options={IMMEDIATE: True})
            except OperationalError as exc:
                raise WriterBusy from exc
        else:
            lock = func.pg_advisory_xact_lock_shared if per_county else func.pg_advisory_xact_lock
            try:
                timeout_ms = max(int(timeout * 1000), 1)
                session.execute(text(f"SET LOCAL lock_timeout = {timeout_ms}"))
                session.execute(select(lock(PUSH_ADVISORY_LOCK_KEY)))
            except OperationalError as exc:
                raise WriterBusy from exc
        try:
            yield session
        except OperationalError as exc:
            if not database.is_sqlite and _lock_not_available(exc):
                raise WriterBusy from exc  # a county's counter row was not had in time
            raise


def _lock_not_available(exc: OperationalError) -> bool:
    """A lock wait that ran out of ``lock_timeout`` (SQLSTATE 55P03) or a deadlock (40P01)."""
    return getattr(exc.orig, "sqlstate", None) in ("55P03", "40P01")
