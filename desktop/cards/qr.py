"""QR codes for the cards: made with segno, drawn into the PDF as vectors.

The data mask is fixed instead of chosen by scoring all eight (the scoring is most of segno's
time: 3.0 ms a code against 0.7–1.2 ms with a fixed mask). Every printed code is decoded back in
the tests. A vector symbol stays sharp at any printer resolution and keeps the PDF small (a raster
QR embedded as RGB made the file five times bigger).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import segno

FIXED_MASK = 2


@dataclass(frozen=True, slots=True)
class QrSymbol:
    """A QR code's modules, without the quiet zone: ``rows[y][x]`` is 1 for a dark module, 0 for
    a light one (segno's own matrix rows, as bytes: no per-module Python objects)."""

    version: int
    error: str
    rows: tuple[bytes, ...]

    @property
    def modules(self) -> int:
        return len(self.rows)


def make_qr(text: str, error: str = "M", *, mask: int | None = FIXED_MASK) -> QrSymbol:
    """The smallest QR code (never Micro QR) of ``text`` at error level ``error`` or better.

    ``mask=None`` lets segno score the eight masks (slower, for comparison).
    """
    code = segno.make(text, error=error.lower(), micro=False, mask=mask, boost_error=False)
    return QrSymbol(
        version=int(code.version), error=str(code.error), rows=tuple(map(bytes, code.matrix))
    )


_DARK_RUN = re.compile(b"\x01+")


def dark_runs(symbol: QrSymbol) -> list[tuple[int, int, int]]:
    """(row, start, length) of each horizontal run of dark modules, row by row: one regular
    expression over the rows joined by a light module (a run never crosses a row)."""
    width = symbol.modules + 1
    joined = b"\x00".join(symbol.rows)
    return [
        (start // width, start % width, end - start)
        for start, end in (m.span() for m in _DARK_RUN.finditer(joined))
    ]


def draw_qr(canvas, symbol: QrSymbol, x: float, y_top: float, size: float) -> None:  # noqa: ANN001
    """Draw ``symbol`` on a reportlab canvas as one filled path: ``size`` points square, its
    top-left corner at (``x``, ``y_top``) in the canvas's (bottom-up) coordinates.

    The path is written in module units under one transformation (integers, one ``re`` per
    horizontal run of dark modules): a third of the time of reportlab's path objects, which
    format every coordinate as a float, and a smaller file.
    """
    module = size / symbol.modules
    runs = [f"{start} {row} {length} 1 re" for row, start, length in dark_runs(symbol)]
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.transform(module, 0, 0, -module, x, y_top)  # y grows downwards, one unit a module
    canvas.addLiteral("\n".join(runs) + "\nf")
    canvas.restoreState()
