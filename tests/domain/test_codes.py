"""Code tables: every file loads, codes are unique, labels are Chinese, the special keys hold."""

from __future__ import annotations

import json
import re

import pytest

from desktop.domain.codes import CodeTableError, code_table, implied_sex, table_names
from desktop.domain.operations import Operation, Status
from desktop.domain.resources import resource_path

EXPECTED_TABLES = {
    "relation", "sex", "id_type", "ethnicity", "political_status", "education", "school_status",
    "health", "labour_skill", "work_place", "poverty_cause", "return_cause",
    "identification_standard", "attribute", "special_support_mode", "status", "fuel", "road_type",
    "housing_grade", "unit_level", "relocation_mode", "resettlement_method", "resettlement_place",
    "assistance_category", "natural_change_reason", "risk_type", "risk_decider",
    "disability_category", "procedure_step", "operation",
}  # fmt: skip
CHINESE = re.compile(r"[\u4e00-\u9fff]")
MALE, FEMALE = "1", "2"


def _raw(name: str) -> dict:
    return json.loads(resource_path("codes", f"{name}.json").read_text(encoding="utf-8"))


def _all_entries(name: str) -> list[dict]:
    out = []
    for entry in _raw(name)["codes"]:
        out.append(entry)
        out.extend(entry.get("items", []))
    return out


def test_every_expected_table_is_shipped():
    assert set(table_names()) >= EXPECTED_TABLES


@pytest.mark.parametrize("name", table_names())
def test_table_file_has_the_documented_shape(name):
    raw = _raw(name)
    assert set(raw) >= {"name", "label", "national_field", "source", "multi", "codes"}
    assert raw["name"] == name
    assert isinstance(raw["multi"], bool)
    assert raw["source"].strip()
    assert raw["codes"], f"{name} has no codes"


@pytest.mark.parametrize("name", table_names())
def test_table_file_keeps_chinese_unescaped(name):
    text = resource_path("codes", f"{name}.json").read_text(encoding="utf-8")
    assert "\\u" not in text


@pytest.mark.parametrize("name", table_names())
def test_table_loads_with_a_chinese_title(name):
    table = code_table(name)
    assert table.name == name
    assert CHINESE.search(table.title)
    assert len(table) == len(_raw(name)["codes"])


@pytest.mark.parametrize("name", table_names())
def test_codes_are_unique_strings_within_a_table(name):
    codes = [e["code"] for e in _all_entries(name)]
    assert all(isinstance(c, str) and c for c in codes)
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("name", table_names())
def test_every_label_is_non_empty_chinese(name):
    table = code_table(name)
    for entry in _all_entries(name):
        assert CHINESE.search(entry["label"]), (name, entry)
        assert table.label(entry["code"]) == entry["label"]


def test_unknown_code_labels_as_the_code_in_brackets_without_raising():
    assert code_table("relation").label("77") == "[77]"
    assert code_table("relation").label("") == "[]"
    assert code_table("relation").entry("77") is None


def test_contains_accepts_known_codes_and_nested_items_only():
    relation = code_table("relation")
    assert "01" in relation
    assert "77" not in relation
    assert 1 not in relation
    assert "0603" in code_table("assistance_category")


def test_entry_returns_a_copy_that_cannot_corrupt_the_cache():
    entry = code_table("sex").entry("1")
    assert entry == {"code": "1", "label": "男"}
    entry["label"] = "changed"
    assert code_table("sex").label("1") == "男"


def test_code_table_is_cached():
    assert code_table("ethnicity") is code_table("ethnicity")


def test_missing_table_raises_a_clear_error():
    with pytest.raises(CodeTableError, match="no_such_table"):
        code_table("no_such_table")


def test_ethnicity_lists_all_56_groups_in_gb3304_order():
    table = code_table("ethnicity")
    assert table.codes() == [f"{i:02d}" for i in range(1, 57)]
    assert table.label("01") == "汉族"
    assert table.label("05") == "维吾尔族"
    assert table.label("23") == "高山族"
    assert table.label("56") == "基诺族"
    labels = [table.label(c) for c in table.codes()]
    assert all(label.endswith("族") for label in labels)
    assert len(set(labels)) == 56


@pytest.mark.parametrize(
    ("code", "sex"),
    [("03", MALE), ("04", FEMALE), ("05", FEMALE), ("06", MALE), ("07", MALE), ("08", FEMALE),
     ("09", MALE), ("10", FEMALE), ("11", MALE), ("12", FEMALE), ("13", MALE), ("14", FEMALE),
     ("15", MALE), ("16", FEMALE), ("17", MALE), ("18", FEMALE), ("19", MALE), ("20", FEMALE)],
)  # fmt: skip
def test_gendered_relations_imply_their_sex_whatever_the_head(code, sex):
    assert implied_sex(code, MALE) == sex
    assert implied_sex(code, FEMALE) == sex
    assert implied_sex(code, None) == sex


def test_spouse_implies_the_sex_opposite_to_the_head():
    assert code_table("relation").entry("02")["sex"] == "opposite"
    assert implied_sex("02", MALE) == FEMALE
    assert implied_sex("02", FEMALE) == MALE


def test_spouse_implies_nothing_when_the_head_sex_is_unknown():
    assert implied_sex("02", None) is None
    assert implied_sex("02", "9") is None


def test_head_other_and_unknown_relations_imply_no_sex():
    assert implied_sex("01", MALE) is None
    assert implied_sex("99", FEMALE) is None
    assert implied_sex("77", MALE) is None


