"""The household form's rules without a widget: ``HouseholdEditor`` over a real SQLite file.

No ``QApplication`` here: what blocks a save, what asks a reason, what is only missing, and the
save and the draft themselves, as the form (``desktop.ui.household_form``) relies on them.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from desktop.application import Fieldbook, Kind
from desktop.application.household_editor import HouseholdEditor, reason_key
from desktop.domain.clock import FixedClock
from desktop.domain.operations import Operation
from desktop.domain.roles import Role
from desktop.store.models import Household

WORK_DAY = datetime(2019, 10, 15, 10)  # inside the 2019 calendar of every operation


@pytest.fixture
def app(demo_copy) -> Fieldbook:
    return Fieldbook(demo_copy(), user="王芳", role=Role.REVIEWER, clock=FixedClock(WORK_DAY))


def household_of(app: Fieldbook, status: str) -> str:
    with app.db.session() as session:
        return session.scalars(
            select(Household.id)
            .where(Household.status == status)
            .order_by(Household.household_number)
        ).first()


def open_editor(app: Fieldbook, household_id: str) -> HouseholdEditor:
    editor = HouseholdEditor(app, household_id=household_id)
    payload = editor.loaded(editor.load())
    assert payload is not None
    editor.take(payload, dirty=False)
    return editor


def test_a_clean_household_is_ready_to_save_without_a_reason(app) -> None:
    editor = open_editor(app, household_of(app, "ordinary"))
    step = editor.save_step()
    assert step.ready and step.reason is None
    assert editor.problems == []
    assert editor.saved_before and editor.title.startswith("6107")


def test_an_error_blocks_the_save_before_anything_else(app) -> None:
    editor = open_editor(app, household_of(app, "poor"))
    editor.payload["members"][0]["name"] = ""  # an error
    editor.payload["members"][0]["health"] = None  # and a required field left empty
    step = editor.save_step()
    assert not step.ready
    assert [p.code for p in step.errors] == ["FORM_REQUIRED"]
    assert step.missing == []  # asked about once the errors are fixed


def test_a_required_field_left_empty_cannot_be_excused_by_a_reason(app) -> None:
    editor = open_editor(app, household_of(app, "poor"))
    editor.payload["members"][0]["health"] = None
    step = editor.save_step()
    assert [p.code for p in step.missing] == ["R13_HEALTH_EMPTY"]
    editor.give_reason(step.missing, "以后再填")
    assert editor.save_step().missing  # still missing: only a draft keeps it


def test_a_warning_asks_a_reason_once_and_the_book_keeps_it(app) -> None:
    editor = open_editor(app, household_of(app, "ordinary"))
    editor.payload["members"][0]["work_months"] = "13"
    step = editor.save_step()
    assert [p.code for p in step.new_warnings] == ["R44_WORK_MONTHS"]
    editor.give_reason(step.new_warnings, "外出务工跨年")
    again = editor.save_step()
    assert again.ready and again.reason == "外出务工跨年"
    assert reason_key(step.warnings[0]) in editor.reasons


def test_an_operation_the_calendar_no_longer_allows_refuses_the_save(app) -> None:
    editor = open_editor(app, household_of(app, "ordinary"))
    editor.record_operation(Operation.mark_marginal, {"risk_type": "01"})
    before = editor.save_step()
    assert editor.dirty and not before.errors and not before.refused
    assert editor.book_reason("核实") == "标记边缘户;核实"

    app.clock = FixedClock(datetime(2019, 9, 2, 10))  # before the year's work opens
    step = editor.save_step()
    assert step.refused and not step.ready


def test_the_save_job_saves_a_snapshot_and_names_what_changed(app) -> None:
    household_id = household_of(app, "ordinary")
    editor = open_editor(app, household_id)
    editor.payload["household"]["phone"] = "13800000000"
    job = editor.save_job(None)
    editor.payload["household"]["phone"] = "13900000000"  # typed after the save started

    outcome = job()
    payload = editor.saved(outcome.result)

    assert payload["household"]["phone"] == "13800000000"
    assert outcome.changes.touches_household(household_id)
    assert outcome.changes.touches(Kind.HOUSEHOLDS, Kind.SYNC)
    assert editor.key == household_id


def test_a_member_added_here_is_taken_back_and_a_saved_one_is_not(app) -> None:
    editor = open_editor(app, household_of(app, "ordinary"))
    saved_member = editor.payload["members"][0]["id"]
    row = editor.add_member()
    assert editor.member_count() == len(editor.payload["members"])
    assert editor.take_back_member(row["id"]) is True
    assert row not in editor.payload["members"]
    assert editor.take_back_member(saved_member) is False  # a natural decrease, not a delete
    assert editor.take_back_member("nobody") is None


def test_the_draft_is_kept_for_this_person_and_discarded(app) -> None:
    editor = open_editor(app, household_of(app, "ordinary"))
    editor.payload["household"]["phone"] = "13800000000"
    kept = editor.autosave_job()()
    assert kept.changes.touches(Kind.DRAFTS)
    assert [d.key for d in app.drafts()] == [editor.key]
    assert editor.discard_draft_job()().result is True
    assert app.drafts() == []


def test_a_field_worker_never_holds_the_internal_risks(demo_copy) -> None:
    app = Fieldbook(demo_copy(), user="王芳", role=Role.FIELD_WORKER, clock=FixedClock(WORK_DAY))
    editor = HouseholdEditor(app, household_id=household_of(app, "poor"))
    payload = editor.take({"household": {}, "meta": {}, "risks": [{"id": "r"}]}, dirty=True)
    assert "risks" not in payload and payload["members"] == []
