"""Headless commands for the guide's procedures, imports and exports (``fieldbook …``).

- ``import-assistance --db PATH FILE.xlsx [--commit]``: the departments' measures (Q14); without
  ``--commit`` only the preview (matched, already recorded, unmatched, ambiguous, invalid rows).
- ``export --db PATH --out FILE.xlsx [--village CODE] [--internal]``: households, members,
  income and assistance with the national system's columns.
- ``crosscheck export --db PATH --out FILE.xlsx``, ``crosscheck import --db PATH FILE.xlsx
  [--commit]``, ``crosscheck review --db PATH``: the cross-check (Q4, Q7, Q15).
- ``quota --db PATH [--county CODE] [--set-base N] [--out FILE.xlsx]``: the county quota (Q6).
- ``problems --db PATH --village CODE [--out FILE.xlsx] [--internal]``: a village's problem list.
- ``operation --db PATH --household NUMBER --op OP [--reason TEXT] [--role ROLE]``: an exit, an
  identification, a return or the end of monitoring, checked by the save against the database's
  clock (its practice date, else the real one) like the form's.

Exit status: 0 fine, 1 problems found (rows reported, quota exceeded, problems listed), 2 usage.
Heavy imports happen inside the handlers, so ``fieldbook --help`` stays fast.
"""

from __future__ import annotations

import argparse
from datetime import date
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

PREVIEW_ONLY = "预览完毕, 未写入数据库 (加 --commit 写入)"


def register(add: Add) -> None:
    """Add this module's subcommands to the ``fieldbook`` parser."""
    command = add(
        "import-assistance", cmd_import_assistance, "导入行业部门帮扶措施 (xlsx, 按证件号码匹配)"
    )
    add_database_options(command)
    command.add_argument("file", metavar="FILE.xlsx")
    command.add_argument("--commit", action="store_true", help="写入数据库 (默认只预览)")
    command.add_argument("--actor", default=ACTOR, help="记入户簿的操作人")

    command = add("export", cmd_export, "导出户、成员、收入和帮扶措施 (全国系统的列)")
    add_database_options(command)
    command.add_argument("--out", required=True, metavar="FILE.xlsx")
    command.add_argument("--village", action="append", metavar="CODE", help="只导出这些行政村")
    command.add_argument(
        "--internal", action="store_true", help="含边缘户和脱贫监测户 (标明内部资料)"
    )
    command.add_argument("--year", type=int, help="政策年度 (默认数据库的工作年度)")
    command.add_argument(
        "--as-of",
        type=_as_of_day,
        metavar="YYYY-MM-DD|work-start",
        help="导出这一天开始前(北京时间)的登记信息, 按户簿还原 (导引第13问); "
        "work-start: 本年度工作开始前",
    )

    command = add("crosscheck", cmd_crosscheck, "比对: 导出拟纳入人员, 导入比对结果, 查看评议清单")
    actions = command.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="导出拟纳入人员比对名单")
    export.add_argument("--out", required=True, metavar="FILE.xlsx")
    imported = actions.add_parser("import", help="导入比对结果 (默认只预览)")
    imported.add_argument("file", metavar="FILE.xlsx")
    imported.add_argument("--commit", action="store_true", help="写入数据库")
    imported.add_argument(
        "--checked-date", type=date.fromisoformat, help="比对结果返回日期 YYYY-MM-DD"
    )
    imported.add_argument("--actor", default=ACTOR)
    review = actions.add_parser("review", help="比对发现问题的人员和评议结论")
    for action in (export, imported, review):
        add_database_options(action)
        action.add_argument("--year", type=int)
        action.add_argument("--json", action="store_true", help="输出 JSON")

    command = add(
        "quota",
        cmd_quota,
        "边缘户和脱贫监测户规模核对 (占全县基准年底建档立卡贫困人口的比例, 见政策年度文件)",
    )
    add_database_options(command)
    command.add_argument("--county", metavar="CODE")
    command.add_argument(
        "--set-base",
        type=int,
        metavar="N",
        help="录入该县基准年(政策年度文件的 monitoring_quota_base_year)年底建档立卡贫困人口",
    )
    command.add_argument("--out", metavar="FILE.xlsx")
    command.add_argument("--actor", default=ACTOR)
    command.add_argument("--year", type=int)

    command = add("problems", cmd_problems, "一个行政村的问题清单 (xlsx)")
    add_database_options(command)
    command.add_argument("--village", required=True, metavar="CODE")
    command.add_argument("--out", metavar="FILE.xlsx")
    command.add_argument(
        "--internal", action="store_true", help="含边缘户和脱贫监测户的问题 (内部资料)"
    )
    command.add_argument("--year", type=int)
    command.add_argument("--on", type=date.fromisoformat, help="审核日期 YYYY-MM-DD (默认今天)")

    command = add(
        "operation", cmd_operation, "办理脱贫、新识别、返贫或解除监测 (按数据库的日期检查)"
    )
    add_database_options(command)
    command.add_argument("--household", required=True, metavar="NUMBER", help="户编号")
    command.add_argument(
        "--op", required=True, choices=["identify", "return", "exit", "end_monitoring"]
    )
    command.add_argument("--reason", help="记入户簿的说明")
    command.add_argument("--actor", default=ACTOR)
    command.add_argument(
        "--role", default="reviewer", choices=["field_worker", "reviewer", "admin"]
    )


