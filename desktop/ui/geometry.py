"""Windows that fit the screen they open on, down to 1024×768, and remember where they were.

``fit_window(widget, (w, h))`` sizes a window to its preferred size or to the screen's available
area (the screen without the task bar), whichever is smaller, and centres it. With ``settings``
and a ``key`` it first restores the geometry and maximised state saved by ``remember_window``
(clamped to today's screen: the laptop may have moved from a bigger monitor).

A top-level window's frame (title bar, borders) is not known before it is shown, so room for it
is kept (``FRAME``).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from desktop.preference_keys import WINDOW_GEOMETRY_KEY, WINDOW_MAXIMISED_KEY, window_key

FRAME = (16, 48)
"""Width and height a window manager's frame may add (title bar, borders)."""


def available_area(widget: QWidget) -> QRect:
    """The available geometry of the screen ``widget`` is on (the primary screen before it is)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 768)


def fitted_size(widget: QWidget, preferred: tuple[int, int]) -> tuple[int, int]:
    """``preferred`` shrunk to the available screen, frame included, never below the minimum."""
    area = available_area(widget)
    width = min(preferred[0], area.width() - FRAME[0])
    height = min(preferred[1], area.height() - FRAME[1])
    hint = widget.minimumSizeHint()
    minimum = widget.minimumSize()
    width = max(width, minimum.width(), min(hint.width(), area.width() - FRAME[0]))
    height = max(height, minimum.height(), min(hint.height(), area.height() - FRAME[1]))
    return width, height


def clamp_to_screen(widget: QWidget) -> None:
    """Move and shrink ``widget`` so that it (with room for its frame) lies on its screen."""
    area = available_area(widget)
    width = min(widget.width(), area.width() - FRAME[0])
    height = min(widget.height(), area.height() - FRAME[1])
    if (width, height) != (widget.width(), widget.height()):
        widget.resize(width, height)
    x = min(max(widget.x(), area.left()), area.right() + 1 - width - FRAME[0])
    y = min(max(widget.y(), area.top()), area.bottom() + 1 - height - FRAME[1])
    if (x, y) != (widget.x(), widget.y()):
        widget.move(x, y)


def fit_window(
    widget: QWidget,
    preferred: tuple[int, int],
    *,
    settings: QSettings | None = None,
    key: str | None = None,
    maximise_when_small: bool = False,
) -> None:
    """Size ``widget`` for the screen (see the module's docstring) before it is shown.

    ``maximise_when_small``: with nothing remembered, open maximised when the preferred size
    does not fit (the main window on a 1366×768 laptop).
    """
    if settings is not None and key and _restore(widget, settings, key):
        return
    width, height = fitted_size(widget, preferred)
    area = available_area(widget)
    widget.resize(width, height)
    centre = area.center()
    widget.move(
        QPoint(
            max(area.left(), centre.x() - (width + FRAME[0]) // 2),
            max(area.top(), centre.y() - (height + FRAME[1]) // 2),
        )
    )
    if maximise_when_small and (width, height) != preferred:
        widget.setWindowState(widget.windowState() | Qt.WindowState.WindowMaximized)


def _restore(widget: QWidget, settings: QSettings, key: str) -> bool:
    data = settings.value(window_key(WINDOW_GEOMETRY_KEY, key))
    if not isinstance(data, QByteArray | bytes) or not data:
        return False
    if not widget.restoreGeometry(QByteArray(data)):
        return False
    clamp_to_screen(widget)
    maximised = settings.value(window_key(WINDOW_MAXIMISED_KEY, key))
    if maximised in (True, "true", 1, "1"):
        widget.setWindowState(widget.windowState() | Qt.WindowState.WindowMaximized)
    return True


def remember_window(widget: QWidget, settings: QSettings | None, key: str) -> None:
    """Save ``widget``'s geometry and maximised state under ``key`` (call it when closing)."""
    if settings is None:
        return
    settings.setValue(window_key(WINDOW_GEOMETRY_KEY, key), widget.saveGeometry())
    settings.setValue(window_key(WINDOW_MAXIMISED_KEY, key), widget.isMaximized())
