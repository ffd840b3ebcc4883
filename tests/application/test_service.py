"""The application layer over a real SQLite file: writes on the one writer, and what they changed."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.application import Fieldbook, Kind, OpChanges
from desktop.domain.roles import Role
from desktop.location.apply import LocationChoice
from desktop.store.models import Division, Household, LedgerEntry, OutboxChange

ROOT = Path(__file__).resolve().parents[2]


def test_the_layer_imports_no_qt() -> None:
    script = (
        "import sys, desktop.application, desktop.application.service\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)


def test_changes_merge_and_say_what_they_touch() -> None:
    saved = OpChanges.of(Kind.HOUSEHOLDS, Kind.SYNC, households=["h1"])
    printed = OpChanges.of(Kind.CARDS, villages=["v1"])
    both = saved | printed
    assert both.touches(Kind.CARDS) and both.touches(Kind.HOUSEHOLDS)
    assert not both.touches(Kind.SETTINGS)
    assert both.touches_household("h1") and not both.touches_household("h2")
    assert both.villages == {"v1"}
    assert OpChanges().empty and not both.empty
    everything = OpChanges.everything()
    assert everything.touches(Kind.SETTINGS) and everything.touches_household("any")


def test_a_write_runs_on_the_databases_one_writer(demo_copy) -> None:
    db = demo_copy()
    app = Fieldbook(db, user="测试员")
    assert app.write(threading.current_thread) is not threading.current_thread()
    assert app.write(db.writer.on_writer_thread) is True


def test_the_committee_location_is_saved_on_the_writer_booked_queued_and_announced(
    demo_copy,
) -> None:
    db = demo_copy()
    app = Fieldbook(db, user="测试员", role=Role.FIELD_WORKER)
    heard: list[OpChanges] = []
    app.subscribe(heard.append)
    with db.session() as session:
        village_id = session.scalars(select(Division.id).where(Division.level == "village")).first()
    choice = LocationChoice(
        latitude=33.3295,
        longitude=106.1568,
        source="manual",
        accuracy_m=None,
        taken_at=datetime(2019, 9, 2, 10),
    )

    outcome = app.save_committee_location(village_id, choice, reason="村委会位置采集")
    app.notify(outcome.changes)

    assert outcome.result is True
    assert outcome.changes.touches(Kind.VILLAGES, Kind.SYNC)
    assert outcome.changes.villages == {village_id}
    assert heard == [outcome.changes]
    with db.session() as session:
        saved = session.get(Division, village_id)
        assert round(saved.committee_latitude, 4) == 33.3295
        assert session.scalars(
            select(OutboxChange).where(OutboxChange.entity_id == village_id)
        ).one()
        book = session.scalars(select(LedgerEntry).where(LedgerEntry.entity_id == village_id))
        assert {e.actor for e in book} == {"测试员"}


def test_saving_a_form_names_the_household_it_changed(demo_copy) -> None:
    db = demo_copy()
    app = Fieldbook(db, user="测试员", clock=lambda: datetime(2019, 9, 2, 10))
    with db.session() as session:
        household_id = session.scalars(select(Household.id).order_by(Household.id)).first()
    data = app.load_form(household_id, key=household_id)
    payload = data.payload
    assert payload is not None
    payload["household"]["phone"] = "13800000000"

    outcome = app.save_form(payload, reason="电话变了", key=household_id)

    assert outcome.result.household_id == household_id
    assert outcome.changes.touches_household(household_id)
    assert outcome.changes.touches(Kind.HOUSEHOLDS, Kind.SYNC)
    assert not outcome.changes.touches(Kind.OPERATIONS)
    assert app.unsynced_count() >= 1


def test_a_draft_is_kept_for_its_user_and_deleted(demo_copy) -> None:
    db = demo_copy()
    app = Fieldbook(db, user="王芳")
    kept = app.save_draft("new:1", {"household": {}, "meta": {"title": "新户"}}, household_id=None)
    assert kept.changes.touches(Kind.DRAFTS)
    assert [d.key for d in app.drafts()] == ["new:1"]
    assert Fieldbook(db, user="李强").drafts() == []
    assert app.delete_draft("new:1").result is True
    assert app.delete_draft("new:1").changes.empty


def test_a_write_without_a_writer_runs_where_its_session_refuses() -> None:
    class Locked:
        def session(self):
            raise RuntimeError("locked")

    app = Fieldbook(Locked(), user="王芳")  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="locked"):
        app.save_draft("k", {}, household_id=None)
