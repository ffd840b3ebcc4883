"""The one save path: rows, household book and outbox in one transaction, or nothing at all."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from desktop.domain.idcard import make_id_number
from desktop.domain.problems import Problem, Severity
from desktop.store import search
from desktop.store.db import UnguardedRegistryWrite, open_database, registry_writer
from desktop.store.models import (
    AssistancePerson,
    Division,
    Household,
    Income,
    LedgerEntry,
    Member,
    OutboxChange,
    ProcedureStep,
)
from desktop.store.save import SaveRefused, save_household, save_village_rows
from desktop.store.settings import POLICY_YEAR_KEY, set_setting

REGION = "610424"


def no_problems(_household: Household) -> list[Problem]:
    return []


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    """The same contract on the laptop's SQLite file and on the server's PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "fieldbook.db"
    else:
        target = request.getfixturevalue("pg_database_url")
    database = open_database(target)
    with database.session() as session, registry_writer(session, "test"):
        county = Division(code=f"{REGION}000000", level="county", name="乾县")
        township = Division(code=f"{REGION}100000", level="township", name="城关镇", parent=county)
        session.add(
            Division(code=f"{REGION}100201", level="village", name="东街村", parent=township)
        )
        session.commit()
    yield database
    database.dispose()


def village(session) -> Division:
    return session.scalars(select(Division).where(Division.level == "village")).one()


def new_household(
    session, number: str = "6104241002010001", *, head_name: str = "张建国"
) -> Household:
    household = Household(household_number=number, village=village(session), status="poor")
    household.members.append(
        Member(
            name=head_name,
            sex="1",
            relation="01",
            birth_date=date(1970, 5, 1),
            id_number=make_id_number(REGION, date(1970, 5, 1), int(number[-2:]), "1"),
        )
    )
    household.members.append(
        Member(
            name="李秀英",
            sex="2",
            relation="02",
            birth_date=date(1972, 3, 9),
            id_number=make_id_number(REGION, date(1972, 3, 9), int(number[-2:]), "2"),
        )
    )
    household.incomes.append(
        Income(
            policy_year=2019,
            period_start=date(2018, 10, 1),
            period_end=date(2019, 9, 30),
            wage_income=Decimal("6000"),
            business_income=Decimal("6000"),
            property_income=Decimal("1180"),
            transfer_income=Decimal("4205"),
            production_costs=Decimal("1000"),
        )
    )
    return household


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_creating_a_household_writes_rows_book_and_outbox_together(db):
    with db.session() as session:
        household = new_household(session)
        result = save_household(session, household, actor="王干部", validator=no_problems)

    with db.session() as session:
        saved = session.get(Household, result.household_id)
        assert saved.member_count == 2
        assert [m.name for m in saved.members] == ["张建国", "李秀英"]
        assert saved.incomes[0].per_capita_net_income == Decimal("8192.50")
        changes = session.scalars(select(OutboxChange).order_by(OutboxChange.device_seq)).all()
        # household + 2 members + 1 income, each one create change
        assert sorted(c.entity for c in changes) == ["households", "incomes", "members", "members"]
        assert {c.op for c in changes} == {"create"}
        assert [c.device_seq for c in changes] == [1, 2, 3, 4]
        assert all(c.village_code == f"{REGION}100201" for c in changes)
        assert all(c.state == "pending" for c in changes)
        book = session.scalars(select(LedgerEntry)).all()
        assert {e.actor for e in book} == {"王干部"}
        assert {e.household_id for e in book} == {saved.id}


def test_book_and_outbox_name_the_same_fields_with_the_same_values(db):
    with db.session() as session:
        household = new_household(session)
        save_household(session, household, actor="王干部", validator=no_problems)
        household.phone = "13912345678"
        household.members[1].name = "李秀兰"
        save_household(
            session, household, actor="王干部", reason="户主更正配偶姓名", validator=no_problems
        )

    with db.session() as session:
        for change in session.scalars(select(OutboxChange)):
            entries = session.scalars(
                select(LedgerEntry).where(LedgerEntry.change_id == change.change_id)
            ).all()
            assert {e.field for e in entries} == set(change.fields)
            assert all(e.entity_id == change.entity_id for e in entries)
        updates = session.scalars(select(OutboxChange).where(OutboxChange.op == "update")).all()
        assert sorted((u.entity, u.fields) for u in updates) == [
            ("households", {"phone": "13912345678"}),
            ("members", {"name": "李秀兰"}),
        ]
        renamed = session.scalars(
            select(LedgerEntry).where(
                LedgerEntry.field == "name", LedgerEntry.old_value == "李秀英"
            )
        ).one()
        assert (renamed.new_value, renamed.reason) == ("李秀兰", "户主更正配偶姓名")


