"""The desktop app's log: one rotating file of JSON lines, with no ID number or phone in it.

``configure_logging()`` is called once per process by ``fieldbook`` (``desktop.cli.main``, which
also starts the GUI). It writes to ``fieldbook.log`` in the user's log folder
(``platformdirs.user_log_path("fieldbook")``, or ``$FIELDBOOK_LOG_DIR``), rotating at
``MAX_BYTES`` with ``BACKUPS`` old files kept, and installs ``sys.excepthook`` and
``threading.excepthook`` so that the windowed build, which has no console, keeps every traceback.

Each line is one JSON object: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, any
``extra={...}`` context as its own keys, and ``exception`` with the formatted traceback.

Personal data: names cannot be recognised by a pattern, so the code never logs them (log ids,
never a person's fields). ID numbers (15/18 digits, the 18th may be X; 20-digit disability
certificates) and phone numbers are recognised: ``RedactingFilter`` replaces them in the message,
its arguments and the formatted traceback before any handler writes the record, and
``JsonFormatter`` redacts its whole output once more. SQLAlchemy engines are made with
``hide_parameters=True`` so a statement's parameters never reach an exception's text.

This module is Qt-free; ``desktop.ui.errors`` routes Qt's own warnings here and shows the one
error dialog.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

APP_NAME = "fieldbook"
LOG_FILE_NAME = "fieldbook.log"
LOG_DIR_ENV = "FIELDBOOK_LOG_DIR"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 5

REDACTED_ID = "[身份证号]"
REDACTED_PHONE = "[电话]"

# An ID number: 18 characters (the last may be X) or the old 15 digits; a disability certificate
# is the ID number and two more digits. Not part of a longer run of digits.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx](?:\d{2})?|\d{15})(?![0-9A-Za-z])")
# A mainland mobile (11 digits from 13x–19x, maybe +86 and spaces or dashes) or a landline
# with its area code (0xx-xxxxxxxx).
_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")


def redact(text: str) -> str:
    """``text`` with every ID number and phone number replaced by a placeholder."""
    text = _ID_NUMBER.sub(REDACTED_ID, text)
    text = _MOBILE.sub(REDACTED_PHONE, text)
    return _LANDLINE.sub(REDACTED_PHONE, text)


class RedactingFilter(logging.Filter):
    """Redacts a record's message, traceback and stack before any handler formats it.

    The message is rendered (``msg % args``) and redacted, so an ID number passed as an argument
    is caught too; the traceback is formatted here once so that its exception messages are.
    """

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


# The attributes every LogRecord has: anything else on a record came from ``extra=``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, context, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in entry:
                entry[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return redact(json.dumps(entry, ensure_ascii=False))


def default_log_dir() -> Path:
    """``$FIELDBOOK_LOG_DIR``, else the user's log folder for fieldbook."""
    explicit = os.environ.get(LOG_DIR_ENV)
    if explicit:
        return Path(explicit)
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, appauthor=False)


@dataclass
class LogSetup:
    """What ``configure_logging`` installed; ``close()`` takes it away again (tests)."""

    path: Path
    handler: logging.Handler
    logger: logging.Logger
    previous_level: int
    previous_hooks: tuple[Any, Any] = field(default=(None, None))
    more_handlers: list[logging.Handler] = field(default_factory=list)
    on_close: list[Callable[[], None]] = field(default_factory=list)

    def add_handler(self, handler: logging.Handler) -> None:
        """Another handler on the same logger (it gets the redacting filter), closed with it."""
        handler.addFilter(RedactingFilter())
        self.logger.addHandler(handler)
        self.more_handlers.append(handler)

    def close(self) -> None:
        for undo in reversed(self.on_close):
            undo()
        for handler in self.more_handlers:
            self.logger.removeHandler(handler)
            handler.close()
        self.logger.removeHandler(self.handler)
        self.logger.setLevel(self.previous_level)
        self.handler.close()
        excepthook, threading_hook = self.previous_hooks
        if excepthook is not None:
            sys.excepthook = excepthook
        if threading_hook is not None:
            threading.excepthook = threading_hook
        global _current
        if _current is self:
            _current = None


