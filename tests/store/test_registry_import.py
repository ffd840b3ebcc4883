"""Importing the registry from the national system's export into a laptop's database (issue 14).

Every file here is real: a small demo county exported by ``fieldbook export``, then rewritten the
ways county offices hand it over (GB18030 CSVs, labels-only or codes-only headers, reordered
columns, a legacy .xls) and with faults injected.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from desktop.store.audit import audit_database
from desktop.store.db import Database, open_database
from desktop.store.demo import build_demo_county
from desktop.store.exchange.registry_export import export_registry
from desktop.store.models import Division, Household, Income, LedgerEntry, Member, OutboxChange
from desktop.store.registry_import import RegistryFileError, import_registry

DEMO_HOUSEHOLDS = 30

Sheets = dict[str, list[list[Any]]]


# --- real files ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """The demo county's registry, as ``fieldbook export`` writes it."""
    folder = tmp_path_factory.mktemp("export")
    db = open_database(folder / "county.db")
    try:
        build_demo_county(db, households=DEMO_HOUSEHOLDS, seed=7)
        with db.session() as session:
            export_registry(session, folder / "export.xlsx")
    finally:
        db.dispose()
    return folder / "export.xlsx"


def read_sheets(path: Path) -> Sheets:
    """Every sheet of a workbook as lists of cell values."""
    workbook = load_workbook(path, read_only=True)
    try:
        sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in workbook}
    finally:
        workbook.close()
    for rows in sheets.values():  # a read-only sheet leaves trailing empty cells out
        width = max((len(r) for r in rows), default=0)
        for row in rows:
            row.extend([None] * (width - len(row)))
    return sheets


def write_xlsx(sheets: Sheets, path: Path) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        ws = workbook.create_sheet(title)
        for row in rows:
            ws.append(row)
    workbook.save(path)
    return path


def write_csvs(sheets: Sheets, folder: Path, encoding: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for title, rows in sheets.items():
        path = folder / f"{title}.csv"
        with path.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle)
            for row in rows:
                writer.writerow(["" if v is None else v for v in row])
        paths.append(path)
    return paths


def write_xls(sheets: Sheets, path: Path) -> Path:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    for title, rows in sheets.items():
        ws = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
    book.save(str(path))
    return path


def column(rows: list[list[Any]], header: str) -> int:
    return rows[0].index(header)


def labels_only(sheets: Sheets) -> Sheets:
    return {t: [rows[0], *rows[2:]] for t, rows in sheets.items()}


def codes_only(sheets: Sheets) -> Sheets:
    """The national codes as the only header; columns without a code keep their label."""
    out = {}
    for title, rows in sheets.items():
        header = [code or label for label, code in zip(rows[0], rows[1], strict=True)]
        out[title] = [header, *rows[2:]]
    return out


def reordered(sheets: Sheets) -> Sheets:
    """Columns reversed and an extra column the import does not know."""
    out = {}
    for title, rows in sheets.items():
        out[title] = [
            [*reversed(row), "备注" if n == 0 else ("" if n == 1 else "无关内容")]
            for n, row in enumerate(rows)
        ]
    return out


def open_empty(path: Path) -> Database:
    return open_database(path)


def counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Division, Household, Member, Income)
        }


def household_values(db: Database) -> dict[str, tuple[Any, ...]]:
    with db.session() as session:
        return {
            h.household_number: (h.status, h.head_name, h.member_count, h.phone, h.attribute)
            for h in session.scalars(select(Household))
        }


@pytest.fixture(scope="module")
def reference(exported: Path, tmp_path_factory) -> dict[str, Any]:
    """The export imported as written: what every variant must reproduce."""
    db = open_empty(tmp_path_factory.mktemp("ref") / "ref.db")
    try:
        result = import_registry(db, [exported])
        return {"counts": counts(db), "households": household_values(db), "result": result}
    finally:
        db.dispose()


# --- the export as written, and its variants ------------------------------------------------------


