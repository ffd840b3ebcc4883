"""The laptop's sync commands for ``fieldbook``: enroll, sync, and bundles for USB transfer.

    fieldbook enroll --db PATH [--user NAME] [--ca-file CA.pem] CODE
    fieldbook sync   --db PATH [--user NAME] [--batch-size N] [--no-pull] [--retries N]
    fieldbook bundle export --db PATH --out FILE
    fieldbook bundle import --db PATH FILE

``CODE`` is the text the county's ``fieldbook-server enroll`` printed (``FBE1:…``, it carries the
server's address) or what a scanner read from its QR image. ``enroll`` on a path with no database
provisions the laptop from nothing (``sync.provision``): it creates the encrypted database with
the user ``--user`` (PIN from standard input when that is not a terminal), prints the recovery key
once, enrolls, downloads the assigned villages and pulls. An encrypted database is unlocked with
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
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``enroll``, ``sync`` and ``bundle`` to the ``fieldbook`` parser."""
    enroll = add("enroll", cmd_enroll, "用县里给的登记码登记本机 (同步前只需一次)")
    enroll.add_argument("--db", required=True, help="本机的数据库文件 (不存在时新建加密数据库)")
    enroll.add_argument("--user", help="本机的用户 (新建时为第一位用户; PIN 从标准输入读取)")
    enroll.add_argument("--ca-file", help="县里的根证书文件 (服务器用 HTTPS 时)")
    enroll.add_argument("code", metavar="CODE", help="登记码 (FBE1:… 文字, 或扫描二维码所得)")

    sync = add("sync", cmd_sync, "同步: 分批上传本机的修改, 再下载所负责村的修改")
    sync.add_argument("--db", required=True, help="本机的数据库文件")
    sync.add_argument("--user", help="用此用户的 PIN 解锁加密数据库 (PIN 从标准输入读取)")
    sync.add_argument("--batch-size", type=int, default=200, help="每批上传的修改条数")
    sync.add_argument("--no-pull", action="store_true", help="只上传, 不下载")
    sync.add_argument(
        "--retries", type=int, default=4, help="网络出错或服务器繁忙时每个请求的重试次数"
    )

    bundle = add("bundle", cmd_bundle_usage, "数据包: 没有网络时用 U 盘传送本机的修改")
    actions = bundle.add_subparsers(dest="bundle_action", metavar="ACTION")
    export = actions.add_parser("export", help="把未同步的修改导出为签名的数据包文件")
    export.add_argument("--db", required=True, help="本机的数据库文件")
    export.add_argument("--out", required=True, help="数据包文件 (如 E:/东街村-1.fbbundle)")
    export.set_defaults(handler=cmd_bundle_export)
    imported = actions.add_parser("import", help="把数据包上传到服务器 (本机须已登记并联网)")
    imported.add_argument("--db", required=True, help="本机的数据库文件")
    imported.add_argument("file", metavar="FILE", help="数据包文件")
    imported.set_defaults(handler=cmd_bundle_import)
    for sub in (export, imported):
        sub.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="输出 JSON")


def _emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    if getattr(args, "json", False):
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text.rstrip("\n") + "\n")


def _fail(args: argparse.Namespace, status: int, code: str, message: str) -> int:
    if getattr(args, "json", False):
        _emit(args, {"error": {"code": code, "message": message}}, "")
    sys.stderr.write(f"fieldbook: {message}\n")
    return status


def _open(args: argparse.Namespace) -> Any:
    """The open database, ``None`` when there is no file; an encrypted one is unlocked with
    ``--user`` and the PIN from standard input (raises ``CryptoError``)."""
    from desktop.store.crypto import key_for_command
    from desktop.store.db import open_database

    path = Path(args.db)
    if not path.is_file():
        return None
    key = key_for_command(path, user=getattr(args, "user", None))
    return open_database(path, key=key)