_current: LogSetup | None = None


def current_log_file() -> Path | None:
    """The log file this process writes to, if logging was configured."""
    return _current.path if _current is not None else None


def rotating_handler(
    path: Path | str, *, max_bytes: int = MAX_BYTES, backups: int = BACKUPS
) -> logging.Handler:
    """A size-rotating file handler writing redacted JSON lines to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", delay=True
    )
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter())
    return handler


def configure_logging(
    path: Path | None = None,
    *,
    level: int = logging.INFO,
    max_bytes: int = MAX_BYTES,
    backups: int = BACKUPS,
    hooks: bool = True,
) -> LogSetup:
    """Send the process's logging to a rotating file (``default_log_dir()/fieldbook.log`` unless
    ``path``) and log uncaught exceptions there; calling it again replaces the earlier setup."""
    global _current
    if _current is not None:
        _current.close()
    path = path if path is not None else default_log_dir() / LOG_FILE_NAME
    handler = rotating_handler(path, max_bytes=max_bytes, backups=backups)
    root = logging.getLogger()
    setup = LogSetup(path=path, handler=handler, logger=root, previous_level=root.level)
    root.addHandler(handler)
    root.setLevel(level)
    if hooks:
        setup.previous_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = _log_uncaught(sys.excepthook)
        threading.excepthook = _log_uncaught_in_thread(threading.excepthook)
    _current = setup
    return setup


_uncaught = logging.getLogger("fieldbook.uncaught")


def _log_uncaught(previous: Any) -> Any:
    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            _uncaught.critical("uncaught exception", exc_info=(kind, value, tb))
        previous(kind, value, tb)

    return hook


def _log_uncaught_in_thread(previous: Any) -> Any:
    def hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is not SystemExit and args.exc_value is not None:
            _uncaught.critical(
                "uncaught exception in a thread",
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
                extra={"thread_name": args.thread.name if args.thread else None},
            )
        previous(args)

    return hook


# --- what the person is told --------------------------------------------------------------------

_DATABASE_MODULES = ("sqlalchemy", "sqlite3", "sqlcipher3", "psycopg", "alembic")
_CJK = re.compile(r"[\u4e00-\u9fff]")

DATABASE_ERROR = "数据库出错,这次的操作没有完成。"
FILE_ERROR = "读写文件出错(磁盘已满、文件被占用或没有权限?),这次的操作没有完成。"
UNKNOWN_ERROR = "程序出了意外的错误,这次的操作没有完成。"
GENERAL_MESSAGES = (DATABASE_ERROR, FILE_ERROR, UNKNOWN_ERROR)


def _from_database(error: BaseException) -> bool:
    return type(error).__module__.split(".")[0] in _DATABASE_MODULES


def user_message(error: BaseException) -> str:
    """What to tell the person about ``error``, in Chinese, never a database's own text.

    The project's own refusals carry a Chinese ``message`` (or text) written for the person and
    are shown as they are (redacted); a database error, a disk error or anything else gets a
    general sentence, and its details go to the log.
    """
    if _from_database(error):
        return DATABASE_ERROR
    message = getattr(error, "message", None)
    if isinstance(message, str) and _CJK.search(message):
        return redact(message)
    if isinstance(error, OSError) and error.errno is not None:
        return FILE_ERROR  # the system's text, in English, with a path that may name a village
    text = str(error)
    if _CJK.search(text):
        return redact(text)
    cause = error.__cause__ or error.__context__
    if cause is not None and _from_database(cause):
        return DATABASE_ERROR
    return FILE_ERROR if isinstance(error, OSError) else UNKNOWN_ERROR


def log_failure(what: str, error: BaseException, logger: logging.Logger | None = None) -> str:
    """Log ``error`` with its traceback under ``what``; returns the reference the person can
    quote: the time (UTC) and the log file."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    (logger or logging.getLogger("fieldbook.errors")).error(
        "%s: %s", what, type(error).__name__, exc_info=(type(error), error, error.__traceback__)
    )
    path = current_log_file()
    return f"{now}" + (f",日志文件 {path}" if path is not None else "")
