"""Screenshots of the real windows on a real X server, with their geometry checked.

Run under Xvfb at one screen size (``tests/ui/test_screenshots.py`` does, in a subprocess):

    xvfb-run -a -s "-screen 0 1024x768x24" python -m tests.ui.screens OUT_DIR [--lang en]

It opens the main window, the household form (every tab), the sync dialog after a sync the
server refused, and the print preview, grabs the screen for each into ``OUT_DIR`` and writes
``OUT_DIR/report.json``: for each shot the PNG, the window's frame, the screen's available area,
the widgets that leave the screen, and the status bar's rectangle (the test checks that its
pixels are not uniform, i.e. that it is on screen and painted).

``scripts/update_screenshots.sh`` runs it at 1366×768 and 1024×768 and copies the PNGs to
docs/screenshots/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect, QSettings
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QMainWindow,
    QMenuBar,
    QScrollArea,
    QScrollBar,
    QStatusBar,
    QTabBar,
    QWidget,
)

IN_WORK = datetime(2019, 11, 15, 10, 0)
HOUSEHOLDS = 120


def settle(app: QApplication, seconds: float = 0.4) -> None:
    """Let the X server map and paint what was shown (a screenshot tool, not a test)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def _global_rect(widget: QWidget) -> QRect:
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    return QRect(top_left, widget.size())


def off_screen(window: QWidget, area: QRect) -> list[str]:
    """The visible widgets of ``window`` that the person cannot reach: outside the screen."""
    found = []
    if not area.contains(window.frameGeometry()):
        found.append(f"window {window.objectName() or type(window).__name__}")
    kinds = (QStatusBar, QMenuBar, QTabBar, QAbstractButton, QComboBox, QLineEdit, QScrollBar)
    for child in window.findChildren(QWidget):
        if not isinstance(child, kinds) or not child.isVisible() or child.window() is not window:
            continue
        # What of it is painted (a field scrolled out of its scroll area is not off screen).
        visible = child.visibleRegion().boundingRect()
        if visible.isEmpty():
            continue
        rect = QRect(child.mapToGlobal(visible.topLeft()), visible.size())
        if not area.contains(rect):
            found.append(
                f"{type(child).__name__} {child.objectName() or ''} "
                f"{getattr(child, 'text', lambda: '')() if isinstance(child, QAbstractButton) else ''}"
                f" at {rect.x()},{rect.y()} {rect.width()}x{rect.height()}".strip()
            )
    return found


def sideways_scrolling(window: QWidget) -> list[str]:
    """The pages (scroll areas) of ``window`` that scroll sideways: their content is wider than
    the window, so part of a form is out of sight. Tables scroll sideways by design; pages not."""
    found = []
    for area in window.findChildren(QScrollArea):
        if area.isVisible() and area.window() is window and area.horizontalScrollBar().isVisible():
            found.append(area.objectName() or type(area.widget()).__name__)
    return found


def fields_in_view(editor: Any) -> int:
    """How many of the member editor's fields are wholly in view without scrolling."""
    viewport = editor.scroll.viewport()
    area = QRect(viewport.mapToGlobal(QPoint(0, 0)), viewport.size())
    return sum(
        1
        for widget in editor.binder.widgets.values()
        if widget.isVisible() and area.contains(_global_rect(widget))
    )


def cut_menu_items(menu: Any) -> list[str]:
    """Menu items whose text and the menu's shortcut column need more room than the item has.

    60 pixels is what Fusion takes beside them (check column, margins, the shortcut's gap), as
    measured on Xvfb: an item with less is drawn elided in the middle ("采集本村村委…置").
    """
    metrics = menu.fontMetrics()
    actions = [a for a in menu.actions() if not a.isSeparator() and a.text()]
    shortcut = max((metrics.horizontalAdvance(a.shortcut().toString()) for a in actions), default=0)
    cut = []
    for action in actions:
        text = action.text().replace("&", "")
        if metrics.horizontalAdvance(text) + shortcut + 60 > menu.actionGeometry(action).width():
            cut.append(text)
    return cut


