"""Exports with the national system's columns and the departments' assistance import (Q14), on a
real SQLite file; and the LibreOffice round trips (``test_libreoffice_…``): an xlsx the app
writes opens in LibreOffice with the same values, and an xlsx saved by LibreOffice imports."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop import cli
from desktop.store.crosscheck import preview_crosscheck_import
from desktop.store.db import registry_writer
from desktop.store.exchange.assistance_import import (
    commit_assistance_import,
    preview_assistance_import,
)
from desktop.store.exchange.columns import ExchangeError
from desktop.store.exchange.importing import ImportRefused
from desktop.store.exchange.registry_export import export_registry
from desktop.store.exchange.writing import INTERNAL_MARK
from desktop.store.models import AssistanceMeasure, Household, LedgerEntry, Member, Risk
from tests.store.guide_fixtures import (
    POLICY,
    add_household,
    build_registry,
    count,
    member,
    writes,
)

D = date


@pytest.fixture
def county(tmp_path):
    """An exited family of three (one member left), a poor family, and a marginal ordinary one."""
    db, places = build_registry(tmp_path / "f.db")
    left = member("张老汉", "11", "1", D(1938, 1, 1), left_reason="01", left_date=D(2019, 3, 1))
    exited = add_household(
        db,
        places.east_id,
        "6107271012010001",
        people=[
            member("张建国", "01", "1", D(1970, 3, 12), work_months=10, phone="13812345678"),
            member("李秀英", "02", "2", D(1972, 6, 1), health=["02", "04"]),
            member("张小明", "03", "1", D(2008, 9, 1), school_status="03", labour_skill="04"),
            left,
        ],
        per_capita=7000,
    )
    poor = add_household(
        db,
        places.east_id,
        "6107271012010002",
        status="poor",
        per_capita=2600,
        people=[member("孙有才", "01", "1", D(1960, 1, 9), work_months=3)],
    )
    marginal = add_household(
        db,
        places.west_id,
        "6107271012020001",
        status="ordinary",
        per_capita=4200,
        marginal=True,
        people=[member("冯平", "01", "1", D(1980, 1, 1), work_months=12)],
    )
    with db.session() as session, registry_writer(session, "test"):
        session.add(
            Risk(
                household_id=marginal,
                kind="marginal",
                risk_type="01",
                decided_by="01",
                decision_date=D(2019, 10, 12),
            )
        )
        session.commit()
    yield db, places, {"exited": exited, "poor": poor, "marginal": marginal}
    db.dispose()


def sheet_rows(path: Path, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


def id_of(db, name: str) -> str:
    with db.session() as session:
        return session.scalars(select(Member.id_number).where(Member.name == name)).one()


# --- the export -------------------------------------------------------------------------------------


def test_the_export_has_the_national_columns_and_values_for_data_entry(county, tmp_path) -> None:
    db, _places, _ids = county
    with db.session() as session:
        summary = export_registry(session, tmp_path / "export.xlsx", policy=POLICY)
    assert summary.sheets == {"户基本信息": 3, "家庭成员": 5, "收支情况": 3, "帮扶措施": 2}
    assert not summary.internal

    households = sheet_rows(summary.path, "户基本信息")
    headers, national = households[0], households[1]
    column = {h: i for i, h in enumerate(headers)}
    assert national[column["户编号"]] == "AAC001" and national[column["贫困户属性"]] == "AAC006"
    first = households[2]
    assert first[column["户编号"]] == "6107271012010001"
    assert first[column["户主姓名"]] == "张建国"
    assert first[column["户主证件号码"]] == id_of(db, "张建国")
    assert first[column["家庭人口数"]] == 3
    assert first[column["脱贫状态"]] == "已脱贫(享受政策)"
    assert first[column["贫困户属性"]] == "一般贫困户"
    assert first[column["是否危房户"]] == "否"
    assert "边缘户" not in column and "脱贫监测户" not in column

    members = sheet_rows(summary.path, "家庭成员")
    m = {h: i for i, h in enumerate(members[0])}
    names = [r[m["姓名"]] for r in members[2:]]
    assert names == ["张建国", "李秀英", "张小明", "孙有才", "冯平"]  # 张老汉 died: not current
    li = members[3]
    assert li[m["性别"]] == "女" and li[m["与户主关系"]] == "配偶"
    assert li[m["健康状况"]] == "长期慢性病、残疾"
    assert li[m["出生日期"]] == "1972-06-01"
    assert isinstance(li[m["证件号码"]], str) and len(li[m["证件号码"]]) == 18

    income = sheet_rows(summary.path, "收支情况")
    i = {h: n for n, h in enumerate(income[0])}
    assert income[1][i["年人均纯收入"]] == "AAC082"
    row = income[2]
    assert row[i["年收入"]] == row[i["工资性收入"]] + row[i["生产经营性收入"]]
    assert Decimal(str(row[i["年人均纯收入"]])) == Decimal(7000)


def test_an_internal_export_adds_the_marginal_columns_and_says_so_on_every_sheet(
    county, tmp_path
) -> None:
    db, _places, _ids = county
    with db.session() as session:
        summary = export_registry(session, tmp_path / "internal.xlsx", policy=POLICY, internal=True)
    workbook = openpyxl.load_workbook(summary.path)
    assert workbook.properties.category == "内部资料"
    for sheet in workbook.worksheets:
        assert sheet.cell(row=1, column=1).value == INTERNAL_MARK
    rows = list(workbook["户基本信息"].iter_rows(values_only=True))
    column = {h: i for i, h in enumerate(rows[1])}
    flags = {r[column["户编号"]]: r[column["边缘户"]] for r in rows[3:]}
    assert flags == {"6107271012010001": "否", "6107271012010002": "否", "6107271012020001": "是"}


def test_the_export_can_be_limited_to_villages(county, tmp_path) -> None:
    db, places, _ids = county
    with db.session() as session:
        summary = export_registry(
            session, tmp_path / "west.xlsx", policy=POLICY, village_ids=[places.west_id]
        )
    assert summary.sheets["户基本信息"] == 1 and summary.sheets["家庭成员"] == 1


# --- the assistance import ------------------------------------------------------------------------------


def department_file(path: Path, rows: list[list[object]]) -> Path:
    """A department's own layout: a title line, its own headers and column order."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "2019年教育扶贫"
    sheet.append(["略阳县教育体育局2019年教育扶贫资助名单"])
    sheet.append(["序号", "姓名", "身份证号", "年份", "类别", "项目", "金额（元）", "部门", "备注"])
    for n, row in enumerate(rows, start=1):
        sheet.append([n, *row])
    workbook.save(path)
    return path


