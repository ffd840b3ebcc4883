"""``fieldbook cards`` and ``fieldbook print-list``: the printed paper, headless.

::

    fieldbook cards --db PATH (--village CODE | --household NUMBER…) --out FILE.pdf [--reprint]
    fieldbook print-list --db PATH --village CODE --kind publicity|problems|day-report|book
                         [--household NUMBER] [--start DATE --end DATE] --out FILE.pdf

Exit status: 0 written; 1 written but something to look at (a card refused, problems listed) or
refused for the data's sake (a notice shorter than the policy allows); 2 usage error. Heavy
imports (SQLAlchemy, reportlab) happen inside the handlers.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path

from desktop.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Add,
    UsageError,
    add_database_options,
    emit,
    open_for_command,
)

KINDS = ("publicity", "problems", "day-report", "book")
NOTICE_STEPS = ("first_notice", "second_notice", "announcement")

def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{option} 应为 YYYY-MM-DD 格式的日期: {text}") from exc


def _actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some service contexts
        return "命令行"


# --- cards ---------------------------------------------------------------------------------------


def cmd_cards(args: argparse.Namespace) -> int:
    """Print household cards of a village's registered households, or of the numbers given."""
    from desktop.cards.data import (
        NotFound,
        card_household_ids,
        household_ids_by_number,
        village_by_code,
    )
    from desktop.cards.fonts import FontNotFound
    from desktop.cards.keys import CardKeyError
    from desktop.cards.payload import CardPayloadError
    from desktop.cards.service import print_cards
    from desktop.cards.templates import TemplateError

    db = open_for_command(args)
    try:
        with db.session() as session:
            if args.village:
                place = village_by_code(session, args.village)
                ids = card_household_ids(session, place.village_id)
            else:
                ids = household_ids_by_number(session, args.household)
            if not ids:
                sys.stderr.write(f"fieldbook: {place.village}没有建档立卡户,没有户卡可打印\n")
                return EXIT_PROBLEMS
            result = print_cards(
                session,
                ids,
                args.out,
                actor=args.actor or _actor(),
                reprint=args.reprint,
                template=args.template,
            )
    except (NotFound, TemplateError, CardKeyError, CardPayloadError, FontNotFound) as exc:
        raise UsageError(str(exc)) from exc
    finally:
        db.dispose()
    payload = {
        "out": str(args.out),
        "cards": result.sheet.cards,
        "pages": result.sheet.pages,
        "size_bytes": result.sheet.size_bytes,
        "printed": result.printed,
        "issued": result.issued,
        "refused": result.refused,
    }
    lines = [f"已生成 {args.out}: {result.sheet.cards} 张户卡, {result.sheet.pages} 页"]
    if result.issued:
        lines.append(
            ("补打" if args.reprint else "首次打印") + f"并登记新版次: {len(result.issued)} 户"
        )
    lines.extend(f"未打印 {number}: {why}" for number, why in result.refused.items())
    emit(args, payload, "\n".join(lines))
    return EXIT_PROBLEMS if result.refused else EXIT_OK


# --- print-list ----------------------------------------------------------------------------------


