"""Card templates: the card's size, the sheet it is printed on, its texts, lines and QR code.

A template is a TOML file in ``resources/cards/`` (``card-default.toml`` is the default; see its
comments for the keys). Loading checks it: the cards fit the page, texts name only the card's
fields (a template cannot reach an ID number: the card data has none), and nothing is drawn in
the QR code's quiet zone.
"""

from __future__ import annotations

import functools
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.domain.resources import resource_path

CARDS_DIR = "cards"
DEFAULT_TEMPLATE = "card-default"
CARD_FIELDS = frozenset(
    {
        "county",
        "township",
        "village",
        "hamlet",
        "head_name",
        "household_number",
        "assistance_person",
        "assistance_phone",
        "year",
        "issue",
    }
)
PAGE_SIZES_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "LETTER": (215.9, 279.4)}
QR_ERROR_LEVELS = ("L", "M", "Q", "H")
PT_PER_MM = 72 / 25.4


class TemplateError(ValueError):
    """A card template is missing or inconsistent (the message is Chinese)."""


@dataclass(frozen=True, slots=True)
class TextItem:
    text: str
    x_mm: float
    y_mm: float  # baseline
    size: float  # points
    max_width_mm: float
    align: str = "left"  # left | center | right (x is the left edge, centre or right edge)
    color: str = "#000000"
    blank: str | None = None  # what an empty field prints as here (default: the card's)

    def box_mm(self) -> tuple[float, float, float, float]:
        """Where the text may ink: (left, top, right, bottom) in mm."""
        left = {
            "left": self.x_mm,
            "center": self.x_mm - self.max_width_mm / 2,
            "right": self.x_mm - self.max_width_mm,
        }[self.align]
        size_mm = self.size / PT_PER_MM
        return (
            left,
            self.y_mm - size_mm * 0.9,
            left + self.max_width_mm,
            self.y_mm + size_mm * 0.2,
        )


@dataclass(frozen=True, slots=True)
class LineItem:
    x1_mm: float
    y1_mm: float
    x2_mm: float
    y2_mm: float
    width_pt: float = 0.5
    color: str = "#000000"


@dataclass(frozen=True, slots=True)
class CardTemplate:
    """A loaded, checked card template."""

    name: str
    page_mm: tuple[float, float]
    columns: int
    rows: int
    column_gap_mm: float
    row_gap_mm: float
    cut_marks: bool
    cut_mark_length_mm: float
    cut_mark_offset_mm: float
    card_outline: bool
    card_mm: tuple[float, float]
    min_font_size: float
    blank: str
    qr_x_mm: float
    qr_y_mm: float
    qr_size_mm: float
    qr_error: str
    qr_quiet_zone_mm: float
    texts: tuple[TextItem, ...]
    lines: tuple[LineItem, ...]

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def block_mm(self) -> tuple[float, float]:
        """The size of the block of cards on a page."""
        width = self.columns * self.card_mm[0] + (self.columns - 1) * self.column_gap_mm
        height = self.rows * self.card_mm[1] + (self.rows - 1) * self.row_gap_mm
        return width, height

    def card_origin_mm(self, slot: int) -> tuple[float, float]:
        """Top-left corner of the card in ``slot`` (0-based, row by row), from the page's top-left."""
        block_w, block_h = self.block_mm
        left = (self.page_mm[0] - block_w) / 2
        top = (self.page_mm[1] - block_h) / 2
        row, column = divmod(slot, self.columns)
        return (
            left + column * (self.card_mm[0] + self.column_gap_mm),
            top + row * (self.card_mm[1] + self.row_gap_mm),
        )


def _number(table: dict[str, Any], key: str, where: str, default: float | None = None) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TemplateError(f"户卡模板 {where}.{key} 应为数字")
    return float(value)


