"""The demo county and the bulk loader, on real SQLite files: valid, consistent, reproducible."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import selectinload

from desktop.domain.audit import audit_household
from desktop.domain.codes import implied_sex
from desktop.domain.idcard import age_on, check_id
from desktop.domain.income import per_capita_net_income
from desktop.domain.monitoring import ASSURANCES
from desktop.domain.phone import check_phone
from desktop.domain.policy import policy_year
from desktop.domain.procedure import REQUIRED_STEPS
from desktop.store.audit import audit_database
from desktop.store.bulk import BulkLoader, BulkLoadError
from desktop.store.db import Database, open_database
from desktop.store.demo import DEMO_REASON, DemoDatabaseNotEmpty, build_demo_county
from desktop.store.demo_generator import COUNTY_CODE, REGION_CODE, DemoSummary
from desktop.store.models import (
    Base,
    Division,
    Household,
    Income,
    LedgerEntry,
    Member,
    OutboxChange,
    ProcedureStep,
    Setting,
)
from desktop.store.procedures import village_findings
from desktop.store.search import search_households

HOUSEHOLDS = 300
SEED = 2019
POLICY = policy_year(2019)
SNAPSHOT = POLICY.snapshot_date
CHILDREN = {"03", "04"}
CHILDREN_IN_LAW = {"05", "06"}
GRANDCHILDREN = {"07", "08", "09", "10"}
HEAD_PARENTS = {"11", "12"}


def build(
    path: Path, *, households: int = HOUSEHOLDS, seed: int = SEED
) -> tuple[Database, DemoSummary]:
    db = open_database(path)
    return db, build_demo_county(db, households=households, seed=seed)


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> tuple[Database, DemoSummary]:
    """One demo county of 300 households in a real SQLite file, shared by the read-only tests."""
    db, summary = build(tmp_path_factory.mktemp("demo") / "county.db")
    yield db, summary
    db.dispose()


@pytest.fixture(scope="module")
def households(county) -> list[Household]:
    """Every household with every row the audit rules read loaded (they outlive the session)."""
    db, _ = county
    with db.session() as session:
        return list(
            session.scalars(
                select(Household)
                .options(
                    selectinload(Household.members).selectinload(Member.crosschecks),
                    selectinload(Household.members).selectinload(Member.settlements),
                    selectinload(Household.incomes).selectinload(Income.items),
                    selectinload(Household.measures),
                    selectinload(Household.risks),
                    selectinload(Household.procedure_steps),
                    selectinload(Household.village),
                )
                .order_by(Household.household_number)
            )
        )


def dump(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table of the schema, sorted: two builds compare row for row."""
    with db.engine.connect() as connection:
        return {
            table.name: sorted((tuple(row) for row in connection.execute(table.select())), key=repr)
            for table in Base.metadata.sorted_tables
        }


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


# --- the county --------------------------------------------------------------------------------


def test_the_county_tree_has_real_codes_poor_and_non_poor_villages_and_hamlets(county):
    db, summary = county
    with db.session() as session:
        divisions = session.scalars(select(Division)).all()
        settings = {
            key: value for key, value in session.execute(select(Setting.key, Setting.value))
        }
    by_level = Counter(d.level for d in divisions)
    (county_row,) = [d for d in divisions if d.level == "county"]
    assert county_row.code == COUNTY_CODE == "610727000000"
    assert county_row.poor_population_end_2013 and county_row.poor_population_end_2013 > 0
    assert settings == {
        "demo_seed": str(SEED),
        "county_code": COUNTY_CODE,
        "policy_year": "2019",
        "practice_date": "2019-11-30",  # the practice county's date: the 2019 snapshot day
    }
    assert by_level["township"] == summary.townships >= 1
    assert by_level["village"] == summary.villages >= 2
    assert by_level["hamlet"] == summary.hamlets

    ids = {d.id: d for d in divisions}
    for township in (d for d in divisions if d.level == "township"):
        assert township.parent_id == county_row.id
        assert township.name.endswith(("镇", "乡"))
        assert township.code[:6] == REGION_CODE and township.code[9:] == "000"
        assert 100 <= int(township.code[6:9]) <= 299
    villages = [d for d in divisions if d.level == "village"]
    for village in villages:
        parent = ids[village.parent_id]
        assert parent.level == "township" and village.code[:9] == parent.code[:9]
        assert len(village.code) == 12 and int(village.code[9:]) >= 200
        assert village.committee_location_source == "manual"
        assert 33.0 < village.committee_latitude < 33.8  # 略阳县, southwest Shaanxi
        assert 105.6 < village.committee_longitude < 106.6
    assert {v.is_poor_village for v in villages} == {True, False}
    for hamlet in (d for d in divisions if d.level == "hamlet"):
        parent = ids[hamlet.parent_id]
        assert parent.level == "village"
        assert hamlet.code.startswith(parent.code + "-") and len(hamlet.code) == 15