def test_a_preview_matches_rows_by_id_and_reports_every_row_it_cannot_import(
    county, tmp_path
) -> None:
    db, places, ids = county
    son, head = id_of(db, "张小明"), id_of(db, "张建国")
    path = department_file(
        tmp_path / "edu.xlsx",
        [
            ["张小明", son, 2019, "教育扶贫", "两免一补", 1000, "县教体局", ""],
            ["张晓明", son.lower(), 2018, "05", "0501", 800, "县教体局", "营养餐"],
            ["张建国", head, 2016, "产业扶贫", "种植业", 1000, "县农业局", ""],  # already recorded
            ["张小明", son, 2019, "教育扶贫", "两免一补", 1000, "县教体局", "重复行"],
            ["无此人", "610727199001011234", 2019, "教育扶贫", "两免一补", 1000, "", ""],
            ["冯平", id_of(db, "冯平"), 2019, "就业扶贫", "乡外务工", 500, "", ""],
            ["张建国", head, 2013, "产业扶贫", "种植业", 100, "", ""],
            ["张建国", head, 2019, "文化扶贫", "", 100, "", ""],
            ["张建国", head, 2019, "", "其他", 100, "", ""],
            ["张建国", 6.10727197003121e17, 2019, "产业扶贫", "种植业", 100, "", ""],
        ],
    )
    with db.session() as session:
        with registry_writer(session, "test"):  # the measure row 3 repeats
            household = session.get(Household, ids["exited"])
            head_member = next(m for m in household.members if m.name == "张建国")
            household.measures[0].member_id = head_member.id
            session.commit()
        preview = preview_assistance_import(session, path, policy=POLICY)
    assert preview.sheet == "2019年教育扶贫" and preview.rows_read == 10
    assert [(m.row, m.item, m.year) for m in preview.new] == [(3, "0505", 2019), (4, "0501", 2018)]
    assert preview.new[1].name_differs and not preview.new[0].name_differs
    assert [m.row for m in preview.already_recorded] == [5, 6]
    assert [i.row for i in preview.unmatched] == [7]
    invalid = {i.row: i.reason for i in preview.invalid}
    assert set(invalid) == {8, 9, 10, 11, 12}
    assert "一般农户" in invalid[8]
    assert "2014" in invalid[9]
    assert "文化扶贫" in invalid[10]
    assert "多个类别" in invalid[11]
    assert "保存成了数字" in invalid[12]
    summary = preview.summary()
    assert summary["rows_read"] == 10 and len(summary["name_differs"]) == 1
    with db.session() as session:
        assert count(session, AssistanceMeasure) == 2  # a preview writes nothing


