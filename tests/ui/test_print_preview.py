"""Printing from the GUI: a build with progress and cancel, the print preview, printing through
QPrinter with every QR code still readable, and scanning a card back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import select

from desktop.cards.data import card_household_ids
from desktop.cards.service import PrintResult, print_cards
from desktop.store.db import Database
from desktop.store.models import Division, Household
from desktop.ui.print_preview import PdfPrintPreview, paint_pdf, pdf_page_count, start_build
from desktop.ui.scan import ScanListener, looks_like_card, verify_scanned
from desktop.ui.tasks import ImmediateTaskRunner, QtTaskRunner
from tests.cards.conftest import decode_qr_pages

ACTOR = "测试员"


def _village_ids(db: Database) -> list[str]:
    with db.session() as session:
        village = session.scalars(
            select(Division.id).where(Division.level == "village").order_by(Division.code)
        ).first()
        return card_household_ids(session, village)


def _build_cards(db: Database, ids: list[str], out: Path, **kwargs) -> Callable:
    def build(progress, cancelled) -> PrintResult:
        with db.session() as session:
            return print_cards(
                session, ids, out, actor=ACTOR, progress=progress, cancelled=cancelled, **kwargs
            )

    return build


@pytest.fixture(scope="module")
def printed_sheet(
    demo_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Database, Path]:
    """A copy of the demo county whose first village's cards are printed."""
    import shutil

    from desktop.store.db import open_database

    folder = tmp_path_factory.mktemp("printed")
    shutil.copyfile(demo_path, folder / "fieldbook.db")
    db = open_database(folder / "fieldbook.db")
    out = folder / "cards.pdf"
    with db.session() as session:
        print_cards(session, _village_ids(db), out, actor=ACTOR)
    yield db, out
    db.dispose()


def test_a_build_reports_progress_and_hands_back_its_result(
    qtbot, demo_copy, tmp_path: Path
) -> None:
    db = demo_copy()
    ids = _village_ids(db)
    out = tmp_path / "cards.pdf"
    results: list[PrintResult] = []
    dialog = start_build(
        ImmediateTaskRunner(),
        _build_cards(db, ids, out),
        label="正在生成户卡",
        on_done=results.append,
    )
    assert out.exists()
    assert [r.sheet.cards for r in results] == [len(ids)]
    assert dialog.build_progress.snapshot() == (2 * len(ids), 2 * len(ids))
    assert dialog.maximum() == 2 * len(ids) and dialog.value() == 2 * len(ids)


def test_cancel_in_the_progress_dialog_stops_the_build_and_saves_nothing(
    qtbot, demo_copy, tmp_path: Path
) -> None:
    db = demo_copy()
    ids = _village_ids(db)
    out = tmp_path / "cards.pdf"
    gate = threading.Event()
    inner = _build_cards(db, ids, out)

    def build(progress, cancelled):
        def held(done: int, total: int) -> None:
            progress(done, total)
            if done == 5:
                gate.wait(10)  # hold the build until the test has pressed Cancel

        return inner(held, cancelled)

    outcome: list[str] = []
    runner = QtTaskRunner()
    dialog = start_build(
        runner,
        build,
        label="正在生成户卡",
        on_done=lambda _r: outcome.append("done"),
        on_error=lambda exc: outcome.append(f"error {exc!r}"),
        on_cancelled=lambda: outcome.append("cancelled"),
    )
    qtbot.waitUntil(lambda: dialog.value() == 5, timeout=5000)
    cancel_button = dialog.findChild(QPushButton)
    assert cancel_button is not None and cancel_button.text() == "取消"
    QTest.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    runner.wait(5000)
    assert outcome == ["cancelled"]
    assert not out.exists()
    with db.session() as session:
        issues = set(session.scalars(select(Household.card_issue).where(Household.id.in_(ids))))
    assert issues == {0}