def test_the_summary_counts_what_was_written(county, households):
    db, summary = county
    with db.session() as session:
        members = session.execute(select(func.count()).select_from(Member)).scalar_one()
    assert summary.households == len(households) == HOUSEHOLDS
    assert summary.members == members == sum(len(h.members) for h in households)
    assert summary.by_status == dict(sorted(Counter(h.status for h in households).items()))
    assert summary.marginal == sum(h.marginal for h in households) >= 1
    assert summary.monitored == sum(h.monitored for h in households) >= 1
    assert summary.away_long_term == sum(h.away_long_term for h in households) >= 1
    assert summary.elapsed_seconds > 0 and summary.rows > summary.members


def test_households_are_numbered_by_village_and_sized_one_to_eight(households):
    numbers = [h.household_number for h in households]
    assert len(set(numbers)) == len(numbers)
    for household in households:
        assert household.household_number[:12] == household.village.code
        assert len(household.household_number) == 16
        assert 1 <= len(household.members) <= 8
        assert household.member_count == len(household.members)
        assert household.hamlet_id is not None


def test_statuses_are_mostly_ordinary_with_registered_households_in_poor_villages(households):
    statuses = Counter(h.status for h in households)
    assert statuses["ordinary"] > len(households) / 2
    assert statuses["exited"] > statuses["poor"]
    registered_in = Counter(h.village.is_poor_village for h in households if h.status != "ordinary")
    assert registered_in[True] > registered_in[False]
    for household in households:
        if household.status == "ordinary":
            assert household.attribute is None and household.identified_year is None
            assert household.main_cause is None
            continue
        assert household.identification_standard == "01"
        assert household.attribute in {"1", "2", "3"}
        assert 2014 <= household.identified_year <= 2019
        assert household.main_cause and household.main_cause not in household.other_causes
        assert len(household.other_causes) <= 2
        if household.status == "poor":
            assert household.exited_year is None
        else:
            assert household.identified_year < household.exited_year <= 2019
        allowance = {m.min_living_allowance for m in household.members}
        support = {m.special_support for m in household.members}
        assert allowance == {household.attribute == "2"}
        assert support == {household.attribute == "3"}


# --- people ------------------------------------------------------------------------------------


def test_every_id_number_is_valid_and_agrees_with_birth_date_and_sex(households):
    numbers = []
    for household in households:
        for member in household.members:
            info = check_id(member.id_number, today=SNAPSHOT)
            assert info.is_valid and info.kind == "resident18", member.id_number
            assert info.region_code == REGION_CODE
            assert info.birth_date == member.birth_date
            assert info.sex == member.sex
            numbers.append(member.id_number)
            if member.disability_cert_number:
                cert = check_id(member.disability_cert_number, today=SNAPSHOT)
                assert cert.is_valid and cert.kind == "disability20"
                assert member.disability_cert_number.startswith(member.id_number)
                assert "04" in member.health
    assert len(set(numbers)) == len(numbers)


def test_every_household_has_exactly_one_current_head(households):
    for household in households:
        heads = [m for m in household.current_members if m.relation == "01"]
        assert len(heads) == 1
        assert household.head is heads[0] and heads[0].position == 0
        assert household.head_name == heads[0].name  # the list sorts by it


