"""The connection layer: engines, their pragmas, SQLCipher's key, write transactions, the handle.

Everything here is about *how* a database file is talked to, nothing about what is in it:
``make_engine`` builds an engine for a plain SQLite file, an encrypted (SQLCipher) one, or the
server's PostgreSQL; ``Database`` is the open handle. ``desktop.store.db.open_database`` sits
above this module and adds the key check (``desktop.store.crypto``), the backup before a
migration (``desktop.store.backup``), the migrations and the search index; those modules import
this one, never ``db``, so none of them import each other in a circle.

Transactions on SQLite
    Python's ``sqlite3`` (and ``sqlcipher3``, its fork) begins a transaction only at the first
    write, so the reads before it saw whatever was committed at that moment, and two writers
    could both read ``max(device_seq)`` before either wrote. Every SQLite engine therefore uses
    SQLAlchemy's documented pysqlite recipe ("Serializable isolation / Savepoints /
    Transactional DDL"): the driver begins nothing (``isolation_level = None``) and SQLAlchemy's
    ``begin`` event emits ``BEGIN`` itself. A *write* transaction (``begin_write``,
    ``Database.write_session``) emits ``BEGIN IMMEDIATE``: it takes SQLite's one write lock before
    its first read, waiting up to the busy timeout for another writer to finish, so everything
    it reads is still true when it writes. PostgreSQL engines get none of this.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from desktop.store.writer import SerialWriter

KEY_BYTES = 32
WAL_AUTOCHECKPOINT_PAGES = 0
IDLE_CHECKPOINT_SECONDS = 1.0
BUSY_TIMEOUT_MS = 5000
IMMEDIATE = "fieldbook_immediate"
"""Execution option: begin this connection's transaction with ``BEGIN IMMEDIATE``."""

SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CORRUPT, SQLITE_NOTADB = 5, 6, 11, 26
"""SQLite's primary result codes (https://sqlite.org/rescode.html), the same in sqlcipher3."""


class CryptoError(Exception):
    """Encryption at rest went wrong; ``str(error)`` is a Chinese message for the person.

    Defined here, where SQLCipher is keyed; ``desktop.store.crypto`` raises its kinds."""


def database_url(target: str | Path) -> URL:
    """A SQLAlchemy URL for a file path or an URL string (``postgresql+psycopg://…``)."""
    text = str(target)
    if "://" in text:
        return make_url(text)
    return make_url(f"sqlite:///{Path(text).expanduser().resolve()}")


# --- SQLite pragmas and transactions -------------------------------------------------------------


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver begins no transaction of its own: SQLAlchemy's "begin" event does (below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # No automatic checkpoint inside a commit (it made the slowest saves): IdleCheckpointer runs
    # a passive one once the file has been quiet for a moment, and SQLite checkpoints when the
    # last connection closes.
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    cursor.close()


def _begin_sqlite(connection: Any) -> None:
    immediate = connection.get_execution_options().get(IMMEDIATE)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlite_engine_events(engine: Engine) -> Engine:
    event.listen(engine, "connect", _set_sqlite_pragmas)
    event.listen(engine, "begin", _begin_sqlite)
    return engine


def begin_write(session: Session) -> Session:
    """Make ``session``'s transaction a write transaction before it reads anything.

    On SQLite a session not yet in a transaction begins with ``BEGIN IMMEDIATE``: it waits (up to
    the busy timeout) while another connection writes, and then reads what that one committed.
    A session already in a transaction keeps it; SQLite then refuses a write on a snapshot that
    another writer has made stale ("database is locked"), so nothing stale is written either.
    Other databases are left alone (the server takes its own lock).
    """
    bind = session.get_bind()
    if bind.dialect.name == "sqlite" and not session.in_transaction():
        session.connection(execution_options={IMMEDIATE: True})
    return session


# --- SQLCipher -----------------------------------------------------------------------------------


