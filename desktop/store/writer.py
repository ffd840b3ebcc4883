"""The laptop's one writer: every write to the local database runs on one thread, in order.

SQLite takes one writer at a time; two writers in one process only queue on its lock and, with
a read before the write, can fail with "database is locked". So the GUI's saves, the sync's
recorder, the pull and the committee-location write all hand their work to the same
``SerialWriter``, which runs it on its own thread, first come first served.

``submit`` returns a ``concurrent.futures.Future``; ``call`` waits for the answer. A job that
submits from the writer's own thread runs at once (it already holds the turn), so a write that
calls another write cannot deadlock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class SerialWriter:
    """Runs write jobs one at a time, in the order they were submitted, on one thread."""

    def __init__(self, name: str = "fieldbook-writer") -> None:
        self._name = name
        self._executor: ThreadPoolExecutor | None = None
        self._thread_ident: int | None = None
        self._lock = threading.Lock()

    def _ensure_executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=1, thread_name_prefix=self._name, initializer=self._remember_thread
                )
            return self._executor

    def _remember_thread(self) -> None:
        self._thread_ident = threading.get_ident()

    def on_writer_thread(self) -> bool:
        """True when called from the writer's own thread."""
        return self._thread_ident is not None and threading.get_ident() == self._thread_ident

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        """Queue ``fn(*args, **kwargs)``; the future holds its result or its exception."""
        if self.on_writer_thread():
            future: Future[T] = Future()
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
                future.set_exception(exc)
            return future
        return self._ensure_executor().submit(fn, *args, **kwargs)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` on the writer and wait for its result (its exception is raised here)."""
        return self.submit(fn, *args, **kwargs).result()

    def shutdown(self) -> None:
        """Finish the queued jobs and stop the thread; a later ``submit`` starts a new one."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)
        self._thread_ident = None
