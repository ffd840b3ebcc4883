"""QR codes for the cards: made with segno, drawn into the PDF as vectors.

The data mask is fixed instead of chosen by scoring all eight (the scoring is most of segno's
time: 3.0 ms a code against 0.7–1.2 ms with a fixed mask). Every printed code is decoded back in
the tests. A vector symbol stays sharp at any printer resolution and keeps the PDF small (a raster
QR embedded as RGB made the file five times bigger).
"""

from __future__ import annotations

from dataclasses import dataclass

import segno

FIXED_MASK = 2


@dataclass(frozen=True, slots=True)
class QrSymbol:
    """A QR code's modules, without the quiet zone: ``rows[y][x]`` is True for a dark module."""

    version: int
    error: str
    rows: tuple[tuple[bool, ...], ...]

    @property
    def modules(self) -> int:
        return len(self.rows)


def make_qr(text: str, error: str = "M", *, mask: int | None = FIXED_MASK) -> QrSymbol:
    """The smallest QR code (never Micro QR) of ``text`` at error level ``error`` or better.

    ``mask=None`` lets segno score the eight masks (slower, for comparison).
    """
    code = segno.make(text, error=error.lower(), micro=False, mask=mask, boost_error=False)
    rows = tuple(tuple(bool(v) for v in row) for row in code.matrix_iter(border=0))
    return QrSymbol(version=int(code.version), error=str(code.error), rows=rows)


def draw_qr(canvas, symbol: QrSymbol, x: float, y_top: float, size: float) -> None:  # noqa: ANN001
    """Draw ``symbol`` on a reportlab canvas as one filled path: ``size`` points square, its
    top-left corner at (``x``, ``y_top``) in the canvas's (bottom-up) coordinates.

    The path is written in module units under one transformation (integers, one ``re`` per
    horizontal run of dark modules): a third of the time of reportlab's path objects, which
    format every coordinate as a float, and a smaller file.
    """
    module = size / symbol.modules
    runs: list[str] = []
    for row_index, row in enumerate(symbol.rows):
        run_start = -1
        for column, dark in enumerate((*row, False)):
            if dark and run_start < 0:
                run_start = column
            elif not dark and run_start >= 0:
                runs.append(f"{run_start} {row_index} {column - run_start} 1 re")
                run_start = -1
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.transform(module, 0, 0, -module, x, y_top)  # y grows downwards, one unit a module
    canvas.addLiteral("\n".join(runs) + "\nf")
    canvas.restoreState()