def check_key_shape(key: bytes) -> bytes:
    """``key`` itself if it is a 32-byte key; raises ``CryptoError`` otherwise."""
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
        raise CryptoError(f"数据库密钥应为 {KEY_BYTES} 字节")
    return bytes(key)


def key_pragma_value(key: bytes) -> str:
    """The value of SQLCipher's ``PRAGMA key`` for a raw key: ``x'<hex>'``."""
    return f"x'{check_key_shape(key).hex()}'"


def sqlcipher_module() -> Any:
    """The SQLCipher DB-API module (``sqlcipher3``); raises ``CryptoError`` if it is missing."""
    try:
        import sqlcipher3.dbapi2 as module
    except ImportError as exc:  # pragma: no cover - the wheel is a dependency
        raise CryptoError("缺少 SQLCipher(sqlcipher3-binary),无法打开加密数据库") from exc
    return module


def connect_raw(path: str | Path, key: bytes | None) -> Any:
    """A DB-API connection to ``path``: SQLCipher with ``key``, plain ``sqlite3`` without.

    The key is set before anything reads the file; nothing checks it yet
    (``desktop.store.crypto.check_key`` does).
    """
    if key is None:
        import sqlite3

        return sqlite3.connect(str(path))
    connection = sqlcipher_module().connect(str(path))
    connection.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our error, not a log
    connection.execute(f'PRAGMA key = "{key_pragma_value(key)}"')
    connection.execute("PRAGMA temp_store = MEMORY")
    return connection


def sqlite_error_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of a ``sqlite3``/``sqlcipher3`` error (its extended code's
    low byte), or ``None`` for anything else."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def encrypted_engine(url: URL, key: bytes) -> Engine:
    """A SQLAlchemy engine on the SQLCipher file of ``url`` (``sqlite+pysqlcipher``, raw key).

    A ``QueuePool`` like a plain SQLite file's engine (the dialect's own default is one
    connection per thread). The key travels as the URL's password, which SQLAlchemy never shows
    when it prints the URL; every connection also gets ``temp_store=MEMORY``.
    """
    from sqlalchemy.pool import QueuePool

    sqlcipher_module()
    cipher_url = url.set(drivername="sqlite+pysqlcipher", password=key_pragma_value(key))
    engine = create_engine(cipher_url, poolclass=QueuePool)
    event.listen(engine, "connect", _cipher_pragmas)
    return engine


def _cipher_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA temp_store = MEMORY")
    cursor.close()


def key_from_engine(engine: Engine) -> bytes | None:
    """The key an engine from ``encrypted_engine`` opens its file with (``None``: plain)."""
    password = engine.url.password
    if engine.url.drivername != "sqlite+pysqlcipher" or not password:
        return None
    text = str(password)
    if not (text.startswith("x'") and text.endswith("'")):
        return None
    return bytes.fromhex(text[2:-1])


# --- the engine ----------------------------------------------------------------------------------


def make_engine(target: str | Path | URL, *, key: bytes | None = None) -> Engine:
    """An engine with Fieldbook's connection settings (SQLite pragmas and transactions).

    With ``key`` (32 bytes) the SQLite file is a SQLCipher database. Every engine hides
    statement parameters from its errors and logs (no ID number in a traceback).
    """
    url = target if isinstance(target, URL) else database_url(target)
    if key is not None:
        if url.get_backend_name() != "sqlite":
            raise ValueError("only a SQLite database can be encrypted with a key")
        engine = encrypted_engine(url, key)
        engine.hide_parameters = True
        return _sqlite_engine_events(engine)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine_events(create_engine(url, hide_parameters=True))
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


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

    def _committed(self, _connection: Any) -> None:
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

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session whose transaction is a write transaction from its first read
        (``begin_write``); closed afterwards, it commits nothing by itself."""
        with self.sessions() as session:
            yield begin_write(session)

    def dispose(self) -> None:
        self.writer.shutdown()
        if self.checkpointer is not None:
            self.checkpointer.stop()
        self.engine.dispose()