# --- helpers ----------------------------------------------------------------------------------------


def _as_of_day(text: str) -> date | str:
    if text == "work-start":
        return text  # the policy year's work_start, known once the database is open
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD 或 work-start: {text}") from exc


def _villages(session, codes: list[str] | None) -> list[str] | None:
    from sqlalchemy import select

    from desktop.store.models import Division

    if not codes:
        return None
    found = dict(
        session.execute(
            select(Division.code, Division.id).where(
                Division.level == "village", Division.code.in_(codes)
            )
        ).all()
    )
    missing = [c for c in codes if c not in found]
    if missing:
        raise UsageError("找不到行政村: " + "、".join(missing))
    return [found[c] for c in codes]


# --- import-assistance -------------------------------------------------------------------------------


def cmd_import_assistance(args: argparse.Namespace) -> int:
    from desktop.store.exchange.assistance_import import (
        commit_assistance_import,
        preview_assistance_import,
    )

    def describe(preview: Any, payload: dict[str, Any]) -> list[str]:
        return [
            f"文件 {preview.path.name} 工作表 {preview.sheet}: 读取 {preview.rows_read} 行",
            f"  可导入 {len(preview.new)} 条, 已登记过 {len(preview.already_recorded)} 条",
            *issue_lines("未匹配", payload["unmatched"]),
            *issue_lines("无法确定归属", payload["ambiguous"]),
            *issue_lines("内容有误", payload["invalid"]),
            *name_differs_lines(payload),
        ]

    def commit(db: Any, preview: Any, payload: dict[str, Any], lines: list[str]) -> None:
        if not args.commit:
            lines.append(PREVIEW_ONLY)
            return
        result = commit_assistance_import(db, preview, actor=args.actor)
        payload["committed"] = True
        payload["households"] = result.households
        lines.append(f"已写入 {result.rows} 条帮扶措施, 涉及 {result.households} 户")

    return run_import(
        args, lambda s, f, p: preview_assistance_import(s, f, policy=p), describe, commit
    )


# --- export ------------------------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from desktop.store.exchange.registry_export import export_registry

    db = open_for_command(args)
    try:
        with db.session() as session:
            policy = policy_for(args, session)
            villages = _villages(session, args.village)
            as_of = policy.work_start if args.as_of == "work-start" else args.as_of
            summary = export_registry(
                session,
                args.out,
                policy=policy,
                village_ids=villages,
                internal=args.internal,
                as_of=as_of,
            )
    finally:
        db.dispose()
    payload = {"file": str(summary.path), "sheets": summary.sheets, "internal": summary.internal}
    if as_of is not None:
        payload["as_of"] = as_of.isoformat()
    text = (
        f"已导出 {summary.path}"
        + ("（内部资料）" if summary.internal else "")
        + (f"（{as_of.isoformat()} 当日开始前的登记信息）" if as_of else "")
        + "\n"
        + "\n".join(f"  {sheet}: {count} 行" for sheet, count in summary.sheets.items())
    )
    emit(args, payload, text)
    return EXIT_OK


# --- crosscheck --------------------------------------------------------------------------------------


def cmd_crosscheck(args: argparse.Namespace) -> int:
    if args.action == "export":
        return _crosscheck_export(args)
    if args.action == "import":
        return _crosscheck_import(args)
    return _crosscheck_review(args)


