"""Looks shared by every window: large, readable text for cheap laptop screens."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar, QWidget

READABLE_POINT_SIZE = 12.0
"""The smallest text size the app uses (field workers read in bad light; ≥ 11 pt)."""


def readable_font(base: QFont, points: float = READABLE_POINT_SIZE) -> QFont:
    """``base`` at ``points`` or larger (a larger size the person chose is kept)."""
    font = QFont(base)
    if font.pointSizeF() < points:
        font.setPointSizeF(points)
    return font


PLACEHOLDER_COLOUR = "#5f5f5f"
"""Placeholder text carries instructions here: 6.4:1 on white (WCAG AA asks 4.5:1; Qt's grey
gives 3.9:1)."""


def apply_readable_font(
    target: QWidget | QApplication, points: float = READABLE_POINT_SIZE
) -> None:
    """Give a widget (and its children) or the whole application the readable size; the whole
    application also gets placeholder text dark enough to read."""
    target.setFont(readable_font(target.font(), points))
    if isinstance(target, QApplication):
        palette = target.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(PLACEHOLDER_COLOUR))
        target.setPalette(palette)


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
