"""``fieldbook``: the desktop app by default, headless subcommands for batch work and scripting.

Every subcommand takes ``--json`` for machine-readable output. Exit status: 0 fine, 1 problems
found, 2 usage error (argparse's own convention).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def default_database_path() -> Path:
    """The laptop's database: a file in the user's data folder, never inside the app bundle."""
    from platformdirs import user_data_path

    return user_data_path("fieldbook", appauthor=False) / "fieldbook.db"


def _emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    if args.json:
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _existing_db(args: argparse.Namespace) -> Path:
    path = Path(args.db)
    if "://" not in str(args.db) and not path.exists():
        raise UsageError(f"找不到数据库文件: {path}")
    return path


class UsageError(Exception):
    """A mistake in how a command was called: exit status 2 with a Chinese message."""


def open_for_command(args: argparse.Namespace) -> Any:
    """The command's database, an encrypted one unlocked with ``--user`` and the PIN read from
    standard input (``echo 1234 | fieldbook info --db … --user 张伟``)."""
    from desktop.store.crypto import CryptoError, key_for_command
    from desktop.store.db import open_database

    path = _existing_db(args)
    try:
        return open_database(path, key=key_for_command(path, user=getattr(args, "user", None)))
    except CryptoError as exc:
        raise UsageError(str(exc)) from exc


# --- check-id ------------------------------------------------------------------------------------


def cmd_check_id(args: argparse.Namespace) -> int:
    from desktop.domain.idcard import check_id

    results = []
    lines = []
    for raw in args.numbers:
        info = check_id(raw)
        results.append(
            {
                "input": raw,
                "number": info.number,
                "valid": info.is_valid,
                "kind": info.kind,
                "birth_date": info.birth_date.isoformat() if info.birth_date else None,
                "sex": info.sex,
                "problems": [asdict(p) for p in info.problems],
            }
        )
        verdict = "有效" if info.is_valid else "无效"
        details = []
        if info.birth_date:
            details.append(f"出生 {info.birth_date.isoformat()}")
        if info.sex:
            details.append("男" if info.sex == "1" else "女")
        reasons = "; ".join(p.message for p in info.problems)
        lines.append(
            f"{info.number or raw}\t{verdict}\t{' '.join(details)}"
            + (f"\t{reasons}" if reasons else "")
        )
    _emit(args, results, "\n".join(lines))
    return EXIT_OK if all(r["valid"] for r in results) else EXIT_PROBLEMS


# --- demo ----------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop.store.db import open_database
    from desktop.store.demo import build_demo_county

    if args.households < 1:
        raise UsageError("--households 必须是正整数")
    path = Path(args.db)
    if path.exists():
        if not args.force:
            raise UsageError(f"数据库 {path} 已存在;如要重建请加 --force")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_database(path)
    try:
        summary = build_demo_county(db, households=args.households, seed=args.seed)
    finally:
        db.dispose()
    payload = asdict(summary)
    text = f"演示县已生成: {path}\n" + "\n".join(
        f"  {key}: {value}" for key, value in payload.items()
    )
    _emit(args, payload, text)
    return EXIT_OK


# --- info ----------------------------------------------------------------------------------------


FLAG_LABELS = {"marginal": "边缘户", "monitored": "脱贫监测户", "away_long_term": "整户长期外出"}


def cmd_info(args: argparse.Namespace) -> int:
    from desktop.domain.codes import code_table
    from desktop.store.db import current_revision, head_revision
    from desktop.store.overview import database_overview

    statuses = code_table("status")

    db = open_for_command(args)
    try:
        with db.session() as session:
            overview = database_overview(session)
        overview = {
            "database": str(args.db),
            "schema_revision": current_revision(db.engine),
            "schema_head": head_revision(),
            **overview,
        }
    finally:
        db.dispose()
    lines = [
        f"数据库: {overview['database']}",
        f"结构版本: {overview['schema_revision']} (最新 {overview['schema_head']})",
        f"户数: {overview['households']}  人数: {overview['members']}",
        "按状态: "
        + ", ".join(f"{statuses.label(k)} {v}" for k, v in overview["by_status"].items()),
        "按标识: " + ", ".join(f"{FLAG_LABELS[k]} {v}" for k, v in overview["by_flag"].items()),
        f"未同步的修改: {overview['unsynced_changes']}",
        "按行政村:",
        *(
            f"  {v['code']} {v['name']}: {v['households']} 户"
            + ("(贫困村)" if v.get("is_poor_village") else "")
            for v in overview["by_village"]
        ),
    ]
    _emit(args, overview, "\n".join(lines))
    return EXIT_OK


# --- audit ---------------------------------------------------------------------------------------


def cmd_audit(args: argparse.Namespace) -> int:
    from desktop.domain.policy import policy_year
    from desktop.store.audit import audit_database
    from desktop.store.settings import working_policy

    db = open_for_command(args)
    try:
        with db.session() as session:
            policy = policy_year(args.year) if args.year else working_policy(session)
            findings = audit_database(session, policy=policy)
    finally:
        db.dispose()
    rows = [
        {
            "household_number": f.household_number,
            "village_code": f.village_code,
            "village_name": f.village_name,
            "code": f.problem.code,
            "severity": str(f.problem.severity),
            "field": f.problem.field,
            "message": f.problem.message,
            "entity_id": f.problem.entity_id,
        }
        for f in findings
    ]
    by_severity = Counter(r["severity"] for r in rows)
    lines = [
        f"{r['village_name']}\t{r['household_number']}\t"
        f"{'错误' if r['severity'] == 'error' else '疑似'}\t{r['code']}\t{r['message']}"
        for r in rows
    ]
    lines.append(
        f"共 {len(rows)} 个问题: 错误 {by_severity.get('error', 0)}, 疑似 {by_severity.get('warning', 0)}"
    )
    _emit(args, {"problems": rows, "counts": dict(by_severity)}, "\n".join(lines))
    return EXIT_PROBLEMS if rows else EXIT_OK


# --- the GUI -------------------------------------------------------------------------------------


def cmd_gui(args: argparse.Namespace) -> int:
    from desktop.ui.app import run_app

    return run_app(Path(args.db) if args.db else None, lang=args.lang)


# --- parser --------------------------------------------------------------------------------------


# Feature packages add their own subcommands: each module has ``register(add)``, where
# ``add(name, handler, help)`` returns the subcommand's parser (with ``--json`` already on it).
# Those modules import their heavy dependencies inside the handlers, so ``--help`` stays fast.
COMMAND_MODULES: tuple[str, ...] = (
    "desktop.cards.commands",
    "desktop.location.commands",
    "desktop.store.procedure_commands",
    "desktop.store.backup_commands",
    "desktop.filing_commands",
    "desktop.store.registry_import.commands",
    "sync.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fieldbook",
        description="Fieldbook 建档立卡动态管理: 不带子命令时启动桌面程序",
    )
    parser.add_argument("--db", help="数据库文件 (默认: 用户数据目录下的 fieldbook.db)")
    parser.add_argument(
        "--lang", default=None, choices=["zh_CN", "en"], help="界面语言 (默认: 上次选择的语言)"
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="自检: 在临时数据库中迁移、保存一户、打印一张户卡, 成功返回 0",
    )
    parser.add_argument("--no-gui", action="store_true", help="自检时不打开窗口")
    parser.set_defaults(handler=cmd_gui, json=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(
        name: str, handler: Callable[[argparse.Namespace], int], help_text: str
    ) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--json", action="store_true", help="输出 JSON")
        command.set_defaults(handler=handler)
        return command

    check = add("check-id", cmd_check_id, "校验身份证号码或残疾人证号")
    check.add_argument("numbers", nargs="+", metavar="ID")

    demo = add("demo", cmd_demo, "生成演示县数据库")
    demo.add_argument("--db", required=True)
    demo.add_argument("--households", type=int, default=2000)
    demo.add_argument("--seed", type=int, default=2019)
    demo.add_argument("--force", action="store_true", help="覆盖已有的数据库文件")

    info = add("info", cmd_info, "数据库概况: 结构版本, 按状态/村/标识的户数")
    info.add_argument("--db", required=True)
    info.add_argument("--user", help="用此用户的 PIN 解锁加密数据库 (PIN 从标准输入读取)")

    audit = add("audit", cmd_audit, "数据质量审核, 输出问题清单")
    audit.add_argument("--db", required=True)
    audit.add_argument("--user", help="用此用户的 PIN 解锁加密数据库 (PIN 从标准输入读取)")
    audit.add_argument("--year", type=int, help="政策年度 (默认: 数据库设定的年度, 否则按今天)")

    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``fieldbook``; returns the exit status.

    Run as the program (``argv`` None) it first sends the process's logging and its uncaught
    exceptions to the rotating log file (``desktop.logs``); a call from Python with its own
    ``argv`` (a test, a script) leaves the caller's logging alone.
    """
    if argv is None:
        from desktop.logs import configure_logging

        configure_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_check:
        from desktop.selfcheck import main as self_check

        return self_check(["--no-gui"] if args.no_gui else [])
    try:
        return args.handler(args)
    except UsageError as exc:
        sys.stderr.write(f"fieldbook: {exc}\n")
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
