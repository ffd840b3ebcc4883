"""The laptop's sync commands for ``fieldbook``: enroll, sync, and bundles for USB transfer.

    fieldbook enroll --db PATH [--user NAME] [--ca-file CA.pem] CODE
    fieldbook sync   --db PATH [--user NAME] [--batch-size N] [--no-pull] [--retries N]
    fieldbook bundle export --db PATH --out FILE
    fieldbook bundle import --db PATH FILE

``CODE`` is the text the county's ``fieldbook-server enroll`` printed (``FBE1:…``, it carries the
server's address) or what a scanner read from its QR image. ``enroll`` on a path with no database
provisions the laptop from nothing (``sync.provision``): it creates the encrypted database with
the user ``--user`` (PIN from standard input when that is not a terminal), enrolls (a refused
enrolment leaves no file behind), prints the recovery key once, downloads the assigned villages and pulls. An encrypted database is unlocked with
``--user`` and the PIN on standard input. ``sync`` also finishes a cut download first. ``sync`` pushes the outbox in batches
and pulls the assigned villages, then prints the receipt (sent, applied, merged, conflicts,
refused). ``bundle export`` writes every unsent change as one signed file for a USB stick;
``bundle import`` pushes such a file (this laptop's or another's) to the server. Every command
takes ``--json``. Exit status: 0 done; 1 done but with refusals or conflicts, or the server or
network failed (nothing is lost: the outbox keeps what was not acknowledged); 2 usage (no such
database file, not enrolled, a code or file that is not one).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from desktop.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    USER_HELP,
    Add,
    DatabaseMissing,
    UnlockFailed,
    emit,
    fail,
    open_for_command,
)


def register(add: Add) -> None:
    """Add ``enroll``, ``sync`` and ``bundle`` to the ``fieldbook`` parser."""
    enroll = add("enroll", cmd_enroll, "用县里给的登记码登记本机 (同步前只需一次)")
    enroll.add_argument("--db", required=True, help="本机的数据库文件 (不存在时新建加密数据库)")
    enroll.add_argument("--user", help="本机的用户 (新建时为第一位用户; PIN 从标准输入读取)")
    enroll.add_argument("--ca-file", help="县里的根证书文件 (服务器用 HTTPS 时)")
    enroll.add_argument("code", metavar="CODE", help="登记码 (FBE1:… 文字, 或扫描二维码所得)")

    sync = add("sync", cmd_sync, "同步: 分批上传本机的修改, 再下载所负责村的修改")
    sync.add_argument("--db", required=True, help="本机的数据库文件")
    sync.add_argument("--user", help=USER_HELP)
    sync.add_argument("--batch-size", type=int, default=200, help="每批上传的修改条数")
    sync.add_argument("--no-pull", action="store_true", help="只上传, 不下载")
    sync.add_argument(
        "--retries", type=int, default=4, help="网络出错或服务器繁忙时每个请求的重试次数"
    )

    bundle = add("bundle", cmd_bundle_usage, "数据包: 没有网络时用 U 盘传送本机的修改")
    actions = bundle.add_subparsers(dest="bundle_action", metavar="ACTION")
    export = actions.add_parser("export", help="把未同步的修改导出为签名的数据包文件")
    export.add_argument("--db", required=True, help="本机的数据库文件")
    export.add_argument("--user", help=USER_HELP)
    export.add_argument("--out", required=True, help="数据包文件 (如 E:/东街村-1.fbbundle)")
    export.set_defaults(handler=cmd_bundle_export)
    imported = actions.add_parser("import", help="把数据包上传到服务器 (本机须已登记并联网)")
    imported.add_argument("--db", required=True, help="本机的数据库文件")
    imported.add_argument("--user", help=USER_HELP)
    imported.add_argument("file", metavar="FILE", help="数据包文件")
    imported.set_defaults(handler=cmd_bundle_import)
    for sub in (export, imported):
        sub.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="输出 JSON")


def _open_or_fail(args: argparse.Namespace) -> tuple[Any, int | None]:
    """``(db, None)``, or ``(None, exit status)`` after printing why the database did not open."""
    try:
        return open_for_command(args), None
    except UnlockFailed as exc:
        return None, fail(args, EXIT_USAGE, code="UNLOCK_FAILED", message=str(exc))
    except DatabaseMissing as exc:
        return None, fail(args, EXIT_USAGE, code="NO_DATABASE", message=str(exc))


def _sync_error_status(code: str) -> int:
    return EXIT_USAGE if code == "NOT_ENROLLED" else EXIT_PROBLEMS


# --- enroll ----------------------------------------------------------------------------------------


def cmd_enroll(args: argparse.Namespace) -> int:
    """``fieldbook enroll``: redeem the code, keep the device's identity and the county's keys."""
    from sync.client import SyncClient
    from sync.client.transport import SyncError
    from sync.provision import resume_download

    if not Path(args.db).exists():
        return _provision(args)
    db, status = _open_or_fail(args)
    if db is None:
        return status  # type: ignore[return-value]
    try:
        with SyncClient(db, ca_file=args.ca_file) as client:
            enrolled = client.enroll(args.code)
            resume_download(client)  # a provisioning cut short: finish its villages
    except ValueError as exc:  # a code that is not one
        return fail(args, EXIT_USAGE, code="ENROLLMENT_CODE_INVALID", message=str(exc))
    except SyncError as exc:
        return fail(args, EXIT_PROBLEMS, code=exc.code.value, message=exc.message)
    finally:
        db.dispose()
    lines = [
        f"已登记: {enrolled.name} (设备 {enrolled.device_id})",
        f"服务器: {enrolled.server_url}",
        f"负责的村: {', '.join(enrolled.villages) or '无'}",
    ]
    if enrolled.card_key_replaced:
        lines.append("注意: 本机原有的户卡密钥已换成县里的密钥, 本机以前打印的户卡需要重新打印")
    emit(args, asdict(enrolled), "\n".join(lines))
    return EXIT_OK


def read_new_pin(name: str) -> str:
    """The new user's PIN: asked twice on a terminal, else one line of standard input."""
    import getpass
    import sys

    from desktop.store.crypto import read_secret

    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(f"为 {name} 设置 PIN: ")
        if getpass.getpass("再输入一次 PIN: ") != first:
            raise ValueError("两次输入的 PIN 不一致")
        return first
    return read_secret("")


