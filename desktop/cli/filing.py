"""Headless commands for a village's own information, the 11-10 filing's report and the
departments' verification (``fieldbook …``).

- ``village show --db PATH --village CODE``: the village's information and its book.
- ``village set --db PATH --village CODE [--poor yes|no] [--exited-year N | --not-exited]
  [--task-force TEXT] [--committee "LAT, LON"]``: saved, booked and queued (Q3, Q18).
- ``report population-change --db PATH --out FILE.xlsx|FILE.pdf [--level village|township|county]``:
  贫困人口增减 for the 11-10 filing (Q9).
- ``import-verification --db PATH FILE.xlsx [--dry-run]``: the departments' verification of
  贫困户属性 and 两不愁三保障 + 饮水安全 (Q14): the differences listed, then applied.

Exit status: 0 fine, 1 refused or problems found, 2 usage. Heavy imports happen inside the
handlers, so ``fieldbook --help`` stays fast.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from desktop.cli.common import (
    ACTOR,
    EXIT_OK,
    EXIT_PROBLEMS,
    Add,
    UsageError,
    add_database_options,
    emit,
    issue_lines,
    name_differs_lines,
    open_for_command,
    policy_for,
    run_import,
)


def register(add: Add) -> None:
    """Add this module's subcommands to the ``fieldbook`` parser."""
    command = add(
        "village", cmd_village, "行政村本身的信息: 贫困村、出列年度、驻村工作队、村委会位置"
    )
    actions = command.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="查看行政村信息和它的修改记录")
    edit = actions.add_parser("set", help="修改行政村信息 (记入修改记录, 待同步)")
    edit.add_argument("--poor", choices=["yes", "no"], help="是否贫困村")
    years = edit.add_mutually_exclusive_group()
    years.add_argument("--exited-year", type=int, metavar="YEAR", help="出列年度")
    years.add_argument("--not-exited", action="store_true", help="清除出列年度 (未出列)")
    edit.add_argument("--task-force", metavar="TEXT", help="驻村工作队(驻村单位); 空字符串清除")
    edit.add_argument("--committee", metavar="LAT,LON", help="村委会位置 (手工输入的经纬度)")
    edit.add_argument("--actor", default=ACTOR, help="记入修改记录的操作人")
    for action in (show, edit):
        add_database_options(action)
        action.add_argument("--village", required=True, metavar="CODE")
        action.add_argument("--year", type=int, help="政策年度 (默认数据库的工作年度)")
        action.add_argument("--json", action="store_true", help="输出 JSON")

    command = add("report", cmd_report, "报表: 贫困人口增减 (11月10日报备, 导引第9问)")
    kinds = command.add_subparsers(dest="kind", metavar="KIND", required=True)
    change = kinds.add_parser(
        "population-change", help="贫困人口增减情况表 (新识别、返贫、脱贫、自然增减; 户数和人数)"
    )
    add_database_options(change)
    change.add_argument("--out", required=True, metavar="FILE", help="输出文件: .xlsx 或 .pdf")
    change.add_argument("--level", choices=["village", "township", "county"], default="village")
    change.add_argument("--year", type=int, help="政策年度 (默认数据库的工作年度)")
    change.add_argument("--json", action="store_true", help="输出 JSON")

    command = add(
        "import-verification",
        cmd_import_verification,
        "导入行业部门核实的贫困户属性和两不愁三保障、饮水安全 (xlsx, 按户主或成员证件号码匹配)",
    )
    add_database_options(command)
    command.add_argument("file", metavar="FILE.xlsx")
    command.add_argument("--dry-run", action="store_true", help="只列出不一致之处, 不写入数据库")
    command.add_argument("--actor", default=ACTOR, help="记入户簿的操作人")
    command.add_argument("--year", type=int, help="政策年度 (默认数据库的工作年度)")
    command.add_argument(
        "--today", type=date.fromisoformat, metavar="YYYY-MM-DD", help="按这一天核对 (默认今天)"
    )


# --- helpers ----------------------------------------------------------------------------------------


