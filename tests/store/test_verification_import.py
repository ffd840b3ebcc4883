"""The departments' verification of 贫困户属性 and 两不愁三保障 + 饮水安全 (Q14), imported from real
xlsx files: rows matched by the head's or a member's ID number, the differences listed before
anything is written, then applied through the one save path in one transaction (SQLite and
PostgreSQL), and ``fieldbook import-verification [--dry-run]``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop import cli
from desktop.domain.idcard import make_id_number
from desktop.store.exchange.importing import ImportRefused
from desktop.store.models import Household, LedgerEntry, Member, OutboxChange
from desktop.store.save import save_household
from desktop.store.verification import (
    commit_verification_import,
    preview_verification_import,
)
from tests.store.guide_fixtures import (
    POLICY,
    REGION,
    add_household,
    build_registry,
    member,
    writes,
)

D = date
ON = D(2019, 12, 20)  # before the departments' due day
HEADERS = ["序号", "户主姓名", "身份证号", "户属性", "不愁吃", "不愁穿", "义务教育保障",
           "基本医疗保障", "住房安全保障", "安全饮水", "行业部门"]  # fmt: skip


def registry(target) -> tuple:
    db, places = build_registry(target)
    ids = {
        "poor": add_household(
            db,
            places.east_id,
            "6107271012010001",
            status="poor",
            per_capita=2600,
            people=[
                member("孙有才", "01", "1", D(1960, 1, 9), work_months=3),
                member("孙小红", "03", "2", D(1990, 4, 4)),
            ],
        ),
        "exited": add_household(
            db,
            places.east_id,
            "6107271012010002",
            people=[
                member("张建国", "01", "1", D(1970, 3, 12), work_months=10),
                member("李秀英", "02", "2", D(1972, 6, 1)),
            ],
        ),
        "twice": add_household(
            db,
            places.west_id,
            "6107271012020001",
            people=[
                member("王大山", "01", "1", D(1965, 5, 5), work_months=10),
                member("王小山", "03", "1", D(1992, 2, 2)),
            ],
        ),
        "ordinary": add_household(
            db,
            places.west_id,
            "6107271012020002",
            status="ordinary",
            people=[member("冯平", "01", "1", D(1980, 1, 1), work_months=12)],
        ),
    }
    return db, ids


def id_of(db, name: str) -> str:
    with db.session() as session:
        return session.scalars(select(Member.id_number).where(Member.name == name)).one()


def bad_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def write_file(path: Path, rows: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "核实结果"
    ws.append(["2019年建档立卡户属性和两不愁三保障核实结果"])
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    workbook.save(path)
    return path


def department_file(db, path: Path) -> Path:
    """Rows 3–13: a mismatch, a confirmation, and every kind of row that cannot be used."""
    stranger = make_id_number(REGION, D(1977, 7, 7), 31, "1")
    return write_file(
        path,
        [
            [1, "孙有才", id_of(db, "孙有才").lower(), "低保贫困户", "是", "是", "是", "是", "否", "是", "民政局"],
            [2, "李秀荚", id_of(db, "李秀英"), "一般贫困户", "是", "是", "是", "是", "是", "是", "住建局"],
            [3, "陌生人", stranger, "一般贫困户", "是", "是", "是", "是", "是", "是", "民政局"],
            [4, "错号", bad_check_digit(id_of(db, "孙小红")), None, "是", None, None, None, None, None, "民政局"],
            [5, "短号", "61072719", "一般贫困户", None, None, None, None, None, None, "民政局"],
            [6, "冯平", id_of(db, "冯平"), None, None, None, None, "是", None, None, "医保局"],
            [7, "王大山", id_of(db, "王大山"), None, None, None, None, "否", None, None, "医保局"],
            [8, "王小山", id_of(db, "王小山"), None, None, None, None, "是", None, None, "医保局"],
            [9, "孙小红", id_of(db, "孙小红"), "五保户", None, None, None, None, None, None, "民政局"],
            [10, "孙小红", id_of(db, "孙小红"), None, "不知道", None, None, None, None, None, "民政局"],
            [11, "数字", float(id_of(db, "张建国")[:17]), None, "是", None, None, None, None, None, "民政局"],
        ],
    )  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def county(request, tmp_path):
    target = (
        tmp_path / "v.db"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_database_url")
    )
    db, ids = registry(target)
    yield db, ids
    db.dispose()


def test_the_preview_lists_differences_and_every_unusable_row_and_writes_nothing(
    county, tmp_path
) -> None:
    db, ids = county
    path = department_file(db, tmp_path / "dept.xlsx")
    with db.session() as session:
        before = writes(session)
        preview = preview_verification_import(session, path, policy=POLICY, today=ON)
        assert writes(session) == before
    assert preview.sheet == "核实结果" and preview.rows_read == 11
    [mismatch] = preview.mismatched
    assert (mismatch.row, mismatch.household_id) == (3, ids["poor"])
    assert {(d.field, d.registered, d.verified) for d in mismatch.differences} == {
        ("attribute", "1", "2"),
        ("housing_assured", True, False),
    }
    assert "住房安全有保障: 登记为是,部门核实为否" in [d.describe() for d in mismatch.differences]
    [confirmed] = preview.confirmed
    assert (confirmed.row, confirmed.household_id, confirmed.person) == (4, ids["exited"], "李秀英")
    assert confirmed.name_differs
    assert [i.row for i in preview.unmatched] == [5]
    reasons = {i.row: i.reason for i in preview.invalid}
    assert sorted(reasons) == [6, 7, 8, 9, 10, 11, 12, 13]
    assert "校验码" in reasons[6]
    assert "长度" in reasons[7]
    assert "一般农户" in reasons[8]
    assert "互相矛盾" in reasons[9] and reasons[9] == reasons[10]
    assert "五保户" in reasons[11] and "不在代码表中" in reasons[11]
    assert "不知道" in reasons[12]
    assert "数字" in reasons[13]
    assert not preview.late and preview.due == D(2019, 12, 31)


def test_the_commit_applies_the_differences_through_the_save_booked_and_queued(
    county, tmp_path
) -> None:
    db, ids = county
    path = department_file(db, tmp_path / "dept.xlsx")
    with db.session() as session:
        preview = preview_verification_import(session, path, policy=POLICY, today=ON)
    result = commit_verification_import(db, preview, actor="李强")
    assert (result.households, result.rows) == (1, 2)
    with db.session() as session:
        poor = session.get(Household, ids["poor"])
        assert (poor.attribute, poor.housing_assured, poor.water_assured) == ("2", False, True)
        book = session.scalars(select(LedgerEntry).where(LedgerEntry.household_id == ids["poor"]))
        entries = {(e.field, e.old_value, e.new_value, e.actor, e.reason) for e in book}
        assert entries == {
            ("attribute", "1", "2", "李强", "行业部门核实(民政局,导引第14问)"),
            ("housing_assured", "是", "否", "李强", "行业部门核实(民政局,导引第14问)"),
        }
        [change] = session.scalars(select(OutboxChange)).all()
        assert change.entity_id == ids["poor"]
        assert change.fields == {"attribute": "2", "housing_assured": False}
        untouched = session.scalars(
            select(LedgerEntry).where(LedgerEntry.household_id != ids["poor"])
        ).all()
        assert untouched == []


def test_a_household_changed_after_the_preview_rolls_the_whole_import_back(
    county, tmp_path
) -> None:
    db, ids = county
    twice = make_id_number(REGION, D(1999, 9, 9), 41, "1")  # nobody: only for the shape
    path = write_file(
        tmp_path / "two.xlsx",
        [
            [1, "张建国", id_of(db, "张建国"), "低保贫困户", None, None, None, None, None, None, "民政局"],
            [2, "孙有才", id_of(db, "孙有才"), None, None, None, None, None, "否", None, "住建局"],
            [3, "无人", twice, None, "是", None, None, None, None, None, "民政局"],
        ],
    )  # fmt: skip
    with db.session() as session:
        preview = preview_verification_import(session, path, policy=POLICY, today=ON)
    assert [m.household_id for m in preview.mismatched] == [ids["exited"], ids["poor"]]
    with db.session() as session:  # meanwhile a worker verifies the second house on the spot
        poor = session.get(Household, ids["poor"])
        poor.housing_assured = False
        save_household(session, poor, actor="王芳", reason="入户核实")
        before = writes(session)
    with pytest.raises(ImportRefused) as refused:
        commit_verification_import(db, preview, actor="李强")
    assert "6107271012010001" in refused.value.message and "重新预览" in refused.value.message
    with db.session() as session:
        assert writes(session) == before
        assert session.get(Household, ids["exited"]).attribute == "1"


def test_a_file_after_the_departments_due_day_is_said_to_be_late(county, tmp_path) -> None:
    db, _ids = county
    path = department_file(db, tmp_path / "dept.xlsx")
    with db.session() as session:
        preview = preview_verification_import(session, path, policy=POLICY, today=D(2020, 1, 5))
    assert preview.late and preview.summary()["due"] == "2019-12-31"


def test_the_command_lists_with_dry_run_and_applies_without_it(tmp_path, capsys) -> None:
    db, ids = registry(tmp_path / "c.db")
    path = department_file(db, tmp_path / "dept.xlsx")
    db.dispose()
    argv = [
        "import-verification",
        "--db",
        str(tmp_path / "c.db"),
        str(path),
        "--today",
        "2019-12-20",
    ]
    assert cli.main([*argv, "--dry-run", "--json"]) == 1  # rows that cannot be used were found
    answer = json.loads(capsys.readouterr().out)
    assert answer["committed"] is False
    assert [d["label"] for d in answer["mismatched"][0]["differences"]] == [
        "贫困户属性",
        "住房安全有保障",
    ]
    assert len(answer["invalid"]) == 8 and len(answer["unmatched"]) == 1
    from desktop.store.db import open_database

    db = open_database(tmp_path / "c.db")
    try:
        with db.session() as session:
            assert writes(session) == (0, 0)
        assert cli.main(argv) == 1
        text = capsys.readouterr().out
        assert "登记为一般贫困户, 部门核实为低保贫困户" in text
        assert "已按部门核实结果修改 1 户的 2 项" in text
        with db.session() as session:
            assert session.get(Household, ids["poor"]).attribute == "2"
            assert writes(session)[1] == 1
    finally:
        db.dispose()
    assert cli.main(["import-verification", "--db", str(tmp_path / "c.db"), "nothing.xlsx"]) == 2
