"""``fieldbook backup`` and ``fieldbook restore``: backups of the laptop's database, headless.

::

    fieldbook backup  [--db PATH] [--to FOLDER] [--user NAME | --recovery]
    fieldbook backup  --list [--db PATH] [--to FOLDER]
    fieldbook restore (BACKUP | --latest) [--db PATH] [--from FOLDER] [--user NAME | --recovery]

An encrypted database (or backup) is unlocked with a user's PIN (``--user``; asked for on a
terminal, else read as one line of standard input) or with the recovery key (``--recovery``).
``restore`` needs the app closed; it backs up the current database first, so it loses nothing.
Exit status: 0 done, 1 refused (wrong PIN, damaged backup, database in use), 2 usage error.
Heavy imports happen inside the handlers.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    Add,
    UnlockFailed,
    default_database_path,
    emit,
    fail,
    open_for_command,
)


def _db_path(args: argparse.Namespace) -> Path:
    if args.db:
        return Path(args.db).expanduser()
    return default_database_path()


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"


def _backup_row(info: Any) -> dict[str, Any]:
    return {
        "path": str(info.path),
        "created": info.created.isoformat(),
        "reason": info.reason,
        "note": info.note,
        "size": info.size,
        "encrypted": info.encrypted,
    }


REASON_LABELS = {
    "daily": "每日自动",
    "manual": "手动",
    "migration": "升级前",
    "restore": "恢复前",
}


def _backup_line(info: Any) -> str:
    label = REASON_LABELS.get(info.reason, info.reason)
    note = f"(版本 {info.note})" if info.note else ""
    lock = "加密" if info.encrypted else "未加密"
    return (
        f"{info.created:%Y-%m-%d %H:%M:%S}\t{label}{note}\t{lock}\t{_size(info.size)}\t{info.path}"
    )


# --- backup --------------------------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up the database now (or list its backups)."""
    from desktop.store.backup import (
        BackupError,
        backup_engine,
        backup_now,
        default_backup_folder,
        list_backups,
    )

    db_path = _db_path(args)
    if args.list:
        folder = Path(args.to) if args.to else default_backup_folder(db_path)
        backups = list_backups(folder, db_path=db_path)
        lines = [_backup_line(b) for b in backups] or [f"{folder} 里没有 {db_path.name} 的备份"]
        emit(
            args,
            {"folder": str(folder), "backups": [_backup_row(b) for b in backups]},
            "\n".join(lines),
        )
        return EXIT_OK
    if not db_path.is_file():
        return fail(args, EXIT_USAGE, f"找不到数据库文件: {db_path}")
    try:
        db = open_for_command(args, db_path)
    except UnlockFailed as exc:
        return fail(args, EXIT_PROBLEMS, str(exc))
    try:
        if args.to:
            info = backup_engine(db.engine, Path(args.to).expanduser(), reason="manual")
        else:
            info = backup_now(db)
    except BackupError as exc:
        return fail(args, EXIT_PROBLEMS, str(exc))
    finally:
        db.dispose()
    text = f"已备份: {info.path} ({_size(info.size)}, {'加密' if info.encrypted else '未加密'})"
    if info.fallback_message:
        text += "\n" + info.fallback_message
    emit(args, {**_backup_row(info), "message": info.fallback_message}, text)
    return EXIT_OK


# --- restore -------------------------------------------------------------------------------------


def _configured_folder(db_path: Path, key: bytes | None) -> Path | None:
    """The backup folder named in the current database's settings, when it opens."""
    import contextlib

    from desktop.store.backup import BACKUP_FOLDER_SETTING
    from desktop.store.crypto import connect_raw

    if not db_path.is_file():
        return None
    with contextlib.suppress(Exception):
        connection = connect_raw(db_path, key)
        try:
            row = connection.execute(
                "SELECT value FROM settings WHERE key = ?", (BACKUP_FOLDER_SETTING,)
            ).fetchone()
        finally:
            connection.close()
        if row and row[0] and Path(row[0]).is_dir():
            return Path(row[0])
    return None