def test_outbox_replayed_in_order_rebuilds_every_row(db):
    with db.session() as session:
        household = new_household(session)
        save_household(session, household, actor="a", validator=no_problems)
        household.members[0].work_months = 6
        household.incomes[0].wage_income = Decimal("7000.50")
        save_household(session, household, actor="a", validator=no_problems)

    with db.session() as session:
        rebuilt: dict[str, dict] = {}
        for change in session.scalars(select(OutboxChange).order_by(OutboxChange.device_seq)):
            rebuilt.setdefault(change.entity_id, {}).update(change.fields)
        head = session.scalars(select(Member).where(Member.relation == "01")).one()
        income = session.scalars(select(Income)).one()
        assert rebuilt[head.id]["work_months"] == 6
        assert rebuilt[head.id]["name"] == "张建国"
        assert rebuilt[head.id]["birth_date"] == "1970-05-01"
        assert rebuilt[income.id]["wage_income"] == "7000.50"


def test_a_failure_after_the_rows_are_flushed_leaves_nothing_written(db, monkeypatch):
    def fail(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(search, "reindex_households", fail)
    with db.session() as session:
        household = new_household(session)
        with pytest.raises(RuntimeError, match="disk full"):
            save_household(session, household, actor="a", validator=no_problems)

    with db.session() as session:
        assert count(session, Household) == 0
        assert count(session, Member) == 0
        assert count(session, Income) == 0
        assert count(session, LedgerEntry) == 0
        assert count(session, OutboxChange) == 0


def test_a_constraint_violation_rolls_back_the_whole_second_save(db):
    with db.session() as session:
        save_household(session, new_household(session), actor="a", validator=no_problems)
    with db.session() as session:
        clash = new_household(session, number="6104241002010001", head_name="赵六")
        clash.members[0].id_number = make_id_number(REGION, date(1970, 5, 1), 77, "1")
        clash.members[1].id_number = make_id_number(REGION, date(1972, 3, 9), 78, "2")
        with pytest.raises(IntegrityError):
            save_household(session, clash, actor="a", validator=no_problems)
    with db.session() as session:
        assert count(session, Household) == 1
        assert count(session, Member) == 2
        assert count(session, OutboxChange) == 4
        assert session.scalar(select(func.count()).where(Member.name == "赵六")) == 0


def test_errors_refuse_the_save_and_keep_what_was_typed(db):
    def id_error(household: Household) -> list[Problem]:
        return [Problem("ID_BAD_CHECK_DIGIT", "member.id_number", Severity.ERROR, "校验码错误")]

    with db.session() as session:
        household = new_household(session)
        household.members[0].name = "张建军"
        with pytest.raises(SaveRefused) as refused:
            save_household(session, household, actor="a", validator=id_error)
        assert refused.value.problems[0].code == "ID_BAD_CHECK_DIGIT"
        assert household.members[0].name == "张建军"
        assert household.phone is None
        session.rollback()
    with db.session() as session:
        assert count(session, Household) == 0
        assert count(session, OutboxChange) == 0


def test_warnings_need_a_reason_which_the_book_keeps(db):
    def suspicious(household: Household) -> list[Problem]:
        return [
            Problem(
                "R45_INCOME_RANGE",
                "income.per_capita_net_income",
                Severity.WARNING,
                "人均纯收入异常",
            )
        ]

    with db.session() as session:
        household = new_household(session)
        with pytest.raises(SaveRefused, match="说明原因"):
            save_household(session, household, actor="a", validator=suspicious)
        result = save_household(
            session, household, actor="a", reason="已入户核实", validator=suspicious
        )
        assert [p.code for p in result.problems] == ["R45_INCOME_RANGE"]
    with db.session() as session:
        reasons = set(session.scalars(select(LedgerEntry.reason)))
        assert reasons == {"已入户核实"}


def test_the_same_id_number_in_another_household_is_refused(db):
    with db.session() as session:
        first = new_household(session)
        save_household(session, first, actor="a", validator=no_problems)
        taken = first.members[0].id_number
    with db.session() as session:
        second = new_household(session, number="6104241002010002")
        second.members[0].id_number = taken
        with pytest.raises(SaveRefused) as refused:
            save_household(session, second, actor="a", validator=no_problems)
        assert [p.code for p in refused.value.problems] == ["R1_01_001_DUPLICATE_ID"]
        assert "6104241002010001" in refused.value.problems[0].message


def test_a_member_who_leaves_stays_in_the_book_and_stops_counting(db):
    with db.session() as session:
        household = new_household(session)
        save_household(session, household, actor="a", validator=no_problems)
        household.members[1].left_reason = "02"
        household.members[1].left_date = date(2019, 10, 20)
        save_household(session, household, actor="a", reason="嫁出", validator=no_problems)
        assert household.member_count == 1
    with db.session() as session:
        assert count(session, Member) == 2
        change = session.scalars(
            select(OutboxChange).where(
                OutboxChange.entity == "households", OutboxChange.op == "update"
            )
        ).one()
        assert change.fields == {"member_count": 1}


def test_tombstoned_rows_go_out_as_deletes(db):
    with db.session() as session:
        household = new_household(session)
        save_household(session, household, actor="a", validator=no_problems)
        household.incomes[0].deleted = True
        save_household(session, household, actor="a", reason="重复录入", validator=no_problems)
    with db.session() as session:
        delete = session.scalars(select(OutboxChange).where(OutboxChange.op == "delete")).one()
        assert delete.entity == "incomes"
        assert delete.fields == {"deleted": True}


def test_registry_rows_cannot_be_written_outside_the_save_path(db):
    with db.session() as session:
        session.add(Division(code="610424100202", level="village", name="西街村"))
        with pytest.raises(UnguardedRegistryWrite):
            session.commit()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_on(tmp_db_path):
    db = open_database(tmp_db_path)
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    db.dispose()


def test_the_real_audit_refuses_a_bad_id_number_and_names_the_member(db):
    with db.session() as session:
        set_setting(session, POLICY_YEAR_KEY, "2019")
        session.commit()
        household = new_household(session)
        wrong = household.members[1].id_number[:-1] + (
            "0" if household.members[1].id_number[-1] != "0" else "1"
        )
        household.members[1].id_number = wrong
        with pytest.raises(SaveRefused) as refused:
            save_household(session, household, actor="a")
        errors = [p for p in refused.value.problems if p.is_error]
        assert [p.code for p in errors] == ["R1_01_003_ID_INVALID"]
        assert errors[0].entity_id == household.members[1].id
        assert household.members[1].id_number == wrong  # what was typed is still there


def test_a_clean_household_saves_through_the_real_audit(db):
    with db.session() as session:
        set_setting(session, POLICY_YEAR_KEY, "2019")
        session.commit()
        household = new_household(session)
        for member in household.members:
            member.ethnicity, member.health, member.labour_skill = "01", ["01"], "01"
            member.school_status, member.education = "01", "03"
        household.main_cause = "07"
        result = save_household(session, household, actor="a", reason="入户核实")
        assert all(not p.is_error for p in result.problems)
    with db.session() as session:
        assert count(session, Household) == 1


def test_new_rows_attached_through_relationships_go_out_with_their_foreign_keys(db):
    with db.session() as session:
        household = new_household(session)
        household.assistance_person = AssistancePerson(name="刘帮扶", phone="13800001111")
        save_household(session, household, actor="a", validator=no_problems)
    with db.session() as session:
        creates = {c.entity_id: c for c in session.scalars(select(OutboxChange))}
        saved = session.scalars(select(Household)).one()
        assert creates[saved.id].fields["village_id"] == saved.village_id
        assert creates[saved.id].fields["assistance_person_id"] == saved.assistance_person_id
        for member in saved.members:
            assert creates[member.id].fields["household_id"] == saved.id
        assert creates[saved.incomes[0].id].fields["household_id"] == saved.id
        order = [
            c.entity
            for c in session.scalars(select(OutboxChange).order_by(OutboxChange.device_seq))
        ]
        assert order.index("assistance_persons") < order.index("households")


def test_editing_a_loaded_household_saves_through_the_real_audit(db):
    with db.session() as session:
        set_setting(session, POLICY_YEAR_KEY, "2019")
        session.commit()
        save_household(session, new_household(session), actor="a", validator=no_problems)
    with db.session() as session:
        household = session.scalars(select(Household)).one()
        household.members[0].phone = "13912345678"
        household.phone = "13912345678"
        result = save_household(session, household, actor="b", reason="核实")
        assert len(result.change_ids) == 2


def test_a_village_committee_location_and_a_village_level_step_are_booked_and_queued(db):
    with db.session() as session:
        east = village(session)
        east.committee_latitude, east.committee_longitude = 34.5, 108.2
        east.committee_location_source = "gps"
        step = ProcedureStep(
            village_id=east.id,
            operation="identify",
            step="second_notice",
            start_date=date(2019, 11, 1),
            end_date=date(2019, 11, 10),
            outcome="本村无新识别和返贫户, 照常公示 (导引第15问)",
        )
        result = save_village_rows(
            session, east, [east, step], actor="村支书", reason="村委会位置核实"
        )
        assert len(result.change_ids) == 2
    with db.session() as session:
        changes = session.scalars(select(OutboxChange).order_by(OutboxChange.device_seq)).all()
        assert [(c.entity, c.op) for c in changes] == [
            ("divisions", "update"),
            ("procedure_steps", "create"),
        ]
        assert all(c.village_code == f"{REGION}100201" for c in changes)
        assert changes[0].fields == {
            "committee_latitude": 34.5,
            "committee_longitude": 108.2,
            "committee_location_source": "gps",
        }
        assert changes[1].fields["village_id"] == village(session).id
        book = session.scalars(select(LedgerEntry)).all()
        assert {e.household_id for e in book} == {None}
        assert {e.reason for e in book} == {"村委会位置核实"}
