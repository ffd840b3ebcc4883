"""The lists and reports as PDFs: publicity list, household book, problem list, day-end report.

All share one table layout (reportlab platypus): a title, a few lines about the document, one or
more titled tables whose header repeats on every page, and a footer with the page number, the
page count and the printing date. Text is set in the embedded Chinese font and wraps in CJK
fashion inside cells. Builders take records (``desktop.cards.records``) and call
``progress(done, total)`` per row and ``cancelled()`` between rows.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from desktop.cards.fonts import cjk_font
from desktop.cards.pdf import MM, check, draw_practice_mark, report, write_output
from desktop.cards.records import (
    Cancelled,
    DayReport,
    HouseholdBook,
    ProblemList,
    Progress,
    PublicityList,
    ReportHousehold,
)
from desktop.domain.policy import BEIJING

OPERATION_TITLES = {"identify": "新识别贫困户", "return": "返贫户", "exit": "脱贫户"}
CAUSE_HEADERS = {"identify": "主要致贫原因", "return": "返贫原因", "exit": "备注"}
CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class Table:
    """One titled table of a document."""

    title: str
    headers: Sequence[str]
    widths_mm: Sequence[float]
    rows: Sequence[Sequence[str]]
    empty_text: str = "无"
    centered: Sequence[int] = (0,)  # columns set centred (numbers, short codes)


@dataclass(frozen=True, slots=True)
class DocumentResult:
    pages: int
    rows: int
    size_bytes: int


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _styles(font: str) -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=15, leading=20, alignment=TA_CENTER),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=10, leading=14, alignment=TA_CENTER
        ),
        "body": ParagraphStyle("body", parent=base, fontSize=10, leading=15),
        "section": ParagraphStyle(
            "section", parent=base, fontSize=11, leading=16, spaceBefore=6, spaceAfter=3
        ),
        "cell": base,
        "head": ParagraphStyle("head", parent=base, fontSize=9, leading=12, alignment=TA_CENTER),
        "centered": ParagraphStyle("centered", parent=base, alignment=TA_CENTER),
        "signature": ParagraphStyle(
            "signature", parent=base, fontSize=10, leading=15, alignment=TA_RIGHT
        ),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _numbered_canvas(font: str, printed_on: str):  # noqa: ANN202
    """A canvas class that writes 第 n 页 / 共 m 页 and the printing date on every page."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                width, _height = self._pagesize
                self.setFont(font, 8)
                self.setFillGray(0.35)
                self.drawCentredString(
                    width / 2, 10 * MM, f"第 {self._pageNumber} 页 / 共 {count} 页"
                )
                self.drawRightString(width - 15 * MM, 10 * MM, f"打印日期: {printed_on}")
                draw_practice_mark(self, *self._pagesize)
                super().showPage()
            super().save()

    return NumberedCanvas