def _beijing(moment: Any) -> str:
    from datetime import UTC

    from desktop.domain.policy import BEIJING

    return moment.replace(tzinfo=UTC).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _problem(p: Any) -> dict[str, Any]:
    return {"code": p.code, "field": p.field, "severity": str(p.severity), "message": p.message}


# --- village -----------------------------------------------------------------------------------------


def _village_lines(info: Any) -> list[str]:
    poor = {True: "贫困村", False: "非贫困村", None: "未注明"}[info.is_poor_village]
    where = (
        f"{info.committee_latitude:.6f}, {info.committee_longitude:.6f}"
        f" ({info.committee_location_source or '来源未注明'})"
        if info.committee_latitude is not None and info.committee_longitude is not None
        else "未采集"
    )
    return [
        f"{info.name} ({info.code})",
        f"  贫困村: {poor}",
        f"  出列年度: {info.village_exited_year or '未出列'}",
        f"  驻村工作队(单位): {info.task_force or '未填写'}",
        f"  村委会位置: {where}",
    ]


def _village_payload(info: Any) -> dict[str, Any]:
    from desktop.domain.village import VILLAGE_FIELDS

    return {"code": info.code, "name": info.name, **{f: getattr(info, f) for f in VILLAGE_FIELDS}}


def cmd_village(args: argparse.Namespace) -> int:
    from desktop.domain.village import LABELS
    from desktop.store.village_info import (
        VillageInfoRefused,
        VillageNotFound,
        read_village_info,
        save_village_info,
        village_history,
    )

    changes = _village_changes(args) if args.action == "set" else {}
    db = open_for_command(args)
    try:
        with db.session() as session:
            policy = policy_for(args, session)
            try:
                if args.action == "show":
                    info = read_village_info(session, args.village)
                    book = village_history(session, args.village)
                    payload = {
                        "village": _village_payload(info),
                        "book": [
                            {
                                "at": line.at,
                                "actor": line.actor,
                                "field": line.field,
                                "old": line.old_value,
                                "new": line.new_value,
                                "reason": line.reason,
                            }
                            for line in book
                        ],
                    }
                    lines = _village_lines(info) + [f"修改记录 {len(book)} 条:"]
                    lines += [
                        f"  {_beijing(b.at)} {b.actor} {LABELS.get(b.field, b.field)}: "
                        f"{b.old_value or '(空)'} → {b.new_value or '(空)'}"
                        for b in book
                    ]
                    emit(args, payload, "\n".join(lines))
                    return EXIT_OK
                if not changes:
                    raise UsageError(
                        "没有要修改的内容: 请给出 --poor、--exited-year、--task-force 或 --committee"
                    )
                try:
                    result = save_village_info(
                        session, args.village, changes, actor=args.actor, policy=policy
                    )
                except VillageInfoRefused as refused:
                    payload = {
                        "saved": False,
                        "error": refused.message,
                        "problems": [_problem(p) for p in refused.problems],
                    }
                    text = "\n".join(
                        [f"未保存: {refused.message}"]
                        + [f"  {p.message}" for p in refused.problems if p.is_error]
                    )
                    emit(args, payload, text)
                    return EXIT_PROBLEMS
                info = read_village_info(session, args.village)
            except VillageNotFound as exc:
                raise UsageError(str(exc)) from exc
    finally:
        db.dispose()
    payload = {
        "saved": bool(result.changed),
        "changed": result.changed,
        "warnings": [_problem(p) for p in result.warnings],
        "village": _village_payload(info),
    }
    lines = _village_lines(info)
    lines.append(
        f"已保存 {len(result.changed)} 项, 已记入修改记录并等待同步"
        if result.changed
        else "内容没有变化, 未写入"
    )
    lines += [f"  提示: {p.message}" for p in result.warnings]
    emit(args, payload, "\n".join(lines))
    return EXIT_OK


