"""Scanning a household card back: a USB scanner types the card's code and Enter.

``verify_scanned(db, text)`` checks the text (``desktop.cards.verify``) in its own session, so it
runs in the task runner, and answers with the household to open or a Chinese reason why not.

``ScanListener`` recognises a scanner anywhere in the window: installed as an event filter on the
application, it collects the characters typed quickly one after another (a scanner types a whole
code in a few tens of milliseconds; a person leaves longer gaps) and, when Enter ends a run that
reads as a card code, emits ``scanned(text)`` and swallows that Enter (so it does not also press
a dialog's default button). The characters themselves still reach the widget that has the focus;
a search box that received a code can be cleared by the receiver of ``scanned``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from desktop.cards.payload import FORMAT_PREFIX, ParseFailure, parse_card
from desktop.cards.verify import CardCheck, check_card
from desktop.store.db import Database

MAX_KEY_GAP_S = 0.08  # scanners type a character every 1–20 ms; people rarely under 80 ms
MIN_CODE_LENGTH = 20
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    """What to do with a scan: open ``household_id``, or show ``message`` (Chinese)."""

    household_id: str | None
    message: str
    verdict: str


def looks_like_card(text: str) -> bool:
    """Whether ``text`` is meant as a card code (even a broken one), not a search query."""
    return parse_card(text).failure is not ParseFailure.NOT_A_CARD


def outcome_of(check: CardCheck) -> ScanOutcome:
    return ScanOutcome(
        household_id=check.household_id if check.opens_household else None,
        message=check.message,
        verdict=str(check.verdict),
    )


def verify_scanned(db: Database, text: str) -> ScanOutcome:
    """Verify scanned ``text`` in a session of its own (safe to run off the GUI thread)."""
    with db.session() as session:
        return outcome_of(check_card(session, text))


class ScanListener(QObject):
    """An application-wide event filter that notices a keyboard-wedge scanner typing a card code."""

    scanned = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_gap_s: float = MAX_KEY_GAP_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._max_gap = max_gap_s
        self._clock = clock
        self._buffer: list[str] = []
        self._last = 0.0

    def install(self, app: QApplication | None = None) -> None:
        """Start listening to every key typed in the application."""
        (app or QApplication.instance()).installEventFilter(self)

    def uninstall(self, app: QApplication | None = None) -> None:
        (app or QApplication.instance()).removeEventFilter(self)

    def _is_first_delivery(self, watched: QObject) -> bool:
        """A key event bubbles up to parents when ignored: count it once, at the focus widget
        (or at a window when nothing has the focus)."""
        if not isinstance(watched, QWidget):
            return False
        focus = QApplication.focusWidget()
        return watched is focus if focus is not None else watched.isWindow()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() != QEvent.Type.KeyPress or not self._is_first_delivery(watched):
            return False
        assert isinstance(event, QKeyEvent)
        now = self._clock()
        if now - self._last > self._max_gap:
            self._buffer.clear()
        self._last = now
        if event.key() in ENTER_KEYS:
            text = "".join(self._buffer)
            self._buffer.clear()
            if (
                len(text) >= MIN_CODE_LENGTH
                and text.upper().startswith(FORMAT_PREFIX)
                and looks_like_card(text)
            ):
                self.scanned.emit(text)
                return True
            return False
        if event.text() and event.text().isprintable():
            self._buffer.append(event.text())
        return False
