"""The one way the GUI runs work off its thread, and gets the answer back on it.

Contract (STYLE.md 2–3):

- ``runner.run(fn, on_done=..., on_error=...)`` calls ``fn()`` somewhere else and later calls
  exactly one of ``on_done(result)`` or ``on_error(exception)`` **on the GUI thread**.
- ``fn`` never touches a widget or a model; it gets everything it needs as arguments (bind them
  with a closure or ``functools.partial``) and returns plain data.
- A database read in the background opens its own session (``in_session``); sessions are never
  shared between threads.
- Database writes go through one serialized worker: pass ``serial=True`` and jobs run one at a
  time, in the order they were submitted. The writes themselves are the application layer's
  (``desktop.application.Fieldbook``), which hands each to the database's one writer
  (``Database.writer``), in turn with every other write of the process (the sync's recorder, a
  pull). A serial job is not itself run on that writer: it may wait on the network or on a
  thread of its own that writes (a push's recorder), which must not queue behind it.
- Callbacks may come after the asker has moved on (a newer search, a closed dialog): callers
  that care keep a generation number and ignore stale answers.

``QtTaskRunner`` implements this on ``QThreadPool``; ``ImmediateTaskRunner`` runs ``fn`` and the
callback at once, in the caller's thread, so tests are deterministic.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

if TYPE_CHECKING:  # importing the store pulls in SQLAlchemy; app start-up must not wait for it
    from desktop.store.db import Database

T = TypeVar("T")
log = logging.getLogger(__name__)

DoneCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class TaskRunner(Protocol):
    """Runs ``fn`` off the GUI thread; ``on_done``/``on_error`` come back on the GUI thread."""

    def run(
        self,
        fn: Callable[[], T],
        *,
        on_done: Callable[[T], None],
        on_error: ErrorCallback | None = None,
        serial: bool = False,
    ) -> None: ...


def in_session(db: Database, query: Callable[..., T], *args: Any, **kwargs: Any) -> Callable[[], T]:
    """A job that opens its own session on ``db``, runs ``query(session, *args, **kwargs)``, closes it."""

    def job() -> T:
        with db.session() as session:
            return query(session, *args, **kwargs)

    return job


def log_error(exc: BaseException) -> None:
    """The default ``on_error``: the failure is logged with its traceback, never swallowed."""
    log.error("background task failed", exc_info=(type(exc), exc, exc.__traceback__))


class ImmediateTaskRunner:
    """Runs each job at once in the calling thread: for tests and headless scripts.

    Without an ``on_error`` an exception propagates to the caller, so a test sees it.
    ``calls`` counts the jobs run (tests use it to check debouncing).
    """

    def __init__(self) -> None:
        self.calls = 0

    def run(
        self,
        fn: Callable[[], T],
        *,
        on_done: Callable[[T], None],
        on_error: ErrorCallback | None = None,
        serial: bool = False,
    ) -> None:
        self.calls += 1
        try:
            result = fn()
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)
            return
        on_done(result)


class _Relay(QObject):
    """Lives in the GUI thread; a job emits ``deliver`` from a worker and the slot runs here."""

    deliver = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.deliver.connect(self._call)  # queued when emitted from another thread

    @Slot(object)
    def _call(self, callback: Callable[[], None]) -> None:
        callback()


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], finish: Callable[[Callable[[], None]], None]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python keeps the reference (``QtTaskRunner._running``)
        self._fn = fn
        self._finish = finish
        self.on_done: DoneCallback = lambda _result: None
        self.on_error: ErrorCallback = log_error

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread
            error, on_error = exc, self.on_error
            self._finish(lambda: on_error(error))
            return
        on_done = self.on_done
        self._finish(lambda: on_done(result))


class QtTaskRunner:
    """``TaskRunner`` on Qt thread pools: reads in parallel, ``serial`` jobs one at a time.

    Create it on the GUI thread (its relay object lives there). ``wait(ms)`` blocks until every
    job has finished — for shutdown and scripts, never while the GUI should stay responsive.
    """

    def __init__(self, *, max_threads: int = 2) -> None:
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(max(1, max_threads))
        self._serial_pool = QThreadPool()
        self._serial_pool.setMaxThreadCount(1)
        self._relay = _Relay()
        self._lock = threading.Lock()
        self._running: set[_Job] = set()

    def run(
        self,
        fn: Callable[[], T],
        *,
        on_done: Callable[[T], None],
        on_error: ErrorCallback | None = None,
        serial: bool = False,
    ) -> None:
        job: _Job

        def finish(callback: Callable[[], None]) -> None:
            def on_gui_thread() -> None:
                with self._lock:
                    self._running.discard(job)
                callback()

            self._relay.deliver.emit(on_gui_thread)

        job = _Job(fn, finish)
        job.on_done = on_done
        job.on_error = on_error or log_error
        with self._lock:
            self._running.add(job)
        (self._serial_pool if serial else self._pool).start(job)

    @property
    def pending(self) -> int:
        """Jobs whose callback has not run yet."""
        with self._lock:
            return len(self._running)

    def wait(self, msecs: int = -1) -> bool:
        """Block until the pools are idle (callbacks still need the event loop to run)."""
        done = self._serial_pool.waitForDone(msecs)
        return self._pool.waitForDone(msecs) and done
