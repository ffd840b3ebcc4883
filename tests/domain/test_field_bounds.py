"""The field bounds: one table for the laptop's save and the server, kept to the store's columns."""

from __future__ import annotations

import pytest
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, Numeric, String, Text

from desktop.domain.field_bounds import FIELD_BOUNDS, TEXT_MAX_CHARS, bound_of, check_fields
from desktop.store.sync_apply import MODELS_BY_ENTITY, synced_columns

KIND_OF = [
    (Boolean, {"bool"}),
    (Float, {"float"}),
    (Integer, {"int"}),
    (Numeric, {"decimal"}),
    (DateTime, {"datetime"}),
    (Date, {"date"}),
    (Text, {"text"}),
    (String, {"str"}),
    (JSON, {"codes", "record"}),
]


def _kinds(column_type) -> set[str]:
    for type_, kinds in KIND_OF:
        if isinstance(column_type, type_):
            return kinds
    raise AssertionError(f"no kind for {column_type!r}")


def test_every_synced_column_has_a_bound_of_its_kind_within_the_column():
    for entity, model in MODELS_BY_ENTITY.items():
        columns = synced_columns(model)
        assert set(FIELD_BOUNDS[entity]) == set(columns), entity
        for name, column in columns.items():
            bound = bound_of(entity, name)
            assert bound is not None
            assert bound.kind in _kinds(column.type), (entity, name)
            length = getattr(column.type, "length", None)
            if bound.kind == "str":
                assert length is not None and bound.max_length is not None
                assert bound.max_length <= length, (entity, name)
            if bound.kind == "decimal":
                whole = 10 ** (column.type.precision - column.type.scale)
                assert bound.scale == column.type.scale
                assert -whole < bound.minimum and bound.maximum < whole, (entity, name)


@pytest.mark.parametrize(
    ("entity", "fields"),
    [
        ("households", {"road_distance_km": "1e30"}),
        ("households", {"road_distance_km": 1e30}),
        ("households", {"road_distance_km": "NaN"}),
        ("households", {"road_distance_km": "abc"}),
        ("households", {"cultivated_land_mu": "-5"}),
        ("households", {"latitude": 1e308}),
        ("households", {"longitude": float("inf")}),
        ("households", {"member_count": 99}),
        ("households", {"member_count": 10**30}),
        ("households", {"member_count": True}),
        ("households", {"other_causes": {"a": 1}}),
        ("households", {"other_causes": [1, 2]}),
        ("households", {"note": "记" * (TEXT_MAX_CHARS + 1)}),
        ("households", {"head_name": "张\ud800"}),
        ("households", {"status": "rich"}),
        ("households", {"last_visit_date": "2019-13-01"}),
        ("households", {"last_visit_date": "9999-01-01"}),
        ("members", {"id_number": 610424197005010011}),
        ("members", {"id_number": ["610424197005010011"]}),
        ("members", {"id_number": "6104241970'; --"}),
        ("members", {"work_months": 100}),
        ("divisions", {"poor_population_end_2013": -1}),
        ("incomes", {"wage_income": "1" + "0" * 20}),
    ],
)
def test_a_value_outside_its_bound_is_one_error_naming_the_field(entity, fields):
    problems = check_fields(entity, fields)
    assert len(problems) == 1
    (name,) = fields
    assert problems[0].is_error
    assert problems[0].field == f"{entity}.{name}"
    assert problems[0].message.startswith(name)


def test_values_the_form_writes_pass():
    household = {
        "road_distance_km": "2.50",
        "cultivated_land_mu": "3.20",
        "latitude": 34.52,
        "longitude": 108.23,
        "member_count": 4,
        "other_causes": ["01", "12"],
        "note": "记" * TEXT_MAX_CHARS,
        "status": "exited_stable",
        "last_visit_date": "2019-11-02",
        "location_time": "2019-11-02T10:31:00",
        "away_long_term": False,
        "hamlet_id": None,
    }
    assert check_fields("households", household) == []
    member = {"id_number": "61042419700501001X", "work_months": 12, "health": []}
    assert check_fields("members", member) == []
    assert check_fields("incomes", {"wage_income": 6000, "business_income": "-300.00"}) == []


def test_a_field_the_table_does_not_know_is_left_to_the_column_check():
    assert check_fields("households", {"no_such_field": object()}) == []
    assert check_fields("no_such_entity", {"x": 1}) == []


def test_an_operation_detail_is_a_small_flat_record():
    fits = {"change_reason": "05", "member_id": "m1", "special_support_change": ["1", "2"]}
    assert check_fields("household_operations", {"detail": fits}) == []
    for bad in (
        ["not", "a", "record"],
        {"nested": {"deeper": 1}},
        {f"k{i}": i for i in range(21)},
        {"note": "长" * 201},
        {"x": float("inf")},
    ):
        (problem,) = check_fields("household_operations", {"detail": bad})
        assert problem.field == "household_operations.detail"
