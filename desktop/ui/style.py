"""Looks shared by every window: large, readable text for cheap laptop screens."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

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