def cmd_print_list(args: argparse.Namespace) -> int:
    """Print a publicity list, a problem list, a day-end report or a household book."""
    from desktop.cards import data, documents
    from desktop.cards.fonts import FontNotFound

    try:
        start, end = _day(args.start, "--start"), _day(args.end, "--end")
        day = _day(args.date, "--date")
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if args.kind == "book" and not args.household:
        raise UsageError("--kind book 需要 --household 户编号")
    if args.kind in ("publicity", "problems") and not args.village:
        raise UsageError(f"--kind {args.kind} 需要 --village 行政村代码")
    db = open_for_command(args)
    status = EXIT_OK
    try:
        with db.session() as session:
            place = data.village_by_code(session, args.village) if args.village else None
            if args.kind == "publicity":
                assert place is not None
                try:
                    publicity = data.publicity_list(
                        session, place.village_id, start=start, end=end, step=args.notice
                    )
                except data.NoticeDatesMissing as exc:
                    raise UsageError(str(exc) + "(用 --start/--end 指定)") from exc
                except data.NoticeTooShort as exc:
                    if start or end:
                        raise UsageError(str(exc)) from exc
                    sys.stderr.write(f"fieldbook: {exc}\n")
                    return EXIT_PROBLEMS
                result = documents.build_publicity_list(publicity, args.out)
                summary = {
                    "households": len(publicity.rows),
                    "notice": publicity.notice_label,
                    "start": publicity.start,
                    "end": publicity.end,
                }
            elif args.kind == "problems":
                assert place is not None
                problems = data.problem_list(
                    session, place.village_id, on=day, internal=args.internal
                )
                result = documents.build_problem_list(problems, args.out)
                summary = {"problems": len(problems.rows)}
                status = EXIT_PROBLEMS if problems.rows else EXIT_OK
            elif args.kind == "day-report":
                villages = [place.village_id] if place else None
                day_report = data.day_report(session, day or date.today(), village_ids=villages)
                result = documents.build_day_report(day_report, args.out)
                summary = {
                    "day": day_report.day,
                    "visited": len(day_report.visited),
                    "created": len(day_report.created),
                    "changed": len(day_report.changed),
                    "unsynced": len(day_report.unsynced),
                    "without_location": len(day_report.without_location),
                    "with_open_problems": len(day_report.with_open_problems),
                }
            else:
                (household_id,) = data.household_ids_by_number(session, [args.household])
                book = data.household_book(session, household_id, internal=args.internal)
                result = documents.build_household_book(book, args.out)
                summary = {"entries": len(book.entries)}
    except (data.NotFound, FontNotFound) as exc:
        raise UsageError(str(exc)) from exc
    finally:
        db.dispose()
    payload = {"out": str(args.out), "kind": args.kind, "pages": result.pages, **summary}
    text = f"已生成 {args.out}: {result.pages} 页; " + ", ".join(
        f"{k} {v}" for k, v in summary.items()
    )
    emit(args, payload, text)
    return status


# --- registration --------------------------------------------------------------------------------


def register(add: Add) -> None:
    """Add ``cards`` and ``print-list`` to the ``fieldbook`` command."""
    cards = add("cards", cmd_cards, "打印二维码户卡(PDF): 一个村的建档立卡户, 或指定户编号")
    add_database_options(cards)
    which = cards.add_mutually_exclusive_group(required=True)
    which.add_argument("--village", metavar="CODE", help="行政村代码(12位): 打印该村全部建档立卡户")
    which.add_argument("--household", metavar="NUMBER", nargs="+", help="户编号(可多个)")
    cards.add_argument("--out", required=True, type=Path, help="输出的 PDF 文件")
    cards.add_argument(
        "--reprint", action="store_true", help="补打: 版次加一, 旧户卡作废(扫描时提示已作废)"
    )
    cards.add_argument("--template", default="card-default", help="户卡模板名或 .toml 路径")
    cards.add_argument("--actor", help="记入一簿的操作人(默认: 当前登录名)")

    lists = add(
        "print-list",
        cmd_print_list,
        "打印公示名单、问题清单、工作日报或户的一簿(PDF)",
    )
    add_database_options(lists)
    lists.add_argument("--village", metavar="CODE", help="行政村代码(12位)")
    lists.add_argument("--kind", required=True, choices=KINDS, help="打印哪一种")
    lists.add_argument("--household", metavar="NUMBER", help="户编号(--kind book)")
    lists.add_argument("--out", required=True, type=Path, help="输出的 PDF 文件")
    lists.add_argument(
        "--start", metavar="DATE", help="公示开始日期 YYYY-MM-DD(默认取识别程序记录)"
    )
    lists.add_argument("--end", metavar="DATE", help="公示截止日期 YYYY-MM-DD")
    lists.add_argument("--notice", choices=NOTICE_STEPS, help="取哪一次公示的日期(默认最近一次)")
    lists.add_argument("--date", metavar="DATE", help="日报或问题清单的日期(默认今天)")
    lists.add_argument(
        "--internal", action="store_true", help="一簿和问题清单中包含边缘户、监测户等内部掌握的内容"
    )