def test_printing_through_qprinter_keeps_every_qr_code_readable(
    qtbot, printed_sheet: tuple[Database, Path], tmp_path: Path
) -> None:
    _db, source = printed_sheet
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pages = paint_pdf(printer, source, max_dpi=200)
    assert pages == pdf_page_count(source) == pdf_page_count(tmp_path / "printed.pdf")
    assert decode_qr_pages(tmp_path / "printed.pdf") == decode_qr_pages(source)


def test_the_print_preview_shows_every_page(
    qtbot, printed_sheet: tuple[Database, Path], tmp_path: Path
) -> None:
    _db, source = printed_sheet
    dialog = PdfPrintPreview(source)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.preview_widget().pageCount() > 0, timeout=5000)
    assert dialog.preview_widget().pageCount() == pdf_page_count(source)
    image = dialog.grab().toImage()
    image.save(str(tmp_path / "preview.png"))
    dark = sum(
        1
        for x in range(0, image.width(), 4)
        for y in range(0, image.height(), 4)
        if image.pixelColor(x, y).lightness() < 60
    )
    assert dark > 100, "the preview shows the cards' QR codes"
    assert "打印预览" in dialog.windowTitle()


def test_a_scanned_card_opens_its_household_or_says_why_not(
    qtbot, printed_sheet: tuple[Database, Path]
) -> None:
    db, source = printed_sheet
    code = decode_qr_pages(source)[0][0]
    with db.session() as session:
        household_id = _village_ids(db)[0]
        number = session.get(Household, household_id).household_number
    outcome = verify_scanned(db, code.lower())  # Caps Lock on the scanner's keyboard
    assert outcome.household_id == household_id
    assert number in outcome.message and "有效" in outcome.message
    altered = verify_scanned(db, code[:-1] + ("A" if code[-1] != "A" else "B"))
    assert altered.household_id is None and altered.verdict == "altered"
    assert "签名不符" in altered.message
    assert not looks_like_card("王建国") and looks_like_card(code)


class _Clock:
    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def _typing_window(qtbot) -> tuple[QWidget, QLineEdit]:
    window = QWidget()
    line = QLineEdit(window)
    QVBoxLayout(window).addWidget(line)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    line.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is line, timeout=3000)
    return window, line


def test_a_scanner_typing_a_code_and_enter_is_recognised(qtbot) -> None:
    _window, line = _typing_window(qtbot)
    listener = ScanListener(clock=_Clock(0.005))
    listener.install()
    seen: list[str] = []
    listener.scanned.connect(seen.append)
    entered: list[str] = []
    line.returnPressed.connect(lambda: entered.append(line.text()))
    code = "FB1:6107271012010001:1:ABCDEFGHIJKLM"
    try:
        QTest.keyClicks(line, code)
        QTest.keyClick(line, Qt.Key.Key_Return)
    finally:
        listener.uninstall()
    assert seen == [code]
    assert entered == []  # the scanner's Enter went to the listener, not to the field


def test_a_person_typing_the_same_text_slowly_is_not_a_scan(qtbot) -> None:
    _window, line = _typing_window(qtbot)
    listener = ScanListener(clock=_Clock(0.3))
    listener.install()
    seen: list[str] = []
    listener.scanned.connect(seen.append)
    entered: list[str] = []
    line.returnPressed.connect(lambda: entered.append(line.text()))
    try:
        QTest.keyClicks(line, "FB1:6107271012010001:1:ABCDEFGHIJKLM")
        QTest.keyClick(line, Qt.Key.Key_Return)
    finally:
        listener.uninstall()
    assert seen == []
    assert entered == ["FB1:6107271012010001:1:ABCDEFGHIJKLM"]


def test_a_landscape_document_is_previewed_on_landscape_paper(qtbot, tmp_path: Path) -> None:
    from desktop.cards.documents import Table, build_document

    out = tmp_path / "landscape.pdf"
    build_document(
        out, title="横向", lines=[], tables=[Table("表", ["甲"], [50], [["1"]])], landscape=True
    )
    dialog = PdfPrintPreview(out)
    qtbot.addWidget(dialog)
    layout = dialog.printer().pageLayout()
    rect = layout.fullRect(layout.Unit.Millimeter)
    assert (round(rect.width()), round(rect.height())) == (297, 210)