def hidden_key_columns(window: Any) -> list[str]:
    """The household list's key columns (人均纯收入, 标识 …) not wholly in view."""
    from desktop.ui.household_list import COLUMNS
    from desktop.ui.main_window import ALWAYS_IN_VIEW

    header = window.table_view.horizontalHeader()
    width = window.table_view.viewport().width()
    hidden = []
    for column in ALWAYS_IN_VIEW:
        logical = COLUMNS.index(column)
        left = header.sectionViewportPosition(logical)
        if left < 0 or left + header.sectionSize(logical) > width:
            hidden.append(str(column))
    return hidden


def _rows_in_view(table: Any) -> int:
    """How many rows of a table are wholly in view."""
    height = table.viewport().height()
    return sum(
        1
        for row in range(table.model().rowCount())
        if table.rowViewportPosition(row) >= 0
        and table.rowViewportPosition(row) + table.rowHeight(row) <= height
    )


class Shots:
    def __init__(self, app: QApplication, out: Path, suffix: str) -> None:
        self.app = app
        self.out = out
        self.suffix = suffix
        self.report: list[dict[str, Any]] = []

    def take(self, name: str, window: QWidget, *, activate: bool = True) -> None:
        if activate:  # not with a menu open: activating the window closes it
            window.raise_()
            window.activateWindow()
        settle(self.app)
        screen = window.screen() or self.app.primaryScreen()
        area = screen.availableGeometry()
        pixmap = screen.grabWindow(0)
        path = self.out / f"fieldbook-{name}-{self.suffix}.png"
        pixmap.save(str(path))
        bar = window.findChild(QStatusBar) if isinstance(window, QMainWindow) else None
        bar_rect = _global_rect(bar) if bar is not None and bar.isVisible() else None
        frame = window.frameGeometry()
        self.report.append(
            {
                "name": name,
                "png": str(path),
                "screen": [area.x(), area.y(), area.width(), area.height()],
                "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                "off_screen": off_screen(window, area),
                "sideways": sideways_scrolling(window),
                "status_bar": (
                    [bar_rect.x(), bar_rect.y(), bar_rect.width(), bar_rect.height()]
                    if bar_rect is not None
                    else None
                ),
            }
        )


def _demo(folder: Path):
    from desktop.store.db import open_database
    from desktop.store.demo import build_demo_county

    db = open_database(folder / "fieldbook.db")
    build_demo_county(db, households=HOUSEHOLDS, seed=2019)
    return db


def _big_household(db) -> str:
    from sqlalchemy import func, select

    from desktop.store.models import Member

    with db.session() as session:
        return session.execute(
            select(Member.household_id)
            .group_by(Member.household_id)
            .order_by(func.count().desc(), Member.household_id)
            .limit(1)
        ).scalar_one()


def _cards_pdf(db, out: Path) -> Path:
    from sqlalchemy import select

    from desktop.cards.data import card_household_ids
    from desktop.cards.service import print_cards
    from desktop.store.models import Division

    with db.session() as session:
        village = session.scalars(
            select(Division.id).where(Division.level == "village").order_by(Division.code)
        ).first()
        ids = card_household_ids(session, village)[:4]
        print_cards(session, ids, out, actor="王芳")
        session.commit()
    return out


