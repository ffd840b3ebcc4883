"""The store-side audit runner on a real SQLite file: chunks, villages, duplicate IDs, no writes."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desktop.domain.audit import audit_household
from desktop.domain.idcard import make_disability_number, make_id_number
from desktop.domain.policy import policy_year
from desktop.domain.problems import Severity
from desktop.store.audit import AuditFinding, audit_database
from desktop.store.db import Database, open_database, registry_writer
from desktop.store.models import (
    AssistanceMeasure,
    Division,
    Household,
    Income,
    IncomeItem,
    LedgerEntry,
    Member,
    OutboxChange,
)

POLICY = policy_year(2019)
ON = date(2019, 11, 20)
REGION = "610424"


@pytest.fixture
def db(tmp_path) -> Database:
    database = open_database(tmp_path / "f.db")
    with database.session() as session, registry_writer(session, "test"):
        county = Division(code=f"{REGION}000000", level="county", name="乾县")
        township = Division(code=f"{REGION}100000", level="township", name="城关镇", parent=county)
        session.add_all(
            [
                Division(
                    id="v-east",
                    code=f"{REGION}100201",
                    level="village",
                    name="东街村",
                    parent=township,
                ),
                Division(
                    id="v-west",
                    code=f"{REGION}100202",
                    level="village",
                    name="西街村",
                    parent=township,
                ),
            ]
        )
        session.commit()
    yield database
    database.dispose()


POINT_STEPS = itertools.count()


def household(
    number: str,
    village_id: str = "v-east",
    *,
    head_id: str | None = None,
    sequence: int = 1,
    **values,
) -> Household:
    """A clean one-person household whose head's ID is made from ``sequence`` unless given."""
    birth = date(1970, 1, 1)
    head = Member(
        id=f"m-{number}",
        name=f"户主{number}",
        sex="1",
        relation="01",
        birth_date=birth,
        id_type="01",
        id_number=head_id or make_id_number(REGION, birth, sequence, "1"),
        health=["01"],
        labour_skill="01",
        school_status="01",
        work_months=6,
        ethnicity="01",
        political_status="13",
        education="03",
        active_military=False,
        basic_medical_insurance=True,
        serious_illness_insurance=True,
    )
    income = Income(
        policy_year=2019,
        period_start=date(2018, 10, 1),
        period_end=date(2019, 9, 30),
        wage_income=Decimal("8000"),
    )
    base = {
        "id": f"h-{number}",
        "household_number": number,
        "village_id": village_id,
        "status": "exited",
        "attribute": "1",
        "military_family": False,
        "identified_year": 2015,
        "exited_year": 2017,
        "member_count": 1,
        "members": [head],
        "incomes": [income],
        "measures": [AssistanceMeasure(year=2016, category="01", item="0101", received=True)],
        # each household on its own point, a few hundred metres apart
        "latitude": 34.49 + next(POINT_STEPS) * 0.003,
        "longitude": 108.25,
        "location_source": "gps",
        "location_accuracy_m": 5.0,
        "location_time": datetime(2019, 10, 20, 9, 0),
    }
    base.update(values)
    return Household(**base)


def insert(db: Database, *households: Household) -> None:
    with db.session() as session, registry_writer(session, "test"):
        session.add_all(households)
        session.commit()


def run(db: Database, **kwargs) -> list[AuditFinding]:
    kwargs.setdefault("policy", POLICY)
    kwargs.setdefault("on", ON)
    with db.session() as session:
        return audit_database(session, **kwargs)


def test_a_database_of_clean_households_has_no_findings(db: Database) -> None:
    insert(db, *(household(f"H{i:03d}", sequence=i) for i in range(5)))
    assert run(db) == []


def test_findings_name_the_household_and_its_village(db: Database) -> None:
    headless = household("H001", "v-west", sequence=1)
    headless.members[0].relation = "99"
    insert(db, headless, household("H002", sequence=2))

    findings = run(db)
    assert [
        (f.household_id, f.household_number, f.village_code, f.village_name) for f in findings
    ] == [("h-H001", "H001", f"{REGION}100202", "西街村")]
    assert findings[0].problem.code == "R50_NO_HEAD"
    assert findings[0].problem.severity is Severity.ERROR


