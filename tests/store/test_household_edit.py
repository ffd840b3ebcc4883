"""The form's store side: payloads of real households, applied and saved through the one save path."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desktop.domain.audit import audit_household
from desktop.domain.idcard import make_id_number
from desktop.domain.policy import policy_year
from desktop.store.db import open_database
from desktop.store.demo import build_demo_county
from desktop.store.drafts import load_draft, save_draft
from desktop.store.household_edit import (
    FormInvalid,
    apply_operation,
    household_book,
    load_form,
    new_household_payload,
    new_row,
    next_household_number,
    parse_date,
    parse_payload,
    preview_household,
    resolve_household_number,
    save_form,
    set_location,
)
from desktop.store.models import (
    AssistanceMeasure,
    Division,
    Household,
    LedgerEntry,
    Member,
    NaturalChange,
    OutboxChange,
    Risk,
)
from desktop.store.save import SaveRefused

NOW = datetime(2019, 11, 15, 10, 0)
IDENTIFY_PROCEDURE = (  # 两公示一比对一公告, each notice 10 days (Q15, Q16)
    ("appraisal", "2019-10-02", None),
    ("first_notice", "2019-10-03", "2019-10-12"),
    ("crosscheck", "2019-10-03", "2019-10-15"),
    ("second_appraisal", "2019-10-16", None),
    ("second_notice", "2019-10-17", "2019-10-26"),
    ("announcement", "2019-10-27", None),
)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("edit") / "demo.db"
    db = open_database(path)
    build_demo_county(db, households=100, seed=2019)
    db.dispose()
    return path


@pytest.fixture
def db(demo_file, tmp_path):
    target = tmp_path / "copy.db"
    shutil.copyfile(demo_file, target)
    database = open_database(target)
    yield database
    database.dispose()


def household_id(db, *conditions) -> str:
    with db.session() as session:
        found = session.scalars(
            select(Household.id).where(*conditions).order_by(Household.household_number)
        ).first()
    assert found is not None
    return found


def payload_of(db, hid: str, *, internal: bool = True) -> dict:
    with db.session() as session:
        data = load_form(session, household_id=hid, key=hid, internal=internal)
    assert data.payload is not None
    return json.loads(json.dumps(data.payload))  # what a draft stores and gives back


def save(db, payload, *, reason: str | None = "核实", internal: bool = True, clock=NOW):
    with db.session() as session:
        return save_form(
            session,
            payload,
            actor="王干部",
            reason=reason,
            internal=internal,
            key=payload["household"]["id"],
            clock=clock,
        )


def test_a_payload_is_plain_json_and_an_unchanged_one_saves_nothing_new(db) -> None:
    hid = household_id(db, Household.status == "poor")
    first = save(db, payload_of(db, hid))  # the demo leaves the head's name to the first save
    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(LedgerEntry))
        outbox = session.scalar(select(func.count()).select_from(OutboxChange))
    again = save(db, first.payload)
    assert again.ledger_entries == 0
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == before
        assert session.scalar(select(func.count()).select_from(OutboxChange)) == outbox
    assert json.loads(json.dumps(first.payload, ensure_ascii=False)) == first.payload


def test_typed_text_becomes_dates_amounts_and_counts_in_the_rows(db) -> None:
    hid = household_id(db, Household.status == "poor")
    payload = payload_of(db, hid)
    payload["household"]["last_visit_date"] = "2019年11月3日"
    payload["household"]["cultivated_land_mu"] = "３.５"  # full-width digits from a Chinese IME
    payload["incomes"][0]["wage_income"] = "12,000"
    payload["members"][0]["work_months"] = "8"
    save(db, payload)
    with db.session() as session:
        household = session.get(Household, hid)
        assert household.last_visit_date == date(2019, 11, 3)
        assert household.cultivated_land_mu == Decimal("3.5")
        assert household.incomes[0].wage_income == Decimal("12000")
        assert household.members[0].work_months == 8
        entry = session.scalars(
            select(LedgerEntry).where(
                LedgerEntry.entity_id == hid, LedgerEntry.field == "last_visit_date"
            )
        ).one()
        assert (
            entry.actor == "王干部" and entry.new_value == "2019-11-03" and entry.reason == "核实"
        )


def test_an_unreadable_date_or_amount_is_a_problem_and_nothing_is_written(db) -> None:
    hid = household_id(db, Household.status == "poor")
    payload = payload_of(db, hid)
    payload["household"]["last_visit_date"] = "2019-02-30"
    payload["incomes"][0]["transfer_income"] = "一千"
    payload["household"]["phone"] = "13800000000"
    parsed = parse_payload(payload, {"household.last_visit_date": "最近入户日期"})
    codes = sorted(p.code for p in parsed.problems)
    assert codes == ["FORM_BAD_DATE", "FORM_BAD_NUMBER"]
    assert any("“最近入户日期”填写的“2019-02-30”不是有效日期" in p.message for p in parsed.problems)
    with pytest.raises(FormInvalid):
        save(db, payload)
    with db.session() as session:
        assert session.get(Household, hid).phone != "13800000000"


def test_a_member_left_out_of_the_payload_is_never_deleted(db) -> None:
    hid = household_id(db, Household.status == "poor", Household.member_count >= 2)
    payload = payload_of(db, hid)
    dropped = payload["members"].pop()
    save(db, payload)
    with db.session() as session:
        member = session.get(Member, dropped["id"])
        assert member is not None and not member.deleted and member.left_date is None


def test_a_removed_measure_becomes_a_tombstone_and_a_new_one_is_added(db) -> None:
    hid = household_id(db, Household.status == "exited")
    payload = payload_of(db, hid)
    assert payload["measures"]
    gone = payload["measures"][0]
    gone["deleted"] = True
    payload["measures"].append(
        new_row("measures", year="2019", category="02", item="0201", amount="800")
    )
    payload["measures"].append(new_row("measures", year="2019", category="04", deleted=True))
    save(db, payload)
    with db.session() as session:
        assert session.get(AssistanceMeasure, gone["id"]).deleted is True
        rows = session.scalars(
            select(AssistanceMeasure).where(
                AssistanceMeasure.household_id == hid, AssistanceMeasure.deleted.is_(False)
            )
        ).all()
        assert any(m.category == "02" and m.amount == Decimal("800") for m in rows)
        assert not any(m.category == "04" for m in rows)  # added and taken back before a save
        delete = session.scalars(
            select(OutboxChange).where(OutboxChange.entity_id == gone["id"])
        ).one()
        assert delete.op == "delete"


def test_a_member_joining_and_one_leaving_are_saved_with_their_natural_changes(db) -> None:
    hid = household_id(db, Household.status == "poor", Household.member_count >= 2)
    payload = payload_of(db, hid)
    joined = apply_operation(
        payload,
        "member_in",
        {"name": "王新生", "relation": "07", "reason": "06", "date": "2019-10-08"},
        policy_year=2019,
        moment=NOW,
    )
    joined["id_number"] = make_id_number("610727", date(2019, 10, 8), 5, "1")
    joined["birth_date"] = "2019-10-08"
    leaving = payload["members"][1]
    apply_operation(
        payload,
        "member_out",
        {"member_id": leaving["id"], "reason": "01", "date": "2019-11-01"},
        policy_year=2019,
        moment=NOW,
    )
    assert [o["op"] for o in payload["operations"]] == ["member_in", "member_out"]
    save(db, payload)
    with db.session() as session:
        household = session.get(Household, hid)
        assert joined["id"] in {m.id for m in household.current_members}
        left = session.get(Member, leaving["id"])
        assert left.left_reason == "01" and left.left_date == date(2019, 11, 1) and not left.deleted
        changes = session.scalars(
            select(NaturalChange).where(NaturalChange.household_id == hid)
        ).all()
        assert sorted((c.direction, c.reason) for c in changes) == [("in", "06"), ("out", "01")]
        assert household.member_count == len(household.current_members)


def test_the_payload_of_a_role_without_internal_lists_has_no_flags_or_risks_and_cannot_set_them(
    db,
) -> None:
    with db.session() as session:
        hid = session.scalars(select(Risk.household_id)).first()
    payload = payload_of(db, hid, internal=False)
    assert "risks" not in payload and "marginal" not in payload["household"]
    payload["household"]["marginal"] = False  # even a crafted payload changes nothing
    payload["household"]["monitored"] = False
    save(db, payload, internal=False)
    with db.session() as session:
        household = session.get(Household, hid)
        assert household.marginal or household.monitored
        assert (
            session.scalar(select(func.count()).select_from(Risk).where(Risk.household_id == hid))
            >= 1
        )


def test_identify_makes_a_new_household_poor_with_the_procedure_to_record(db) -> None:
    with db.session() as session:
        village = session.scalars(select(Division).where(Division.level == "village")).first()
        number = next_household_number(session, village.id)
    assert number.startswith(village.code) and len(number) == len(village.code) + 4
    payload = new_household_payload(
        village_id=village.id, village_name=village.name, household_number=number, internal=True
    )
    head = apply_operation(
        payload,
        "member_in",
        {"name": "赵大山", "relation": "01", "reason": "07", "date": "2019-10-01"},
        policy_year=2019,
        moment=NOW,
    )
    head.update(
        sex="1",
        id_number=make_id_number("610727", date(1975, 4, 4), 9, "1"),
        birth_date="1975-04-04",
    )
    payload["natural_changes"].clear()  # a household new to the registry: no natural change
    undated = json.loads(json.dumps(payload))
    apply_operation(undated, "identify", {"main_cause": "01"}, policy_year=2019, moment=NOW)
    with pytest.raises(SaveRefused) as refused:  # the procedure is still to be recorded
        save(db, undated)
    assert "民主评议" in refused.value.message
    for step, start, end in IDENTIFY_PROCEDURE:
        payload["procedure_steps"].append(
            new_row(
                "procedure_steps", operation="identify", step=step, start_date=start, end_date=end
            )
        )
    apply_operation(
        payload,
        "identify",
        {"main_cause": "01", "other_causes": ["09"]},
        policy_year=2019,
        moment=NOW,
    )
    assert payload["household"]["status"] == "poor"
    result = save(db, payload)
    with db.session() as session:
        household = session.get(Household, result.household_id)
        assert household.household_number == number and household.status == "poor"
        assert household.identified_year == 2019 and household.main_cause == "01"
        assert [s.step for s in household.procedure_steps][0] == "appraisal"
        assert all(s.village_id == village.id for s in household.procedure_steps)
        assert len(household.procedure_steps) == 6
        outbox = session.scalars(
            select(OutboxChange).where(OutboxChange.entity_id == household.id)
        ).one()
        assert outbox.op == "create" and outbox.village_code == village.code
        assert next_household_number(session, village.id) != number


def test_a_household_number_already_used_is_refused(db) -> None:
    with db.session() as session:
        taken = session.scalars(select(Household)).first()
        village_id, number = taken.village_id, taken.household_number
    payload = new_household_payload(village_id=village_id, household_number=number, internal=True)
    with pytest.raises(FormInvalid) as refused:
        save(db, payload)
    assert "已被另一户使用" in refused.value.problems[0].message


def test_warnings_without_a_reason_are_refused_and_the_draft_stays(db) -> None:
    hid = household_id(db, Household.status == "poor")
    payload = payload_of(db, hid)
    payload["members"][0]["work_months"] = "15"  # R44
    with db.session() as session:
        save_draft(session, hid, payload, household_id=hid, user_name="王干部")
    with pytest.raises(SaveRefused) as refused:
        save(db, payload, reason=None)
    assert any(p.code == "R44_WORK_MONTHS" for p in refused.value.problems)
    with db.session() as session:
        assert load_draft(session, hid) is not None
        assert session.get(Member, payload["members"][0]["id"]).work_months != 15
    save(db, payload, reason="季节性外出,已核实")
    with db.session() as session:
        assert load_draft(session, hid) is None  # a save clears the draft


def test_the_preview_feeds_the_audit_the_same_problems_the_save_would_find(db) -> None:
    hid = household_id(db, Household.status == "poor")
    payload = payload_of(db, hid)
    number = payload["members"][0]["id_number"]
    payload["members"][0]["id_number"] = number[:-1] + ("1" if number[-1] != "1" else "2")
    records, unreadable = preview_household(payload)
    assert unreadable == []
    problems = audit_household(records, policy=policy_year(2019), on=NOW.date())
    assert any(
        p.code == "R1_01_003_ID_INVALID" and p.entity_id == payload["members"][0]["id"]
        for p in problems
    )
    with pytest.raises(SaveRefused) as refused:
        save(db, payload)
    assert {p.code for p in refused.value.problems if p.is_error} == {"R1_01_003_ID_INVALID"}


def test_the_book_comes_newest_first(db) -> None:
    hid = household_id(db, Household.status == "poor")
    payload = payload_of(db, hid)
    payload["household"]["phone"] = "13800000001"
    payload = save(db, payload).payload
    payload["household"]["phone"] = "13800000002"
    save(db, payload)
    with db.session() as session:
        book = household_book(session, hid)
    phones = [line.new_value for line in book if line.field == "phone"]
    assert phones == ["13800000002", "13800000001"]
    assert [line.at for line in book] == sorted((line.at for line in book), reverse=True)
    assert book[-1].actor == "demo"  # the demo county's own entry is the oldest


def test_a_household_number_typed_or_scanned_finds_its_household(db) -> None:
    with db.session() as session:
        household = session.scalars(select(Household)).first()
        assert resolve_household_number(session, household.household_number) == household.id
        assert resolve_household_number(session, f" {household.household_number}\n") == household.id
        assert (
            resolve_household_number(session, f"FB1:{household.household_number}:x") == household.id
        )
        assert resolve_household_number(session, "6107279999999999") is None
        assert resolve_household_number(session, "") is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2019-11-30", date(2019, 11, 30)),
        ("2019/1/5", date(2019, 1, 5)),
        ("2019.01.05", date(2019, 1, 5)),
        ("20191130", date(2019, 11, 30)),
        ("2019年11月30日", date(2019, 11, 30)),
        ("２０１９-１１-３０", date(2019, 11, 30)),
    ],
)
def test_dates_are_read_the_ways_people_write_them(text, day) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["2019-02-30", "30/11/2019", "去年", "2019-13-01"])
def test_what_is_not_a_date_is_refused(text) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_a_location_set_in_the_form_is_saved_and_an_untouched_one_never_overwrites_the_store(
    db,
) -> None:
    hid = household_id(db, Household.status == "poor")
    stale = payload_of(db, hid)
    fresh = payload_of(db, hid)
    taken = datetime(2019, 11, 14, 9, 30, 15)
    changed = set_location(
        fresh,
        {
            "latitude": 33.2811111,
            "longitude": 106.3011111,
            "location_source": "original_address",
            "location_accuracy_m": None,
            "location_time": taken,
            "away_long_term": True,
            "location_note": "全家外出务工",
            "location_contact": "13912345678",
        },
    )
    assert set(changed) >= {"latitude", "location_source", "away_long_term", "location_contact"}
    assert fresh["meta"]["location_edited"] is True
    assert fresh["household"]["location_time"] == "2019-11-14 09:30:15"
    save(db, fresh)
    with db.session() as session:
        stored = session.get(Household, hid)
        assert (stored.latitude, stored.location_source) == (33.2811111, "original_address")
        assert stored.location_time == taken and stored.away_long_term is True
        assert stored.location_contact == "13912345678"

    stale["household"]["address"] = "另一个窗口里改的地址"  # an older copy, location untouched
    save(db, stale)
    with db.session() as session:
        stored = session.get(Household, hid)
        assert stored.address == "另一个窗口里改的地址"
        assert stored.location_source == "original_address"  # not put back by the old copy


def test_the_preview_with_the_form_context_reads_procedure_steps_measures_and_the_committee(
    db,
) -> None:
    hid = household_id(db, Household.status == "poor")
    with db.session() as session:
        data = load_form(session, household_id=hid, key=hid, internal=True)
        village = session.get(Division, session.get(Household, hid).village_id)
        committee = (village.committee_latitude, village.committee_longitude)
    assert data.context.committee == committee
    records, _ = preview_household(data.payload, context=data.context)
    assert records.village.committee_latitude == committee[0]
    assert len(records.measures) == len(
        [m for m in data.payload["measures"] if not m.get("deleted")]
    )
    assert records.procedure_steps == [] and isinstance(records.village_procedure_steps, list)
    assert all(hasattr(m, "crosschecks") for m in records.members)
    bare, _ = preview_household(data.payload)
    assert not hasattr(bare, "village") and not hasattr(bare.members[0], "crosschecks")
