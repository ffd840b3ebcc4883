"""Operations are rules of the save: a status or flag change goes in only with the operation that
allows it on the clock's date, on every write path (issue 12, guide Q1, Q2, Q5, Q6, Q9, Q17)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from desktop import cli
from desktop.domain.clock import PRACTICE_DATE_SETTING, FixedClock
from desktop.domain.idcard import make_id_number
from desktop.store.db import registry_writer
from desktop.store.household_edit import (
    apply_operation,
    load_form,
    new_row,
    save_form,
)
from desktop.store.models import (
    Household,
    HouseholdOperation,
    LedgerEntry,
    Member,
    OutboxChange,
    Risk,
)
from desktop.store.save import SaveRefused, save_household, save_village_rows
from desktop.store.settings import DEMO_SEED_KEY, set_setting
from desktop.store.sync_apply import (
    PULLED_WITH_OPERATION,
    PULLED_WITHOUT_OPERATION,
    write_remote_fields,
)
from tests.store.guide_fixtures import add_household, build_registry, count, member

IN_WINDOW = datetime(2019, 11, 5, 10, 0)
AFTER_DEADLINE = datetime(2019, 12, 2, 9, 0)  # entry closed on 2019-11-30 24:00 (Q9)
YEARS_LATER = datetime(2026, 12, 4, 9, 0)
IDENTIFY_PROCEDURE = (  # 两公示一比对一公告, each notice 10 days (Q15, Q16)
    ("appraisal", "2019-10-02", None),
    ("first_notice", "2019-10-03", "2019-10-12"),
    ("crosscheck", "2019-10-03", "2019-10-15"),
    ("second_appraisal", "2019-10-16", None),
    ("second_notice", "2019-10-17", "2019-10-26"),
    ("announcement", "2019-10-27", None),
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def registry(request, tmp_path):
    """A registry with a poor, an ordinary marginal and an exited monitored household."""
    target = (
        tmp_path / "f.db"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_database_url")
    )
    db, places = build_registry(target)
    ids = {
        "poor": add_household(db, places.east_id, "6107271012010001", status="poor"),
        "marginal": add_household(
            db,
            places.east_id,
            "6107271012010002",
            status="ordinary",
            per_capita=4200,
            marginal=True,
            people=[member("王大海", "01", "1", date(1968, 2, 2), work_months=10)],
        ),
        "monitored": add_household(
            db,
            places.east_id,
            "6107271012010003",
            status="exited",
            per_capita=4500,
            monitored=True,
            people=[member("刘春生", "01", "1", date(1966, 5, 5), work_months=10)],
        ),
        "dispersed": add_household(
            db,
            places.east_id,
            "6107271012010004",
            status="poor",
            special_support_mode="1",
            people=[member("孤老汉", "01", "1", date(1940, 1, 1))],
        ),
    }
    with db.session() as session, registry_writer(session, "test"):
        for kind in ("marginal", "monitored"):
            session.add(
                Risk(
                    household_id=ids[kind],
                    kind=kind,
                    risk_type="01",
                    decided_by="01",
                    decision_date=date(2019, 10, 20),
                    identified_date=date(2019, 10, 20),
                )
            )
        session.commit()
    yield db, ids
    db.dispose()


def payload_of(db, hid: str, *, internal: bool = True) -> dict:
    with db.session() as session:
        data = load_form(session, household_id=hid, key=hid, internal=internal)
    return json.loads(json.dumps(data.payload))


def save(db, payload, *, clock, internal: bool = True, reason: str | None = "入户核实"):
    with db.session() as session:
        return save_form(
            session, payload, actor="王芳", reason=reason, internal=internal, clock=clock
        )


def writes(db) -> tuple[int, int, int]:
    with db.session() as session:
        return (
            count(session, LedgerEntry),
            count(session, OutboxChange),
            count(session, HouseholdOperation),
        )


def with_procedure(payload: dict) -> dict:
    for step, start, end in IDENTIFY_PROCEDURE:
        payload["procedure_steps"].append(
            new_row(
                "procedure_steps", operation="identify", step=step, start_date=start, end_date=end
            )
        )
    return payload


# --- the two cases observed on main ------------------------------------------------------------


def test_a_status_typed_into_the_payload_without_an_operation_is_refused(registry) -> None:
    db, ids = registry
    before = writes(db)
    payload = payload_of(db, ids["poor"])
    payload["household"]["status"] = "exited"
    with pytest.raises(SaveRefused) as refused:
        save(db, payload, clock=IN_WINDOW)
    assert "必须办理脱贫操作" in refused.value.message
    assert writes(db) == before
    with db.session() as session:
        assert session.get(Household, ids["poor"]).status == "poor"


def test_an_identification_saved_years_after_the_2019_deadlines_is_refused(registry) -> None:
    db, ids = registry
    before = writes(db)
    for clock in (YEARS_LATER, AFTER_DEADLINE, None):  # None: the machine's own clock, today
        payload = with_procedure(payload_of(db, ids["marginal"]))
        apply_operation(
            payload, "identify", {"main_cause": "01"}, policy_year=2019, moment=IN_WINDOW
        )
        with pytest.raises(SaveRefused) as refused:
            save(db, payload, clock=clock)
        assert "新识别" in refused.value.message
        assert any("2019" in p.message for p in refused.value.problems if p.is_error)
    assert writes(db) == before


def test_the_practice_date_of_a_demo_database_is_the_saves_clock(registry) -> None:
    db, ids = registry
    with db.session() as session:
        set_setting(session, DEMO_SEED_KEY, "2019")
        set_setting(session, PRACTICE_DATE_SETTING, "2019-11-05T10:00")
        session.commit()
    payload = payload_of(db, ids["poor"])
    apply_operation(payload, "exit", {}, policy_year=2019, moment=IN_WINDOW)
    save(db, payload, clock=None)
    with db.session() as session:
        assert session.get(Household, ids["poor"]).status == "exited"


def test_a_real_database_ignores_a_practice_date_and_runs_on_the_real_clock(registry) -> None:
    db, ids = registry
    with db.session() as session:
        set_setting(session, PRACTICE_DATE_SETTING, "2019-11-05T10:00")  # no demo seed
        session.commit()
    payload = payload_of(db, ids["poor"])
    apply_operation(payload, "exit", {}, policy_year=2019, moment=IN_WINDOW)
    with pytest.raises(SaveRefused):  # today is years after the 2019 work window
        save(db, payload, clock=None)
    with db.session() as session:
        assert session.get(Household, ids["poor"]).status == "poor"


# --- what a permitted operation writes ---------------------------------------------------------


def test_an_exit_in_the_window_is_saved_with_its_operation_record_and_book_reason(registry) -> None:
    db, ids = registry
    payload = payload_of(db, ids["poor"])
    apply_operation(payload, "exit", {}, policy_year=2019, moment=IN_WINDOW)
    save(db, payload, clock=IN_WINDOW, reason=None)
    with db.session() as session:
        household = session.get(Household, ids["poor"])
        (record,) = session.scalars(
            select(HouseholdOperation).where(HouseholdOperation.household_id == household.id)
        )
        assert (record.operation, record.status_before, record.status_after) == (
            "exit",
            "poor",
            "exited",
        )
        assert record.done_at == IN_WINDOW and household.operation_id == record.id
        status_entry = session.scalars(
            select(LedgerEntry).where(
                LedgerEntry.household_id == household.id, LedgerEntry.field == "status"
            )
        ).one()
        assert status_entry.reason == "脱贫"  # written by the save, not the UI
        change = session.scalars(
            select(OutboxChange).where(OutboxChange.entity_id == household.id)
        ).one()
        assert change.fields["status"] == "exited" and change.fields["operation_id"] == record.id
        assert (
            session.scalars(
                select(OutboxChange).where(OutboxChange.entity == "household_operations")
            )
            .one()
            .entity_id
            == record.id
        )


def test_a_direct_save_of_an_edited_orm_row_is_checked_too(registry) -> None:
    db, ids = registry
    with db.session() as session:
        household = session.get(Household, ids["poor"])
        household.status = "exited_stable"
        with pytest.raises(SaveRefused) as refused:
            save_household(session, household, actor="脚本", clock=FixedClock(IN_WINDOW))
        assert "不能由“贫困户(未脱贫)”直接改为" in refused.value.message
        session.rollback()
        household = session.get(Household, ids["poor"])
        household.status = "exited"
        with pytest.raises(SaveRefused):
            save_village_rows(session, None, [household], actor="脚本")


# --- Q5, Q6: identification and return end the internal flags -----------------------------------


@pytest.mark.parametrize("internal", [True, False], ids=["reviewer", "field-worker"])
def test_identifying_a_marginal_household_ends_the_flag_with_the_decision_recorded(
    registry, internal
) -> None:
    db, ids = registry
    payload = with_procedure(payload_of(db, ids["marginal"], internal=internal))
    apply_operation(payload, "identify", {"main_cause": "01"}, policy_year=2019, moment=IN_WINDOW)
    save(db, payload, clock=IN_WINDOW, internal=internal)
    with db.session() as session:
        household = session.get(Household, ids["marginal"])
        assert (household.status, household.marginal) == ("poor", False)
        (risk,) = household.risks
        assert (risk.eliminated, risk.eliminated_date, risk.elimination_method) == (
            True,
            date(2019, 11, 5),
            "identify",
        )


def test_returning_a_monitored_household_ends_its_monitoring(registry) -> None:
    db, ids = registry
    payload = payload_of(db, ids["monitored"])
    for step, start, end in IDENTIFY_PROCEDURE:
        payload["procedure_steps"].append(
            new_row(
                "procedure_steps", operation="return", step=step, start_date=start, end_date=end
            )
        )
    apply_operation(
        payload, "return", {"return_causes": ["01"]}, policy_year=2019, moment=IN_WINDOW
    )
    save(db, payload, clock=IN_WINDOW)
    with db.session() as session:
        household = session.get(Household, ids["monitored"])
        assert (household.status, household.monitored) == ("poor", False)
        assert household.risks[0].elimination_method == "return"


def test_ending_monitoring_is_an_operation_of_the_reviewer_not_of_the_field_worker(
    registry,
) -> None:
    db, ids = registry
    payload = payload_of(db, ids["monitored"], internal=False)
    apply_operation(payload, "end_monitoring", {}, policy_year=2019, moment=IN_WINDOW)
    with pytest.raises(SaveRefused) as refused:
        save(db, payload, clock=IN_WINDOW, internal=False)
    for problem in refused.value.problems:  # the field worker never learns of the lists (Q6)
        assert "监测" not in problem.message and "边缘" not in problem.message
    payload = payload_of(db, ids["monitored"])
    apply_operation(payload, "end_monitoring", {}, policy_year=2019, moment=IN_WINDOW)
    save(db, payload, clock=IN_WINDOW)
    with db.session() as session:
        household = session.get(Household, ids["monitored"])
        assert (household.status, household.monitored) == ("exited", False)
        assert household.risks[0].elimination_method == "end_monitoring"


def test_unsetting_a_flag_by_hand_is_refused(registry) -> None:
    db, ids = registry
    payload = payload_of(db, ids["marginal"])
    payload["household"]["marginal"] = False
    with pytest.raises(SaveRefused) as refused:
        save(db, payload, clock=IN_WINDOW)
    assert "取消边缘户必须办理" in refused.value.message


# --- Q17: dispersed to centralised support is an exit ---------------------------------------------


def test_dispersed_to_centralised_support_cannot_go_in_as_a_natural_decrease(registry) -> None:
    db, ids = registry
    payload = payload_of(db, ids["dispersed"])
    head = payload["members"][0]["id"]
    payload["household"]["special_support_mode"] = "2"
    apply_operation(
        payload,
        "member_out",
        {"member_id": head, "reason": "08", "date": "2019-11-01"},
        policy_year=2019,
        moment=IN_WINDOW,
    )
    with pytest.raises(SaveRefused) as refused:
        save(db, payload, clock=IN_WINDOW)
    assert "Q17_CENTRALISED_SUPPORT_IS_EXIT" in {p.code for p in refused.value.problems}
    assert "按照脱贫处理" in refused.value.message


# --- the CLI and the laptop's pull ---------------------------------------------------------------


def test_the_cli_operation_goes_through_the_same_rules(registry, tmp_path, capsys) -> None:
    db, ids = registry
    url = str(db.engine.url.render_as_string(hide_password=False))
    target = url if "postgresql" in url else db.engine.url.database
    code = cli.main(
        ["operation", "--db", target, "--household", "6107271012010001", "--op", "exit", "--json"]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["saved"] is False  # today is years after the 2019 deadlines
    assert any("2019" in p["message"] for p in out["problems"])
    with db.session() as session:  # the practice county: its practice date is the CLI's today
        set_setting(session, DEMO_SEED_KEY, "2019")
        set_setting(session, PRACTICE_DATE_SETTING, "2019-11-05T10:00")
        session.commit()
    code = cli.main(
        ["operation", "--db", target, "--household", "6107271012010001", "--op", "exit", "--json"]
    )
    assert code == 0 and json.loads(capsys.readouterr().out)["status"] == "exited"
    with db.session() as session:
        assert session.get(Household, ids["poor"]).status == "exited"


def test_a_pulled_status_change_is_applied_and_booked_with_or_without_its_operation(
    registry,
) -> None:
    db, ids = registry
    with db.session() as session:
        write_remote_fields(
            session,
            "households",
            ids["poor"],
            {"status": "exited", "operation_id": "op-1"},
            version=5,
            actor="server",
        )
        write_remote_fields(
            session, "households", ids["monitored"], {"monitored": False}, version=5, actor="server"
        )
        session.commit()
    with db.session() as session:
        assert session.get(Household, ids["poor"]).status == "exited"
        reasons = dict(
            session.execute(
                select(LedgerEntry.household_id, LedgerEntry.reason).where(
                    LedgerEntry.field.in_(("status", "monitored"))
                )
            ).all()
        )
    assert reasons == {
        ids["poor"]: PULLED_WITH_OPERATION,
        ids["monitored"]: PULLED_WITHOUT_OPERATION,
    }


# --- 4a: a lower-case x ------------------------------------------------------------------------------


def test_a_lower_case_x_in_an_id_number_is_saved_as_an_upper_case_x(registry) -> None:
    db, ids = registry
    payload = payload_of(db, ids["poor"])
    head = payload["members"][0]
    typed = next(  # a number whose check character is X
        n
        for seq in range(100)
        if (n := make_id_number("610727", date(1970, 3, 12), seq, "1")).endswith("X")
    )
    head["id_number"] = typed[:-1] + "x"
    save(db, payload, clock=IN_WINDOW)
    with db.session() as session:
        stored = session.scalars(select(Member.id_number).where(Member.id == head["id"])).one()
        book = session.scalars(
            select(LedgerEntry.new_value).where(
                LedgerEntry.entity_id == head["id"], LedgerEntry.field == "id_number"
            )
        ).all()
    assert stored == typed and book == [typed]


def test_a_field_workers_refusal_never_names_the_internal_lists(registry) -> None:
    db, ids = registry
    with db.session() as session, registry_writer(session, "test"):
        session.get(Household, ids["marginal"]).status = "poor"  # came inconsistent from elsewhere
        session.commit()
    payload = payload_of(db, ids["marginal"], internal=False)
    payload["household"]["phone"] = "13900000000"
    with pytest.raises(SaveRefused) as refused:
        save(db, payload, clock=IN_WINDOW, internal=False)
    assert "Q6_FLAG_STATUS" in {p.code for p in refused.value.problems}
    text = refused.value.message + "".join(p.message for p in refused.value.problems)
    assert "边缘" not in text and "监测" not in text
    payload = payload_of(db, ids["marginal"])  # the reviewer reads the rule as it is
    payload["household"]["phone"] = "13900000000"
    with pytest.raises(SaveRefused) as refused:
        save(db, payload, clock=IN_WINDOW)
    assert any("边缘户" in p.message for p in refused.value.problems)


def test_an_identification_recorded_after_the_deadline_elsewhere_is_reported_by_the_audit(
    registry,
) -> None:
    """A record that came by sync with a date the calendar forbids is listed, never jammed."""
    from desktop.domain.audit import audit_household
    from desktop.domain.policy import policy_year

    db, ids = registry
    with db.session() as session:
        write_remote_fields(
            session,
            "household_operations",
            "op-late",
            {
                "household_id": ids["poor"],
                "operation": "identify",
                "done_at": "2026-12-04T09:00:00",
                "policy_year": 2019,
                "status_before": "ordinary",
                "status_after": "poor",
                "actor": "旧版本",
            },
            version=3,
            actor="server",
        )
        session.commit()
    with db.session() as session:
        household = session.get(Household, ids["poor"])
        assert [o.id for o in household.operations] == ["op-late"]
        found = audit_household(household, policy=policy_year(2019), on=date(2019, 11, 5))
        late = [p for p in found if p.code == "OP_RECORDED_OUTSIDE_CALENDAR"]
        assert late and "2026年12月4日办理的新识别" in late[0].message
    payload = payload_of(db, ids["poor"])  # the household's other edits still go in
    payload["household"]["phone"] = "13900000001"
    save(db, payload, clock=IN_WINDOW)