def _village_changes(args: argparse.Namespace) -> dict[str, Any]:
    from desktop.domain.village import clean_task_force

    changes: dict[str, Any] = {}
    if args.poor is not None:
        changes["is_poor_village"] = args.poor == "yes"
    if args.exited_year is not None:
        changes["village_exited_year"] = args.exited_year
    if args.not_exited:
        changes["village_exited_year"] = None
    if args.task_force is not None:
        changes["task_force"] = clean_task_force(args.task_force)
    if args.committee is not None:
        from desktop.location.apply import from_typed
        from desktop.location.coords import CoordinateError, parse_coordinates

        try:
            choice = from_typed(parse_coordinates(args.committee))
        except CoordinateError as exc:
            raise UsageError(str(exc)) from exc
        changes.update(
            committee_latitude=choice.latitude,
            committee_longitude=choice.longitude,
            committee_location_source=choice.source,
            committee_location_time=choice.taken_at,
        )
    return changes


# --- report -------------------------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    from desktop.store.population_change import LEVEL_LABELS, population_change, title_of

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise UsageError(f"输出文件应为 .xlsx 或 .pdf: {out}")
    db = open_for_command(args)
    try:
        with db.session() as session:
            policy = policy_for(args, session)
            report = population_change(session, policy=policy, level=args.level)
    finally:
        db.dispose()
    if suffix == ".xlsx":
        from desktop.store.population_change import write_population_change_xlsx

        write_population_change_xlsx(report, out)
    else:
        from desktop.cards.fonts import FontNotFound
        from desktop.cards.population_change_pdf import build_population_change

        try:
            build_population_change(report, out)
        except FontNotFound as exc:
            raise UsageError(str(exc)) from exc
    keys = report.keys()
    payload = {
        "file": str(out),
        "year": report.year,
        "level": report.level,
        "units": [
            {
                "code": unit.code,
                "name": unit.name,
                **{
                    key: {"households": unit.households(key), "persons": unit.persons(key)}
                    for key, _label in keys
                },
            }
            for unit in report.rows
        ],
        "total": {
            key: {"households": report.total.households(key), "persons": report.total.persons(key)}
            for key, _label in keys
        },
    }
    total = report.total
    text = "\n".join(
        [
            f"已写出 {out}: {title_of(report)}, {len(report.rows)} 个{LEVEL_LABELS[report.level]}",
            *(
                f"  {label}: {total.households(key)} 户 {total.persons(key)} 人"
                for key, label in keys
                if ":" not in key
            ),
        ]
    )
    emit(args, payload, text)
    return EXIT_OK


# --- import-verification ----------------------------------------------------------------------------


def cmd_import_verification(args: argparse.Namespace) -> int:
    from desktop.store.verification import (
        commit_verification_import,
        preview_verification_import,
    )

    def describe(preview: Any, payload: dict[str, Any]) -> list[str]:
        lines = [
            f"文件 {preview.path.name} 工作表 {preview.sheet}: 读取 {preview.rows_read} 行",
            f"  与登记不一致 {len(preview.mismatched)} 户, 与登记一致 {len(preview.confirmed)} 户",
        ]
        if preview.late:
            lines.append(
                f"  注意: 部门核实应在 {preview.due.isoformat()} 前完成 (导引第14问), 本次导入已超过"
            )
        for household in payload["mismatched"]:
            lines.append(
                f"  第{household['row']}行 户编号 {household['household_number']} {household['name']}:"
            )
            lines += [
                f"    {d['label']}: 登记为{d['registered']}, 部门核实为{d['verified']}"
                for d in household["differences"]
            ]
        lines += issue_lines("未匹配", payload["unmatched"])
        lines += issue_lines("无法确定归属", payload["ambiguous"])
        lines += issue_lines("不能使用", payload["invalid"])
        return lines + name_differs_lines(payload)

    def commit(db: Any, preview: Any, payload: dict[str, Any], lines: list[str]) -> None:
        if args.dry_run:
            lines.append("试运行, 未写入数据库 (去掉 --dry-run 写入)")
            return
        if not preview.mismatched:
            lines.append("没有需要修改的内容")
            return
        result = commit_verification_import(db, preview, actor=args.actor)
        payload["committed"] = True
        payload["households"] = result.households
        payload["fields"] = result.rows
        lines.append(
            f"已按部门核实结果修改 {result.households} 户的 {result.rows} 项, 已记入户簿并等待同步"
        )

    return run_import(
        args,
        lambda s, f, p: preview_verification_import(s, f, policy=p, today=args.today),
        describe,
        commit,
    )