def test_relations_agree_with_sex_and_age(households):
    def gap(elder: Member, younger: Member) -> int:
        return age_on(elder.birth_date, SNAPSHOT) - age_on(younger.birth_date, SNAPSHOT)

    for household in households:
        head = household.head
        assert head is not None
        spouses = [m for m in household.members if m.relation == "02"]
        assert len(spouses) <= 1
        parents = [head, *spouses]
        for spouse in spouses:
            assert spouse.sex != head.sex
        married_children = [m for m in household.members if m.relation in CHILDREN_IN_LAW]
        for member in household.members:
            if member.relation != "01":
                assert implied_sex(member.relation, head.sex) in (None, member.sex)
            if member.relation in CHILDREN:
                assert all(18 <= gap(parent, member) <= 40 for parent in parents)
            if member.relation in CHILDREN_IN_LAW:
                assert all(gap(parent, member) > 0 for parent in parents)
            if member.relation in GRANDCHILDREN:
                assert married_children
                for in_law in married_children:
                    assert 18 <= gap(in_law, member) <= 40
                assert all(gap(parent, member) >= 36 for parent in parents)
            if member.relation in HEAD_PARENTS:
                assert 18 <= gap(member, head) <= 40


def test_schooling_and_labour_follow_age_and_health(households):
    for household in households:
        for member in household.members:
            age = age_on(member.birth_date, SNAPSHOT)
            if POLICY.compulsory_school_age_min <= age <= POLICY.compulsory_school_age_max:
                assert member.school_status in {"03", "04", "05", "06"}
            if age < 16 or member.school_status != "01":
                assert member.labour_skill == "04" and member.work_months == 0
            if member.labour_skill in {"03", "04"}:
                assert member.work_months == 0
            if member.work_months:
                assert member.work_place is not None


def test_given_names_are_chinese_and_spouses_have_another_surname(households):
    for household in households:
        head = household.head
        assert head is not None
        for member in household.members:
            assert 2 <= len(member.name) <= 3
            assert all("\u4e00" <= c <= "\u9fff" for c in member.name)
            if member.relation == "02":
                assert member.name[0] != head.name[0]


# --- the audit, incomes and the marginal and monitored lists -----------------------------------


def test_the_audit_finds_no_error_in_any_household(households):
    for household in households:
        problems = audit_household(household)  # the policy in force today
        assert not [p for p in problems if p.is_error], household.household_number


def test_under_the_2019_policy_the_audit_finds_nothing_at_all(households):
    for household in households:
        problems = audit_household(household, policy=POLICY, on=SNAPSHOT)
        assert problems == [], (household.household_number, problems)


def test_the_one_audit_runner_finds_nothing_in_the_database_under_the_2019_policy(county):
    """Every rule with every row it reads, the villages' procedure steps and duplicate IDs."""
    db, _ = county
    with db.session() as session:
        assert audit_database(session, on=SNAPSHOT) == []  # the database's working policy
        assert village_findings(session, policy=POLICY) == []


def test_households_identified_or_exited_in_2019_have_their_villages_whole_procedure(
    county, households
):
    db, _ = county
    with db.session() as session:
        steps = session.scalars(select(ProcedureStep)).all()
    assert steps and all(s.household_id is None for s in steps)
    by_village: dict[str, dict[str, set[str]]] = {}
    for s in steps:
        by_village.setdefault(s.village_id, {}).setdefault(s.operation, set()).add(s.step)
        assert POLICY.work_start <= s.start_date <= (s.end_date or s.start_date)
        assert (s.end_date or s.start_date) <= POLICY.procedures_due
        if s.step in ("first_notice", "second_notice"):
            assert (s.end_date - s.start_date).days + 1 >= POLICY.notice_min_days
    villages = {h.village_id for h in households}
    assert set(by_village) == villages  # every village holds its second appraisal and notice
    for village_steps in by_village.values():
        assert {"second_appraisal", "second_notice"} <= village_steps["identify"]
    for h in households:
        if h.status == "poor" and h.identified_year == POLICY.year:
            assert by_village[h.village_id]["identify"] == set(REQUIRED_STEPS["identify"])
        if h.status == "exited" and h.exited_year == POLICY.year:
            assert by_village[h.village_id]["exit"] == set(REQUIRED_STEPS["exit"])