def _open_or_fail(args: argparse.Namespace) -> tuple[Any, int | None]:
    """``(db, None)``, or ``(None, exit status)`` after printing why the database did not open."""
    from desktop.store.crypto import CryptoError

    try:
        db = _open(args)
    except CryptoError as exc:
        return None, _fail(args, EXIT_USAGE, "UNLOCK_FAILED", str(exc))
    if db is None:
        return None, _fail(args, EXIT_USAGE, "NO_DATABASE", f"找不到数据库文件: {args.db}")
    return db, None


def _client(db: Any, **options: Any) -> Any:
    from sync.client import SyncClient

    return SyncClient(db, **options)


def _sync_error_status(code: str) -> int:
    return EXIT_USAGE if code == "NOT_ENROLLED" else EXIT_PROBLEMS


# --- enroll ----------------------------------------------------------------------------------------


def cmd_enroll(args: argparse.Namespace) -> int:
    """``fieldbook enroll``: redeem the code, keep the device's identity and the county's keys."""
    from sync.client import SyncError

    if not Path(args.db).exists():
        from sync.provision import cmd_provision

        return cmd_provision(args)
    db, status = _open_or_fail(args)
    if db is None:
        return status  # type: ignore[return-value]
    try:
        with _client(db, ca_file=args.ca_file) as client:
            enrolled = client.enroll(args.code)
            from sync.provision import resume_download

            resume_download(client)  # a provisioning cut short: finish its villages
    except ValueError as exc:  # a code that is not one
        return _fail(args, EXIT_USAGE, "ENROLLMENT_CODE_INVALID", str(exc))
    except SyncError as exc:
        return _fail(args, EXIT_PROBLEMS, exc.code.value, exc.message)
    finally:
        db.dispose()
    lines = [
        f"已登记: {enrolled.name} (设备 {enrolled.device_id})",
        f"服务器: {enrolled.server_url}",
        f"负责的村: {', '.join(enrolled.villages) or '无'}",
    ]
    if enrolled.card_key_replaced:
        lines.append("注意: 本机原有的户卡密钥已换成县里的密钥, 本机以前打印的户卡需要重新打印")
    _emit(args, asdict(enrolled), "\n".join(lines))
    return EXIT_OK


# --- sync ------------------------------------------------------------------------------------------


def receipt_payload(pushed: Any, pulled: Any | None) -> dict[str, Any]:
    """The receipt of a sync as plain data (the CLI's ``--json`` and the dialog's PDF)."""
    payload = {
        "sent": pushed.sent,
        "applied": pushed.applied,
        "merged": pushed.merged,
        "duplicate": pushed.duplicate,
        "conflicts": pushed.conflicts,
        "refused": pushed.refused,
        "batches": pushed.batches,
        "cancelled": pushed.cancelled or bool(pulled and pulled.cancelled),
        "refusals": [asdict(r) for r in pushed.refusals],
    }
    if pulled is not None:
        payload["pulled"] = pulled.changes
        payload["pull_pages"] = pulled.pages
        payload["cursors"] = pulled.cursors
    return payload


def receipt_text(payload: dict[str, Any]) -> str:
    """The receipt as the lines a person reads."""
    lines = [
        f"上传 {payload['sent']} 条: 已应用 {payload['applied']}, 已合并 {payload['merged']}, "
        f"重复 {payload['duplicate']}, 冲突 {payload['conflicts']}, 被拒 {payload['refused']}",
    ]
    if "pulled" in payload:
        lines.append(f"下载 {payload['pulled']} 条修改")
    for refusal in payload["refusals"]:
        lines.append(f"  被拒: {refusal['entity']} {refusal['entity_id']}: {refusal['message']}")
    if payload["conflicts"]:
        lines.append("有冲突的字段已保留服务器的值, 本机的值交乡镇审核员裁决")
    if payload["cancelled"]:
        lines.append("同步已取消, 其余修改下次同步时上传")
    lines += [release["message"] for release in payload.get("reassigned", ())]
    return "\n".join(lines)


