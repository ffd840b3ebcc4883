"""``fieldbook import-registry --db PATH FILE… [--dry-run] [--report OUT.xlsx] [--json]``.

A stand-alone county (no server) imports its registry from the national system's export into
its master file; the file is made when it does not exist. Exit status: 0 imported (or would
import) every row, 1 some rows were rejected (listed, the rest imported), 2 a file could not be
read or a sheet or column is missing (nothing written).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2

Add = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def add_arguments(command: argparse.ArgumentParser) -> None:
    """The arguments both ``fieldbook`` and ``fieldbook-server`` take (``--db`` is their own)."""
    command.add_argument("files", nargs="+", metavar="FILE", help="xlsx、xls 或每表一个 CSV")
    command.add_argument("--dry-run", action="store_true", help="只检查, 不写入")
    command.add_argument("--report", metavar="OUT.xlsx", help="把未导入的行和规则问题写成报告")


def register(add: Add) -> None:
    """Add ``import-registry`` to the ``fieldbook`` parser."""
    command = add("import-registry", cmd_import_registry, "导入全国系统导出的建档立卡数据")
    command.add_argument("--db", required=True)
    add_arguments(command)


def emit(args: argparse.Namespace, result: object) -> int:
    """Print the result, write the report if asked; the exit status."""
    from desktop.store.registry_import import RegistryImportResult, write_report

    assert isinstance(result, RegistryImportResult)
    if args.report:
        write_report(result.plan, args.report)
    if args.json:
        json.dump(result.summary(), sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(result.text())
        if args.report:
            print(f"报告已保存到 {args.report}")
    return EXIT_REJECTED if result.plan.rejected else EXIT_OK


def fail(args: argparse.Namespace, message: str) -> int:
    """A file that could not be read: the message, nothing written."""
    if args.json:
        json.dump({"error": message}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    print(message, file=sys.stderr)
    return EXIT_USAGE


def cmd_import_registry(args: argparse.Namespace) -> int:
    from desktop.store.crypto import CryptoError
    from desktop.store.db import open_database
    from desktop.store.registry_import import RegistryFileError, import_registry

    try:
        db = open_database(args.db)
    except CryptoError:
        return fail(
            args,
            f"数据库 {args.db} 已加密，不能直接导入；请导入到县里的主数据库（不加密的文件）或服务器。",
        )
    try:
        result = import_registry(db, args.files, dry_run=args.dry_run)
    except RegistryFileError as exc:
        return fail(args, str(exc))
    finally:
        db.dispose()
    return emit(args, result)