def _remove_new_files(db_path: Path, new_folders: list[Path]) -> None:
    """Take away what a refused provisioning made: the database, its journal and keyring, and
    the folders made for them."""
    from desktop.store.crypto import keyring_path

    for file in (
        db_path,
        *(Path(f"{db_path}{suffix}") for suffix in ("-wal", "-shm", "-journal")),
        keyring_path(db_path),
    ):
        file.unlink(missing_ok=True)
    for folder in new_folders:  # innermost first; one the user filled meanwhile stays
        try:
            folder.rmdir()
        except OSError:
            break


def _provision(args: argparse.Namespace) -> int:
    """``fieldbook enroll`` on a path with no database: provision the laptop from nothing.

    The database is made and enrolled first; a refused enrolment (a used code, no server)
    leaves nothing behind. Once enrolled, the recovery key is shown, and a download cut after
    that stays, to be finished by ``fieldbook sync``.
    """
    from desktop.domain.roles import pin_problem
    from desktop.store.crypto import CryptoError
    from desktop.store.users import UserError
    from sync.client import SyncClient
    from sync.client.transport import SyncError
    from sync.protocol import decode_enrollment
    from sync.provision import create_encrypted_database, download_villages, take_device_role

    if not args.user:
        return fail(
            args,
            EXIT_USAGE,
            code="USER_REQUIRED",
            message="新建数据库须用 --user 指定本机的第一位用户",
        )
    try:
        decode_enrollment(args.code)
    except ValueError as exc:
        return fail(args, EXIT_USAGE, code="ENROLLMENT_CODE_INVALID", message=str(exc))
    try:
        pin = read_new_pin(args.user)
    except ValueError as exc:
        return fail(args, EXIT_USAGE, code="PIN_INVALID", message=str(exc))
    problem = pin_problem(pin)
    if problem:
        return fail(args, EXIT_USAGE, code="PIN_INVALID", message=problem)
    db_path = Path(args.db).absolute()
    new_folders = [p for p in db_path.parents if not p.exists()]
    try:
        made = create_encrypted_database(db_path, args.user, pin)
    except (CryptoError, UserError) as exc:
        _remove_new_files(db_path, new_folders)
        return fail(args, EXIT_USAGE, code="DATABASE_NOT_CREATED", message=str(exc))
    with SyncClient(made.db, ca_file=args.ca_file) as client:
        try:
            enrolled = client.enroll(args.code)
        except (ValueError, SyncError) as exc:
            made.db.dispose()
            _remove_new_files(db_path, new_folders)
            if isinstance(exc, SyncError):
                return fail(args, EXIT_PROBLEMS, code=exc.code.value, message=exc.message)
            return fail(args, EXIT_USAGE, code="ENROLLMENT_CODE_INVALID", message=str(exc))
        made = take_device_role(made, enrolled.role)
        recovery = made.recovery_key
        # the recovery key first: whatever happens next, it has been shown
        if not getattr(args, "json", False):
            print(
                f"已新建加密数据库: {args.db} (用户 {made.user.name})\n"
                f"恢复密钥 (只显示这一次, 请抄下交县级管理员保管): {recovery}",
                flush=True,
            )
        try:
            download = download_villages(client)
            pulled = client.pull()
        except SyncError as exc:
            made.db.dispose()
            message = (
                f"{exc.message}\n已下载的部分已保存; 再次运行 fieldbook sync --db {args.db} "
                f"--user {args.user} 继续"
            )
            if getattr(args, "json", False):  # the recovery key must not be lost with the error
                error = {"code": exc.code.value, "message": message}
                emit(args, {"recovery_key": recovery, "error": error}, "")
            sys.stderr.write(f"fieldbook: {message}\n")
            return EXIT_PROBLEMS
    made.db.dispose()
    payload = {
        "database": str(args.db),
        "user": made.user.name,
        "recovery_key": recovery,
        "device_id": enrolled.device_id,
        "name": enrolled.name,
        "role": enrolled.role,
        "villages": enrolled.villages,
        "downloaded_rows": download.rows,
        "snapshot_pages": download.pages,
        "snapshot_bytes": download.bytes,
        "pulled": pulled.changes,
    }
    lines = [
        f"已登记: {enrolled.name} (设备 {enrolled.device_id})",
        f"负责的村: {', '.join(enrolled.villages) or '无'}",
        *(f"  {code}: 下载 {count} 条" for code, count in download.rows.items()),
        f"之后的修改: {pulled.changes} 条",
    ]
    emit(args, payload, "\n".join(lines))
    return EXIT_OK


