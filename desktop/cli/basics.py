"""``fieldbook check-id``, ``demo``, ``info`` and ``audit``: an ID number, a demo county, a
database's overview and its data-quality audit."""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import asdict
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


def register(add: Add) -> None:
    """Add ``check-id``, ``demo``, ``info`` and ``audit`` to the ``fieldbook`` parser."""
    check = add("check-id", cmd_check_id, "校验身份证号码或残疾人证号")
    check.add_argument("numbers", nargs="+", metavar="ID")

    demo = add("demo", cmd_demo, "生成演示县数据库")
    demo.add_argument("--db", required=True)
    demo.add_argument("--households", type=int, default=2000)
    demo.add_argument("--seed", type=int, default=2019)
    demo.add_argument("--force", action="store_true", help="覆盖已有的数据库文件")

    info = add("info", cmd_info, "数据库概况: 结构版本, 按状态/村/标识的户数")
    add_database_options(info)

    audit = add("audit", cmd_audit, "数据质量审核, 输出问题清单")
    add_database_options(audit)
    audit.add_argument("--year", type=int, help="政策年度 (默认: 数据库设定的年度, 否则按今天)")


# --- check-id ------------------------------------------------------------------------------------


def cmd_check_id(args: argparse.Namespace) -> int:
    from desktop.domain.idcard import check_id

    results = []
    lines = []
    for raw in args.numbers:
        info = check_id(raw)
        results.append(
            {
                "input": raw,
                "number": info.number,
                "valid": info.is_valid,
                "kind": info.kind,
                "birth_date": info.birth_date.isoformat() if info.birth_date else None,
                "sex": info.sex,
                "problems": [asdict(p) for p in info.problems],
            }
        )
        verdict = "有效" if info.is_valid else "无效"
        details = []
        if info.birth_date:
            details.append(f"出生 {info.birth_date.isoformat()}")
        if info.sex:
            details.append("男" if info.sex == "1" else "女")
        reasons = "; ".join(p.message for p in info.problems)
        lines.append(
            f"{info.number or raw}\t{verdict}\t{' '.join(details)}"
            + (f"\t{reasons}" if reasons else "")
        )
    emit(args, results, "\n".join(lines))
    return EXIT_OK if all(r["valid"] for r in results) else EXIT_PROBLEMS


# --- demo ----------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop.store.db import open_database
    from desktop.store.demo import build_demo_county

    if args.households < 1:
        raise UsageError("--households 必须是正整数")
    path = Path(args.db)
    if path.exists():
        if not args.force:
            raise UsageError(f"数据库 {path} 已存在;如要重建请加 --force")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_database(path)
    try:
        summary = build_demo_county(db, households=args.households, seed=args.seed)
    finally:
        db.dispose()
    payload = asdict(summary)
    text = f"演示县已生成: {path}\n" + "\n".join(
        f"  {key}: {value}" for key, value in payload.items()
    )
    emit(args, payload, text)
    return EXIT_OK


# --- info ----------------------------------------------------------------------------------------


FLAG_LABELS = {"marginal": "边缘户", "monitored": "脱贫监测户", "away_long_term": "整户长期外出"}


def cmd_info(args: argparse.Namespace) -> int:
    from desktop.domain.codes import code_table
    from desktop.store.db import current_revision, head_revision
    from desktop.store.overview import database_overview

    statuses = code_table("status")

    db = open_for_command(args)
    try:
        with db.session() as session:
            overview = database_overview(session)
        overview = {
            "database": str(args.db),
            "schema_revision": current_revision(db.engine),
            "schema_head": head_revision(),
            **overview,
        }
    finally:
        db.dispose()
    lines = [
        f"数据库: {overview['database']}",
        f"结构版本: {overview['schema_revision']} (最新 {overview['schema_head']})",
        f"户数: {overview['households']}  人数: {overview['members']}",
        "按状态: "
        + ", ".join(f"{statuses.label(k)} {v}" for k, v in overview["by_status"].items()),
        "按标识: " + ", ".join(f"{FLAG_LABELS[k]} {v}" for k, v in overview["by_flag"].items()),
        f"未同步的修改: {overview['unsynced_changes']}",
        "按行政村:",
        *(
            f"  {v['code']} {v['name']}: {v['households']} 户"
            + ("(贫困村)" if v.get("is_poor_village") else "")
            for v in overview["by_village"]
        ),
    ]
    emit(args, overview, "\n".join(lines))
    return EXIT_OK


# --- audit ---------------------------------------------------------------------------------------


def cmd_audit(args: argparse.Namespace) -> int:
    from desktop.domain.policy import policy_year
    from desktop.store.audit import audit_database
    from desktop.store.settings import working_policy

    db = open_for_command(args)
    try:
        with db.session() as session:
            policy = policy_year(args.year) if args.year else working_policy(session)
            findings = audit_database(session, policy=policy)
    finally:
        db.dispose()
    rows = [
        {
            "household_number": f.household_number,
            "village_code": f.village_code,
            "village_name": f.village_name,
            "code": f.problem.code,
            "severity": str(f.problem.severity),
            "field": f.problem.field,
            "message": f.problem.message,
            "entity_id": f.problem.entity_id,
        }
        for f in findings
    ]
    by_severity = Counter(r["severity"] for r in rows)
    lines = [
        f"{r['village_name']}\t{r['household_number']}\t"
        f"{'错误' if r['severity'] == 'error' else '疑似'}\t{r['code']}\t{r['message']}"
        for r in rows
    ]
    lines.append(
        f"共 {len(rows)} 个问题: 错误 {by_severity.get('error', 0)}, 疑似 {by_severity.get('warning', 0)}"
    )
    emit(args, {"problems": rows, "counts": dict(by_severity)}, "\n".join(lines))
    return EXIT_PROBLEMS if rows else EXIT_OK
