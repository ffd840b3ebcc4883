"""A village's own information (Q3, Q18) through the one save path and the ``village`` command,
on a real SQLite file and a real PostgreSQL database: booked in the village's history, queued
in the outbox with the village's code, refused as a whole when a rule says no."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from desktop import cli
from desktop.store.db import open_database
from desktop.store.models import Division, LedgerEntry, OutboxChange
from desktop.store.village_info import (
    REASON,
    VillageInfoRefused,
    read_village_info,
    save_village_info,
    village_history,
)
from tests.store.guide_fixtures import EAST_CODE, POLICY, WEST_CODE, build_registry


@pytest.fixture(params=["sqlite", "postgresql"])
def registry(request, tmp_path):
    if request.param == "sqlite":
        db, places = build_registry(tmp_path / "v.db")
    else:
        db, places = build_registry(request.getfixturevalue("pg_database_url"))
    yield db, places
    db.dispose()


def outbox(db) -> list[OutboxChange]:
    with db.session() as session:
        return list(session.scalars(select(OutboxChange).order_by(OutboxChange.device_seq)))


def test_a_non_poor_village_becomes_poor_and_exited_booked_and_queued_like_a_household(
    registry,
) -> None:
    db, places = registry
    with db.session() as session:
        result = save_village_info(
            session,
            WEST_CODE,
            {
                "is_poor_village": True,
                "village_exited_year": 2018,
                "task_force": "县交通局驻村工作队",
            },
            actor="王芳",
            policy=POLICY,
        )
    assert sorted(result.changed) == ["is_poor_village", "task_force", "village_exited_year"]
    with db.session() as session:
        west = session.get(Division, places.west_id)
        assert (west.is_poor_village, west.village_exited_year, west.task_force) == (
            True,
            2018,
            "县交通局驻村工作队",
        )
        book = village_history(session, WEST_CODE)
        assert {(b.field, b.old_value, b.new_value) for b in book} == {
            ("is_poor_village", None, "是"),
            ("village_exited_year", None, "2018"),
            ("task_force", None, "县交通局驻村工作队"),
        }
        assert {(b.actor, b.reason) for b in book} == {("王芳", REASON)}
        entries = session.scalars(select(LedgerEntry)).all()
        assert {(e.entity, e.entity_id, e.household_id) for e in entries} == {
            ("divisions", places.west_id, None)
        }
    [change] = outbox(db)
    assert (change.entity, change.entity_id, change.op) == ("divisions", places.west_id, "update")
    assert change.village_code == WEST_CODE
    assert change.fields == {
        "is_poor_village": True,
        "village_exited_year": 2018,
        "task_force": "县交通局驻村工作队",
    }


def test_an_exit_year_on_a_non_poor_village_is_refused_and_nothing_is_written(registry) -> None:
    db, places = registry
    with db.session() as session, pytest.raises(VillageInfoRefused) as refused:
        save_village_info(
            session,
            WEST_CODE,
            {"is_poor_village": False, "village_exited_year": 2018, "task_force": "新单位"},
            actor="王芳",
            policy=POLICY,
        )
    assert [p.code for p in refused.value.problems if p.is_error] == ["VILLAGE_EXIT_NOT_POOR"]
    assert "不是贫困村" in refused.value.problems[0].message
    with db.session() as session:
        west = session.get(Division, places.west_id)
        assert (west.village_exited_year, west.task_force) == (None, None)
        assert session.scalars(select(LedgerEntry)).all() == []
    assert outbox(db) == []


def test_an_exit_year_after_the_policy_year_or_before_the_registry_is_refused(registry) -> None:
    db, _places = registry
    for year in (POLICY.year + 1, POLICY.monitoring_quota_base_year):
        with db.session() as session, pytest.raises(VillageInfoRefused) as refused:
            save_village_info(
                session,
                EAST_CODE,
                {"is_poor_village": True, "village_exited_year": year},
                actor="王芳",
                policy=POLICY,
            )
        assert "VILLAGE_EXIT_YEAR_RANGE" in {p.code for p in refused.value.problems}
    assert outbox(db) == []


def test_a_committee_location_outside_china_is_refused(registry) -> None:
    db, _places = registry
    with db.session() as session, pytest.raises(VillageInfoRefused) as refused:
        save_village_info(
            session,
            EAST_CODE,
            {"committee_latitude": -33.9, "committee_longitude": 18.4},
            actor="王芳",
            policy=POLICY,
        )
    assert "LOC_VILLAGE_COMMITTEE_OUTSIDE_CHINA" in {p.code for p in refused.value.problems}


def test_saving_the_values_a_village_already_has_writes_nothing(registry) -> None:
    db, _places = registry
    with db.session() as session:
        info = read_village_info(session, EAST_CODE)
        result = save_village_info(
            session,
            EAST_CODE,
            {"committee_latitude": info.committee_latitude, "task_force": None},
            actor="王芳",
            policy=POLICY,
        )
    assert result.changed == [] and result.saved is None
    assert outbox(db) == []


def test_a_poor_village_not_yet_out_without_a_task_force_saves_with_a_warning(registry) -> None:
    db, _places = registry
    with db.session() as session:
        result = save_village_info(
            session, EAST_CODE, {"is_poor_village": True}, actor="王芳", policy=POLICY
        )
    assert result.changed == ["is_poor_village"]
    assert [p.code for p in result.warnings] == ["VILLAGE_POOR_NO_TASK_FORCE"]


# --- the command ------------------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, dict]:
    status = cli.main([*argv, "--json"])
    out = capsys.readouterr().out
    return status, json.loads(out) if out.strip() else {}


def test_the_village_command_sets_and_shows_a_villages_information(tmp_path, capsys) -> None:
    db, places = build_registry(tmp_path / "c.db")
    db.dispose()
    path = str(tmp_path / "c.db")
    status, answer = run(
        capsys,
        "village", "set", "--db", path, "--village", WEST_CODE, "--poor", "yes",
        "--task-force", "  县交通局   驻村工作队 ", "--committee", "北纬33.34 东经106.16",
        "--actor", "李强",
    )  # fmt: skip
    assert status == 0 and answer["saved"] is True
    assert answer["village"]["task_force"] == "县交通局 驻村工作队"
    assert answer["village"]["committee_location_source"] == "manual"
    status, shown = run(capsys, "village", "show", "--db", path, "--village", WEST_CODE)
    assert status == 0
    assert shown["village"]["is_poor_village"] is True
    assert (shown["village"]["committee_latitude"], shown["village"]["committee_longitude"]) == (
        33.34,
        106.16,
    )
    assert {b["field"] for b in shown["book"]} >= {"is_poor_village", "task_force"}
    assert {b["actor"] for b in shown["book"]} == {"李强"}
    db = open_database(path)
    try:
        [change] = outbox(db)
        assert change.village_code == WEST_CODE
    finally:
        db.dispose()


def test_the_village_command_refuses_an_exit_of_a_non_poor_village(tmp_path, capsys) -> None:
    db, _places = build_registry(tmp_path / "c.db")
    db.dispose()
    path = str(tmp_path / "c.db")
    status, answer = run(
        capsys, "village", "set", "--db", path, "--village", WEST_CODE, "--exited-year", "2018"
    )
    assert status == 1 and answer["saved"] is False
    assert [p["code"] for p in answer["problems"] if p["severity"] == "error"] == [
        "VILLAGE_EXIT_NOT_POOR"
    ]


def test_the_village_command_answers_bad_input_with_a_usage_error(tmp_path, capsys) -> None:
    db, _places = build_registry(tmp_path / "c.db")
    db.dispose()
    path = str(tmp_path / "c.db")
    typed = ["--committee", "abc"]
    assert cli.main(["village", "set", "--db", path, "--village", WEST_CODE, *typed]) == 2
    assert "无法识别" in capsys.readouterr().err
    assert cli.main(["village", "show", "--db", path, "--village", "610727999999"]) == 2
    assert "找不到行政村" in capsys.readouterr().err