def _crosscheck_export(args: argparse.Namespace) -> int:
    from desktop.store.crosscheck import export_crosscheck

    db = open_for_command(args)
    try:
        with db.session() as session:
            summary = export_crosscheck(session, args.out, policy=policy_for(args, session))
    finally:
        db.dispose()
    count = sum(summary.sheets.values())
    emit(
        args,
        {"file": str(summary.path), "persons": count},
        f"已导出比对名单 {summary.path}: {count} 人",
    )
    return EXIT_OK


def _crosscheck_import(args: argparse.Namespace) -> int:
    from desktop.store.crosscheck import commit_crosscheck_import, preview_crosscheck_import

    def describe(preview: Any, payload: dict[str, Any]) -> list[str]:
        lines = [
            f"文件 {preview.path.name} 工作表 {preview.sheet}: 匹配 {len(preview.matched)} 人, "
            f"发现问题 {len(preview.flagged)} 人",
            *(
                f"  {m['household_number']} {m['name']}: {'、'.join(m['findings'])}"
                for m in payload["flagged"]
            ),
            *issue_lines("未匹配", payload["unmatched"]),
            *issue_lines("无法确定归属", payload["ambiguous"]),
            *issue_lines("内容有误", payload["invalid"]),
        ]
        if preview.not_returned:
            lines.append(f"名单中 {len(preview.not_returned)} 人没有比对结果")
        return lines

    def commit(db: Any, preview: Any, payload: dict[str, Any], lines: list[str]) -> None:
        if not args.commit:
            lines.append(PREVIEW_ONLY)
            return
        result = commit_crosscheck_import(
            db, preview, actor=args.actor, checked_date=args.checked_date
        )
        payload["committed"] = True
        lines.append(f"已记录 {result.rows} 人的比对结果, 涉及 {result.households} 户")
        if preview.flagged:
            lines.append("发现问题的人员须经第二次评议登记结论后, 程序才能继续")

    return run_import(
        args, lambda s, f, p: preview_crosscheck_import(s, f, policy=p), describe, commit
    )


def _crosscheck_review(args: argparse.Namespace) -> int:
    from desktop.domain.procedure import DECISION_LABELS
    from desktop.store.crosscheck import crosscheck_review

    db = open_for_command(args)
    try:
        with db.session() as session:
            rows = crosscheck_review(session, policy=policy_for(args, session))
    finally:
        db.dispose()
    payload = [
        {
            "village": r.village_name,
            "household_number": r.household_number,
            "name": r.name,
            "id_number": r.id_number,
            "findings": list(r.findings),
            "decision": r.decision,
            "decision_note": r.decision_note,
        }
        for r in rows
    ]
    lines = [
        f"{r.village_name}\t{r.household_number}\t{r.name}\t{'、'.join(r.findings)}\t"
        + (DECISION_LABELS.get(r.decision or "", "未评议"))
        for r in rows
    ]
    undecided = sum(1 for r in rows if not r.decided)
    lines.append(f"比对发现问题 {len(rows)} 人, 未登记评议结论 {undecided} 人")
    emit(args, payload, "\n".join(lines))
    return EXIT_PROBLEMS if undecided else EXIT_OK


# --- quota -------------------------------------------------------------------------------------------


def cmd_quota(args: argparse.Namespace) -> int:
    from desktop.store.quota import export_quota_report, quota_report, quota_rows, set_quota_base

    db = open_for_command(args)
    try:
        with db.session() as session:
            policy = policy_for(args, session)
            if args.set_base is not None:
                if not args.county:
                    raise UsageError("--set-base 需要同时指定 --county")
                try:
                    set_quota_base(session, args.county, args.set_base, actor=args.actor)
                except (LookupError, ValueError) as exc:
                    raise UsageError(str(exc)) from exc
            try:
                report = quota_report(session, policy=policy, county=args.county)
            except LookupError as exc:
                raise UsageError(str(exc)) from exc
            if args.out:
                export_quota_report(report, args.out, policy=policy)
    finally:
        db.dispose()
    rows = quota_rows(report)
    lines = ["内部资料 不得公开"]
    for row, line in zip(rows, report, strict=True):
        lines.append(
            f"{row['county_name']}: {policy.monitoring_quota_base_year}年底贫困人口 "
            f"{row['base'] or '未录入'}, 上限 {row['limit'] or '-'} 人; "
            f"边缘户 {row['marginal_households']} 户 {row['marginal_people']} 人, "
            f"脱贫监测户 {row['monitored_households']} 户 {row['monitored_people']} 人, "
            f"合计 {row['total']} 人 — {row['verdict']}"
        )
        lines += [f"  {p.message}" for p in line.check.problems]
    problems = [p for line in report for p in line.check.problems]
    emit(args, {"counties": rows, "internal": True}, "\n".join(lines))
    return EXIT_PROBLEMS if problems else EXIT_OK


