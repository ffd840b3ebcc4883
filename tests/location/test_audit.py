"""The location rules over households, villages and whole sets of points, fallback (Q19) first."""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest

from desktop.domain.geo import LatLon, LocalProjection
from desktop.domain.location_rules import (
    committee_of,
    household_location_problems,
    many_on_one_point,
    village_location_problems,
)
from desktop.domain.problems import Severity

COMMITTEE = LatLon(33.4100, 106.0500)
AT_COMMITTEE = (COMMITTEE.latitude, COMMITTEE.longitude)
NEAR = (33.4123, 106.0512)  # ~280 m from the committee
TAKEN = datetime(2019, 10, 21, 10, 15)


def household(**fields: Any) -> SimpleNamespace:
    values: dict[str, Any] = {
        "id": "h1",
        "latitude": NEAR[0],
        "longitude": NEAR[1],
        "location_source": "gps",
        "location_accuracy_m": 4.5,
        "location_time": TAKEN,
        "away_long_term": False,
        "location_note": None,
        "location_contact": None,
        "housing_area_m2": None,
        "village": SimpleNamespace(
            committee_latitude=COMMITTEE.latitude, committee_longitude=COMMITTEE.longitude
        ),
    }
    values.update(fields)
    return SimpleNamespace(**values)


def away_at_committee(**fields: Any) -> SimpleNamespace:
    base = {
        "latitude": AT_COMMITTEE[0],
        "longitude": AT_COMMITTEE[1],
        "location_source": "village_committee",
        "location_accuracy_m": None,
        "away_long_term": True,
        "location_note": "全家在浙江务工, 原房屋已拆除",
        "location_contact": "13812345678",
    }
    base.update(fields)
    return household(**base)


def codes(problems) -> list[str]:
    return sorted(p.code for p in problems)


def test_a_gps_point_near_the_committee_with_source_accuracy_and_time_is_clean() -> None:
    assert household_location_problems(household()) == []


def test_the_committee_is_read_from_the_households_village() -> None:
    assert committee_of(household()) == COMMITTEE
    assert committee_of(household(village=None)) is None


def test_a_household_without_a_location_gets_one_warning_naming_the_q19_way_out() -> None:
    problems = household_location_problems(household(latitude=None, longitude=None))
    assert codes(problems) == ["LOC_MISSING"]
    assert problems[0].severity is Severity.WARNING and "村委会位置" in problems[0].message


def test_half_a_point_is_an_error() -> None:
    assert codes(household_location_problems(household(longitude=None))) == ["LOC_INCOMPLETE"]


def test_a_point_must_say_where_it_came_from() -> None:
    assert codes(household_location_problems(household(location_source=None))) == [
        "LOC_SOURCE_MISSING"
    ]
    assert codes(household_location_problems(household(location_source="baidu"))) == [
        "LOC_SOURCE_UNKNOWN"
    ]


def test_a_point_without_time_or_a_gps_point_without_accuracy_is_suspect() -> None:
    problems = household_location_problems(household(location_time=None, location_accuracy_m=None))
    assert codes(problems) == ["LOC_GPS_NO_ACCURACY", "LOC_NO_TIME"]
    assert all(p.severity is Severity.WARNING for p in problems)
    assert (
        household_location_problems(household(location_source="manual", location_accuracy_m=None))
        == []
    )


def test_a_swapped_point_is_outside_china_and_the_message_says_it_looks_swapped() -> None:
    problems = household_location_problems(household(latitude=NEAR[1], longitude=NEAR[0]))
    assert codes(problems) == ["LOC_OUTSIDE_CHINA"]
    assert problems[0].is_error and "写反" in problems[0].message


def test_a_point_far_from_the_committee_is_a_warning_naming_distance_and_direction() -> None:
    east, north = 0.0, 8000.0
    lat, lon = LocalProjection(*AT_COMMITTEE).to_degrees(east, north)
    problems = household_location_problems(household(latitude=lat, longitude=lon))
    assert codes(problems) == ["LOC_FAR_FROM_VILLAGE"]
    assert "北方向 8.0 公里" in problems[0].message and "5.0 公里" in problems[0].message
    assert problems[0].severity is Severity.WARNING


def test_the_distance_limit_is_a_setting(settings) -> None:
    tight = dataclasses.replace(settings, max_committee_distance_m=100.0)
    problems = household_location_problems(household(), settings=tight)
    assert codes(problems) == ["LOC_FAR_FROM_VILLAGE"]
    assert "米" in problems[0].message


# --- Q19: registered here, no housing, the whole family away ------------------------------------


def test_the_q19_fallback_with_note_and_mobile_is_clean() -> None:
    assert household_location_problems(away_at_committee()) == []


def test_the_q19_fallback_at_the_original_address_with_a_landline_is_clean() -> None:
    clean = away_at_committee(
        location_source="original_address",
        latitude=NEAR[0],
        longitude=NEAR[1],
        location_contact="0916-4821234",
    )
    assert household_location_problems(clean) == []


def test_the_fallback_without_a_note_is_an_error() -> None:
    for empty in (None, "", "   "):
        problems = household_location_problems(away_at_committee(location_note=empty))
        assert codes(problems) == ["LOC_FALLBACK_NO_NOTE"]
        assert problems[0].is_error


def test_the_fallback_without_a_contact_is_an_error() -> None:
    problems = household_location_problems(away_at_committee(location_contact=None))
    assert codes(problems) == ["LOC_FALLBACK_NO_CONTACT"] and problems[0].is_error


