"""Backups of the laptop's database: daily, before every migration, on request; and restoring one.

A backup is a complete copy made with SQLite's online backup API (``Connection.backup``), so it
is consistent even while the app writes (WAL readers never block the writer) and it holds what
the WAL held. An encrypted database is copied with its own key (the backup is as unreadable as
the database), and the keyring (``<file>.keys``, ``desktop.store.crypto``) is copied beside it,
so a backup can be unlocked on its own by the same PINs or the recovery key.

When: ``daily_backup_if_due`` at the day's first start (the UI calls it after sign-in, in the
task runner), ``backup_before_migration`` from ``open_database`` before it upgrades a file that
holds data, and ``backup_now`` from a menu or ``fieldbook backup``. Where: the folder in setting
``backup_folder`` (a second disk, a USB stick), else ``backups/`` beside the database. A
configured folder that is not there (the stick is not plugged in) is not created: the backup goes
to the default folder instead and says so. Backups older than setting ``backup_keep_days``
(default 14) are deleted after each daily backup, the newest ``MIN_KEPT`` always kept.

A backup's name says which database, when (local time) and why:
``fieldbook-20261129-081502-daily.db``, ``…-migration-0002.db`` (the revision it was at),
``…-manual.db``, ``…-restore.db`` (the database as it was just before a restore).

``restore_backup`` puts a backup in place of the database (the app must have closed it): it
checks the backup's integrity, backs up the current database first (or, if that cannot be
opened, moves its files aside), then replaces the file, so a restore loses nothing either.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.store.crypto import (
    SQLITE_BUSY,
    SQLITE_LOCKED,
    CryptoError,
    Keyring,
    KeyringError,
    check_key,
    connect_raw,
    is_encrypted_file,
    key_from_engine,
    key_id,
    keyring_path,
    sqlite_error_code,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from desktop.store.engine import Database

BACKUP_FOLDER_SETTING = "backup_folder"
"""Setting: the folder backups go to (another disk, a USB stick); default ``backups/`` beside
the database."""
BACKUP_KEEP_DAYS_SETTING = "backup_keep_days"
"""Setting: days a backup is kept (default 14); the newest ``MIN_KEPT`` are kept whatever their age."""
LAST_DAILY_BACKUP_SETTING = "backup_last_day"
"""Setting (written by the app): the local date of the last daily backup, ISO."""

DEFAULT_KEEP_DAYS = 14
MIN_KEPT = 3
DEFAULT_FOLDER_NAME = "backups"
REASONS = ("daily", "manual", "migration", "restore")

_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<dup>\d+))?-(?P<reason>[a-z]+)"
    r"(?:-(?P<note>[0-9A-Za-z_]+))?\.db$"
)


class BackupError(Exception):
    """A backup or a restore could not be made; ``str(error)`` is a Chinese message."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup file."""

    path: Path
    created: datetime  # local time, from the name
    reason: str
    note: str | None
    size: int
    encrypted: bool
    fallback_message: str | None = None  # set when the configured folder was not there

    @property
    def keyring(self) -> Path:
        return keyring_path(self.path)


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did."""

    db_path: Path
    restored_from: Path
    safety_backup: BackupInfo | None  # the database as it was, backed up first
    moved_aside: tuple[Path, ...]  # files of a database that could not be opened, kept renamed
    keyring_restored: bool
    households: int
    ledger_entries: int
    outbox_changes: int


# --- where ---------------------------------------------------------------------------------------


def default_backup_folder(db_path: str | Path) -> Path:
    """``backups/`` beside the database file."""
    return Path(db_path).resolve().parent / DEFAULT_FOLDER_NAME


def _usable_folder(configured: str | None, db_path: Path) -> tuple[Path, str | None]:
    """The folder to write to, and a message when the configured one was not there."""
    default = default_backup_folder(db_path)
    if not configured:
        return default, None
    folder = Path(configured).expanduser()
    try:
        if not folder.is_dir():
            if folder.parent.is_dir():  # a new folder on a drive that is there
                folder.mkdir()
            else:
                raise FileNotFoundError(str(folder))
        return folder, None
    except OSError:
        return default, f"备份文件夹 {folder} 不可用(U 盘未插入?),已备份到 {default}"


def backup_folder(session: Session, db_path: str | Path) -> Path:
    """Where backups of this database go (setting ``backup_folder``, else the default)."""
    from desktop.store.settings import get_setting

    return _usable_folder(get_setting(session, BACKUP_FOLDER_SETTING), Path(db_path))[0]


def keep_days(session: Session) -> int:
    """Days a backup is kept (setting ``backup_keep_days``, default 14, at least 1)."""
    from desktop.store.settings import get_setting

    raw = get_setting(session, BACKUP_KEEP_DAYS_SETTING)
    try:
        days = int(raw) if raw is not None else DEFAULT_KEEP_DAYS
    except ValueError:
        days = DEFAULT_KEEP_DAYS
    return max(days, 1)


def database_path(engine: Engine) -> Path | None:
    """The file of a SQLite engine (``None`` for PostgreSQL or an in-memory database)."""
    if engine.dialect.name != "sqlite":
        return None
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


# --- making backups ------------------------------------------------------------------------------


def _backup_name(db_path: Path, when: datetime, reason: str, note: str | None, dup: int) -> str:
    stamp = when.strftime("%Y%m%d-%H%M%S")
    return (
        f"{db_path.stem}-{stamp}"
        + (f"-{dup}" if dup else "")
        + f"-{reason}"
        + (f"-{note}" if note else "")
        + ".db"
    )


def _fsync(path: Path) -> None:
    with open(path, "r+b") as handle:  # Windows flushes only a handle open for writing
        os.fsync(handle.fileno())


def _copy_with_backup_api(source: Any, target_path: Path, key: bytes | None) -> None:
    """Copy the database behind the DB-API connection ``source`` into a new file (same key)."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{target_path}{suffix}").unlink(missing_ok=True)
    target = connect_raw(target_path, key)
    try:
        source.backup(target)
        check = target.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"备份校验失败: {check}")
    finally:
        target.close()
    _fsync(target_path)


