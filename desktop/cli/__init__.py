"""``fieldbook``: the desktop app by default, headless subcommands for batch work and scripting.

The one entry point: the ``fieldbook`` console script and the built program (``build.spec``)
both run ``main``, which starts the app, runs ``--self-check`` (``desktop.selfcheck``) or
dispatches to a subcommand. Each group of subcommands is a module of this package with
``register(add)`` (``COMMAND_MODULES``); what they share (exit statuses, output, the one
database opener for ``--db PATH|URL --user NAME``) is in ``desktop.cli.common``.

Every subcommand takes ``--json`` for machine-readable output. Exit status: 0 fine, 1 problems
found, 2 usage error (argparse's own convention).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop.cli.common import EXIT_USAGE, UsageError

__all__ = ["COMMAND_MODULES", "UsageError", "build_parser", "main"]


# --- the GUI -------------------------------------------------------------------------------------


def cmd_gui(args: argparse.Namespace) -> int:
    from desktop.ui.app import run_app

    return run_app(Path(args.db) if args.db else None, lang=args.lang)


# --- parser --------------------------------------------------------------------------------------


# Each group of subcommands is a module with ``register(add)``, where ``add(name, handler,
# help)`` returns the subcommand's parser (with ``--json`` already on it). The modules import
# their heavy dependencies inside the handlers, so ``--help`` stays fast. ``basics`` (check-id,
# demo, info, audit) is always there; the others are listed here.
BASIC_COMMANDS = "desktop.cli.basics"
COMMAND_MODULES: tuple[str, ...] = (
    "desktop.cli.cards",
    "desktop.cli.gps",
    "desktop.cli.procedures",
    "desktop.cli.backup",
    "desktop.cli.filing",
    "desktop.store.registry_import.commands",
    "desktop.cli.sync",
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

    for module_name in (BASIC_COMMANDS, *COMMAND_MODULES):
        importlib.import_module(module_name).register(add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``fieldbook``; returns the exit status.

    Run as the program (``argv`` None) it sends the process's logging and its uncaught
    exceptions to the rotating log file (``desktop.logs``); a call from Python with its own
    ``argv`` (a test, a script) leaves the caller's logging alone, and so does the self-check,
    which touches nothing outside its temporary folder.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if argv is None and not args.self_check:
        from desktop.logs import configure_logging

        configure_logging()
    if args.self_check:
        from desktop.selfcheck import run_self_check

        return 0 if run_self_check(gui=not args.no_gui).ok else 1
    try:
        return args.handler(args)
    except UsageError as exc:
        sys.stderr.write(f"fieldbook: {exc}\n")
        return EXIT_USAGE