def cmd_restore(args: argparse.Namespace) -> int:
    """Put a backup in place of the database."""
    from desktop.store.backup import (
        BackupError,
        backup_key_candidates,
        default_backup_folder,
        latest_backup,
        restore_backup,
    )
    from desktop.store.crypto import (
        CryptoError,
        Keyring,
        is_encrypted_file,
        unlock_with,
    )

    db_path = _db_path(args)
    if bool(args.backup) == bool(args.latest):
        return fail(args, EXIT_USAGE, "请给出备份文件,或用 --latest 恢复最新的备份")

    db_keyrings = [Keyring.load(db_path)] if Keyring.exists_for(db_path) else []
    key: bytes | None = None
    if args.backup:
        backup = Path(args.backup).expanduser()
        if not backup.is_file():
            return fail(args, EXIT_USAGE, f"找不到备份文件: {backup}")
    else:
        folders = [Path(args.source).expanduser()] if args.source else []
        if not folders:
            if is_encrypted_file(db_path) and db_keyrings:
                try:
                    key = unlock_with(db_keyrings, user=args.user, recovery=args.recovery)
                except CryptoError as exc:
                    return fail(args, EXIT_PROBLEMS, str(exc))
            configured = _configured_folder(db_path, key)
            folders = [f for f in (configured, default_backup_folder(db_path)) if f is not None]
        found = [b for folder in folders if (b := latest_backup(folder, db_path=db_path))]
        if not found:
            where = "、".join(str(f) for f in folders)
            return fail(args, EXIT_USAGE, f"在 {where} 里没有找到 {db_path.name} 的备份")
        backup = max(found, key=lambda b: b.created).path

    if is_encrypted_file(backup):
        keyrings = backup_key_candidates(backup, db_path)
        from desktop.store.crypto import key_id

        if key is None or not keyrings or key_id(key) != keyrings[0].key_id:
            try:
                key = unlock_with(keyrings, user=args.user, recovery=args.recovery)
            except CryptoError as exc:
                return fail(args, EXIT_PROBLEMS, str(exc))
    else:
        key = None
    try:
        result = restore_backup(backup, db_path, key=key)
    except (BackupError, CryptoError) as exc:
        return fail(args, EXIT_PROBLEMS, str(exc))
    lines = [
        f"已从备份恢复: {result.restored_from}",
        f"数据库: {result.db_path}",
        f"户数 {result.households}, 一簿记录 {result.ledger_entries}, 待同步修改 {result.outbox_changes}",
    ]
    if result.safety_backup is not None:
        lines.append(f"恢复前的数据库已备份到: {result.safety_backup.path}")
    for moved in result.moved_aside:
        lines.append(f"无法打开的原数据库文件已改名保留: {moved}")
    if result.keyring_restored:
        lines.append("密钥文件也已从备份恢复(备份时的用户和 PIN 有效)")
    payload = {
        "db": str(result.db_path),
        "restored_from": str(result.restored_from),
        "safety_backup": str(result.safety_backup.path) if result.safety_backup else None,
        "moved_aside": [str(p) for p in result.moved_aside],
        "keyring_restored": result.keyring_restored,
        "households": result.households,
        "ledger_entries": result.ledger_entries,
        "outbox_changes": result.outbox_changes,
    }
    emit(args, payload, "\n".join(lines))
    return EXIT_OK


# --- registration --------------------------------------------------------------------------------


def _unlock_options(parser: argparse.ArgumentParser) -> None:
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--user", help="用此用户的 PIN 解锁加密数据库(姓名)")
    who.add_argument("--recovery", action="store_true", help="用恢复密钥解锁加密数据库")


def register(add: Add) -> None:
    """Add ``backup`` and ``restore`` to the ``fieldbook`` command."""
    backup = add("backup", cmd_backup, "立即备份数据库(或列出已有备份)")
    backup.add_argument("--db", help="数据库文件 (默认: 用户数据目录下的 fieldbook.db)")
    backup.add_argument("--to", help="备份到此文件夹 (默认: 设置的备份文件夹或数据库旁的 backups)")
    backup.add_argument("--list", action="store_true", help="列出已有的备份,不做新备份")
    _unlock_options(backup)

    restore = add("restore", cmd_restore, "从备份恢复数据库(恢复前先备份当前数据库)")
    restore.add_argument("backup", nargs="?", metavar="BACKUP", help="备份文件 (.db)")
    restore.add_argument("--latest", action="store_true", help="恢复最新的备份")
    restore.add_argument("--db", help="数据库文件 (默认: 用户数据目录下的 fieldbook.db)")
    restore.add_argument(
        "--from", dest="source", help="在此文件夹里找最新的备份 (默认: 设置的备份文件夹)"
    )
    _unlock_options(restore)
