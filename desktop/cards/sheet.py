"""Household cards as a PDF: several cards to a sheet, laid out by a card template, with cut marks.

The Chinese font is embedded as a subset, so the cards print and their text extracts anywhere.
``build_card_sheet`` calls ``progress(done, total)`` after each card and stops at the next card
once ``cancelled()`` says so (no file is written then).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from desktop.cards.fonts import cjk_font
from desktop.cards.pdf import MM, check, fit_text, new_canvas, report, write_output
from desktop.cards.qr import draw_qr, make_qr
from desktop.cards.records import Cancelled, CardRecord, Progress
from desktop.cards.templates import DEFAULT_TEMPLATE, CardTemplate, load_template

OUTLINE_GREY = 0.75
_SPACES = re.compile(" {2,}")  # an empty field leaves two spaces; full-width spaces are layout
CUT_MARK_WIDTH_PT = 0.4


@dataclass(frozen=True, slots=True)
class SheetResult:
    """What a card sheet build produced."""

    cards: int
    pages: int
    size_bytes: int
    qr_versions: tuple[int, ...]  # the QR version of each card, in order


class _SafeFields(dict):
    """Format values: a missing or empty field prints as the template's blank."""

    def __init__(self, values: dict[str, str], blank: str) -> None:
        super().__init__(values)
        self.blank = blank

    def __getitem__(self, key: str) -> str:
        value = super().get(key)
        return value if value else self.blank

    def __missing__(self, key: str) -> str:
        return self.blank


def _cut_marks(canvas, t: CardTemplate) -> None:  # noqa: ANN001
    """Marks outside the block of cards, in line with every card edge."""
    page_w, page_h = t.page_mm
    block_w, block_h = t.block_mm
    left, top = (page_w - block_w) / 2, (page_h - block_h) / 2
    right, bottom = left + block_w, top + block_h
    gap, length = t.cut_mark_offset_mm, t.cut_mark_length_mm
    xs = sorted(
        {left + c * (t.card_mm[0] + t.column_gap_mm) for c in range(t.columns)}
        | {left + c * (t.card_mm[0] + t.column_gap_mm) + t.card_mm[0] for c in range(t.columns)}
    )
    ys = sorted(
        {top + r * (t.card_mm[1] + t.row_gap_mm) for r in range(t.rows)}
        | {top + r * (t.card_mm[1] + t.row_gap_mm) + t.card_mm[1] for r in range(t.rows)}
    )
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setLineWidth(CUT_MARK_WIDTH_PT)

    def line(x1: float, y1: float, x2: float, y2: float) -> None:  # mm from the top-left
        canvas.line(x1 * MM, (page_h - y1) * MM, x2 * MM, (page_h - y2) * MM)

    for x in xs:
        if top - gap - length >= 0:
            line(x, top - gap - length, x, top - gap)
        if bottom + gap + length <= page_h:
            line(x, bottom + gap, x, bottom + gap + length)
    for y in ys:
        if left - gap - length >= 0:
            line(left - gap - length, y, left - gap, y)
        if right + gap + length <= page_w:
            line(right + gap, y, right + gap + length, y)


def _hex(color: str) -> tuple[float, float, float]:
    value = color.lstrip("#")
    if len(value) != 6:
        return (0.0, 0.0, 0.0)
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _draw_card(canvas, t: CardTemplate, card: CardRecord, slot: int, font: str) -> int:  # noqa: ANN001
    """Draw one card in ``slot``; returns its QR version."""
    page_h = t.page_mm[1]
    ox, oy = t.card_origin_mm(slot)
    width, height = t.card_mm

    def px(x_mm: float) -> float:
        return (ox + x_mm) * MM

    def py(y_mm: float) -> float:
        return (page_h - oy - y_mm) * MM

    if t.card_outline:
        canvas.setStrokeGray(OUTLINE_GREY)
        canvas.setLineWidth(0.25)
        canvas.rect(px(0), py(height), width * MM, height * MM, stroke=1, fill=0)

    for line in t.lines:
        canvas.setStrokeColorRGB(*_hex(line.color))
        canvas.setLineWidth(line.width_pt)
        canvas.line(px(line.x1_mm), py(line.y1_mm), px(line.x2_mm), py(line.y2_mm))

    fields = card.fields()
    for item in t.texts:
        blank = t.blank if item.blank is None else item.blank
        text = _SPACES.sub(" ", item.text.format_map(_SafeFields(fields, blank))).strip()
        shown, size = fit_text(text, font, item.size, item.max_width_mm * MM, t.min_font_size)
        canvas.setFillColorRGB(*_hex(item.color))
        canvas.setFont(font, size)
        if item.align == "center":
            canvas.drawCentredString(px(item.x_mm), py(item.y_mm), shown)
        elif item.align == "right":
            canvas.drawRightString(px(item.x_mm), py(item.y_mm), shown)
        else:
            canvas.drawString(px(item.x_mm), py(item.y_mm), shown)

    symbol = make_qr(card.qr_text, t.qr_error)
    draw_qr(canvas, symbol, px(t.qr_x_mm), py(t.qr_y_mm), t.qr_size_mm * MM)
    return symbol.version


def build_card_sheet(
    cards: Sequence[CardRecord],
    out: Path | str | BinaryIO,
    *,
    template: CardTemplate | str = DEFAULT_TEMPLATE,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> SheetResult:
    """Write ``cards`` as a PDF of card sheets to ``out``; raises ``BuildCancelled`` if cancelled."""
    t = load_template(template) if isinstance(template, str) else template
    font = cjk_font().name
    buffer = io.BytesIO()
    page_size = (t.page_mm[0] * MM, t.page_mm[1] * MM)
    title = "户卡" if not cards else f"户卡 {cards[0].county}{cards[0].village} 等 {len(cards)} 户"
    canvas = new_canvas(buffer, page_size, title)
    total = len(cards)
    versions: list[int] = []
    pages = 0
    report(progress, 0, total)
    for index, card in enumerate(cards):
        check(cancelled)
        slot = index % t.per_page
        if slot == 0:
            if index:
                canvas.showPage()
            pages += 1
            if t.cut_marks:
                _cut_marks(canvas, t)
        versions.append(_draw_card(canvas, t, card, slot, font))
        report(progress, index + 1, total)
    check(cancelled)
    if not cards:
        pages = 1
        canvas.setFont(font, 12)
        canvas.drawString(20 * MM, page_size[1] - 30 * MM, "没有要打印的户卡")
    canvas.showPage()
    canvas.save()
    data = buffer.getvalue()
    write_output(data, out)
    return SheetResult(cards=total, pages=pages, size_bytes=len(data), qr_versions=tuple(versions))
