"""Looks shared by every window: large, readable text for cheap laptop screens."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar, QWidget

READABLE_POINT_SIZE = 12.0
"""The smallest text size the app uses (field workers read in bad light; ≥ 11 pt)."""


def readable_font(base: QFont, points: float = READABLE_POINT_SIZE) -> QFont:
    """``base`` at ``points`` or larger (a larger size the person chose is kept)."""
    font = QFont(base)
    if font.pointSizeF() < points:
        font.setPointSizeF(points)
    return font


def apply_readable_font(
    target: QWidget | QApplication, points: float = READABLE_POINT_SIZE
) -> None:
    """Give a widget (and its children) or the whole application the readable size."""
    target.setFont(readable_font(target.font(), points))


def give_menus_room(bar: QMenuBar | QMenu) -> None:
    """Widen every menu of ``bar`` by two characters when it opens.

    Qt's Fusion style measures a menu item a little narrower than it draws it with the readable
    font and CJK text, and elides the middle of long items ("采集本村村委…置", issue 15).
    """
    for action in bar.actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            menu.aboutToShow.connect(lambda menu=menu: _widen(menu))
            give_menus_room(menu)


def _widen(menu: QMenu) -> None:
    menu.setMinimumWidth(0)
    menu.setMinimumWidth(menu.sizeHint().width() + 2 * menu.fontMetrics().horizontalAdvance("中"))