def test_a_committed_import_goes_through_each_households_save_and_a_rerun_adds_nothing(
    county, tmp_path
) -> None:
    db, _places, ids = county
    son = id_of(db, "张小明")
    path = department_file(
        tmp_path / "edu.xlsx",
        [
            ["张小明", son, 2019, "教育扶贫", "两免一补", 1000, "县教体局", ""],
            ["孙有才", id_of(db, "孙有才"), 2019, "健康扶贫", "参加大病保险", 60, "县医保局", ""],
        ],
    )
    with db.session() as session:
        preview = preview_assistance_import(session, path, policy=POLICY)
    result = commit_assistance_import(db, preview, actor="县教体局")
    assert (result.households, result.rows) == (2, 2)
    with db.session() as session:
        added = session.scalars(
            select(AssistanceMeasure).where(AssistanceMeasure.item.in_(["0505", "0602"]))
        ).all()
        assert {(m.household_id, m.year, m.amount, m.department) for m in added} == {
            (ids["exited"], 2019, Decimal("1000.00"), "县教体局"),
            (ids["poor"], 2019, Decimal("60.00"), "县医保局"),
        }
        reasons = set(
            session.scalars(
                select(LedgerEntry.reason).where(LedgerEntry.entity == "assistance_measures")
            )
        )
        assert reasons == {"导入行业部门帮扶措施（edu.xlsx，导引第14问）"}
        again = preview_assistance_import(session, path, policy=POLICY)
    assert again.new == [] and len(again.already_recorded) == 2


def test_an_import_is_rolled_back_as_a_whole_when_a_household_is_refused(county, tmp_path) -> None:
    db, _places, ids = county
    path = department_file(
        tmp_path / "edu.xlsx",
        [
            ["张小明", id_of(db, "张小明"), 2019, "教育扶贫", "两免一补", 1000, "", ""],
            ["孙有才", id_of(db, "孙有才"), 2019, "健康扶贫", "参加大病保险", 60, "", ""],
        ],
    )
    with db.session() as session:
        preview = preview_assistance_import(session, path, policy=POLICY)
        with registry_writer(session, "test"):
            session.scalars(select(Member).where(Member.name == "孙有才")).one().relation = "03"
            session.commit()
        before = writes(session), count(session, AssistanceMeasure)
    with pytest.raises(ImportRefused) as refused:
        commit_assistance_import(db, preview, actor="a")
    assert refused.value.household_number == "6107271012010002"
    with db.session() as session:
        assert (writes(session), count(session, AssistanceMeasure)) == before


def test_a_file_without_the_needed_columns_or_not_xlsx_gets_a_clear_message(
    county, tmp_path
) -> None:
    db, _places, _ids = county
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "金额"])
    workbook.save(tmp_path / "bad.xlsx")
    (tmp_path / "notes.xlsx").write_text("这不是表格", encoding="utf-8")
    with db.session() as session:
        with pytest.raises(ExchangeError, match="没有找到所需的列：证件号码、年度"):
            preview_assistance_import(session, tmp_path / "bad.xlsx")
        with pytest.raises(ExchangeError, match="不是有效的 xlsx"):
            preview_assistance_import(session, tmp_path / "notes.xlsx")