def test_the_same_id_in_two_households_is_an_error_on_each_member(db: Database) -> None:
    shared = make_id_number(REGION, date(1970, 1, 1), 7, "1")
    insert(
        db,
        household("H001", head_id=shared),
        household("H002", "v-west", head_id=shared),
        household("H003", sequence=3),
    )

    findings = run(db)
    assert [(f.household_number, f.problem.code) for f in findings] == [
        ("H001", "R1_01_001_DUPLICATE_ID"),
        ("H002", "R1_01_001_DUPLICATE_ID"),
    ]
    first, second = findings
    assert first.problem.severity is Severity.ERROR
    assert first.problem.entity_id == "m-H001" and first.problem.field == "member.id_number"
    assert "H002" in first.problem.message and shared in first.problem.message
    assert "H001" in second.problem.message and second.village_name == "西街村"


def test_people_who_left_or_were_deleted_do_not_make_a_duplicate(db: Database) -> None:
    shared = make_id_number(REGION, date(1970, 1, 1), 7, "1")
    moved_out = household("H002", head_id=make_id_number(REGION, date(1970, 1, 1), 2, "1"))
    moved_out.members.append(
        Member(
            name="迁出者",
            relation="03",
            sex="1",
            id_number=shared,
            birth_date=date(1970, 1, 1),
            left_date=date(2019, 3, 1),
            left_reason="08",
        )
    )
    tombstoned = household("H003", head_id=make_id_number(REGION, date(1970, 1, 1), 3, "1"))
    tombstoned.members.append(
        Member(
            name="误录者",
            relation="03",
            sex="1",
            id_number=shared,
            birth_date=date(1970, 1, 1),
            deleted=True,
        )
    )
    insert(db, household("H001", head_id=shared), moved_out, tombstoned)

    assert run(db) == []


def test_a_deleted_household_is_neither_audited_nor_a_duplicate_holder(db: Database) -> None:
    shared = make_id_number(REGION, date(1970, 1, 1), 7, "1")
    gone = household("H002", head_id=shared, deleted=True)
    gone.members[0].relation = "99"  # would be R50_NO_HEAD if it were audited
    insert(db, household("H001", head_id=shared), gone)

    assert run(db) == []


def test_village_ids_limit_the_findings_but_duplicates_are_searched_everywhere(
    db: Database,
) -> None:
    shared = make_id_number(REGION, date(1970, 1, 1), 7, "1")
    east_headless = household("H001", "v-east", sequence=1)
    east_headless.members[0].relation = "99"
    insert(
        db,
        east_headless,
        household("H002", "v-west", head_id=shared),
        household("H003", "v-east", head_id=shared),
    )

    west = run(db, village_ids=["v-west"])
    assert [(f.household_number, f.problem.code) for f in west] == [
        ("H002", "R1_01_001_DUPLICATE_ID")
    ]
    assert "H003" in west[0].problem.message
    east = run(db, village_ids=["v-east"])
    assert [(f.household_number, f.problem.code) for f in east] == [
        ("H001", "R50_NO_HEAD"),
        ("H003", "R1_01_001_DUPLICATE_ID"),
    ]


def test_small_chunks_audit_every_household_exactly_once(db: Database) -> None:
    households = []
    for i in range(7):
        h = household(f"H{i:03d}", sequence=i)
        h.member_count = 2  # X_DEAD_MEMBER_COUNTED on every household
        households.append(h)
    insert(db, *households)

    for chunk_size in (1, 2, 3, 7, 100):
        findings = run(db, chunk_size=chunk_size)
        assert [f.household_number for f in findings] == [f"H{i:03d}" for i in range(7)]
        assert {f.problem.code for f in findings} == {"X_DEAD_MEMBER_COUNTED"}


def test_incomes_and_their_items_are_loaded_for_the_audit(db: Database) -> None:
    low = household("H001", sequence=1)
    low.incomes[0].wage_income = Decimal("2000")  # 2000 per person < the 3218 exit line
    insert(db, low)

    assert [f.problem.code for f in run(db)] == ["X_EXITED_BELOW_LINE"]


def test_the_runner_writes_nothing_and_leaves_the_session_clean(db: Database) -> None:
    shared = make_id_number(REGION, date(1970, 1, 1), 7, "1")
    insert(db, household("H001", head_id=shared), household("H002", head_id=shared))

    with db.session() as session:
        findings = audit_database(session, policy=POLICY, on=ON)
        assert findings
        assert not session.new and not session.dirty and not session.deleted
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxChange)) == 0
        assert session.scalar(select(Household.member_count).where(Household.id == "h-H001")) == 1


