"""The one way the GUI runs work off its thread, and gets the answer back on it.

Contract (STYLE.md 2–3):

- ``runner.run(fn, on_done=..., on_error=...)`` calls ``fn()`` somewhere else and later calls
  exactly one of ``on_done(result)`` or ``on_error(exception)`` **on the GUI thread**.
- ``fn`` never touches a widget or a model; it gets everything it needs as arguments (bind them
  with a closure or ``functools.partial``) and returns plain data.
- A database read in the background opens its own session (``in_session``); sessions are never
  shared between threads.
- Database writes go through one serialized worker: pass ``serial=True`` and jobs run one at a
  time, in the order they were submitted. Once the runner is told the database's one writer
  (``use_writer``: ``Database.writer``, ``desktop.store.writer``), a serial job runs on that
  writer's thread, in turn with every other write of the process (the sync's recorder, a pull).
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
    from desktop.store.writer import SerialWriter

T = TypeVar("T")
log = logging.getLogger(__name__)

DoneCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]
WriterSource = Callable[[], "SerialWriter | None"]
"""Says which writer serial jobs run on now (the open database's; None: none, e.g. locked)."""


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


def on_writer(source: WriterSource | None, fn: Callable[[], T]) -> Callable[[], T]:
    """``fn`` as a job that runs on the writer ``source`` names when the job starts (else here)."""
    if source is None:
        return fn

    def job() -> T:
        writer = source()
        return fn() if writer is None else writer.call(fn)

    return job


def serialise_on(runner: TaskRunner, source: WriterSource | None) -> None:
    """Have ``runner``'s serial jobs run on the writer ``source`` names, if it can (our runners
    can; a test's stand-in that queues jobs need not)."""
    use_writer = getattr(runner, "use_writer", None)
    if use_writer is not None:
        use_writer(source)


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
        self.writer_source: WriterSource | None = None

    def use_writer(self, source: WriterSource | None) -> None:
        """Run serial jobs on the writer ``source()`` names (``None``: in the calling thread)."""
        self.writer_source = source

    def run(
        self,
        fn: Callable[[], T],
        *,
        on_done: Callable[[T], None],
        on_error: ErrorCallback | None = None,
        serial: bool = False,
    ) -> None:
        self.calls += 1
        if serial:
            fn = on_writer(self.writer_source, fn)
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
        self.writer_source: WriterSource | None = None

    def use_writer(self, source: WriterSource | None) -> None:
        """Run serial jobs on the writer ``source()`` names when each starts: the open
        database's one writer (``None``: on this runner's own serial thread)."""
        self.writer_source = source

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

        if serial:
            # The serial pool keeps this runner's jobs in order and waitable; the work itself
            # runs on the database's writer, in turn with the process's other writes.
            fn = on_writer(self.writer_source, fn)
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
