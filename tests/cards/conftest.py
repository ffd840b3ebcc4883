"""A demo county for the printing tests, built once per session; each module writes to its own copy.

Also the readers the tests check documents with: the text of a PDF (pypdf) and the QR codes of
its pages rasterised at 150 dpi by poppler's ``pdftoppm`` (as a person's printer driver would),
decoded with zxing-cpp.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop.store.db import Database, open_database
from desktop.store.demo import build_demo_county

DEMO_HOUSEHOLDS = 300
DEMO_SEED = 2019
RASTER_DPI = 150


@pytest.fixture(scope="session")
def cards_demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo county on disk (closed; never written to)."""
    path = tmp_path_factory.mktemp("cards-demo") / "fieldbook.db"
    db = open_database(path)
    build_demo_county(db, households=DEMO_HOUSEHOLDS, seed=DEMO_SEED)
    db.dispose()
    return path


@pytest.fixture(scope="module")
def module_db(
    cards_demo_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """A writable copy of the demo county shared by one test module."""
    target = tmp_path_factory.mktemp("cards-module") / "fieldbook.db"
    shutil.copyfile(cards_demo_path, target)
    db = open_database(target)
    yield db
    db.dispose()


@pytest.fixture
def fresh_db(cards_demo_path: Path, tmp_path: Path) -> Iterator[Callable[[], Database]]:
    """A factory: a private copy of the demo county for one test."""
    opened: list[Database] = []

    def make() -> Database:
        target = tmp_path / f"copy{len(opened)}.db"
        shutil.copyfile(cards_demo_path, target)
        db = open_database(target)
        opened.append(db)
        return db

    yield make
    for db in opened:
        db.dispose()


def pdf_text(path: Path) -> str:
    """All text of a PDF, page after page."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def pdf_page_texts(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def decode_qr_pages(path: Path, dpi: int = RASTER_DPI) -> list[list[str]]:
    """The QR codes of each page, rasterised with ``pdftoppm -r dpi`` and read with zxing-cpp,
    in reading order (top to bottom, left to right)."""
    import zxingcpp
    from PIL import Image

    out = path.parent / f"{path.stem}-r{dpi}"
    # PGM, not PNG: poppler's PNG encoder costs ten times the rasterising
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(path), str(out)], check=True)
    pages = []
    images = path.parent.glob(f"{out.name}-*.pgm")
    for image_path in sorted(images, key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        found = zxingcpp.read_barcodes(
            Image.open(image_path), formats=zxingcpp.BarcodeFormat.QRCode
        )
        ordered = sorted(
            found, key=lambda b: (round(b.position.top_left.y / 50), b.position.top_left.x)
        )
        pages.append([b.text for b in ordered])
    return pages
