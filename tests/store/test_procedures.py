"""Recording the procedure on a real SQLite file: village steps with their book and outbox,
household steps through the save, refusals that write nothing, and where a procedure stands."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from desktop.domain import procedure as rules
from desktop.store.models import Household, LedgerEntry, OutboxChange, ProcedureStep
from desktop.store.procedures import (
    ProcedureRefused,
    StepEntry,
    candidate_household_ids,
    delete_village_step,
    household_procedure,
    record_household_step,
    record_village_step,
    village_findings,
    village_procedure,
)
from tests.store.guide_fixtures import (
    EAST_CODE,
    POLICY,
    add_household,
    build_registry,
    count,
    device_seqs,
    writes,
)

D = date


def plan(operation: str = "identify") -> list[StepEntry]:
    return [
        StepEntry(operation, "appraisal", D(2019, 10, 8), outcome="通过", recorded_by="王书记"),
        StepEntry(operation, "first_notice", D(2019, 10, 8), D(2019, 10, 17)),
        StepEntry(operation, "crosscheck", D(2019, 10, 9), D(2019, 10, 15)),
        StepEntry(operation, "second_appraisal", D(2019, 10, 18)),
        StepEntry(operation, "second_notice", D(2019, 10, 18), D(2019, 10, 27)),
        StepEntry(operation, "announcement", D(2019, 10, 28)),
    ]


@pytest.fixture
def registry(tmp_path):
    db, places = build_registry(tmp_path / "f.db")
    yield db, places
    db.dispose()


def test_a_village_step_is_written_with_its_book_entries_and_one_outbox_change(registry) -> None:
    db, places = registry
    with db.session() as session:
        step = record_village_step(session, places.east_id, plan()[1], actor="王干部")
    with db.session() as session:
        stored = session.get(ProcedureStep, step.id)
        assert (stored.household_id, stored.step, stored.end_date) == (
            None,
            "first_notice",
            D(2019, 10, 17),
        )
        book = session.scalars(select(LedgerEntry).where(LedgerEntry.entity_id == step.id)).all()
        assert {e.field for e in book} >= {"step", "start_date", "end_date", "village_id"}
        assert {(e.household_id, e.entity, e.actor) for e in book} == {
            (None, "procedure_steps", "王干部")
        }
        change = session.scalars(select(OutboxChange)).one()
        assert (change.entity, change.entity_id, change.op, change.village_code) == (
            "procedure_steps",
            step.id,
            "create",
            EAST_CODE,
        )
        assert change.fields["end_date"] == "2019-10-17"
        assert "household_id" not in change.fields  # a village step belongs to no household
        assert change.fields["village_id"] == places.east_id


def test_device_sequence_numbers_stay_gap_free_across_village_steps_and_household_saves(
    registry,
) -> None:
    db, places = registry
    household_id = add_household(
        db, places.east_id, "6107271012010001", status="ordinary", per_capita=2500
    )
    with db.session() as session:
        record_village_step(session, places.east_id, plan()[0], actor="a")
        household = session.get(Household, household_id)
        record_household_step(session, household, plan()[1], actor="a")
        record_village_step(session, places.east_id, plan()[2], actor="a")
    with db.session() as session:
        seqs = device_seqs(session)
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 3


def test_a_nine_day_notice_is_refused_and_nothing_is_written(registry) -> None:
    db, places = registry
    with db.session() as session:
        record_village_step(session, places.east_id, plan()[0], actor="a")
        before = writes(session)
        nine = StepEntry("identify", "first_notice", D(2019, 10, 8), D(2019, 10, 16))
        with pytest.raises(ProcedureRefused) as refused:
            record_village_step(session, places.east_id, nine, actor="a")
        assert refused.value.problems[0].code == rules.PROC_NOTICE_TOO_SHORT
        assert "共9天" in refused.value.message
    with db.session() as session:
        assert writes(session) == before
        assert count(session, ProcedureStep) == 1


def test_a_step_out_of_order_is_refused_against_the_village_steps(registry) -> None:
    db, places = registry
    household_id = add_household(
        db, places.east_id, "6107271012010001", status="ordinary", per_capita=2500
    )
    with db.session() as session:
        record_village_step(session, places.east_id, plan()[1], actor="a")  # notice 10-08..10-17
        household = session.get(Household, household_id)
        early = StepEntry("identify", "second_appraisal", D(2019, 10, 17))
        with pytest.raises(ProcedureRefused) as refused:
            record_household_step(session, household, early, actor="a")
        assert refused.value.problems[0].code == rules.PROC_STEP_ORDER
        assert household.procedure_steps == []  # the refused step is not left on the form
    with db.session() as session:
        assert count(session, ProcedureStep) == 1


def test_a_household_step_goes_through_the_households_save(registry) -> None:
    db, places = registry
    household_id = add_household(
        db, places.east_id, "6107271012010001", status="ordinary", per_capita=2500
    )
    with db.session() as session:
        household = session.get(Household, household_id)
        result = record_household_step(session, household, plan()[0], actor="李干部")
    assert result.household_id == household_id and result.change_ids
    with db.session() as session:
        book = session.scalars(
            select(LedgerEntry).where(LedgerEntry.entity == "procedure_steps")
        ).all()
        assert {e.household_id for e in book} == {household_id}
        assert {e.reason for e in book} == {"登记识别程序"}
        assert {e.new_value for e in book if e.field == "outcome"} == {"通过"}


def test_a_village_step_can_be_corrected_and_struck_out(registry) -> None:
    db, places = registry
    with db.session() as session:
        step = record_village_step(session, places.east_id, plan()[1], actor="a")
        longer = StepEntry("identify", "first_notice", D(2019, 10, 8), D(2019, 10, 20))
        record_village_step(session, places.east_id, longer, actor="a", step_id=step.id)
        delete_village_step(session, step.id, actor="a", reason="重复登记")
    with db.session() as session:
        stored = session.get(ProcedureStep, step.id)
        assert stored.end_date == D(2019, 10, 20) and stored.deleted
        ops = session.scalars(select(OutboxChange.op).order_by(OutboxChange.device_seq)).all()
        assert ops == ["create", "update", "delete"]
        old_new = session.execute(
            select(LedgerEntry.old_value, LedgerEntry.new_value).where(
                LedgerEntry.field == "end_date", LedgerEntry.old_value.is_not(None)
            )
        ).one()
        assert tuple(old_new) == ("2019-10-17", "2019-10-20")


def test_a_correction_that_breaks_the_rules_leaves_the_step_as_it_was(registry) -> None:
    db, places = registry
    with db.session() as session:
        step = record_village_step(session, places.east_id, plan()[1], actor="a")
        shorter = StepEntry("identify", "first_notice", D(2019, 10, 8), D(2019, 10, 12))
        with pytest.raises(ProcedureRefused):
            record_village_step(session, places.east_id, shorter, actor="a", step_id=step.id)
        assert step.end_date == D(2019, 10, 17)
    with db.session() as session:
        assert session.get(ProcedureStep, step.id).end_date == D(2019, 10, 17)


def test_a_household_procedure_completes_with_the_villages_steps(registry) -> None:
    db, places = registry
    household_id = add_household(
        db, places.east_id, "6107271012010001", status="poor", identified_year=2019, per_capita=2500
    )
    with db.session() as session:
        for entry in plan()[:5]:
            record_village_step(session, places.east_id, entry, actor="a")
        pending = household_procedure(session, household_id)
        assert pending.operation == "identify"
        assert pending.missing == ("announcement",)
        household = session.get(Household, household_id)
        record_household_step(session, household, plan()[5], actor="a")
        done = household_procedure(session, household_id, on=D(2019, 10, 28))
        assert done.complete and done.completed_on == D(2019, 10, 28)
        too_early = household_procedure(session, household_id, on=D(2019, 10, 27))
        assert not too_early
        assert rules.PROC_NOT_YET_ANNOUNCED in {p.code for p in too_early.problems}


def test_candidates_are_new_returning_and_in_procedure_households(registry) -> None:
    db, places = registry
    new = add_household(
        db, places.east_id, "6107271012010001", status="poor", identified_year=2019, per_capita=2500
    )
    back = add_household(
        db,
        places.east_id,
        "6107271012010002",
        status="poor",
        identified_year=2015,
        returned_year=2019,
        per_capita=2500,
    )
    asking = add_household(
        db, places.west_id, "6107271012020001", status="ordinary", per_capita=2500
    )
    add_household(db, places.west_id, "6107271012020002")  # an old exited household
    with db.session() as session:
        record_household_step(session, session.get(Household, asking), plan()[0], actor="a")
        found = candidate_household_ids(session, POLICY)
        assert found == {new: "identify", back: "return", asking: "identify"}
        assert candidate_household_ids(session, POLICY, [places.west_id]) == {asking: "identify"}


def test_a_village_without_candidates_must_record_its_second_appraisal_and_notice(registry) -> None:
    db, places = registry
    add_household(db, places.west_id, "6107271012020001")
    with db.session() as session:
        west = village_procedure(session, places.west_id)
        assert not west.candidates and not west.check
        assert west.check.missing == ("second_appraisal", "second_notice")
        found = village_findings(session, policy=POLICY)
        assert {(v.code, p.code) for v, p in found} == {
            ("610727101201", rules.PROC_STEP_MISSING),
            ("610727101202", rules.PROC_STEP_MISSING),
        }
        record_village_step(session, places.west_id, plan()[3], actor="a")
        record_village_step(session, places.west_id, plan()[4], actor="a")
        assert village_procedure(session, places.west_id).check.complete
        assert [v.code for v, _ in village_findings(session, policy=POLICY)] == ["610727101201"]
