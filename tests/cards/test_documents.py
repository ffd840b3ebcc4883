"""The other paper: publicity list, household book, problem list and day-end report, each read
back from the PDF and compared with the database."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from desktop.cards import documents
from desktop.cards.data import (
    NoticeDatesMissing,
    NoticeTooShort,
    day_report,
    household_book,
    problem_list,
    publicity_list,
    village_by_code,
)
from desktop.cards.records import BuildCancelled, Place
from desktop.domain.policy import BEIJING
from desktop.store.audit import audit_database
from desktop.store.db import Database, registry_writer
from desktop.store.models import (
    Division,
    Household,
    Income,
    Member,
    OutboxChange,
    ProcedureStep,
    Risk,
)
from desktop.store.procedures import delete_village_step
from desktop.store.save import save_household
from desktop.store.settings import working_policy
from tests.cards.conftest import pdf_text

NOTICE_START, NOTICE_END = date(2019, 11, 1), date(2019, 11, 10)


def _load(session, household_id: str) -> Household:
    return session.scalars(
        select(Household)
        .where(Household.id == household_id)
        .options(selectinload(Household.members), selectinload(Household.procedure_steps))
    ).one()


def _village_with(session, **flags: bool) -> Place:
    """The first village (by code) that has a household with each of ``flags`` set."""
    for code in session.scalars(
        select(Division.code).where(Division.level == "village").order_by(Division.code)
    ):
        place = village_by_code(session, code)
        if all(
            session.scalar(
                select(Household.id).where(
                    Household.village_id == place.village_id, getattr(Household, flag).is_(True)
                )
            )
            for flag in flags
        ):
            return place
    raise AssertionError(f"no village with {flags}")


@pytest.fixture(scope="module")
def village(module_db: Database) -> dict:
    """A village with an identify procedure for an ordinary household, an exit procedure for a
    monitored one (which must still stay off the list) and a marginal household."""
    with module_db.session() as session:
        place = _village_with(session, marginal=True, monitored=True)
        ordinary = session.scalar(
            select(Household.id)
            .where(
                Household.village_id == place.village_id,
                Household.status == "ordinary",
                Household.marginal.is_(False),
            )
            .order_by(Household.household_number)
        )
        monitored = session.scalar(
            select(Household.id).where(
                Household.village_id == place.village_id, Household.monitored.is_(True)
            )
        )
        marginal = session.scalar(
            select(Household.id).where(
                Household.village_id == place.village_id, Household.marginal.is_(True)
            )
        )
        for household_id, operation in ((ordinary, "identify"), (monitored, "exit")):
            household = _load(session, household_id)
            household.procedure_steps.append(
                ProcedureStep(
                    village_id=place.village_id,
                    operation=operation,
                    step="first_notice",
                    start_date=NOTICE_START,
                    end_date=NOTICE_END,
                    recorded_by="测试员",
                )
            )
            save_household(session, household, actor="测试员", reason="登记第一次公示")
        year = working_policy(session).year
        expected = set(
            session.scalars(
                select(Household.household_number).where(
                    Household.village_id == place.village_id,
                    Household.marginal.is_(False),
                    Household.monitored.is_(False),
                    (Household.exited_year == year)
                    | (Household.identified_year == year)
                    | (Household.returned_year == year)
                    | (Household.id == ordinary),
                )
            )
        )
        numbers = dict(session.execute(select(Household.id, Household.household_number)).all())
    return {
        "place": place,
        "ordinary": ordinary,
        "monitored": monitored,
        "marginal": marginal,
        "expected": expected,
        "numbers": numbers,
    }


@pytest.fixture(scope="module")
def publicity_pdf(module_db: Database, village: dict, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("publicity") / "publicity.pdf"
    with module_db.session() as session:
        listing = publicity_list(session, village["place"].village_id)
    documents.build_publicity_list(listing, out, printed_on=date(2019, 11, 1))
    return out


def _numbers_in(text: str) -> set[str]:
    return set(re.findall(r"\b\d{16}\b", text))


def test_the_publicity_list_names_exactly_the_villages_public_households(
    publicity_pdf: Path, village: dict
) -> None:
    text = pdf_text(publicity_pdf)
    assert _numbers_in(text) == village["expected"]
    assert village["numbers"][village["ordinary"]] in text
    assert "拟新识别贫困户(1户)" in text
    assert village["place"].village in text and "2019年度" in text


def test_the_publicity_list_takes_its_dates_from_the_recorded_notice(publicity_pdf: Path) -> None:
    text = pdf_text(publicity_pdf)
    assert "第一次公示时间: 2019年11月1日至2019年11月10日(共10天)" in text


def test_no_marginal_or_monitored_household_id_number_or_income_is_on_the_publicity_list(
    module_db: Database, publicity_pdf: Path, village: dict
) -> None:
    text = pdf_text(publicity_pdf)
    compact = re.sub(r"\s+", "", text)
    assert village["numbers"][village["monitored"]] not in text  # even with an exit procedure
    assert village["numbers"][village["marginal"]] not in text
    with module_db.session() as session:
        internal = session.scalars(
            select(Household.household_number).where(
                (Household.marginal.is_(True)) | (Household.monitored.is_(True))
            )
        ).all()
        ids = session.scalars(
            select(Member.id_number)
            .join(Household)
            .where(Household.village_id == village["place"].village_id)
        ).all()
        incomes = session.scalars(
            select(Income.per_capita_net_income)
            .join(Household)
            .where(Household.village_id == village["place"].village_id)
        ).all()
    assert internal and ids and incomes
    assert not set(internal) & _numbers_in(text)
    assert not any(n and n in compact for n in ids)
    assert not any(format(i, "f") in compact for i in incomes)
    for word in ("边缘", "监测", "收入", "身份证", "风险"):
        assert word not in text


def test_a_notice_shorter_than_the_policy_allows_is_refused(
    module_db: Database, village: dict
) -> None:
    with module_db.session() as session, pytest.raises(NoticeTooShort, match="不得少于 10 天"):
        publicity_list(
            session, village["place"].village_id, start=date(2019, 11, 1), end=date(2019, 11, 9)
        )


def test_a_village_without_recorded_notice_dates_needs_them_given(fresh_db, village: dict) -> None:
    db = fresh_db()
    with db.session() as session:
        other = session.scalar(
            select(Division.id).where(
                Division.level == "village", Division.id != village["place"].village_id
            )
        )
        # the demo's villages record their procedure (Q15): this one's records are struck out
        for step_id in session.scalars(
            select(ProcedureStep.id).where(ProcedureStep.village_id == other)
        ).all():
            delete_village_step(session, step_id, actor="测试员", reason="测试：无公示记录的村")
        with pytest.raises(NoticeDatesMissing, match="没有登记公示日期"):
            publicity_list(session, other)
        listing = publicity_list(session, other, start=NOTICE_START, end=NOTICE_END)
    assert listing.notice_label == "公示"
    assert listing.start == NOTICE_START


def test_the_household_book_lists_every_change_oldest_first_with_who_and_why(
    module_db: Database, village: dict, tmp_path: Path
) -> None:
    household_id = village["ordinary"]
    with module_db.session() as session:
        household = _load(session, household_id)
        household.phone = "13912345678"
        save_household(session, household, actor="李四", reason="户主换了手机号")
        book = household_book(session, household_id)
        id_numbers = [m.id_number for m in household.members if m.id_number]
    out = tmp_path / "book.pdf"
    documents.build_household_book(book, out)
    text = pdf_text(out)
    compact = re.sub(r"\s+", "", text)
    assert [e.reason for e in book.entries][0] == "演示数据生成"
    assert [e.reason for e in book.entries][-1] == "户主换了手机号"
    assert (
        compact.index("演示数据生成")
        < compact.index("登记第一次公示")
        < compact.index("户主换了手机号")
    )
    assert "李四" in text and "13912345678" in text and "联系电话" in text
    assert "测试员" in text and "第一次公示" in text  # the step's code printed as its label
    assert village["numbers"][household_id] in text
    assert not any(n in compact for n in id_numbers)


def test_the_book_leaves_internal_entries_out_unless_asked(
    module_db: Database, village: dict
) -> None:
    household_id = village["monitored"]
    with module_db.session() as session:
        household = session.scalars(
            select(Household)
            .where(Household.id == household_id)
            .options(selectinload(Household.risks))
        ).one()
        household.risks[0].note = "家中老人住院"
        save_household(session, household, actor="测试员", reason="更新风险说明")
        public = household_book(session, household_id)
        internal = household_book(session, household_id, internal=True)
        risks = session.scalars(select(Risk.id).where(Risk.household_id == household_id)).all()
    assert risks
    assert "更新风险说明" not in [e.reason for e in public.entries]
    assert "更新风险说明" in [e.reason for e in internal.entries]
    assert len(internal.entries) > len(public.entries)


def test_the_problem_list_prints_the_villages_audit_findings(
    module_db: Database, village: dict, tmp_path: Path
) -> None:
    with module_db.session() as session:
        household = _load(session, village["ordinary"])
        worker = next(m for m in household.members if m.relation == "01")
        worker.work_months = 13
        save_household(session, household, actor="测试员", reason="外出务工时间待核实")
        listing = problem_list(session, village["place"].village_id, on=date(2019, 11, 20))
        findings = audit_database(  # the database's working policy, as the list uses
            session, village_ids=[village["place"].village_id], on=date(2019, 11, 20)
        )
    out = tmp_path / "problems.pdf"
    documents.build_problem_list(listing, out)
    compact = re.sub(r"\s+", "", pdf_text(out))
    assert len(listing.rows) == len(findings) >= 1
    assert any(f.household_id == village["ordinary"] for f in findings)
    assert village["numbers"][village["ordinary"]] in compact
    for finding in findings:
        assert finding.household_number in compact
        assert finding.problem.code in compact
        assert re.sub(r"\s+", "", finding.problem.message) in compact
    assert f"共{len(findings)}个" in compact


def test_the_day_report_counts_visits_changes_unsynced_missing_locations_and_problems(
    fresh_db, tmp_path: Path
) -> None:
    db = fresh_db()
    today = datetime.now(UTC).astimezone(BEIJING).date()
    with db.session() as session:
        place = _village_with(session, monitored=True)
        ids = session.scalars(
            select(Household.id)
            .where(Household.village_id == place.village_id)
            .order_by(Household.household_number)
            .limit(3)
        ).all()
        visited, unlocated, problem = (_load(session, i) for i in ids)
        visited.last_visit_date = today
        save_household(session, visited, actor="测试员", reason="入户走访")
        unlocated.latitude = unlocated.longitude = None
        unlocated.location_source = None
        save_household(session, unlocated, actor="测试员", reason="位置待重新采集")
        problem.members[0].work_months = 13
        save_household(session, problem, actor="测试员", reason="务工时间待核实")
        pending = session.scalar(
            select(OutboxChange.change_id).where(OutboxChange.state == "pending").limit(1)
        )
        report = day_report(session, today, village_ids=[place.village_id])
        yesterday = day_report(session, today - timedelta(days=1), village_ids=[place.village_id])
        numbers = {i: session.get(Household, i).household_number for i in ids}
    assert pending is not None
    assert [h.household_number for h in report.visited] == [numbers[ids[0]]]
    assert {h.household_number for h in report.changed} == set(numbers.values())
    assert {h.household_number for h in report.unsynced} == set(numbers.values())
    assert numbers[ids[1]] in {h.household_number for h in report.without_location}
    assert numbers[ids[2]] in {h.household_number for h in report.with_open_problems}
    assert not yesterday.changed and not yesterday.visited
    out = tmp_path / "day.pdf"
    documents.build_day_report(report, out)
    text = pdf_text(out)
    assert "驻村工作日报" in text and place.village in text
    assert "当天走访(1户)" in text
    assert f"尚未同步({len(report.unsynced)}户)" in text
    for number in numbers.values():
        assert number in text


def test_a_list_build_can_be_cancelled_and_leaves_no_file(
    module_db: Database, village: dict, tmp_path: Path
) -> None:
    with module_db.session() as session:
        listing = publicity_list(session, village["place"].village_id)
    out = tmp_path / "cancelled.pdf"
    with pytest.raises(BuildCancelled):
        documents.build_publicity_list(listing, out, cancelled=lambda: True)
    assert not out.exists()


def test_the_problem_list_leaves_out_marginal_and_monitored_problems_unless_internal(
    fresh_db: Callable[[], Database], tmp_path: Path
) -> None:
    db = fresh_db()
    with db.session() as session:
        marginal = session.scalars(select(Household).where(Household.marginal.is_(True))).first()
        with registry_writer(session, "test"):
            marginal.monitored = True  # Q6_BOTH_FLAGS: an internal problem, never on public paper
            session.commit()
        village_id = marginal.village_id
        public = problem_list(session, village_id, on=date(2019, 11, 20))
        internal = problem_list(session, village_id, on=date(2019, 11, 20), internal=True)
    assert "Q6_BOTH_FLAGS" in {r.code for r in internal.rows}
    assert not [r for r in public.rows if r.code.startswith("Q6_")]
    out = tmp_path / "public.pdf"
    documents.build_problem_list(public, out)
    assert "边缘户" not in pdf_text(out) and "监测户" not in pdf_text(out)


def test_printing_a_villages_cards_is_no_edit_in_the_day_report(fresh_db, tmp_path: Path) -> None:
    from desktop.cards.data import card_household_ids
    from desktop.cards.service import print_cards

    db = fresh_db()
    today = datetime.now(UTC).astimezone(BEIJING).date()
    with db.session() as session:
        place = _village_with(session, monitored=True)
        ids = card_household_ids(session, place.village_id)
        print_cards(session, ids, tmp_path / "cards.pdf", actor="测试员")
        print_cards(session, ids[:2], tmp_path / "again.pdf", actor="测试员", reprint=True)
        visited = _load(session, ids[0])
        visited.last_visit_date = today
        save_household(session, visited, actor="测试员", reason="入户走访")
        report = day_report(session, today, village_ids=[place.village_id])
        number = visited.household_number
    assert len(ids) > 2
    assert [h.household_number for h in report.visited] == [number]
    assert [h.household_number for h in report.changed] == [number]
    assert not report.created
    assert [h.household_number for h in report.unsynced] == [number]