def test_the_policy_defaults_to_the_year_in_force_on_the_audit_day(db: Database) -> None:
    low = household("H001", sequence=1)
    low.incomes[0].wage_income = Decimal("2000")
    insert(db, low)

    with db.session() as session:
        assert [f.problem.code for f in audit_database(session, on=ON)] == ["X_EXITED_BELOW_LINE"]
        # in 2020 the household has no income record for the policy year: no income rules run
        assert audit_database(session, on=date(2020, 11, 20)) == []


def test_a_non_positive_chunk_size_is_refused(db: Database) -> None:
    with db.session() as session, pytest.raises(ValueError):
        audit_database(session, policy=POLICY, on=ON, chunk_size=0)


def test_the_runner_finds_what_the_domain_audit_finds_on_the_orm_household(db: Database) -> None:
    messy = household("H001", sequence=1, other_causes=["07", "07", "04"], main_cause="07")
    head = messy.members[0]
    head.work_months = 14
    messy.members.append(
        Member(
            id="m-child",
            name="张小",
            relation="04",
            sex="1",
            birth_date=date(2010, 1, 1),
            id_number=make_id_number(REGION, date(2010, 1, 2), 9, "2"),
            school_status="01",
            health=["04"],
            position=1,
        )
    )
    messy.member_count = 3
    messy.incomes[0].items.append(
        IncomeItem(component="wage", item="migrant", amount=Decimal("7000"))
    )
    insert(db, messy)

    with db.session() as session:
        orm_household = session.get(Household, "h-H001")
        expected = audit_household(orm_household, policy=POLICY, on=ON)
        found = [f.problem for f in audit_database(session, policy=POLICY, on=ON)]
    assert len(expected) >= 8
    assert found == expected


def test_a_disability_number_duplicates_its_holders_id_in_another_household(
    db: Database,
) -> None:
    shared = make_id_number(REGION, date(1970, 1, 1), 7, "1")
    insert(
        db,
        household("H001", head_id=shared),
        _with_disability_head("H002", make_disability_number(shared, 4, 2)),
    )

    findings = run(db)
    assert [(f.household_number, f.problem.code) for f in findings] == [
        ("H001", "R1_01_001_DUPLICATE_ID"),
        ("H002", "R1_01_001_DUPLICATE_ID"),
    ]


def _with_disability_head(number: str, cert_number: str) -> Household:
    h = household(number, head_id=cert_number)
    h.members[0].id_type = "09"
    h.members[0].health = ["04"]
    return h


def test_malformed_numbers_shared_by_many_are_not_reported_as_duplicates(db: Database) -> None:
    households = []
    for i in range(3):
        h = household(f"H00{i}", sequence=i)
        h.members[0].id_number = "610424"  # too short: an R40_ID_LENGTH error, not a duplicate
        households.append(h)
    insert(db, *households)

    findings = run(db)
    assert {f.problem.code for f in findings} == {"R40_ID_LENGTH"}


def test_a_duplicate_message_names_at_most_five_other_households(db: Database) -> None:
    shared = make_id_number(REGION, date(1970, 1, 1), 7, "1")
    insert(db, *(household(f"H{i:03d}", head_id=shared) for i in range(8)))

    findings = run(db)
    assert len(findings) == 8
    first = findings[0].problem.message
    assert "H001、H002、H003、H004、H005等7户" in first
    assert "H006" not in first


def test_households_copied_onto_one_point_are_listed_each_across_villages(db: Database) -> None:
    same = {"latitude": 34.4901, "longitude": 108.2501}
    insert(
        db,
        household("H100", sequence=90, **same),
        household("H101", sequence=91, **same),
        household("H102", "v-west", sequence=92, **same),
        household("H103", sequence=93, **same),
        household("H104", sequence=94, latitude=34.52, longitude=108.29),
    )
    shared = [f for f in run(db) if f.problem.code == "LOC_MANY_ON_ONE_POINT"]
    assert sorted(f.household_number for f in shared) == ["H100", "H101", "H102", "H103"]
    assert "4 户" in shared[0].problem.message
    only_east = [
        f for f in run(db, village_ids=["v-east"]) if f.problem.code == "LOC_MANY_ON_ONE_POINT"
    ]
    assert sorted(f.household_number for f in only_east) == ["H100", "H101", "H103"]


def test_a_village_without_its_committee_location_is_a_village_finding(db: Database) -> None:
    from desktop.store.procedures import village_findings

    with db.session() as session:
        found = village_findings(session, policy=POLICY)
    missing = {village.code for village, p in found if p.code == "LOC_VILLAGE_COMMITTEE_MISSING"}
    assert missing == {f"{REGION}100201", f"{REGION}100202"}