def test_incomes_are_for_the_policy_year_and_follow_the_national_formula(households):
    for household in households:
        (income,) = household.incomes
        assert income.policy_year == POLICY.year
        assert (income.period_start, income.period_end) == (
            POLICY.income_period_start,
            POLICY.income_period_end,
        )
        assert income.per_capita_net_income == per_capita_net_income(income, len(household.members))
        if household.status in {"exited", "exited_stable"}:
            assert income.per_capita_net_income >= POLICY.exit_line_per_capita


def test_marginal_households_are_ordinary_and_monitored_ones_exited_under_the_line(
    county, households
):
    db, _ = county
    people = 0
    for household in households:
        kinds = [r.kind for r in household.risks]
        income = household.incomes[0].per_capita_net_income
        if household.marginal or household.monitored:  # Q6: the exit standard, income aside
            assert all(getattr(household, name) is True for name in ASSURANCES), household
            assert household.drinking_water_safe and not household.dangerous_house
        if household.marginal:
            assert household.status == "ordinary" and not household.monitored
            assert POLICY.exit_line_per_capita <= income < POLICY.marginal_income_line
            assert kinds == ["marginal"]
        elif household.monitored:
            assert household.status == "exited"
            assert POLICY.exit_line_per_capita <= income < POLICY.monitored_income_line
            assert kinds == ["monitored"]
        else:
            assert kinds == []
        people += len(household.members) if household.marginal or household.monitored else 0
    with db.session() as session:
        base = session.scalars(
            select(Division.poor_population_end_2013).where(Division.level == "county")
        ).one()
    assert people <= POLICY.monitoring_quota_share * base  # Q6: at most 15 % of end-2013


def test_registered_households_have_measures_and_a_shared_assistance_person(county, households):
    db, _ = county
    registered = [h for h in households if h.status != "ordinary"]
    with db.session() as session:
        measures = Counter(
            session.execute(text("SELECT household_id FROM assistance_measures")).scalars()
        )
        years = session.execute(text("SELECT min(year), max(year) FROM assistance_measures")).one()
    assert all(measures[h.id] >= 1 for h in registered)
    assert not any(measures[h.id] for h in households if h.status == "ordinary")
    assert years[0] >= 2014 and years[1] <= 2019
    persons = Counter(h.assistance_person_id for h in registered)
    assert None not in persons
    assert max(persons.values()) > 1  # one cadre helps several households
    assert not any(h.assistance_person_id for h in households if h.status == "ordinary")


# --- locations ---------------------------------------------------------------------------------


def test_long_term_absent_families_are_at_their_committee_with_a_note_and_a_contact(households):
    away = [h for h in households if h.away_long_term]
    assert 1 <= len(away) <= len(households) * 0.02
    for household in away:
        village = household.village
        assert household.location_source == "village_committee"
        assert (household.latitude, household.longitude) == (
            village.committee_latitude,
            village.committee_longitude,
        )
        assert household.location_note and "在外" in household.location_note
        assert check_phone(household.location_contact) == []


def test_the_other_households_have_gps_points_near_their_committee(households):
    for household in households:
        if household.away_long_term:
            continue
        village = household.village
        committee = (village.committee_latitude, village.committee_longitude)
        assert household.location_source == "gps"
        assert 3 <= household.location_accuracy_m <= 15
        assert distance_m(committee, (household.latitude, household.longitude)) <= 1510
        assert household.location_time is not None and household.location_time.date() <= SNAPSHOT


# --- the load itself ---------------------------------------------------------------------------