def test_export_imports_every_row_and_exports_again_identically(exported, tmp_path, reference):
    assert reference["result"].plan.rejected == []
    assert reference["counts"]["households"] == DEMO_HOUSEHOLDS
    db = open_empty(tmp_path / "again.db")
    try:
        import_registry(db, [exported])
        with db.session() as session:
            export_registry(session, tmp_path / "again.xlsx")
            policy = session.scalar(select(func.count()).select_from(LedgerEntry))
            outbox = session.scalar(select(func.count()).select_from(OutboxChange))
    finally:
        db.dispose()
    assert read_sheets(tmp_path / "again.xlsx") == read_sheets(exported)
    assert policy == DEMO_HOUSEHOLDS  # one book entry per household
    assert outbox == 0  # the baseline is not queued for a server


@pytest.mark.parametrize(
    "variant",
    ["gb18030-csv", "utf8-bom-csv", "utf8-csv", "labels-only", "codes-only", "reordered", "xls"],
)
def test_real_world_variants_import_the_same_registry(variant, exported, tmp_path, reference):
    sheets = read_sheets(exported)
    if variant == "gb18030-csv":
        files = write_csvs(labels_only(sheets), tmp_path / "csv", "gb18030")
    elif variant == "utf8-bom-csv":
        files = write_csvs(sheets, tmp_path / "csv", "utf-8-sig")
    elif variant == "utf8-csv":
        files = write_csvs(reordered(codes_only(sheets)), tmp_path / "csv", "utf-8")
    elif variant == "labels-only":
        files = [write_xlsx(labels_only(sheets), tmp_path / "labels.xlsx")]
    elif variant == "codes-only":
        files = [write_xlsx(codes_only(sheets), tmp_path / "codes.xlsx")]
    elif variant == "reordered":
        files = [write_xlsx(reordered(sheets), tmp_path / "reordered.xlsx")]
    else:
        files = [write_xls(sheets, tmp_path / "legacy.xls")]
    db = open_empty(tmp_path / "county.db")
    try:
        result = import_registry(db, files)
        assert result.plan.rejected == []
        assert counts(db) == reference["counts"]
        assert household_values(db) == reference["households"]
    finally:
        db.dispose()


def test_codes_given_as_numbers_read_as_their_codes(exported, tmp_path, reference):
    sheets = read_sheets(exported)
    members = sheets["家庭成员"]
    relation, sex = column(members, "与户主关系"), column(members, "性别")
    labels = {"户主": 1, "配偶": 2, "男": 1, "女": 2}
    for row in members[2:]:
        for index in (relation, sex):
            if row[index] in labels:
                row[index] = labels[row[index]]  # a number, as a spreadsheet would hold it
    db = open_empty(tmp_path / "county.db")
    try:
        result = import_registry(db, [write_xlsx(sheets, tmp_path / "numbers.xlsx")])
        assert result.plan.issues == []
        with db.session() as session:
            heads = session.scalar(select(func.count()).where(Member.relation == "01"))
        assert heads == DEMO_HOUSEHOLDS
    finally:
        db.dispose()


# --- faults ----------------------------------------------------------------------------------------


def test_structural_faults_reject_their_rows_and_the_rest_imports(exported, tmp_path):
    sheets = read_sheets(exported)
    households, members = sheets["户基本信息"], sheets["家庭成员"]
    number_col = column(households, "户编号")
    village_code, village_name = column(households, "行政村代码"), column(households, "行政村")
    first, second, third = households[2], households[3], households[4]
    duplicate = list(first)
    households.append(duplicate)  # a household number twice
    second[number_col] = None  # no household number
    third[village_code] = None
    third[village_name] = "没有这个村"  # an unknown village
    orphan = list(members[2])
    orphan[column(members, "户编号")] = "6107279999990001"  # a member whose household is missing
    members.append(orphan)
    path = write_xlsx(sheets, tmp_path / "faults.xlsx")
    db = open_empty(tmp_path / "county.db")
    try:
        result = import_registry(db, [path])
        reasons = {(i.sheet, i.row): i.reason for i in result.plan.rejected}
        assert ("户基本信息", len(households)) in reasons
        assert "户编号重复" in reasons[("户基本信息", len(households))]
        assert "没有户编号" in reasons[("户基本信息", 4)]
        assert "没有这个村" in reasons[("户基本信息", 5)]
        assert "户基本信息中没有" in reasons[("家庭成员", len(members))]
        with db.session() as session:
            numbers = set(session.scalars(select(Household.household_number)))
        assert len(numbers) == DEMO_HOUSEHOLDS - 2
        assert first[number_col] in numbers
        assert third[number_col] not in numbers
    finally:
        db.dispose()