def build_document(
    out: Path | str | BinaryIO,
    *,
    title: str,
    lines: Sequence[str],
    tables: Sequence[Table],
    closing: Sequence[str] = (),
    signature: Sequence[str] = (),
    landscape: bool = False,
    printed_on: date | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> DocumentResult:
    """Lay out a document of titled tables and write it to ``out``."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turned
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    font = cjk_font().name
    styles = _styles(font)
    page = turned(A4) if landscape else A4
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=15 * MM,
        rightMargin=15 * MM,
        topMargin=15 * MM,
        bottomMargin=18 * MM,
        title=title,
        author="Fieldbook",
        creator="Fieldbook 建档立卡动态管理",
        invariant=1,
    )
    story: list[Any] = [Paragraph(_escape(title), styles["title"]), Spacer(1, 3 * MM)]
    story.extend(Paragraph(_escape(line), styles["subtitle"]) for line in lines)
    total = sum(len(t.rows) for t in tables)
    done = 0
    report(progress, 0, total)
    for table in tables:
        check(cancelled)
        story.append(Paragraph(_escape(table.title), styles["section"]))
        if not table.rows:
            story.append(Paragraph(_escape(table.empty_text), styles["body"]))
            continue
        data: list[list[Any]] = [[Paragraph(_escape(h), styles["head"]) for h in table.headers]]
        for row in table.rows:
            check(cancelled)
            data.append(
                [
                    Paragraph(
                        _escape(str(cell)),
                        styles["centered" if column in table.centered else "cell"],
                    )
                    for column, cell in enumerate(row)
                ]
            )
            done += 1
            report(progress, done, total)
        grid = LongTable(data, colWidths=[w * MM for w in table.widths_mm], repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        story.append(grid)
    if closing:
        story.append(Spacer(1, 6 * MM))
        story.extend(Paragraph(_escape(line), styles["body"]) for line in closing)
    if signature:
        story.append(Spacer(1, 6 * MM))
        story.extend(Paragraph(_escape(line), styles["signature"]) for line in signature)
    check(cancelled)
    printed = printed_on or datetime.now(UTC).astimezone(BEIJING).date()
    doc.build(story, canvasmaker=_numbered_canvas(font, chinese_date(printed)))
    data_bytes = buffer.getvalue()
    write_output(data_bytes, out)
    return DocumentResult(pages=doc.page, rows=total, size_bytes=len(data_bytes))


# --- the documents ----------------------------------------------------------------------------


def build_publicity_list(
    publicity: PublicityList, out: Path | str | BinaryIO, **options: Any
) -> DocumentResult:
    """The publicity list (公示名单): by operation, with the notice's dates; no ID numbers,
    incomes or internal flags (the records carry none)."""
    place = publicity.place
    final = publicity.notice_label == "公告"
    prefix = "" if final else "拟"
    tables = []
    for index, operation in enumerate(("identify", "return", "exit")):
        rows = [r for r in publicity.rows if r.operation == operation]
        name = prefix + OPERATION_TITLES[operation]
        tables.append(
            Table(
                title=f"{CHINESE_NUMERALS[index]}、{name}({len(rows)}户)",
                headers=(
                    "序号",
                    "所在组",
                    "户主姓名",
                    "户编号",
                    "家庭人口",
                    CAUSE_HEADERS[operation],
                ),
                widths_mm=(12, 24, 28, 44, 18, 54),
                rows=[
                    (
                        str(i),
                        r.hamlet,
                        r.head_name,
                        r.household_number,
                        str(r.member_count),
                        r.cause,
                    )
                    for i, r in enumerate(rows, 1)
                ],
                empty_text=f"本次无{name}。",
                centered=(0, 1, 4),
            )
        )
    days = (publicity.end - publicity.start).days + 1
    lines = [
        f"{publicity.notice_label}时间: {chinese_date(publicity.start)}至"
        f"{chinese_date(publicity.end)}(共{days}天)",
    ]
    closing = [
        "以上名单经农户申请、村民代表大会民主评议产生,现予"
        + publicity.notice_label
        + "。如有异议,请在公示期内向村民委员会或乡镇人民政府反映。",
        "监督电话:________________",
    ]
    signature = [f"{place.village}村民委员会(盖章)", chinese_date(publicity.start)]
    title = (
        f"{place.county}{place.township}{place.village}{publicity.year}年度"
        f"扶贫对象动态调整{publicity.notice_label}名单"
    )
    return build_document(
        out,
        title=title,
        lines=lines,
        tables=tables,
        closing=closing,
        signature=signature,
        **options,
    )


def _local(moment: datetime) -> str:
    """A book time (naive UTC) in Beijing time."""
    return moment.replace(tzinfo=UTC).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def build_household_book(
    book: HouseholdBook, out: Path | str | BinaryIO, **options: Any
) -> DocumentResult:
    """The household book (一簿): every change, oldest first — when, who, what, from, to, why."""
    place = book.place
    rows = [
        (str(i), _local(e.at), e.actor, e.subject, e.field, e.old, e.new, e.reason)
        for i, e in enumerate(book.entries, 1)
    ]
    table = Table(
        title=f"变更记录(共{len(rows)}条,按时间先后)",
        headers=("序号", "时间", "操作人", "对象", "项目", "原值", "新值", "原因"),
        widths_mm=(12, 34, 24, 34, 34, 46, 46, 37),
        rows=rows,
        empty_text="暂无记录。",
    )
    lines = [
        f"户编号: {book.household_number}    户主: {book.head_name or '未填'}    "
        f"{place.county}{place.township}{place.village}{book.hamlet}",
    ]
    return build_document(
        out,
        title="扶贫对象户一簿(变更历史)",
        lines=lines,
        tables=[table],
        landscape=True,
        **options,
    )


def build_problem_list(
    problems: ProblemList, out: Path | str | BinaryIO, **options: Any
) -> DocumentResult:
    """The audit's problem list (问题清单) of one village."""
    place = problems.place
    errors = sum(1 for r in problems.rows if r.severity == "error")
    explained = sum(1 for r in problems.rows if r.explanation)
    rows = [
        (
            str(i),
            r.household_number,
            r.head_name,
            r.hamlet,
            ("错误" if r.severity == "error" else "疑似") + " " + r.code,
            r.message,
            r.explanation,
        )
        for i, r in enumerate(problems.rows, 1)
    ]
    table = Table(
        title=f"问题(共{len(rows)}个: 错误{errors}个, 疑似{len(rows) - errors}个, 已说明{explained}个)",
        headers=("序号", "户编号", "户主", "组", "级别/规则", "问题", "已作说明"),
        widths_mm=(11, 36, 20, 16, 40, 90, 54),
        rows=rows,
        empty_text="审核未发现问题。",
        centered=(0, 3),
    )
    lines = [f"{problems.year}年度政策  审核日期: {chinese_date(problems.on)}"]
    title = f"{place.county}{place.township}{place.village}数据质量问题清单"
    return build_document(out, title=title, lines=lines, tables=[table], landscape=True, **options)


def _report_rows(households: Sequence[ReportHousehold]) -> list[tuple[str, ...]]:
    return [
        (str(i), h.household_number, h.head_name, h.village, h.hamlet, h.note)
        for i, h in enumerate(households, 1)
    ]


def build_day_report(
    report_: DayReport, out: Path | str | BinaryIO, **options: Any
) -> DocumentResult:
    """The day-end field report: counts first, then the households of each count."""
    sections = (
        ("当天走访", report_.visited),
        ("当天新建", report_.created),
        ("当天修改", report_.changed),
        ("尚未同步", report_.unsynced),
        ("没有位置信息", report_.without_location),
        ("有未处理的问题", report_.with_open_problems),
    )
    summary = Table(
        title="汇总",
        headers=("项目", "户数"),
        widths_mm=(60, 30),
        rows=[(name, str(len(households))) for name, households in sections],
        centered=(1,),
    )
    tables = [summary] + [
        Table(
            title=f"{CHINESE_NUMERALS[i]}、{name}({len(households)}户)",
            headers=("序号", "户编号", "户主", "行政村", "组", "备注"),
            widths_mm=(12, 42, 24, 32, 20, 50),
            rows=_report_rows(households),
            centered=(0, 4),
        )
        for i, (name, households) in enumerate(sections)
    ]
    lines = [f"{report_.scope}    {chinese_date(report_.day)}"]
    return build_document(out, title="驻村工作日报", lines=lines, tables=tables, **options)