@pytest.mark.parametrize("bad", ["12345", "1381234567", "23812345678", "029-123"])
def test_the_fallback_contact_must_be_a_valid_mainland_phone(bad: str) -> None:
    problems = household_location_problems(away_at_committee(location_contact=bad))
    assert codes(problems) == ["LOC_FALLBACK_BAD_CONTACT"]
    assert problems[0].is_error and bad in problems[0].message


def test_the_fallback_for_a_family_not_away_is_suspect() -> None:
    problems = household_location_problems(away_at_committee(away_long_term=False))
    assert codes(problems) == ["LOC_FALLBACK_NOT_AWAY"]
    assert problems[0].severity is Severity.WARNING


def test_the_fallback_for_a_family_with_housing_is_suspect() -> None:
    problems = household_location_problems(away_at_committee(housing_area_m2=85))
    assert codes(problems) == ["LOC_FALLBACK_HAS_HOUSING"]
    assert "85" in problems[0].message


def test_the_committee_as_source_must_be_the_committees_point() -> None:
    problems = household_location_problems(away_at_committee(latitude=NEAR[0], longitude=NEAR[1]))
    assert codes(problems) == ["LOC_COMMITTEE_MISMATCH"]


def test_every_fallback_rule_at_once_reports_each_problem() -> None:
    problems = household_location_problems(
        away_at_committee(
            away_long_term=False, location_note=None, location_contact="110", housing_area_m2=40
        )
    )
    assert codes(problems) == [
        "LOC_FALLBACK_BAD_CONTACT",
        "LOC_FALLBACK_HAS_HOUSING",
        "LOC_FALLBACK_NOT_AWAY",
        "LOC_FALLBACK_NO_NOTE",
    ]
    assert all(p.entity_id == "h1" for p in problems)


def test_a_gps_point_for_a_family_away_that_still_has_its_house_is_fine() -> None:
    assert household_location_problems(household(away_long_term=True)) == []


# --- villages ----------------------------------------------------------------------------------


def village(**fields: Any) -> SimpleNamespace:
    values = {
        "id": "v1",
        "name": "王家湾村",
        "committee_latitude": COMMITTEE.latitude,
        "committee_longitude": COMMITTEE.longitude,
        "committee_location_source": "gps",
    }
    values.update(fields)
    return SimpleNamespace(**values)


def test_a_village_committee_with_a_sourced_point_is_clean() -> None:
    assert village_location_problems(village()) == []


def test_a_village_without_its_committee_location_is_flagged_poor_or_not() -> None:
    problems = village_location_problems(village(committee_latitude=None, committee_longitude=None))
    assert codes(problems) == ["LOC_VILLAGE_COMMITTEE_MISSING"]
    assert "王家湾村" in problems[0].message and problems[0].entity_id == "v1"


def test_a_broken_committee_point_is_an_error() -> None:
    assert codes(village_location_problems(village(committee_longitude=None))) == [
        "LOC_VILLAGE_COMMITTEE_INCOMPLETE"
    ]
    assert codes(village_location_problems(village(committee_location_source=None))) == [
        "LOC_VILLAGE_COMMITTEE_NO_SOURCE"
    ]
    assert codes(
        village_location_problems(village(committee_latitude=106.05, committee_longitude=33.41))
    ) == ["LOC_VILLAGE_COMMITTEE_OUTSIDE_CHINA"]


# --- many households on one point ----------------------------------------------------------------


def scatter(n: int, seed: int) -> list[tuple[str, float, float]]:
    rng = random.Random(seed)
    projection = LocalProjection(*AT_COMMITTEE)
    rows = []
    for i in range(n):
        lat, lon = projection.to_degrees(rng.uniform(-1500, 1500), rng.uniform(-1500, 1500))
        rows.append((f"s{i}", lat, lon))
    return rows


def test_several_households_on_one_point_are_each_flagged() -> None:
    copied = [(f"c{i}", NEAR[0], NEAR[1]) for i in range(5)]
    pair = [("p1", 33.42, 106.06), ("p2", 33.42, 106.06)]
    problems = many_on_one_point(scatter(300, 1) + copied + pair)
    assert sorted(p.entity_id for p in problems) == [f"c{i}" for i in range(5)]
    assert "5 户" in problems[0].message


def test_points_a_metre_apart_chain_into_one_group(settings) -> None:
    projection = LocalProjection(*NEAR)
    rows = [(f"r{i}", *projection.to_degrees(i * 1.5, 0.0)) for i in range(4)]
    assert len(many_on_one_point(rows, settings)) == 4
    fewer = dataclasses.replace(settings, same_point_min_households=5)
    assert many_on_one_point(rows, fewer) == []


def test_the_shared_point_check_finds_nothing_in_a_county_of_scattered_points() -> None:
    # Speed is measured by the audit benchmark; here a county-sized input must give no false hits.
    rows = scatter(20_000, 2)
    assert many_on_one_point(rows) == []


def test_the_fast_measure_for_whole_databases_finds_the_same_problems() -> None:
    projection = LocalProjection(*AT_COMMITTEE)
    cases = [household()] + [
        household(latitude=lat, longitude=lon)
        for lat, lon in (
            projection.to_degrees(0, 4990),
            projection.to_degrees(5100, 0),
            projection.to_degrees(-9000, 3000),
        )
    ]
    cases.append(away_at_committee(latitude=NEAR[0], longitude=NEAR[1]))
    for case in cases:
        assert codes(household_location_problems(case, fast=True)) == codes(
            household_location_problems(case)
        )