def test_rule_problems_import_and_appear_in_the_audit(exported, tmp_path):
    sheets = read_sheets(exported)
    members, income = sheets["家庭成员"], sheets["收支情况"]
    id_col, relation_col = column(members, "证件号码"), column(members, "与户主关系")
    bad = members[2]
    bad[id_col] = bad[id_col][:-1] + ("0" if bad[id_col][-1] != "0" else "1")  # bad check digit
    bad_household = bad[column(members, "户编号")]
    headless = next(
        r[column(members, "户编号")]
        for r in members[2:]
        if r[column(members, "户编号")] != bad_household
    )
    for row in members[2:]:
        if row[column(members, "户编号")] == headless and row[relation_col] == "户主":
            row[relation_col] = "其他"
    income[2][column(income, "年收入")] = 999999  # does not add up
    path = write_xlsx(sheets, tmp_path / "rules.xlsx")
    db = open_empty(tmp_path / "county.db")
    try:
        result = import_registry(db, [path], today=None)
        assert result.plan.rejected == []
        reasons = " ".join(i.reason for i in result.plan.problems)
        assert (
            "证件号码有误" in reasons
            and "没有户主" in reasons
            and "年收入与各项收入不符" in reasons
        )
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(Household)) == DEMO_HOUSEHOLDS
            findings = audit_database(session)
        by_rule = {(f.problem.code, f.household_number) for f in findings}
        assert ("R1_01_003_ID_INVALID", bad_household) in by_rule
        assert ("R50_NO_HEAD", headless) in by_rule
    finally:
        db.dispose()


def _nothing_written(path: Path) -> None:
    db = open_database(path)
    try:
        assert counts(db) == {"divisions": 0, "households": 0, "members": 0, "incomes": 0}
    finally:
        db.dispose()


def test_a_missing_sheet_names_it_and_writes_nothing(exported, tmp_path):
    sheets = read_sheets(exported)
    del sheets["家庭成员"]
    path = write_xlsx(sheets, tmp_path / "no-members.xlsx")
    db = open_empty(tmp_path / "county.db")
    try:
        with pytest.raises(RegistryFileError) as raised:
            import_registry(db, [path])
    finally:
        db.dispose()
    assert "no-members.xlsx" in str(raised.value) and "家庭成员" in str(raised.value)
    _nothing_written(tmp_path / "county.db")


def test_a_missing_column_names_file_sheet_and_column_and_writes_nothing(exported, tmp_path):
    sheets = read_sheets(exported)
    rows = sheets["家庭成员"]
    index = column(rows, "证件号码")
    sheets["家庭成员"] = [[v for n, v in enumerate(r) if n != index] for r in rows]
    path = write_xlsx(sheets, tmp_path / "no-id.xlsx")
    db = open_empty(tmp_path / "county.db")
    try:
        with pytest.raises(RegistryFileError) as raised:
            import_registry(db, [path])
    finally:
        db.dispose()
    message = str(raised.value)
    assert "no-id.xlsx" in message and "家庭成员" in message and "证件号码" in message
    _nothing_written(tmp_path / "county.db")