def _fields_of(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise TemplateError(f"户卡模板的文字格式有误: {text!r}") from exc


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def parse_template(data: dict[str, Any], *, name: str = "") -> CardTemplate:
    """A template from its TOML table; raises ``TemplateError`` naming what is wrong."""
    page = data.get("page", {})
    card = data.get("card", {})
    qr = data.get("qr", {})
    size = page.get("size", "A4")
    if isinstance(size, str):
        if size.upper() not in PAGE_SIZES_MM:
            raise TemplateError(f"户卡模板的纸张 {size!r} 不认识(可用 A4、A5、Letter 或 [宽, 高])")
        page_mm = PAGE_SIZES_MM[size.upper()]
    elif isinstance(size, list) and len(size) == 2:
        page_mm = (float(size[0]), float(size[1]))
    else:
        raise TemplateError("户卡模板 page.size 应为纸张名或 [宽, 高]")
    error = str(qr.get("error", "M")).upper()
    if error not in QR_ERROR_LEVELS:
        raise TemplateError(f"户卡模板 qr.error 应为 L、M、Q 或 H: {error!r}")

    texts = []
    for i, item in enumerate(data.get("text", [])):
        where = f"text[{i}]"
        text = str(item.get("text", ""))
        unknown = _fields_of(text) - CARD_FIELDS
        if unknown:
            raise TemplateError(
                f"户卡模板 {where} 用了户卡没有的字段 {sorted(unknown)}; 可用: {sorted(CARD_FIELDS)}"
            )
        align = str(item.get("align", "left"))
        if align not in ("left", "center", "right"):
            raise TemplateError(f"户卡模板 {where}.align 应为 left、center 或 right")
        texts.append(
            TextItem(
                text=text,
                x_mm=_number(item, "x_mm", where),
                y_mm=_number(item, "y_mm", where),
                size=_number(item, "size", where),
                max_width_mm=_number(item, "max_width_mm", where),
                align=align,
                color=str(item.get("color", "#000000")),
                blank=str(item["blank"]) if "blank" in item else None,
            )
        )
    lines = [
        LineItem(
            x1_mm=_number(item, "x1_mm", f"line[{i}]"),
            y1_mm=_number(item, "y1_mm", f"line[{i}]"),
            x2_mm=_number(item, "x2_mm", f"line[{i}]"),
            y2_mm=_number(item, "y2_mm", f"line[{i}]"),
            width_pt=_number(item, "width_pt", f"line[{i}]", 0.5),
            color=str(item.get("color", "#000000")),
        )
        for i, item in enumerate(data.get("line", []))
    ]
    template = CardTemplate(
        name=str(data.get("name", name)),
        page_mm=page_mm,
        columns=int(page.get("columns", 1)),
        rows=int(page.get("rows", 1)),
        column_gap_mm=_number(page, "column_gap_mm", "page", 0.0),
        row_gap_mm=_number(page, "row_gap_mm", "page", 0.0),
        cut_marks=bool(page.get("cut_marks", True)),
        cut_mark_length_mm=_number(page, "cut_mark_length_mm", "page", 5.0),
        cut_mark_offset_mm=_number(page, "cut_mark_offset_mm", "page", 1.5),
        card_outline=bool(page.get("card_outline", False)),
        card_mm=(_number(card, "width_mm", "card"), _number(card, "height_mm", "card")),
        min_font_size=_number(card, "min_font_size", "card", 5.0),
        blank=str(card.get("blank", "")),
        qr_x_mm=_number(qr, "x_mm", "qr"),
        qr_y_mm=_number(qr, "y_mm", "qr"),
        qr_size_mm=_number(qr, "size_mm", "qr"),
        qr_error=error,
        qr_quiet_zone_mm=_number(qr, "quiet_zone_mm", "qr", 0.0),
        texts=tuple(texts),
        lines=tuple(lines),
    )
    _check_layout(template)
    return template


def _check_layout(t: CardTemplate) -> None:
    if t.columns < 1 or t.rows < 1:
        raise TemplateError("户卡模板每页至少一行一列")
    block_w, block_h = t.block_mm
    if block_w > t.page_mm[0] or block_h > t.page_mm[1]:
        raise TemplateError(
            f"户卡模板: {t.columns}×{t.rows} 张卡({block_w:.1f}×{block_h:.1f} 毫米)放不进纸张"
            f"({t.page_mm[0]:.0f}×{t.page_mm[1]:.0f} 毫米)"
        )
    width, height = t.card_mm
    quiet = t.qr_quiet_zone_mm
    qr_box = (
        t.qr_x_mm - quiet,
        t.qr_y_mm - quiet,
        t.qr_x_mm + t.qr_size_mm + quiet,
        t.qr_y_mm + t.qr_size_mm + quiet,
    )
    if qr_box[0] < 0 or qr_box[1] < 0 or qr_box[2] > width or qr_box[3] > height:
        raise TemplateError("户卡模板: 二维码连同四周空白必须在卡片以内")
    for i, text in enumerate(t.texts):
        if _overlaps(text.box_mm(), qr_box):
            raise TemplateError(f"户卡模板: 第 {i + 1} 行文字伸进了二维码四周的空白区")
    for i, line in enumerate(t.lines):
        half = line.width_pt / PT_PER_MM / 2
        box = (
            min(line.x1_mm, line.x2_mm) - half,
            min(line.y1_mm, line.y2_mm) - half,
            max(line.x1_mm, line.x2_mm) + half,
            max(line.y1_mm, line.y2_mm) + half,
        )
        if _overlaps(box, qr_box):
            raise TemplateError(f"户卡模板: 第 {i + 1} 条线穿过了二维码四周的空白区")


def template_path(name: str = DEFAULT_TEMPLATE) -> Path:
    """Where a named template lives (a path with a suffix is taken as it is)."""
    if name.endswith(".toml") or "/" in name or "\\" in name:
        return Path(name)
    return resource_path(CARDS_DIR, f"{name}.toml")


@functools.cache
def load_template(name: str = DEFAULT_TEMPLATE) -> CardTemplate:
    """Load and check a card template by name or path; raises ``TemplateError``."""
    path = template_path(name)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise TemplateError(f"找不到户卡模板: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"户卡模板 {path.name} 格式有误: {exc}") from exc
    return parse_template(data, name=path.stem)