def test_the_load_books_one_entry_per_household_and_queues_nothing_for_the_server(county):
    db, _ = county
    with db.session() as session:
        entries = session.scalars(select(LedgerEntry)).all()
        outbox = session.execute(select(func.count()).select_from(OutboxChange)).scalar_one()
        versions = session.execute(text("SELECT DISTINCT version FROM households")).scalars().all()
    assert len(entries) == HOUSEHOLDS
    assert len({e.household_id for e in entries}) == HOUSEHOLDS
    assert {(e.field, e.reason, e.entity) for e in entries} == {("*", DEMO_REASON, "households")}
    assert outbox == 0
    assert versions == [0]


def test_the_search_finds_a_household_by_its_heads_name_and_number(county, households):
    db, _ = county
    with db.session() as session:
        for household in households[::37]:
            head = household.head
            assert head is not None
            assert household.id in search_households(session, head.name, limit=1000)
            assert search_households(session, household.household_number)[0] == household.id


def test_the_same_seed_builds_the_same_database_row_for_row(county, tmp_path):
    db, _ = county
    again, _ = build(tmp_path / "again.db")
    try:
        assert dump(again) == dump(db)
    finally:
        again.dispose()


def test_a_different_seed_builds_a_different_county(county, tmp_path):
    db, _ = county
    other, _ = build(tmp_path / "other.db", seed=SEED + 1)
    try:
        first, second = dump(db), dump(other)
        for table in ("households", "members", "incomes"):
            assert first[table] != second[table]
        name = [c.key for c in Member.__table__.columns].index("name")
        assert {row[name] for row in first["members"]} != {row[name] for row in second["members"]}
    finally:
        other.dispose()


def test_a_demo_is_only_built_into_an_empty_database(county):
    db, _ = county
    with pytest.raises(DemoDatabaseNotEmpty):
        build_demo_county(db, households=10)


def test_a_county_of_one_household_still_builds(tmp_path):
    db, summary = build(tmp_path / "tiny.db", households=1)
    try:
        assert summary.households == 1 and summary.villages == 1
        assert summary.by_status and sum(summary.by_status.values()) == 1
    finally:
        db.dispose()


def test_the_bulk_loader_refuses_unknown_columns_and_leaves_nothing_behind(tmp_path):
    db = open_database(tmp_path / "bulk.db")
    try:
        with db.session() as session, pytest.raises(BulkLoadError), BulkLoader(session) as loader:
            loader.add(Division, {"code": "610727000000", "level": "county", "name": "略阳县"})
            loader.flush()
            loader.add(Division, {"code": "610727101000", "level": "township", "nmae": "x"})
        with db.session() as session:
            assert session.execute(select(func.count()).select_from(Division)).scalar_one() == 0
    finally:
        db.dispose()


def test_the_bulk_loader_fills_defaults_and_puts_the_page_cache_back(tmp_path):
    db = open_database(tmp_path / "bulk.db")
    try:
        with db.session() as session:
            before = session.connection().exec_driver_sql("PRAGMA cache_size").scalar()
            loader = BulkLoader(session, batch_size=2)
            county = loader.add(
                Division, {"code": "610727000000", "level": "county", "name": "略阳县"}
            )
            village = loader.add(
                Division,
                {"code": "610727101201", "level": "village", "name": "石坝村", "parent_id": county},
            )
            loader.add(
                Household,
                {"household_number": "6107271012010001", "village_id": village, "status": "poor"},
            )
            result = loader.finish(actor="import", reason="建档立卡数据导入")
            after = session.connection().exec_driver_sql("PRAGMA cache_size").scalar()
            household = session.scalars(select(Household)).one()
        assert after == before
        assert result.households == 1 and result.ledger_entries == 1
        assert result.rows == {"divisions": 2, "households": 1, "ledger": 1}
        assert household.version == 0 and household.deleted is False
        assert household.other_causes == [] and household.marginal is False
        assert len(household.id) == 36 and household.updated_at is not None
    finally:
        db.dispose()


def test_progress_is_reported_up_to_the_total(tmp_path):
    seen: list[tuple[int, int]] = []
    db = open_database(tmp_path / "progress.db")
    try:
        build_demo_county(
            db, households=700, seed=7, progress=lambda done, total: seen.append((done, total))
        )
    finally:
        db.dispose()
    assert seen[-1] == (700, 700)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert all(total == 700 for _, total in seen)
