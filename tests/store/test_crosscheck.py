"""The cross-check on a real SQLite file: who is exported, how results are matched and stored,
decisions that let the procedure go on, the review list, one transaction, and the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop import cli
from desktop.domain import procedure as rules
from desktop.store.crosscheck import (
    CrosscheckError,
    commit_crosscheck_import,
    crosscheck_persons,
    crosscheck_review,
    export_crosscheck,
    person_result,
    preview_crosscheck_import,
    record_decision,
)
from desktop.store.db import registry_writer
from desktop.store.exchange.importing import ImportRefused
from desktop.store.models import CrosscheckResult, LedgerEntry, Member, OutboxChange
from desktop.store.procedures import StepEntry, household_procedure, record_village_step
from tests.store.guide_fixtures import (
    POLICY,
    add_household,
    build_registry,
    count,
    member,
    writes,
)

D = date
HEADERS = [
    "姓名",
    "身份证号码",
    "是否公务员",
    "是否企事业单位人员",
    "是否拥有车辆",
    "是否拥有住房",
    "是否企业法人",
]


@pytest.fixture
def county(tmp_path):
    """Two villages: a new household (2 people), a returning one, a married-in bride in an old
    exited household, an ordinary household with a bride (not registered: not sent), and a
    person who moved in years ago (not sent)."""
    db, places = build_registry(tmp_path / "f.db")
    new = add_household(
        db,
        places.east_id,
        "6107271012010001",
        status="poor",
        identified_year=2019,
        per_capita=2500,
        people=[
            member("赵大山", "01", "1", D(1968, 2, 2), work_months=6),
            member("钱小花", "02", "2", D(1970, 4, 4)),
        ],
    )
    back = add_household(
        db,
        places.east_id,
        "6107271012010002",
        status="poor",
        identified_year=2014,
        returned_year=2019,
        per_capita=2500,
        people=[member("孙有才", "01", "1", D(1960, 1, 9), work_months=3)],
    )
    bride = member(
        "周美丽", "05", "2", D(1995, 8, 8), joined_reason="05", joined_date=D(2019, 3, 1)
    )
    old = add_household(
        db,
        places.west_id,
        "6107271012020001",
        people=[
            member("吴建军", "01", "1", D(1965, 5, 5), work_months=10),
            member("郑秀兰", "02", "2", D(1966, 6, 6)),
            member("吴强", "03", "1", D(1993, 3, 3), work_months=10),
            bride,
            member(
                "王迁入", "11", "1", D(1940, 1, 1), joined_reason="07", joined_date=D(2016, 5, 1)
            ),
        ],
    )
    add_household(
        db,
        places.west_id,
        "6107271012020002",
        status="ordinary",
        people=[
            member("冯平", "01", "1", D(1980, 1, 1), work_months=12),
            member(
                "陈新娘", "02", "2", D(1990, 1, 1), joined_reason="05", joined_date=D(2019, 5, 1)
            ),
        ],
    )
    yield db, places, {"new": new, "back": back, "old": old, "bride": bride.id}
    db.dispose()


def write_results(path: Path, rows: list[list[object]], headers: list[str] = HEADERS) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "比对结果"
    sheet.append(["2019年省级比对结果反馈"])  # a title line above the headers
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def ids_of(db, household_id: str) -> dict[str, str]:
    with db.session() as session:
        return {
            m.name: m.id_number
            for m in session.scalars(select(Member).where(Member.household_id == household_id))
        }


def test_the_persons_sent_are_new_returning_married_in_and_moved_in_this_year(county) -> None:
    db, _places, ids = county
    with db.session() as session:
        persons = crosscheck_persons(session, policy=POLICY)
    assert [(p.household_number, p.name, p.reason) for p in persons] == [
        ("6107271012010001", "赵大山", "新识别"),
        ("6107271012010001", "钱小花", "新识别"),
        ("6107271012010002", "孙有才", "返贫"),
        ("6107271012020001", "周美丽", "嫁入"),
    ]
    assert persons[0].village_name == "王家湾村" and persons[3].village_code == "610727101202"


def test_the_export_lists_name_id_household_and_village(county, tmp_path) -> None:
    db, _places, ids = county
    with db.session() as session:
        summary = export_crosscheck(session, tmp_path / "比对名单.xlsx", policy=POLICY)
    assert summary.sheets == {"比对人员": 4}
    sheet = openpyxl.load_workbook(summary.path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "共4人" in rows[0][0]
    assert rows[1][:7] == ("序号", "姓名", "证件号码", "户编号", "行政村代码", "行政村", "纳入方式")
    assert rows[3][:4] == (1, "赵大山", ids_of(db, ids["new"])["赵大山"], "6107271012010001")
    assert all(isinstance(r[2], str) and len(r[2]) == 18 for r in rows[3:])


def test_results_are_matched_by_id_and_unmatched_rows_are_reported_not_dropped(
    county, tmp_path
) -> None:
    db, _places, ids = county
    people = ids_of(db, ids["new"])
    bride_id = ids_of(db, ids["old"])["周美丽"]
    path = write_results(
        tmp_path / "r.xlsx",
        [
            ["赵大山", people["赵大山"], "否", "否", "是", "否", "否"],
            ["钱小花", people["钱小花"].lower(), 0, 0, 0, 0, 0],
            ["周美丽", bride_id, "", "", "", "√", ""],
            ["无名氏", "610727199001011234", "是", "否", "否", "否", "否"],
            ["赵大山", people["赵大山"], "否", "否", "否", "否", "否"],
            ["坏值", "610727199001011242", "也许", "否", "否", "否", "否"],
        ],
    )
    with db.session() as session:
        preview = preview_crosscheck_import(session, path, policy=POLICY)
    assert [(m.member_name, m.flagged) for m in preview.matched] == [
        ("赵大山", True),
        ("钱小花", False),
        ("周美丽", True),
    ]
    assert [(i.row, i.name) for i in preview.unmatched] == [(6, "无名氏")]
    reasons = {i.row: i.reason for i in preview.invalid}
    assert "第3行" in reasons[7] and "也许" in reasons[8]
    assert [p.name for p in preview.not_returned] == ["孙有才"]
    assert preview.has_issues
    with db.session() as session:
        assert count(session, CrosscheckResult) == 0  # a preview writes nothing


def test_an_id_held_in_two_households_is_ambiguous_unless_one_was_sent(county, tmp_path) -> None:
    db, places, ids = county
    not_sent = ids_of(db, ids["old"])["吴强"]
    sent = ids_of(db, ids["back"])["孙有才"]
    other = add_household(
        db,
        places.west_id,
        "6107271012020009",
        status="ordinary",
        people=[
            member("甲", "01", "1", D(1980, 1, 1), work_months=12),
            member("乙", "02", "2", D(1981, 1, 1)),
        ],
    )
    with db.session() as session, registry_writer(session, "test"):
        first, second = session.scalars(
            select(Member).where(Member.household_id == other).order_by(Member.position)
        ).all()
        first.id_number, second.id_number = not_sent, sent
        session.commit()
    path = write_results(
        tmp_path / "r.xlsx",
        [
            ["吴强", not_sent, "否", "否", "否", "否", "否"],
            ["孙有才", sent, "否", "否", "否", "否", "否"],
        ],
    )
    with db.session() as session:
        preview = preview_crosscheck_import(session, path, policy=POLICY)
    assert [i.row for i in preview.ambiguous] == [3]
    assert "6107271012020001" in preview.ambiguous[0].reason
    assert "6107271012020009" in preview.ambiguous[0].reason
    assert [(m.member_name, m.household_number, m.on_list) for m in preview.matched] == [
        ("孙有才", "6107271012010002", True)
    ]


def test_committed_results_go_through_the_save_with_book_and_outbox(county, tmp_path) -> None:
    db, _places, ids = county
    people = ids_of(db, ids["new"])
    path = write_results(
        tmp_path / "r.xlsx",
        [
            ["赵大山", people["赵大山"], "否", "否", "是", "否", "否"],
            ["钱小花", people["钱小花"], "否", "否", "否", "否", "否"],
        ],
    )
    with db.session() as session:
        preview = preview_crosscheck_import(session, path, policy=POLICY)
    result = commit_crosscheck_import(db, preview, actor="县扶贫办", checked_date=D(2019, 10, 20))
    assert (result.households, result.rows) == (1, 2)
    with db.session() as session:
        stored = {r.member_id: r for r in session.scalars(select(CrosscheckResult))}
        assert len(stored) == 2
        flagged = [r for r in stored.values() if r.vehicle]
        assert len(flagged) == 1 and flagged[0].checked_date == D(2019, 10, 20)
        assert flagged[0].decision is None
        assert count(session, OutboxChange, OutboxChange.entity == "crosscheck_results") == 2
        reasons = set(
            session.scalars(
                select(LedgerEntry.reason).where(LedgerEntry.entity == "crosscheck_results")
            )
        )
        assert reasons == {"导入比对结果（导引第4、15问）"}
        review = crosscheck_review(session, policy=POLICY)
        assert [(r.name, r.findings, r.decided) for r in review] == [
            ("赵大山", ("拥有车辆",), False)
        ]
        shown = person_result(session, flagged[0].member_id, policy=POLICY)
        assert shown is not None and shown.vehicle


def test_a_flagged_person_holds_the_procedure_until_the_appraisal_decides(county, tmp_path) -> None:
    db, places, ids = county
    people = ids_of(db, ids["new"])
    path = write_results(
        tmp_path / "r.xlsx", [["赵大山", people["赵大山"], "是", "否", "否", "否", "否"]]
    )
    with db.session() as session:
        for step in (
            StepEntry("identify", "appraisal", D(2019, 10, 8)),
            StepEntry("identify", "first_notice", D(2019, 10, 8), D(2019, 10, 17)),
            StepEntry("identify", "crosscheck", D(2019, 10, 9), D(2019, 10, 15)),
            StepEntry("identify", "second_appraisal", D(2019, 10, 18)),
            StepEntry("identify", "second_notice", D(2019, 10, 18), D(2019, 10, 27)),
            StepEntry("identify", "announcement", D(2019, 10, 28)),
        ):
            record_village_step(session, places.east_id, step, actor="a")
        assert household_procedure(session, ids["new"]).complete
        preview = preview_crosscheck_import(session, path, policy=POLICY)
    commit_crosscheck_import(db, preview, actor="a", checked_date=D(2019, 10, 15))
    with db.session() as session:
        held = household_procedure(session, ids["new"])
        assert not held and held.missing == ("second_notice", "announcement")
        assert rules.PROC_CROSSCHECK_UNDECIDED in {p.code for p in held.problems}
        zhao = session.scalars(select(Member).where(Member.name == "赵大山")).one()
        record_decision(session, zhao.id, "include", actor="村民代表大会", note="已辞去村医职务")
    with db.session() as session:
        assert household_procedure(session, ids["new"]).complete
        result = session.scalars(select(CrosscheckResult)).one()
        assert (result.decision, result.decision_note) == ("include", "已辞去村医职务")
        record_decision(session, result.member_id, "exclude", actor="a")
        stopped = household_procedure(session, ids["new"])
        assert rules.PROC_CROSSCHECK_EXCLUDED in {p.code for p in stopped.errors}


def test_new_findings_clear_a_decision_taken_on_other_findings(county, tmp_path) -> None:
    db, _places, ids = county
    zhao = ids_of(db, ids["new"])["赵大山"]
    first = write_results(tmp_path / "1.xlsx", [["赵大山", zhao, "否", "否", "是", "否", "否"]])
    with db.session() as session:
        commit_crosscheck_import(
            db, preview_crosscheck_import(session, first), actor="a", checked_date=D(2019, 10, 15)
        )
        session.rollback()  # the preview's read transaction ends; the next reads see the import
        member_id = session.scalars(select(CrosscheckResult.member_id)).one()
        record_decision(session, member_id, "include", actor="a")
    second = write_results(tmp_path / "2.xlsx", [["赵大山", zhao, "否", "否", "是", "是", "否"]])
    with db.session() as session:
        commit_crosscheck_import(
            db, preview_crosscheck_import(session, second), actor="a", checked_date=D(2019, 10, 25)
        )
    with db.session() as session:
        result = session.scalars(select(CrosscheckResult)).one()  # replaced, not added
        assert (result.housing, result.decision, result.checked_date) == (
            True,
            None,
            D(2019, 10, 25),
        )


def test_a_decision_is_only_taken_on_a_flagged_person_and_from_the_known_choices(
    county, tmp_path
) -> None:
    db, _places, ids = county
    people = ids_of(db, ids["new"])
    path = write_results(
        tmp_path / "r.xlsx", [["钱小花", people["钱小花"], "否", "否", "否", "否", "否"]]
    )
    with db.session() as session:
        commit_crosscheck_import(
            db, preview_crosscheck_import(session, path), actor="a", checked_date=D(2019, 10, 15)
        )
        session.rollback()  # the preview's read transaction ends; the next reads see the import
        member_id = session.scalars(select(CrosscheckResult.member_id)).one()
        with pytest.raises(CrosscheckError, match="没有发现问题"):
            record_decision(session, member_id, "include", actor="a")
        with pytest.raises(CrosscheckError, match="评议结论只能是"):
            record_decision(session, member_id, "maybe", actor="a")


def test_an_import_is_all_or_nothing_when_one_household_cannot_be_saved(county, tmp_path) -> None:
    db, _places, ids = county
    people = ids_of(db, ids["new"])
    bride = ids_of(db, ids["old"])["周美丽"]
    with db.session() as session, registry_writer(session, "test"):
        head = session.scalars(
            select(Member).where(Member.household_id == ids["old"], Member.relation == "01")
        ).one()
        head.relation = "03"  # the household now has no head: an error refuses its save
        session.commit()
    path = write_results(
        tmp_path / "r.xlsx",
        [
            ["赵大山", people["赵大山"], "否", "否", "是", "否", "否"],
            ["周美丽", bride, "否", "否", "否", "否", "否"],
        ],
    )
    with db.session() as session:
        preview = preview_crosscheck_import(session, path)
        before = writes(session)
    with pytest.raises(ImportRefused) as refused:
        commit_crosscheck_import(db, preview, actor="a", checked_date=D(2019, 10, 20))
    assert refused.value.household_number == "6107271012020001"
    assert "整个导入已撤销" in refused.value.message
    with db.session() as session:
        assert count(session, CrosscheckResult) == 0
        assert writes(session) == before


def test_the_crosscheck_commands_export_preview_commit_and_review(
    county, tmp_path, monkeypatch, capsys
) -> None:
    db, _places, ids = county
    path = Path(db.engine.url.database)
    db.dispose()
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("desktop.cli.procedures",))
    out = tmp_path / "list.xlsx"
    assert cli.main(["crosscheck", "export", "--db", str(path), "--out", str(out)]) == 0
    assert out.is_file() and "4 人" in capsys.readouterr().out

    people = ids_of(db, ids["new"])
    results = write_results(
        tmp_path / "r.xlsx", [["赵大山", people["赵大山"], "否", "否", "是", "否", "否"]]
    )
    assert cli.main(["crosscheck", "import", "--db", str(path), str(results), "--json"]) == 0
    preview = json.loads(capsys.readouterr().out)
    assert preview["committed"] is False and preview["flagged"][0]["findings"] == ["拥有车辆"]
    commit = ["crosscheck", "import", "--db", str(path), str(results), "--commit"]
    assert cli.main([*commit, "--checked-date", "2021-01-05"]) == 1
    assert "不在2019年度" in capsys.readouterr().out
    assert cli.main([*commit, "--checked-date", "2019-10-20"]) == 0
    assert "已记录 1 人" in capsys.readouterr().out
    assert cli.main(["crosscheck", "review", "--db", str(path)]) == 1  # one person undecided
    assert "未登记评议结论 1 人" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        cli.main(["crosscheck", "import", "--db", str(path)])  # no file: argparse's usage error
    assert usage.value.code == 2


def test_the_second_notice_cannot_be_recorded_while_a_flagged_person_is_undecided(
    county, tmp_path
) -> None:
    from desktop.store.procedures import ProcedureRefused

    db, places, ids = county
    zhao = ids_of(db, ids["new"])["赵大山"]
    path = write_results(tmp_path / "r.xlsx", [["赵大山", zhao, "否", "否", "否", "否", "是"]])
    with db.session() as session:
        preview = preview_crosscheck_import(session, path, policy=POLICY)
    commit_crosscheck_import(db, preview, actor="a", checked_date=D(2019, 10, 15))
    notice = StepEntry("identify", "second_notice", D(2019, 10, 18), D(2019, 10, 27))
    with db.session() as session:
        record_village_step(
            session,
            places.east_id,
            StepEntry("identify", "second_appraisal", D(2019, 10, 18)),
            actor="a",
        )
        with pytest.raises(ProcedureRefused) as held:
            record_village_step(session, places.east_id, notice, actor="a")
        assert held.value.problems[0].code == rules.PROC_CROSSCHECK_UNDECIDED
        assert "赵大山" in held.value.message and "企业法人" in held.value.message
        # the west village has no flagged person: its second notice goes on
        record_village_step(
            session,
            places.west_id,
            StepEntry("identify", "second_appraisal", D(2019, 10, 18)),
            actor="a",
        )
        record_village_step(session, places.west_id, notice, actor="a")
        member_id = session.scalars(select(CrosscheckResult.member_id)).one()
        record_decision(session, member_id, "include", actor="a")
        record_village_step(session, places.east_id, notice, actor="a")


def test_a_flagged_married_in_bride_holds_her_villages_second_notice_until_decided(
    county, tmp_path
) -> None:
    """Q15: the people who married or moved in are cross-checked like new households, and an
    undecided finding about them holds the village's second notice and announcement."""
    from desktop.store.procedures import ProcedureRefused

    db, places, ids = county
    bride = ids_of(db, ids["old"])["周美丽"]
    path = write_results(tmp_path / "r.xlsx", [["周美丽", bride, "否", "否", "是", "否", "否"]])
    with db.session() as session:
        preview = preview_crosscheck_import(session, path, policy=POLICY)
    commit_crosscheck_import(db, preview, actor="a", checked_date=D(2019, 10, 15))
    notice = StepEntry("identify", "second_notice", D(2019, 10, 18), D(2019, 10, 27))
    with db.session() as session:
        record_village_step(
            session,
            places.west_id,
            StepEntry("identify", "second_appraisal", D(2019, 10, 18)),
            actor="a",
        )
        with pytest.raises(ProcedureRefused) as held:
            record_village_step(session, places.west_id, notice, actor="a")
        assert held.value.problems[0].code == rules.PROC_CROSSCHECK_UNDECIDED
        assert "周美丽" in held.value.message
        record_decision(session, ids["bride"], "include", actor="a")
        record_village_step(session, places.west_id, notice, actor="a")