def run_sync(
    db: Any, *, batch_size: int = 200, pull: bool = True, retries: int = 4
) -> dict[str, Any]:
    """Push, then pull, on an open laptop database; the receipt as ``receipt_payload``.

    Raises ``sync.client.SyncError``.
    """
    from sync.provision import download_villages
    from sync.reassign import release_villages

    with _client(db, batch_size=batch_size, max_attempts=retries + 1) as client:
        pushed = client.push()
        # the villages the county assigns now: one moved away is dropped once nothing is unsent
        released = release_villages(db, client.status().villages)
        if pull:  # a village whose first download was cut (or is new) comes by snapshot first
            download_villages(client)
        pulled = client.pull() if pull else None
    payload = receipt_payload(pushed, pulled)
    payload["reassigned"] = [{**asdict(r), "message": r.message} for r in released]
    return payload


def cmd_sync(args: argparse.Namespace) -> int:
    """``fieldbook sync``: push, then pull, and print the receipt."""
    from sync.client import SyncError

    if args.batch_size < 1 or args.retries < 0:
        return _fail(
            args, EXIT_USAGE, "INVALID_REQUEST", "--batch-size 须为正整数, --retries 不能为负"
        )
    db, status = _open_or_fail(args)
    if db is None:
        return status  # type: ignore[return-value]
    try:
        payload = run_sync(
            db, batch_size=args.batch_size, pull=not args.no_pull, retries=args.retries
        )
    except SyncError as exc:
        return _fail(args, _sync_error_status(exc.code.value), exc.code.value, exc.message)
    finally:
        db.dispose()
    _emit(args, payload, receipt_text(payload))
    return EXIT_PROBLEMS if payload["refused"] or payload["conflicts"] else EXIT_OK


# --- bundles ---------------------------------------------------------------------------------------


def cmd_bundle_usage(args: argparse.Namespace) -> int:
    """``fieldbook bundle`` without an action."""
    return _fail(args, EXIT_USAGE, "INVALID_REQUEST", "请指定 export 或 import")


def cmd_bundle_export(args: argparse.Namespace) -> int:
    """``fieldbook bundle export``: the pending outbox as a signed file."""
    from sync.client import SyncError

    db = _open(args)
    if db is None:
        return _fail(args, EXIT_USAGE, "NO_DATABASE", f"找不到数据库文件: {args.db}")
    try:
        with _client(db) as client:
            summary = client.export_bundle(args.out)
    except SyncError as exc:
        return _fail(args, _sync_error_status(exc.code.value), exc.code.value, exc.message)
    except OSError as exc:
        return _fail(args, EXIT_USAGE, "WRITE_FAILED", f"无法写入 {args.out}: {exc.strerror}")
    finally:
        db.dispose()
    if summary is None:
        _emit(args, {"changes": 0}, "没有未同步的修改, 未生成数据包")
        return EXIT_OK
    _emit(
        args,
        asdict(summary),
        f"已导出 {summary.changes} 条修改 (序号 {summary.first_seq}–{summary.last_seq}) "
        f"到 {summary.path}, {summary.bytes} 字节",
    )
    return EXIT_OK


def cmd_bundle_import(args: argparse.Namespace) -> int:
    """``fieldbook bundle import``: push a bundle file to the server through this laptop."""
    from sync.bundle import BundleError
    from sync.client import SyncError

    db = _open(args)
    if db is None:
        return _fail(args, EXIT_USAGE, "NO_DATABASE", f"找不到数据库文件: {args.db}")
    try:
        with _client(db) as client:
            answer = client.relay_bundle(args.file)
    except BundleError as exc:
        return _fail(args, EXIT_USAGE, exc.code.value, exc.message)
    except SyncError as exc:
        return _fail(args, _sync_error_status(exc.code.value), exc.code.value, exc.message)
    finally:
        db.dispose()
    payload = answer.model_dump(mode="json")
    lines = [
        f"数据包来自 {answer.device_name}: {answer.sent} 条, 已应用 {answer.applied}, "
        f"已合并 {answer.merged}, 重复 {answer.duplicate}, 冲突 {answer.conflicts}, "
        f"被拒 {answer.refused}",
        *(f"  被拒: {r.change_id}: {r.message}" for r in answer.refusals),
    ]
    _emit(args, payload, "\n".join(lines))
    return EXIT_PROBLEMS if answer.refused or answer.conflicts else EXIT_OK