def test_relation_sex_values_are_sex_codes_opposite_or_null():
    sexes = set(code_table("sex").codes())
    for entry in _all_entries("relation"):
        assert entry["sex"] in sexes | {"opposite", None}


def test_relation_runs_01_to_20_plus_99_other():
    codes = code_table("relation").codes()
    assert codes == [f"{i:02d}" for i in range(1, 21)] + ["99"]
    assert code_table("relation").label("99") == "其他"


def test_health_is_the_only_multi_select_table():
    assert [n for n in table_names() if code_table(n).multi] == ["health"]
    assert code_table("health").labels(["04", "02"]) == ["残疾", "长期慢性病"]


def test_compulsory_school_codes_are_primary_and_grades_seven_to_nine():
    table = code_table("school_status")
    compulsory = [c for c in table.codes() if table.entry(c).get("compulsory")]
    assert [table.label(c) for c in compulsory] == ["小学", "七年级", "八年级", "九年级"]


def test_only_c_and_d_housing_grades_are_dangerous():
    table = code_table("housing_grade")
    assert table.codes() == ["1", "2", "3", "4", "9"]
    dangerous = [table.label(c) for c in table.codes() if table.entry(c).get("dangerous")]
    assert dangerous == ["C级", "D级"]


def test_marriage_is_a_poverty_cause_for_other_causes_only():
    table = code_table("poverty_cause")
    assert table.codes() == [f"{i:02d}" for i in range(1, 14)]
    other_only = [c for c in table.codes() if table.entry(c).get("other_only")]
    assert other_only == ["13"]
    assert table.label("13") == "因婚"


def test_return_causes_add_marriage_and_failed_industry():
    table = code_table("return_cause")
    assert table.codes() == [f"{i:02d}" for i in range(1, 15)]
    assert table.label("14") == "产业扶贫失败"


def test_attribute_has_the_guides_three_2019_values_and_support_mode_is_separate():
    attribute = code_table("attribute")
    assert [attribute.label(c) for c in attribute.codes()] == [
        "一般贫困户", "低保贫困户", "特困供养贫困户",
    ]  # fmt: skip
    assert "2019" in attribute.source
    mode = code_table("special_support_mode")
    assert [mode.entry(c)["centralised"] for c in mode.codes()] == [False, True]
    assert [mode.label(c) for c in mode.codes()] == ["分散供养", "集中供养"]


def test_status_codes_are_the_app_identifiers_with_national_codes():
    table = code_table("status")
    assert table.codes() == [s.value for s in Status]
    national = {c: table.entry(c)["national"] for c in table.codes()}
    assert national == {"poor": "0", "exited": "1", "exited_stable": "4", "ordinary": None}


def test_operation_codes_match_the_operation_enum():
    table = code_table("operation")
    assert table.codes() == [o.value for o in Operation]
    assert table.label("return") == "返贫"


def test_procedure_steps_are_ordered_with_two_notices():
    table = code_table("procedure_step")
    assert table.codes() == [
        "appraisal", "first_notice", "crosscheck", "second_appraisal", "second_notice",
        "announcement",
    ]  # fmt: skip
    assert [table.entry(c)["order"] for c in table.codes()] == [1, 2, 3, 4, 5, 6]
    notices = [c for c in table.codes() if table.entry(c).get("notice")]
    assert notices == ["first_notice", "second_notice"]


def test_assistance_items_nest_under_their_category():
    table = code_table("assistance_category")
    for category in _raw("assistance_category")["codes"]:
        assert category["items"], category["label"]
        for item in category["items"]:
            assert item["code"].startswith(category["code"])
            assert len(item["code"]) == 4
    health = [c for c in table.codes() if table.label(c) == "健康扶贫"]
    assert len(health) == 1
    item_labels = [i["label"] for i in table.entry(health[0])["items"]]
    assert "接受医疗救助" in item_labels


def test_natural_change_reasons_have_a_direction_each():
    table = code_table("natural_change_reason")
    directions = {c: table.entry(c)["direction"] for c in table.codes()}
    assert set(directions.values()) == {"in", "out"}
    assert directions["01"] == "out" and table.label("01") == "死亡"
    assert directions["06"] == "in" and table.label("06") == "新生儿"
    assert table.codes() == [f"{i:02d}" for i in range(1, 9)]


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("sex", ["1", "2"]),
        ("id_type", ["01", "09"]),
        ("health", ["01", "02", "03", "04"]),
        ("labour_skill", ["01", "02", "03", "04", "05"]),
        ("identification_standard", ["01", "02", "03"]),
        ("unit_level", [f"{i:02d}" for i in range(1, 8)]),
        ("risk_decider", ["01", "02", "03", "04"]),
        ("disability_category", [str(i) for i in range(1, 8)]),
        ("political_status", [f"{i:02d}" for i in range(1, 14)]),
        ("education", [f"{i:02d}" for i in range(1, 7)]),
        ("school_status", [f"{i:02d}" for i in range(1, 17)]),
    ],
)
def test_table_has_the_reference_codes(name, codes):
    assert code_table(name).codes() == codes


def test_risk_types_start_with_illness_and_end_with_other():
    table = code_table("risk_type")
    labels = [table.label(c) for c in table.codes()]
    assert labels[0] == "因病" and labels[-1] == "其他"
    assert "缺劳动力" in labels and "务工就业不稳定" in labels
