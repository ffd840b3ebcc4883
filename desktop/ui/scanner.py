"""The main window's scanner: a card's QR code, or a household number, typed anywhere opens it.

``ScannerMixin`` (mixed into ``desktop.ui.main_window.MainWindow``) is the window's event
filter. A keyboard-wedge scanner types a card's code into whatever has the focus; the
application-wide ``desktop.ui.scan.ScanListener`` notices it and ``_card_scanned`` takes it back
out of the field and verifies it (``verify_scanned``): a valid card opens the household's form,
any other card says why not (another county, altered, revoked, not on this laptop). A household
number typed quickly and ended by Enter anywhere in the window opens that household too, so does
one typed into the search box followed by Enter.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from desktop.ui.scan import ScanOutcome, looks_like_card, verify_scanned

SCAN_MAX_GAP_S = 0.08
"""A scanner types a character every few ms; a person rarely under 80 ms, never for long."""
SCAN_MIN_LENGTH = 6
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_KEY_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride})


class ScannerMixin:
    """The window's event filter for scanned and quickly typed codes (see the module doc)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Note any input (for the idle lock), and a household number typed quickly and ended
        by Enter anywhere in this window (a barcode scanner, or a quick typist)."""
        kind = event.type()
        self.note_input(event)
        if kind not in _KEY_EVENTS or not isinstance(watched, QWidget) or self.locked:
            return False
        focus = QApplication.focusWidget()
        first = watched is focus if focus is not None else watched is self
        if not first or watched.window() is not self:
            return False
        assert isinstance(event, QKeyEvent)
        now = time.monotonic()
        if now - self._scan_last > SCAN_MAX_GAP_S:
            self._scan_buffer.clear()
        if kind == QEvent.Type.ShortcutOverride:
            # An Enter that ends a scanned code must reach the widget as a key press (where the
            # scan listeners see it), not trigger a shortcut such as the list's "open the row".
            if event.key() in ENTER_KEYS and self._scanned_text() is not None:
                event.accept()
                return True
            return False
        self._scan_last = now
        if event.key() in ENTER_KEYS:
            text = self._scanned_text()
            self._scan_buffer.clear()
            if text is None or looks_like_card(text):
                return False  # nothing scanned, or a card's code: ``ScanListener`` verifies it
            self.open_scanned(text)
            return True  # the Enter belonged to the code, not to the widget
        if event.text() and event.text().isprintable():
            self._scan_buffer.append(event.text())
        return False

    def _scanned_text(self) -> str | None:
        """What was typed quickly just before, when it reads as a card or a household number."""
        text = "".join(self._scan_buffer).strip()
        if looks_like_card(text) or (
            len(text) >= SCAN_MIN_LENGTH and any(c.isdigit() for c in text)
        ):
            return text
        return None

    def _owns(self, widget: QWidget | None) -> bool:
        """Whether ``widget`` is this window or one of its windows (forms, dialogs)."""
        while widget is not None:
            top = widget.window()
            if top is self:
                return True
            widget = top.parentWidget()
        return False

    def _card_scanned(self, text: str) -> None:
        """A card's code typed by the scanner: drop it from the field it landed in, verify it."""
        if self.locked or not self.isVisible():
            return
        focus = QApplication.focusWidget()
        if focus is not None and not self._owns(focus):
            return
        if isinstance(focus, QLineEdit) and focus.text().endswith(text):
            focus.setText(focus.text()[: -len(text)])
        self.open_scanned(text)

    def open_scanned(self, text: str) -> None:
        """Open the household a scanned card (or a typed household number) names; say why not."""
        if looks_like_card(text):
            app = self.app
            self.runner.run(
                lambda: verify_scanned(app.db, text),
                on_done=self._scan_answered,
                on_error=lambda e: self._show_error(
                    QCoreApplication.translate("MainWindow", "扫码失败:{0}").format(e)
                ),
            )
            return

        def done(household_id: str | None) -> None:
            if household_id is None:
                self._show_error(
                    QCoreApplication.translate("MainWindow", "没有找到编号为 {0} 的农户").format(
                        text
                    )
                )
                return
            self.open_form(household_id)

        app = self.app
        self.runner.run(
            lambda: app.resolve_household_number(text),
            on_done=done,
            on_error=lambda e: self._show_error(
                QCoreApplication.translate("MainWindow", "扫码失败:{0}").format(e)
            ),
        )

    def _scan_answered(self, outcome: ScanOutcome) -> None:
        self.statusBar().showMessage(outcome.message, 15000)
        if outcome.household_id is not None:
            self.open_form(outcome.household_id)
            return
        self._show_message(
            QCoreApplication.translate("MainWindow", "户卡不能使用"), outcome.message, warning=True
        )