# --- sync ------------------------------------------------------------------------------------------


def cmd_sync(args: argparse.Namespace) -> int:
    """``fieldbook sync``: push, then pull, and print the receipt."""
    from sync.client.transport import SyncError
    from sync.rounds import receipt_text, run_sync

    if args.batch_size < 1 or args.retries < 0:
        return fail(
            args,
            EXIT_USAGE,
            code="INVALID_REQUEST",
            message="--batch-size 须为正整数, --retries 不能为负",
        )
    db, status = _open_or_fail(args)
    if db is None:
        return status  # type: ignore[return-value]
    try:
        payload = run_sync(
            db, batch_size=args.batch_size, pull=not args.no_pull, retries=args.retries
        )
    except SyncError as exc:
        return fail(
            args, _sync_error_status(exc.code.value), code=exc.code.value, message=exc.message
        )
    finally:
        db.dispose()
    emit(args, payload, receipt_text(payload))
    return EXIT_PROBLEMS if payload["refused"] or payload["conflicts"] else EXIT_OK


# --- bundles ---------------------------------------------------------------------------------------


def cmd_bundle_usage(args: argparse.Namespace) -> int:
    """``fieldbook bundle`` without an action."""
    return fail(args, EXIT_USAGE, code="INVALID_REQUEST", message="请指定 export 或 import")


def cmd_bundle_export(args: argparse.Namespace) -> int:
    """``fieldbook bundle export``: the pending outbox as a signed file."""
    from sync.client import SyncClient
    from sync.client.transport import SyncError

    db, status = _open_or_fail(args)
    if db is None:
        return status  # type: ignore[return-value]
    try:
        with SyncClient(db) as client:
            summary = client.export_bundle(args.out)
    except SyncError as exc:
        return fail(
            args, _sync_error_status(exc.code.value), code=exc.code.value, message=exc.message
        )
    except OSError as exc:
        return fail(
            args, EXIT_USAGE, code="WRITE_FAILED", message=f"无法写入 {args.out}: {exc.strerror}"
        )
    finally:
        db.dispose()
    if summary is None:
        emit(args, {"changes": 0}, "没有未同步的修改, 未生成数据包")
        return EXIT_OK
    emit(
        args,
        asdict(summary),
        f"已导出 {summary.changes} 条修改 (序号 {summary.first_seq}–{summary.last_seq}) "
        f"到 {summary.path}, {summary.bytes} 字节",
    )
    return EXIT_OK


def cmd_bundle_import(args: argparse.Namespace) -> int:
    """``fieldbook bundle import``: push a bundle file to the server through this laptop."""
    from sync.bundle import BundleError
    from sync.client import SyncClient
    from sync.client.transport import SyncError

    db, status = _open_or_fail(args)
    if db is None:
        return status  # type: ignore[return-value]
    try:
        with SyncClient(db) as client:
            answer = client.relay_bundle(args.file)
    except BundleError as exc:
        return fail(args, EXIT_USAGE, code=exc.code.value, message=exc.message)
    except SyncError as exc:
        return fail(
            args, _sync_error_status(exc.code.value), code=exc.code.value, message=exc.message
        )
    finally:
        db.dispose()
    payload = answer.model_dump(mode="json")
    lines = [
        f"数据包来自 {answer.device_name}: {answer.sent} 条, 已应用 {answer.applied}, "
        f"已合并 {answer.merged}, 重复 {answer.duplicate}, 冲突 {answer.conflicts}, "
        f"被拒 {answer.refused}",
        *(f"  被拒: {r.change_id}: {r.message}" for r in answer.refusals),
    ]
    emit(args, payload, "\n".join(lines))
    return EXIT_PROBLEMS if answer.refused or answer.conflicts else EXIT_OK
