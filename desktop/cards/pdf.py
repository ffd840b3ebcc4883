"""What every PDF builder shares: writing the file safely, fitting text, the document's metadata.

A document is built in memory and written at the end through a temporary file and a rename:
a cancelled or failed build leaves no file, and an older file of the same name stays whole.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from desktop.cards.records import BuildCancelled, Cancelled, Progress

MM = 72 / 25.4  # points per millimetre
ELLIPSIS = "…"


def write_output(data: bytes, out: Path | str | BinaryIO) -> None:
    """Write ``data`` to ``out``: a path (atomically, via a temporary file) or an open binary file."""
    if not isinstance(out, str | Path):
        out.write(data)
        return
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def check(cancelled: Cancelled | None) -> None:
    """Raise ``BuildCancelled`` if the person asked to stop."""
    if cancelled is not None and cancelled():
        raise BuildCancelled("已取消")


def report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def fit_text(
    text: str, font: str, size: float, max_width: float, min_size: float
) -> tuple[str, float]:
    """``text`` at the largest size up to ``size`` that fits ``max_width`` points (not below
    ``min_size``); still too wide at ``min_size``, it is cut and ends with an ellipsis."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width = stringWidth(text, font, size)
    if width <= max_width:
        return text, size
    fitted = max(min_size, size * max_width / width)
    if stringWidth(text, font, fitted) <= max_width:
        return text, fitted
    while text and stringWidth(text + ELLIPSIS, font, fitted) > max_width:
        text = text[:-1]
    return text + ELLIPSIS, fitted


PRACTICE_MARK = "演示"
_practice = {"on": False}


def set_practice_mark(on: bool) -> None:
    """Print 演示 on every page from now on (the practice county is open) or not."""
    _practice["on"] = bool(on)


def practice_mark_on() -> bool:
    """Whether printed pages carry the practice mark."""
    return _practice["on"]


def draw_practice_mark(canvas, width: float, height: float) -> None:  # noqa: ANN001
    """The practice mark in the page's top right corner, when the practice county is open."""
    if not _practice["on"]:
        return
    from desktop.cards.fonts import cjk_font

    canvas.saveState()
    canvas.setFont(cjk_font().name, 14)
    canvas.setFillColorRGB(0.8, 0.1, 0.1)
    canvas.drawRightString(width - 8 * MM, height - 9 * MM, PRACTICE_MARK)
    canvas.restoreState()


def new_canvas(buffer: io.BytesIO, page_size: tuple[float, float], title: str):  # noqa: ANN201
    """A reportlab canvas with Fieldbook's metadata; the output is byte-for-byte reproducible.

    Every page carries the practice mark while the practice county is open.
    """
    from reportlab.pdfgen.canvas import Canvas

    class MarkedCanvas(Canvas):
        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            draw_practice_mark(self, *self._pagesize)
            super().showPage()

    canvas = MarkedCanvas(buffer, pagesize=page_size, pageCompression=1, invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor("Fieldbook")
    canvas.setCreator("Fieldbook 建档立卡动态管理")
    return canvas


__all__ = [
    "BuildCancelled",
    "MM",
    "check",
    "draw_practice_mark",
    "fit_text",
    "new_canvas",
    "report",
    "set_practice_mark",
    "write_output",
]
