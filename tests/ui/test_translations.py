"""The English translation: complete, compiled, in step with the code, and used by the windows.

Chinese is the source language of every ``tr()`` text; ``resources/translations/fieldbook_en.ts``
holds the English and ``scripts/update_translations.sh`` refreshes and compiles it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt, QTranslator
from PySide6.QtWidgets import QMenu

from desktop.domain.resources import resource_path
from desktop.domain.roles import Role
from desktop.ui.app import install_translators
from desktop.ui.main_window import MainWindow
from desktop.ui.roles import role_label
from desktop.ui.signin import SignInDialog
from desktop.ui.tasks import ImmediateTaskRunner

ROOT = Path(__file__).resolve().parents[2]
TS = resource_path("translations", "fieldbook_en.ts")
QM = resource_path("translations", "fieldbook_en.qm")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"\{\d+(?::[^}]*)?\}|%[vmp]")  # str.format fields, QProgressBar's


def messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, <translation> element) of every message in a .ts file."""
    found = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            found.append((name, message.findtext("source") or "", translation))
    return found


@pytest.fixture
def language(qapp) -> Iterator:
    """Install the translators of a language for one test, and remove them afterwards."""
    installed: list[QTranslator] = []
    previous = QLocale()

    def use(lang: str) -> None:
        installed.extend(install_translators(qapp, lang))

    yield use
    for translator in installed:
        qapp.removeTranslator(translator)
    QLocale.setDefault(previous)


def test_every_english_text_is_translated() -> None:
    found = messages(TS)
    assert len(found) > 50
    unfinished = [(c, s) for c, s, t in found if t.get("type") == "unfinished" or not t.text]
    assert unfinished == [], "run scripts/update_translations.sh and translate these"
    assert all(not CJK.search(t.text or "") for _c, _s, t in found)


def test_the_compiled_translation_matches_the_ts_file() -> None:
    translator = QTranslator()
    assert translator.load(str(QM))
    for context, source, translation in messages(TS):
        assert translator.translate(context, source) == translation.text, (context, source)


def test_placeholders_survive_translation() -> None:
    for context, source, translation in messages(TS):
        wanted = sorted(PLACEHOLDER.findall(source))
        assert sorted(PLACEHOLDER.findall(translation.text or "")) == wanted, (context, source)


def test_every_tr_text_in_the_ui_code_is_in_the_ts_file(tmp_path) -> None:
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    if not lupdate.exists():
        pytest.skip("pyside6-lupdate is not installed next to this Python")
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (ROOT / "desktop" / "ui").glob("*.py"))
    subprocess.run(
        [str(lupdate), *sources, "-source-language", "zh_CN", "-ts", str(fresh)],
        check=True,
        capture_output=True,
    )
    in_code = {(c, s) for c, s, _t in messages(fresh)}
    in_ts = {(c, s) for c, s, _t in messages(TS)}
    missing = sorted(in_code - in_ts)
    assert missing == [], (
        "texts in desktop/ui without an English translation: run "
        "scripts/update_translations.sh, translate them in resources/translations/fieldbook_en.ts "
        "and run it again"
    )


def window_texts(window: MainWindow) -> dict[str, list[str]]:
    """The title, menus, column headers and other fixed texts of the main window."""
    menus: list[str] = []

    def walk(menu_actions) -> None:
        for action in menu_actions:
            if action.text():
                menus.append(action.text())
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(sub.actions())

    walk(window.menuBar().actions())
    model = window.list_model
    return {
        "title": [window.windowTitle()],
        "menus": menus,
        "headers": [
            model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())
        ],
        "tree": [window.tree_model.headerData(0, Qt.Orientation.Horizontal)],
        "search": [window.search_box.placeholderText()],
        "filters": [window.status_combo.itemText(0)],
    }


def make_window(qtbot, db) -> MainWindow:
    window = MainWindow(db, runner=ImmediateTaskRunner(), role=Role.ADMIN)
    qtbot.addWidget(window)
    return window


def test_in_english_the_main_window_speaks_english(qtbot, demo_db, language) -> None:
    language("en")
    texts = window_texts(make_window(qtbot, demo_db))
    assert texts["title"] == ["Fieldbook - Poverty Registry Dynamic Management"]
    assert "Head of household" in texts["headers"]
    assert texts["tree"] == ["Divisions"]
    assert texts["filters"] == ["All statuses"]
    chinese = {k: [t for t in v if CJK.search(t or "")] for k, v in texts.items()}
    assert all(not v for v in chinese.values()), chinese


def test_in_chinese_the_main_window_speaks_chinese(qtbot, demo_db, language) -> None:
    language("zh_CN")
    texts = window_texts(make_window(qtbot, demo_db))
    assert texts["title"] == ["Fieldbook 建档立卡动态管理"]
    assert "户主姓名" in texts["headers"]
    assert texts["tree"] == ["行政区划"]
    assert all(CJK.search(t) for t in texts["headers"] + texts["menus"])


def test_in_english_the_sign_in_dialog_and_roles_speak_english(qtbot, language) -> None:
    language("en")
    dialog = SignInDialog(ImmediateTaskRunner())
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Sign in - Fieldbook"
    assert dialog.sign_in_button.text() == "Sign in"
    assert dialog.message() == "Opening the database…"
    assert [role_label(r) for r in Role] == [
        "Field worker",
        "Township reviewer",
        "County administrator",
    ]