def test_the_export_and_import_commands(county, tmp_path, monkeypatch, capsys) -> None:
    db, _places, _ids = county
    path = Path(db.engine.url.database)
    son = id_of(db, "张小明")
    db.dispose()
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("desktop.cli.procedures",))
    out = tmp_path / "all.xlsx"
    assert (
        cli.main(["export", "--db", str(path), "--out", str(out), "--village", "610727101201"]) == 0
    )
    assert "户基本信息: 2 行" in capsys.readouterr().out
    assert cli.main(["export", "--db", str(path), "--out", str(out), "--village", "999"]) == 2

    good = department_file(
        tmp_path / "good.xlsx", [["张小明", son, 2019, "05", "0505", 1000, "", ""]]
    )
    assert cli.main(["import-assistance", "--db", str(path), str(good), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["committed"] is False and len(payload["new"]) == 1
    assert cli.main(["import-assistance", "--db", str(path), str(good), "--commit"]) == 0
    assert "已写入 1 条" in capsys.readouterr().out
    mixed = department_file(
        tmp_path / "mixed.xlsx", [["某人", "610727199001011234", 2019, "05", "0505", 1, "", ""]]
    )
    assert cli.main(["import-assistance", "--db", str(path), str(mixed)]) == 1
    assert "未匹配 1 行" in capsys.readouterr().out
    assert cli.main(["import-assistance", "--db", str(path), str(tmp_path / "none.xlsx")]) == 2


# --- LibreOffice round trips ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def libreoffice(tmp_path_factory) -> list[str]:
    """The LibreOffice command with a private profile for this test run (parallel runs never share).

    LibreOffice missing: the test fails under CI=true and is skipped elsewhere.
    """
    program = shutil.which("libreoffice") or shutil.which("soffice")
    if program is None:
        reason = "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    return [program, f"-env:UserInstallation={profile.as_uri()}", "--headless"]


def convert(libreoffice: list[str], source: Path, target_filter: str, outdir: Path) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [*libreoffice, "--convert-to", target_filter, "--outdir", str(outdir), str(source)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return sorted(outdir.iterdir())


ALL_SHEETS_AS_UTF8_CSV = (
    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
)


def as_text(value: object) -> str:
    """A cell as LibreOffice's CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, float | int | Decimal):
        number = Decimal(str(value))
        return (
            format(number.normalize(), "f") if number != number.to_integral() else str(int(number))
        )
    return str(value)


def padded(rows: list[list[str]], width: int) -> list[list[str]]:
    return [r + [""] * (width - len(r)) for r in rows]


def test_libreoffice_reads_the_exported_workbook_with_the_same_values(
    county, tmp_path, libreoffice
) -> None:
    db, _places, _ids = county
    with db.session() as session:
        summary = export_registry(session, tmp_path / "export.xlsx", policy=POLICY, internal=True)
    csv_files = convert(libreoffice, summary.path, ALL_SHEETS_AS_UTF8_CSV, tmp_path / "csv")
    workbook = openpyxl.load_workbook(summary.path)
    assert len(csv_files) == len(workbook.sheetnames) == 4
    for sheet in workbook.worksheets:
        written = [[as_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        path = next(p for p in csv_files if p.stem.endswith(sheet.title))
        with path.open(encoding="utf-8", newline="") as fp:
            read = list(csv.reader(fp))
        width = max(len(r) for r in written)
        assert padded(read, width) == padded(written, width), sheet.title
    members = next(p for p in csv_files if p.stem.endswith("家庭成员")).read_text(encoding="utf-8")
    assert id_of(db, "李秀英") in members and "长期慢性病、残疾" in members


def test_libreoffice_saved_assistance_file_imports_the_same_rows(
    county, tmp_path, libreoffice
) -> None:
    db, _places, _ids = county
    original = department_file(
        tmp_path / "edu.xlsx",
        [
            ["张小明", id_of(db, "张小明"), 2019, "教育扶贫", "两免一补", 1000, "县教体局", ""],
            ["孙有才", id_of(db, "孙有才"), 2019, "健康扶贫", "参加大病保险", 60.5, "", ""],
            ["无此人", "610727199001011234", 2019, "教育扶贫", "两免一补", 1000, "", ""],
        ],
    )
    saved = convert(libreoffice, original, "xlsx", tmp_path / "lo")[0]
    with db.session() as session:
        first = preview_assistance_import(session, original, policy=POLICY)
        again = preview_assistance_import(session, saved, policy=POLICY)
    assert [(m.member_id, m.item, m.amount) for m in again.new] == [
        (m.member_id, m.item, m.amount) for m in first.new
    ]
    assert [m.amount for m in again.new] == [Decimal(1000), Decimal("60.5")]
    assert [i.row for i in again.unmatched] == [5]
    result = commit_assistance_import(db, again, actor="a")
    assert result.rows == 2


def test_libreoffice_saved_crosscheck_export_comes_back_as_a_result_sheet(
    county, tmp_path, libreoffice
) -> None:
    """The county fills the five findings into the exported list, saves it with LibreOffice, and
    imports it: the app's own layout (title line, national codes row) reads back."""
    from desktop.store.crosscheck import export_crosscheck

    db, places, _ids = county
    add_household(
        db,
        places.west_id,
        "6107271012020002",
        status="poor",
        identified_year=2019,
        per_capita=2500,
        people=[member("钱新", "01", "1", D(1975, 5, 5), work_months=8)],
    )
    with db.session() as session:
        exported = export_crosscheck(session, tmp_path / "list.xlsx", policy=POLICY)
    workbook = openpyxl.load_workbook(exported.path)
    sheet = workbook.active
    headers = ["是否公务员", "是否企事业单位人员", "是否拥有车辆", "是否拥有住房", "是否企业法人"]
    for n, header in enumerate(headers, start=8):
        sheet.cell(row=2, column=n, value=header)
        sheet.cell(row=4, column=n, value="是" if header == "是否拥有住房" else "否")
    workbook.save(tmp_path / "filled.xlsx")
    saved = convert(libreoffice, tmp_path / "filled.xlsx", "xlsx", tmp_path / "lo")[0]
    with db.session() as session:
        preview = preview_crosscheck_import(session, saved, policy=POLICY)
    assert [(m.member_name, m.flags["housing"]) for m in preview.matched] == [("钱新", True)]
    assert not preview.has_issues
