"""The main window's idle lock: after some minutes without input the app asks to be locked.

``IdleLockMixin`` (mixed into ``desktop.ui.main_window.MainWindow``) notes every key press and
mouse use of the application (``note_input``, from the window's event filter); after
``set_idle_lock(seconds)`` without any it emits ``lock_requested`` (so does 数据 → 立即锁定).
Whoever owns the database (``desktop.ui.app.Launcher``) then calls ``prepare_lock`` (the open
forms' drafts are autosaved), ``lock`` (every window of this one is hidden and the database
handle dropped: jobs that still run get ``DatabaseLocked``) and, after the PIN, ``unlock(db)``
with the database opened again: everything reappears as it was left.

While locked the window and the application layer hold ``LOCKED_DATABASE``, a stand-in that
refuses every session and has no writer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.store.db import Database

IDLE_CHECK_MAX_MS = 15_000
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.InputMethod,
    }
)
"""The events that count as someone using the laptop."""


class DatabaseLocked(RuntimeError):
    """The app is locked: nothing reads or writes the database until someone signs in again."""


class _LockedDatabase:
    """Stands in for the ``Database`` while the app is locked.

    The real one (with the key in its engine) has been disposed and forgotten; a job that was
    already on its way, or a timer, gets ``DatabaseLocked`` instead of opening the file again.
    """

    is_sqlite = False
    writer = None
    """No writer: a write meant for it runs where it was asked, and its session refuses."""

    @property
    def engine(self) -> Any:
        raise DatabaseLocked("程序已锁定,请重新登录")

    @contextmanager
    def session(self) -> Iterator[Session]:
        raise DatabaseLocked("程序已锁定,请重新登录")
        yield  # pragma: no cover - a generator, for the context manager

    def dispose(self) -> None:
        """Nothing to close."""


LOCKED_DATABASE = cast("Database", _LockedDatabase())


class IdleLockMixin:
    """The idle timer, and locking and unlocking the window (see the module doc).

    Mixed into ``MainWindow``, whose ``_idle_timer``, ``forms``, ``runner``, models and timers
    it uses.
    """

    def note_input(self, event: QEvent) -> None:
        """Someone used the laptop now, when ``event`` is input (the idle clock restarts)."""
        if event.type() in INPUT_EVENTS:
            self._last_input = time.monotonic()

    def set_idle_lock(self, seconds: float | None) -> None:
        """Ask for a lock (``lock_requested``) after ``seconds`` without input; ``None``: never."""
        self.idle_lock_seconds = seconds
        self._last_input = time.monotonic()
        if seconds is None or seconds <= 0:
            self._idle_timer.stop()
            return
        self._idle_timer.setInterval(max(50, min(int(seconds * 250), IDLE_CHECK_MAX_MS)))
        if not self.locked:
            self._idle_timer.start()

    def idle_for(self) -> float:
        """Seconds since the last key press or mouse use anywhere in the application."""
        return time.monotonic() - self._last_input

    def _check_idle(self) -> None:
        seconds = self.idle_lock_seconds
        if self.locked or seconds is None:
            return
        if self.idle_for() >= seconds:
            self._idle_timer.stop()
            self.lock_requested.emit()

    def prepare_lock(self, ready: Callable[[], None]) -> None:
        """Autosave every open form's draft, then call ``ready()`` once they are written."""
        self._idle_timer.stop()
        for form in list(dict.fromkeys(self.forms.values())):
            form.autosave_now()
        # Serial jobs run in order: this one's answer comes after every autosave's.
        self.runner.run(
            lambda: None, on_done=lambda _none: ready(), on_error=lambda _e: ready(), serial=True
        )

    def lock(self) -> None:
        """Hide this window and all of its windows and forget the database (see the module doc);
        the caller disposes the database."""
        self.locked = True
        self._idle_timer.stop()
        self._unsynced_timer.stop()
        self._search_timer.stop()
        self._scan_buffer.clear()
        shown = [w for w in QApplication.topLevelWidgets() if w.isVisible() and self._owns(w)]
        shown.sort(key=lambda w: w is not self)  # the main window first, when shown again
        for widget in reversed(shown):
            widget.hide()
        self._hidden_while_locked = shown
        self.rebind(LOCKED_DATABASE)

    def unlock(self, db: Database) -> None:
        """Go on with ``db`` (opened again after the PIN): every window comes back as it was."""
        self.rebind(db)
        self.locked = False
        for widget in self._hidden_while_locked:
            widget.show()
        self._hidden_while_locked = []
        self.raise_()
        self.activateWindow()
        self._unsynced_timer.start()
        self.list_model.resume()
        if self.tree_model.rowCount() == 0:
            self.tree_model.reload()
        if self.policy is None:
            self._load_policy()
        self.refresh_unsynced()
        self.set_idle_lock(self.idle_lock_seconds)