# --- problems ----------------------------------------------------------------------------------------


def cmd_problems(args: argparse.Namespace) -> int:
    from desktop.domain.problems import Severity
    from desktop.store.problems import export_problem_list, field_label, village_problem_list

    db = open_for_command(args)
    try:
        with db.session() as session:
            policy = policy_for(args, session)
            try:
                listed = village_problem_list(
                    session, args.village, policy=policy, on=args.on, internal=args.internal
                )
            except LookupError as exc:
                raise UsageError(str(exc)) from exc
            if args.out:
                export_problem_list(listed, args.out)
    finally:
        db.dispose()
    payload = {
        "village_code": listed.village_code,
        "village_name": listed.village_name,
        "policy_year": listed.policy_year,
        "internal": listed.internal,
        "internal_left_out": listed.internal_left_out,
        "problems": [
            {
                "household_number": r.household_number,
                "head_name": r.head_name,
                "code": r.problem.code,
                "severity": str(r.problem.severity),
                "field": r.problem.field,
                "field_label": field_label(r.problem.field),
                "message": r.problem.message,
                "explanation": r.note.explanation if r.note else None,
            }
            for r in listed.rows
        ],
    }
    lines = [
        f"{r.household_number or '本村'}\t{'错误' if r.problem.is_error else '疑似'}\t"
        f"{r.problem.code}\t{r.problem.message}"
        + (f"\t已说明: {r.note.explanation}" if r.note else "")
        for r in listed.rows
    ]
    lines.append(
        f"{listed.village_name}: 错误 {listed.count(Severity.ERROR)}, "
        f"疑似 {listed.count(Severity.WARNING)} (已说明 {sum(r.explained for r in listed.rows)})"
        + (
            f"; 另有 {listed.internal_left_out} 个内部问题未列出 (--internal)"
            if listed.internal_left_out
            else ""
        )
    )
    if args.out:
        lines.append(f"已导出 {args.out}")
    emit(args, payload, "\n".join(lines))
    open_problems = [r for r in listed.rows if not r.explained]
    return EXIT_PROBLEMS if open_problems else EXIT_OK


# --- operation ---------------------------------------------------------------------------------------


def cmd_operation(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from desktop.domain.roles import may_see_internal_lists
    from desktop.store.household_edit import apply_operation, load_form, save_form
    from desktop.store.models import Household
    from desktop.store.save import SaveRefused, session_clock

    db = open_for_command(args)
    internal = may_see_internal_lists(args.role)
    try:
        with db.session() as session:
            household_id = session.scalar(
                select(Household.id).where(
                    Household.household_number == args.household, Household.deleted.is_(False)
                )
            )
            if household_id is None:
                raise UsageError(f"找不到户编号 {args.household}")
            clock = session_clock(session)
            data = load_form(session, household_id=household_id, key="cli", internal=internal)
            assert data.payload is not None
            payload = data.payload
            try:
                apply_operation(
                    payload, args.op, {}, policy_year=data.policy_year, moment=clock.now()
                )
            except ValueError as exc:  # the transition table refuses it outright
                problems = [{"code": "OP_NOT_ALLOWED_FROM_STATUS", "message": str(exc)}]
                emit(args, {"saved": False, "problems": problems}, f"不能办理: {exc}")
                return EXIT_PROBLEMS
            try:
                saved = save_form(
                    session,
                    payload,
                    actor=args.actor,
                    reason=args.reason,
                    internal=internal,
                    clock=clock,
                )
            except SaveRefused as refused:
                problems = [
                    {"code": p.code, "message": p.message} for p in refused.problems if p.is_error
                ] or [{"code": p.code, "message": p.message} for p in refused.problems]
                text = "不能办理: " + "; ".join(p["message"] for p in problems)
                emit(args, {"saved": False, "problems": problems}, text)
                return EXIT_PROBLEMS
        status = saved.payload["household"]["status"]
        emit(
            args,
            {"saved": True, "household": args.household, "status": status},
            f"已办理, 户编号 {args.household} 现为 {status}, 户簿记录 {saved.ledger_entries} 条",
        )
        return EXIT_OK
    finally:
        db.dispose()
