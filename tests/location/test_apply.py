"""Putting a location on a real household through the one save path, and on a village committee."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.audit import audit_household
from desktop.domain.location_rules import committee_of, household_location_problems
from desktop.location.apply import (
    LocationChoice,
    LocationChoiceError,
    apply_to_household,
    apply_to_village,
    clear_household_location,
    context_for_household,
    context_for_village,
    fallback,
    from_capture,
    from_typed,
    preview_problems,
)
from desktop.location.coords import parse_coordinates
from desktop.location.gps import GpsSession
from desktop.location.nmea import read_log
from desktop.store.db import Database, registry_writer
from desktop.store.models import Division, Household, LedgerEntry, OutboxChange
from desktop.store.save import SaveRefused, save_household
from desktop.store.settings import working_policy

NOW = datetime(2019, 11, 2, 9, 30)


def located_validator(session: Session):
    """The audit the lead will wire: the household rules plus the location rules."""
    policy = working_policy(session)
    return lambda h: audit_household(h, policy=policy) + household_location_problems(h)


def a_household(session: Session) -> Household:
    return session.scalars(
        select(Household)
        .where(Household.away_long_term.is_(False))
        .order_by(Household.household_number)
    ).first()


def test_a_replayed_gps_capture_is_saved_with_source_accuracy_time_book_and_outbox(
    demo: Database, log
) -> None:
    session_gps = GpsSession()
    capture = next(
        p.capture for p in session_gps.feed_all(read_log(log("ublox_m8_multi.nmea"))) if p.capture
    )
    with demo.session() as session:
        household = a_household(session)
        hid = household.id
        validator = located_validator(session)  # before editing: a query would autoflush the edit
        choice = from_capture(capture)
        changed = apply_to_household(household, choice)
        assert {"latitude", "longitude", "location_accuracy_m", "location_time"} <= set(changed)
        save_household(session, household, actor="测试员", reason="入户核实", validator=validator)
    with demo.session() as session:
        saved = session.get(Household, hid)
        assert (saved.latitude, saved.longitude) == (choice.latitude, choice.longitude)
        assert saved.location_source == "gps" and saved.location_accuracy_m == choice.accuracy_m
        assert saved.location_time == datetime(
            2019, 10, 21, 10, 15
        )  # the receiver's UTC time in Beijing time
        book = {
            e.field: e
            for e in session.scalars(select(LedgerEntry).where(LedgerEntry.household_id == hid))
        }
        assert book["latitude"].new_value == str(choice.latitude)
        outbox = session.scalars(select(OutboxChange).where(OutboxChange.entity_id == hid)).all()
        assert outbox[-1].fields.get("location_source", "gps") == "gps"  # unchanged if it was GPS
        assert outbox[-1].fields["latitude"] == choice.latitude


def test_typed_dms_coordinates_are_saved_as_manual_without_accuracy(demo: Database) -> None:
    with demo.session() as session:
        household = a_household(session)
        committee = committee_of(household)
        assert committee is not None
        text = f"{committee.latitude + 0.002:.6f}, {committee.longitude + 0.002:.6f}"
        validator = located_validator(session)
        apply_to_household(household, from_typed(parse_coordinates(text), now=NOW))
        hid = household.id
        save_household(session, household, actor="测试员", reason="手工输入", validator=validator)
    with demo.session() as session:
        saved = session.get(Household, hid)
        assert saved.location_source == "manual" and saved.location_accuracy_m is None
        assert saved.location_time == NOW


def test_the_q19_fallback_without_a_note_is_refused_and_nothing_typed_is_lost(
    demo: Database,
) -> None:
    with demo.session() as session:
        household = a_household(session)
        committee = committee_of(household)
        hid, old_lat = household.id, household.latitude
        validator = located_validator(session)
        choice = fallback("village_committee", committee, note="", contact="138 1234 5678", now=NOW)
        apply_to_household(household, choice)
        household.housing_area_m2 = None
        with pytest.raises(SaveRefused) as refused:
            save_household(session, household, actor="测试员", reason="x", validator=validator)
        assert "LOC_FALLBACK_NO_NOTE" in {p.code for p in refused.value.problems}
        assert household.location_contact == "13812345678"  # kept, in its canonical form
        household.location_note = "全家在外务工, 原房屋已拆除"
        save_household(session, household, actor="测试员", reason="整户外出", validator=validator)
    with demo.session() as session:
        saved = session.get(Household, hid)
        assert saved.away_long_term and saved.location_source == "village_committee"
        assert (saved.latitude, saved.longitude) == (committee.latitude, committee.longitude)
        assert saved.latitude != old_lat


def test_a_fallback_is_only_the_original_address_or_the_committee() -> None:
    from desktop.domain.geo import LatLon

    with pytest.raises(LocationChoiceError):
        fallback("gps", LatLon(33.4, 106.0), note="x", contact="13812345678")
    with pytest.raises(LocationChoiceError):
        LocationChoice(33.4, 106.0, "baidu", None, NOW)


def test_a_gps_choice_keeps_the_away_flag_note_and_contact_of_the_household(demo: Database) -> None:
    with demo.session() as session:
        household = session.scalars(
            select(Household).where(Household.away_long_term.is_(True))
        ).first()
        assert household is not None, "the demo has families away long-term"
        note = household.location_note
        apply_to_household(household, from_typed(parse_coordinates("33.41, 106.05"), now=NOW))
        assert household.away_long_term and household.location_note == note


def test_preview_shows_the_problems_without_touching_the_household(demo: Database) -> None:
    with demo.session() as session:
        household = a_household(session)
        before = (household.latitude, household.longitude, household.location_source)
        choice = fallback(
            "village_committee", committee_of(household), note="", contact="123", now=NOW
        )
        codes = {p.code for p in preview_problems(household, choice)}
        assert {"LOC_FALLBACK_NO_NOTE", "LOC_FALLBACK_BAD_CONTACT"} <= codes
        assert (household.latitude, household.longitude, household.location_source) == before
        context = context_for_household(household)
        assert context.committee == committee_of(household) and not context.for_village
        assert context.current.latitude == household.latitude


def test_clearing_a_location_removes_the_point_and_everything_about_it(demo: Database) -> None:
    with demo.session() as session:
        household = a_household(session)
        assert household.village is not None  # loaded before the edit (a lazy load would autoflush)
        changed = clear_household_location(household)
        assert {"latitude", "longitude", "location_source", "location_time"} <= set(changed)
        assert [p.code for p in household_location_problems(household)] == ["LOC_MISSING"]


def test_a_village_committee_location_is_set_with_its_source_and_time(demo: Database) -> None:
    with demo.session() as session:
        village = session.scalars(select(Division).where(Division.level == "village")).first()
        vid = village.id
        choice = from_typed(parse_coordinates("北纬33°24′36″ 东经106°03′00″"), now=NOW)
        with registry_writer(session, "test"):  # until the store has save_division
            apply_to_village(village, choice)
            session.commit()
        assert context_for_village(village).for_village
    with demo.session() as session:
        village = session.get(Division, vid)
        assert village.committee_latitude == pytest.approx(33.41)
        assert (
            village.committee_location_source == "manual" and village.committee_location_time == NOW
        )


def test_a_village_committee_cannot_take_a_household_fallback(demo: Database) -> None:
    from desktop.domain.geo import LatLon

    with demo.session() as session:
        village = session.scalars(select(Division).where(Division.level == "village")).first()
        choice = fallback("original_address", LatLon(33.4, 106.0), note="x", contact="13812345678")
        with pytest.raises(LocationChoiceError):
            apply_to_village(village, choice)
