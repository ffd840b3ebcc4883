"""Qt works here at all: real widgets on the offscreen platform, and Chinese is drawn, not tofu."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QImage, QRawFont
from PySide6.QtWidgets import QApplication, QLabel

ZHANG = 0x5F20  # 张
MISSING_FONT_HINT = "no font with Chinese glyphs: install fonts-wqy-zenhei (./dev.sh setup does)"


def _render(qtbot, text: str, font: QFont | None = None) -> QImage:
    label = QLabel(text)
    if font is not None:
        label.setFont(font)
    label.setFixedSize(240, 60)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    qtbot.addWidget(label)
    label.show()
    qtbot.waitExposed(label)
    image = label.grab().toImage()
    assert not image.isNull() and image.width() > 0 and image.height() > 0
    return image


def test_tests_run_on_the_offscreen_platform(qapp: QApplication) -> None:
    assert os.environ.get("QT_QPA_PLATFORM") == "offscreen"
    assert qapp.platformName() == "offscreen"


def test_a_font_with_simplified_chinese_glyphs_is_installed(qapp: QApplication) -> None:
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    with_zhang = [f for f in families if QRawFont.fromFont(QFont(f)).supportsCharacter(ZHANG)]
    assert with_zhang, MISSING_FONT_HINT


def test_a_chinese_label_draws_distinct_glyphs_not_boxes(qtbot) -> None:
    shown = _render(qtbot, "建档立卡 张三")
    blank = _render(qtbot, "")
    assert shown != blank, "the label drew nothing"

    # Without a Chinese font every character is the same box (or nothing), so two different
    # characters give identical pictures; with one, they differ from each other and from blank.
    zhang, san = _render(qtbot, "张"), _render(qtbot, "三")
    assert zhang != blank and san != blank, MISSING_FONT_HINT
    assert zhang != san, MISSING_FONT_HINT
