"""Marginal and monitored households in the store (Q6): marking with the income test, the
internal list, the county quota report and its base figure, and the quota command."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop import cli
from desktop.domain import monitoring
from desktop.store.models import (
    Division,
    Household,
    HouseholdOperation,
    LedgerEntry,
    OutboxChange,
    Risk,
)
from desktop.store.quota import (
    MonitoringRefused,
    RiskEntry,
    export_quota_report,
    mark_household,
    monitoring_list,
    quota_report,
    set_quota_base,
)
from desktop.store.save import SaveRefused
from tests.store.guide_fixtures import (
    BASE_2013,
    COUNTY_CODE,
    POLICY,
    add_household,
    build_registry,
    count,
    member,
)

D = date
IN_WINDOW = datetime(2019, 11, 5, 10, 0)  # a day of the 2019 work
RISK = RiskEntry(
    risk_type="01", decided_by="01", decision_date=D(2019, 10, 20), note="慢性病支出大"
)


def family(n: int, name: str) -> list:
    people = [member(name, "01", "1", D(1970, 1, 1), work_months=10)]
    people += [member(f"{name}{i}", "03", "1", D(1995, 1, i), work_months=10) for i in range(1, n)]
    return people


@pytest.fixture
def county(tmp_path):
    db, places = build_registry(tmp_path / "f.db")
    ids = {
        "low": add_household(
            db,
            places.east_id,
            "6107271012010001",
            status="ordinary",
            per_capita=4999,
            people=family(3, "甲"),
        ),
        "high": add_household(
            db,
            places.east_id,
            "6107271012010002",
            status="ordinary",
            per_capita=5000,
            people=family(2, "乙"),
        ),
        "exited": add_household(
            db,
            places.west_id,
            "6107271012020001",
            status="exited_stable",
            per_capita=4500,
            people=family(4, "丙"),
        ),
        "poor": add_household(
            db,
            places.west_id,
            "6107271012020002",
            status="poor",
            per_capita=2600,
            people=family(1, "丁"),
        ),
    }
    yield db, places, ids
    db.dispose()


def test_marking_a_household_below_the_line_adds_the_flag_and_its_risk_through_the_save(
    county,
) -> None:
    db, _places, ids = county
    with db.session() as session:
        result = mark_household(
            session, ids["low"], "marginal", RISK, actor="村两委", clock=IN_WINDOW
        )
    assert result.change_ids
    with db.session() as session:
        household = session.get(Household, ids["low"])
        assert household.marginal and not household.monitored
        risk = session.scalars(select(Risk).where(Risk.household_id == ids["low"])).one()
        assert (risk.kind, risk.risk_type, risk.decided_by, risk.identified_date) == (
            "marginal",
            "01",
            "01",
            D(2019, 10, 20),
        )
        reasons = set(
            session.scalars(
                select(LedgerEntry.reason).where(LedgerEntry.household_id == ids["low"])
            )
        )
        # the save names the operation in the book, then the reason
        assert reasons == {"标记边缘户;认定边缘户或脱贫监测户（导引第6问）"}
        (record,) = session.scalars(
            select(HouseholdOperation).where(HouseholdOperation.household_id == ids["low"])
        )
        assert (record.operation, record.done_at) == ("mark_marginal", IN_WINDOW)
        assert household.operation_id == record.id


def test_marking_after_the_2019_deadlines_is_refused_by_the_save(county) -> None:
    db, _places, ids = county
    with db.session() as session, pytest.raises(SaveRefused) as refused:
        mark_household(
            session, ids["low"], "marginal", RISK, actor="村两委", clock=datetime(2026, 12, 4, 9)
        )
    assert "动态管理工作期间" in refused.value.message
    with db.session() as session:
        assert not session.get(Household, ids["low"]).marginal
        assert count(session, Risk) == 0


def test_a_household_at_the_line_or_of_the_wrong_status_is_refused_and_nothing_is_written(
    county,
) -> None:
    db, _places, ids = county
    with db.session() as session:
        before = count(session, OutboxChange)
        with pytest.raises(MonitoringRefused) as at_line:
            mark_household(session, ids["high"], "marginal", RISK, actor="a", clock=IN_WINDOW)
        assert [p.code for p in at_line.value.problems] == [monitoring.Q6_INCOME_NOT_BELOW_LINE]
        assert "5000" in at_line.value.message
        with pytest.raises(MonitoringRefused) as wrong:
            mark_household(session, ids["poor"], "monitored", RISK, actor="a", clock=IN_WINDOW)
        assert monitoring.Q6_FLAG_STATUS in {p.code for p in wrong.value.problems}
        with pytest.raises(MonitoringRefused):
            mark_household(
                session,
                ids["exited"],
                "monitored",
                RiskEntry("99", "01", D(2019, 10, 1)),
                actor="a",
                clock=IN_WINDOW,
            )
    with db.session() as session:
        assert count(session, OutboxChange) == before
        assert count(session, Risk) == 0


def test_the_internal_list_shows_the_income_test_risks_and_deciders(county) -> None:
    db, _places, ids = county
    with db.session() as session:
        mark_household(session, ids["low"], "marginal", RISK, actor="a", clock=IN_WINDOW)
        mark_household(
            session,
            ids["exited"],
            "monitored",
            RiskEntry("05", "02", D(2019, 10, 22)),
            actor="a",
            clock=IN_WINDOW,
        )
        rows = monitoring_list(session, policy=POLICY)
    assert [(r.household_number, r.kind, r.member_count, r.below_line) for r in rows] == [
        ("6107271012010001", "marginal", 3, True),
        ("6107271012020001", "monitored", 4, True),
    ]
    assert rows[0].risks == ("因病",) and rows[0].decided_by == ("村两委",)
    assert rows[1].risks == ("缺劳动力",) and rows[1].decided_by == ("驻村工作队",)
    assert all(r.problems == () for r in rows)


def test_the_quota_counts_people_of_both_groups_against_fifteen_per_cent_of_the_base(
    county,
) -> None:
    db, _places, ids = county
    with db.session() as session:
        mark_household(session, ids["low"], "marginal", RISK, actor="a", clock=IN_WINDOW)
        mark_household(session, ids["exited"], "monitored", RISK, actor="a", clock=IN_WINDOW)
        (line,) = quota_report(session, policy=POLICY)
    assert (line.county_code, line.households_marginal, line.households_monitored) == (
        COUNTY_CODE,
        1,
        1,
    )
    check = line.check
    assert (check.base_population, check.limit, check.marginal_people, check.monitored_people) == (
        BASE_2013,
        150,
        3,
        4,
    )
    assert check.within is True and check.problems == ()


def test_a_county_over_its_quota_or_without_its_base_is_reported(county) -> None:
    db, _places, ids = county
    with db.session() as session:
        mark_household(session, ids["low"], "marginal", RISK, actor="a", clock=IN_WINDOW)
        set_quota_base(session, COUNTY_CODE, 19, actor="县扶贫办")  # 15 % of 19 = 2.85 → 2 people
        (line,) = quota_report(session, policy=POLICY, county=COUNTY_CODE)
        assert line.check.limit == 2 and line.check.within is False
        assert [p.code for p in line.check.problems] == [monitoring.Q6_OVER_QUOTA]
        book = session.scalars(select(LedgerEntry).where(LedgerEntry.entity == "divisions")).one()
        assert (book.field, book.old_value, book.new_value) == (
            "poor_population_end_2013",
            "1000",
            "19",
        )
        county_row = session.scalars(select(Division).where(Division.code == COUNTY_CODE)).one()
        change = session.scalars(
            select(OutboxChange).where(OutboxChange.entity_id == county_row.id)
        ).one()
        assert change.fields == {"poor_population_end_2013": 19}
        with pytest.raises(ValueError):
            set_quota_base(session, COUNTY_CODE, 0, actor="a")
        with pytest.raises(LookupError):
            quota_report(session, policy=POLICY, county="610000000000")


def test_the_quota_report_xlsx_is_marked_internal(county, tmp_path) -> None:
    db, _places, ids = county
    with db.session() as session:
        mark_household(session, ids["low"], "marginal", RISK, actor="a", clock=IN_WINDOW)
        report = quota_report(session, policy=POLICY)
    summary = export_quota_report(report, tmp_path / "quota.xlsx", policy=POLICY)
    rows = list(openpyxl.load_workbook(summary.path).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("内部资料")
    assert "15%" in rows[1][0]
    headers, values = rows[2], rows[3]
    line = dict(zip(headers, values, strict=True))
    assert (line["县"], line["监测规模上限(人)"], line["边缘户(人)"], line["核对结果"]) == (
        "略阳县",
        150,
        3,
        "未超过规模",
    )
    assert float(line["占比(%)"]) == 0.3


def test_the_quota_command(county, tmp_path, monkeypatch, capsys) -> None:
    db, _places, _ids = county
    path = Path(db.engine.url.database)
    db.dispose()
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("desktop.cli.procedures",))
    assert cli.main(["quota", "--db", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["internal"] is True and payload["counties"][0]["limit"] == 150
    assert cli.main(["quota", "--db", str(path), "--set-base", "5"]) == 2  # needs --county
    assert (
        cli.main(["quota", "--db", str(path), "--county", COUNTY_CODE, "--set-base", "6000"]) == 0
    )
    assert "上限 900 人" in capsys.readouterr().out


@pytest.mark.postgres
def test_the_quota_and_the_whole_audit_run_on_postgresql_as_on_the_server(pg_database_url) -> None:
    from desktop.store.audit import audit_database

    db, places = build_registry(pg_database_url)
    try:
        low = add_household(
            db,
            places.east_id,
            "6107271012010001",
            status="ordinary",
            per_capita=4999,
            people=family(3, "甲"),
        )
        add_household(
            db,
            places.west_id,
            "6107271012020001",
            status="poor",
            identified_year=2019,
            per_capita=2600,
            people=family(2, "乙"),
        )
        with db.session() as session:
            mark_household(session, low, "marginal", RISK, actor="a", clock=IN_WINDOW)
            (line,) = quota_report(session, policy=POLICY)
            assert (line.check.marginal_people, line.check.limit, line.check.within) == (
                3,
                150,
                True,
            )
            findings = audit_database(session, policy=POLICY, on=D(2019, 11, 30))
        assert {(f.household_number, f.problem.code) for f in findings} == {
            ("6107271012020001", "Q15_PROCEDURE_INCOMPLETE")
        }
    finally:
        db.dispose()
