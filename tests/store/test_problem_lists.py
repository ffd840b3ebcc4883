"""Problem lists per village on a real SQLite file: the whole audit, explanations kept, fixed
problems gone, internal problems left out of ordinary lists, the xlsx, and the command."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop import cli
from desktop.domain.problems import Severity
from desktop.store.audit import audit_database
from desktop.store.db import registry_writer
from desktop.store.models import Household, LedgerEntry, Member, OutboxChange, ProblemNote
from desktop.store.problems import (
    ProblemNoteError,
    explain_problem,
    export_problem_list,
    field_label,
    village_problem_list,
)
from desktop.store.procedures import StepEntry, record_village_step
from desktop.store.save import save_household
from tests.store.guide_fixtures import (
    EAST_CODE,
    ON,
    POLICY,
    WEST_CODE,
    add_household,
    build_registry,
    count,
    member,
)

D = date


@pytest.fixture
def county(tmp_path):
    """East: a clean exited household, one whose spouse has no ethnicity (a warning), one with no
    head (an error), a marginal household without a risk (internal). West: one clean household.
    Neither village has recorded its second appraisal and notice (Q15)."""
    db, places = build_registry(tmp_path / "f.db")
    clean = add_household(db, places.east_id, "6107271012010001")
    warned = add_household(
        db,
        places.east_id,
        "6107271012010002",
        people=[
            member("周建国", "01", "1", D(1971, 1, 1), work_months=10),
            member("吴秀英", "02", "2", D(1973, 2, 2), ethnicity=None),
        ],
    )
    headless = add_household(
        db,
        places.east_id,
        "6107271012010003",
        people=[member("郑大", "03", "1", D(1990, 3, 3), work_months=10)],
    )
    marginal = add_household(
        db,
        places.east_id,
        "6107271012010004",
        status="ordinary",
        per_capita=4100,
        marginal=True,
        people=[member("王边", "01", "1", D(1980, 4, 4), work_months=12)],
    )
    add_household(db, places.west_id, "6107271012020001")
    yield db, places, {"clean": clean, "warned": warned, "headless": headless, "marginal": marginal}
    db.dispose()


def codes_by_household(listed) -> dict[str | None, set[str]]:
    found: dict[str | None, set[str]] = {}
    for row in listed.rows:
        found.setdefault(row.household_number, set()).add(row.problem.code)
    return found


def test_a_village_list_holds_household_problems_and_the_villages_own(county) -> None:
    db, places, _ids = county
    with db.session() as session:
        listed = village_problem_list(session, EAST_CODE, policy=POLICY, on=ON)
    assert listed.village_name == "王家湾村" and listed.policy_year == 2019
    assert codes_by_household(listed) == {
        None: {"PROC_STEP_MISSING"},
        "6107271012010002": {"R9_ETHNICITY_EMPTY"},
        "6107271012010003": {"R50_NO_HEAD"},
    }
    assert listed.rows[0].household_id is None  # the village's own problem first
    assert listed.internal_left_out == 1  # the marginal household's Q6 problem
    assert listed.count(Severity.ERROR) == 2 and listed.count(Severity.WARNING) == 1
    spouse = next(r for r in listed.rows if r.problem.code == "R9_ETHNICITY_EMPTY")
    assert spouse.head_name == "周建国" and spouse.note is None


def test_an_internal_list_shows_the_marginal_households_problems(county) -> None:
    db, _places, ids = county
    with db.session() as session:
        listed = village_problem_list(session, EAST_CODE, policy=POLICY, on=ON, internal=True)
    assert listed.internal_left_out == 0
    assert codes_by_household(listed)["6107271012010004"] == {"Q6_NO_RISK"}


def test_an_explained_warning_stays_listed_with_its_explanation_kept(county) -> None:
    db, _places, ids = county
    with db.session() as session:
        listed = village_problem_list(session, EAST_CODE, policy=POLICY, on=ON)
        row = next(r for r in listed.rows if r.problem.code == "R9_ETHNICITY_EMPTY")
        note = explain_problem(
            session,
            household_id=ids["warned"],
            rule_code=row.problem.code,
            entity_id=row.problem.entity_id,
            explanation="本人户口簿民族栏空白，已请派出所核实",
            actor="王干部",
            policy=POLICY,
            on=ON,
        )
    with db.session() as session:
        listed = village_problem_list(session, EAST_CODE, policy=POLICY, on=ON)
        row = next(r for r in listed.rows if r.problem.code == "R9_ETHNICITY_EMPTY")
        assert row.explained
        assert (row.note.explanation, row.note.explained_by) == (
            "本人户口簿民族栏空白，已请派出所核实",
            "王干部",
        )
        stored = session.get(ProblemNote, note.id)
        assert stored.entity_id == row.problem.entity_id
        book = session.scalars(
            select(LedgerEntry).where(LedgerEntry.entity == "problem_notes")
        ).all()
        assert {e.household_id for e in book} == {ids["warned"]}
        assert "explanation" in {e.field for e in book}
        change = session.scalars(
            select(OutboxChange).where(OutboxChange.entity == "problem_notes")
        ).one()
        assert change.village_code == EAST_CODE and change.op == "create"


def test_explaining_again_replaces_the_text_and_the_book_keeps_the_old_one(county) -> None:
    db, _places, ids = county
    with db.session() as session:
        listed = village_problem_list(session, EAST_CODE, policy=POLICY, on=ON)
        problem = next(r.problem for r in listed.rows if r.problem.code == "R9_ETHNICITY_EMPTY")
        for text in ("第一次说明", "第二次说明"):
            explain_problem(
                session,
                household_id=ids["warned"],
                rule_code=problem.code,
                entity_id=problem.entity_id,
                explanation=text,
                actor="a",
                policy=POLICY,
                on=ON,
            )
    with db.session() as session:
        assert count(session, ProblemNote) == 1
        assert session.scalars(select(ProblemNote.explanation)).one() == "第二次说明"
        changed = session.execute(
            select(LedgerEntry.old_value, LedgerEntry.new_value).where(
                LedgerEntry.entity == "problem_notes",
                LedgerEntry.field == "explanation",
                LedgerEntry.old_value.is_not(None),
            )
        ).one()
        assert tuple(changed) == ("第一次说明", "第二次说明")


def test_a_fixed_problem_disappears_and_its_explanation_is_not_shown(county) -> None:
    db, _places, ids = county
    with db.session() as session:
        problem = next(
            r.problem
            for r in village_problem_list(session, EAST_CODE, policy=POLICY, on=ON).rows
            if r.problem.code == "R9_ETHNICITY_EMPTY"
        )
        explain_problem(
            session,
            household_id=ids["warned"],
            rule_code=problem.code,
            entity_id=problem.entity_id,
            explanation="待核实",
            actor="a",
            policy=POLICY,
            on=ON,
        )
        household = session.get(Household, ids["warned"])
        spouse = next(m for m in household.members if m.name == "吴秀英")
        spouse.ethnicity = "01"
        save_household(session, household, actor="a", reason="补录民族", validator=lambda h: [])
    with db.session() as session:
        listed = village_problem_list(session, EAST_CODE, policy=POLICY, on=ON)
        assert "6107271012010002" not in codes_by_household(listed)
        assert count(session, ProblemNote) == 1  # the note is kept, just no longer listed


def test_errors_and_problems_the_audit_does_not_find_cannot_be_explained(county) -> None:
    db, _places, ids = county
    with db.session() as session:
        with pytest.raises(ProblemNoteError, match="错误必须改正"):
            explain_problem(
                session,
                household_id=ids["headless"],
                rule_code="R50_NO_HEAD",
                entity_id=ids["headless"],
                explanation="户主外出",
                actor="a",
                policy=POLICY,
                on=ON,
            )
        with pytest.raises(ProblemNoteError, match="现在没有问题"):
            explain_problem(
                session,
                household_id=ids["clean"],
                rule_code="R9_ETHNICITY_EMPTY",
                entity_id=None,
                explanation="说明",
                actor="a",
                policy=POLICY,
                on=ON,
            )
        with pytest.raises(ProblemNoteError, match="请填写情况说明"):
            explain_problem(
                session,
                household_id=ids["warned"],
                rule_code="R9_ETHNICITY_EMPTY",
                entity_id=None,
                explanation="   ",
                actor="a",
            )
        assert count(session, ProblemNote) == 0


def test_the_villages_procedure_problem_goes_when_it_records_its_second_appraisal_and_notice(
    county,
) -> None:
    db, places, _ids = county
    with db.session() as session:
        record_village_step(
            session,
            places.west_id,
            StepEntry("identify", "second_appraisal", D(2019, 10, 20)),
            actor="a",
        )
        assert codes_by_household(
            village_problem_list(session, WEST_CODE, policy=POLICY, on=ON)
        ) == {None: {"PROC_STEP_MISSING"}}
        record_village_step(
            session,
            places.west_id,
            StepEntry("identify", "second_notice", D(2019, 10, 21), D(2019, 10, 30)),
            actor="a",
        )
        assert village_problem_list(session, WEST_CODE, policy=POLICY, on=ON).rows == []


def test_the_whole_database_audit_adds_the_guide_rules_to_the_core_ones(county) -> None:
    db, _places, ids = county
    with db.session() as session, registry_writer(session, "test"):
        twin = session.scalars(select(Member).where(Member.name == "周建国")).one().id_number
        session.scalars(select(Member).where(Member.name == "郑大")).one().id_number = twin
        session.commit()
    with db.session() as session:
        findings = audit_database(session, policy=POLICY, on=ON)
    found = {(f.household_number, f.problem.code) for f in findings}
    assert ("6107271012010002", "R9_ETHNICITY_EMPTY") in found  # guide rule
    assert ("6107271012010003", "R50_NO_HEAD") in found  # core rule
    assert ("6107271012010003", "R1_01_001_DUPLICATE_ID") in found  # database-wide
    assert ("6107271012010004", "Q6_NO_RISK") in found
    assert [f.household_number for f in findings] == sorted(f.household_number for f in findings)


def test_the_list_as_xlsx_and_the_fields_in_chinese(county, tmp_path) -> None:
    db, _places, _ids = county
    with db.session() as session:
        listed = village_problem_list(session, EAST_CODE, policy=POLICY, on=ON)
    summary = export_problem_list(listed, tmp_path / "问题清单.xlsx")
    rows = list(openpyxl.load_workbook(summary.path).active.iter_rows(values_only=True))
    assert "王家湾村" in rows[0][0] and "错误2个" in rows[0][0]
    assert rows[1][:4] == ("序号", "户编号", "户主", "问题类别")
    body = rows[2:]
    assert [r[1] for r in body] == ["（本村）", "6107271012010002", "6107271012010003"]
    assert body[1][3] == "疑似问题" and body[1][6] == "成员民族"
    assert field_label("member.id_number") == "成员证件号码"
    assert field_label("household.attribute") == "贫困户属性"
    assert field_label("procedure_step.step") == "识别程序"


def test_an_internal_list_xlsx_is_marked_internal(county, tmp_path) -> None:
    db, _places, _ids = county
    with db.session() as session:
        listed = village_problem_list(session, EAST_CODE, policy=POLICY, on=ON, internal=True)
    workbook = openpyxl.load_workbook(export_problem_list(listed, tmp_path / "i.xlsx").path)
    assert workbook.active.cell(row=1, column=1).value.startswith("内部资料")


def test_the_problems_command(county, tmp_path, monkeypatch, capsys) -> None:
    db, _places, _ids = county
    path = Path(db.engine.url.database)
    db.dispose()
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("desktop.cli.procedures",))
    out = tmp_path / "list.xlsx"
    argv = ["problems", "--db", str(path), "--village", EAST_CODE, "--on", "2019-11-20"]
    assert cli.main([*argv, "--out", str(out)]) == 1
    assert out.is_file()
    text = capsys.readouterr().out
    assert "错误 2, 疑似 1" in text and "另有 1 个内部问题未列出" in text
    assert cli.main([*argv, "--json", "--internal"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["internal"] is True
    assert {p["code"] for p in payload["problems"]} >= {"Q6_NO_RISK", "R50_NO_HEAD"}
    assert cli.main(["problems", "--db", str(path), "--village", "610727999999"]) == 2
