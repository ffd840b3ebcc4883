"""The registry as of a day (Q13): rebuilt from the household book, it is the export that was
taken before the edits, on a real SQLite file and a real PostgreSQL database, through
``export_registry(as_of=…)`` and ``fieldbook export --as-of``."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop import cli
from desktop.domain.policy import BEIJING
from desktop.store.as_of import day_start_utc, from_book, rewind_to
from desktop.store.exchange.registry_export import export_registry
from desktop.store.models import Household, LedgerEntry, Member
from desktop.store.save import save_household
from tests.store.guide_fixtures import (
    POLICY,
    add_household,
    build_registry,
    member,
)

D = date


def beijing_today() -> date:
    return datetime.now(UTC).astimezone(BEIJING).date()


def workbook_values(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def county(db, places) -> dict[str, str]:
    ids = {
        "exited": add_household(db, places.east_id, "6107271012010001"),
        "poor": add_household(
            db,
            places.east_id,
            "6107271012010002",
            status="poor",
            per_capita=2600,
            people=[member("孙有才", "01", "1", D(1960, 1, 9), work_months=3)],
        ),
        "west": add_household(db, places.west_id, "6107271012020001", per_capita=9000),
    }
    return ids


def edit_everything(db, ids: dict[str, str]) -> None:
    """Edits of every kind through the one save path: fields, a new member, a tombstoned
    measure, income, a new household."""
    with db.session() as session:
        household = session.get(Household, ids["exited"])
        head, income, measure = household.head, household.incomes[0], household.measures[0]
        household.phone = "13900001111"
        household.address = "王家湾村三组"
        head.name = "张建军"
        head.education = "04"
        income.wage_income += Decimal(1200)
        measure.deleted = True
        household.members.append(
            member(
                "张小芳", "03", "2", D(2019, 5, 1), education="06", labour_skill="04",
                joined_reason="06", joined_date=D(2019, 5, 1),
            )
        )  # fmt: skip
        save_household(session, household, actor="王芳", reason="入户核实")
    with db.session() as session:
        poor = session.get(Household, ids["poor"])
        poor.address = "新址"
        save_household(session, poor, actor="王芳", reason="入户核实")
    with db.session() as session:
        fresh = Household(
            household_number="6107271012020009",
            village_id=session.get(Household, ids["west"]).village_id,
            status="ordinary",
            food_assured=True,
            clothing_assured=True,
            education_assured=True,
            medical_assured=True,
            housing_assured=True,
            water_assured=True,
            latitude=33.3305,
            longitude=106.1505,
            location_source="gps",
            location_accuracy_m=5.0,
            location_time=datetime(2019, 10, 12, 9, 30),
        )
        fresh.members.append(member("赵新", "01", "1", D(1985, 2, 2), work_months=12))
        save_household(session, fresh, actor="王芳", reason="新登记")


@pytest.fixture(params=["sqlite", "postgresql"])
def registry(request, tmp_path):
    if request.param == "sqlite":
        db, places = build_registry(tmp_path / "a.db")
    else:
        db, places = build_registry(request.getfixturevalue("pg_database_url"))
    yield db, places
    db.dispose()


def test_the_export_as_of_a_day_is_the_export_taken_before_that_days_edits(
    registry, tmp_path
) -> None:
    db, places = registry
    ids = county(db, places)
    with db.session() as session:
        before = export_registry(session, tmp_path / "before.xlsx", policy=POLICY, internal=True)
    day = beijing_today()  # taken before the edits: they are all booked on or after this day
    edit_everything(db, ids)

    with db.session() as session:
        now = export_registry(session, tmp_path / "now.xlsx", policy=POLICY, internal=True)
        then = export_registry(
            session, tmp_path / "then.xlsx", policy=POLICY, internal=True, as_of=day
        )
    assert workbook_values(now.path) != workbook_values(before.path)  # the edits show today
    assert now.sheets["户基本信息"] == before.sheets["户基本信息"] + 1
    assert now.sheets["家庭成员"] == before.sheets["家庭成员"] + 2
    assert workbook_values(then.path) == workbook_values(before.path)
    assert then.sheets == before.sheets


def test_the_export_as_of_the_next_day_is_todays_registry(registry, tmp_path) -> None:
    db, places = registry
    ids = county(db, places)
    edit_everything(db, ids)
    tomorrow = date.fromordinal(beijing_today().toordinal() + 1)
    with db.session() as session:
        now = export_registry(session, tmp_path / "now.xlsx", policy=POLICY)
        later = export_registry(session, tmp_path / "later.xlsx", policy=POLICY, as_of=tomorrow)
    assert workbook_values(later.path) == workbook_values(now.path)


def test_book_values_read_back_as_the_columns_types_and_days_start_in_beijing() -> None:
    from desktop.store.models import Base

    column = Base.metadata.tables["households"].columns
    assert from_book(column["other_causes"], "01,07") == ["01", "07"]
    assert from_book(column["cultivated_land_mu"], "2.50") == Decimal("2.50")
    assert from_book(column["military_family"], "否") is False
    assert from_book(column["location_time"], "2019-10-12T09:30:00") == datetime(
        2019, 10, 12, 9, 30
    )
    assert day_start_utc(D(2019, 10, 1)) == datetime(2019, 9, 30, 16, 0)


def test_the_book_since_a_day_marks_created_rows_and_keeps_the_first_old_value(
    tmp_path,
) -> None:
    db, places = build_registry(tmp_path / "r.db")
    try:
        ids = county(db, places)
        day = beijing_today()
        edit_everything(db, ids)
        with db.session() as session:
            rewind = rewind_to(session, day)
            new_member = session.scalars(select(Member).where(Member.name == "张小芳")).one()
            fresh = session.scalars(
                select(Household).where(Household.household_number == "6107271012020009")
            ).one()
            booked = session.scalars(select(LedgerEntry)).all()
        assert ("members", new_member.id) in rewind.created
        assert ("households", fresh.id) in rewind.created
        assert ("households", ids["exited"]) not in rewind.created
        assert rewind.earlier[("households", ids["exited"])]["phone"] is None
        assert rewind.earlier[("households", ids["poor"])]["address"] is None
        assert len(booked) >= rewind.entries
    finally:
        db.dispose()


def test_the_export_command_takes_as_of(tmp_path, capsys) -> None:
    db, places = build_registry(tmp_path / "c.db")
    ids = county(db, places)
    with db.session() as session:
        export_registry(session, tmp_path / "before.xlsx", policy=POLICY)
    day = beijing_today()
    edit_everything(db, ids)
    db.dispose()
    out = tmp_path / "then.xlsx"
    status = cli.main(
        ["export", "--db", str(tmp_path / "c.db"), "--out", str(out), "--as-of", day.isoformat()]
    )
    assert status == 0
    assert "当日开始前" in capsys.readouterr().out
    assert workbook_values(out) == workbook_values(tmp_path / "before.xlsx")
    capsys.readouterr()
    start = tmp_path / "start.xlsx"
    assert (
        cli.main(
            [
                "export",
                "--db",
                str(tmp_path / "c.db"),
                "--out",
                str(start),
                "--as-of",
                "work-start",
                "--json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["as_of"] == POLICY.work_start.isoformat()
    with pytest.raises(SystemExit) as bad:  # argparse's usage error
        cli.main(["export", "--db", str(tmp_path / "c.db"), "--out", str(out), "--as-of", "1月1日"])
    assert bad.value.code == 2


def test_a_bulk_loaded_county_is_absent_before_its_load_and_whole_after_it(tmp_path) -> None:
    from desktop.store.db import open_database
    from desktop.store.demo import build_demo_county

    db = open_database(tmp_path / "demo.db")
    try:
        build_demo_county(db, households=30, seed=7)
        with db.session() as session:
            loaded = session.scalar(select(LedgerEntry.at).where(LedgerEntry.field == "*"))
            now = export_registry(session, tmp_path / "now.xlsx", policy=POLICY)
            before = export_registry(
                session, tmp_path / "before.xlsx", policy=POLICY, as_of=loaded.date()
            )
            after = export_registry(
                session,
                tmp_path / "after.xlsx",
                policy=POLICY,
                as_of=date.fromordinal(loaded.date().toordinal() + 2),
            )
    finally:
        db.dispose()
    assert set(before.sheets.values()) == {0}
    assert now.sheets["户基本信息"] == 30
    assert workbook_values(after.path) == workbook_values(now.path)