@pytest.mark.parametrize("kind", ["xlsx", "xls", "csv"])
def test_a_truncated_file_is_refused_with_its_name_and_writes_nothing(kind, exported, tmp_path):
    sheets = read_sheets(exported)
    if kind == "xlsx":
        whole = exported.read_bytes()
        path = tmp_path / "cut.xlsx"
    elif kind == "xls":
        whole = write_xls(sheets, tmp_path / "whole.xls").read_bytes()
        path = tmp_path / "cut.xls"
    else:
        whole = "\n".join(",".join(map(str, r)) for r in sheets["户基本信息"]).encode("gb18030")
        whole = b"\xff\xfe\x00\x00" + whole  # not text in any encoding a CSV comes in
        path = tmp_path / "户基本信息.csv"
    path.write_bytes(whole[: len(whole) // 2])
    db = open_empty(tmp_path / "county.db")
    try:
        with pytest.raises(RegistryFileError) as raised:
            import_registry(db, [path])
    finally:
        db.dispose()
    assert path.name in str(raised.value)
    _nothing_written(tmp_path / "county.db")


# --- re-import ---------------------------------------------------------------------------------------


def test_reimporting_a_newer_export_changes_only_the_fields_that_differ(exported, tmp_path):
    db = open_empty(tmp_path / "county.db")
    try:
        import_registry(db, [exported])
        sheets = read_sheets(exported)
        households = sheets["户基本信息"]
        phone = column(households, "联系电话")
        target = households[2][column(households, "户编号")]
        households[2][phone] = "13900000000"
        result = import_registry(db, [write_xlsx(sheets, tmp_path / "newer.xlsx")])
        assert (result.new_households, result.updated_households) == (0, 1)
        assert result.changed_fields == 1
        assert result.unchanged_households == DEMO_HOUSEHOLDS - 1
        with db.session() as session:
            household = session.scalar(
                select(Household).where(Household.household_number == target)
            )
            entries = session.scalars(
                select(LedgerEntry).where(
                    LedgerEntry.entity_id == household.id, LedgerEntry.field == "phone"
                )
            ).all()
        assert household.phone == "13900000000"
        assert household.version == 1
        assert [e.new_value for e in entries] == ["13900000000"]
    finally:
        db.dispose()


def test_dry_run_writes_nothing(exported, tmp_path):
    db = open_empty(tmp_path / "county.db")
    try:
        result = import_registry(db, [exported], dry_run=True)
        assert result.new_households == DEMO_HOUSEHOLDS
    finally:
        db.dispose()
    _nothing_written(tmp_path / "county.db")


def test_cli_writes_the_report_naming_sheet_row_column_value_and_reason(exported, tmp_path):
    sheets = read_sheets(exported)
    households = sheets["户基本信息"]
    households.append(list(households[2]))
    path = write_xlsx(sheets, tmp_path / "dup.xlsx")
    report = tmp_path / "report.xlsx"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop.cli",
            "import-registry",
            "--db",
            str(tmp_path / "c.db"),
            str(path),
            "--report",
            str(report),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)
    assert summary["new_households"] == DEMO_HOUSEHOLDS
    assert len(summary["rejected"]) == 1
    rows = read_sheets(report)["导入问题"]
    assert rows[0] == ["类别", "文件", "工作表", "行号", "列", "值", "户编号", "原因"]
    kind, file, sheet, row, col, value, number, reason = rows[1]
    assert (file, sheet, row, col) == ("dup.xlsx", "户基本信息", len(households), "户编号")
    assert value == number == households[2][column(households, "户编号")]
    assert "户编号重复" in reason and kind.startswith("结构错误")


def test_cli_refuses_a_missing_sheet_with_exit_status_2(exported, tmp_path):
    sheets = read_sheets(exported)
    del sheets["户基本信息"]
    path = write_xlsx(sheets, tmp_path / "partial.xlsx")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop.cli",
            "import-registry",
            "--db",
            str(tmp_path / "c.db"),
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "户基本信息" in done.stderr and "partial.xlsx" in done.stderr


def test_csvs_named_anyhow_are_told_apart_by_their_headers(exported, tmp_path, reference):
    sheets = read_sheets(exported)
    files = write_csvs(sheets, tmp_path / "csv", "gb18030")
    renamed = []
    for n, path in enumerate(files, start=1):
        target = path.with_name(f"导出{n}.csv")
        path.rename(target)
        renamed.append(target)
    db = open_empty(tmp_path / "county.db")
    try:
        result = import_registry(db, list(reversed(renamed)))
        assert result.plan.rejected == []
        assert counts(db) == reference["counts"]
        assert set(result.plan.sheets) == {"户基本信息", "家庭成员", "收支情况", "帮扶措施"}
    finally:
        db.dispose()