def backup_engine(
    engine: Engine,
    folder: str | Path,
    *,
    reason: str,
    note: str | None = None,
    key: bytes | None = None,
    now: datetime | None = None,
) -> BackupInfo:
    """Back up the SQLite database of ``engine`` into ``folder``; returns the new backup.

    ``key`` defaults to the engine's own (``desktop.store.crypto.encrypted_engine``).
    """
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    db_path = database_path(engine)
    if db_path is None:
        raise BackupError("只能备份本机的数据库文件")
    key = key if key is not None else key_from_engine(engine)
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"无法创建备份文件夹 {folder}: {exc}") from exc
    when = (now or datetime.now()).replace(microsecond=0)
    dup = 0
    while (target := folder / _backup_name(db_path, when, reason, note, dup)).exists():
        dup += 1
    partial = folder / f".{target.name}.partial"
    try:
        with engine.connect() as connection:
            source = connection.connection.dbapi_connection
            _copy_with_backup_api(source, partial, key)
        os.replace(partial, target)
        if key is not None and keyring_path(db_path).is_file():
            keyring = Keyring.load(db_path)
            keyring.failures.clear()
            keyring.save(keyring_path(target))
    except BackupError:
        raise
    except (OSError, CryptoError) as exc:
        raise BackupError(f"备份失败: {exc}") from exc
    except Exception as exc:  # a database error while reading the source
        raise BackupError(f"备份失败(数据库无法读取): {exc}") from exc
    finally:
        for suffix in ("", "-journal"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    return _info(target)


def backup_now(db: Database, *, reason: str = "manual", now: datetime | None = None) -> BackupInfo:
    """Back up ``db`` now into its backup folder (a menu's 立即备份, ``fieldbook backup``)."""
    from desktop.store.settings import get_setting

    db_path = database_path(db.engine)
    if db_path is None:
        raise BackupError("只能备份本机的数据库文件")
    with db.session() as session:
        configured = get_setting(session, BACKUP_FOLDER_SETTING)
    folder, message = _usable_folder(configured, db_path)
    info = backup_engine(db.engine, folder, reason=reason, now=now)
    if message:
        info = _with_message(info, message)
    return info


def daily_backup_if_due(db: Database, *, now: datetime | None = None) -> BackupInfo | None:
    """The day's first backup, if today (local) has none yet; then old backups are pruned.

    Returns the new backup, or ``None`` when today already has one or the database has no file
    or no data. Commits the setting ``backup_last_day``. Raises ``BackupError``.
    """
    from sqlalchemy import func, select

    from desktop.store.models import Household, Setting
    from desktop.store.settings import get_setting, set_setting

    db_path = database_path(db.engine)
    if db_path is None:
        return None
    now = now or datetime.now()
    today = now.date().isoformat()
    with db.session() as session:
        if get_setting(session, LAST_DAILY_BACKUP_SETTING) == today:
            return None
        households = session.scalar(select(func.count()).select_from(Household)) or 0
        settings = session.scalar(select(func.count()).select_from(Setting)) or 0
        if not households and not settings:
            return None
        configured = get_setting(session, BACKUP_FOLDER_SETTING)
        days = keep_days(session)
    folder, message = _usable_folder(configured, db_path)
    info = backup_engine(db.engine, folder, reason="daily", now=now)
    if message:
        info = _with_message(info, message)
    prune_backups(folder, days, db_path=db_path, now=now)
    with db.session() as session:
        set_setting(session, LAST_DAILY_BACKUP_SETTING, today)
        session.commit()
    return info


def backup_before_migration(
    engine: Engine, revision: str, *, key: bytes | None = None, now: datetime | None = None
) -> BackupInfo | None:
    """Back up a file that is about to be migrated from ``revision`` (``open_database`` calls it).

    The folder setting is read with plain SQL (the schema is older than this release's models).
    """
    from sqlalchemy import text

    db_path = database_path(engine)
    if db_path is None:
        return None
    configured = None
    with contextlib.suppress(Exception), engine.connect() as connection:
        configured = connection.execute(
            text("SELECT value FROM settings WHERE key = :key"), {"key": BACKUP_FOLDER_SETTING}
        ).scalar()
    folder, _message = _usable_folder(configured, db_path)
    note = re.sub(r"[^0-9A-Za-z_]", "_", revision)[:40]
    try:
        return backup_engine(engine, folder, reason="migration", note=note, key=key, now=now)
    except BackupError as exc:
        raise BackupError(f"升级数据库结构前无法备份,数据库未改动: {exc}") from exc


# --- listing and pruning -------------------------------------------------------------------------


def _with_message(info: BackupInfo, message: str) -> BackupInfo:
    return BackupInfo(
        path=info.path,
        created=info.created,
        reason=info.reason,
        note=info.note,
        size=info.size,
        encrypted=info.encrypted,
        fallback_message=message,
    )


def _info(path: Path) -> BackupInfo:
    match = _NAME.match(path.name)
    if match is None:
        raise ValueError(f"not a backup file name: {path.name}")
    created = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
    return BackupInfo(
        path=path,
        created=created,
        reason=match["reason"],
        note=match["note"],
        size=path.stat().st_size,
        encrypted=bool(is_encrypted_file(path)),
    )


def list_backups(folder: str | Path, *, db_path: str | Path | None = None) -> list[BackupInfo]:
    """The backups in ``folder`` (of the database ``db_path`` only, when given), newest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    stem = Path(db_path).stem if db_path is not None else None
    found = []
    for path in folder.glob("*.db"):
        match = _NAME.match(path.name)
        if match is None or (stem is not None and match["stem"] != stem):
            continue
        try:
            found.append(_info(path))
        except (OSError, ValueError):
            continue
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def prune_backups(
    folder: str | Path,
    days: int,
    *,
    db_path: str | Path | None = None,
    now: datetime | None = None,
) -> list[Path]:
    """Delete backups older than ``days`` (the newest ``MIN_KEPT`` stay); returns what went."""
    now = now or datetime.now()
    limit = now - timedelta(days=days)
    removed = []
    for info in list_backups(folder, db_path=db_path)[MIN_KEPT:]:
        if info.created >= limit:
            continue
        for path in (info.path, info.keyring):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        removed.append(info.path)
    return removed


def latest_backup(folder: str | Path, *, db_path: str | Path | None = None) -> BackupInfo | None:
    """The newest backup in ``folder``, or ``None``."""
    backups = list_backups(folder, db_path=db_path)
    return backups[0] if backups else None


# --- restoring -----------------------------------------------------------------------------------


def _integrity(path: Path, key: bytes | None) -> str:
    """``ok``, or what ``PRAGMA integrity_check`` (or the attempt to run it) found wrong."""
    try:
        connection = connect_raw(path, key)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    except Exception as exc:  # a page too damaged to read at all
        return f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()


def _counts(path: Path, key: bytes | None) -> tuple[int, int, int]:
    connection = connect_raw(path, key)
    try:
        return tuple(  # type: ignore[return-value]
            int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("households", "ledger", "outbox")
        )
    finally:
        connection.close()


def _move_aside(db_path: Path, stamp: str) -> tuple[Path, ...]:
    moved = []
    for suffix in ("", "-wal", "-shm", "-journal"):
        source = Path(f"{db_path}{suffix}")
        if source.exists():
            target = Path(f"{db_path}.damaged-{stamp}{suffix}")
            os.replace(source, target)
            moved.append(target)
    return tuple(moved)


def _safety_backup(
    db_path: Path, key: bytes | None, folder: Path, now: datetime
) -> BackupInfo | None:
    """Back up the current database before a restore; ``None`` if it cannot be opened with
    ``key``. Raises ``BackupError`` when another program still has it open."""
    from desktop.store.engine import make_engine

    try:
        check_key(db_path, key)
    except CryptoError:
        return None
    engine = make_engine(db_path, key=key)
    try:
        return backup_engine(engine, folder, reason="restore", key=key, now=now)
    except BackupError:
        return None
    finally:
        engine.dispose()


def in_use(db_path: str | Path, key: bytes | None) -> bool:
    """Whether another connection (this process or another) has the database open.

    Takes SQLite's exclusive lock for a moment: in WAL mode that fails while anyone else holds
    the file open, even idle. Tried with ``key`` and without; a file that neither opens counts
    as not in use.
    """
    for attempt in dict.fromkeys((key, None)):
        try:
            connection = connect_raw(db_path, attempt)
        except Exception:
            continue
        try:
            connection.execute("PRAGMA busy_timeout = 0")
            connection.execute("PRAGMA locking_mode = EXCLUSIVE")
            connection.execute("BEGIN EXCLUSIVE")
            connection.execute("ROLLBACK")
            return False
        except Exception as exc:
            if sqlite_error_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED):
                return True
        finally:
            connection.close()
    return False


def restore_backup(
    backup_path: str | Path,
    db_path: str | Path,
    *,
    key: bytes | None = None,
    folder: str | Path | None = None,
    now: datetime | None = None,
) -> RestoreResult:
    """Put the backup ``backup_path`` in place of the database ``db_path`` (closed by the app).

    ``key`` is the backup's key (``None`` for a plain backup): unlock the backup's keyring copy
    (``Keyring.load(backup_path)``) or the database's own keyring, which is the same key unless
    the database was enrolled again. The current database is backed up first into ``folder``
    (default: its backup folder), or moved aside as ``<db>.damaged-<time>`` when it cannot be
    opened. The database's keyring is replaced by the backup's copy only when the keys differ.
    Raises ``BackupError`` (damaged backup, file in use) or ``WrongKey``.
    """
    backup_path = Path(backup_path)
    db_path = Path(db_path)
    if not backup_path.is_file():
        raise BackupError(f"找不到备份文件: {backup_path}")
    check_key(backup_path, key)
    check = _integrity(backup_path, key)
    if check != "ok":
        raise BackupError(f"备份文件已损坏,不能恢复: {check}")
    now = (now or datetime.now()).replace(microsecond=0)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    folder = Path(folder) if folder is not None else default_backup_folder(db_path)

    safety = None
    moved: tuple[Path, ...] = ()
    if db_path.exists():
        if in_use(db_path, key):
            raise BackupError("数据库正在被使用:请先关闭 Fieldbook(或退出登录)再恢复备份")
        safety = _safety_backup(db_path, key, folder, now)
        if safety is None:
            moved = _move_aside(db_path, stamp)
    db_path.parent.mkdir(parents=True, exist_ok=True)

    incoming = db_path.with_name(f".{db_path.name}.restoring")
    shutil.copyfile(backup_path, incoming)
    _fsync(incoming)
    check = _integrity(incoming, key)
    if check != "ok":
        incoming.unlink(missing_ok=True)
        raise BackupError(f"复制后的备份校验失败,数据库未改动: {check}")
    try:
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        os.replace(incoming, db_path)
    except OSError as exc:
        incoming.unlink(missing_ok=True)
        raise BackupError(f"无法替换数据库文件(是否仍在使用?): {exc}") from exc
    if os.name == "posix":
        fd = os.open(db_path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    keyring_restored = False
    if key is not None and keyring_path(backup_path).is_file():
        current = None
        with contextlib.suppress(KeyringError):
            current = Keyring.load(db_path)
        if current is None or current.key_id != key_id(key):
            if keyring_path(db_path).exists():
                os.replace(keyring_path(db_path), Path(f"{keyring_path(db_path)}.replaced-{stamp}"))
            backup_keyring = Keyring.read(keyring_path(backup_path))
            backup_keyring.failures.clear()
            backup_keyring.save(keyring_path(db_path))
            keyring_restored = True

    households, ledger, outbox = _counts(db_path, key)
    return RestoreResult(
        db_path=db_path,
        restored_from=backup_path,
        safety_backup=safety,
        moved_aside=moved,
        keyring_restored=keyring_restored,
        households=households,
        ledger_entries=ledger,
        outbox_changes=outbox,
    )


def backup_key_candidates(backup_path: str | Path, db_path: str | Path | None) -> list[Keyring]:
    """Keyrings that may unlock a backup: its own copy, then the database's (same key id)."""
    found = []
    with contextlib.suppress(KeyringError):
        found.append(Keyring.load(backup_path))
    if db_path is not None:
        with contextlib.suppress(KeyringError):
            own = Keyring.load(db_path)
            if not found or own.key_id == found[0].key_id:
                found.append(own)
    return found
