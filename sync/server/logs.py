"""The sync server's log: a rotating file of redacted JSON lines, uvicorn's own loggers included.

``fieldbook-server`` calls ``configure_server_logging()`` once: the file is ``--log-file``, else
``$FIELDBOOK_SERVER_LOG``, else ``fieldbook-server.log`` in the user's log folder. uvicorn is
then started with ``log_config=None`` so that its error and access loggers propagate here and
pass the same ``RedactingFilter``: no ID number or phone reaches the file, from a request's URL,
a refused value or a traceback. The same lines are printed (plain) on standard error. With
``--workers`` > 1 uvicorn applies ``uvicorn_log_config()`` in each worker process instead.
The lines, the filter and the hooks are ``desktop.logs``'s.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.logs import LogSetup, configure_logging

LOG_FILE_ENV = "FIELDBOOK_SERVER_LOG"
LOG_FILE_NAME = "fieldbook-server.log"
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
CONSOLE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def default_server_log_file() -> Path:
    """``$FIELDBOOK_SERVER_LOG``, else ``fieldbook-server.log`` in the user's log folder."""
    explicit = os.environ.get(LOG_FILE_ENV)
    if explicit:
        return Path(explicit)
    from platformdirs import user_log_path

    return user_log_path("fieldbook", appauthor=False) / LOG_FILE_NAME


def configure_server_logging(
    path: Path | None = None, *, level: int = logging.INFO, console: bool = True
) -> LogSetup:
    """Send the server's logging (uvicorn's included) to ``path`` and log uncaught exceptions;
    ``console``: also print it (redacted, plain lines) on standard error."""
    setup = configure_logging(path or default_server_log_file(), level=level)
    if console:
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter(CONSOLE_FORMAT))
        setup.add_handler(stream)
    for name in UVICORN_LOGGERS:
        # uvicorn's default config gives these their own console handlers; here they go to the
        # root's redacted file (and stay at INFO, so each request leaves one access line)
        logger = logging.getLogger(name)
        setup.on_close.append(_restorer(logger))
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(level)
    return setup


def _restorer(logger: logging.Logger) -> Callable[[], None]:
    handlers, propagate, level = list(logger.handlers), logger.propagate, logger.level

    def restore() -> None:
        logger.handlers[:] = handlers
        logger.propagate = propagate
        logger.setLevel(level)

    return restore


def uvicorn_log_config(path: Path | None = None, *, level: str = "INFO") -> dict[str, Any]:
    """The same file as a ``logging.config`` dict, for ``--workers`` > 1: uvicorn applies it in
    each worker process, which ``configure_server_logging`` in the supervisor never reaches.

    The processes share the file; a rotation by one leaves the others writing to the rotated
    file until they rotate too, so with several workers the backups turn over sooner."""
    quiet = {"handlers": [], "propagate": True, "level": level}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": "desktop.logs.RedactingFilter"}},
        "formatters": {"plain": {"format": CONSOLE_FORMAT}},
        "handlers": {
            "file": {
                "()": "desktop.logs.rotating_handler",
                "path": str(path or default_server_log_file()),
            },
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["redact"],
            },
        },
        "root": {"handlers": ["file", "console"], "level": level},
        "loggers": {name: dict(quiet) for name in UVICORN_LOGGERS},
    }
