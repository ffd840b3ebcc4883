"""What every ``fieldbook`` subcommand shares: exit statuses, output, errors and opening the database.

One opener for every command that reads or writes a database: ``--db PATH|URL`` names it (a
SQLite or SQLCipher file, or a ``postgresql://`` URL, which is never taken for a file name) and
an encrypted file is unlocked with ``--user NAME`` (or ``--recovery``) and the PIN read from the
terminal, or as one line of standard input when that is not one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
ACTOR = "命令行"

Handler = Callable[[argparse.Namespace], int]
Add = Callable[[str, Handler, str], argparse.ArgumentParser]
USER_HELP = "用此用户的 PIN 解锁加密数据库 (PIN 从标准输入读取)"


class UsageError(Exception):
    """A mistake in how a command was called: exit status 2 with a Chinese message."""


class DatabaseMissing(UsageError):
    """``--db`` names a file that is not there."""


class UnlockFailed(UsageError):
    """The encrypted database did not open: no such user, a wrong PIN or recovery key."""


def default_database_path() -> Path:
    """The laptop's database: a file in the user's data folder, never inside the app bundle."""
    from platformdirs import user_data_path

    return user_data_path("fieldbook", appauthor=False) / "fieldbook.db"


def is_url(target: str | Path) -> bool:
    """``--db`` given as a database URL (``postgresql://…``, ``sqlite:///…``), not a file."""
    return "://" in str(target)


def add_database_options(command: argparse.ArgumentParser, *, required: bool = True) -> None:
    """``--db PATH|URL`` and ``--user NAME``, as every command that opens a database takes them."""
    command.add_argument("--db", required=required, help="数据库文件或 URL")
    command.add_argument("--user", help=USER_HELP)


def open_for_command(args: argparse.Namespace, path: str | Path | None = None) -> Any:
    """The command's open database: ``path`` (else ``--db``), unlocked with ``--user`` or
    ``--recovery`` and the PIN or key read from standard input when it is encrypted.

    Raises ``DatabaseMissing`` for a file that is not there and ``UnlockFailed`` when the key is
    refused (both ``UsageError``); each command decides how it reports them.
    """
    from desktop.store.crypto import CryptoError, key_for_command
    from desktop.store.db import open_database

    target = args.db if path is None else path
    if is_url(target):
        return open_database(str(target))
    file = Path(target).expanduser()
    if not file.is_file():
        raise DatabaseMissing(f"找不到数据库文件: {target}")
    try:
        key = key_for_command(
            file,
            user=getattr(args, "user", None),
            recovery=bool(getattr(args, "recovery", False)),
        )
    except CryptoError as exc:
        raise UnlockFailed(str(exc)) from exc
    return open_database(file, key=key)


def policy_for(args: argparse.Namespace, session: Any) -> Any:
    """The policy year ``--year`` names, else the database's working year."""
    from desktop.domain.policy import PolicyError, policy_year
    from desktop.store.settings import working_policy

    year = getattr(args, "year", None)
    if year is None:
        return working_policy(session)
    try:
        return policy_year(year)
    except PolicyError as exc:
        raise UsageError(str(exc)) from exc


def existing_file(path: str) -> Path:
    """An input file that must be there."""
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"找不到文件: {file}")
    return file


def emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    """The command's result: ``payload`` as JSON with ``--json``, else ``text``."""
    if getattr(args, "json", False):
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text.rstrip("\n") + "\n")


def fail(args: argparse.Namespace, status: int, message: str, code: str | None = None) -> int:
    """Report a refusal on standard error (and as JSON with ``--json``); returns ``status``."""
    if getattr(args, "json", False):
        error: Any = message if code is None else {"code": code, "message": message}
        emit(args, {"error": error}, "")
    sys.stderr.write(f"fieldbook: {message}\n")
    return status


def issue_lines(title: str, issues: list[dict[str, Any]]) -> list[str]:
    """The rows an import could not take, one line each under a title."""
    if not issues:
        return []
    return [f"{title} {len(issues)} 行:"] + [
        f"  第{i['row']}行 {i.get('name') or ''} {i.get('id_number') or ''}: {i['reason']}"
        for i in issues
    ]


def name_differs_lines(payload: dict[str, Any]) -> list[str]:
    """The rows matched by ID number whose name is not the registered one."""
    if not payload["name_differs"]:
        return []
    return [f"姓名与登记不一致 {len(payload['name_differs'])} 行 (按证件号码匹配):"] + [
        f"  第{m['row']}行 文件中为 {m['name_in_file']}, 登记为 {m['name']}"
        for m in payload["name_differs"]
    ]


def run_import(
    args: argparse.Namespace,
    read: Callable[[Any, Path, Any], Any],
    describe: Callable[[Any, dict[str, Any]], list[str]],
    commit: Callable[[Any, Any, dict[str, Any], list[str]], None],
) -> int:
    """An import command: ``read(session, file, policy)`` previews ``args.file`` (a file that does
    not read is a usage error), ``describe(preview, payload)`` gives the lines a person reads, and
    ``commit(db, preview, payload, lines)`` writes (or says why not), adding to both. A refused
    household (``ImportRefused``) rolls the import back and exits 1, as do rows not taken."""
    from desktop.store.exchange.columns import ExchangeError
    from desktop.store.exchange.importing import ImportRefused

    file = existing_file(args.file)
    db = open_for_command(args)
    try:
        with db.session() as session:
            policy = policy_for(args, session)
            try:
                preview = read(session, file, policy)
            except ExchangeError as exc:
                raise UsageError(str(exc)) from exc
        payload = preview.summary()
        lines = describe(preview, payload)
        payload["committed"] = False
        try:
            commit(db, preview, payload, lines)
        except ImportRefused as exc:
            payload["error"] = exc.message
            emit(args, payload, "\n".join([*lines, exc.message]))
            return EXIT_PROBLEMS
    finally:
        db.dispose()
    emit(args, payload, "\n".join(lines))
    return EXIT_PROBLEMS if preview.has_issues else EXIT_OK