def _refused_sync(app: QApplication, folder: Path, shots: Shots) -> None:
    """A laptop enrolled for 东街村 that saved a household of 西街村, synced to a live server."""
    from desktop.ui.sync_dialog import SyncDialog
    from desktop.ui.tasks import ImmediateTaskRunner
    from tests.sync.conftest import EAST, WEST, LaptopFactory, _start, laptop_template

    live = _start(f"sqlite:///{folder / 'server.db'}")
    template = laptop_template(folder / "template")
    factory = LaptopFactory(folder, lambda _demo: template)
    try:
        laptop = factory("东街-1", live, villages=[EAST])
        laptop.create_household("6104241002020001", village=WEST, head="张建国")
        dialog = SyncDialog(
            laptop.db,
            ImmediateTaskRunner(),
            receipt_dir=folder / "receipts",
            client_options={"sleep": lambda _s: None},
            preview=False,
        )
        dialog.show()
        done: list[object] = []
        dialog.synced.connect(done.append)
        dialog.sync_failed.connect(lambda *a: done.append(a))
        dialog.start()
        end = time.monotonic() + 60
        while not done and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)
        dialog.wait()
        settle(app)
        shots.take("sync-refused", dialog)
        dialog.close()
    finally:
        factory.close()
        live.server.should_exit = True
        live.thread.join(15)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.ui.screens")
    parser.add_argument("out", type=Path)
    parser.add_argument("--lang", default="zh_CN")
    parser.add_argument("--work", type=Path, help="a folder for the demo county (default: a temp)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    from desktop.ui.app import install_translators
    from desktop.ui.household_form import HouseholdForm
    from desktop.ui.main_window import MainWindow
    from desktop.ui.print_preview import PdfPrintPreview
    from desktop.ui.roles import Role
    from desktop.ui.style import apply_readable_font
    from desktop.ui.tasks import ImmediateTaskRunner

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    translators = install_translators(app, args.lang)
    apply_readable_font(app)
    size = app.primaryScreen().geometry().size()
    suffix = f"{size.width()}x{size.height()}" + ("" if args.lang == "zh_CN" else f"-{args.lang}")
    shots = Shots(app, args.out, suffix)
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="fieldbook-screens-", dir=args.work))
    try:
        db = _demo(folder)
        settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
        runner = ImmediateTaskRunner()
        window = MainWindow(
            db,
            runner=runner,
            role=Role.REVIEWER,
            actor="王芳",
            clock=lambda: IN_WORK,
            offer_drafts=False,
            settings=settings,
        )
        window.show()
        settle(app, 0.8)
        shots.take("main", window)
        shots.report[-1]["hidden_key_columns"] = hidden_key_columns(window)
        menus = {a.text(): a.menu() for a in window.menuBar().actions() if a.menu()}
        for title, menu in zip(("view", "data"), list(menus.values())[2:5:2], strict=True):
            menu.popup(window.mapToGlobal(window.rect().topLeft()) + QPoint(120, 30))
            settle(app)
            shots.take(f"menu-{title}", window, activate=False)
            shots.report[-1]["cut_menu_items"] = cut_menu_items(menu)
            menu.hide()

        form = HouseholdForm(
            db,
            runner=runner,
            household_id=_big_household(db),
            actor="王芳",
            role=Role.REVIEWER,
            clock=lambda: IN_WORK,
            settings=settings,
            parent=window,
        )
        form.show()
        settle(app, 0.6)
        for index, key in enumerate(form.tab_keys):
            form.tabs.setCurrentIndex(index)
            shots.take(f"form-{key}", form)
            if key == "members":
                editor = form.members_tab.editor
                shots.report[-1]["member_fields_in_view"] = fields_in_view(editor)
                shots.report[-1]["member_columns"] = editor.columns
                shots.report[-1]["members_listed"] = [
                    form.members_tab.model.rowCount(),
                    _rows_in_view(form.members_tab.table),
                ]
        form.close()

        pdf = _cards_pdf(db, folder / "cards.pdf")
        preview = PdfPrintPreview(pdf, window)
        preview.show()
        settle(app, 1.0)
        shots.take("print-preview", preview)
        preview.close()

        if args.lang == "zh_CN":
            _refused_sync(app, folder, shots)
        window.close()
        db.dispose()
    finally:
        (args.out / "report.json").write_text(
            json.dumps(shots.report, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        shutil.rmtree(folder, ignore_errors=True)
        del translators
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    raise SystemExit(main())
